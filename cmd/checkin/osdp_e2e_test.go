package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"

	"checkin/badge/osdp"
	"checkin/badge/osdp/pdsim"
	"checkin/badge/serialreader/ptytest"
)

// osdpHealth returns the kiosk's view of one reader from /healthz.
func osdpHealth(t *testing.T, base, reader string) map[string]any {
	t.Helper()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct{ Readers []map[string]any }
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	for _, r := range h.Readers {
		if r["reader"] == reader {
			return r
		}
	}
	return nil
}

func waitOSDP(t *testing.T, base, reader, state, secure string) map[string]any {
	t.Helper()
	var r map[string]any
	eventually(t, 10*time.Second, "reader "+reader+" "+state+", secure channel "+secure, func() bool {
		r = osdpHealth(t, base, reader)
		return r != nil && r["state"] == state && r["secure"] == secure
	})
	return r
}

// TestOSDPKioskEndToEnd runs the checkin binary as the control panel of a
// simulated OSDP reader in install mode on a real pseudo-terminal: the key
// is installed and kept, card reads become taps on the event stream, the
// reader shows green or red, and after kill -9 the kiosk comes back on the
// stored key.
func TestOSDPKioskEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ptytest.NeedSocat(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "kiosk")
	roster := writeFile(t, dir, "roster.csv", "id,family_name,given_name,badge_uid\nO1,Okafor,Ngozi,013039\n")
	if out, err := runBin(bin, "import", "roster", "--data", data, roster); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	s := ptytest.Start(t, dir)
	port, err := serial.Open(s.B, &serial.Mode{BaudRate: 9600})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	port.SetReadTimeout(10 * time.Millisecond)
	pd := &pdsim.Reader{Addr: 1, Install: true, Serial: 77}
	ctx, cancel := context.WithCancel(context.Background())
	simDone := make(chan struct{})
	go func() { defer close(simDone); pdsim.Serve(ctx, port, pd) }()
	defer func() { cancel(); <-simDone }()

	spec := s.A + ",format=osdp,address=1,gate=turnstile-2"
	reader := s.A + "@1"
	k := startKiosk(t, bin, "--data", data, "--reader", spec+",scbk=install")
	h := waitOSDP(t, k.url, reader, "online", "up")
	if h["format"] != "osdp" || h["address"] != float64(1) || !strings.Contains(h["device"].(string), "serial 77") {
		t.Errorf("healthz reader %v", h)
	}
	key, ok := pd.CurrentKey()
	if !ok || key == osdp.SCBKD {
		t.Fatalf("reader key %x, %v: want a fresh key installed", key, ok)
	}
	files, _ := filepath.Glob(filepath.Join(data, "osdp-keys", "*.key"))
	if len(files) != 1 {
		t.Fatalf("stored keys %v", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file %v, %v: want mode 0600", fi, err)
	}

	ev := subscribe(t, k.url)
	leds := func() []byte {
		var out []byte
		for _, c := range pd.Commands() {
			if color, _, ok := c.LED(); ok {
				out = append(out, color)
			}
		}
		return out
	}
	waitLED := func(n int) []byte {
		t.Helper()
		eventually(t, 5*time.Second, "LED commands", func() bool { return len(leds()) >= n })
		return leds()
	}

	pd.Card(26, []byte{0x80, 0x98, 0x1C, 0xC0}) // facility 1, card 12345: UID 013039
	tap := ev.nextTap(t, 5*time.Second)
	if tap["result"] != "accepted" || tap["gate"] != "turnstile-2" || tap["delegate"].(map[string]any)["id"] != "O1" {
		t.Errorf("tap %v: want O1 accepted at turnstile-2", tap)
	}
	if got := waitLED(1); got[0] != osdp.ColorGreen {
		t.Errorf("LED after an accepted tap: %v, want green", got)
	}
	pd.Card(32, []byte{0xDE, 0xAD, 0xBE, 0xEF})
	if tap := ev.nextTap(t, 5*time.Second); tap["result"] != "rejected" || tap["reason"] != "unknown_badge" {
		t.Errorf("tap %v: want unknown_badge", tap)
	}
	if got := waitLED(2); got[1] != osdp.ColorRed {
		t.Errorf("LED after a rejected tap: %v, want red", got)
	}
	if m := get(t, k.url+"/metrics"); !strings.Contains(m, `checkin_osdp_polls_total{reader="`+reader+`"}`) ||
		!strings.Contains(m, `checkin_osdp_secure_channel_up{reader="`+reader+`"} 1`) {
		t.Errorf("metrics lack the OSDP counters")
	}

	// kill -9, then a start without scbk=: the stored key is used.
	k.cmd.Process.Kill()
	k.cmd.Wait()
	k = startKiosk(t, bin, "--data", data, "--reader", spec)
	waitOSDP(t, k.url, reader, "online", "up")
	if again, _ := pd.CurrentKey(); again != key {
		t.Errorf("the reader's key changed on restart")
	}
	ev = subscribe(t, k.url)
	pd.Card(26, []byte{0x80, 0x98, 0x1C, 0xC0})
	if tap := ev.nextTap(t, 5*time.Second); tap["result"] != "accepted" {
		t.Errorf("after restart: tap %v", tap)
	}

	// The reader's key is changed behind the kiosk's back: the channel is
	// refused, the reader is in error with a reason, and makes no tap.
	pd.SetKey(osdp.Key{0xEE})
	k.cmd.Process.Kill()
	k.cmd.Wait()
	k = startKiosk(t, bin, "--data", data, "--reader", spec)
	h = waitOSDP(t, k.url, reader, "error", "refused")
	if !strings.Contains(h["last_error"].(string), "secure channel refused: wrong key?") {
		t.Errorf("reader error %q", h["last_error"])
	}
	ev = subscribe(t, k.url)
	pd.Card(26, []byte{0x80, 0x98, 0x1C, 0xC0})
	ev.noTap(t, time.Second, "a reader with the wrong key")
}
