package storetest

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"testing"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
)

func replaceRoster(t *testing.T, s registry.Admin, ds []kiosk.Delegate, want kiosk.RosterImport) {
	t.Helper()
	got, err := s.ReplaceRoster(context.Background(), ds)
	if err != nil || got != want {
		t.Fatalf("replace roster: %+v, %v; want %+v", got, err, want)
	}
}

func countDelegates(t *testing.T, s registry.Admin, want int) {
	t.Helper()
	if n, err := s.CountDelegates(context.Background()); err != nil || n != want {
		t.Errorf("count delegates = %d, %v; want %d", n, err, want)
	}
}

// testRosterCounts: an import says what it added, updated, removed and
// kept, and the feed carries exactly the changes.
func testRosterCounts(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	r := roster()
	replaceRoster(t, s, r, kiosk.RosterImport{Added: 4, Badges: 1})
	countDelegates(t, s, 4)

	d1 := r[0]
	d1.Organization = "Office fédéral de la communication"
	d5 := kiosk.Delegate{ID: "D5", FamilyName: "Okafor", GivenName: "Chinedu", Country: "NG", Role: "delegate",
		Status: "registered", Language: "en", Badges: []string{"1111111111"}}
	next := []kiosk.Delegate{d1, r[1], r[3], d5} // D3 goes
	h := head(t, s)
	replaceRoster(t, s, next, kiosk.RosterImport{Added: 1, Updated: 1, Unchanged: 2, Removed: 1, Badges: 2})
	countDelegates(t, s, 4)
	st := apply(feed(t, s, h))
	st.deleted(t, "delegate D3")
	if d := st.upsert(t, "delegate D1").(*kiosk.Delegate); d.Organization != d1.Organization {
		t.Errorf("D1 after the import = %+v", *d)
	}
	st.upsert(t, "delegate D5")
	if b := st.upsert(t, "badge 1111111111").(*kiosk.BadgeBinding); b.DelegateID != "D5" {
		t.Errorf("D5's badge = %+v", *b)
	}
	for _, id := range []string{"D2", "D4"} {
		if _, ok := st["delegate "+id]; ok {
			t.Errorf("unchanged %s is in the feed again", id)
		}
	}

	h = head(t, s)
	replaceRoster(t, s, next, kiosk.RosterImport{Unchanged: 4, Badges: 2})
	unchanged(t, s, h, "importing the same roster again")

	// A roster badge moves to another delegate; a removed delegate's badge goes.
	d2 := r[1]
	d2.Badges = []string{"0A0B0C0D0E"}
	d1.Badges = nil
	replaceRoster(t, s, []kiosk.Delegate{d1, d2, r[3]}, kiosk.RosterImport{Unchanged: 3, Removed: 1, Badges: 1})
	st = apply(feed(t, s, 0))
	if b := st.upsert(t, "badge 0A0B0C0D0E").(*kiosk.BadgeBinding); b.DelegateID != "D2" || b.Revoked {
		t.Errorf("moved roster badge = %+v, want D2's", *b)
	}
	st.deleted(t, "delegate D5")
	st.deleted(t, "badge 1111111111")
	countDelegates(t, s, 3)
}

// testRosterCountryName: the roster's country_name is the delegate's in
// the feed; a change of it alone is an update that reaches the feed,
// dropping it too, and the same roster again changes nothing.
func testRosterCountryName(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	r := roster()
	replaceRoster(t, s, r, kiosk.RosterImport{Added: 4, Badges: 1})
	st := apply(feed(t, s, 0))
	if d := st.upsert(t, "delegate D4").(*kiosk.Delegate); d.CountryName != "المملكة الأردنية الهاشمية" || d.Country != "JO" {
		t.Errorf("D4 in the feed: country %q, country_name %q", d.Country, d.CountryName)
	}
	if d := st.upsert(t, "delegate D1").(*kiosk.Delegate); d.CountryName != "" {
		t.Errorf("D1 in the feed: country_name %q, want none", d.CountryName)
	}

	r[0].CountryName = "Holy See"
	r[3].CountryName = ""
	h := head(t, s)
	replaceRoster(t, s, r, kiosk.RosterImport{Updated: 2, Unchanged: 2, Badges: 1})
	cs := feed(t, s, h)
	if len(cs) != 2 {
		t.Fatalf("feed after changing two country names: %d entries, want 2 delegate upserts", len(cs))
	}
	st = apply(cs)
	if d := st.upsert(t, "delegate D1").(*kiosk.Delegate); d.CountryName != "Holy See" || d.Country != "CH" {
		t.Errorf("D1 after the import: country %q, country_name %q", d.Country, d.CountryName)
	}
	if d := st.upsert(t, "delegate D4").(*kiosk.Delegate); d.CountryName != "" {
		t.Errorf("D4 after the import: country_name %q, want none", d.CountryName)
	}
	h = head(t, s)
	replaceRoster(t, s, r, kiosk.RosterImport{Unchanged: 4, Badges: 1})
	unchanged(t, s, h, "importing the same country names again")
}

