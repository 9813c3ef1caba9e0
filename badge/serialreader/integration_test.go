package serialreader_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"checkin/badge"
	"checkin/badge/serialreader"
	"checkin/badge/serialreader/ptytest"
)

// sentinels are good frames written after the bytes under test: once a
// sentinel's Read arrives, everything before it has been decoded.
var sentinels = map[string]struct{ frame, uid string }{
	badge.FormatEM4100:  {"\x02FFEEDDCCBBBB\x03", "FFEEDDCCBB"},
	badge.FormatLine:    {"CAFEF00D\r\n", "CAFEF00D"},
	badge.FormatLineDec: {"1\r\n", "00000001"},
	badge.FormatWiegand: {"W26:11010101111001101111011111\r\n", "ABCDEF"},
	badge.FormatQR:      {"]Q1SENTINEL\r\n", "SENTINEL"},
}

// TestCapturesEndToEnd writes each format's captured stream to a real
// pseudo-terminal, in uneven chunks, and checks the Reads and the reject
// counters against the capture's expected frames.
func TestCapturesEndToEnd(t *testing.T) {
	for _, format := range badge.Formats() {
		t.Run(format, func(t *testing.T) {
			data, want, idles := readCapture(t, format)
			h := newHarness(t, ",format="+format, -1) // no hold-off: every good frame is a Read
			start := 0
			for _, end := range append(idles, len(data)) {
				for i := start; i < end; i += 5 {
					h.write(string(data[i:min(i+5, end)]))
				}
				if end < len(data) {
					time.Sleep(3 * badge.IdleGap) // the scanner pauses: the code ends
				}
				start = end
			}
			h.write(sentinels[format].frame)

			var wantUIDs []string
			wantRejects := map[string]uint64{}
			for _, w := range want {
				if reason, ok := strings.CutPrefix(w, "!"); ok {
					wantRejects[reason]++
				} else {
					wantUIDs = append(wantUIDs, w)
				}
			}
			wantUIDs = append(wantUIDs, sentinels[format].uid)
			var got []string
			for len(got) < len(wantUIDs) {
				r := h.waitRead()
				got = append(got, r.UID)
				if r.UID == sentinels[format].uid {
					break
				}
			}
			if strings.Join(got, "\n") != strings.Join(wantUIDs, "\n") {
				t.Errorf("reads: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantUIDs, "\n"))
			}
			st := h.m.States()[0]
			if fmt.Sprint(st.Rejects) != fmt.Sprint(wantRejects) {
				t.Errorf("rejects: got %v, want %v", st.Rejects, wantRejects)
			}
			if st.Reads != uint64(len(wantUIDs)) {
				t.Errorf("reads counter: got %d, want %d", st.Reads, len(wantUIDs))
			}
		})
	}
}

// TestRejectsMakeNoRead: bad checksum, bad parity, garbage and an
// overlong line are counted by reason and never become a Read.
func TestRejectsMakeNoRead(t *testing.T) {
	tests := []struct {
		name, format, bytes, reason string
	}{
		{"bad checksum", badge.FormatEM4100, "\x020A00B1C2D3AB\x03", badge.ReasonChecksum},
		{"garbage", badge.FormatEM4100, "\x00\xff\xfe junk \x00", badge.ReasonGarbage},
		{"bad parity", badge.FormatWiegand, "W26:11010101111001101111011110\r\n", badge.ReasonParity},
		{"overlong line", badge.FormatLine, strings.Repeat("0A", 400) + "\r\n", badge.ReasonOverlong},
		{"overlong qr", badge.FormatQR, strings.Repeat("Q", 600) + "\r\n", badge.ReasonOverlong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, ",format="+tt.format, 0)
			h.write(tt.bytes)
			h.write(sentinels[tt.format].frame)
			if r := h.waitRead(); r.UID != sentinels[tt.format].uid {
				t.Errorf("got read %q, want only the sentinel %q", r.UID, sentinels[tt.format].uid)
			}
			st := h.m.States()[0]
			if st.Rejects[tt.reason] != 1 || st.Reads != 1 {
				t.Errorf("counters: got rejects %v, reads %d; want %s=1, reads 1", st.Rejects, st.Reads, tt.reason)
			}
		})
	}
}

// TestHeldCardIsOneRead holds a card for 2 s (its frame every 50 ms):
// one Read. Another card is read at once.
func TestHeldCardIsOneRead(t *testing.T) {
	h := newHarness(t, "", 0) // em4100, default 3 s hold-off
	held := "\x020A00B1C2D3AA\x03"
	for range 40 {
		h.write(held)
		time.Sleep(50 * time.Millisecond)
	}
	h.write(sentinels[badge.FormatEM4100].frame)
	var got []string
	for {
		r := h.waitRead()
		got = append(got, r.UID)
		if r.UID == sentinels[badge.FormatEM4100].uid {
			break
		}
	}
	want := []string{"0A00B1C2D3", "FFEEDDCCBB"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("reads: got %q, want %q", got, want)
	}
}

