package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"checkin/badge/serialreader/ptytest"
)

// events reads `event:`/`data:` pairs from a kiosk's /api/events.
type events struct {
	ch chan [2]string
}

func subscribe(t testing.TB, base string) *events { return subscribeWith(t, http.DefaultClient, base) }

// subscribeWith follows the event stream with a client (a signed-in one
// also gets the desk reader's taps).
func subscribeWith(t testing.TB, c *http.Client, base string) *events {
	t.Helper()
	resp, err := c.Get(base + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	ev := &events{ch: make(chan [2]string, 256)}
	connected := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": connected":
				close(connected)
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: ") && name != "":
				ev.ch <- [2]string{name, line[len("data: "):]}
				name = ""
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		t.Fatal("event stream did not connect")
	}
	return ev
}

// nextTap returns the next `tap` event's data, or fails after d.
func (e *events) nextTap(t testing.TB, d time.Duration) map[string]any {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev := <-e.ch:
			if ev[0] != "tap" {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(ev[1]), &m); err != nil {
				t.Fatal(err)
			}
			return m
		case <-deadline:
			t.Fatalf("no tap event within %v", d)
			return nil
		}
	}
}

// noTap fails if a tap event arrives within d.
func (e *events) noTap(t *testing.T, d time.Duration, why string) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev := <-e.ch:
			if ev[0] == "tap" {
				t.Fatalf("%s: unexpected tap %s", why, ev[1])
			}
		case <-deadline:
			return
		}
	}
}

func em4100Frame(uid string) []byte {
	var sum byte
	for i := 0; i < 10; i += 2 {
		var b byte
		fmt.Sscanf(uid[i:i+2], "%02X", &b)
		sum ^= b
	}
	return []byte(fmt.Sprintf("\x02%s%02X\x03", uid, sum))
}

// wiegand26 encodes 24 data bits with even (leading) and odd (trailing)
// parity, as a Wiegand-to-serial bridge prints them.
func wiegand26(data uint32) string {
	bits := fmt.Sprintf("%024b", data)
	ones := func(s string) int { return strings.Count(s, "1") }
	even := ones(bits[:12]) % 2
	odd := 1 - ones(bits[12:])%2
	return fmt.Sprintf("W26:%d%s%d\r\n", even, bits, odd)
}

func healthReaders(t testing.TB, base string) map[string]string {
	t.Helper()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Readers []struct{ Reader, State string }
	}
	json.NewDecoder(resp.Body).Decode(&h)
	out := map[string]string{}
	for _, r := range h.Readers {
		out[r.Reader] = r.State
	}
	return out
}

