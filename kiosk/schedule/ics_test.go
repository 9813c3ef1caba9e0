package schedule_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/schedule"
)

// parseICSFile parses a fixture in testdata.
func parseICSFile(t *testing.T, name string, loc *time.Location) (kiosk.Schedule, []kiosk.Problem, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return schedule.ParseICS(f, loc)
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// want is the expected shape of a session.
type want struct {
	title, room, start, end string
	groups                  []string
	status                  string
}

func checkSessions(t *testing.T, got []kiosk.Session, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, s := range got {
			t.Logf("session %q %s–%s", s.Title, s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339))
		}
		t.Fatalf("got %d sessions, want %d", len(got), len(wants))
	}
	ids := map[string]bool{}
	for i, w := range wants {
		s := got[i]
		if s.Title != w.title || s.Room != w.room ||
			s.Start.Format(time.RFC3339) != w.start || s.End.Format(time.RFC3339) != w.end {
			t.Errorf("session %d = %q in %q %s–%s, want %q in %q %s–%s", i,
				s.Title, s.Room, s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339),
				w.title, w.room, w.start, w.end)
		}
		if w.groups != nil && !slices.Equal(s.Groups, w.groups) {
			t.Errorf("session %d groups = %q, want %q", i, s.Groups, w.groups)
		}
		status := w.status
		if status == "" {
			status = kiosk.SessionScheduled
		}
		if s.Status != status {
			t.Errorf("session %d status = %q, want %q", i, s.Status, status)
		}
		if s.ID == "" || ids[s.ID] {
			t.Errorf("session %d id %q is empty or repeated", i, s.ID)
		}
		ids[s.ID] = true
	}
}

func TestParseICSMeeting(t *testing.T) {
	zurich := mustLoad(t, "Europe/Zurich")
	s, warns, err := parseICSFile(t, "meeting.ics", zurich)
	if err != nil {
		t.Fatalf("ParseICS: %v", err)
	}
	checkSessions(t, s.Sessions, []want{
		{"Opening plenary", "Room XVII", "2026-11-24T10:00:00+01:00", "2026-11-24T13:00:00+01:00",
			[]string{"WP.1", "GRSG", "Observers"}, ""},
		{"Item 3, Regulation No. 48; lighting and light-signalling devices – informal document WP.1-192-03 followed by Q&A",
			"Room XVII", "2026-11-24T15:00:00+01:00", "2026-11-24T18:00:00+01:00", []string{"WP.1"}, ""},
		{"Closing plenary", "Room XVIII", "2026-11-25T10:00:00+01:00", "2026-11-25T13:00:00+01:00",
			[]string{}, kiosk.SessionCancelled},
		{"Bureau meeting", "Room S3", "2026-11-25T14:00:00+01:00", "2026-11-25T15:30:00+01:00",
			[]string{"Bureau"}, ""},
		{"Delegates' breakfast", "Serpentine bar", "2026-11-26T08:30:00+01:00", "2026-11-26T09:30:00+01:00",
			[]string{}, ""},
	})
	if len(warns) != 1 || warns[0].Line != 74 || warns[0].Column != "DTSTART" || !strings.Contains(warns[0].Msg, `all-day event "Excursion" skipped`) {
		t.Errorf("warnings = %v, want the all-day event at line 74", warns)
	}
	var rooms []string
	for _, r := range s.Rooms {
		rooms = append(rooms, r.Name)
		if r.Building != "" {
			t.Errorf("room %q has building %q, want none from iCalendar", r.Name, r.Building)
		}
	}
	if want := []string{"Room S3", "Room XVII", "Room XVIII", "Serpentine bar"}; !slices.Equal(rooms, want) {
		t.Errorf("rooms = %q, want %q", rooms, want)
	}
	// Without a UID the id is the one the CSV importer gives the same session.
	if got, want := s.Sessions[3].ID, schedule.SessionID("2026-11-25", "14:00", "Room S3", "Bureau meeting"); got != want {
		t.Errorf("id without UID = %q, want %q", got, want)
	}
	again, _, _ := parseICSFile(t, "meeting.ics", zurich)
	for i := range s.Sessions {
		if again.Sessions[i].ID != s.Sessions[i].ID {
			t.Errorf("session %d id not stable across imports", i)
		}
	}
}

