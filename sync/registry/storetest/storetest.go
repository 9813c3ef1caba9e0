// Package storetest is the conformance suite of registry stores: one set of
// tests, through registry.Admin only, that every storage engine must pass
// (SQLite, the reference, and PostgreSQL). A store's package runs it from
// a test of its own:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, now func() time.Time) registry.Admin { … })
//	}
//
// Where the protocol leaves a choice (how many feed entries one write
// makes), the suite checks what a kiosk sees once it has applied the feed,
// not the entries themselves.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// Opener opens a fresh, empty store for a test; the clock is the store's.
// The opener registers the store's Close with t.Cleanup. Sub-tests run in
// parallel, each with a store of its own.
type Opener func(t *testing.T, now func() time.Time) registry.Admin

// Run runs the suite against the stores open makes.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"FeedEveryKind", testFeedEveryKind},
		{"FeedPaging", testFeedPaging},
		{"FeedEmpty", testFeedEmpty},
		{"Notify", testNotify},
		{"CheckinsOnceEach", testCheckinsOnceEach},
		{"ArrivalOncePerDay", testArrivalOncePerDay},
		{"Attendance", testAttendance},
		{"CheckinsLocalDay", testCheckinsLocalDay},
		{"ConcurrentIngest", testConcurrentIngest},
		{"BadgeConflictEitherOrder", testBadgeConflictEitherOrder},
		{"BadgeEventRules", testBadgeEventRules},
		{"BadgeRevoke", testBadgeRevoke},
		{"DeskTimeTrustedWithinMeeting", testDeskTimeTrustedWithinMeeting},
		{"Tokens", testTokens},
		{"PassKeys", testPassKeys},
		{"Passes", testPasses},
		{"TokenWithdrawsKeys", testTokenWithdrawsKeys},
		{"Staff", testStaff},
		{"Audit", testAudit},
		{"Sessions", testSessions},
		{"RosterCounts", testRosterCounts},
		{"ImportPlan", testImportPlan},
		{"RosterCountryName", testRosterCountryName},
		{"RosterConflict", testRosterConflict},
		{"RosterKeepsDeskBadges", testRosterKeepsDeskBadges},
		{"NamesInEveryScript", testNamesInEveryScript},
		{"LatinNames", testLatinNames},
		{"MeetingValidation", testMeetingValidation},
		{"Schedule", testSchedule},
		{"ScheduleMovedSession", testScheduleMovedSession},
		{"RoomsImport", testRoomsImport},
		{"RoomsSurviveSchedule", testRoomsSurviveSchedule},
		{"RoomDoorTaps", testRoomDoorTaps},
		{"Photos", testPhotos},
		{"PhotosAllOrNothing", testPhotosAllOrNothing},
		{"PhotosSurviveRoster", testPhotosSurviveRoster},
		{"APIKeys", testAPIKeys},
		{"BadgeStanding", testBadgeStanding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

// t0 is the store's clock when a test starts: the day before the meeting,
// whole seconds (every engine keeps at least microseconds).
var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// clock is a store's clock that a test sets.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// newStore opens a store whose clock reads t0 until the test sets it.
func newStore(t *testing.T, open Opener) (registry.Admin, *clock) {
	t.Helper()
	c := &clock{t: t0}
	return open(t, c.Now), c
}

var zurich = mustLoad("Europe/Zurich")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// meeting is the meeting of every test that needs one; nine is 09:00 on
// its second day.
var (
	meeting = kiosk.Meeting{ID: "SG12", Name: "Study Group 12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}
	nine    = time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)
)

// roster has names in several scripts; D1 has a roster badge; D2 and D4
// have their names in Latin letters (the roster's latin columns); D4's
// country has the roster's own name (country_name).
func roster() []kiosk.Delegate {
	return []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "Département fédéral de l'environnement",
			Country: "CH", Role: "head", Groups: []string{"SG12", "Q2/12"}, Status: "registered", Language: "fr",
			Email: "jurgen.muller@example.ch", Badges: []string{"0A0B0C0D0E"}},
		{ID: "D2", FamilyName: "王", GivenName: "伟", Organization: "中国信息通信研究院", Country: "CN", Role: "delegate",
			Groups: []string{"SG12"}, Status: "registered", Language: "zh", LatinFamilyName: "Wang", LatinGivenName: "Wei"},
		{ID: "D3", FamilyName: "Иванова", GivenName: "Анна", Organization: "Минцифры России", Country: "RU", Role: "delegate",
			Status: "registered", Language: "ru", ValidFrom: "2026-11-23", ValidTo: "2026-11-25"},
		{ID: "D4", FamilyName: "الهاشمي", GivenName: "فاطمة", Organization: "هيئة تنظيم قطاع الاتصالات", Country: "JO",
			CountryName: "المملكة الأردنية الهاشمية", Role: "delegate", Status: "registered", Language: "ar",
			LatinFamilyName: "Al-Hashimi", LatinGivenName: "Fatima"},
	}
}

// importRoster sets the meeting and imports the roster.
func importRoster(t *testing.T, s registry.Admin) {
	t.Helper()
	ctx := context.Background()
	if err := s.SetMeeting(ctx, meeting); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceRoster(ctx, roster()); err != nil {
		t.Fatal(err)
	}
}

// errCode fails the test unless err has the domain error code want.
func errCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := kiosk.ErrorCode(err); got != want {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, want)
	}
}

