package sqlitedb_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"checkin/kiosk/sqlitedb"
)

func open(t *testing.T, path string, schema ...fstest.MapFS) *sqlitedb.DB {
	t.Helper()
	db := sqlitedb.New(path)
	for _, s := range schema {
		db.Schema = append(db.Schema, s)
	}
	db.WatchEvery = 5 * time.Millisecond
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func sqlFile(body string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(body)} }

// TestMigrationsInNameOrderAcrossSchemas: two stores' schemas interleave by
// file name, each file runs once, and records made under the old
// "migrations/NAME" form still count.
func TestMigrationsInNameOrderAcrossSchemas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	shared := fstest.MapFS{
		"0001_a.sql": sqlFile(`CREATE TABLE log (step TEXT) STRICT; INSERT INTO log VALUES ('0001');`),
		"0003_c.sql": sqlFile(`INSERT INTO log VALUES ('0003');`),
	}
	own := fstest.MapFS{"0002_b.sql": sqlFile(`INSERT INTO log VALUES ('0002');`)}
	db := open(t, path, shared, own)
	steps := func(db *sqlitedb.DB) string {
		rows, err := db.Readers.Query(`SELECT step FROM log ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return strings.Join(out, ",")
	}
	if got := steps(db); got != "0001,0002,0003" {
		t.Fatalf("steps = %s, want 0001,0002,0003", got)
	}
	db.Close()

	// A record in the old form: 0004 counts as applied and does not run.
	w, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`INSERT INTO migrations (name, applied_us) VALUES ('migrations/0004_d.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	own["0004_d.sql"] = sqlFile(`INSERT INTO log VALUES ('0004');`)
	own["0005_e.sql"] = sqlFile(`INSERT INTO log VALUES ('0005');`)
	db = open(t, path, shared, own)
	if got := steps(db); got != "0001,0002,0003,0005" {
		t.Fatalf("after reopening: steps = %s, want 0001,0002,0003,0005", got)
	}
	if ok, err := sqlitedb.Migrated(path, "0004_d.sql"); !ok || err != nil {
		t.Errorf("Migrated(0004) = %v, %v; want true (old form)", ok, err)
	}
	if ok, err := sqlitedb.Migrated(path, "0009_z.sql"); ok || err != nil {
		t.Errorf("Migrated(0009) = %v, %v; want false", ok, err)
	}
	if ok, err := sqlitedb.Migrated(filepath.Join(t.TempDir(), "none.db"), "0001_a.sql"); ok || err != nil {
		t.Errorf("Migrated(missing file) = %v, %v; want false, nil", ok, err)
	}
}

// TestFailedMigrationChangesNothing: a broken migration is rolled back
// whole and named in the error.
func TestFailedMigrationChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := sqlitedb.New(path, fstest.MapFS{
		"0001_a.sql": sqlFile(`CREATE TABLE t (x INTEGER) STRICT;`),
		"0002_b.sql": sqlFile(`INSERT INTO t VALUES (1); INSERT INTO nowhere VALUES (2);`),
	})
	err := db.Open()
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("Open = %v, want an error naming 0002_b.sql", err)
	}
	db = open(t, path, fstest.MapFS{"0001_a.sql": sqlFile(`CREATE TABLE t (x INTEGER) STRICT;`)})
	var n int
	if err := db.Readers.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows in t = %d (%v), want 0: the failed migration must leave nothing", n, err)
	}
}

// TestFileIsPrivate: the database file is created 0600, and its WAL and
// shared-memory files are 0600 while it is open, whatever the umask and
// even when the file itself was made looser (SQLite gives the side files
// the file's mode).
func TestFileIsPrivate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		before os.FileMode // 0: no file yet
		want   os.FileMode
	}{{"new file", 0, 0o600}, {"a file made 0644 by hand", 0o644, 0o644}} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.db")
			if tt.before != 0 {
				if err := os.WriteFile(path, nil, tt.before); err != nil {
					t.Fatal(err)
				}
				os.Chmod(path, tt.before) // past the umask
			}
			db := open(t, path, fstest.MapFS{"0001_t.sql": sqlFile(`CREATE TABLE t (x INTEGER) STRICT;`)})
			if _, err := db.Writer.Exec(`INSERT INTO t VALUES (1)`); err != nil {
				t.Fatal(err)
			}
			for file, want := range map[string]os.FileMode{path: tt.want, path + "-wal": 0o600, path + "-shm": 0o600} {
				st, err := os.Stat(file)
				if err != nil {
					t.Fatal(err)
				}
				if mode := st.Mode().Perm(); mode != want {
					t.Errorf("%s: mode %04o, want %04o", filepath.Base(file), mode, want)
				}
			}
		})
	}
}

// TestNotifyOnAnyWriter: a commit through this DB's writer and one through
// a separate connection (as another process makes) both wake subscribers;
// reads do not.
func TestNotifyOnAnyWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := open(t, path, fstest.MapFS{"0001_a.sql": sqlFile(`CREATE TABLE t (x INTEGER) STRICT;`)})
	woken := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		case <-time.After(2 * time.Second):
			return false
		}
	}
	ch := db.Notify()
	if _, err := db.Writer.Exec(`INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if !woken(ch) {
		t.Fatal("own write did not wake the subscriber")
	}

	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ch = db.Notify()
	if _, err := other.Exec(`INSERT INTO t VALUES (2)`); err != nil {
		t.Fatal(err)
	}
	if !woken(ch) {
		t.Fatal("another connection's write did not wake the subscriber")
	}

	ch = db.Notify()
	var n int
	other.QueryRow(`SELECT count(*) FROM t`).Scan(&n)
	select {
	case <-ch:
		t.Error("a read woke the subscriber")
	case <-time.After(100 * time.Millisecond):
	}
}

func TestCloseStopsTheWatcher(t *testing.T) {
	db := sqlitedb.New(filepath.Join(t.TempDir(), "x.db"))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	db.Notify()
	done := make(chan error, 1)
	go func() { done <- db.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return: the watcher kept running")
	}
}
