package doctor

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"go.bug.st/serial"

	"checkin/badge"
	"checkin/badge/osdp/pdsim"
	"checkin/badge/serialreader"
	"checkin/badge/serialreader/ptytest"
)

func em4100Frame(uid string) []byte {
	var sum byte
	for i := 0; i < 10; i += 2 {
		var b byte
		fmt.Sscanf(uid[i:i+2], "%02X", &b)
		sum ^= b
	}
	return []byte(fmt.Sprintf("\x02%s%02X\x03", uid, sum))
}

// feed writes p to the reader's end of the pty every 100 ms while the
// doctor listens, as a card held on a reader repeats.
func feed(t *testing.T, s *ptytest.Socat, p []byte) {
	t.Helper()
	if p == nil {
		return
	}
	peer := s.OpenPeer(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			peer.Write(p)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func TestListenReader(t *testing.T) {
	tests := []struct {
		name, format string
		bytes        []byte
		status       Status
		detail, fix  string
	}{
		{"its format", "em4100", em4100Frame("0A1B2C3D4E"), OK, "read 1 card (0A1B2C3D4E)", ""},
		{"a QR scanner", "qr", []byte("]Q1CHECKIN-PASS-TEXT\r\n"), OK, "read 1 code", ""},
		{"line bytes on an em4100 reader", "em4100", []byte("0A1B2C3D4E\r\n"), Fail,
			"not speaking format=em4100: 1 frame rejected (garbage 1); the bytes read as format=line", "set format=line in its --reader"},
		{"em4100 frames on a line reader", "line", em4100Frame("0A1B2C3D4E"), Fail, "the bytes read as format=em4100", ",format=em4100,"},
		{"decimal card numbers", "wiegand", []byte("1234567\r\n"), Fail, "the bytes read as format=line-dec", "set format=line-dec"},
		{"noise", "em4100", []byte{0x02, 0xff, 0x13, 0x03, 0x02, 0x00}, Fail, "they read as no format checkin knows", "check baud="},
		{"silence", "qr", nil, Warn, "no card read in 1s", "tap a card on it during the check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ptytest.Start(t, t.TempDir())
			feed(t, s, tt.bytes)
			spec, err := badge.ParseSpec(s.A + ",format=" + tt.format)
			if err != nil {
				t.Fatal(err)
			}
			c := listenReader(context.Background(), spec, time.Second)
			wantCheck(t, c, tt.status, tt.detail, tt.fix)
			if c.Status == OK && c.Detail == "read 0 cards" {
				t.Errorf("detail %q", c.Detail)
			}
		})
	}
}

// TestReadersAtOnce: two readers are listened to at the same time, each
// judged by its own bytes, in the order they were given.
func TestReadersAtOnce(t *testing.T) {
	em, line := ptytest.Start(t, t.TempDir()), ptytest.Start(t, t.TempDir())
	feed(t, em, em4100Frame("0A1B2C3D4E"))
	feed(t, line, []byte("0A1B2C3D4E\r\n"))
	start := time.Now()
	checks := checkReaders(context.Background(), Config{Readers: []string{em.A, line.A + ",format=em4100"}, Listen: time.Second}, nil)
	if took := time.Since(start); took > 1900*time.Millisecond {
		t.Errorf("two readers took %v: not at once", took)
	}
	if len(checks) != 2 {
		t.Fatalf("%d checks, want 2", len(checks))
	}
	wantCheck(t, checks[0], OK, "read ", "")
	wantCheck(t, checks[1], Fail, "the bytes read as format=line", "format=line")
}

func TestReaderOpenFailures(t *testing.T) {
	spec, _ := badge.ParseSpec(filepath.Join(t.TempDir(), "ttyUSB9"))
	wantCheck(t, only(t, checkReaders(context.Background(), Config{Readers: []string{spec.Port}, Listen: time.Second}, nil)),
		Fail, "not found", "checkin readers")
	usb, _ := badge.ParseSpec("usb:0403:6001:NOSUCH")
	wantCheck(t, listenReader(context.Background(), usb, time.Second), Fail, "not found", "checkin readers")
	wantCheck(t, only(t, checkReaders(context.Background(), Config{Readers: []string{"/dev/x,format=bogus"}}, nil)),
		Fail, "format", "CHECKIN_READER")
	if c := only(t, checkReaders(context.Background(), Config{}, nil)); c.Status != Skip {
		t.Errorf("no readers: %s, want skip", c.Status)
	}
}

func TestProbeOSDP(t *testing.T) {
	s := ptytest.Start(t, t.TempDir())
	port, err := serial.Open(s.B, &serial.Mode{BaudRate: 9600})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	port.SetReadTimeout(10 * time.Millisecond)
	pd := &pdsim.Reader{Addr: 3, Install: true, Serial: 4242}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); pdsim.Serve(ctx, port, pd) }()
	defer func() { cancel(); <-done }()

	spec, err := badge.ParseSpec(s.A + ",format=osdp,address=3,scbk=install")
	if err != nil {
		t.Fatal(err)
	}
	wantCheck(t, probeOSDP(context.Background(), spec, 2*time.Second), OK, "answers at address 3 on "+s.A+": ", "")
	wrong, _ := badge.ParseSpec(s.A + ",format=osdp,address=5,secure=off")
	wantCheck(t, probeOSDP(context.Background(), wrong, time.Second), Fail, "no OSDP reply at address 5", "check address= and baud=")
}

