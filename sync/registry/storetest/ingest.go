package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// checkin is an accepted RFID tap of a delegate at gate main. Its Kiosk
// field names no real kiosk: the store files it under the kiosk that
// delivered it.
func checkin(id, delegate string, at time.Time, dir string) wire.CheckinEvent {
	return wire.CheckinEvent{ID: id, DelegateID: delegate, UID: "0A0B0C0D0E", Source: kiosk.SourceRFID, Kiosk: "says-who",
		Gate: "main", Direction: dir, At: at, Result: kiosk.ResultAccepted}
}

func rejected(id, delegate, uid, reason string, at time.Time) wire.CheckinEvent {
	return wire.CheckinEvent{ID: id, DelegateID: delegate, UID: uid, Source: kiosk.SourceRFID, Gate: "main",
		Direction: kiosk.DirectionIn, At: at, Result: kiosk.ResultRejected, Reason: reason}
}

// deliver stores events and checks the counts.
func deliver(t *testing.T, s registry.Store, kioskID string, events []wire.CheckinEvent, accepted, duplicates int) {
	t.Helper()
	a, d, err := s.AddCheckins(context.Background(), kioskID, events, nine.Add(12*time.Hour))
	if err != nil || a != accepted || d != duplicates {
		t.Fatalf("delivery from %s: %d accepted, %d duplicates, %v; want %d, %d", kioskID, a, d, err, accepted, duplicates)
	}
}

