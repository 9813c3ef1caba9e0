package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"checkin/kiosk"
	ksqlite "checkin/kiosk/sqlite"
	wire "checkin/sync"
	regsqlite "checkin/sync/registry/sqlite"
)

var zurich, _ = time.LoadLocation("Europe/Zurich")

func openStore(t testing.TB) *regsqlite.Store {
	t.Helper()
	s, err := regsqlite.Open(filepath.Join(t.TempDir(), "reg.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var roster = []kiosk.Delegate{
	{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Role: "head", Status: "registered", Language: "en", Groups: []string{"SG12", "Q2/12"}, Badges: []string{"0A0B0C0D0E"}},
	{ID: "D2", FamilyName: "王", GivenName: "伟", Role: "delegate", Status: "registered", Language: "zh"},
	{ID: "D3", FamilyName: "Иванова", GivenName: "Анна", Role: "delegate", Status: "registered", Language: "ru"},
}

// feed reads the whole change log as decoded domain changes.
func feed(t *testing.T, s *regsqlite.Store, since int64) []kiosk.Change {
	t.Helper()
	_, changes := decodedPage(t, s, since, wire.MaxPage)
	return changes
}

func summary(cs []kiosk.Change) []string {
	var out []string
	for _, c := range cs {
		key := ""
		switch v := c.Value.(type) {
		case *kiosk.Delegate:
			key = v.ID
		case *kiosk.BadgeBinding:
			key = v.UID
		case *kiosk.Arrival:
			key = v.DelegateID + "/" + v.Day
		case *kiosk.Session:
			key = v.ID
		case *kiosk.Room:
			key = v.Name
		}
		out = append(out, fmt.Sprintf("%s %s %s", c.Op, c.Kind, key))
	}
	return out
}

func TestFeedFollowsWrites(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if err := s.SetMeeting(ctx, kiosk.Meeting{TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	all := feed(t, s, 0)
	want := []string{"upsert meeting ", "upsert delegate D1", "upsert delegate D2", "upsert delegate D3", "upsert badge 0A0B0C0D0E"}
	got := summary(all)
	// The meeting writes several settings: one or more meeting entries first.
	for len(got) > 0 && got[0] == "upsert meeting " && len(got) > len(want) {
		got = got[1:]
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("feed = %q\nwant %q", got, want)
	}
	if d := all[len(all)-4].Value.(*kiosk.Delegate); d.Name() != "Jürgen Müller" || len(d.Groups) != 2 {
		t.Errorf("delegate data = %+v", d)
	}
	head, _ := s.Head(ctx)

	// Re-import: D1 unchanged (no entry), D3 removed (its delete), D4 new.
	next := []kiosk.Delegate{roster[0], roster[1], {ID: "D4", FamilyName: "Nkosi", Role: "delegate", Status: "registered", Language: "en"}}
	if _, err := s.ReplaceRoster(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got := summary(feed(t, s, head)); fmt.Sprint(got) != fmt.Sprint([]string{"upsert delegate D4", "delete delegate D3"}) {
		t.Errorf("after re-import: %q", got)
	}
	head, _ = s.Head(ctx)

	// Removing a delegate removes their badge too (a cascade): both show.
	if _, err := s.ReplaceRoster(ctx, next[1:]); err != nil {
		t.Fatal(err)
	}
	got = summary(feed(t, s, head))
	if fmt.Sprint(got) != fmt.Sprint([]string{"delete badge 0A0B0C0D0E", "delete delegate D1"}) {
		t.Errorf("after removing D1: %q", got)
	}

	// Paging: limit and more.
	page, err := s.Changes(ctx, 0, 2)
	if err != nil || len(page.Changes) != 2 || !page.More || page.Next != page.Changes[1].Seq {
		t.Errorf("page of 2 = %+v, %v", page, err)
	}
	// An old upsert of a since-deleted delegate is served as a delete.
	for _, c := range feed(t, s, 0) {
		if c.Kind == "delegate" && c.Value.(*kiosk.Delegate).ID == "D3" && c.Op != "delete" {
			t.Errorf("entry for deleted D3 served as %s", c.Op)
		}
	}
}

func TestBackfillOnFirstOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "reg.db")
	s, err := regsqlite.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := regsqlite.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if h, _ := s2.Head(ctx); h != 0 {
		t.Errorf("empty registry head = %d, want 0", h)
	}
	if is, err := regsqlite.IsRegistry(path); !is || err != nil {
		t.Errorf("IsRegistry = %v, %v; want true", is, err)
	}
}

// TestTakesOverAKioskDatabase: a roster imported into a plain data
// directory (as `checkin import roster` does before the registry ever ran)
// enters the change log once when the registry first opens it.
func TestTakesOverAKioskDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "checkin.db")
	db := ksqlite.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if is, err := regsqlite.IsRegistry(path); is || err != nil {
		t.Fatalf("IsRegistry(kiosk database) = %v, %v; want false", is, err)
	}
	s, err := regsqlite.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := summary(feed(t, s, 0))
	if want := "[upsert delegate D1 upsert delegate D2 upsert delegate D3 upsert badge 0A0B0C0D0E]"; fmt.Sprint(got) != want {
		t.Errorf("feed = %v, want %s", got, want)
	}
}

func checkin(id, delegate string, at time.Time, dir string) wire.CheckinEvent {
	return wire.CheckinEvent{ID: id, DelegateID: delegate, UID: "0A0B0C0D0E", Source: "rfid", Kiosk: "k", Gate: "main",
		Direction: dir, At: at, Result: "accepted"}
}

func TestAddCheckinsOnceEach(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := s.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	morning := time.Date(2026, 11, 22, 8, 30, 0, 0, zurich)
	batch := []wire.CheckinEvent{
		checkin("e1", "D1", morning.Add(time.Hour), "in"),
		checkin("e2", "D1", morning.Add(2*time.Hour), "out"),
		{ID: "e3", UID: "FFFFFFFF", Source: "rfid", Gate: "main", Direction: "in", At: morning, Result: "rejected", Reason: "unknown_badge"},
	}
	acc, dup, err := s.AddCheckins(ctx, "north", batch, time.Now())
	if err != nil || acc != 3 || dup != 0 {
		t.Fatalf("first delivery: %d accepted %d duplicates, %v", acc, dup, err)
	}
	acc, dup, err = s.AddCheckins(ctx, "north", batch, time.Now())
	if err != nil || acc != 0 || dup != 3 {
		t.Fatalf("redelivery: %d accepted %d duplicates, %v", acc, dup, err)
	}
	head, _ := s.Head(ctx)
	// An earlier entry at another kiosk, delivered later, becomes the arrival.
	if _, _, err := s.AddCheckins(ctx, "south", []wire.CheckinEvent{checkin("e4", "D1", morning, "in")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	cs := feed(t, s, head)
	var a *kiosk.Arrival
	if len(cs) == 1 {
		a, _ = cs[0].Value.(*kiosk.Arrival)
	}
	if a == nil || !a.At.Equal(morning) || a.Kiosk != "south" || a.Day != "2026-11-22" {
		t.Errorf("arrival change = %+v", summary(cs))
	}
	n := 0
	var firsts []string
	s.Taps(ctx, "", func(r kiosk.TapRecord) error {
		n++
		if r.ID == "e1" && (r.DelegateName != "Jürgen Müller" || r.Kiosk != "north") {
			t.Errorf("stored event = %+v", r)
		}
		if r.FirstToday {
			firsts = append(firsts, r.ID)
		}
		return nil
	})
	if n != 4 {
		t.Errorf("stored %d events, want 4", n)
	}
	// The report's first_today is the arrival across kiosks: south's
	// earlier entry, not north's first delivered one.
	if fmt.Sprint(firsts) != "[e4]" {
		t.Errorf("first_today on %v, want [e4]", firsts)
	}
	st, err := s.Stats(ctx, "2026-11-22")
	if err != nil || st.Arrivals != 1 || st.Inside != 0 || st.Taps.Rejected["unknown_badge"] != 1 {
		t.Errorf("stats = %+v, %v", st, err)
	}
}

func bind(id, uid, delegate string, at time.Time) wire.BadgeEvent {
	return wire.BadgeEvent{ID: id, Op: "bind", UID: uid, DelegateID: delegate, At: at}
}

func TestBadgeConflictsResolveByEventTime(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)
	for _, order := range []string{"earlier first", "later first"} {
		t.Run(order, func(t *testing.T) {
			s := openStore(t)
			ctx := context.Background()
			if _, err := s.ReplaceRoster(ctx, roster); err != nil {
				t.Fatal(err)
			}
			early := bind("b-early", "ABCDEF0123", "D2", t0)
			late := bind("b-late", "ABCDEF0123", "D3", t0.Add(time.Minute))
			first, second := early, late
			if order == "later first" {
				first, second = late, early
			}
			if _, err := s.ApplyBadgeEvents(ctx, "desk-a", []wire.BadgeEvent{first}, time.Now()); err != nil {
				t.Fatal(err)
			}
			res, err := s.ApplyBadgeEvents(ctx, "desk-b", []wire.BadgeEvent{second, second}, time.Now())
			if err != nil || res.Duplicates != 1 {
				t.Fatalf("second desk: %+v, %v", res, err)
			}
			if holder, revoked := badgeHolder(t, s, "ABCDEF0123"); holder != "D2" || revoked {
				t.Errorf("badge held by %s (revoked %v), want D2 (the earlier bind)", holder, revoked)
			}
			conflicts, _ := s.Conflicts(ctx, 10)
			if len(conflicts) != 1 || conflicts[0].DelegateID != "D3" || conflicts[0].HeldBy != "D2" {
				t.Errorf("conflicts = %+v, want D3 lost to D2", conflicts)
			}
		})
	}
}

func TestBadgeEventsRules(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := s.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)
	res, err := s.ApplyBadgeEvents(ctx, "desk", []wire.BadgeEvent{
		bind("x1", "0A0B0C0D0E", "D2", t0),                                  // roster badge of D1: the roster wins
		bind("x2", "1234567890", "D404", t0),                                // unknown delegate
		bind("x3", "1234567890", "D2", t0),                                  // fine
		{ID: "x4", Op: "revoke", UID: "1234567890", At: t0.Add(-time.Hour)}, // older than the bind: stale
		{ID: "x5", Op: "revoke", UID: "1234567890", At: t0.Add(time.Hour)},  // applies
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 2 || len(res.Lost) != 1 || res.Lost[0].HeldBy != "D1" {
		t.Errorf("result = %+v", res)
	}
	if holder, revoked := badgeHolder(t, s, "1234567890"); !revoked {
		t.Errorf("badge not revoked: held by %s", holder)
	}
}

// TestDeskEventTimeTrustedWithinMeeting: a desk event's own time counts
// only between the meeting's first day and its arrival at the registry.
// A bind stamped 2020 (a desk's clock set back, or a forged event) does
// not take a badge from its holder, and one stamped in 2099 is not
// displaced by every honest later bind; a desk whose clock is wrong can
// still revoke what it bound.
func TestDeskEventTimeTrustedWithinMeeting(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, zurich) // the meeting's second day
	tests := []struct {
		name      string
		first     wire.BadgeEvent // received at t0
		second    wire.BadgeEvent // received at t0 + 1h
		holder    string
		lostBy    string // who is listed as losing, "" for nobody
		noMeeting bool
	}{
		{"bind stamped before the meeting", bind("a", "ABCDEF0123", "D2", t0),
			bind("b", "ABCDEF0123", "D3", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)), "D2", "D3", false},
		{"bind stamped the evening before the first day", bind("a", "ABCDEF0123", "D2", t0),
			bind("b", "ABCDEF0123", "D3", time.Date(2026, 11, 20, 23, 59, 0, 0, zurich)), "D2", "D3", false},
		{"bind stamped after its arrival", bind("a", "ABCDEF0123", "D2", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)),
			bind("b", "ABCDEF0123", "D3", t0.Add(30*time.Minute)), "D2", "D3", false},
		{"bind stamped after its arrival, no meeting dates", bind("a", "ABCDEF0123", "D2", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)),
			bind("b", "ABCDEF0123", "D3", t0.Add(30*time.Minute)), "D2", "D3", true},
		{"an honest earlier bind still wins", bind("a", "ABCDEF0123", "D2", t0),
			bind("b", "ABCDEF0123", "D3", t0.Add(-time.Hour)), "D3", "D2", false},
		{"revoke of a bind from a desk whose clock is in 2020",
			bind("a", "ABCDEF0123", "D2", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)),
			wire.BadgeEvent{ID: "b", Op: "revoke", UID: "ABCDEF0123", At: time.Date(2020, 1, 1, 0, 5, 0, 0, time.UTC)}, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openStore(t)
			ctx := context.Background()
			if !tt.noMeeting {
				if err := s.SetMeeting(ctx, kiosk.Meeting{TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.ReplaceRoster(ctx, roster); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ApplyBadgeEvents(ctx, "desk-a", []wire.BadgeEvent{tt.first}, t0); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ApplyBadgeEvents(ctx, "desk-b", []wire.BadgeEvent{tt.second}, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			holder, revoked := badgeHolder(t, s, "ABCDEF0123")
			if tt.holder == "" {
				if !revoked {
					t.Errorf("badge held by %s, want it revoked", holder)
				}
				return
			}
			if holder != tt.holder || revoked {
				t.Errorf("badge held by %s (revoked %v), want %s", holder, revoked, tt.holder)
			}
			conflicts, _ := s.Conflicts(ctx, 10)
			if len(conflicts) != 1 || conflicts[0].DelegateID != tt.lostBy {
				t.Errorf("conflicts = %+v, want %s listed as losing", conflicts, tt.lostBy)
			}
		})
	}
}

// badgeHolder reads who holds a UID at the registry, and whether revoked.
func badgeHolder(t *testing.T, s *regsqlite.Store, uid string) (string, bool) {
	t.Helper()
	var holder string
	var revoked bool
	if err := s.Readers.QueryRow(`SELECT delegate_id, revoked FROM badges WHERE uid = ?`, uid).Scan(&holder, &revoked); err != nil {
		t.Fatalf("badge %s: %v", uid, err)
	}
	return holder, revoked
}

func TestTokens(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := s.KioskForToken(ctx, "nope"); kiosk.ErrorCode(err) != kiosk.EUNAUTHORIZED {
		t.Errorf("unknown token: %v", err)
	}
	s.AddToken(ctx, "north", "secret-1")
	if k, err := s.KioskForToken(ctx, "secret-1"); err != nil || k != "north" {
		t.Errorf("token: %q, %v", k, err)
	}
	s.AddToken(ctx, "north", "secret-2") // rotate
	if _, err := s.KioskForToken(ctx, "secret-1"); kiosk.ErrorCode(err) != kiosk.EUNAUTHORIZED {
		t.Errorf("rotated-out token still works")
	}
	if err := s.RevokeToken(ctx, "north"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.KioskForToken(ctx, "secret-2"); kiosk.ErrorCode(err) != kiosk.EUNAUTHORIZED {
		t.Errorf("revoked token still works")
	}
	if err := s.RevokeToken(ctx, "north"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("revoke twice: %v", err)
	}
}

// TestConcurrentDeliveriesOfDifferentSizes: deliveries that arrive together
// are committed in one transaction; each is chunked on its own, so a group
// of a 1-event and a 2-event delivery needs statements for 1 and 2 rows,
// not 3 (this once crashed the registry).
func TestConcurrentDeliveriesOfDifferentSizes(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := s.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	morning := time.Date(2026, 11, 22, 8, 30, 0, 0, zurich)
	for round := 0; round < 20; round++ {
		var wg sync.WaitGroup
		for k := 1; k <= 4; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var batch []wire.CheckinEvent
				for i := 0; i < k; i++ {
					batch = append(batch, checkin(fmt.Sprintf("r%d-k%d-%d", round, k, i), "D1", morning.Add(time.Duration(i)*time.Minute), "in"))
				}
				if acc, _, err := s.AddCheckins(ctx, fmt.Sprint("kiosk", k), batch, time.Now()); err != nil || acc != k {
					t.Errorf("round %d, delivery of %d: %d accepted, %v", round, k, acc, err)
				}
			}()
		}
		wg.Wait()
	}
}