func TestParseICSDST(t *testing.T) {
	zurich := mustLoad(t, "Europe/Zurich")
	s, _, err := parseICSFile(t, "dst.ics", zurich)
	if err != nil {
		t.Fatalf("ParseICS: %v", err)
	}
	checkSessions(t, s.Sessions, []want{
		{"Night session across spring forward", "Room K", "2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00", nil, ""},
		// 02:30 does not exist: RFC 5545 uses the offset before the gap.
		{"Starts at a time that does not exist", "Room K", "2026-03-29T03:30:00+02:00", "2026-03-29T04:00:00+02:00", nil, ""},
		{"Night session across fall back", "Room K", "2026-10-25T01:30:00+02:00", "2026-10-25T03:30:00+01:00", nil, ""},
		// 02:30 occurs twice: RFC 5545 means the first.
		{"Starts at a time that occurs twice", "Room K", "2026-10-25T02:30:00+02:00", "2026-10-25T03:00:00+01:00", nil, ""},
	})
	for i, d := range []time.Duration{time.Hour, 30 * time.Minute, 3 * time.Hour, 90 * time.Minute} {
		if got := s.Sessions[i].End.Sub(s.Sessions[i].Start); got != d {
			t.Errorf("session %d lasts %v, want %v", i, got, d)
		}
	}
}

func TestParseICSFloatingAndUTC(t *testing.T) {
	tests := []struct {
		zone           string
		floating, utc  string
		floatEnd, utcE string
	}{
		{"Europe/Zurich", "2026-11-24T09:00:00+01:00", "2026-11-24T15:00:00+01:00", "2026-11-24T10:00:00+01:00", "2026-11-24T16:00:00+01:00"},
		{"America/New_York", "2026-11-24T09:00:00-05:00", "2026-11-24T09:00:00-05:00", "2026-11-24T10:00:00-05:00", "2026-11-24T10:00:00-05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			s, _, err := parseICSFile(t, "floating_utc.ics", mustLoad(t, tt.zone))
			if err != nil {
				t.Fatalf("ParseICS: %v", err)
			}
			checkSessions(t, s.Sessions, []want{
				{"Floating time", "Room A", tt.floating, tt.floatEnd, nil, ""},
				{"UTC time", "Room A", tt.utc, tt.utcE, nil, ""},
			})
		})
	}
}

