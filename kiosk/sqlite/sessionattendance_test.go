package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
)

// attendanceDay seeds the roster and a day of room sessions on
// 2026-11-22: in Popov s1 09:00–10:30 (SG12) then s2 10:30–12:00, a
// cancelled s3 14:00–15:00; in Room K, k1 09:00–12:00.
func attendanceDay(t *testing.T, db *sqlite.DB) {
	t.Helper()
	seed(t, db)
	h := func(hh, mm int) time.Time { return time.Date(2026, 11, 22, hh, mm, 0, 0, zurich) }
	if err := db.ReplaceSchedule(context.Background(), kiosk.Schedule{Sessions: []kiosk.Session{
		{ID: "s1", Title: "SG12 plenary", Room: "Popov", Start: h(9, 0), End: h(10, 30), Groups: []string{"SG12"}, Status: kiosk.SessionScheduled},
		{ID: "s2", Title: "Newcomers", Room: "Popov", Start: h(10, 30), End: h(12, 0), Status: kiosk.SessionScheduled},
		{ID: "s3", Title: "Gone", Room: "Popov", Start: h(14, 0), End: h(15, 0), Status: kiosk.SessionCancelled},
		{ID: "k1", Title: "Q9/12", Room: "Room K", Start: h(9, 0), End: h(12, 0), Status: kiosk.SessionScheduled},
	}}); err != nil {
		t.Fatal(err)
	}
}

// recordDoorTap records a tap at a room door ("" for the entrance) at hh:mm and
// returns its result and reason.
func recordDoorTap(t *testing.T, db *sqlite.DB, c *clock, hhmm, uid, room, direction string) string {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-22 "+hhmm, zurich)
	if err != nil {
		t.Fatal(err)
	}
	c.Set(tm)
	tap := tapOf(c, uid, direction)
	tap.Room = room
	rec, err := db.RecordTap(context.Background(), tap)
	if err != nil {
		t.Fatalf("tap %s %s %s at %s: %v", uid, room, direction, hhmm, err)
	}
	return rec.Result + " " + rec.Reason
}

func reportLines(a kiosk.SessionAttendance, now time.Time) []string {
	var out []string
	for _, r := range kiosk.SessionReport(a, now) {
		name := r.Name
		if r.Delegate != nil {
			name = r.Delegate.Name()
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %d", r.Session.ID, name, clockOf(r.FirstIn), clockOf(r.LastOut), r.Minutes()))
	}
	return out
}

func clockOf(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(zurich).Format("15:04")
}

// TestSessionAttendanceStore: taps decided at room doors are read back for
// a session's and a day's report, in a real database file, also after it
// is closed and opened again; entrance taps and refused taps do not count.
func TestSessionAttendanceStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	db, c := openDB(t, path)
	attendanceDay(t, db)
	ctx := context.Background()
	for _, tp := range []struct{ hhmm, uid, room, dir, want string }{
		{"08:30", "0A0B0C0D0E", "", "in", "accepted "}, // the entrance
		{"08:50", "0A0B0C0D0E", "Popov", "in", "accepted "},
		{"09:40", "0A0B0C0D0E", "Popov", "out", "accepted "},
		{"09:50", "0A0B0C0D0E", "Popov", "in", "accepted "},
		{"09:05", "1111111111", "Popov", "in", "rejected not_in_session_groups"}, // s1 is SG12's
		{"09:10", "1111111111", "Room K", "in", "accepted "},
		{"10:45", "1111111111", "Popov", "in", "accepted "}, // leaves K for s2
		{"11:15", "1111111111", "Popov", "out", "accepted "},
		{"09:20", "3333333333", "Room K", "in", "rejected not_valid_today"},
		{"11:30", "0A0B0C0D0E", "Popov", "out", "accepted "}, // stayed on into s2
	} {
		if got := recordDoorTap(t, db, c, tp.hhmm, tp.uid, tp.room, tp.dir); got != tp.want {
			t.Errorf("%s at %s %q %s: %q, want %q", tp.uid, tp.hhmm, tp.room, tp.dir, got, tp.want)
		}
	}
	evening := time.Date(2026, 11, 22, 18, 0, 0, 0, zurich)

	check := func(db *sqlite.DB) {
		t.Helper()
		a, err := db.SessionAttendance(ctx, "s1")
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Sessions) != 1 || a.Sessions[0].Title != "SG12 plenary" || a.Sessions[0].Start.Location().String() != "Europe/Zurich" {
			t.Errorf("sessions: %+v", a.Sessions)
		}
		if len(a.Passes) != 7 {
			t.Errorf("%d passes, want the day's 7 accepted room-door taps: %+v", len(a.Passes), a.Passes)
		}
		if len(a.Delegates) != 2 || a.Delegates["D1"] == nil || a.Delegates["D1"].Organization != "" || a.Delegates["D2"] == nil {
			t.Errorf("delegates: %v", a.Delegates)
		}
		want := []string{"s1 Jürgen Müller 08:50 11:30 80"}
		if got := reportLines(a, evening); !slices.Equal(got, want) {
			t.Errorf("s1:\ngot  %q\nwant %q", got, want)
		}

		day, err := db.DaySessionAttendance(ctx, "2026-11-22")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range day.Sessions {
			ids = append(ids, s.ID)
		}
		if !slices.Equal(ids, []string{"s1", "k1", "s2", "s3"}) { // by start, then room
			t.Errorf("the day's sessions: %q", ids)
		}
		want = []string{
			"s1 Jürgen Müller 08:50 11:30 80",
			"k1 王伟 09:10 10:45 95",
			"s2 Jürgen Müller 09:50 11:30 60", // the stay that overlaps s2 began at 09:50
			"s2 王伟 10:45 11:15 30",
		}
		if got := reportLines(day, evening); !slices.Equal(got, want) {
			t.Errorf("the day:\ngot  %q\nwant %q", got, want)
		}
	}
	check(db)
	db.Close()
	db, _ = openDB(t, path)
	check(db)

	if _, err := db.SessionAttendance(ctx, "nope"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("unknown session: %v, want ENOTFOUND", err)
	}
	if a, err := db.DaySessionAttendance(ctx, "2026-11-23"); err != nil || len(a.Sessions) != 0 || len(a.Passes) != 0 {
		t.Errorf("a day without sessions: %+v, %v", a, err)
	}
}

