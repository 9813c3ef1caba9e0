package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestKill9KeepsAcknowledgedTaps taps from several clients, kills the kiosk
// with SIGKILL in the middle, and checks after a restart that every tap
// that got an answer is in the attendance report.
func TestKill9KeepsAcknowledgedTaps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "kiosk")
	roster := writeFile(t, dir, "roster.csv", "id,family_name,given_name,badge_uid\nD1,Abebe,Bikila,0A0B0C0D0E\n")
	if out, err := runBin(bin, "import", "roster", "--data", data, roster); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	k := startKiosk(t, bin, "--data", data)

	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				resp, err := http.Post(k.url+"/api/taps", "application/json", strings.NewReader(`{"uid":"0A0B0C0D0E"}`))
				if err != nil {
					return // the kiosk is gone
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				var res struct{ ID string }
				if err != nil || resp.StatusCode != 200 || json.Unmarshal(body, &res) != nil {
					return
				}
				mu.Lock()
				acked[res.ID] = true
				mu.Unlock()
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	k.cmd.Process.Kill()
	k.cmd.Wait()
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no tap was acknowledged before the kill")
	}

	out, err := exec.Command(bin, "export", "checkins", "--data", data).Output()
	if err != nil {
		t.Fatalf("export after kill -9: %v", err)
	}
	stored := map[string]bool{}
	for _, line := range bytes.Split(out, []byte("\n"))[1:] {
		if id, _, ok := strings.Cut(string(line), ","); ok {
			stored[id] = true
		}
	}
	for id := range acked {
		if !stored[id] {
			t.Errorf("acknowledged tap %s lost by kill -9", id)
		}
	}
	t.Logf("%d taps acknowledged before kill -9, %d stored", len(acked), len(stored))

	// And the kiosk starts again on the same data.
	k = startKiosk(t, bin, "--data", data)
	if r := tap(t, k.url, "0A0B0C0D0E"); r["first_today"] != false {
		t.Errorf("after restart: first_today = %v, want false", r["first_today"])
	}
}
