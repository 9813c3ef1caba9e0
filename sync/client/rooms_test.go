package client_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"checkin/kiosk"
)

// TestRoomsReachKiosks: rooms with their capacity and overflow reach a
// kiosk through the registry's feed; a rooms import that changes them,
// and a schedule re-import that keeps them, reach it too.
func TestRoomsReachKiosks(t *testing.T) {
	v := newVenue(t, 3)
	ctx := context.Background()
	m := kiosk.Meeting{ID: "SG12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}
	nine := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	sch := kiosk.Schedule{Rooms: []kiosk.Room{{Name: "K", Building: "Tower"}, {Name: "L", Building: "Tower"}}}
	for i, room := range []string{"K", "L"} {
		sch.Sessions = append(sch.Sessions, kiosk.Session{ID: "s-" + room, Title: "Q" + room, Room: room, Building: "Tower",
			Start: nine.Add(time.Duration(i) * time.Hour), End: nine.Add(time.Duration(i+1) * time.Hour), Status: kiosk.SessionScheduled})
	}
	if err := v.admin.ImportSchedule(ctx, m, sch); err != nil {
		t.Fatal(err)
	}
	rooms := []kiosk.Room{
		{Name: "K", Building: "Tower", Floor: "2", Capacity: 40, Overflow: "Popov"},
		{Name: "L", Building: "Tower", Floor: "1", Capacity: 30},
		{Name: "Popov", Building: "Tower", Floor: "3", Capacity: 300},
	}
	if err := v.admin.ImportRoomsChecked(ctx, rooms, nil); err != nil {
		t.Fatal(err)
	}
	db := newKiosk(t)
	runClient(t, v, db, nil)
	waitRooms := func(what string, want []kiosk.Room) {
		t.Helper()
		var got []kiosk.Room
		waitFor(t, what, func() bool {
			got, _ = db.Rooms(ctx)
			return reflect.DeepEqual(got, want)
		})
	}
	waitRooms("rooms with capacities at the kiosk", rooms)

	// A file of L alone: K and Popov lose capacity and overflow.
	if err := v.admin.ImportRoomsChecked(ctx, []kiosk.Room{{Name: "L", Building: "Tower", Floor: "1", Capacity: 35, Overflow: "K"}}, nil); err != nil {
		t.Fatal(err)
	}
	next := []kiosk.Room{{Name: "K", Building: "Tower", Floor: "2"}, {Name: "L", Building: "Tower", Floor: "1", Capacity: 35, Overflow: "K"},
		{Name: "Popov", Building: "Tower", Floor: "3"}}
	waitRooms("changed capacities at the kiosk", next)

	// The schedule again, L in another building: L keeps its capacity.
	sch.Rooms[1].Building, sch.Sessions[1].Building = "Montbrillant", "Montbrillant"
	if err := v.admin.ImportSchedule(ctx, m, sch); err != nil {
		t.Fatal(err)
	}
	next[1].Building = "Montbrillant"
	waitRooms("rooms after a schedule re-import", next)
}
