package serialreader_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.bug.st/serial"

	"checkin/badge"
	"checkin/badge/osdp"
	"checkin/badge/osdp/pdsim"
	"checkin/badge/serialreader"
	"checkin/badge/serialreader/ptytest"
)

// card26 is a 26-bit Wiegand read (facility 1, card 12345) → UID 013039.
var card26 = []byte{0x80, 0x98, 0x1C, 0xC0}

// sharedPort lets a test write raw bytes into the line beside the
// simulated readers.
type sharedPort struct {
	mu sync.Mutex
	p  serial.Port
}

func (s *sharedPort) Read(b []byte) (int, error) { return s.p.Read(b) }

func (s *sharedPort) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p.Write(b)
}

// osdpPeer runs simulated readers on the B end of a socat pair.
type osdpPeer struct {
	socat  *ptytest.Socat
	port   *sharedPort
	cancel context.CancelFunc
	done   chan struct{}
}

func startPeer(t *testing.T, dir string, readers ...*pdsim.Reader) *osdpPeer {
	t.Helper()
	s := ptytest.Start(t, dir)
	p, err := serial.Open(s.B, &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatal(err)
	}
	p.SetReadTimeout(10 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	peer := &osdpPeer{socat: s, port: &sharedPort{p: p}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(peer.done)
		pdsim.Serve(ctx, peer.port, readers...)
	}()
	t.Cleanup(peer.stop)
	return peer
}

// stop unplugs the line: the simulator stops and socat dies.
func (p *osdpPeer) stop() {
	p.cancel()
	<-p.done
	p.port.p.Close()
	p.socat.Kill()
}

// osdpKiosk is a Manager on the A end, as the kiosk runs it.
type osdpKiosk struct {
	m      *serialreader.Manager
	reads  chan serialreader.Read
	states chan serialreader.ReaderState
	cancel context.CancelFunc
	done   chan error
}

func startOSDP(t *testing.T, dataDir string, specs ...string) *osdpKiosk {
	t.Helper()
	k := &osdpKiosk{reads: make(chan serialreader.Read, 16), states: make(chan serialreader.ReaderState, 256), done: make(chan error, 1)}
	var parsed []badge.Spec
	for _, v := range specs {
		s, err := badge.ParseSpec(v)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, s)
	}
	k.m = &serialreader.Manager{
		Specs:   parsed,
		DataDir: dataDir,
		OnRead:  func(r serialreader.Read) { k.reads <- r },
		OnState: func(s serialreader.ReaderState) {
			select {
			case k.states <- s:
			default:
			}
		},
	}
	if err := k.m.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	go func() { k.done <- k.m.Run(ctx) }()
	t.Cleanup(k.stop)
	return k
}

func (k *osdpKiosk) stop() {
	k.cancel()
	if k.done != nil {
		<-k.done
		k.done = nil
	}
}

func (k *osdpKiosk) waitState(t *testing.T, i int, what string, ok func(serialreader.ReaderState) bool) serialreader.ReaderState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := k.m.States()[i]
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("reader %d never %s: %+v", i, what, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func isOnline(st serialreader.ReaderState) bool { return st.State == serialreader.StateOnline }

func (k *osdpKiosk) waitRead(t *testing.T) serialreader.Read {
	t.Helper()
	select {
	case r := <-k.reads:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no read within 5 s")
	}
	return serialreader.Read{}
}

func (k *osdpKiosk) noRead(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case r := <-k.reads:
		t.Fatalf("unexpected read %+v", r)
	case <-time.After(d):
	}
}