func waitReaders(t testing.TB, base string, want string, readers ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		states := healthReaders(t, base)
		ok := true
		for _, r := range readers {
			if states[r] != want {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("readers not %s after 10 s: %v", want, states)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestReadersEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ptytest.NeedSocat(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "kiosk")
	roster := writeFile(t, dir, "roster.csv", "id,family_name,given_name,badge_uid\n"+
		"E1,Em,Anna,0A1B2C3D4E\n"+
		"E2,Em,Boris,1111111111\n"+
		"L1,Line,Chen,04A1B2C3D4E5F6\n"+
		"N1,Dec,Dana,00BC614E\n"+
		"W1,Wieg,Emil,123456\n")
	if out, err := runBin(bin, "import", "roster", "--data", data, roster); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	formats := []string{"em4100", "line", "line-dec", "wiegand", "qr", "desk"}
	pty := map[string]*ptytest.Socat{}
	// A generous hold-off: the held card below is written every 50 ms, and
	// a loaded machine can stall a writer for a second.
	args := []string{"--data", data, "--holdoff", "2500ms"}
	for _, f := range formats {
		d := filepath.Join(dir, f)
		os.Mkdir(d, 0o755)
		pty[f] = ptytest.Start(t, d)
		spec := pty[f].A + ",format=" + f
		if f == "desk" {
			spec = pty[f].A + ",format=line,role=desk,gate=desk-1"
		}
		args = append(args, "--reader", spec)
	}
	k := startKiosk(t, bin, args...)
	all := []string{}
	for _, f := range formats {
		all = append(all, pty[f].A)
	}
	waitReaders(t, k.url, "open", all...)
	desk, _ := staffLogin(t, bin, data, k.url)
	ev := subscribeWith(t, desk, k.url)
	public := subscribe(t, k.url)
	peer := map[string]*os.File{}
	for _, f := range formats {
		peer[f] = pty[f].OpenPeer(t)
	}
	write := func(f string, b []byte) {
		t.Helper()
		if _, err := peer[f].Write(b); err != nil {
			t.Fatalf("write %s: %v", f, err)
		}
	}

	// Every format, bytes on the wire to a decided tap on the stream.
	for _, tc := range []struct {
		format, bytes, delegate, result string
	}{
		{"em4100", string(em4100Frame("0A1B2C3D4E")), "E1", "accepted"},
		{"line", "04:a1:b2:c3:d4:e5:f6\r\n", "L1", "accepted"},
		{"line-dec", "12345678\n", "N1", "accepted"},
		{"wiegand", wiegand26(0x123456), "W1", "accepted"},
		{"qr", "]Q1CK1.not.signed\r\n", "", "rejected"},
	} {
		write(tc.format, []byte(tc.bytes))
		tap := ev.nextTap(t, 5*time.Second)
		var id string
		if d, ok := tap["delegate"].(map[string]any); ok {
			id, _ = d["id"].(string)
		}
		if tap["result"] != tc.result || id != tc.delegate {
			t.Errorf("%s: tap %v, want %s for %q", tc.format, tap, tc.result, tc.delegate)
		}
		if tc.format == "qr" && tap["reason"] != "invalid_pass" {
			t.Errorf("qr: reason %v, want invalid_pass", tap["reason"])
		}
	}

	// The desk reader publishes the badge for the desk, undecided.
	write("desk", []byte("de:ad:be:ef\n"))
	if tap := ev.nextTap(t, 5*time.Second); tap["role"] != "desk" || tap["uid"] != "DEADBEEF" || tap["result"] != nil {
		t.Errorf("desk tap = %v", tap)
	}
	// The public stream had the entrance taps, never the desk's badge.
	for range 5 {
		public.nextTap(t, 5*time.Second)
	}
	public.noTap(t, 500*time.Millisecond, "desk tap on the public stream")

	// Bad checksum, bad parity, garbage and an overlong line make no tap.
	bad := em4100Frame("1111111111")
	bad[11] = 'F'
	write("em4100", bad)
	w := []byte(wiegand26(0x123456))
	w[4] ^= 1 // flip the leading parity bit
	write("wiegand", w)
	write("em4100", []byte("\x00\xffnoise\x03\x02XYZ"))
	write("line", []byte(strings.Repeat("AB", 300)+"\n"))
	ev.noTap(t, 700*time.Millisecond, "bad frames")
	metrics := get(t, k.url+"/metrics")
	for _, want := range []string{`reason="checksum"`, `reason="parity"`, `reason="overlong"`} {
		if !strings.Contains(metrics, "checkin_reader_rejects_total{") || !strings.Contains(metrics, want) {
			t.Errorf("metrics lack reader rejects %s", want)
		}
	}

	// A card held on the reader (a frame every 50 ms for 2 s) is one tap.
	frame := em4100Frame("1111111111")
	for i := 0; i < 40; i++ {
		write("em4100", frame)
		time.Sleep(50 * time.Millisecond)
	}
	if tap := ev.nextTap(t, 2*time.Second); tap["delegate"].(map[string]any)["id"] != "E2" {
		t.Errorf("held card tap = %v", tap)
	}
	ev.noTap(t, 500*time.Millisecond, "card held")

	// The reader's device vanishes: the kiosk says so and keeps serving.
	em := pty["em4100"]
	em.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for healthReaders(t, k.url)[em.A] == "open" {
		if time.Now().After(deadline) {
			t.Fatal("reader still open 5 s after socat was killed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r := tap(t, k.url, "0A1B2C3D4E"); r["result"] != "accepted" {
		t.Errorf("kiosk stopped serving with a reader down: %v", r)
	}
	ev.nextTap(t, 2*time.Second)

	// The device returns on the same path: taps work again within 3 s. The
	// card is E1's, away from this reader for longer than the hold-off
	// (E2's card, presented over and over, would count as still held).
	em = ptytest.Start(t, filepath.Dir(em.A))
	p := em.OpenPeer(t)
	start := time.Now()
	for {
		p.Write(em4100Frame("0A1B2C3D4E"))
		select {
		case evt := <-ev.ch:
			if evt[0] == "tap" && strings.Contains(evt[1], `"id":"E1"`) {
				t.Logf("reader back %v after socat restarted", time.Since(start).Round(time.Millisecond))
				return
			}
		case <-time.After(100 * time.Millisecond):
		}
		if time.Since(start) > 3*time.Second {
			t.Fatalf("no tap within 3 s of the reader returning; readers %v", healthReaders(t, k.url))
		}
	}
}

func get(t testing.TB, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
