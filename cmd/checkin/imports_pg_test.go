package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
	"checkin/sync/registry/postgres"
	"checkin/sync/registry/postgres/pgtest"
)

// TestImportDryRunAndReplacePostgres: on the registry's PostgreSQL
// database (--db), a dry run and a refused import write nothing: the
// feed's head does not move and no NOTIFY reaches a listener (the first
// notification it gets is a marker sent after them); --replace imports.
// The attendance report reads the same database.
func TestImportDryRunAndReplacePostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	dir := t.TempDir()
	ctx := context.Background()
	full := filepath.Join(examples, "roster.csv")
	if code, stdout, stderr := run(t, nil, "", "import", "roster", "--db", db, full); code != 0 {
		t.Fatalf("first import: %d\n%s\n%s", code, stdout, stderr)
	}
	// The same roster without D0004, D0008 and D0012: 3 of 13 removed.
	body, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, "D0004,") && !strings.HasPrefix(line, "D0008,") && !strings.HasPrefix(line, "D0012,") {
			kept = append(kept, line)
		}
	}
	part := writeFile(t, dir, "part.csv", strings.Join(kept, "\n"))

	store, err := postgres.Open(ctx, db, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	head := func() int64 {
		t.Helper()
		h, err := store.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	listener, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(ctx)
	if _, err := listener.Exec(ctx, "LISTEN checkin_changes"); err != nil {
		t.Fatal(err)
	}
	before := head()

	code, stdout, stderr := run(t, nil, "", "import", "roster", "--db", db, "--dry-run", part)
	if code != 0 || !strings.Contains(stdout, "delegates: would add 0, change 0, remove 3 (first removed: D0004, D0008, D0012), keep 10") ||
		!strings.Contains(stdout, "it would remove 3 of the 13 delegates (23%; more than 10%)") {
		t.Errorf("dry run: %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = run(t, nil, "", "import", "roster", "--db", db, part)
	if code != 2 || !strings.Contains(stderr, "not imported: it would remove 3 of the 13 delegates") || !strings.Contains(stderr, "--replace") {
		t.Errorf("import removing 23%%: code %d, stderr %q", code, stderr)
	}
	if h := head(); h != before {
		t.Errorf("the dry run and the refused import moved the feed from %d to %d", before, h)
	}
	if _, err := listener.Exec(ctx, "SELECT pg_notify('checkin_changes', 'marker')"); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second) // a bound, not a measurement
	defer cancel()
	n, err := listener.WaitForNotification(wait)
	if err != nil {
		t.Fatal(err)
	}
	if n.Payload != "marker" {
		t.Errorf("a NOTIFY (%q) came before the marker: the dry run or the refused import told the registries", n.Payload)
	}

	code, stdout, stderr = run(t, nil, "", "import", "roster", "--db", db, "--replace", part)
	if code != 0 || !strings.Contains(stdout, "10 delegates (0 added, 0 updated, 10 unchanged, 3 removed)") ||
		!strings.Contains(stdout, "removed: D0004, D0008, D0012") {
		t.Errorf("--replace: %d\n%s\n%s", code, stdout, stderr)
	}
	if head() == before {
		t.Error("the import with --replace did not reach the feed")
	}

	report := filepath.Join(dir, "attendance.csv")
	if code, _, stderr := run(t, nil, "", "export", "attendance", "--db", db, report); code != 0 {
		t.Fatalf("export attendance --db: %d %s", code, stderr)
	}
	rows := readReport(t, report)
	if len(rows) != 11 || rows[0][0] != "id" || rows[2][1] != "王" || rows[0][len(rows[0])-1] != kiosk.AttendanceTotal {
		t.Errorf("attendance from PostgreSQL: %q", rows)
	}
}
