package kiosk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
)

func TestOccupancyCountsLatestPassOfEachDelegate(t *testing.T) {
	at := func(min int) time.Time { return time.Date(2026, 11, 22, 9, min, 0, 0, time.UTC) }
	pass := func(d, room, dir string, min int) kiosk.Presence {
		return kiosk.Presence{DelegateID: d, Day: "2026-11-22", Room: room, Direction: dir, At: at(min), TapID: d + room + dir}
	}
	var o kiosk.Occupancy
	if got := o.Pass(pass("D1", "K", "in", 1)); got != nil {
		t.Errorf("before Load: changed %v", got)
	}
	o.Load("2026-11-22", []kiosk.Presence{pass("D1", "K", "in", 1), pass("D2", "K", "in", 2),
		{DelegateID: "D3", Day: "2026-11-21", Room: "K", Direction: "in", At: at(3), TapID: "x"}}, nil)
	if n := o.Inside("K"); n != 2 {
		t.Fatalf("inside K after load %d, want 2 (another day's pass left out)", n)
	}
	steps := []struct {
		p       kiosk.Presence
		changed []string
		k, l    int
	}{
		{pass("D3", "K", "in", 4), []string{"K"}, 3, 0},
		{pass("D3", "K", "in", 5), nil, 3, 0},                // tapped twice: counted once
		{pass("D1", "L", "in", 6), []string{"K", "L"}, 2, 1}, // into another room: out of the first
		{pass("D1", "K", "in", 5), nil, 2, 1},                // an older pass heard late changes nothing
		{pass("D2", "K", "out", 7), []string{"K"}, 1, 1},
		{pass("D2", "K", "out", 8), nil, 1, 1}, // out twice: never below the others
		{pass("D4", "L", "out", 9), nil, 1, 1}, // out without in: nobody less
		{kiosk.Presence{DelegateID: "D5", Day: "2026-11-23", Room: "K", Direction: "in", At: at(9), TapID: "y"}, nil, 1, 1},
	}
	for i, s := range steps {
		got := o.Pass(s.p)
		if !slices.Equal(got, s.changed) || o.Inside("K") != s.k || o.Inside("L") != s.l {
			t.Errorf("step %d %+v: changed %v inside K %d L %d, want %v %d %d", i, s.p, got, o.Inside("K"), o.Inside("L"), s.changed, s.k, s.l)
		}
	}
	if !o.IsInside("D3", "K") || o.IsInside("D3", "L") || o.IsInside("D2", "K") {
		t.Error("IsInside wrong")
	}
	// Staff empty K: earlier entries stop counting, later ones count.
	if !o.Reset("K", "2026-11-22", at(10)) || o.Inside("K") != 0 || o.Inside("L") != 1 {
		t.Fatalf("after reset: K %d L %d", o.Inside("K"), o.Inside("L"))
	}
	if o.Reset("K", "2026-11-22", at(9)) {
		t.Error("an older reset applied")
	}
	if o.IsInside("D3", "K") {
		t.Error("D3 still inside K after the reset")
	}
	o.Pass(pass("D6", "K", "in", 11))
	if o.Inside("K") != 1 {
		t.Errorf("entry after reset: K %d, want 1", o.Inside("K"))
	}
	// The same count whatever the order the passes arrive in.
	var p kiosk.Occupancy
	p.Load("2026-11-22", nil, nil)
	for _, s := range slices.Backward(steps) {
		p.Pass(s.p)
	}
	p.Pass(pass("D1", "K", "in", 1))
	p.Pass(pass("D2", "K", "in", 2))
	if p.Inside("K") != 1 || p.Inside("L") != 1 {
		t.Errorf("reverse order: K %d L %d, want 1 1", p.Inside("K"), p.Inside("L"))
	}
}

func TestRoomStatusJSON(t *testing.T) {
	var o kiosk.Occupancy
	o.Load("2026-11-22", []kiosk.Presence{{DelegateID: "D1", Day: "2026-11-22", Room: "K", Direction: "in", At: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), TapID: "a"}}, nil)
	zurich, _ := time.LoadLocation("Europe/Zurich")
	s := kiosk.Session{ID: "s1", Title: "Plenary", Room: "K", Start: time.Date(2026, 11, 22, 9, 0, 0, 0, zurich), End: time.Date(2026, 11, 22, 12, 0, 0, 0, zurich)}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, zurich)
	got := kiosk.RoomStatuses([]kiosk.Room{{Name: "K", Capacity: 1}, {Name: "L"}}, []kiosk.Session{s, {ID: "s2", Room: "M", Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)}}, &o, now)
	if len(got) != 3 || got[0].Session == nil || got[0].Session.ID != "s1" || got[2].Name != "M" || got[2].Next == nil {
		t.Fatalf("statuses %+v", got)
	}
	b, err := got[0].MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"inside":1`, `"seats_left":0`, `"full":true`, `"capacity":1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	if b, _ := got[1].MarshalJSON(); !strings.Contains(string(b), `"seats_left":null`) || !strings.Contains(string(b), `"full":false`) {
		t.Errorf("no capacity: %s", b)
	}
}