// testRosterConflict: a roster that gives UIDs bound at a desk to others
// is refused whole, naming every conflict.
func testRosterConflict(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	applyBadges(t, s, "desk", []wire.BadgeEvent{
		bind("b1", "ABCDEF0123", "D2", nine), bind("b2", "5555555555", "D4", nine),
	}, nine.Add(time.Hour))
	h := head(t, s)
	r := roster()
	r[2].Badges = []string{"ABCDEF0123"}            // D2's at the desk
	r[0].Badges = append(r[0].Badges, "5555555555") // D4's at the desk
	_, err := s.ReplaceRoster(context.Background(), r)
	var ce *kiosk.RosterConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("import = %v, want a *kiosk.RosterConflictError", err)
	}
	errCode(t, "a roster conflict", err, kiosk.EINVALID)
	got := ce.Conflicts
	sort.Slice(got, func(i, j int) bool { return got[i].UID < got[j].UID })
	want := []kiosk.BadgeConflict{{UID: "5555555555", DelegateID: "D1", HeldBy: "D4"}, {UID: "ABCDEF0123", DelegateID: "D3", HeldBy: "D2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("conflicts = %+v, want %+v", got, want)
	}
	unchanged(t, s, h, "a refused import")
	countDelegates(t, s, 4)

	// The roster may list a desk binding as it is.
	r = roster()
	r[1].Badges = []string{"ABCDEF0123"}
	replaceRoster(t, s, r, kiosk.RosterImport{Unchanged: 4, Badges: 2})
	if b := badgeAfter(t, s, "ABCDEF0123"); b.DelegateID != "D2" || b.Revoked {
		t.Errorf("desk badge listed by the roster = %+v", b)
	}
}

// testRosterKeepsDeskBadges: an import keeps badges bound at a desk and
// a desk's revocation of a roster badge; a roster that gives a revoked
// UID to someone reissues it.
func testRosterKeepsDeskBadges(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	applyBadges(t, s, "desk", []wire.BadgeEvent{
		bind("b1", "ABCDEF0123", "D2", nine), revoke("r1", "0A0B0C0D0E", nine),
	}, nine.Add(time.Hour))
	r := roster()
	r[1].Organization = "中国移动" // D2 changes too
	replaceRoster(t, s, r, kiosk.RosterImport{Updated: 1, Unchanged: 3, Badges: 1})
	st := apply(feed(t, s, 0))
	if b := st.upsert(t, "badge ABCDEF0123").(*kiosk.BadgeBinding); *b != (kiosk.BadgeBinding{UID: "ABCDEF0123", DelegateID: "D2"}) {
		t.Errorf("desk badge after an import = %+v, want D2's", *b)
	}
	if b := st.upsert(t, "badge 0A0B0C0D0E").(*kiosk.BadgeBinding); *b != (kiosk.BadgeBinding{UID: "0A0B0C0D0E", DelegateID: "D1", Revoked: true}) {
		t.Errorf("revoked roster badge after an import = %+v, want still revoked", *b)
	}
	r[0].Badges, r[2].Badges = nil, []string{"0A0B0C0D0E"}
	replaceRoster(t, s, r, kiosk.RosterImport{Unchanged: 4, Badges: 1})
	if b := badgeAfter(t, s, "0A0B0C0D0E"); b != (kiosk.BadgeBinding{UID: "0A0B0C0D0E", DelegateID: "D3"}) {
		t.Errorf("revoked UID reissued by the roster = %+v, want D3's, live", b)
	}
}