func head(t *testing.T, s registry.Admin) int64 {
	t.Helper()
	h, err := s.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// unchanged fails the test if the feed grew past h: what was just done
// must have changed nothing.
func unchanged(t *testing.T, s registry.Admin, h int64, what string) {
	t.Helper()
	if now := head(t, s); now != h {
		t.Errorf("%s moved the feed's head from %d to %d, want no change", what, h, now)
	}
}

// readFeed pages through the feed after since, limit entries a page,
// checking each page's seq, next and more, and returns it as a kiosk
// decodes it.
func readFeed(t *testing.T, s registry.Store, since int64, limit int) []kiosk.Change {
	t.Helper()
	var all []kiosk.Change
	for {
		page, err := s.Changes(context.Background(), since, limit)
		if err != nil {
			t.Fatalf("changes since %d: %v", since, err)
		}
		if len(page.Changes) > limit {
			t.Fatalf("changes since %d, limit %d: %d entries", since, limit, len(page.Changes))
		}
		last := since
		for _, c := range page.Changes {
			if c.Seq <= last {
				t.Fatalf("changes since %d: seq %d after %d (seqs must increase strictly)", since, c.Seq, last)
			}
			last = c.Seq
		}
		if page.Next != last {
			t.Fatalf("changes since %d: next = %d, want %d (the page's last seq, or since)", since, page.Next, last)
		}
		if page.More && len(page.Changes) < limit {
			t.Fatalf("changes since %d: more with a short page (%d of %d)", since, len(page.Changes), limit)
		}
		data, err := json.Marshal(page)
		if err != nil {
			t.Fatal(err)
		}
		_, changes, skipped, err := wire.DecodeChangesPage(data)
		if err != nil || skipped != 0 {
			t.Fatalf("a kiosk decodes the page since %d: %v, %d entries skipped\n%s", since, err, skipped, data)
		}
		all = append(all, changes...)
		if !page.More {
			return all
		}
		since = page.Next
	}
}

// feed reads the whole feed after since in one page.
func feed(t *testing.T, s registry.Store, since int64) []kiosk.Change {
	t.Helper()
	return readFeed(t, s, since, wire.MaxPage)
}

// entityKey is a change's kind and key fields, e.g. "arrival D1/2026-11-22".
func entityKey(c kiosk.Change) string {
	var k string
	switch v := c.Value.(type) {
	case *kiosk.Meeting:
	case *kiosk.Delegate:
		k = v.ID
	case *kiosk.BadgeBinding:
		k = v.UID
	case *kiosk.Room:
		k = v.Name
	case *kiosk.Session:
		k = v.ID
	case *kiosk.Arrival:
		k = v.DelegateID + "/" + v.Day
	case *kiosk.Presence:
		k = v.DelegateID + "/" + v.Day
	case *kiosk.PassKey:
		k = v.ID
	case *kiosk.Pass:
		k = v.DelegateID
	case *kiosk.StaffAccount:
		k = v.Username
	case *kiosk.Photo:
		k = v.DelegateID
	case *kiosk.APIKey:
		k = v.Name
	default:
		k = fmt.Sprintf("%T", v)
	}
	return c.Kind + " " + k
}

// state is what a kiosk holds once it has applied a feed: each entity's
// last entry, by entityKey.
type state map[string]kiosk.Change

// apply applies a feed in order as a kiosk does: it skips a badge whose
// delegate it does not know yet (a later entry brings it again), so a
// store must not serve a badge only before its delegate.
func apply(cs []kiosk.Change) state {
	st := state{}
	for _, c := range cs {
		if b, ok := c.Value.(*kiosk.BadgeBinding); ok && c.Op == kiosk.OpUpsert {
			if d, ok := st["delegate "+b.DelegateID]; !ok || d.Op != kiosk.OpUpsert {
				continue
			}
		}
		st[entityKey(c)] = c
	}
	return st
}

// upsert returns an entity's value, failing the test unless it is there.
func (st state) upsert(t *testing.T, key string) any {
	t.Helper()
	c, ok := st[key]
	if !ok || c.Op != kiosk.OpUpsert {
		t.Fatalf("after the feed, %s is %s, want it there", key, describe(c, ok))
	}
	return c.Value
}

// deleted fails the test unless the feed last deleted an entity.
func (st state) deleted(t *testing.T, key string) {
	t.Helper()
	if c, ok := st[key]; !ok || c.Op != kiosk.OpDelete {
		t.Errorf("after the feed, %s is %s, want it deleted", key, describe(c, ok))
	}
}

func describe(c kiosk.Change, ok bool) string {
	if !ok {
		return "absent"
	}
	return fmt.Sprintf("%s %+v", c.Op, c.Value)
}

// badgeAfter returns a badge's binding after the feed.
func badgeAfter(t *testing.T, s registry.Store, uid string) kiosk.BadgeBinding {
	t.Helper()
	return *apply(feed(t, s, 0)).upsert(t, "badge "+uid).(*kiosk.BadgeBinding)
}

// currentState checks that every upsert entry of an entity in one read
// carries the entity's current state: its latest data, or a delete if it
// has been deleted since. (A delete entry stays a delete when the entity
// came back later: the later upsert follows it.)
func currentState(t *testing.T, cs []kiosk.Change) {
	t.Helper()
	last := map[string]kiosk.Change{}
	for _, c := range cs {
		last[entityKey(c)] = c
	}
	for _, c := range cs {
		l := last[entityKey(c)]
		if c.Op == kiosk.OpUpsert && (l.Op != kiosk.OpUpsert || !reflect.DeepEqual(c.Value, l.Value)) {
			t.Errorf("seq %d: %s %s %+v, but seq %d (the same entity, same read) says %s %+v",
				c.Seq, c.Op, c.Kind, c.Value, l.Seq, l.Op, l.Value)
		}
	}
}

// count counts a feed's entries of an entity.
func count(cs []kiosk.Change, key string) int {
	n := 0
	for _, c := range cs {
		if entityKey(c) == key {
			n++
		}
	}
	return n
}
