package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry/postgres/pgtest"
)

// openStores opens n stores on one new database, as n registry processes
// would (each its own connection pool and listener).
func openStores(t testing.TB, n int) []*Store {
	t.Helper()
	url := pgtest.NewDatabase(t)
	stores := make([]*Store, n)
	for i := range stores {
		s, err := Open(context.Background(), url, nil, nil)
		if err != nil {
			t.Fatalf("open store %d: %v", i, err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	return stores
}

// arrivalEvents are n accepted entries of distinct delegates, each of
// which becomes one arrival in the change log.
func arrivalEvents(prefix string, n int, at time.Time) []wire.CheckinEvent {
	events := make([]wire.CheckinEvent, n)
	for i := range events {
		events[i] = wire.CheckinEvent{ID: fmt.Sprintf("%s-%d", prefix, i), DelegateID: fmt.Sprintf("%s-d%d", prefix, i),
			UID: fmt.Sprintf("U%s%d", prefix, i), Source: "rfid", Gate: "main", Direction: kiosk.DirectionIn,
			At: at.Add(time.Duration(i) * time.Second), Result: kiosk.ResultAccepted}
	}
	return events
}

type seen struct {
	seq int64
	key string
}

// readAll pages the feed from the start, small pages at a time, as a
// kiosk does while writers are still committing, until it has read want
// entries or, once writersDone is closed, an empty page at the head.
func readAll(ctx context.Context, s *Store, want int, writersDone <-chan struct{}) ([]seen, error) {
	var got []seen
	since := int64(0)
	for len(got) < want {
		page, err := s.Changes(ctx, since, 7)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Changes {
			var a wire.ArrivalData
			if err := json.Unmarshal(c.Data, &a); err != nil {
				return nil, err
			}
			got = append(got, seen{c.Seq, a.DelegateID})
		}
		since = page.Next
		if len(page.Changes) == 0 {
			select {
			case <-writersDone:
				if head, err := s.Head(ctx); err != nil || since >= head {
					return got, err // at the head, having missed some
				}
			default:
			}
		}
	}
	return got, nil
}

// Many writers through three stores (three registry processes) while
// readers page the feed: every reader ends with every change exactly once,
// in order, although transactions that took later sequence numbers could
// otherwise commit before earlier ones.
func TestFeedGapFreeUnderConcurrentWriters(t *testing.T) {
	stores := openStores(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const writers, batches, perBatch = 12, 10, 5
	const total = writers * batches * perBatch
	at := time.Date(2026, 11, 16, 8, 30, 0, 0, time.UTC)

	writersDone := make(chan struct{})
	readers := make([][]seen, 4)
	var rg errgroup.Group
	for r := range readers {
		rg.Go(func() error {
			got, err := readAll(ctx, stores[r%len(stores)], total, writersDone)
			readers[r] = got
			return err
		})
	}
	var wg errgroup.Group
	for w := range writers {
		wg.Go(func() error {
			for b := range batches {
				events := arrivalEvents(fmt.Sprintf("w%db%d", w, b), perBatch, at)
				if _, _, err := stores[w%len(stores)].AddCheckins(ctx, fmt.Sprintf("kiosk-%d", w), events, at); err != nil {
					return err
				}
			}
			return nil
		})
	}
	err := wg.Wait()
	close(writersDone)
	if err != nil {
		t.Fatal(err)
	}
	if err := rg.Wait(); err != nil {
		t.Fatal(err)
	}
	want, err := readAll(ctx, stores[0], total, writersDone)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != total {
		t.Fatalf("the feed holds %d changes, want %d", len(want), total)
	}
	keys := map[string]bool{}
	for i, c := range want {
		if i > 0 && c.seq <= want[i-1].seq {
			t.Fatalf("feed out of order at %d: seq %d after %d", i, c.seq, want[i-1].seq)
		}
		if keys[c.key] {
			t.Fatalf("delegate %s arrives twice in the feed", c.key)
		}
		keys[c.key] = true
	}
	for r, got := range readers {
		if len(got) != len(want) {
			t.Fatalf("reader %d read %d changes, want %d", r, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("reader %d: change %d is %+v, want %+v (skipped or repeated)", r, i, got[i], want[i])
			}
		}
	}
}

// The same delivery to three stores at the same moment is stored once.
func TestIngestExactlyOnceAcrossStores(t *testing.T) {
	stores := openStores(t, 3)
	ctx := context.Background()
	at := time.Date(2026, 11, 16, 8, 30, 0, 0, time.UTC)
	events := arrivalEvents("k", 300, at)
	var mu sync.Mutex
	acceptedSum, dupSum := 0, 0
	var g errgroup.Group
	for i := range 6 {
		g.Go(func() error {
			a, d, err := stores[i%3].AddCheckins(ctx, "kiosk-a", events, at)
			mu.Lock()
			acceptedSum, dupSum = acceptedSum+a, dupSum+d
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if acceptedSum != len(events) || dupSum != 5*len(events) {
		t.Fatalf("accepted %d and duplicates %d in all, want %d and %d", acceptedSum, dupSum, len(events), 5*len(events))
	}
	var n int
	if err := stores[1].pool.QueryRow(ctx, `SELECT count(*) FROM taps`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(events) {
		t.Fatalf("%d taps stored, want %d", n, len(events))
	}
	got, err := readAll(ctx, stores[2], len(events), nil)
	if err != nil || len(got) != len(events) {
		t.Fatalf("feed: %d arrivals, %v; want %d", len(got), err, len(events))
	}
}

// A change committed through one store wakes the Notify of another.
func TestNotifyAcrossStores(t *testing.T) {
	stores := openStores(t, 2)
	ctx := context.Background()
	wait := stores[1].Notify()
	if _, _, err := stores[0].AddCheckins(ctx, "kiosk-a", arrivalEvents("n", 1, time.Now()), time.Now()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wait:
	case <-time.After(10 * time.Second):
		t.Fatal("a change through one store did not wake the other's Notify")
	}
}

// Two desks bind one UID to two delegates and their binds reach two
// registry processes at the same moment, in either pairing: the earlier
// bind keeps the badge every time, and the later is the conflict.
func TestBindConflictAcrossStores(t *testing.T) {
	at := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	for round := range 6 {
		stores := openStores(t, 2)
		ctx := context.Background()
		roster := []kiosk.Delegate{
			{ID: "D1", FamilyName: "Okonkwo", GivenName: "Chidi", Role: "delegate", Status: "registered", Language: "en"},
			{ID: "D2", FamilyName: "王", GivenName: "伟", Role: "delegate", Status: "registered", Language: "zh"},
		}
		if _, err := stores[0].ReplaceRoster(ctx, roster); err != nil {
			t.Fatal(err)
		}
		early := wire.BadgeEvent{ID: "early", Op: kiosk.BadgeBind, UID: "ABCDEF0123", DelegateID: "D1", At: at}
		late := wire.BadgeEvent{ID: "late", Op: kiosk.BadgeBind, UID: "ABCDEF0123", DelegateID: "D2", At: at.Add(time.Second)}
		first, second := stores[round%2], stores[1-round%2]
		var g errgroup.Group
		g.Go(func() error {
			_, err := first.ApplyBadgeEvents(ctx, "north", []wire.BadgeEvent{early}, at.Add(time.Minute))
			return err
		})
		g.Go(func() error {
			_, err := second.ApplyBadgeEvents(ctx, "south", []wire.BadgeEvent{late}, at.Add(time.Minute))
			return err
		})
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		var holder string
		if err := stores[0].pool.QueryRow(ctx, `SELECT delegate_id FROM badges WHERE uid = 'ABCDEF0123' AND NOT revoked`).Scan(&holder); err != nil {
			t.Fatal(err)
		}
		if holder != "D1" {
			t.Fatalf("round %d: the badge is D2's, want the earlier bind's (D1)", round)
		}
		lost, err := stores[1].Conflicts(ctx, 10)
		if err != nil || len(lost) != 1 || lost[0].DelegateID != "D2" || lost[0].HeldBy != "D1" {
			t.Fatalf("round %d: conflicts %+v, %v; want D2's bind lost to D1", round, lost, err)
		}
	}
}

// The listener reconnects after its connection is killed, and wakes
// Notify for changes made after that (and once on the reconnect itself).
func TestNotifyAfterListenerReconnects(t *testing.T) {
	stores := openStores(t, 2)
	ctx := context.Background()
	// Kill every LISTENing connection of this database: the second store's
	// listener among them, as a database restart or a network cut would.
	var killed int
	if err := stores[0].pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%'`).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Fatal("found no listening connection to kill")
	}
	// Changes made through the first store wake the second's Notify again
	// once its listener is back (a second at a time, for up to 10 s).
	for try := range 10 {
		wait := stores[1].Notify()
		if _, _, err := stores[0].AddCheckins(ctx, "kiosk-a", arrivalEvents(fmt.Sprintf("r%d", try), 1, time.Now()), time.Now()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-wait:
			return
		case <-time.After(time.Second):
		}
	}
	t.Fatal("changes after the listener's connection was killed did not wake Notify within 10 s")
}
