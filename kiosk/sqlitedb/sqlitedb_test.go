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

func TestFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	open(t, path)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Errorf("database file mode %v, want 0600", mode)
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
