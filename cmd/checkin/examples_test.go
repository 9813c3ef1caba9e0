package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/sqlite"
)

// examples is where the example import files live in the repository.
const examples = "../../assets/examples"

// TestImportExamples imports each example file through the real command
// into a real data directory and checks what the data then holds: every
// delegate with names in every script, the schedule from CSV, then from
// ICS (which needs --replace over the CSV one).
func TestImportExamples(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	rosterCSV := filepath.Join(examples, "roster.csv")
	code, stdout, stderr := run(t, nil, "", "import", "roster", "--data", data, rosterCSV)
	if code != 0 || stderr != "" || !strings.Contains(stdout, "13 delegates (13 added, 0 updated, 0 unchanged, 0 removed), 4 roster badges") {
		t.Fatalf("roster: code %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, nil, "", "import", "photos", "--data", data, filepath.Join(examples, "photos"))
	if code != 0 || stderr != "" || !strings.Contains(stdout, "2 photos") {
		t.Fatalf("photos: code %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, nil, "", "import", "schedule", "--data", data, filepath.Join(examples, "schedule.csv"))
	if code != 0 || stderr != "" || !strings.Contains(stdout, "8 sessions in 4 rooms, 2027-03-15 to 2027-03-19 (Europe/Zurich)") {
		t.Fatalf("schedule.csv: code %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}

	// The roster as the attendance report shows it: every delegate, in
	// every script, with the meeting's five days.
	report := filepath.Join(dir, "attendance.csv")
	if code, _, stderr := run(t, nil, "", "export", "attendance", "--data", data, report); code != 0 {
		t.Fatalf("export attendance: %d %s", code, stderr)
	}
	rows := readReport(t, report)
	if got, want := strings.Join(rows[0], ","), strings.Join(kiosk.AttendanceHeader, ",")+
		",2027-03-15,2027-03-16,2027-03-17,2027-03-18,2027-03-19,days_present"; got != want {
		t.Errorf("header %s, want %s", got, want)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	for id, want := range map[string]string{
		"D0001": "Müller Jürgen   Bundesnetzagentur DE head confirmed",
		"D0002": "王 芳 Wang Fang 中国信息通信研究院 CN delegate registered",
		"D0003": "Кузнецов Алексей Kuznetsov Aleksei Министерство цифрового развития, связи и массовых коммуникаций RU deputy_head confirmed",
		"D0004": "المنصوري أحمد Al-Mansouri Ahmed هيئة تنظيم الاتصالات AE delegate registered",
		"D0007": "शर्मा प्रिया Sharma Priya Department of Telecommunications IN delegate registered",
		"D0008": "김 민준   과학기술정보통신부 KR delegate cancelled",
		"D0010": "Sukarno    Kementerian Komunikasi dan Informatika ID guest registered",
		"D0013": "Øyvindsen Åse   ITU Secretariat  secretariat confirmed",
	} {
		r := byID[id]
		if len(r) < 9 {
			t.Errorf("%s missing from the report", id)
			continue
		}
		if got := strings.Join(r[1:9], " "); got != want {
			t.Errorf("%s: got %q, want %q", id, got, want)
		}
	}
	if len(rows) != 14 {
		t.Errorf("%d delegates in the report, want 13", len(rows)-1)
	}

	// ICS over a CSV schedule: refused (exit 2, saying why and what to
	// do), a dry run writes nothing, --replace imports it.
	ics := filepath.Join(examples, "schedule.ics")
	code, _, stderr = run(t, nil, "", "import", "schedule", "--data", data, ics)
	if code != 2 || !strings.Contains(stderr, "the current 8 sessions were imported from CSV and this file is ICS") ||
		!strings.Contains(stderr, "--replace") || !strings.Contains(stderr, "--dry-run") {
		t.Errorf("ics over csv: code %d, stderr %q", code, stderr)
	}
	code, stdout, _ = run(t, nil, "", "import", "schedule", "--data", data, "--dry-run", ics)
	if code != 0 || !strings.Contains(stdout, "sessions: would add 4, change 0, remove 8 (first removed: ") ||
		!strings.Contains(stdout, "needs --replace") || !strings.Contains(stdout, "nothing written") {
		t.Errorf("dry run: code %d, stdout %q", code, stdout)
	}
	if n := sessionsOn(t, data, "2027-03-15"); len(n) != 2 {
		t.Errorf("after the refusal and the dry run, %d sessions on the first day, want the CSV's 2", len(n))
	}
	code, stdout, stderr = run(t, nil, "", "import", "schedule", "--data", data, "--replace", ics)
	if code != 0 || !strings.Contains(stdout, "4 sessions in 2 rooms, 2027-03-16 to 2027-03-19 (Europe/Zurich)") {
		t.Fatalf("ics --replace: code %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	wed := sessionsOn(t, data, "2027-03-17")
	if len(wed) != 1 || wed[0].Title != "WP2/12 plenary" || wed[0].Status != kiosk.SessionCancelled || wed[0].Start.Hour() != 14 {
		t.Errorf("Wednesday from the ICS: %+v, want the cancelled WP2/12 plenary at 14:00", wed)
	}
	tue := sessionsOn(t, data, "2027-03-16")
	if len(tue) != 2 || tue[1].Title != "Q2/12 Quality of experience" || tue[1].End.Sub(tue[1].Start).Minutes() != 210 ||
		strings.Join(tue[1].Groups, ";") != "Q2/12;SG12" {
		t.Errorf("Tuesday from the ICS: %+v", tue)
	}
}

// readReport reads an exported CSV file, UTF-8 with a BOM.
func readReport(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(kiosk.StripBOM(f)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// sessionsOn reads a day's sessions from a kiosk data directory.
func sessionsOn(t *testing.T, data, day string) []kiosk.Session {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(data, dbFile))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.Meeting(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.SessionsOn(context.Background(), day, m.Location())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImportFormatsDocumented: every column the parsers accept is in the
// --help of its import and in docs/imports.md's formats section, and
// every example file has every column and is what --example prints; so
// the parsers, the help, the docs and the examples cannot drift apart.
func TestImportFormatsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/imports.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Formats\n")
	if !ok {
		t.Fatal(`docs/imports.md has no "## Formats" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")

	for _, tt := range []struct {
		cmd, flag string
		format    importFormat
	}{
		{"roster", "--example", rosterFormat},
		{"schedule", "--example", scheduleCSVFormat},
		{"schedule", "--example-ics", scheduleICSFormat},
		{"rooms", "--example", roomsFormat},
	} {
		_, _, help := run(t, nil, "", "import", tt.cmd, "--help")
		code, example, stderr := run(t, nil, "", "import", tt.cmd, tt.flag)
		if code != 0 {
			t.Fatalf("import %s %s: %d %s", tt.cmd, tt.flag, code, stderr)
		}
		file, err := os.ReadFile(filepath.Join(examples, tt.format.example))
		if err != nil {
			t.Fatal(err)
		}
		if embedded, _ := assets.Example(tt.format.example); example != string(file) || string(embedded) != string(file) {
			t.Errorf("import %s %s does not print %s as it is in the repository", tt.cmd, tt.flag, tt.format.example)
		}
		if !strings.Contains(help, "assets/examples/"+tt.format.example) || !strings.Contains(section, "assets/examples/"+tt.format.example) {
			t.Errorf("%s: the help or docs/imports.md does not point to the example", tt.format.example)
		}
		for _, c := range tt.format.columns {
			line := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(c.Name) + ` +(required|optional)  \S`)
			if !line.MatchString(help) {
				t.Errorf("import %s --help does not list %s with whether it is required and its meaning", tt.cmd, c.Name)
			}
			if !strings.Contains(section, "`"+c.Name+"`") {
				t.Errorf("docs/imports.md's formats section does not list %s (%s)", c.Name, tt.format.example)
			}
			if !strings.Contains(example, c.Name) {
				t.Errorf("example %s does not use %s", tt.format.example, c.Name)
			}
		}
	}
}

// TestImportRosterNeedsReplace: on a data directory, a roster that would
// remove more than 10% is refused (exit 2) and a dry run of it prints the
// plan; neither changes the roster; --replace imports it.
func TestImportRosterNeedsReplace(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, stderr := run(t, nil, "", "import", "roster", "--data", data, filepath.Join(examples, "roster.csv")); code != 0 {
		t.Fatalf("first import: %d %s", code, stderr)
	}
	part := writeFile(t, dir, "part.csv", "id,family_name,given_name,country\nD0001,Müller,Jürgen,DE\nD0002,王,芳,CN\nD0099,Пушкина,Мария,RU\n")
	code, stdout, _ := run(t, nil, "", "import", "roster", "--data", data, "--dry-run", part)
	if code != 0 || !strings.Contains(stdout, "delegates: would add 1, change 2, remove 11 (first removed: D0003, D0004, D0005, D0006, D0007, …), keep 0") ||
		!strings.Contains(stdout, "first added: D0099") || !strings.Contains(stdout, "first changed: D0001, D0002") {
		t.Errorf("dry run: %d %s", code, stdout)
	}
	code, _, stderr := run(t, nil, "", "import", "roster", "--data", data, part)
	if code != 2 || !strings.Contains(stderr, "it would remove 11 of the 13 delegates (85%; more than 10%)") {
		t.Errorf("refused import: %d %q", code, stderr)
	}
	report := filepath.Join(dir, "a.csv")
	if code, _, stderr := run(t, nil, "", "export", "attendance", "--data", data, report); code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	if rows := readReport(t, report); len(rows) != 14 {
		t.Errorf("%d delegates after a dry run and a refused import, want 13", len(rows)-1)
	}
	code, stdout, stderr = run(t, map[string]string{"CHECKIN_REPLACE": "true"}, "", "import", "roster", "--data", data, part)
	if code != 0 || !strings.Contains(stdout, "3 delegates (1 added, 2 updated, 0 unchanged, 11 removed)") {
		t.Errorf("with CHECKIN_REPLACE: %d %s %s", code, stdout, stderr)
	}
}

// TestImportRosterDeskConflict: a roster that gives a badge a desk bound
// to someone else fails with the row named, and its dry run fails the
// same way (exit 2), so that a dry run predicts the import.
func TestImportRosterDeskConflict(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	first := writeFile(t, dir, "r1.csv", "id,family_name,given_name\nD1,Müller,Jürgen\nD2,王,芳\n")
	if code, _, stderr := run(t, nil, "", "import", "roster", "--data", data, first); code != 0 {
		t.Fatalf("import: %d %s", code, stderr)
	}
	db := sqlite.NewDB(filepath.Join(data, dbFile))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeskBind(context.Background(), "dana", kiosk.BindRequest{DelegateID: "D2", UID: "0A0B0C0D0E"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	second := writeFile(t, dir, "r2.csv", "id,family_name,given_name,badge_uid\nD1,Müller,Jürgen,0a:0b:0c:0d:0e\nD2,王,芳,\n")
	want := second + ":2: badge_uid: badge 0A0B0C0D0E is bound at the desk to delegate D2; revoke it there first"
	for _, args := range [][]string{{"--dry-run"}, nil} {
		code, _, stderr := run(t, nil, "", append(append([]string{"import", "roster", "--data", data}, args...), second)...)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("import %v: code %d, stderr %q; want 2 and %q", args, code, stderr, want)
		}
	}
}

// TestDryRunCreatesNothing: a dry run into a data directory that does not
// exist plans against nothing and creates neither it nor a database.
func TestDryRunCreatesNothing(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, tt := range []struct{ kind, file, want string }{
		{"roster", "roster.csv", "delegates: would add 13, change 0, remove 0, keep 0"},
		{"schedule", "schedule.csv", "sessions: would add 8, change 0, remove 0, keep 0"},
		{"schedule", "schedule.ics", "sessions: would add 4, change 0, remove 0, keep 0"},
	} {
		code, stdout, stderr := run(t, nil, "", "import", tt.kind, "--data", data, "--dry-run", filepath.Join(examples, tt.file))
		if code != 0 || !strings.Contains(stdout, tt.want) {
			t.Errorf("dry run of %s: %d\n%s\n%s", tt.file, code, stdout, stderr)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a dry run made the data directory: %v", err)
	}
}
