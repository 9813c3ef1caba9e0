package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// roomsSchedule is a schedule in rooms K, L and Popov, with buildings as
// a CSV gives them.
func roomsSchedule() kiosk.Schedule {
	var sch kiosk.Schedule
	for i, room := range []string{"K", "L", "Popov"} {
		sch.Rooms = append(sch.Rooms, kiosk.Room{Name: room, Building: "Tower"})
		sch.Sessions = append(sch.Sessions, kiosk.Session{ID: "s-" + room, Title: "Q" + room, Room: room, Building: "Tower",
			Start: nine.Add(time.Duration(i) * time.Hour), End: nine.Add(time.Duration(i+1) * time.Hour), Status: kiosk.SessionScheduled})
	}
	return sch
}

// checkRooms compares the store's rooms, and those a kiosk holds once it
// applied the whole feed, with want.
func checkRooms(t *testing.T, s registry.Admin, what string, want []kiosk.Room) {
	t.Helper()
	got, err := s.Rooms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: rooms = %+v\nwant %+v", what, got, want)
	}
	st := apply(feed(t, s, 0))
	for _, r := range want {
		if got := st.upsert(t, "room "+r.Name).(*kiosk.Room); *got != r {
			t.Errorf("%s: room %s in the feed = %+v, want %+v", what, r.Name, *got, r)
		}
	}
}