// taps returns the store's check-ins of a date ("" for all), in order.
func taps(t *testing.T, s registry.Venue, date string) []kiosk.TapRecord {
	t.Helper()
	var out []kiosk.TapRecord
	if err := s.Taps(context.Background(), date, func(r kiosk.TapRecord) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// testCheckinsOnceEach: each event id is stored once however often and in
// whatever batches it comes; the export has it as it was delivered.
func testCheckinsOnceEach(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	ctx := context.Background()
	e1 := checkin("e1", "D1", nine.Add(30*time.Minute), kiosk.DirectionIn)
	e2 := checkin("e2", "D1", nine.Add(2*time.Hour), kiosk.DirectionOut)
	e3 := rejected("e3", "", "FFFFFFFF", kiosk.ReasonUnknownBadge, nine.Add(10*time.Minute))
	e4 := checkin("e4", "D2", nine.Add(45*time.Minute), kiosk.DirectionIn)
	e4.Gate, e4.Source, e4.UID = "east", kiosk.SourceQR, "0123456789ABCDEF01234567"
	e5 := rejected("e5", "D4", "AABBCCDD", "not_valid_today", nine.Add(3*time.Hour))

	deliver(t, s, "north", []wire.CheckinEvent{e1, e2, e3}, 3, 0)
	h := head(t, s)
	deliver(t, s, "north", []wire.CheckinEvent{e1, e2, e3}, 0, 3)
	unchanged(t, s, h, "a redelivered batch")
	deliver(t, s, "north", []wire.CheckinEvent{e2, e3, e4, e5}, 2, 2)

	row := func(e wire.CheckinEvent, name string, first bool) kiosk.TapRecord {
		return kiosk.TapRecord{ID: e.ID, At: e.At, DelegateID: e.DelegateID, DelegateName: name, UID: e.UID, Source: e.Source,
			Gate: e.Gate, Direction: e.Direction, Result: e.Result, Reason: e.Reason, Kiosk: "north", FirstToday: first}
	}
	want := []kiosk.TapRecord{ // in time order; first_today marks each arrival
		row(e3, "", false), row(e1, "Jürgen Müller", true), row(e4, "王伟", true),
		row(e2, "Jürgen Müller", false), row(e5, "فاطمة الهاشمي", false),
	}
	for _, date := range []string{"", "2026-11-22"} {
		got := taps(t, s, date)
		if len(got) != len(want) {
			t.Fatalf("taps(%q): %d records, want %d: %+v", date, len(got), len(want), got)
		}
		for i := range want {
			g := got[i]
			if !g.At.Equal(want[i].At) {
				t.Errorf("taps(%q)[%d] at %v, want %v", date, i, g.At, want[i].At)
			}
			g.At = want[i].At
			if !reflect.DeepEqual(g, want[i]) {
				t.Errorf("taps(%q)[%d] = %+v\nwant %+v", date, i, g, want[i])
			}
		}
	}
	if got := taps(t, s, "2026-11-23"); len(got) != 0 {
		t.Errorf("taps of another day: %+v", got)
	}

	st, err := s.Stats(ctx, "2026-11-22")
	if err != nil {
		t.Fatal(err)
	}
	wantStats := kiosk.Stats{Day: "2026-11-22", Arrivals: 2, Inside: 1, Delegates: 4,
		ByHour:    []kiosk.HourCount{{Hour: "09:00", Arrivals: 2}},
		ByRole:    map[string]int{"head": 1, "delegate": 1},
		ByCountry: map[string]int{"CH": 1, "CN": 1},
		Gates:     []kiosk.GateCount{{Gate: "east", In: 1}, {Gate: "main", In: 1, Out: 1}}, // by gate name
		Taps:      kiosk.TapCounts{Accepted: 3, Rejected: map[string]int{"unknown_badge": 1, "not_valid_today": 1}},
	}
	if !reflect.DeepEqual(st, wantStats) {
		t.Errorf("stats = %+v\nwant %+v", st, wantStats)
	}
}

// testArrivalOncePerDay: a delegate's first accepted entry of a day is
// their arrival, in the feed once; an earlier entry delivered later, from
// another kiosk, replaces it.
func testArrivalOncePerDay(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	h := head(t, s)
	const key = "arrival D1/2026-11-22"
	deliver(t, s, "north", []wire.CheckinEvent{checkin("e1", "D1", nine, kiosk.DirectionIn)}, 1, 0)
	// Redelivered, with a later entry, an earlier exit and an earlier
	// rejected entry: none of them is the arrival.
	deliver(t, s, "north", []wire.CheckinEvent{
		checkin("e1", "D1", nine, kiosk.DirectionIn), checkin("e2", "D1", nine.Add(time.Hour), kiosk.DirectionIn),
		checkin("e3", "D1", nine.Add(-2*time.Hour), kiosk.DirectionOut),
		rejected("e4", "D1", "0A0B0C0D0E", kiosk.ReasonRevokedBadge, nine.Add(-3*time.Hour)),
	}, 3, 1)
	cs := feed(t, s, h)
	if n := count(cs, key); n != 1 {
		t.Errorf("%d arrival entries for D1 on the 22nd, want 1: %v", n, cs)
	}
	a := apply(cs).upsert(t, key).(*kiosk.Arrival)
	if !a.At.Equal(nine) || a.Kiosk != "north" {
		t.Errorf("arrival = %+v, want at %v at north", *a, nine)
	}

	h = head(t, s)
	deliver(t, s, "south", []wire.CheckinEvent{checkin("e0", "D1", nine.Add(-30*time.Minute), kiosk.DirectionIn)}, 1, 0)
	cs = feed(t, s, h)
	if n := count(cs, key); n != 1 {
		t.Errorf("an earlier entry made %d arrival entries, want 1: %v", n, cs)
	}
	a = apply(feed(t, s, 0)).upsert(t, key).(*kiosk.Arrival)
	if !a.At.Equal(nine.Add(-30*time.Minute)) || a.Kiosk != "south" || a.DelegateID != "D1" || a.Day != "2026-11-22" {
		t.Errorf("arrival = %+v, want south's earlier entry", *a)
	}
	var firsts []string
	for _, r := range taps(t, s, "") {
		if r.FirstToday {
			firsts = append(firsts, r.ID)
		}
	}
	if fmt.Sprint(firsts) != "[e0]" {
		t.Errorf("first_today on %v, want [e0] (the arrival across kiosks)", firsts)
	}
	// Another day, another arrival.
	deliver(t, s, "north", []wire.CheckinEvent{checkin("e5", "D1", nine.Add(24*time.Hour), kiosk.DirectionIn)}, 1, 0)
	apply(feed(t, s, 0)).upsert(t, "arrival D1/2026-11-23")
	if st, err := s.Stats(context.Background(), "2026-11-22"); err != nil || st.Arrivals != 1 || st.Inside != 1 {
		t.Errorf("stats of the 22nd: %+v, %v; want 1 arrival, 1 inside", st, err)
	}
}

// testCheckinsLocalDay: days are the meeting's local days, not UTC's.
func testCheckinsLocalDay(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	late := time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC) // 00:30 on the 22nd in Zurich
	deliver(t, s, "north", []wire.CheckinEvent{checkin("e1", "D2", late, kiosk.DirectionIn)}, 1, 0)
	apply(feed(t, s, 0)).upsert(t, "arrival D2/2026-11-22")
	if got := taps(t, s, "2026-11-21"); len(got) != 0 {
		t.Errorf("taps of the 21st (UTC's day): %+v", got)
	}
	if got := taps(t, s, "2026-11-22"); len(got) != 1 || got[0].ID != "e1" {
		t.Errorf("taps of the 22nd: %+v, want e1", got)
	}
	st, err := s.Stats(context.Background(), "2026-11-22")
	if err != nil || st.Arrivals != 1 || !reflect.DeepEqual(st.ByHour, []kiosk.HourCount{{Hour: "00:00", Arrivals: 1}}) {
		t.Errorf("stats of the 22nd: %+v, %v; want 1 arrival in hour 00:00", st, err)
	}
}

// testConcurrentIngest: the same batch delivered by 8 kiosk retries at
// once is stored once, and each event is counted accepted exactly once.
func testConcurrentIngest(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	var batch []wire.CheckinEvent
	earliest := map[string]time.Time{} // arrival key → earliest entry
	for i := range 200 {
		d := fmt.Sprintf("D%d", 1+i%4)
		// Not in time order, over two days, entries and exits.
		at := nine.Add(time.Duration((i*37)%200)*time.Minute + time.Duration(i%2)*24*time.Hour)
		dir := kiosk.DirectionIn
		if i%3 == 0 {
			dir = kiosk.DirectionOut
		}
		batch = append(batch, checkin(fmt.Sprintf("c%03d", i), d, at, dir))
		if dir == kiosk.DirectionIn {
			k := "arrival " + d + "/" + kiosk.LocalDate(at, zurich)
			if e, ok := earliest[k]; !ok || at.Before(e) {
				earliest[k] = at
			}
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted, duplicates := 0, 0
	for k := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, d, err := s.AddCheckins(context.Background(), fmt.Sprint("kiosk-", k), batch, nine)
			if err != nil {
				t.Errorf("delivery %d: %v", k, err)
			}
			mu.Lock()
			accepted, duplicates = accepted+a, duplicates+d
			mu.Unlock()
		}()
	}
	wg.Wait()
	if accepted != len(batch) || duplicates != 7*len(batch) {
		t.Errorf("%d accepted, %d duplicates in all; want %d and %d", accepted, duplicates, len(batch), 7*len(batch))
	}
	got := taps(t, s, "")
	seen := map[string]bool{}
	for _, r := range got {
		if seen[r.ID] {
			t.Errorf("event %s stored twice", r.ID)
		}
		seen[r.ID] = true
	}
	if len(got) != len(batch) {
		t.Errorf("%d events stored, want %d", len(got), len(batch))
	}
	st := apply(feed(t, s, 0))
	for k, at := range earliest {
		if a := st.upsert(t, k).(*kiosk.Arrival); !a.At.Equal(at) {
			t.Errorf("%s at %v, want %v (the earliest entry)", k, a.At, at)
		}
	}
}
