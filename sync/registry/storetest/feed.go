package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"checkin/badge/pass"
	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// staffHash is a well-formed argon2id hash: the feed carries hashes as
// they are, and kiosks take only argon2id ones.
func staffHash(salt string) string { return "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$" + salt }

func newKey(t *testing.T, id string) pass.Key {
	t.Helper()
	k, err := pass.NewKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func bind(id, uid, delegate string, at time.Time) wire.BadgeEvent {
	return wire.BadgeEvent{ID: id, Op: kiosk.BadgeBind, UID: uid, DelegateID: delegate, At: at}
}

func revoke(id, uid string, at time.Time) wire.BadgeEvent {
	return wire.BadgeEvent{ID: id, Op: kiosk.BadgeRevoke, UID: uid, At: at}
}

// everyKind makes writes of every kind through the store, deletes too,
// and returns the public text of the pass key that stays.
func everyKind(t *testing.T, s registry.Admin) string {
	t.Helper()
	ctx := context.Background()
	s1 := kiosk.Session{ID: "s1", Title: "Plenary", Room: "K", Building: "Tower", Start: nine, End: nine.Add(90 * time.Minute),
		Groups: []string{"SG12", "Q2/12"}, Status: kiosk.SessionScheduled}
	s2 := kiosk.Session{ID: "s2", Title: "Q2/12", Room: "L", Start: nine.Add(2 * time.Hour), End: nine.Add(3 * time.Hour), Status: kiosk.SessionScheduled}
	rooms := []kiosk.Room{{Name: "K", Building: "Tower"}, {Name: "L", Building: "Tower", Floor: "2", Capacity: 40}}
	if err := s.ImportSchedule(ctx, meeting, kiosk.Schedule{Rooms: rooms, Sessions: []kiosk.Session{s1, s2}}); err != nil {
		t.Fatal(err)
	}
	s1.Room = "L" // s1 moves to L; s2 and room K (unused, no capacity) go
	if err := s.ImportSchedule(ctx, meeting, kiosk.Schedule{Rooms: rooms[1:], Sessions: []kiosk.Session{s1}}); err != nil {
		t.Fatal(err)
	}
	r := roster()
	if _, err := s.ReplaceRoster(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceRoster(ctx, []kiosk.Delegate{r[0], r[1], r[3]}); err != nil { // D3 goes
		t.Fatal(err)
	}
	if _, err := s.ApplyBadgeEvents(ctx, "north", []wire.BadgeEvent{
		bind("b1", "1234567890", "D2", nine), bind("b2", "ABCDEF0123", "D4", nine),
		revoke("b3", "1234567890", nine.Add(time.Minute)),
	}, nine.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	door := checkin("e2", "D1", nine.Add(10*time.Minute), "in")
	door.Room, door.SessionID, door.Gate = "L", "s1", "door"
	if _, _, err := s.AddCheckins(ctx, "north", []wire.CheckinEvent{checkin("e1", "D1", nine.Add(-time.Hour), "in"), door}, nine); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyRoomResets(ctx, "north", []kiosk.RoomReset{{ID: "r1", Room: "L", Day: "2026-11-22", At: nine.Add(20 * time.Minute), By: "dana"}}); err != nil {
		t.Fatal(err)
	}
	north, south := newKey(t, "k1").Public().String(), newKey(t, "k2").Public().String()
	for k, key := range map[string]string{"north": north, "south": south} {
		if err := s.AddToken(ctx, k, "token-"+k); err != nil {
			t.Fatal(err)
		}
		if err := s.AddPassKey(ctx, k, key); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RevokeToken(ctx, "south"); err != nil { // k2 goes
		t.Fatal(err)
	}
	if _, err := s.AddPasses(ctx, "north", []registry.VerifiedPass{
		{KeyID: "k1", Pass: kiosk.Pass{DelegateID: "D1", UID: "76543210FEDCBA9876543210", IssuedAt: nine.Add(-2 * time.Hour)}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"olga", "quentin"} {
		if err := s.AddStaff(ctx, kiosk.Staff{Username: u, Role: kiosk.RoleDesk}, staffHash(u)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RemoveStaff(ctx, "quentin"); err != nil {
		t.Fatal(err)
	}
	// Photos: D1's stays, D2's is removed again.
	if _, err := s.ImportPhotos(ctx, []kiosk.Photo{photo(t, "D1", 1), photo(t, "D2", 2)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPhoto(ctx, kiosk.Photo{DelegateID: "D2"}); err != nil {
		t.Fatal(err)
	}
	// API keys: lockers' works, printers' is revoked.
	for _, name := range []string{"lockers", "printers"} {
		if _, err := s.AddAPIKey(ctx, name, kiosk.HashSecret("key-"+name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RevokeAPIKey(ctx, "printers"); err != nil {
		t.Fatal(err)
	}
	return north
}

// testFeedEveryKind: every kind reaches the feed, deletes as deletes, and
// a kiosk that applies it holds what the store holds.
func testFeedEveryKind(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	northKey := everyKind(t, s)
	cs := feed(t, s, 0)
	upserts := map[string]bool{}
	for _, c := range cs {
		upserts[c.Kind] = upserts[c.Kind] || c.Op == kiosk.OpUpsert
	}
	for _, kind := range kiosk.ChangeKinds() {
		if !upserts[kind] {
			t.Errorf("no upsert of kind %q in the feed", kind)
		}
	}
	currentState(t, cs)
	if h := head(t, s); len(cs) == 0 || h != cs[len(cs)-1].Seq {
		t.Errorf("head = %d, want the last seq of the feed", h)
	}

	st := apply(cs)
	if m := st.upsert(t, "meeting "); !reflect.DeepEqual(*m.(*kiosk.Meeting), meeting) {
		t.Errorf("meeting = %+v, want %+v", m, meeting)
	}
	for _, d := range roster() {
		if d.ID == "D3" {
			st.deleted(t, "delegate D3")
			continue
		}
		d.Badges = nil // badges travel as kind badge
		if got := st.upsert(t, "delegate "+d.ID).(*kiosk.Delegate); !reflect.DeepEqual(*got, d) {
			t.Errorf("delegate %s = %+v\nwant %+v", d.ID, *got, d)
		}
	}
	for uid, want := range map[string]kiosk.BadgeBinding{
		"0A0B0C0D0E": {UID: "0A0B0C0D0E", DelegateID: "D1"},
		"1234567890": {UID: "1234567890", DelegateID: "D2", Revoked: true},
		"ABCDEF0123": {UID: "ABCDEF0123", DelegateID: "D4"},
	} {
		if got := st.upsert(t, "badge "+uid).(*kiosk.BadgeBinding); *got != want {
			t.Errorf("badge %s = %+v, want %+v", uid, *got, want)
		}
	}
	st.deleted(t, "room K")
	wantReset := kiosk.RoomReset{Room: "L", Day: "2026-11-22", At: nine.Add(20 * time.Minute).UTC()}
	if r := st.upsert(t, "room L").(*kiosk.Room); r.Reset == nil || *r.Reset != wantReset ||
		!reflect.DeepEqual(*r, kiosk.Room{Name: "L", Building: "Tower", Floor: "2", Capacity: 40, Reset: r.Reset}) {
		t.Errorf("room L = %+v, reset %+v, want reset %+v", *r, r.Reset, wantReset)
	}
	wantPresence := kiosk.Presence{DelegateID: "D1", Day: "2026-11-22", Room: "L", Direction: "in", At: nine.Add(10 * time.Minute).UTC(),
		TapID: "e2", Kiosk: "north", SessionID: "s1"}
	if p := st.upsert(t, "presence D1/2026-11-22").(*kiosk.Presence); *p != wantPresence {
		t.Errorf("presence = %+v, want %+v", *p, wantPresence)
	}
	st.deleted(t, "session s2")
	if se := st.upsert(t, "session s1").(*kiosk.Session); se.Room != "L" || se.MovedFrom != "K" {
		t.Errorf("session s1 = %+v, want in L, moved from K", *se)
	}
	a := st.upsert(t, "arrival D1/2026-11-22").(*kiosk.Arrival)
	if !a.At.Equal(nine.Add(-time.Hour)) || a.Kiosk != "north" {
		t.Errorf("arrival = %+v, want at %v at north", *a, nine.Add(-time.Hour))
	}
	if k := st.upsert(t, "key k1").(*kiosk.PassKey); k.PublicKey != northKey {
		t.Errorf("key k1 = %+v, want %s", *k, northKey)
	}
	st.deleted(t, "key k2")
	p := st.upsert(t, "pass D1").(*kiosk.Pass)
	if p.UID != "76543210FEDCBA9876543210" || !p.IssuedAt.Equal(nine.Add(-2*time.Hour)) || p.Kiosk != "north" {
		t.Errorf("pass = %+v", *p)
	}
	if a := st.upsert(t, "staff olga").(*kiosk.StaffAccount); a.Role != kiosk.RoleDesk || a.PasswordHash != staffHash("olga") {
		t.Errorf("staff olga = %+v", *a)
	}
	st.deleted(t, "staff quentin")
	want := photo(t, "D1", 1)
	want.Data = nil
	if got := st.upsert(t, "photo D1").(*kiosk.Photo); !reflect.DeepEqual(*got, want) {
		t.Errorf("photo D1 = %+v, want %+v", *got, want)
	}
	st.deleted(t, "photo D2")
	for name, revoked := range map[string]bool{"lockers": false, "printers": true} {
		want := kiosk.APIKey{Name: name, Hash: kiosk.HashSecret("key-" + name), Revoked: revoked}
		if got := st.upsert(t, "apikey "+name).(*kiosk.APIKey); *got != want {
			t.Errorf("apikey %s = %+v, want %+v", name, *got, want)
		}
	}
}

// testFeedPaging: reading the feed in small pages yields exactly what one
// big page does, from the start and from the middle.
func testFeedPaging(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	everyKind(t, s)
	all := feed(t, s, 0)
	if len(all) < 20 {
		t.Fatalf("the feed has %d entries, want at least 20 to page through", len(all))
	}
	for _, limit := range []int{1, 2, 3, 7} {
		if got := readFeed(t, s, 0, limit); !reflect.DeepEqual(got, all) {
			t.Errorf("in pages of %d the feed differs from one page:\n got %v\nwant %v", limit, got, all)
		}
	}
	mid := all[len(all)/2].Seq
	var rest []kiosk.Change
	for _, c := range all {
		if c.Seq > mid {
			rest = append(rest, c)
		}
	}
	if got := readFeed(t, s, mid, 3); !reflect.DeepEqual(got, rest) {
		t.Errorf("the feed since %d differs from the tail of the whole:\n got %v\nwant %v", mid, got, rest)
	}
	page, err := s.Changes(context.Background(), 0, 5)
	if err != nil || len(page.Changes) != 5 || !page.More || page.Next != page.Changes[4].Seq {
		t.Errorf("first page of 5: %d entries, next %d, more %v, %v", len(page.Changes), page.Next, page.More, err)
	}
}

// testFeedEmpty: an empty store's feed, and a read past the head.
func testFeedEmpty(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	if h := head(t, s); h != 0 {
		t.Errorf("an empty store's head = %d, want 0", h)
	}
	page, err := s.Changes(ctx, 0, 10)
	if err != nil || len(page.Changes) != 0 || page.Next != 0 || page.More {
		t.Errorf("an empty store's feed = %+v, %v; want no changes, next 0, no more", page, err)
	}
	if n, err := s.CountDelegates(ctx); err != nil || n != 0 {
		t.Errorf("an empty store counts %d delegates, %v", n, err)
	}
	importRoster(t, s)
	h := head(t, s)
	if h == 0 {
		t.Fatal("an import left the head at 0")
	}
	page, err = s.Changes(ctx, h, 10)
	if err != nil || len(page.Changes) != 0 || page.Next != h || page.More {
		t.Errorf("feed since the head = %+v, %v; want no changes, next %d, no more", page, err, h)
	}
}

// testNotify: the channel from Notify is closed after a change made
// through the store, whichever write made it.
func testNotify(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	writes := []struct {
		name string
		fn   func() error
	}{
		{"set meeting", func() error { return s.SetMeeting(ctx, meeting) }},
		{"replace roster", func() error { _, err := s.ReplaceRoster(ctx, roster()); return err }},
		{"add checkins", func() error {
			_, _, err := s.AddCheckins(ctx, "north", []wire.CheckinEvent{checkin("e1", "D1", nine, "in")}, nine)
			return err
		}},
		{"badge events", func() error {
			_, err := s.ApplyBadgeEvents(ctx, "north", []wire.BadgeEvent{bind("b1", "1234567890", "D2", nine)}, nine)
			return err
		}},
		{"add staff", func() error {
			return s.AddStaff(ctx, kiosk.Staff{Username: "olga", Role: kiosk.RoleDesk}, staffHash("olga"))
		}},
	}
	for _, w := range writes {
		ch := s.Notify()
		if err := w.fn(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Notify's channel still open 10s after the change", w.name)
		}
	}
}
