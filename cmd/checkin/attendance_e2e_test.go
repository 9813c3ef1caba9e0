package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/schedule"
	"checkin/kiosk/sqlite"
	wire "checkin/sync"
	"checkin/sync/registry/postgres"
	"checkin/sync/registry/postgres/pgtest"
)

// readCSV reads an exported CSV (BOM first) from text.
func readCSV(t *testing.T, text string) [][]string {
	t.Helper()
	if !strings.HasPrefix(text, kiosk.BOM) {
		t.Errorf("no BOM at the start: %q", text[:min(len(text), 12)])
	}
	rows, err := csv.NewReader(kiosk.StripBOM(strings.NewReader(text))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestExportSessionAttendance: `checkin export attendance --session|--date`
// through the real binary, on a kiosk's data directory whose roster and
// schedule came in through `checkin import` and whose room-door taps were
// decided and stored by the kiosk's store at set times; bad usage exits 2
// with one line.
func TestExportSessionAttendance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "kiosk")
	roster := writeFile(t, dir, "roster.csv", "id,family_name,given_name,organization,country,role,badge_uid,email\n"+
		"D1,Müller,Jürgen,BNetzA,DE,head,0A0B0C0D0E,j@example.org\n"+
		"D2,=cmd,Eve,@evil,FR,delegate,1111111111,\n"+
		"D3,王,芳,CAICT,CN,delegate,2222222222,\n")
	sched := writeFile(t, dir, "schedule.csv", "date,start,end,room,title,groups\n"+
		"2026-11-22,09:00,10:30,Popov,Plenary,\n"+
		"2026-11-22,10:30,12:00,Popov,WP1/12,\n"+
		"2026-11-22,09:00,12:00,Room K,+Q9/12,\n"+
		"2026-11-23,09:00,10:00,Popov,Next day,\n")
	for _, args := range [][]string{{"import", "roster", "--data", data, roster}, {"import", "schedule", "--data", data, sched}} {
		if out, err := runBin(bin, args...); err != nil {
			t.Fatalf("%s: %v\n%s", args[:2], err, out)
		}
	}
	plenary := schedule.SessionID("2026-11-22", "09:00", "Popov", "Plenary")
	wp1 := schedule.SessionID("2026-11-22", "10:30", "Popov", "WP1/12")
	q9 := schedule.SessionID("2026-11-22", "09:00", "Room K", "+Q9/12")

	// Room-door taps, decided and stored as a kiosk does.
	db := sqlite.NewDB(filepath.Join(data, dbFile))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	zurich, _ := time.LoadLocation("Europe/Zurich")
	for i, tp := range []struct{ hhmm, uid, room, dir string }{
		{"08:50", "0A0B0C0D0E", "Popov", "in"},
		{"09:40", "0A0B0C0D0E", "Popov", "out"},
		{"09:55", "0A0B0C0D0E", "Popov", "in"},
		{"11:10", "0A0B0C0D0E", "Popov", "out"}, // stayed on into WP1/12
		{"09:05", "1111111111", "Room K", "in"},
		{"09:35", "1111111111", "Popov", "in"}, // one room at a time: out of K
		{"10:00", "1111111111", "Popov", "out"},
		{"10:20", "2222222222", "Room K", "in"}, // never seen leaving
		{"10:25", "9999999999", "Popov", "in"},  // unknown badge
	} {
		at, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-22 "+tp.hhmm, zurich)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordTap(context.Background(), kiosk.Tap{ID: fmt.Sprintf("T%02d", i), Credential: kiosk.Credential{UID: tp.uid},
			Source: kiosk.SourceRFID, Gate: "door", Direction: tp.dir, Room: tp.room, Kiosk: "door-1", At: at.UTC()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// One session, into a file.
	report := filepath.Join(dir, "plenary.csv")
	if out, err := runBin(bin, "export", "attendance", "--data", data, "--session", plenary, report); err != nil {
		t.Fatalf("export --session: %v\n%s", err, out)
	}
	body, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{kiosk.SessionAttendanceHeader,
		{plenary, "Plenary", "Popov", "2026-11-22", "D2", "'=cmd", "Eve", "'@evil", "FR", "delegate", "09:35:00", "10:00:00", "25"},
		{plenary, "Plenary", "Popov", "2026-11-22", "D1", "Müller", "Jürgen", "BNetzA", "DE", "head", "08:50:00", "11:10:00", "75"},
	}
	sameRows(t, "--session", readCSV(t, string(body)), want)
	if strings.Contains(string(body), "example.org") {
		t.Error("the report holds an e-mail address")
	}

	// Every session of the day, on standard output, by start then room.
	out, err := runBin(bin, "export", "attendance", "--data", data, "--date", "2026-11-22")
	if err != nil {
		t.Fatalf("export --date: %v\n%s", err, out)
	}
	want = append(want[:3:3],
		[]string{q9, "'+Q9/12", "Room K", "2026-11-22", "D2", "'=cmd", "Eve", "'@evil", "FR", "delegate", "09:05:00", "09:35:00", "30"},
		[]string{q9, "'+Q9/12", "Room K", "2026-11-22", "D3", "王", "芳", "CAICT", "CN", "delegate", "10:20:00", "", "100"},
		[]string{wp1, "WP1/12", "Popov", "2026-11-22", "D1", "Müller", "Jürgen", "BNetzA", "DE", "head", "09:55:00", "11:10:00", "40"},
	)
	sameRows(t, "--date", readCSV(t, string(out)), want)

	// Without either: the per-delegate report, as before.
	if out, err := runBin(bin, "export", "attendance", "--data", data); err != nil || !strings.HasPrefix(string(out), kiosk.BOM+"id,family_name,") {
		t.Errorf("export attendance alone: %v %q", err, out[:min(len(out), 40)])
	}
	// A day without sessions: the header, and a word on stderr.
	code, stdout, stderr := runSplit(t, bin, "export", "attendance", "--data", data, "--date", "2026-11-25")
	if code != 0 || len(readCSV(t, stdout)) != 1 || !strings.Contains(stderr, "no session starts on 2026-11-25") {
		t.Errorf("a day without sessions: %d %q %q", code, stdout, stderr)
	}

	// Bad usage: exit 2, one line naming what is wrong, no file.
	bad := filepath.Join(dir, "bad.csv")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--session", plenary, "--date", "2026-11-22"}, "give --session or --date, not both"},
		{[]string{"--date", "22.11.2026"}, `--date "22.11.2026" is not YYYY-MM-DD`},
		{[]string{"--session", "s-nope"}, `no session "s-nope"`},
	} {
		args := append(append([]string{"export", "attendance", "--data", data}, c.args...), bad)
		code, _, stderr := runSplit(t, bin, args...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line with %q", c.args, code, stderr, c.want)
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("%q left a report behind", c.args)
		}
	}
}

