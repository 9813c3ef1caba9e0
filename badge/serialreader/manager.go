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
	"checkin/badge/osdp"
)

// Read is one badge read that passed the decoder and the hold-off.
type Read struct {
	Reader    string    // the spec's Name: its PORT, for OSDP with @ADDRESS
	UID       string    // canonical UID, or the QR text for source "qr"
	Source    string    // badge.SourceRFID or badge.SourceQR
	Gate      string    // the spec's gate
	Direction string    // "in" or "out"
	Role      string    // "entrance", "desk" or "room"
	Room      string    // role=room: the spec's room
	At        time.Time // when the frame was decoded (Manager.Now)
	// Feedback, when not nil, tells the reader how the tap was decided
	// (OSDP: green and a short beep, or red and a long one). It never
	// blocks.
	Feedback func(accepted bool)
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
	// DataDir keeps the secure-channel keys of OSDP readers (osdp-keys/).
	DataDir string
	// OSDPPollInterval overrides osdp.DefaultPollInterval when not zero.
	OSDPPollInterval time.Duration

	once     sync.Once
	setupErr error
	readers  []*reader
	lines    []*osdpLine
	osdpOf   map[int]func() osdp.Status // OSDP reader state index → its bus status

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
	for _, l := range m.lines {
		wg.Go(func() { l.run(ctx) })
	}
	wg.Wait()
	return nil
}

// Check reports whether the specs are usable: the error Run would return
// at once (unknown format, a port given twice, an OSDP reader without a
// key, readers on one OSDP line at different baud rates).
func (m *Manager) Check() error {
	m.once.Do(m.setup)
	return m.setupErr
}

// States returns a snapshot of every reader's state, in Specs order.
func (m *Manager) States() []ReaderState {
	m.once.Do(m.setup)
	m.mu.Lock()
	out := make([]ReaderState, len(m.states))
	for i, s := range m.states {
		out[i] = s.clone()
	}
	m.mu.Unlock()
	// OSDP counters live in their bus: read them outside our lock.
	for i, status := range m.osdpOf {
		st := status()
		out[i].OSDP = &st.Stats
		out[i].Rejects[badge.ReasonChecksum] += st.CRCErrors
		out[i].Rejects[badge.ReasonGarbage] += st.Garbage
		out[i].Rejects[ReasonNAK] += st.NAKs
		out[i].Rejects[ReasonBadReply] += st.BadReplies
	}
	return out
}

// Reject reasons of OSDP lines, beside the badge.Reason… ones.
const (
	ReasonNAK      = "nak"       // the reader refused a command
	ReasonBadReply = "bad_reply" // framing errors, bad MACs, replies out of place
)

// setup builds the readers and their initial states.
func (m *Manager) setup() {
	holdoff := m.holdoff()
	seen := make(map[string]bool)
	lines := make(map[string]*osdpLine)
	m.osdpOf = make(map[int]func() osdp.Status)
	now := m.now()
	for i, spec := range m.Specs {
		m.states = append(m.states, ReaderState{
			Reader:    spec.Name(),
			Format:    spec.Format,
			Gate:      spec.Gate,
			Direction: spec.Direction,
			Role:      spec.Role,
			Room:      spec.Room,
			State:     StateWaiting,
			Rejects:   make(map[string]uint64),
			Since:     now,
		})
		if spec.Format == badge.FormatOSDP {
			if err := m.addOSDP(i, spec, lines, seen); err != nil {
				m.setupErr = err
				return
			}
			continue
		}
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
	}
	for _, l := range m.lines {
		l.bus.Readers = make([]osdp.ReaderConfig, len(l.specs))
		for j, spec := range l.specs {
			cfg, err := osdpConfig(spec, m.DataDir)
			if err != nil {
				m.setupErr = err
				return
			}
			if spec.SecureOff {
				m.logger().Warn("OSDP reader runs without secure channel (secure=off): its card numbers cross the wire in clear", "reader", spec.Name())
			}
			l.bus.Readers[j] = cfg
		}
	}
}

