package osdp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.bug.st/serial"

	"checkin/badge/osdp"
	"checkin/badge/osdp/pdsim"
	"checkin/badge/serialreader/ptytest"
)

// openPort opens one end of a socat pty pair as the kiosk opens a reader.
func openPort(t testing.TB, path string) serial.Port {
	t.Helper()
	p, err := serial.Open(path, &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	if err := p.SetReadTimeout(10 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// memStore is a KeyStore in memory.
type memStore struct {
	mu               sync.Mutex
	pending, current *osdp.Key
}

func (m *memStore) Pending(k osdp.Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = &k
	return nil
}

func (m *memStore) Commit(k osdp.Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.current, m.pending = &k, nil
	return nil
}

func (m *memStore) key() *osdp.Key {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.current
}

type card struct {
	reader int
	read   osdp.CardRead
}

// rig is a bus on one end of a pty pair and simulated readers on the other.
type rig struct {
	bus    *osdp.Bus
	cards  chan card
	cancel context.CancelFunc
	done   chan error
}

func startRig(t *testing.T, cfgs []osdp.ReaderConfig, readers ...*pdsim.Reader) *rig {
	t.Helper()
	s := ptytest.Start(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	peer := openPort(t, s.B)
	simDone := make(chan struct{})
	go func() {
		defer close(simDone)
		pdsim.Serve(ctx, peer, readers...)
	}()
	r := &rig{cards: make(chan card, 16), cancel: cancel, done: make(chan error, 1)}
	r.bus = &osdp.Bus{
		Conn:    openPort(t, s.A),
		Readers: cfgs,
		OnCard:  func(i int, c osdp.CardRead) { r.cards <- card{i, c} },
	}
	go func() { r.done <- r.bus.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-r.done; err != nil {
			t.Errorf("Run: %v", err)
		}
		<-simDone
	})
	return r
}

// waitStatus waits until reader i's status satisfies ok.
func (r *rig) waitStatus(t *testing.T, i int, what string, ok func(osdp.Status) bool) osdp.Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := r.bus.Status(i)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("reader %d never %s; status %+v", i, what, st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func online(st osdp.Status) bool { return st.State == osdp.StateOnline }

func (r *rig) waitCard(t *testing.T) card {
	t.Helper()
	select {
	case c := <-r.cards:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no card read within 5 s")
	}
	return card{}
}

func (r *rig) noCard(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case c := <-r.cards:
		t.Fatalf("unexpected card read %+v", c)
	case <-time.After(d):
	}
}

// present26 is a 26-bit Wiegand read: facility 1, card 12345, parities good.
var present26 = []byte{0x80, 0x98, 0x1C, 0xC0}

func TestPlainSession(t *testing.T) {
	pd := &pdsim.Reader{Addr: 1, Serial: 42}
	r := startRig(t, []osdp.ReaderConfig{{Addr: 1}}, pd)
	st := r.waitStatus(t, 0, "online", online)
	if st.Secure != osdp.SecureOff || st.ID == "" {
		t.Errorf("status %+v: want secure off and the reader's ID", st)
	}
	pd.Card(26, present26)
	c := r.waitCard(t)
	uid, err := c.read.UID()
	if err != nil || uid != "013039" {
		t.Errorf("card UID = %q, %v; want 013039", uid, err)
	}
	r.bus.Feedback(0, c.read.Reader, true)
	r.bus.Feedback(0, c.read.Reader, false)
	waitCommands(t, pd, 4)
	cmds := pd.Commands()
	if color, tenths, ok := cmds[0].LED(); !ok || color != osdp.ColorGreen || tenths != 10 {
		t.Errorf("first command %+v: want a green LED for 1 s", cmds[0])
	}
	if cmds[1].Code != osdp.CmdBUZ {
		t.Errorf("second command %+v: want the buzzer", cmds[1])
	}
	if color, tenths, ok := cmds[2].LED(); !ok || color != osdp.ColorRed || tenths != 20 {
		t.Errorf("third command %+v: want a red LED for 2 s", cmds[2])
	}
	if on := cmds[3].Data[2]; on <= cmds[1].Data[2] {
		t.Errorf("rejected beep %d tenths, accepted %d: want it longer", on, cmds[1].Data[2])
	}
}

func waitCommands(t *testing.T, pd *pdsim.Reader, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(pd.Commands()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("reader got %d commands, want %d: %+v", len(pd.Commands()), n, pd.Commands())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSecureSession(t *testing.T) {
	k := osdp.Key{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	pd := &pdsim.Reader{Addr: 5, Key: k, HasKey: true}
	r := startRig(t, []osdp.ReaderConfig{{Addr: 5, Secure: true, Keys: []osdp.Key{k}}}, pd)
	st := r.waitStatus(t, 0, "online", online)
	if st.Secure != osdp.SecureUp || !pd.SecureUp() {
		t.Fatalf("status %+v: want the secure channel up", st)
	}
	for range 3 {
		pd.Card(26, present26)
		r.waitCard(t)
	}
	r.bus.Feedback(0, 0, true)
	waitCommands(t, pd, 2)
	for _, c := range pd.Commands() {
		if !c.Secure {
			t.Errorf("command %#x went in plain inside the secure channel", c.Code)
		}
	}
	if st := r.bus.Status(0); st.BadReplies != 0 || st.CRCErrors != 0 {
		t.Errorf("counters %+v: want no errors on a clean line", st.Stats)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	pd := &pdsim.Reader{Addr: 0, Key: osdp.Key{0xAA}, HasKey: true}
	r := startRig(t, []osdp.ReaderConfig{{Addr: 0, Secure: true, Keys: []osdp.Key{{0xBB}}}}, pd)
	st := r.waitStatus(t, 0, "refused", func(s osdp.Status) bool { return s.State == osdp.StateError })
	if st.Secure != osdp.SecureRefused || st.Error == "" {
		t.Errorf("status %+v: want the secure channel refused, with a reason", st)
	}
	pd.Card(26, present26)
	r.noCard(t, 300*time.Millisecond)
}

func TestInstallSetsKey(t *testing.T) {
	pd := &pdsim.Reader{Addr: 3, Install: true}
	store := &memStore{}
	r := startRig(t, []osdp.ReaderConfig{{Addr: 3, Secure: true, Install: true, Store: store}}, pd)
	r.waitStatus(t, 0, "online", online)
	k, ok := pd.CurrentKey()
	if !ok || store.key() == nil || *store.key() != k {
		t.Fatalf("reader key %x (%v), stored %v: want the same fresh key", k, ok, store.key())
	}
	if k == osdp.SCBKD {
		t.Fatal("the panel set SCBK-D as the key")
	}
	if !pd.SecureUp() {
		t.Fatal("no secure channel with the new key")
	}
	pd.Card(26, present26)
	r.waitCard(t)
}

func TestMultiDropSilencedReader(t *testing.T) {
	a := &pdsim.Reader{Addr: 1}
	b := &pdsim.Reader{Addr: 2}
	r := startRig(t, []osdp.ReaderConfig{{Addr: 1}, {Addr: 2}}, a, b)
	r.waitStatus(t, 0, "online", online)
	r.waitStatus(t, 1, "online", online)
	b.Silence(true)
	r.waitStatus(t, 1, "offline", func(s osdp.Status) bool { return s.State == osdp.StateOffline })
	for range 5 {
		a.Card(26, present26)
		if c := r.waitCard(t); c.reader != 0 {
			t.Fatalf("card from reader %d", c.reader)
		}
	}
	if st := r.bus.Status(0); st.State != osdp.StateOnline {
		t.Errorf("reader 1 is %s while reader 2 is silent", st.State)
	}
	b.Silence(false)
	r.waitStatus(t, 1, "back online", online)
}
