package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"checkin/kiosk"
)

// testImportPlan: a roster or schedule plan writes nothing; a check that
// refuses the plan ends the import with nothing written (the feed does
// not move, the data stays); a check that accepts it sees the plan the
// import then carries out; the schedule's format is remembered.
func testImportPlan(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	importRoster(t, s)
	next := roster()
	next[0].GivenName = "Jürgen Maria"                                              // D1 changed
	next = append(next[:2], next[3:]...)                                            // D3 removed
	next = append(next, kiosk.Delegate{ID: "D5", FamilyName: "佐藤", GivenName: "花子", // D5 added
		LatinFamilyName: "Sato", LatinGivenName: "Hanako", Country: "JP", Role: "delegate", Status: "registered", Language: "en"})
	planned := "added [D5] changed [D1] removed [D3] kept 2 of 4, limit 10%"
	describePlan := func(p kiosk.ImportPlan) string {
		return fmt.Sprintf("added %v changed %v removed %v kept %d of %d, limit %d%%", p.Added, p.Changed, p.Removed, p.Kept, p.Current, p.RemovalLimit)
	}

	h := head(t, s)
	p, err := s.PlanRoster(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if got := describePlan(p); got != planned {
		t.Errorf("roster plan:\ngot  %s\nwant %s", got, planned)
	}
	unchanged(t, s, h, "planning the roster")

	refuse := errors.New("refused by the test")
	if _, err := s.ReplaceRosterChecked(ctx, next, func(kiosk.ImportPlan) error { return refuse }); !errors.Is(err, refuse) {
		t.Fatalf("refused roster import: %v, want the check's error", err)
	}
	unchanged(t, s, h, "a refused roster import")
	if p, err := s.PlanRoster(ctx, roster()); err != nil || describePlan(p) != "added [] changed [] removed [] kept 4 of 4, limit 10%" {
		t.Errorf("after a refused import, the first roster is not all there: %s (%v)", describePlan(p), err)
	}

	var seen kiosk.ImportPlan
	res, err := s.ReplaceRosterChecked(ctx, next, func(p kiosk.ImportPlan) error { seen = p; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := describePlan(seen); got != planned {
		t.Errorf("plan the import checked:\ngot  %s\nwant %s", got, planned)
	}
	if res.Added != 1 || res.Updated != 1 || res.Removed != 1 || res.Unchanged != 2 {
		t.Errorf("import = %+v, want what was planned", res)
	}
	if head(t, s) == h {
		t.Error("an accepted import did not reach the feed")
	}

	// Schedules: the format of the last import is kept.
	at := nine
	sch := kiosk.Schedule{Rooms: []kiosk.Room{{Name: "Popov"}}, Sessions: []kiosk.Session{
		{ID: "s1", Title: "Opening", Room: "Popov", Start: at, End: at.Add(time.Hour), Status: kiosk.SessionScheduled},
		{ID: "s2", Title: "Closing", Room: "Popov", Start: at.Add(4 * time.Hour), End: at.Add(5 * time.Hour), Status: kiosk.SessionScheduled},
	}}
	if err := s.ImportScheduleChecked(ctx, meeting, sch, "csv", nil); err != nil {
		t.Fatal(err)
	}
	other := kiosk.Schedule{Rooms: sch.Rooms, Sessions: []kiosk.Session{
		{ID: "uid-1", Title: "Opening", Room: "Popov", Start: at, End: at.Add(time.Hour), Status: kiosk.SessionScheduled}}}
	p, err = s.PlanSchedule(ctx, other, "ics")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%s→%s: added %v removed %v of %d", p.PreviousFormat, p.Format, p.Added, p.Removed, p.Current)
	if want := "csv→ics: added [uid-1] removed [s1 s2] of 2"; got != want {
		t.Errorf("schedule plan: got %s, want %s", got, want)
	}
	h = head(t, s)
	if err := s.ImportScheduleChecked(ctx, meeting, other, "ics", func(kiosk.ImportPlan) error { return refuse }); !errors.Is(err, refuse) {
		t.Fatalf("refused schedule import: %v", err)
	}
	unchanged(t, s, h, "a refused schedule import")
	if p, err := s.PlanSchedule(ctx, other, "ics"); err != nil || p.Current != 2 || p.PreviousFormat != "csv" {
		t.Errorf("after a refused import: %d sessions from %q (%v), want 2 from csv", p.Current, p.PreviousFormat, err)
	}
	if err := s.ImportScheduleChecked(ctx, meeting, other, "ics", func(kiosk.ImportPlan) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if p, err := s.PlanSchedule(ctx, sch, "csv"); err != nil || p.Current != 1 || p.PreviousFormat != "ics" {
		t.Errorf("after the ics import: %d sessions from %q (%v), want 1 from ics", p.Current, p.PreviousFormat, err)
	}
}
