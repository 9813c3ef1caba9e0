package serialreader_test

import (
	"context"
	"log/slog"
	"os"
	"syscall"
	"testing"
	"time"

	"checkin/badge"
	"checkin/badge/serialreader"
	"checkin/badge/serialreader/ptytest"
)

// wait is the generous deadline for any event the tests wait for.
const wait = 5 * time.Second

// harness runs a Manager with one reader on a socat pty pair.
type harness struct {
	t      testing.TB
	socat  *ptytest.Socat
	peer   *os.File
	m      *serialreader.Manager
	reads  chan serialreader.Read
	at     chan time.Time // when OnRead was called, one per read
	states chan serialreader.ReaderState
	cancel context.CancelFunc
	done   chan error
}

// newHarness starts socat and a Manager reading A with the given spec
// options (",format=line"…) and hold-off, and waits until the reader is open.
func newHarness(t testing.TB, options string, holdoff time.Duration) *harness {
	t.Helper()
	s := ptytest.Start(t, t.TempDir())
	h := start(t, s.A+options, holdoff)
	h.socat = s
	h.waitState(serialreader.StateOpen)
	h.openPeer()
	return h
}

// start runs a Manager for one --reader value.
func start(t testing.TB, readerArg string, holdoff time.Duration) *harness {
	t.Helper()
	spec, err := badge.ParseSpec(readerArg)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{
		t:      t,
		reads:  make(chan serialreader.Read, 1000),
		at:     make(chan time.Time, 1000),
		states: make(chan serialreader.ReaderState, 1000),
		done:   make(chan error, 1),
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	if _, ok := t.(*testing.B); ok {
		logger = slog.New(slog.DiscardHandler)
	}
	h.m = &serialreader.Manager{
		Specs:   []badge.Spec{spec},
		Holdoff: holdoff,
		OnRead: func(r serialreader.Read) {
			now := time.Now()
			h.reads <- r
			h.at <- now
		},
		OnState: func(s serialreader.ReaderState) { h.states <- s },
		Logger:  logger,
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.m.Run(ctx) }()
	t.Cleanup(h.stop)
	return h
}

// stop cancels the Manager and checks that Run returns nil promptly.
func (h *harness) stop() {
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run: got %v, want nil", err)
		}
		h.done <- nil // stop may run twice
	case <-time.After(wait):
		h.t.Errorf("Run did not return %v after cancel", wait)
	}
}

// openPeer opens the B side of the current socat for writing.
func (h *harness) openPeer() {
	h.t.Helper()
	f, err := os.OpenFile(h.socat.B, os.O_WRONLY|syscall.O_NOCTTY, 0)
	if err != nil {
		h.t.Fatalf("open peer: %v", err)
	}
	h.peer = f
	h.t.Cleanup(func() { f.Close() })
}

// write sends bytes as the card reader would.
func (h *harness) write(s string) {
	h.t.Helper()
	if _, err := h.peer.Write([]byte(s)); err != nil {
		h.t.Fatalf("write to pty: %v", err)
	}
}

// waitRead returns the next Read, failing the test after the deadline.
func (h *harness) waitRead() serialreader.Read {
	h.t.Helper()
	select {
	case r := <-h.reads:
		return r
	case <-time.After(wait):
		h.t.Fatalf("no read within %v (state %+v)", wait, h.m.States())
	}
	return serialreader.Read{}
}

// waitState waits for an OnState in one of the given states.
func (h *harness) waitState(states ...string) serialreader.ReaderState {
	h.t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case s := <-h.states:
			for _, want := range states {
				if s.State == want {
					return s
				}
			}
		case <-deadline:
			h.t.Fatalf("no state in %v within %v (state %+v)", states, wait, h.m.States())
		}
	}
}

// drainReads returns the reads received so far without waiting.
func (h *harness) drainReads() []serialreader.Read {
	var out []serialreader.Read
	for {
		select {
		case r := <-h.reads:
			out = append(out, r)
		default:
			return out
		}
	}
}