// TestReadFields checks what a Read carries.
func TestReadFields(t *testing.T) {
	h := newHarness(t, ",format=qr,gate=hall-B,direction=out,role=desk", 0)
	h.write("]Q1CK1.abc.def") // no line end: the idle gap ends the code
	r := h.waitRead()
	want := serialreader.Read{Reader: h.socat.A, UID: "CK1.abc.def", Source: "qr", Gate: "hall-B", Direction: "out", Role: "desk", At: r.At}
	if r.Feedback != nil {
		t.Error("a serial reader's read offers feedback")
	}
	r.Feedback = nil
	if !reflect.DeepEqual(r, want) || r.At.IsZero() {
		t.Errorf("got %+v, want %+v", r, want)
	}
	st := h.m.States()[0]
	if st.State != serialreader.StateOpen || st.Port != h.socat.A || st.LastRead != r.At || st.Role != "desk" {
		t.Errorf("state: got %+v", st)
	}
}

// TestReconnect kills socat (the reader vanishes) and restarts it on the
// same links: the reader goes down, then reads again within 3 s.
func TestReconnect(t *testing.T) {
	h := newHarness(t, ",format=line", 0)
	defer h.stop() // before the second socat is killed
	h.write("0A0B0C0D\n")
	if r := h.waitRead(); r.UID != "0A0B0C0D" {
		t.Fatalf("got %q, want 0A0B0C0D", r.UID)
	}

	h.socat.Kill()
	down := h.waitState(serialreader.StateWaiting, serialreader.StateError)
	if down.LastError == "" {
		t.Errorf("state %s without an error", down.State)
	}
	time.Sleep(300 * time.Millisecond) // stay unplugged through a few reopen attempts
	if st := h.m.States()[0]; st.State == serialreader.StateOpen {
		t.Errorf("state while unplugged: got open, want waiting or error (%+v)", st)
	}

	h.socat = ptytest.Start(t, filepath.Dir(h.socat.A))
	restarted := time.Now()
	h.openPeer()
	h.waitState(serialreader.StateOpen)
	h.write("1A1B1C1D\n")
	if r := h.waitRead(); r.UID != "1A1B1C1D" {
		t.Fatalf("after reconnect: got %q, want 1A1B1C1D", r.UID)
	}
	if d := time.Since(restarted); d > 3*time.Second {
		t.Errorf("read again %v after the reader came back, want within 3s", d)
	}
}

// TestCancelIsNotADisconnect: stopping the Manager closes the port
// without reporting the reader down.
func TestCancelIsNotADisconnect(t *testing.T) {
	h := newHarness(t, ",format=line", 0)
	h.stop()
	select {
	case s := <-h.states:
		t.Errorf("state change on shutdown: %+v", s)
	default:
	}
}

// TestMissingPath: a path that does not exist is waiting, with the
// error naming it; the reader opens once the device appears.
func TestMissingPath(t *testing.T) {
	ptytest.NeedSocat(t)
	dir := t.TempDir()
	h := start(t, filepath.Join(dir, "A")+",format=line", 0)
	defer h.stop() // before socat is killed
	s := h.waitState(serialreader.StateWaiting)
	if !strings.Contains(s.LastError, filepath.Join(dir, "A")) || !strings.Contains(s.LastError, "no such file") {
		t.Errorf("LastError %q: want the path and 'no such file'", s.LastError)
	}
	h.socat = ptytest.Start(t, dir)
	h.waitState(serialreader.StateOpen)
	h.openPeer()
	h.write("0102\r\n")
	if r := h.waitRead(); r.UID != "0102" {
		t.Errorf("got %q, want 0102", r.UID)
	}
}

// TestUSBNotPresent: a usb: reader without a matching port is waiting.
func TestUSBNotPresent(t *testing.T) {
	h := start(t, "usb:fffe:fffd:NOPE", 0)
	s := h.waitState(serialreader.StateWaiting)
	if !strings.Contains(s.LastError, "usb:fffe:fffd:NOPE") || !strings.Contains(s.LastError, "no matching USB serial port") {
		t.Errorf("LastError %q: want it to name usb:fffe:fffd:NOPE and say no port matches", s.LastError)
	}
}

func TestRunRejectsBadSpecs(t *testing.T) {
	spec, _ := badge.ParseSpec("/dev/null")
	bad := spec
	bad.Format = "morse"
	for name, specs := range map[string][]badge.Spec{
		"unknown format": {bad},
		"same port":      {spec, spec},
	} {
		m := &serialreader.Manager{Specs: specs}
		if err := m.Run(t.Context()); err == nil {
			t.Errorf("%s: Run got nil error, want one", name)
		}
	}
}

// readCapture loads badge/testdata/FORMAT.{bin,want,idle}.
func readCapture(t testing.TB, format string) (data []byte, want []string, idles []int) {
	t.Helper()
	dir := filepath.Join("..", "testdata")
	data, err := os.ReadFile(filepath.Join(dir, format+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(filepath.Join(dir, format+".want"))
	if err != nil {
		t.Fatal(err)
	}
	want = strings.Split(strings.TrimSuffix(string(w), "\n"), "\n")
	if b, err := os.ReadFile(filepath.Join(dir, format+".idle")); err == nil {
		for _, f := range strings.Fields(string(b)) {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			idles = append(idles, n)
		}
	}
	return data, want, idles
}