// TestSessionAttendanceReset: a staff reset of a room's count ends the
// stays of those who never tapped out, in the report as in the count.
func TestSessionAttendanceReset(t *testing.T) {
	db, c := newDB(t)
	attendanceDay(t, db)
	ctx := context.Background()
	recordDoorTap(t, db, c, "10:35", "0A0B0C0D0E", "Popov", "in")
	recordDoorTap(t, db, c, "10:40", "1111111111", "Popov", "in")
	if _, err := db.ResetRoom(ctx, "ada", "Popov", time.Date(2026, 11, 22, 11, 0, 0, 0, zurich)); err != nil {
		t.Fatal(err)
	}
	recordDoorTap(t, db, c, "11:20", "1111111111", "Popov", "in")
	a, err := db.SessionAttendance(ctx, "s2")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Resets["Popov"]; !got.Equal(time.Date(2026, 11, 22, 11, 0, 0, 0, zurich)) {
		t.Errorf("Popov's reset: %v", got)
	}
	// D1 never tapped out: their stay ends at the reset. D2 came back at
	// 11:20: a new stay, up to the end.
	want := []string{"s2 Jürgen Müller 10:35 11:00 25", "s2 王伟 10:40 - 60"}
	if got := reportLines(a, time.Date(2026, 11, 22, 18, 0, 0, 0, zurich)); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestSessionCounts: the desk's per-session figures: who came in through
// each session's door, and the people inside the room now under the
// session it holds now.
func TestSessionCounts(t *testing.T) {
	db, c := newDB(t)
	attendanceDay(t, db)
	ctx := context.Background()
	recordDoorTap(t, db, c, "08:50", "0A0B0C0D0E", "Popov", "in")
	recordDoorTap(t, db, c, "09:10", "1111111111", "Room K", "in")
	recordDoorTap(t, db, c, "09:20", "1111111111", "Room K", "in") // tapped twice: one delegate
	recordDoorTap(t, db, c, "09:30", "1111111111", "Room K", "out")
	recordDoorTap(t, db, c, "09:45", "3333333333", "Room K", "in") // not valid today: refused

	count := func(now time.Time, day string) string {
		t.Helper()
		got, err := db.SessionCounts(ctx, day, now)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, c := range got {
			s += fmt.Sprintf("%s %d/%d; ", c.ID, c.Attended, c.Inside)
			if c.Start.Location().String() != "Europe/Zurich" {
				t.Errorf("%s starts %v, want the meeting's zone", c.ID, c.Start)
			}
		}
		return s
	}
	at := func(hhmm string) time.Time {
		tm, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-22 "+hhmm, zurich)
		return tm
	}
	for _, tc := range []struct {
		now  time.Time
		day  string
		want string
	}{
		{at("10:00"), "2026-11-22", "s1 1/1; k1 1/0; s2 0/0; "},                  // s3 is cancelled
		{at("10:20"), "2026-11-22", "s1 1/1; k1 1/0; s2 0/0; "},                  // s2's door is open, s1 still runs
		{at("10:40"), "2026-11-22", "s1 1/0; k1 1/0; s2 0/1; "},                  // stayed on into s2
		{at("10:40").AddDate(0, 0, 1), "2026-11-22", "s1 1/0; k1 1/0; s2 0/0; "}, // another day: no one inside
		{at("10:40"), "2026-11-23", ""},
	} {
		if got := count(tc.now, tc.day); got != tc.want {
			t.Errorf("%s at %v: %q, want %q", tc.day, tc.now, got, tc.want)
		}
	}
	recordDoorTap(t, db, c, "10:50", "0A0B0C0D0E", "Popov", "in") // already inside: s2's door
	if got := count(at("10:55"), "2026-11-22"); got != "s1 1/0; k1 1/0; s2 1/1; " {
		t.Errorf("after an entry for s2: %q", got)
	}
	if _, err := db.ResetRoom(ctx, "ada", "Popov", at("11:00")); err != nil {
		t.Fatal(err)
	}
	if got := count(at("11:05"), "2026-11-22"); got != "s1 1/0; k1 1/0; s2 1/0; " {
		t.Errorf("after a reset of Popov: %q", got)
	}
}