// runSplit runs the binary to its end and returns its exit code, standard
// output and standard error apart.
func runSplit(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

func sameRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d:\n%q", what, len(got), len(want), got)
		return
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("%s row %d:\ngot  %q\nwant %q", what, i, got[i], want[i])
		}
	}
}

// TestExportSessionAttendanceLive: a running kiosk records a door tap for
// a session running now; the export, run beside it on the same data
// directory, lists the delegate with the tap's time. The meeting's zone
// is one where it is about noon now, so that the session is today's
// whenever the test runs.
func TestExportSessionAttendanceLive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "kiosk")
	zone := fmt.Sprintf("Etc/GMT%+d", time.Now().UTC().Hour()-12) // Etc/GMT-2 is UTC+2
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(loc).Format(kiosk.DateLayout)
	roster := writeFile(t, dir, "roster.csv", "id,family_name,given_name,badge_uid\nD1,Müller,Jürgen,0A0B0C0D0E\n")
	sched := writeFile(t, dir, "schedule.csv", "date,start,end,room,title,groups\n"+today+",11:00,14:00,Popov,Noon plenary,\n")
	for _, args := range [][]string{{"import", "roster", "--data", data, roster}, {"import", "schedule", "--data", data, "--tz", zone, sched}} {
		if out, err := runBin(bin, args...); err != nil {
			t.Fatalf("%s: %v\n%s", args[:2], err, out)
		}
	}
	k := startKiosk(t, bin, "--data", data, "--kiosk-id", "door-1")
	res := postTap(t, k.url, `{"uid":"0A0B0C0D0E","room":"Popov","direction":"in"}`)
	session, _ := res["session"].(map[string]any)
	if res["result"] != "accepted" || session == nil {
		t.Fatalf("door tap: %v", res)
	}
	at, err := time.Parse(time.RFC3339Nano, res["at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	id := session["id"].(string)
	if id != schedule.SessionID(today, "11:00", "Popov", "Noon plenary") {
		t.Errorf("the tap's session %q is not the one imported", id)
	}
	out, err := runBin(bin, "export", "attendance", "--data", data, "--session", id)
	if err != nil {
		t.Fatalf("export beside the running kiosk: %v\n%s", err, out)
	}
	rows := readCSV(t, string(out))
	if len(rows) != 2 || rows[1][4] != "D1" || rows[1][3] != today || rows[1][10] != at.In(loc).Format("15:04:05") || rows[1][11] != "" {
		t.Errorf("report %q, want D1 in at %s, not out", rows, at.In(loc).Format("15:04:05"))
	}
}

// TestExportSessionAttendancePostgres: the same report from the
// registry's PostgreSQL database (--db), with door taps from two kiosks
// as the registry received them.
func TestExportSessionAttendancePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	db := pgtest.NewDatabase(t)
	dir := t.TempDir()
	roster := writeFile(t, dir, "roster.csv", "id,family_name,given_name,organization\nD1,Müller,Jürgen,BNetzA\nD2,Åberg,Lars,PTS\n")
	sched := writeFile(t, dir, "schedule.csv", "date,start,end,room,title,groups\n2026-11-22,09:00,10:30,Popov,Plenary,\n")
	for _, args := range [][]string{{"import", "roster", "--db", db, roster}, {"import", "schedule", "--db", db, sched}} {
		if out, err := runBin(bin, args...); err != nil {
			t.Fatalf("%s: %v\n%s", args[:2], err, out)
		}
	}
	plenary := schedule.SessionID("2026-11-22", "09:00", "Popov", "Plenary")
	ctx := context.Background()
	store, err := postgres.Open(ctx, db, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	zurich, _ := time.LoadLocation("Europe/Zurich")
	door := func(id, delegate, dir string, hh, mm int) wire.CheckinEvent {
		return wire.CheckinEvent{ID: id, DelegateID: delegate, UID: "0A0B0C0D0E", Source: kiosk.SourceRFID, Gate: "door",
			Direction: dir, At: time.Date(2026, 11, 22, hh, mm, 0, 0, zurich).UTC(), Result: kiosk.ResultAccepted,
			Room: "Popov", SessionID: plenary}
	}
	received := time.Date(2026, 11, 22, 12, 0, 0, 0, zurich)
	if _, _, err := store.AddCheckins(ctx, "east", []wire.CheckinEvent{door("e1", "D1", "in", 8, 55), door("e2", "D2", "in", 9, 10)}, received); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.AddCheckins(ctx, "west", []wire.CheckinEvent{door("w1", "D1", "out", 10, 0)}, received); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runSplit(t, bin, "export", "attendance", "--db", db, "--session", plenary)
	if code != 0 {
		t.Fatalf("export --db: %d %s", code, stderr)
	}
	sameRows(t, "--db", readCSV(t, stdout), [][]string{kiosk.SessionAttendanceHeader,
		{plenary, "Plenary", "Popov", "2026-11-22", "D2", "Åberg", "Lars", "PTS", "", "delegate", "09:10:00", "", "80"},
		{plenary, "Plenary", "Popov", "2026-11-22", "D1", "Müller", "Jürgen", "BNetzA", "", "delegate", "08:55:00", "10:00:00", "60"},
	})
	if code, _, stderr := runSplit(t, bin, "export", "attendance", "--db", db, "--session", "s-nope"); code != 2 || !strings.Contains(stderr, `no session "s-nope"`) {
		t.Errorf("unknown session on --db: %d %q", code, stderr)
	}
}