// testRoomsImport: a rooms file adds and updates its rooms; the rooms it
// does not list stay, without capacity and overflow; an overflow must
// name a room of the file or a known one; a refused import writes
// nothing; rows that do not change make no feed entries.
func testRoomsImport(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	if err := s.ImportSchedule(ctx, meeting, roomsSchedule()); err != nil {
		t.Fatal(err)
	}
	file := []kiosk.Room{
		{Name: "K", Building: "Tower", Floor: "2", Capacity: 40, Overflow: "Popov"},
		{Name: "Salle C", Building: "Montbrillant", Capacity: 120, Overflow: "K"},
		{Name: "L", Building: "Tower", Floor: "1"},
	}
	plan, err := s.PlanRooms(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plan.Added, []string{"Salle C"}) || !reflect.DeepEqual(plan.Changed, []string{"K", "L"}) ||
		plan.Kept != 1 || len(plan.Removed) != 0 || len(plan.UnknownOverflow) != 0 {
		t.Errorf("plan = %+v", plan)
	}
	checkRooms(t, s, "after the plan", []kiosk.Room{{Name: "K", Building: "Tower"}, {Name: "L", Building: "Tower"}, {Name: "Popov", Building: "Tower"}})
	var checked kiosk.ImportPlan
	if err := s.ImportRoomsChecked(ctx, file, func(p kiosk.ImportPlan) error { checked = p; return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(checked, plan) {
		t.Errorf("plan checked = %+v, want the dry run's %+v", checked, plan)
	}
	first := []kiosk.Room{file[0], {Name: "L", Building: "Tower", Floor: "1"}, {Name: "Popov", Building: "Tower"}, file[1]}
	checkRooms(t, s, "after the import", first)

	// The same file again changes no row, so the feed grows by nothing.
	before := head(t, s)
	if err := s.ImportRoomsChecked(ctx, file, nil); err != nil {
		t.Fatal(err)
	}
	if h := head(t, s); h != before {
		t.Errorf("re-importing the same rooms moved the head from %d to %d", before, h)
	}

	// An overflow to a room neither in the file nor known, and a refused
	// check: nothing written.
	bad := []kiosk.Room{{Name: "L", Capacity: 10, Overflow: "Room Z"}, {Name: "M", Overflow: "Popov"}}
	err = s.ImportRoomsChecked(ctx, bad, nil)
	var oe *kiosk.OverflowError
	if !errors.As(err, &oe) || len(oe.Rooms) != 1 || oe.Rooms[0].Name != "L" {
		t.Errorf("import with an unknown overflow: %v, want an OverflowError naming L", err)
	}
	errCode(t, "unknown overflow", err, kiosk.EINVALID)
	refused := errors.New("refused")
	if err := s.ImportRoomsChecked(ctx, file[2:], func(kiosk.ImportPlan) error { return refused }); !errors.Is(err, refused) {
		t.Errorf("refused import: %v, want the check's error", err)
	}
	if h := head(t, s); h != before {
		t.Errorf("refused imports moved the head from %d to %d", before, h)
	}
	checkRooms(t, s, "after refused imports", first)

	// A file with only L: the others keep building and floor, lose
	// capacity and overflow.
	if err := s.ImportRoomsChecked(ctx, []kiosk.Room{{Name: "L", Building: "Tower", Capacity: 25, Overflow: "K"}}, nil); err != nil {
		t.Fatal(err)
	}
	checkRooms(t, s, "after a file of L only", []kiosk.Room{
		{Name: "K", Building: "Tower", Floor: "2"}, {Name: "L", Building: "Tower", Capacity: 25, Overflow: "K"},
		{Name: "Popov", Building: "Tower"}, {Name: "Salle C", Building: "Montbrillant"}})
}

// testRoomsSurviveSchedule: a schedule re-import keeps the floor, capacity
// and overflow of the rooms it still uses, and of those it does not; it
// takes a building and a capacity (ICS X-CHECKIN-CAPACITY) when it gives
// them, and drops only the unused rooms that hold nothing else.
func testRoomsSurviveSchedule(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	sch := roomsSchedule()
	if err := s.ImportSchedule(ctx, meeting, sch); err != nil {
		t.Fatal(err)
	}
	if err := s.ImportRoomsChecked(ctx, []kiosk.Room{
		{Name: "K", Building: "Tower", Floor: "2", Capacity: 40, Overflow: "L"},
		{Name: "L", Building: "Tower", Floor: "1", Capacity: 30},
	}, nil); err != nil {
		t.Fatal(err)
	}
	// The next schedule: K moves building, L gets no building (an ICS
	// file) but a capacity, Popov and L are no longer used... L is, by
	// the overflow of K, kept anyway; Popov, bare, goes; M is new.
	next := kiosk.Schedule{
		Rooms: []kiosk.Room{{Name: "K", Building: "Montbrillant"}, {Name: "M", Capacity: 12}},
		Sessions: []kiosk.Session{
			{ID: "s-K", Title: "QK", Room: "K", Building: "Montbrillant", Start: nine, End: nine.Add(time.Hour), Status: kiosk.SessionScheduled},
			{ID: "s-M", Title: "QM", Room: "M", Start: nine, End: nine.Add(time.Hour), Status: kiosk.SessionScheduled},
		},
	}
	if err := s.ImportSchedule(ctx, meeting, next); err != nil {
		t.Fatal(err)
	}
	checkRooms(t, s, "after the schedule re-import", []kiosk.Room{
		{Name: "K", Building: "Montbrillant", Floor: "2", Capacity: 40, Overflow: "L"},
		{Name: "L", Building: "Tower", Floor: "1", Capacity: 30},
		{Name: "M", Capacity: 12},
	})
	apply(feed(t, s, 0)).deleted(t, "room Popov")
	// A schedule in L without building keeps L's; a capacity it gives wins.
	next.Rooms = []kiosk.Room{{Name: "L", Capacity: 35}}
	next.Sessions = []kiosk.Session{{ID: "s-L", Title: "QL", Room: "L", Start: nine, End: nine.Add(time.Hour), Status: kiosk.SessionScheduled}}
	if err := s.ImportSchedule(ctx, meeting, next); err != nil {
		t.Fatal(err)
	}
	checkRooms(t, s, "after a schedule of L only", []kiosk.Room{
		{Name: "K", Building: "Montbrillant", Floor: "2", Capacity: 40, Overflow: "L"},
		{Name: "L", Building: "Tower", Floor: "1", Capacity: 35},
		{Name: "M", Capacity: 12},
	})
}

// testRoomDoorTaps: taps at room doors are kept with their room and
// session, move no one in or out of the venue, and make each delegate's
// latest pass of the day the feed's presence, whatever order they are
// delivered in; resets are kept once each, the latest winning, audited.
func testRoomDoorTaps(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	if _, err := s.ReplaceRoster(ctx, roster()); err != nil {
		t.Fatal(err)
	}
	if err := s.ImportSchedule(ctx, meeting, roomsSchedule()); err != nil {
		t.Fatal(err)
	}
	door := func(id, delegate, dir string, at time.Time) wire.CheckinEvent {
		e := checkin(id, delegate, at, dir)
		e.Room, e.SessionID, e.Gate = "L", "s-L", "door-L"
		return e
	}
	entry := checkin("e0", "D1", nine.Add(-time.Hour), "in")
	refused := rejected("e4", "D2", "1234567890", kiosk.ReasonRoomFull, nine.Add(time.Hour))
	refused.Room, refused.SessionID = "L", "s-L"
	if _, _, err := s.AddCheckins(ctx, "north", []wire.CheckinEvent{entry, door("e1", "D1", "in", nine.Add(55*time.Minute)),
		door("e3", "D1", "out", nine.Add(90*time.Minute)), refused}, nine.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// An entry made earlier at another kiosk, delivered late, loses.
	if _, _, err := s.AddCheckins(ctx, "south", []wire.CheckinEvent{door("e2", "D1", "in", nine.Add(80*time.Minute))}, nine.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx, "2026-11-22")
	if err != nil || st.Arrivals != 1 || st.Inside != 1 {
		t.Errorf("stats %+v %v: want 1 arrival and 1 inside (door taps move no one in or out of the venue)", st, err)
	}
	if len(st.Gates) != 1 || st.Gates[0].Gate != "main" || st.Gates[0].In != 1 || st.Gates[0].Out != 0 ||
		st.Taps.Accepted != 4 || st.Taps.Rejected[kiosk.ReasonRoomFull] != 1 {
		t.Errorf("gates %+v taps %+v: want the entrance's one entry at gate main (door taps are no gate's), and every tap counted", st.Gates, st.Taps)
	}
	var rooms []string
	if err := s.Taps(ctx, "2026-11-22", func(r kiosk.TapRecord) error {
		rooms = append(rooms, r.ID+":"+r.Room+"/"+r.SessionID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"e0:/", "e1:L/s-L", "e4:L/s-L", "e2:L/s-L", "e3:L/s-L"}; !reflect.DeepEqual(rooms, want) {
		t.Errorf("taps %v, want %v", rooms, want)
	}
	p := apply(feed(t, s, 0)).upsert(t, "presence D1/2026-11-22").(*kiosk.Presence)
	if p.Direction != "out" || p.TapID != "e3" || p.Room != "L" || p.Kiosk != "north" || p.SessionID != "s-L" {
		t.Errorf("presence %+v, want D1's exit e3", *p)
	}
	if st := apply(feed(t, s, 0)); st["presence D2/2026-11-22"].Kind != "" {
		t.Error("a refused tap made a presence")
	}

	reset := kiosk.RoomReset{ID: "r1", Room: "L", Day: "2026-11-22", At: nine.Add(2 * time.Hour), By: "dana"}
	older := kiosk.RoomReset{ID: "r0", Room: "L", Day: "2026-11-22", At: nine.Add(time.Hour), By: "olga"}
	for i, tc := range []struct {
		resets []kiosk.RoomReset
		want   int
	}{{[]kiosk.RoomReset{reset}, 1}, {[]kiosk.RoomReset{reset}, 0}, {[]kiosk.RoomReset{older}, 0},
		{[]kiosk.RoomReset{{ID: "r2", Room: "Nowhere", Day: "2026-11-22", At: nine, By: "dana"}}, 1}} {
		if n, err := s.ApplyRoomResets(ctx, "south", tc.resets); err != nil || n != tc.want {
			t.Errorf("resets %d: %d new, %v; want %d", i, n, err, tc.want)
		}
	}
	r := apply(feed(t, s, 0)).upsert(t, "room L").(*kiosk.Room)
	if r.Reset == nil || !r.Reset.At.Equal(reset.At) || r.Reset.Day != "2026-11-22" {
		t.Errorf("room L reset %+v, want %v", r.Reset, reset.At)
	}
	log, err := s.AuditLog(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == "room.reset" {
			n++
			if e.Actor != "dana@south" {
				t.Errorf("audit actor %q, want dana@south", e.Actor)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d room.reset audit entries, want 2: %+v", n, log)
	}
}