// testNamesInEveryScript: names and organizations in any script reach
// the feed and the export byte for byte (no normalization).
func testNamesInEveryScript(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ds := append(roster(),
		kiosk.Delegate{ID: "D5", FamilyName: "Nu\u0301n\u0303ez", GivenName: "José María", Organization: "Secretaría de Comunicaciones",
			Country: "MX", Role: "delegate", Status: "registered", Language: "es"}, // decomposed accents
		kiosk.Delegate{ID: "D6", FamilyName: "Παπαδοπούλου", GivenName: "Ελένη", Country: "GR", Role: "observer",
			Status: "registered", Language: "en", Groups: []string{"SG12", "TSAG"}},
		kiosk.Delegate{ID: "D7", FamilyName: "김", GivenName: "민준", Country: "KR", Role: "delegate", Status: "cancelled", Language: "en"},
	)
	if err := s.SetMeeting(context.Background(), meeting); err != nil {
		t.Fatal(err)
	}
	replaceRoster(t, s, ds, kiosk.RosterImport{Added: len(ds), Badges: 1})
	countDelegates(t, s, len(ds))
	st := apply(feed(t, s, 0))
	var events []wire.CheckinEvent
	for i, d := range ds {
		d.Badges = nil
		if got := st.upsert(t, "delegate "+d.ID).(*kiosk.Delegate); !reflect.DeepEqual(*got, d) {
			t.Errorf("delegate %s = %+v\nwant %+v", d.ID, *got, d)
		}
		events = append(events, checkin("n"+d.ID, d.ID, nine.Add(time.Duration(i)*time.Minute), kiosk.DirectionIn))
	}
	deliver(t, s, "north", events, len(events), 0)
	for i, r := range taps(t, s, "") {
		if want := ds[i].Name(); r.DelegateName != want {
			t.Errorf("tap of %s names %q, want %q", r.DelegateID, r.DelegateName, want)
		}
	}
}

// testMeetingValidation: bad settings are refused (EINVALID) and change
// nothing; good ones are read back and reach the feed.
func testMeetingValidation(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	// Unset, the time zone is kiosk.DefaultTimeZone (the reference's
	// default) and the rest empty.
	if m, err := s.Meeting(ctx); err != nil || m != (kiosk.Meeting{TimeZone: kiosk.DefaultTimeZone}) {
		t.Errorf("an empty store's meeting = %+v, %v", m, err)
	}
	if err := s.SetMeeting(ctx, meeting); err != nil {
		t.Fatal(err)
	}
	h := head(t, s)
	for name, m := range map[string]kiosk.Meeting{
		"no time zone":      {Name: "x", Start: "2026-11-21"},
		"unknown time zone": {TimeZone: "Mars/Olympus_Mons"},
		"malformed start":   {TimeZone: "UTC", Start: "2026-13-01"},
		"malformed end":     {TimeZone: "UTC", End: "21.11.2026"},
		"ends before start": {TimeZone: "UTC", Start: "2026-11-21", End: "2026-11-20"},
	} {
		errCode(t, "set meeting, "+name, s.SetMeeting(ctx, m), kiosk.EINVALID)
		errCode(t, "import schedule, "+name, s.ImportSchedule(ctx, m, kiosk.Schedule{Rooms: []kiosk.Room{{Name: "K"}}}), kiosk.EINVALID)
	}
	unchanged(t, s, h, "refused meeting settings")
	if m, err := s.Meeting(ctx); err != nil || m != meeting {
		t.Errorf("meeting after refused settings = %+v, %v; want %+v", m, err, meeting)
	}
	next := kiosk.Meeting{ID: "WTSA-28", Name: "Assemblée mondiale de normalisation", TimeZone: "Asia/Kolkata", Start: "2028-10-10", End: "2028-10-10"}
	if err := s.SetMeeting(ctx, next); err != nil {
		t.Fatal(err)
	}
	if m, err := s.Meeting(ctx); err != nil || m != next {
		t.Errorf("meeting = %+v, %v; want %+v", m, err, next)
	}
	if m := apply(feed(t, s, 0)).upsert(t, "meeting ").(*kiosk.Meeting); *m != next {
		t.Errorf("meeting in the feed = %+v, want %+v", *m, next)
	}
}

