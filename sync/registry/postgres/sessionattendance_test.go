package postgres

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"checkin/kiosk"
	wire "checkin/sync"
)

// TestSessionAttendanceMatchesSQLite: room-door taps delivered by two
// kiosks, and a reset, give the same per-session attendance data on a
// SQLite registry and a PostgreSQL one, hence the same report.
func TestSessionAttendanceMatchesSQLite(t *testing.T) {
	tw := newTwin(t)
	ctx := tw.context
	at := func(hh, mm int) time.Time { return time.Date(2026, 11, 22, hh, mm, 0, 0, venueZurich) }
	tw.roster("roster", []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "BNetzA", Country: "DE", Role: "head", Status: "registered"},
		{ID: "D2", FamilyName: "王", GivenName: "芳", Organization: "CAICT", Country: "CN", Role: "delegate", Status: "registered"},
		{ID: "D3", FamilyName: "Åberg", GivenName: "Lars", Role: "delegate", Status: "registered"},
	})
	tw.schedule("schedule", kiosk.Meeting{ID: "sg12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}, kiosk.Schedule{
		Sessions: []kiosk.Session{
			{ID: "s1", Title: "Plenary", Room: "Popov", Start: at(9, 0), End: at(10, 30), Status: "scheduled"},
			{ID: "s2", Title: "WP1/12", Room: "Popov", Start: at(10, 30), End: at(12, 0), Status: "scheduled"},
			{ID: "k1", Title: "Q9/12", Room: "K", Start: at(9, 0), End: at(12, 0), Status: "scheduled"},
		}})
	n := 0
	door := func(delegate, dir, room, session string, when time.Time) wire.CheckinEvent {
		n++
		return wire.CheckinEvent{ID: fmt.Sprintf("e%02d", n), DelegateID: delegate, UID: "0A0B0C0D0E", Source: kiosk.SourceRFID,
			Gate: "door", Direction: dir, At: when.UTC(), Result: kiosk.ResultAccepted, Room: room, SessionID: session}
	}
	north := []wire.CheckinEvent{
		door("D1", "in", "Popov", "s1", at(8, 50)),
		door("D2", "in", "K", "k1", at(9, 10)),
		door("D3", "in", "Popov", "s1", at(9, 5)),
		{ID: "x1", DelegateID: "D2", UID: "1", Source: kiosk.SourceRFID, Gate: "main", Direction: "in", At: at(8, 30).UTC(),
			Result: kiosk.ResultAccepted}, // the entrance
	}
	refused := door("D2", "in", "Popov", "s1", at(9, 20))
	refused.Result, refused.Reason = kiosk.ResultRejected, kiosk.ReasonRoomFull
	south := []wire.CheckinEvent{refused, door("D1", "out", "Popov", "s2", at(11, 0)), door("D2", "in", "Popov", "s2", at(10, 40))}
	for _, c := range []struct {
		kiosk  string
		events []wire.CheckinEvent
	}{{"north", north}, {"south", south}} {
		if _, _, err := tw.sq.AddCheckins(ctx, c.kiosk, c.events, at(12, 0)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := tw.pg.AddCheckins(ctx, c.kiosk, c.events, at(12, 0)); err != nil {
			t.Fatal(err)
		}
	}
	reset := []kiosk.RoomReset{{ID: "r1", Room: "Popov", Day: "2026-11-22", At: at(11, 30), By: "dana"}}
	if _, err := tw.sq.ApplyRoomResets(ctx, "south", reset); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.pg.ApplyRoomResets(ctx, "south", reset); err != nil {
		t.Fatal(err)
	}

	evening := at(18, 0)
	report := func(a kiosk.SessionAttendance) []string {
		var out []string
		for _, r := range kiosk.SessionReport(a, evening) {
			clock := func(t time.Time) string {
				if t.IsZero() {
					return "-"
				}
				return t.In(venueZurich).Format("15:04")
			}
			out = append(out, fmt.Sprintf("%s %s %s %s %d", r.Session.ID, r.Delegate.FamilyName, clock(r.FirstIn), clock(r.LastOut), r.Minutes()))
		}
		return out
	}
	same := func(what string, sq, pg kiosk.SessionAttendance, errS, errP error) {
		t.Helper()
		if errS != nil || errP != nil {
			t.Fatalf("%s: sqlite %v, postgres %v", what, errS, errP)
		}
		slices.SortFunc(sq.Passes, func(a, b kiosk.TapRecord) int { return a.At.Compare(b.At) })
		slices.SortFunc(pg.Passes, func(a, b kiosk.TapRecord) int { return a.At.Compare(b.At) })
		if diff := cmp.Diff(sq, pg); diff != "" {
			t.Errorf("%s (-sqlite +postgres):\n%s", what, diff)
		}
		for _, s := range pg.Sessions {
			if s.Start.Location().String() != "Europe/Zurich" {
				t.Errorf("%s: %s starts %v, want the meeting's zone", what, s.ID, s.Start)
			}
		}
	}
	sq, errS := tw.sq.SessionAttendance(ctx, "s2")
	pg, errP := tw.pg.SessionAttendance(ctx, "s2")
	same("s2", sq, pg, errS, errP)
	// By folded family name: Åberg, who stayed on from s1, first.
	want := []string{"s2 Åberg 09:05 11:30 60", "s2 Müller 08:50 11:00 30", "s2 王 10:40 11:30 50"}
	if got := report(pg); !slices.Equal(got, want) {
		t.Errorf("s2 on postgres:\ngot  %q\nwant %q", got, want)
	}

	sq, errS = tw.sq.DaySessionAttendance(ctx, "2026-11-22")
	pg, errP = tw.pg.DaySessionAttendance(ctx, "2026-11-22")
	same("the day", sq, pg, errS, errP)
	want = []string{
		"k1 王 09:10 10:40 90",
		"s1 Åberg 09:05 11:30 85",
		"s1 Müller 08:50 11:00 90",
		"s2 Åberg 09:05 11:30 60",
		"s2 Müller 08:50 11:00 30",
		"s2 王 10:40 11:30 50",
	}
	if got := report(pg); !slices.Equal(got, want) {
		t.Errorf("the day on postgres:\ngot  %q\nwant %q", got, want)
	}

	_, errS = tw.sq.SessionAttendance(ctx, "nope")
	_, errP = tw.pg.SessionAttendance(ctx, "nope")
	if kiosk.ErrorCode(errS) != kiosk.ENOTFOUND || kiosk.ErrorCode(errP) != kiosk.ENOTFOUND {
		t.Errorf("unknown session: sqlite %v, postgres %v; want ENOTFOUND from both", errS, errP)
	}
	sq, errS = tw.sq.DaySessionAttendance(ctx, "2026-11-23")
	pg, errP = tw.pg.DaySessionAttendance(ctx, "2026-11-23")
	same("a day without sessions", sq, pg, errS, errP)
	if len(pg.Sessions) != 0 || len(pg.Passes) != 0 {
		t.Errorf("a day without sessions: %+v", pg)
	}
}