// TestJudgeState: a reader the running kiosk holds is judged from its
// /healthz before and after the listening time.
func TestJudgeState(t *testing.T) {
	spec, _ := badge.ParseSpec("/dev/ttyUSB0,format=em4100")
	open := serialreader.ReaderState{Reader: "/dev/ttyUSB0", State: serialreader.StateOpen, Rejects: map[string]uint64{}}
	with := func(f func(*serialreader.ReaderState)) serialreader.ReaderState {
		s := open
		s.Rejects = map[string]uint64{}
		f(&s)
		return s
	}
	tests := []struct {
		name        string
		then, now   serialreader.ReaderState
		status      Status
		detail, fix string
	}{
		{"read during the check", open, with(func(s *serialreader.ReaderState) { s.Reads = 2 }), OK, "read 2 cards during the check", ""},
		{"read before", with(func(s *serialreader.ReaderState) { s.Reads = 5 }), with(func(s *serialreader.ReaderState) { s.Reads = 5 }),
			OK, "read 5 cards since the kiosk started", ""},
		{"rejects only", open, with(func(s *serialreader.ReaderState) { s.Rejects["garbage"] = 4 }), Fail,
			"not speaking format=em4100: 4 frames rejected (garbage 4)", "systemctl stop checkin-kiosk"},
		{"silent", open, open, Warn, "open, no card read in 3s", "tap a card"},
		{"unplugged", open, with(func(s *serialreader.ReaderState) {
			s.State, s.LastError = serialreader.StateWaiting, "open reader /dev/ttyUSB0: no such file or directory"
		}), Fail, "not found", "plug the reader in"},
		{"permission", open, with(func(s *serialreader.ReaderState) {
			s.State, s.LastError = serialreader.StateError, "open reader /dev/ttyUSB0: Permission denied"
		}), Fail, "Permission denied", "dialout"},
		{"osdp offline", open, with(func(s *serialreader.ReaderState) {
			s.State, s.LastError = serialreader.StateOffline, "no reply yet"
		}), Fail, "does not answer OSDP polls", "RS-485 wiring"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCheck(t, judgeState(spec, tt.then, tt.now, 3*time.Second), tt.status, tt.detail, tt.fix)
		})
	}
}

// TestJudgeCapture: a frame cut by opening the port in its middle is not
// held against a reader; rejects after good frames are.
func TestJudgeCapture(t *testing.T) {
	spec, _ := badge.ParseSpec("/dev/ttyUSB0,format=em4100")
	frame := em4100Frame("0A1B2C3D4E")
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name     string
		captured []byte
		status   Status
		detail   string
	}{
		{"cut first frame", cat(frame[5:], frame, frame), OK, "read 1 card (0A1B2C3D4E)"},
		{"two cards", cat(frame, em4100Frame("00000000FF"), frame), OK, "read 2 cards (0A1B2C3D4E, 00000000FF)"},
		{"reject between frames", cat(frame, []byte("xx"), frame), Warn, "read 1 card (0A1B2C3D4E), but 1 frame rejected (garbage 1)"},
		{"only a cut frame", frame[5:], Fail, "not speaking format=em4100: 1 frame rejected (garbage 1)"},
		{"half a frame", frame[:5], Fail, "5 bytes, never a whole frame"},
	}
	for _, tt := range tests {
		wantCheck(t, judgeCapture(spec, "/dev/ttyUSB0", tt.captured, time.Second), tt.status, tt.detail, "")
	}
}