// testSchedule: an import stores the meeting, rooms and sessions, and the
// next replaces the sessions; sessions travel with the meeting's offset.
func testSchedule(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	rooms := []kiosk.Room{{Name: "Popov", Building: "Tower", Floor: "2", Capacity: 120}, {Name: "Salle C", Building: "Montbrillant", Capacity: 40}}
	sessions := []kiosk.Session{
		{ID: "s1", Title: "Plénière d'ouverture", Room: "Popov", Building: "Tower", Start: nine, End: nine.Add(90 * time.Minute),
			Groups: []string{"SG12", "Q2/12"}, Status: kiosk.SessionScheduled},
		{ID: "s2", Title: "Q4/12 会议", Room: "Salle C", Building: "Montbrillant", Start: nine.Add(5 * time.Hour),
			End: nine.Add(7 * time.Hour), Groups: []string{"Q4/12"}, Status: kiosk.SessionCancelled},
	}
	if err := s.ImportSchedule(ctx, meeting, kiosk.Schedule{Rooms: rooms, Sessions: sessions}); err != nil {
		t.Fatal(err)
	}
	if m, err := s.Meeting(ctx); err != nil || m != meeting {
		t.Errorf("meeting after the import = %+v, %v", m, err)
	}
	st := apply(feed(t, s, 0))
	for _, r := range rooms {
		if got := st.upsert(t, "room "+r.Name).(*kiosk.Room); *got != r {
			t.Errorf("room %s = %+v, want %+v", r.Name, *got, r)
		}
	}
	for _, want := range sessions {
		got := *st.upsert(t, "session "+want.ID).(*kiosk.Session)
		if _, off := got.Start.Zone(); off != 3600 {
			t.Errorf("session %s starts at %s, want the meeting's offset +01:00", want.ID, got.Start.Format(time.RFC3339))
		}
		if !got.Start.Equal(want.Start) || !got.End.Equal(want.End) {
			t.Errorf("session %s from %v to %v, want %v to %v", want.ID, got.Start, got.End, want.Start, want.End)
		}
		got.Start, got.End = want.Start, want.End
		if !reflect.DeepEqual(got, want) {
			t.Errorf("session %s = %+v\nwant %+v", want.ID, got, want)
		}
	}
	// The next import replaces the sessions; a room it no longer uses
	// keeps its capacity (testRoomsSurviveSchedule).
	if err := s.ImportSchedule(ctx, meeting, kiosk.Schedule{Rooms: rooms[:1], Sessions: sessions[:1]}); err != nil {
		t.Fatal(err)
	}
	st = apply(feed(t, s, 0))
	st.upsert(t, "room Salle C")
	st.deleted(t, "session s2")
	st.upsert(t, "session s1")
	st.upsert(t, "room Popov")
}

// testScheduleMovedSession: a session a re-import puts in another room
// says where it was (moved_from), found by id or else by start and title,
// and keeps the mark while it stays.
func testScheduleMovedSession(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	rooms := []kiosk.Room{{Name: "K"}, {Name: "L"}, {Name: "M"}}
	s1 := kiosk.Session{ID: "s1", Title: "Plenary", Room: "K", Start: nine, End: nine.Add(time.Hour), Status: kiosk.SessionScheduled}
	s2 := kiosk.Session{ID: "2026-11-22-K-q2", Title: "Q2/12", Room: "K", Start: nine.Add(2 * time.Hour), End: nine.Add(3 * time.Hour), Status: kiosk.SessionScheduled}
	steps := []struct {
		sessions []kiosk.Session
		moved    map[string]string // session id → moved_from
	}{
		{[]kiosk.Session{s1, s2}, map[string]string{"s1": "", "2026-11-22-K-q2": ""}},
		// s1 moves by id; s2's id names its room (as CSV ids do): found by
		// start and title.
		{[]kiosk.Session{with(s1, "", "L"), with(s2, "2026-11-22-M-q2", "M")}, map[string]string{"s1": "K", "2026-11-22-M-q2": "K"}},
		// Staying put keeps the mark.
		{[]kiosk.Session{with(s1, "", "L"), with(s2, "2026-11-22-M-q2", "M")}, map[string]string{"s1": "K", "2026-11-22-M-q2": "K"}},
	}
	for i, step := range steps {
		if err := s.ImportSchedule(ctx, meeting, kiosk.Schedule{Rooms: rooms, Sessions: step.sessions}); err != nil {
			t.Fatal(err)
		}
		st := apply(feed(t, s, 0))
		for id, from := range step.moved {
			if se := st.upsert(t, "session "+id).(*kiosk.Session); se.MovedFrom != from {
				t.Errorf("import %d: session %s in %s moved from %q, want %q", i+1, id, se.Room, se.MovedFrom, from)
			}
		}
	}
	apply(feed(t, s, 0)).deleted(t, "session 2026-11-22-K-q2")
}

// with returns a session with another id (unless "") and room.
func with(se kiosk.Session, id, room string) kiosk.Session {
	if id != "" {
		se.ID = id
	}
	se.Room = room
	return se
}
