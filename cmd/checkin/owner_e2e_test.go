package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// TestRootKeepsServiceFiles: an operator who runs `sudo checkin import …`
// on the service's data (a directory its user owns) leaves every file that
// user's, so the service still starts; the same after `checkin doctor`-like
// read-only opens (`export`) and a backup.
func TestRootKeepsServiceFiles(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root; this test needs it")
		}
		t.Skip("SKIPPED LOUDLY: needs root (CI runs as root)")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("SKIPPED LOUDLY: no setpriv (util-linux)")
	}
	const uid, gid = 65534, 65534 // nobody: the service's user stand-in
	bin := buildBinary(t)
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} { // nobody must reach the service's directory
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	state := filepath.Join(base, "checkin")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(state, uid, gid); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(state, "kiosk")
	for _, args := range [][]string{
		{"import", "roster", "--data", data, "../../assets/examples/roster.csv"},
		{"import", "schedule", "--data", data, "../../assets/examples/schedule.csv"},
		{"export", "checkins", "--data", data},
		{"staff", "list", "--data", data},
	} {
		if out, err := runBin(bin, args...); err != nil {
			t.Fatalf("checkin %v: %v\n%s", args, err, out)
		}
	}
	filepath.Walk(state, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		st := info.Sys().(*syscall.Stat_t)
		if st.Uid != uid || st.Gid != gid {
			t.Errorf("%s is owned by %d:%d, want the service's %d:%d", path, st.Uid, st.Gid, uid, gid)
		}
		return nil
	})
	// The service's user opens it for writing.
	cp := filepath.Join(base, "roster.csv")
	b, _ := os.ReadFile("../../assets/examples/roster.csv")
	os.WriteFile(cp, b, 0o644)
	cmd := exec.Command("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", bin, "import", "roster", "--data", data, cp)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the service's user cannot import into the data root used: %v\n%s", err, out)
	}
}
