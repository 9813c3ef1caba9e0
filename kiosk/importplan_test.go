package kiosk_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
)

func TestPlanRoster(t *testing.T) {
	current := []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Country: "DE", Groups: []string{"SG12"}},
		{ID: "D2", FamilyName: "王", GivenName: "芳"},
		{ID: "D3", FamilyName: "Кузнецов", GivenName: "Алексей"},
		{ID: "D4", FamilyName: "المنصوري", GivenName: "أحمد"},
		{ID: "D5", FamilyName: "佐藤", GivenName: "花子"},
	}
	badges := []kiosk.RosterBadge{
		{UID: "0A0B0C0D0E", DelegateID: "D2", FromRoster: true},
		{UID: "1122334455", DelegateID: "D3", FromRoster: false}, // bound at the desk
		{UID: "6677889900", DelegateID: "D5", FromRoster: true},
	}
	next := []kiosk.Delegate{
		{ID: "D9", FamilyName: "Nguyễn", GivenName: "Lan"},                                             // new
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Country: "DE", Groups: []string{"SG12"}}, // same
		{ID: "D2", FamilyName: "王", GivenName: "芳", Badges: []string{"0A0B0C0D0E"}},                    // same, badge kept
		{ID: "D3", FamilyName: "Кузнецов", GivenName: "Алексей", Badges: []string{"1122334455"}},       // desk badge now also in the file: same
		{ID: "D5", FamilyName: "佐藤", GivenName: "花子"},                                                  // drops its roster badge
		{ID: "D6", FamilyName: "Παπαδοπούλου", GivenName: "Ελένη"},                                     // new
	}
	p := kiosk.PlanRoster(current, badges, next)
	got := fmt.Sprintf("added %v changed %v removed %v kept %d of %d", p.Added, p.Changed, p.Removed, p.Kept, p.Current)
	if want := "added [D9 D6] changed [D5] removed [D4] kept 3 of 5"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	if len(p.BadgeConflicts) != 0 {
		t.Errorf("conflicts %+v, want none", p.BadgeConflicts)
	}
	// A badge a desk bound to D3 given to D1 by the file is a conflict;
	// one the desk revoked is not.
	withRevoked := append(badges, kiosk.RosterBadge{UID: "ABABABABAB", DelegateID: "D3", Revoked: true})
	d1 := current[0]
	d1.Badges = []string{"1122334455", "ABABABABAB"}
	p = kiosk.PlanRoster(current, withRevoked, []kiosk.Delegate{d1})
	if got := fmt.Sprint(p.BadgeConflicts); got != "[{1122334455 D1 D3}]" {
		t.Errorf("conflicts %s, want badge 1122334455 for D1 held by D3", got)
	}

	fieldChanges := []func(d *kiosk.Delegate){
		func(d *kiosk.Delegate) { d.GivenName = "Jurgen" },
		func(d *kiosk.Delegate) { d.Groups = []string{"SG12", "Q2/12"} },
		func(d *kiosk.Delegate) { d.LatinFamilyName = "Mueller" },
		func(d *kiosk.Delegate) { d.CountryName = "Deutschland" },
		func(d *kiosk.Delegate) { d.Status = kiosk.StatusCancelled },
		func(d *kiosk.Delegate) { d.Badges = []string{"AABBCCDDEE"} }, // a new badge
	}
	for i, change := range fieldChanges {
		d := current[0]
		change(&d)
		if p := kiosk.PlanRoster(current[:2], badges, []kiosk.Delegate{d, next[2]}); len(p.Changed) != 1 || p.Changed[0] != "D1" {
			t.Errorf("change %d: changed %v, want [D1]", i, p.Changed)
		}
	}
}

// TestSweeping: removing more than 10% of the roster, or replacing a
// schedule from another format, needs --replace; exactly 10% does not,
// and a schedule may lose any number of sessions in its own format.
func TestSweeping(t *testing.T) {
	ids := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("D%03d", i))
		}
		return out
	}
	tests := []struct {
		name string
		p    kiosk.ImportPlan
		want string
	}{
		{"roster, 3 of 30 removed (10%)", kiosk.ImportPlan{Items: "delegates", Current: 30, Removed: ids(3), RemovalLimit: 10}, ""},
		{"roster, 4 of 30 removed", kiosk.ImportPlan{Items: "delegates", Current: 30, Removed: ids(4), RemovalLimit: 10},
			"it would remove 4 of the 30 delegates (13%; more than 10%)"},
		{"roster, first import", kiosk.ImportPlan{Items: "delegates", Added: ids(5), RemovalLimit: 10}, ""},
		{"schedule, half its sessions gone", kiosk.ImportPlan{Items: "sessions", Current: 10, Removed: ids(5), Format: "csv", PreviousFormat: "csv"}, ""},
		{"schedule, ics over csv", kiosk.ImportPlan{Items: "sessions", Current: 8, Removed: ids(8), Format: "ics", PreviousFormat: "csv"},
			"the current 8 sessions were imported from CSV and this file is ICS: it replaces them all"},
		{"schedule, ics over an empty schedule", kiosk.ImportPlan{Items: "sessions", Format: "ics", PreviousFormat: "csv"}, ""},
		{"schedule, format not known", kiosk.ImportPlan{Items: "sessions", Current: 8, Format: "ics"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Sweeping(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPlanSummary(t *testing.T) {
	p := kiosk.ImportPlan{Items: "delegates", Current: 950, Added: []string{"D1001"}, Changed: []string{"D0001", "D0002"},
		Removed: []string{"D0012", "D0033", "D0040", "D0041", "D0042", "D0043"}, Kept: 942}
	if got, want := p.Summary(true), "delegates: would add 1, change 2, remove 6 (first removed: D0012, D0033, D0040, D0041, D0042, …), keep 942"; got != want {
		t.Errorf("dry run:\ngot  %s\nwant %s", got, want)
	}
	if got, want := p.Summary(false), "delegates: added 1, changed 2, removed 6 (first removed: D0012, D0033, D0040, D0041, D0042, …), kept 942"; got != want {
		t.Errorf("done:\ngot  %s\nwant %s", got, want)
	}
	if got, want := strings.Join(p.Firsts(), "|"), "first added: D1001|first changed: D0001, D0002"; got != want {
		t.Errorf("firsts: got %q, want %q", got, want)
	}
}

func TestPlanSchedule(t *testing.T) {
	at := time.Date(2027, 3, 16, 11, 0, 0, 0, time.UTC)
	s := func(id, title, room string) kiosk.Session {
		return kiosk.Session{ID: id, Title: title, Room: room, Start: at, End: at.Add(time.Hour), Status: kiosk.SessionScheduled}
	}
	current := []kiosk.Session{s("a", "Opening", "Popov"), s("b", "Q2/12", "K"), s("c", "Q9/12", "L")}
	moved := s("c", "Q9/12", "M")
	p := kiosk.PlanSchedule(current, "ics", []kiosk.Session{s("a", "Opening", "Popov"), moved, s("d", "Closing", "Popov")}, "ics")
	got := fmt.Sprintf("added %v changed %v removed %v kept %d; %q", p.Added, p.Changed, p.Removed, p.Kept, p.Sweeping())
	if want := `added [d] changed [c] removed [b] kept 1; ""`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
