package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run calls Main in-process with an environment of its own.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	for k, v := range env {
		t.Setenv(k, v)
	}
	code = Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t testing.TB, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{nil, 2, "Usage: checkin", ""},
		{[]string{"--help"}, 0, "Usage: checkin", ""},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"kiosk", "--help"}, 0, "", "-addr"},
		{[]string{"kiosk"}, 2, "", "--data is required"},
		{[]string{"kiosk", "--data", t.TempDir(), "--bogus"}, 2, "", "flag provided but not defined: -bogus"},
		{[]string{"import"}, 2, "", "say what to import"},
		{[]string{"import", "people"}, 2, "", `unknown kind "people"`},
		{[]string{"import", "roster", "--data", t.TempDir()}, 2, "", "give exactly one file"},
		{[]string{"import", "roster", "--data", t.TempDir(), "/does/not/exist.csv"}, 2, "", "no such file"},
		{[]string{"export"}, 2, "", "say what to export"},
		{[]string{"export", "checkins", "--data", t.TempDir(), "--date", "yesterday"}, 2, "", "not YYYY-MM-DD"},
		{[]string{"export", "checkins", "--data", t.TempDir()}, 2, "", "no checkin database"},
		{[]string{"meeting", "--data", t.TempDir(), "--tz", "Mars/Base"}, 2, "", "unknown time zone"},
		{[]string{"version"}, 0, "checkin", ""},
		{[]string{"--version"}, 0, "(commit ", ""},
		{[]string{"readers"}, 0, "PATH", ""}, // with or without ports: a table, exit 0
		{[]string{"readers", "extra"}, 2, "", "unexpected argument"},
		{[]string{"kiosk", "--data", t.TempDir(), "--reader", "/dev/x,format=nfc"}, 2, "", "want one of em4100, line, line-dec, wiegand, qr"},
		{[]string{"kiosk", "--data", t.TempDir(), "--reader", "/dev/x", "--reader", "/dev/x,gate=b"}, 2, "", "given twice"},
		{[]string{"kiosk", "--data", t.TempDir(), "--holdoff", "0s"}, 2, "", "--holdoff must be positive"},
		{[]string{"kiosk", "--data", t.TempDir(), "--reader", "/dev/x,format=osdp,address=3"}, 2, "", "no secure-channel key stored for it"},
		{[]string{"kiosk", "--data", t.TempDir(), "--reader", "/dev/x,format=osdp,scbk=install", "--reader", "/dev/x,format=osdp,secure=off"}, 2, "", "/dev/x@0: given twice"},
		{[]string{"kiosk", "--data", t.TempDir(), "--reader", "/dev/x,format=osdp,secure=off", "--reader", "/dev/x,format=osdp,address=1,secure=off,baud=115200"}, 2, "", "one line has one rate"},
		{[]string{"kiosk", "--data", t.TempDir(), "--reader", "/dev/x,format=osdp,scbk=00112233445566778899AABBCCDDEEFF,gate=a b"}, 2, "", `scbk=…,gate`},
		{[]string{"soak", "--help"}, 0, "", "-pg-restart-cmd"},
		{[]string{"soak"}, 2, "", "--db is required"},
		{[]string{"soak", "--sqlite", "--db", "postgres://x/y"}, 2, "", "not both"},
		{[]string{"soak", "--sqlite", "--kiosks", "1"}, 2, "", "--kiosks must be 2 to 500"},
		{[]string{"soak", "--sqlite", "--duration", "1m"}, 2, "", "too short for its faults"},
	}
	for _, tt := range tests {
		code, stdout, stderr := run(t, nil, "", tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("checkin %v: code %d, stdout %q, stderr %q; want code %d, stdout ~%q, stderr ~%q",
				tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}

func TestImportRosterReportsEveryBadRow(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	good := writeFile(t, dir, "good.csv", "id,family_name,given_name,badge_uid\nD1,Müller,Jürgen,04:a1:b2:c3\nD2,王,伟,\n")
	code, stdout, stderr := run(t, nil, "", "import", "roster", "--data", data, good)
	if code != 0 || !strings.Contains(stdout, "2 delegates (2 added") {
		t.Fatalf("good import: code %d stdout %q stderr %q", code, stdout, stderr)
	}

	bad := writeFile(t, dir, "bad.csv", "id;family_name;given_name;country;shoe\nD1;Müller;Jürgen;DE;42\n;NoId;X;;\nD3;X;Y;QQ;\n")
	code, _, stderr = run(t, nil, "", "import", "roster", bad, "--data", data)
	want := []string{
		bad + ":1: shoe: unknown column, ignored (warning)",
		bad + ":3: id: is empty",
		bad + `:4: country: "QQ" is not an ISO 3166-1 alpha-2 code`,
	}
	if code != 2 {
		t.Errorf("bad import exit code = %d, want 2", code)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	// Nothing written: D2 from the first import is still there.
	code, stdout, _ = run(t, nil, "", "import", "roster", "--data", data, good)
	if code != 0 || !strings.Contains(stdout, "2 unchanged, 0 removed") {
		t.Errorf("after refused import: %q", stdout)
	}
}

func TestImportScheduleCSV(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	f := writeFile(t, dir, "s.csv", "date,start,end,room,title,groups\n2026-09-18,09:00,12:30,Sala A,Opening,WS\n2026-09-19,14:00,17:30,Sala B,SG12,\"SG12;WP1/12\"\n")
	code, stdout, stderr := run(t, nil, "", "import", "schedule", "--data", data, "--tz", "America/Mexico_City", f)
	if code != 0 || !strings.Contains(stdout, "2 sessions in 2 rooms, 2026-09-18 to 2026-09-19 (America/Mexico_City)") {
		t.Fatalf("code %d stdout %q stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = run(t, nil, "", "meeting", "--data", data)
	if code != 0 || !strings.Contains(stdout, "America/Mexico_City") || !strings.Contains(stdout, "start:     2026-09-18") {
		t.Errorf("meeting after import: %q", stdout)
	}
	bad := writeFile(t, dir, "bad.csv", "date,start,end,room,title,groups\n2026-09-18,09:00,08:00,Sala A,Backwards,\n")
	code, _, stderr = run(t, nil, "", "import", "schedule", "--data", data, bad)
	if code != 2 || !strings.Contains(stderr, bad+":2: end: 08:00 is not after start 09:00") {
		t.Errorf("bad schedule: code %d stderr %q", code, stderr)
	}
	ics := writeFile(t, dir, "s.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:e1@test\r\n"+
		"DTSTAMP:20260901T000000Z\r\nSUMMARY:Opening plenary\r\nLOCATION:Popov Room\r\nCATEGORIES:SG12\r\n"+
		"DTSTART;TZID=Europe/Zurich:20260922T110000\r\nDTEND;TZID=Europe/Zurich:20260922T123000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	code, stdout, stderr = run(t, nil, "", "import", "schedule", "--data", filepath.Join(dir, "ics"), ics)
	if code != 0 || !strings.Contains(stdout, "1 sessions in 1 rooms, 2026-09-22") {
		t.Errorf("ics import: code %d stdout %q stderr %q", code, stdout, stderr)
	}
	badICS := writeFile(t, dir, "bad.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:No start\r\nLOCATION:K\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	code, _, stderr = run(t, nil, "", "import", "schedule", "--data", filepath.Join(dir, "ics"), badICS)
	if code != 2 || !strings.Contains(stderr, badICS+":3: DTSTART") {
		t.Errorf("bad ics: code %d stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "", "import", "schedule", "--data", data, "--tz", "Nowhere/Town", f)
	if code != 2 || !strings.Contains(stderr, "unknown time zone") {
		t.Errorf("bad tz: code %d stderr %q", code, stderr)
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "r.csv", "id,family_name,given_name\nD1,X,Y\n")
	// CHECKIN_DATA fills --data; a flag would win.
	code, stdout, stderr := run(t, map[string]string{"CHECKIN_DATA": filepath.Join(dir, "envdata")}, "", "import", "roster", f)
	if code != 0 || !strings.Contains(stdout, "1 added") {
		t.Fatalf("env data: code %d stdout %q stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "envdata", dbFile)); err != nil {
		t.Errorf("database not created in CHECKIN_DATA: %v", err)
	}
	code, _, _ = run(t, map[string]string{"CHECKIN_DATA": filepath.Join(dir, "envdata")}, "", "import", "roster", "--data", filepath.Join(dir, "flagdata"), f)
	if _, err := os.Stat(filepath.Join(dir, "flagdata", dbFile)); code != 0 || err != nil {
		t.Errorf("flag did not win over environment: code %d, %v", code, err)
	}
}

func TestStaffCommands(t *testing.T) {
	data := t.TempDir()
	code, stdout, stderr := run(t, nil, "s3cret-pass\n", "staff", "add", "--data", data, "--user", "amina", "--role", "admin")
	if code != 0 || !strings.Contains(stdout, "amina (admin) added") {
		t.Fatalf("add: %d %q %q", code, stdout, stderr)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"s3cret-pass\n", []string{"staff", "add", "--data", data, "--user", "amina"}, 2, "exists already"},
		{"short\n", []string{"staff", "add", "--data", data, "--user", "bo"}, 2, "at least 8"},
		{"", []string{"staff", "add", "--data", data, "--user", "bo"}, 2, "no password"},
		{"x\n", []string{"staff", "add", "--data", data, "--user", "bad name"}, 2, "--user must be"},
		{"x\n", []string{"staff", "add", "--data", data, "--user", "bo", "--role", "king"}, 2, "--role must be"},
		{"an0ther-pass\n", []string{"staff", "passwd", "--data", data, "--user", "amina"}, 0, "password of amina changed"},
		{"an0ther-pass\n", []string{"staff", "passwd", "--data", data, "--user", "ghost"}, 2, "no staff user"},
		{"", []string{"staff", "list", "--data", data}, 0, "amina"},
		{"", []string{"staff", "remove", "--data", data, "--user", "amina"}, 0, "removed"},
		{"", []string{"staff", "remove", "--data", data, "--user", "amina"}, 2, "no staff user"},
	} {
		code, stdout, stderr := run(t, nil, tc.stdin, tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.out) {
			t.Errorf("checkin %v: %d %q %q, want %d ~%q", tc.args, code, stdout, stderr, tc.code, tc.out)
		}
	}
}

// TestDataDirIsPrivate: a new data directory is 0700 and its database
// 0600; one made looser by hand is used all the same, with a warning that
// names each loose path and its mode.
func TestDataDirIsPrivate(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	roster := writeFile(t, dir, "roster.csv", "id,family_name,given_name\nD1,Müller,Jürgen\n")
	code, _, stderr := run(t, nil, "", "import", "roster", "--data", data, roster)
	if code != 0 {
		t.Fatalf("import: code %d, stderr %q", code, stderr)
	}
	db := filepath.Join(data, dbFile)
	for path, want := range map[string]os.FileMode{data: 0o700, db: 0o600} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v, %v; want mode %04o", path, st.Mode().Perm(), err, want)
		}
	}
	if strings.Contains(stderr, "WARN") {
		t.Errorf("warnings for a private data directory: %q", stderr)
	}

	os.Chmod(data, 0o755)
	os.Chmod(db, 0o644)
	code, _, stderr = run(t, nil, "", "import", "roster", "--data", data, roster)
	if code != 0 {
		t.Fatalf("import into a loose directory: code %d, stderr %q (want a warning, not a refusal)", code, stderr)
	}
	for _, want := range []string{"path=" + data + " mode=0755", "path=" + db + " mode=0644"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks a warning with %q:\n%s", want, stderr)
		}
	}
}