func waitLEDs(t *testing.T, pd *pdsim.Reader, n int) []byte {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var colors []byte
		for _, c := range pd.Commands() {
			if color, _, ok := c.LED(); ok {
				colors = append(colors, color)
			}
		}
		if len(colors) >= n {
			return colors
		}
		if time.Now().After(deadline) {
			t.Fatalf("reader got LED colours %v, want %d", colors, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestOSDPReadAndFeedback(t *testing.T) {
	dir := t.TempDir()
	k0 := osdp.Key{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4}
	pd := &pdsim.Reader{Addr: 4, Key: k0, HasKey: true}
	peer := startPeer(t, dir, pd)
	k := startOSDP(t, t.TempDir(), peer.socat.A+",format=osdp,address=4,gate=hall-A,scbk=09080706050403020100090807060504")
	st := k.waitState(t, 0, "online", isOnline)
	if st.Reader != peer.socat.A+"@4" || st.Secure != osdp.SecureUp || st.Address == nil || *st.Address != 4 || st.Device == "" {
		t.Errorf("state %+v", st)
	}
	pd.Card(26, card26)
	r := k.waitRead(t)
	if r.UID != "013039" || r.Gate != "hall-A" || r.Source != badge.SourceRFID || r.Feedback == nil {
		t.Fatalf("read %+v", r)
	}
	r.Feedback(true)
	pd.Card(26, card26)
	k.noRead(t, 300*time.Millisecond) // the same card inside the hold-off
	pd.CardText("04:a1:b2:c3")        // an older reader's osdp_FMT, read by the line rules
	if r := k.waitRead(t); r.UID != "04A1B2C3" {
		t.Errorf("osdp_FMT read %+v", r)
	}
	pd.CardText("not a card")
	k.noRead(t, 300*time.Millisecond)
	if st := k.m.States()[0]; st.Rejects[badge.ReasonBadHex] != 1 {
		t.Errorf("rejects %v: want the bad osdp_FMT text counted", st.Rejects)
	}
	if colors := waitLEDs(t, pd, 1); colors[0] != osdp.ColorGreen {
		t.Errorf("LED colours %v, want green first", colors)
	}
}

func TestOSDPInstallKeyKeptAcrossRestart(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	pd := &pdsim.Reader{Addr: 1, Install: true}
	peer := startPeer(t, dir, pd)
	spec := peer.socat.A + ",format=osdp,address=1"
	k := startOSDP(t, data, spec+",scbk=install")
	k.waitState(t, 0, "online", isOnline)
	key, ok := pd.CurrentKey()
	if !ok || key == osdp.SCBKD {
		t.Fatalf("the reader's key is %x (%v): want a fresh one", key, ok)
	}
	files, _ := filepath.Glob(filepath.Join(data, "osdp-keys", "*"))
	if len(files) != 1 || !strings.HasSuffix(files[0], "@1.key") {
		t.Fatalf("key files %v: want one .key", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v: want 0600", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(files[0]); !strings.Contains(strings.ToLower(string(b)), strings.ToLower(hexKey(key))) {
		t.Errorf("stored key %q, reader's %x", b, key)
	}
	k.stop()

	// Restarted without scbk=: the stored key opens the channel.
	k = startOSDP(t, data, spec)
	if st := k.waitState(t, 0, "online", isOnline); st.Secure != osdp.SecureUp {
		t.Errorf("after restart: %+v", st)
	}
	pd.Card(26, card26)
	if r := k.waitRead(t); r.UID != "013039" {
		t.Errorf("read %+v", r)
	}
}

// TestOSDPPendingKeyCommitted: a kiosk killed between sending osdp_KEYSET
// and storing the acknowledged key left it .pending; the next start tries
// it, the reader takes it, and it becomes the stored key.
func TestOSDPPendingKeyCommitted(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	k := osdp.Key{0x5A, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	pd := &pdsim.Reader{Addr: 2, Key: k, HasKey: true}
	peer := startPeer(t, dir, pd)
	base := filepath.Join(data, "osdp-keys", strings.ReplaceAll(peer.socat.A, "/", "_")+"@2") // the port, '/' as '_'

	if err := os.MkdirAll(filepath.Dir(base), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".pending", []byte(strings.ToUpper(hexKey(k))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	kiosk := startOSDP(t, data, peer.socat.A+",format=osdp,address=2")
	kiosk.waitState(t, 0, "online", isOnline)
	if b, err := os.ReadFile(base + ".key"); err != nil || !strings.EqualFold(strings.TrimSpace(string(b)), hexKey(k)) {
		t.Errorf("stored key %q, %v: want the pending one committed", b, err)
	}
	if _, err := os.Stat(base + ".pending"); !os.IsNotExist(err) {
		t.Errorf("the pending key is still there: %v", err)
	}
}

func hexKey(k osdp.Key) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for _, x := range k {
		b.WriteByte(digits[x>>4])
		b.WriteByte(digits[x&15])
	}
	return b.String()
}

func TestOSDPNoKeyIsAStartError(t *testing.T) {
	s, err := badge.ParseSpec("/dev/ttyUSB9,format=osdp,address=2")
	if err != nil {
		t.Fatal(err)
	}
	m := &serialreader.Manager{Specs: []badge.Spec{s}, DataDir: t.TempDir()}
	err = m.Check()
	if !errors.Is(err, serialreader.ErrNoKey) || !strings.Contains(err.Error(), "scbk=install") || !strings.Contains(err.Error(), "/dev/ttyUSB9@2") {
		t.Errorf("Check = %v: want ErrNoKey naming the reader and the options", err)
	}
}

func TestOSDPWrongKeyNoTaps(t *testing.T) {
	pd := &pdsim.Reader{Addr: 0, Key: osdp.Key{1}, HasKey: true}
	peer := startPeer(t, t.TempDir(), pd)
	k := startOSDP(t, t.TempDir(), peer.socat.A+",format=osdp,scbk=00000000000000000000000000000002")
	st := k.waitState(t, 0, "in error", func(s serialreader.ReaderState) bool { return s.State == serialreader.StateError })
	if st.Secure != osdp.SecureRefused || !strings.Contains(st.LastError, "secure channel refused: wrong key?") {
		t.Errorf("state %+v", st)
	}
	pd.Card(26, card26)
	k.noRead(t, 500*time.Millisecond)
}

func TestOSDPMultiDropAndReplug(t *testing.T) {
	dir := t.TempDir()
	a := &pdsim.Reader{Addr: 1}
	b := &pdsim.Reader{Addr: 2}
	peer := startPeer(t, dir, a, b)
	k := startOSDP(t, t.TempDir(), peer.socat.A+",format=osdp,address=1,secure=off", peer.socat.A+",format=osdp,address=2,secure=off,gate=side")
	k.waitState(t, 0, "online", isOnline)
	k.waitState(t, 1, "online", isOnline)

	b.Silence(true)
	k.waitState(t, 1, "offline", func(s serialreader.ReaderState) bool { return s.State == serialreader.StateOffline })
	for i := range 3 {
		a.Card(32, []byte{0xCA, 0xFE, 0, byte(i)}) // 32 bits: the raw value
		r := k.waitRead(t)
		if r.Reader != peer.socat.A+"@1" || r.UID != "CAFE000"+string(rune('0'+i)) {
			t.Fatalf("read %+v", r)
		}
	}
	b.Silence(false)
	k.waitState(t, 1, "back online", isOnline)

	// Unplug the line: both readers wait for it; plug it back: online.
	peer.stop()
	k.waitState(t, 0, "waiting", func(s serialreader.ReaderState) bool { return s.State == serialreader.StateWaiting })
	peer = startPeer(t, dir, a, b)
	k.waitState(t, 0, "online after replug", isOnline)
	k.waitState(t, 1, "online after replug", isOnline)
	b.Card(26, card26)
	if r := k.waitRead(t); r.Reader != peer.socat.A+"@2" || r.Gate != "side" {
		t.Errorf("read %+v", r)
	}
}

func TestOSDPGarbageOnTheLine(t *testing.T) {
	pd := &pdsim.Reader{Addr: 3}
	peer := startPeer(t, t.TempDir(), pd)
	k := startOSDP(t, t.TempDir(), peer.socat.A+",format=osdp,address=3,secure=off")
	k.waitState(t, 0, "online", isOnline)

	good, err := osdp.Packet{Addr: 3, Reply: true, Seq: 1, CRC: true, Code: osdp.ReplyRAW, Data: []byte{0, 1, 26, 0, 0x80, 0x98, 0x1C, 0xC0}}.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	badCRC := append([]byte(nil), good...)
	badCRC[len(badCRC)-1] ^= 0xFF
	for range 20 {
		for _, junk := range [][]byte{
			[]byte("\x00\x01garbage\xfe\x53"),
			badCRC,
			{osdp.SOM, 0x83, 0xFF, 0xFF, 0x04}, // a SOM with an absurd length
			good[:len(good)-3],                 // a reply cut short
		} {
			if _, err := peer.port.Write(junk); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	time.Sleep(300 * time.Millisecond)
	k.noRead(t, 200*time.Millisecond)
	st := k.waitState(t, 0, "online after the noise", isOnline)
	if st.Rejects[badge.ReasonChecksum] == 0 || st.Rejects[badge.ReasonGarbage] == 0 {
		t.Errorf("rejects %v: want bad CRCs and garbage counted", st.Rejects)
	}
	// Still reading cards.
	pd.Card(26, card26)
	k.waitRead(t)
}
