// Package serialreader reads badges from serial readers (RFID and QR) with
// go.bug.st/serial: one goroutine per reader, reopened with backoff when
// the device goes away, with hold-off and per-reader state and counters.
package serialreader

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"checkin/badge"
)

// Read is one badge read that passed the decoder and the hold-off.
type Read struct {
	Reader    string    // the spec's PORT, naming the reader
	UID       string    // canonical UID, or the QR text for source "qr"
	Source    string    // badge.SourceRFID or badge.SourceQR
	Gate      string    // the spec's gate
	Direction string    // "in" or "out"
	Role      string    // "entrance" or "desk"
	At        time.Time // when the frame was decoded (Manager.Now)
}

// Manager runs a set of serial readers. Configure the exported fields,
// then call Run once. States may be called at any time, from any goroutine.
type Manager struct {
	// Specs lists the readers, one per --reader value.
	Specs []badge.Spec
	// Holdoff is how long a card must be absent before it taps again on
	// the same reader: zero means badge.DefaultHoldoff, negative none.
	Holdoff time.Duration
	// OnRead receives every read, synchronously on the reader's
	// goroutine: it is on the tap path and should return quickly.
	OnRead func(Read)
	// OnState receives a reader's state on every change of State or
	// LastError, synchronously on the reader's goroutine.
	OnState func(ReaderState)
	// Logger receives state changes and reject bursts; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock for read times and hold-off; nil means time.Now.
	Now func() time.Time

	once     sync.Once
	setupErr error
	readers  []*reader

	mu      sync.Mutex
	running bool
	states  []ReaderState // by reader, guarded by mu
}

// Run reads all readers until ctx is done, then closes their ports and
// returns nil. It returns an error at once when a spec is unusable
// (unknown format, the same PORT twice) or when called a second time.
func (m *Manager) Run(ctx context.Context) error {
	m.once.Do(m.setup)
	if m.setupErr != nil {
		return m.setupErr
	}
	m.mu.Lock()
	if m.running {
		m.mu.Unlock()
		return errors.New("serial readers: Run called twice")
	}
	m.running = true
	m.mu.Unlock()

	var wg sync.WaitGroup
	for _, r := range m.readers {
		wg.Go(func() { r.run(ctx) })
	}
	wg.Wait()
	return nil
}

// States returns a snapshot of every reader's state, in Specs order.
func (m *Manager) States() []ReaderState {
	m.once.Do(m.setup)
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]ReaderState, len(m.states))
	for i, s := range m.states {
		out[i] = s.clone()
	}
	return out
}

// setup builds the readers and their initial states.
func (m *Manager) setup() {
	holdoff := m.Holdoff
	if holdoff == 0 {
		holdoff = badge.DefaultHoldoff
	}
	seen := make(map[string]bool)
	now := m.now()
	for i, spec := range m.Specs {
		if seen[spec.Port] {
			m.setupErr = fmt.Errorf("reader %s: given twice", spec.Port)
			return
		}
		seen[spec.Port] = true
		dec, err := badge.NewDecoder(spec.Format)
		if err != nil {
			m.setupErr = fmt.Errorf("reader %s: %w", spec.Port, err)
			return
		}
		r := &reader{
			m:       m,
			idx:     i,
			spec:    spec,
			dec:     dec,
			hold:    badge.NewHoldoff(holdoff),
			rejects: newRejectLog(m.logger(), spec.Port),
		}
		r.emitFunc = r.emit
		m.readers = append(m.readers, r)
		m.states = append(m.states, ReaderState{
			Reader:    spec.Port,
			Format:    spec.Format,
			Gate:      spec.Gate,
			Direction: spec.Direction,
			Role:      spec.Role,
			State:     StateWaiting,
			Rejects:   make(map[string]uint64),
			Since:     now,
		})
	}
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Manager) logger() *slog.Logger {
	if m.Logger != nil {
		return m.Logger
	}
	return slog.Default()
}

// setState records reader i's state; on a change of state or error it
// logs and calls OnState (outside the lock).
func (m *Manager) setState(i int, state, port, lastErr string) {
	m.mu.Lock()
	s := &m.states[i]
	if s.State == state && s.LastError == lastErr && s.Port == port {
		m.mu.Unlock()
		return
	}
	if s.State != state {
		s.Since = m.now()
	}
	s.State, s.Port = state, port
	if lastErr != "" || state == StateOpen {
		s.LastError = lastErr
	}
	snap := s.clone()
	m.mu.Unlock()

	if state == StateOpen {
		m.logger().Info("reader open", "reader", snap.Reader, "port", port, "format", snap.Format)
	} else {
		m.logger().Warn("reader down", "reader", snap.Reader, "state", state, "error", lastErr)
	}
	if m.OnState != nil {
		m.OnState(snap)
	}
}

func (m *Manager) countRead(i int, at time.Time) {
	m.mu.Lock()
	m.states[i].Reads++
	m.states[i].LastRead = at
	m.mu.Unlock()
}

func (m *Manager) countReject(i int, reason string) {
	m.mu.Lock()
	m.states[i].Rejects[reason]++
	m.mu.Unlock()
}