// addOSDP adds an OSDP reader to the line of its port, creating it: the
// readers of one port share one poll loop and must agree on the baud rate
// and differ in address.
func (m *Manager) addOSDP(i int, spec badge.Spec, lines map[string]*osdpLine, seen map[string]bool) error {
	l := lines[spec.Port]
	if l == nil {
		if seen[spec.Port] {
			return fmt.Errorf("reader %s: port %s is given to another format too", spec.Name(), spec.Port)
		}
		seen[spec.Port] = true
		line, err := badge.NewDecoder(badge.FormatLine)
		if err != nil {
			return err
		}
		l = &osdpLine{m: m, line: line}
		l.bus = &osdp.Bus{
			Baud:         spec.Baud,
			PollInterval: m.OSDPPollInterval,
			OnCard:       l.card,
			OnText:       l.text,
			Logger:       m.logger().With("port", spec.Port),
			OnStatus: func(j int, st osdp.Status) {
				m.setOSDP(l.idx[j], st)
			},
		}
		lines[spec.Port] = l
		m.lines = append(m.lines, l)
	}
	for _, other := range l.specs {
		switch {
		case other.Address == spec.Address:
			return fmt.Errorf("reader %s: given twice", spec.Name())
		case other.Baud != spec.Baud:
			return fmt.Errorf("reader %s: baud=%d, but reader %s on the same line has baud=%d: one line has one rate",
				spec.Name(), spec.Baud, other.Name(), other.Baud)
		}
	}
	j := len(l.specs)
	l.specs = append(l.specs, spec)
	l.idx = append(l.idx, i)
	l.holds = append(l.holds, badge.NewHoldoff(m.holdoff()))
	l.rejs = append(l.rejs, newRejectLog(m.logger(), spec.Name()))
	addr := spec.Address
	m.states[i].Address = &addr
	m.states[i].Secure = osdp.SecureConnect
	if spec.SecureOff {
		m.states[i].Secure = osdp.SecureOff
	}
	m.osdpOf[i] = func() osdp.Status { return l.bus.Status(j) }
	return nil
}

func (m *Manager) holdoff() time.Duration {
	if m.Holdoff == 0 {
		return badge.DefaultHoldoff
	}
	return m.Holdoff
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
	if s.Secure == osdp.SecureUp {
		s.Secure = osdp.SecureConnect // the line is down: so is its session
	}
	if lastErr != "" || state == StateOpen {
		s.LastError = lastErr
	}
	snap := s.clone()
	m.mu.Unlock()

	if state == StateOpen || state == StateOffline { // offline: an OSDP line just opened, its readers not heard yet
		m.logger().Info("reader open", "reader", snap.Reader, "port", port, "format", snap.Format)
	} else {
		m.logger().Warn("reader down", "reader", snap.Reader, "state", state, "error", lastErr)
	}
	if m.OnState != nil {
		m.OnState(snap)
	}
}

// setOSDP records an OSDP reader's status from its bus; on a change of
// anything but the counters it logs and calls OnState (outside the lock).
func (m *Manager) setOSDP(i int, st osdp.Status) {
	m.mu.Lock()
	s := &m.states[i]
	before := *s
	if s.State != st.State {
		s.Since = m.now()
	}
	s.State, s.LastError, s.Secure = st.State, st.Error, st.Secure
	s.Tamper, s.PowerFailure, s.LastNAK, s.Device = st.Tamper, st.PowerFailure, st.LastNAK, st.ID
	changed := before.State != s.State || before.LastError != s.LastError || before.Secure != s.Secure ||
		before.Tamper != s.Tamper || before.PowerFailure != s.PowerFailure ||
		before.LastNAK != s.LastNAK || before.Device != s.Device
	snap := s.clone()
	m.mu.Unlock()
	if !changed {
		return
	}
	switch {
	case snap.State == StateOnline && !snap.Tamper && !snap.PowerFailure:
		m.logger().Info("OSDP reader online", "reader", snap.Reader, "secure", snap.Secure, "device", snap.Device)
	case snap.State == StateOnline:
		m.logger().Warn("OSDP reader reports trouble", "reader", snap.Reader, "tamper", snap.Tamper, "power_failure", snap.PowerFailure)
	default:
		m.logger().Warn("OSDP reader down", "reader", snap.Reader, "state", snap.State, "secure", snap.Secure, "error", snap.LastError)
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
