package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupWhileRunning: `checkin backup` copies a kiosk's data while
// the kiosk runs and takes taps; the copy is whole (every tap so far,
// the roster, the OSDP keys acknowledged by their readers) and a kiosk
// starts on it. A backup never overwrites anything.
func TestBackupWhileRunning(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "kiosk")
	if out, err := runBin(bin, "import", "roster", "--data", data, "../../assets/examples/roster.csv"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	keys := filepath.Join(data, "osdp-keys")
	if err := os.Mkdir(keys, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, keys, "ttyUSB0@1.key", "00112233445566778899aabbccddeeff\n")
	writeFile(t, keys, "ttyUSB0@2.pending", "ffeeddccbbaa99887766554433221100\n")

	k := startKiosk(t, bin, "--data", data)
	failed := make(chan int)
	go func() { // taps go on during the backup
		n := 0
		for i := 0; i < 50; i++ {
			resp, err := http.Post(k.url+"/api/taps", "application/json", strings.NewReader(`{"uid":"0a0b0c0d0e"}`))
			if err != nil || resp.StatusCode != 200 {
				n++
			}
			if err == nil {
				resp.Body.Close()
			}
		}
		failed <- n
	}()
	backup := filepath.Join(dir, "backup-1")
	out, err := runBin(bin, "backup", "--data", data, backup)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "1 OSDP reader key(s)") {
		t.Errorf("backup said %q", out)
	}
	if n := <-failed; n > 0 {
		t.Errorf("%d taps failed during the backup", n)
	}
	tap(t, k.url, "04A1B2C3D4E5F6")

	for _, tt := range []struct {
		path string
		mode os.FileMode
	}{{backup, 0o700}, {filepath.Join(backup, "checkin.db"), 0o600}, {filepath.Join(backup, "osdp-keys", "ttyUSB0@1.key"), 0o600}} {
		st, err := os.Stat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != tt.mode {
			t.Errorf("%s: mode %04o, want %04o", tt.path, st.Mode().Perm(), tt.mode)
		}
	}
	if _, err := os.Stat(filepath.Join(backup, "osdp-keys", "ttyUSB0@2.pending")); err == nil {
		t.Error("a key its reader never acknowledged was backed up")
	}
	// The copy holds what was committed when it was taken: the taps before
	// it (some of the 50), not the one after it.
	csv, err := runBin(bin, "export", "checkins", "--data", backup)
	if err != nil {
		t.Fatalf("export from the backup: %v\n%s", err, csv)
	}
	if n := strings.Count(string(csv), "D0002"); n < 1 || n > 50 {
		t.Errorf("the backup holds %d taps of D0002, want 1 to 50", n)
	}
	if strings.Contains(string(csv), "D0001") {
		t.Error("the backup holds a tap made after it")
	}
	k2 := startKiosk(t, bin, "--data", backup)
	if got := tap(t, k2.url, "04A1B2C3D4E5F6"); got["delegate"] == nil || got["delegate"].(map[string]any)["id"] != "D0001" {
		t.Errorf("a kiosk on the backup does not know D0001's badge: %v", got)
	}

	// Never over anything that exists; never without a database.
	for _, args := range [][]string{
		{"backup", "--data", data, backup},
		{"backup", "--data", filepath.Join(dir, "nothing"), filepath.Join(dir, "backup-2")},
		{"backup", "--data", data},
	} {
		out, err := runBin(bin, args...)
		if code := exitCode(err); code != 2 {
			t.Errorf("checkin %v: exit %d, want 2\n%s", args, code, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "backup-2")); err == nil {
		t.Error("a failed backup left its directory")
	}
}