func TestParseICSOutlook(t *testing.T) {
	s, warns, err := parseICSFile(t, "outlook.ics", mustLoad(t, "Europe/Zurich"))
	if err != nil {
		t.Fatalf("ParseICS: %v", err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	checkSessions(t, s.Sessions, []want{
		{"Drafting group on the final report", "Salle XIX", "2026-11-24T10:00:00+01:00", "2026-11-24T11:30:00+01:00", nil, ""},
		{"Night shift (spring forward)", "Salle XIX", "2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00", nil, ""},
		{"Night shift (fall back)", "Salle XX", "2026-10-25T01:30:00+02:00", "2026-10-25T03:30:00+01:00", nil, ""},
	})
}

// calendar wraps VEVENT bodies (and other components) in a VCALENDAR.
func calendar(parts ...string) string {
	return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//checkin tests//EN\n" + strings.Join(parts, "") + "END:VCALENDAR\n"
}

func event(lines ...string) string {
	return "BEGIN:VEVENT\n" + strings.Join(lines, "\n") + "\nEND:VEVENT\n"
}

const outlookStyleZurich = `BEGIN:VTIMEZONE
TZID:%s
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
`

// TestParseICSVTimezoneMatchesIANA checks the VTIMEZONE rules against Go's
// tz database every half hour across both 2026 DST days and some other
// years: the same wall times must land on the same instants.
func TestParseICSVTimezoneMatchesIANA(t *testing.T) {
	zurich := mustLoad(t, "Europe/Zurich")
	var days []time.Time
	for _, d := range []string{"2026-03-29", "2026-10-25", "2026-07-01", "2027-03-28", "2031-10-26", "2041-03-31"} {
		day, _ := time.Parse(kiosk.DateLayout, d)
		days = append(days, day)
	}
	var ianaEvents, customEvents []string
	for _, day := range days {
		for m := 0; m < 24*60; m += 30 {
			at := day.Add(time.Duration(m) * time.Minute).Format("20060102T150405")
			body := func(tzid string) string {
				return event("UID:"+at, "DTSTART;TZID="+tzid+":"+at, "DURATION:PT30M", "SUMMARY:S", "LOCATION:R")
			}
			ianaEvents = append(ianaEvents, body("Europe/Zurich"))
			customEvents = append(customEvents, body(`"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"`))
		}
	}
	iana, _, err := schedule.ParseICS(strings.NewReader(calendar(ianaEvents...)), zurich)
	if err != nil {
		t.Fatalf("IANA calendar: %v", err)
	}
	vtz := fmt.Sprintf(outlookStyleZurich, `(UTC+01:00) Amsterdam\, Berlin\, Bern\, Rome\, Stockholm\, Vienna`)
	custom, _, err := schedule.ParseICS(strings.NewReader(calendar(append([]string{vtz}, customEvents...)...)), zurich)
	if err != nil {
		t.Fatalf("VTIMEZONE calendar: %v", err)
	}
	if len(iana.Sessions) != len(custom.Sessions) {
		t.Fatalf("%d vs %d sessions", len(iana.Sessions), len(custom.Sessions))
	}
	for i := range iana.Sessions {
		a, b := iana.Sessions[i], custom.Sessions[i]
		if !a.Start.Equal(b.Start) || !a.End.Equal(b.End) {
			t.Errorf("%s: IANA %s–%s, VTIMEZONE %s–%s", a.ID, a.Start, a.End, b.Start, b.End)
		}
	}
}

func TestParseICSTimeZones(t *testing.T) {
	zurich := mustLoad(t, "Europe/Zurich")
	ev := func(tzid, start, end string) string {
		return event("UID:x", "DTSTART;TZID="+tzid+":"+start, "DTEND;TZID="+tzid+":"+end, "SUMMARY:S", "LOCATION:R")
	}
	unusable := "BEGIN:VTIMEZONE\nTZID:%s\nBEGIN:STANDARD\nDTSTART:16010101T020000\nTZOFFSETFROM:-0700\nTZOFFSETTO:-0800\n" +
		"RRULE:FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1,2,3,4,5,6,7;BYDAY=SU\nEND:STANDARD\nEND:VTIMEZONE\n"
	usEastern := "BEGIN:VTIMEZONE\nTZID:US East\nBEGIN:DAYLIGHT\nDTSTART:20070311T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\n" +
		"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\nEND:DAYLIGHT\nBEGIN:STANDARD\nDTSTART:20071104T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\n" +
		"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\nEND:STANDARD\nEND:VTIMEZONE\n"
	rdates := "BEGIN:VTIMEZONE\nTZID:By dates\nBEGIN:DAYLIGHT\nDTSTART:20260329T020000\nRDATE:20270328T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT\n" +
		"BEGIN:STANDARD\nDTSTART:20261025T030000\nRDATE:20271031T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\n"
	tests := []struct {
		name       string
		in         string
		start, end string
	}{
		{"VTIMEZONE nth weekday rules, gap", calendar(usEastern, ev("US East", "20260308T023000", "20260308T040000")),
			"2026-03-08T03:30:00-04:00", "2026-03-08T04:00:00-04:00"},
		{"VTIMEZONE nth weekday rules, fold", calendar(usEastern, ev("US East", "20261101T013000", "20261101T020000")),
			"2026-11-01T01:30:00-04:00", "2026-11-01T02:00:00-05:00"},
		{"VTIMEZONE RDATEs", calendar(rdates, ev("By dates", "20270328T013000", "20270328T033000")),
			"2027-03-28T01:30:00+01:00", "2027-03-28T03:30:00+02:00"},
		{"VTIMEZONE before its first onset", calendar(rdates, ev("By dates", "20260115T090000", "20260115T100000")),
			"2026-01-15T09:00:00+01:00", "2026-01-15T10:00:00+01:00"},
		{"IANA America gap uses offset before", calendar(ev("America/New_York", "20260308T023000", "20260308T040000")),
			"2026-03-08T03:30:00-04:00", "2026-03-08T04:00:00-04:00"},
		{"IANA America fold means first", calendar(ev("America/New_York", "20261101T013000", "20261101T020000")),
			"2026-11-01T01:30:00-04:00", "2026-11-01T02:00:00-05:00"},
		{"Windows name without VTIMEZONE", calendar(ev("Eastern Standard Time", "20261124T090000", "20261124T100000")),
			"2026-11-24T09:00:00-05:00", "2026-11-24T10:00:00-05:00"},
		{"Windows name with unusable VTIMEZONE", calendar(fmt.Sprintf(unusable, "Pacific Standard Time"), ev("Pacific Standard Time", "20260715T090000", "20260715T100000")),
			"2026-07-15T09:00:00-07:00", "2026-07-15T10:00:00-07:00"},
		{"vendor-prefixed IANA name", calendar(ev("/mozilla.org/20050126_1/Europe/Zurich", "20260715T090000", "20260715T100000")),
			"2026-07-15T09:00:00+02:00", "2026-07-15T10:00:00+02:00"},
		{"custom name via VTIMEZONE", calendar(fmt.Sprintf(outlookStyleZurich, "Customized Time Zone"), ev(`"Customized Time Zone"`, "20260329T013000", "20260329T033000")),
			"2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := schedule.ParseICS(strings.NewReader(tt.in), zurich)
			if err != nil {
				t.Fatalf("ParseICS: %v", err)
			}
			loc := s.Sessions[0].Start.Location()
			// Compare instants; print in the zone of the expectation.
			wantStart, _ := time.Parse(time.RFC3339, tt.start)
			wantEnd, _ := time.Parse(time.RFC3339, tt.end)
			if !s.Sessions[0].Start.Equal(wantStart) || !s.Sessions[0].End.Equal(wantEnd) {
				t.Errorf("got %s–%s, want %s–%s", s.Sessions[0].Start, s.Sessions[0].End, tt.start, tt.end)
			}
			if loc != zurich {
				t.Errorf("times are in %v, want the meeting's zone", loc)
			}
		})
	}
}

func TestParseICSDuration(t *testing.T) {
	zurich := mustLoad(t, "Europe/Zurich")
	tests := []struct {
		dur, end string
	}{
		{"PT1H30M", "2026-03-28T11:30:00+01:00"},
		{"P1D", "2026-03-29T10:00:00+02:00"},   // nominal day: same wall time, 23 h
		{"PT24H", "2026-03-29T11:00:00+02:00"}, // exact hours
		{"P1DT2H", "2026-03-29T12:00:00+02:00"},
		{"+P1W", "2026-04-04T10:00:00+02:00"},
		{"PT90S", "2026-03-28T10:01:30+01:00"},
	}
	for _, tt := range tests {
		t.Run(tt.dur, func(t *testing.T) {
			in := calendar(event("UID:a", "DTSTART;TZID=Europe/Zurich:20260328T100000", "DURATION:"+tt.dur, "SUMMARY:S", "LOCATION:R"))
			s, _, err := schedule.ParseICS(strings.NewReader(in), zurich)
			if err != nil {
				t.Fatalf("ParseICS: %v", err)
			}
			if got := s.Sessions[0].End.Format(time.RFC3339); got != tt.end {
				t.Errorf("end = %s, want %s", got, tt.end)
			}
		})
	}
	for _, bad := range []string{"P", "PT", "1H", "PT1H2D", "P1H", "PTT1H", "P99999999D", "-PT1H"} {
		in := calendar(event("UID:a", "DTSTART;TZID=Europe/Zurich:20260328T100000", "DURATION:"+bad, "SUMMARY:S", "LOCATION:R"))
		if _, _, err := schedule.ParseICS(strings.NewReader(in), zurich); err == nil {
			t.Errorf("DURATION:%s accepted", bad)
		}
	}
}

func TestParseICSFeatures(t *testing.T) {
	zurich := mustLoad(t, "Europe/Zurich")
	t.Run("recurrence overrides keep their own ids", func(t *testing.T) {
		in := calendar(
			event("UID:series", "RECURRENCE-ID;TZID=Europe/Zurich:20261124T100000", "DTSTART;TZID=Europe/Zurich:20261124T110000",
				"DTEND;TZID=Europe/Zurich:20261124T120000", "SUMMARY:Moved", "LOCATION:R"),
			event("UID:series", "RECURRENCE-ID;TZID=Europe/Zurich:20261125T100000", "DTSTART;TZID=Europe/Zurich:20261125T100000",
				"DTEND;TZID=Europe/Zurich:20261125T110000", "SUMMARY:Kept", "LOCATION:R"))
		s, _, err := schedule.ParseICS(strings.NewReader(in), zurich)
		if err != nil {
			t.Fatalf("ParseICS: %v", err)
		}
		if len(s.Sessions) != 2 || s.Sessions[0].ID == s.Sessions[1].ID {
			t.Errorf("sessions = %+v, want two with distinct ids", s.Sessions)
		}
	})
	t.Run("METHOD:CANCEL cancels every event", func(t *testing.T) {
		in := strings.Replace(calendar(event("UID:a", "DTSTART:20261124T090000Z", "DTEND:20261124T100000Z", "SUMMARY:S", "LOCATION:R")),
			"VERSION:2.0\n", "VERSION:2.0\nMETHOD:CANCEL\n", 1)
		s, _, err := schedule.ParseICS(strings.NewReader(in), zurich)
		if err != nil || s.Sessions[0].Status != kiosk.SessionCancelled {
			t.Errorf("got %+v, %v; want a cancelled session", s.Sessions, err)
		}
	})
	t.Run("lower-case names, CRLF, BOM, escaped LOCATION", func(t *testing.T) {
		in := "\xEF\xBB\xBFbegin:vcalendar\r\nversion:2.0\r\nbegin:vevent\r\nuid:a\r\ndtstart:20261124T090000Z\r\n" +
			"dtend:20261124T100000Z\r\nsummary:Lower\r\nlocation:Room K\\, Varembé\r\ncategories:A\\;B\r\nend:vevent\r\nend:vcalendar\r\n"
		s, _, err := schedule.ParseICS(strings.NewReader(in), zurich)
		if err != nil {
			t.Fatalf("ParseICS: %v", err)
		}
		if se := s.Sessions[0]; se.Room != "Room K, Varembé" || se.Title != "Lower" || !slices.Equal(se.Groups, []string{"A;B"}) {
			t.Errorf("session = %+v", se)
		}
	})
}

// problemStrings renders problems as "LINE: column: msg" for prefix checks.
func problemStrings(err error) []string {
	var ps kiosk.Problems
	if !errors.As(err, &ps) {
		return nil
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func checkProblems(t *testing.T, s kiosk.Schedule, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("ParseICS accepted the file: %d sessions", len(s.Sessions))
	}
	if len(s.Sessions) != 0 || len(s.Rooms) != 0 {
		t.Errorf("a bad file still gave %d sessions, %d rooms", len(s.Sessions), len(s.Rooms))
	}
	var ps kiosk.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v is not kiosk.Problems", err)
	}
	var kerr *kiosk.Error
	if !errors.As(err, &kerr) || kerr.Code != kiosk.EINVALID {
		t.Errorf("error %v does not unwrap to EINVALID", err)
	}
	got := problemStrings(err)
	if len(got) != len(want) {
		t.Fatalf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
}

func TestParseICSRejectsFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"bad_missing.ics", []string{
			"4: DTSTART: is missing",
			"10: SUMMARY: is missing",
			"16: LOCATION: is missing",
			"16: DTEND: is missing (and there is no DURATION)",
		}},
		{"bad_end.ics", []string{
			"7: DTEND: 2026-11-24T09:00:00+01:00 is not after DTSTART 2026-11-24T10:00:00+01:00",
			"14: DURATION: 2026-11-24T10:00:00+01:00 is not after DTSTART",
			"21: DTEND: 2026-10-25T02:00:00+02:00 is not after DTSTART 2026-10-25T02:30:00+02:00",
		}},
		{"bad_garbage.ics", []string{
			`7: not an iCalendar property line (NAME:value): "this line is not a property"`,
			`14: DTSTART: "tomorrow morning" is not a date-time`,
			`15: DTEND: unknown time zone "Mars/Olympus_Mons"`,
			`18: STATUS: "POSTPONED" is not TENTATIVE, CONFIRMED or CANCELLED`,
			`22: DTSTART: cannot be read`,
		}},
		{"bad_not_calendar.ics", []string{"not an iCalendar file"}},
		{"bad_rrule.ics", []string{
			"8: RRULE: recurring events are not supported: export the series as single events",
			"16: RDATE: recurring events are not supported",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, _, err := parseICSFile(t, tt.file, mustLoad(t, "Europe/Zurich"))
			checkProblems(t, s, err, tt.want)
		})
	}
}

