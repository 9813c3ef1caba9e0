package doctor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"checkin/kiosk/sqlite"
)

// kioskDir makes a data directory with a real, closed kiosk database.
func kioskDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kiosk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	db := sqlite.NewDB(filepath.Join(dir, DBFile))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// only returns the one check of checks, failing the test if there are more.
func only(t *testing.T, checks []Check) Check {
	t.Helper()
	if len(checks) != 1 {
		t.Fatalf("%d checks, want 1: %+v", len(checks), checks)
	}
	return checks[0]
}

func wantCheck(t *testing.T, c Check, status Status, detail, fix string) {
	t.Helper()
	if c.Status != status || !strings.Contains(c.Detail, detail) || !strings.Contains(c.Fix, fix) {
		t.Errorf("got %s %q fix %q, want %s with %q, fix %q", c.Status, c.Detail, c.Fix, status, detail, fix)
	}
}

func TestDataDirModes(t *testing.T) {
	dir := kioskDir(t)
	wantCheck(t, only(t, checkDataDir(dir)), OK, "(0700, owner ", "")

	os.Chmod(dir, 0o755)
	wantCheck(t, only(t, checkDataDir(dir)), Fail, "is mode 0755", "chmod 700 "+dir)
	os.Chmod(dir, 0o700)

	os.Chmod(filepath.Join(dir, DBFile), 0o644)
	wantCheck(t, only(t, checkDataDir(dir)), Fail, "others may read checkin.db (0644)", "chmod 600 "+filepath.Join(dir, DBFile)+"*")

	wantCheck(t, only(t, checkDataDir(filepath.Join(dir, "nope"))), Fail, "does not exist", "checkin import roster --data")
	wantCheck(t, only(t, checkDataDir(filepath.Join(dir, DBFile))), Fail, "is not a directory", "CHECKIN_DATA")
	if c := only(t, checkDataDir("")); c.Status != Skip {
		t.Errorf("no --data: %s, want skip", c.Status)
	}
}

// TestDataDirOwners: a file in the directory owned by someone else (an
// import run as root into the service's directory) is a failure with
// the chown that fixes it. Changing owners needs root.
func TestDataDirOwners(t *testing.T) {
	if os.Getuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root and must run this test")
		}
		t.Skip("SKIPPED, NOT RUN: chown needs root — run the tests as root to check file owners")
	}
	dir := kioskDir(t)
	if err := os.Chown(dir, 65534, 65534); err != nil { // nobody
		t.Fatal(err)
	}
	for _, f := range []string{DBFile} {
		os.Chown(filepath.Join(dir, f), 65534, 65534)
	}
	wantCheck(t, only(t, checkDataDir(dir)), OK, "(0700, owner "+userName(65534)+")", "")
	os.WriteFile(filepath.Join(dir, "photos"), nil, 0o600) // root's
	wantCheck(t, only(t, checkDataDir(dir)), Fail, "photos (root)", "chown -R "+userName(65534)+": "+dir)
}

func TestDatabase(t *testing.T) {
	dir := kioskDir(t)
	c := checkDatabase(context.Background(), dir)
	wantCheck(t, c, OK, "quick_check ok, schema ", "")
	wantCheck(t, c, OK, ", 0 delegates", "")
	// Read-only and leaving nothing behind: no -wal or -shm owned by
	// whoever ran the doctor.
	names, _ := os.ReadDir(dir)
	if len(names) != 1 {
		t.Errorf("the check left files behind: %v", names)
	}

	wantCheck(t, checkDatabase(context.Background(), t.TempDir()), Fail, "does not exist: no roster imported yet", "checkin import roster")
	if c := checkDatabase(context.Background(), filepath.Join(dir, "nope")); c.Status != Skip {
		t.Errorf("no data directory: %+v, want skip (the data directory's line says it)", c)
	}

	// Damage a page in the middle of the file.
	path := filepath.Join(dir, DBFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096 * 3; i < 4096*4 && i < len(data); i++ {
		data[i] = 0xA5
	}
	os.WriteFile(path, data, 0o600)
	c = checkDatabase(context.Background(), dir)
	wantCheck(t, c, Fail, "", "restore it from a backup")
	t.Logf("damaged: %s", c.Detail)
}

// TestDatabaseWhileOpen: with the kiosk's database open (WAL and shared
// memory there), the check reads it as it is, writes included.
func TestDatabaseWhileOpen(t *testing.T) {
	dir := kioskDir(t)
	db := sqlite.NewDB(filepath.Join(dir, DBFile))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Writer.Exec(`INSERT INTO delegates (id, family_name, given_name, updated_us) VALUES ('D1', 'Ngata', 'Aroha', 1)`); err != nil {
		t.Fatal(err)
	}
	wantCheck(t, checkDatabase(context.Background(), dir), OK, ", 1 delegates", "")
}

func TestDisk(t *testing.T) {
	// A directory not made yet: the file system it would be made on.
	if c := checkDisk(filepath.Join(t.TempDir(), "not", "yet")); !strings.Contains(c.Detail, " free on "+os.TempDir()) {
		t.Errorf("got %+v", c)
	}
	small := smallDisk(t, "64m")
	wantCheck(t, checkDisk(small), Fail, "free on "+small+": taps cannot be written", "free space")
}

// smallDisk mounts a tmpfs of size for the test. Mounting needs root: the
// test fails in CI (which runs as root) and is skipped, loudly, elsewhere.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := mount(dir, size); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; CI runs as root and must run this test", err)
		}
		t.Skipf("SKIPPED, NOT RUN: %v — run the tests as root to check the free-disk limits", err)
	}
	t.Cleanup(func() {
		if err := unmount(dir); err != nil {
			t.Error(err)
		}
	})
	return dir
}

// mount mounts a tmpfs of size at dir (needs root).
func mount(dir, size string) error {
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("cannot mount a small tmpfs (needs root): %s %v", strings.TrimSpace(string(out)), err)
	}
	return nil
}

func unmount(dir string) error {
	if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("umount %s: %v %s", dir, err, out)
	}
	return nil
}
