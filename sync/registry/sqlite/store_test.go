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
	{ID: "D2", FamilyName: "王", GivenName: "伟", Role: "delegate", Status: "registered", Language: "zh",
		LatinFamilyName: "Wang", LatinGivenName: "Wei", Country: "CN", CountryName: "Observer (China)", Email: "wang.wei@example.cn"},
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

func bind(id, uid, delegate string, at time.Time) wire.BadgeEvent {
	return wire.BadgeEvent{ID: id, Op: "bind", UID: uid, DelegateID: delegate, At: at}
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