func TestParseICSRejects(t *testing.T) {
	ok := event("UID:ok", "DTSTART:20261124T090000Z", "DTEND:20261124T100000Z", "SUMMARY:S", "LOCATION:R")
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{"the file is empty"}},
		{"blank lines only", "\n\r\n\n", []string{"the file is empty"}},
		{"not UTF-8", "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY:Caf\xe9\nEND:VEVENT\nEND:VCALENDAR\n",
			[]string{"4: the file is not UTF-8"}},
		{"garbage first", "hello\n" + calendar(ok), []string{"not an iCalendar file"}},
		{"binary", "\x00\x01\x02PK\x03\x04", []string{"not an iCalendar file"}},
		// Line 4 is BEGIN:VEVENT; folded lines count as lines.
		{"unclosed event", strings.TrimSuffix(calendar("BEGIN:VEVENT\nSUMMARY:a\n  b\n"), "END:VCALENDAR\n"), []string{"4: END: BEGIN:VEVENT is never closed"}},
		{"wrong END", calendar("BEGIN:VEVENT\nSUMMARY:a\nEND:VTODO\n"), []string{"6: END: END:VTODO does not close BEGIN:VEVENT at line 4"}},
		{"two calendars", calendar(ok) + calendar(ok), []string{"12: BEGIN: content after END:VCALENDAR"}},
		{"nested calendar", calendar("BEGIN:VCALENDAR\n"), []string{"4: BEGIN: BEGIN:VCALENDAR inside BEGIN:VCALENDAR at line 1"}},
		{"continuation first", " folded\n" + calendar(ok), []string{"not an iCalendar file"}},
		{"only all-day events", calendar(event("DTSTART;VALUE=DATE:20261124", "SUMMARY:Holiday")),
			[]string{"no sessions"}},
		{"duplicate UID", calendar(ok, ok), []string{"11: UID: same UID as the event at line 4"}},
		{"duplicate session without UID", calendar(
			event("DTSTART:20261124T090000Z", "DTEND:20261124T100000Z", "SUMMARY:S", "LOCATION:R"),
			event("DTSTART:20261124T090000Z", "DTEND:20261124T110000Z", "SUMMARY:S", "LOCATION:R")),
			[]string{"10: SUMMARY: same session as the event at line 4"}},
		{"DTEND and DURATION", calendar(event("UID:a", "DTSTART:20261124T090000Z", "DTEND:20261124T100000Z", "DURATION:PT1H", "SUMMARY:S", "LOCATION:R")),
			[]string{"8: DURATION: an event has DTEND (line 7) or DURATION, not both"}},
		{"two DTSTART", calendar(event("UID:a", "DTSTART:20261124T090000Z", "DTSTART:20261124T093000Z", "DTEND:20261124T100000Z", "SUMMARY:S", "LOCATION:R")),
			[]string{"7: DTSTART: appears more than once in the event (first at line 6)"}},
		{"bad duration", calendar(event("UID:a", "DTSTART:20261124T090000Z", "DURATION:1 hour", "SUMMARY:S", "LOCATION:R")),
			[]string{`7: DURATION: "1 hour" is not a duration`}},
		{"DATE end for timed start", calendar(event("UID:a", "DTSTART:20261124T090000Z", "DTEND;VALUE=DATE:20261125", "SUMMARY:S", "LOCATION:R")),
			[]string{"7: DTEND: is a date but DTSTART is a date-time"}},
		{"invalid date", calendar(event("UID:a", "DTSTART:20261131T090000Z", "DTEND:20261124T100000Z", "SUMMARY:S", "LOCATION:R")),
			[]string{`6: DTSTART: "20261131T090000Z" is not a date-time`}},
		{"empty summary", calendar(event("UID:a", "DTSTART:20261124T090000Z", "DTEND:20261124T100000Z", "SUMMARY: \\n ", "LOCATION:R")),
			[]string{"8: SUMMARY: is empty"}},
		{"long title", calendar(event("UID:a", "DTSTART:20261124T090000Z", "DTEND:20261124T100000Z", "SUMMARY:"+strings.Repeat("x", 300), "LOCATION:R")),
			[]string{"8: SUMMARY: is 300 bytes long, at most 256"}},
		{"control character", calendar(event("UID:a", "DTSTART:20261124T090000Z", "DTEND:20261124T100000Z", "SUMMARY:S", "LOCATION:R\x07")),
			[]string{"9: LOCATION: contains a control character"}},
		{"unknown TZID with bad VTIMEZONE", calendar(
			"BEGIN:VTIMEZONE\nTZID:Somewhere\nBEGIN:STANDARD\nDTSTART:16010101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nRRULE:FREQ=MONTHLY\nEND:STANDARD\nEND:VTIMEZONE\n",
			event("UID:a", "DTSTART;TZID=Somewhere:20261124T090000", "DTEND;TZID=Somewhere:20261124T100000", "SUMMARY:S", "LOCATION:R")),
			[]string{
				`15: DTSTART: time zone "Somewhere": not an IANA or Windows zone name, and its VTIMEZONE at line 4 cannot be used`,
				`16: DTEND: time zone "Somewhere"`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := schedule.ParseICS(strings.NewReader(tt.in), mustLoad(t, "Europe/Zurich"))
			checkProblems(t, s, err, tt.want)
		})
	}
}

func TestParseICSProblemCap(t *testing.T) {
	var events []string
	for i := 0; i < kiosk.MaxProblems+50; i++ {
		events = append(events, event(fmt.Sprintf("UID:%d", i), "SUMMARY:S", "LOCATION:R"))
	}
	_, _, err := schedule.ParseICS(strings.NewReader(calendar(events...)), time.UTC)
	var ps kiosk.Problems
	if !errors.As(err, &ps) || len(ps) != kiosk.MaxProblems {
		t.Errorf("got %d problems, want the cap %d", len(ps), kiosk.MaxProblems)
	}
}

func TestWindowsZoneNamesLoad(t *testing.T) {
	// Every Windows name the importer knows must resolve on this system.
	for _, name := range []string{"W. Europe Standard Time", "Romance Standard Time", "GMT Standard Time",
		"Eastern Standard Time", "Pacific Standard Time", "Central Standard Time", "E. South America Standard Time"} {
		in := calendar(event("UID:a", "DTSTART;TZID="+name+":20261124T090000", "DTEND;TZID="+name+":20261124T100000", "SUMMARY:S", "LOCATION:R"))
		if _, _, err := schedule.ParseICS(strings.NewReader(in), time.UTC); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
