package schedule_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/schedule"
)

func TestParseRooms(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []kiosk.Room
		lines map[string]int
		warns []string
	}{
		{
			name: "every column",
			in: "room,building,floor,capacity,overflow\n" +
				"Popov Room,Tower,2,120,Room K\n" +
				"Room K,Tower,1,40,\n",
			want: []kiosk.Room{
				{Name: "Popov Room", Building: "Tower", Floor: "2", Capacity: 120, Overflow: "Room K"},
				{Name: "Room K", Building: "Tower", Floor: "1", Capacity: 40},
			},
			lines: map[string]int{"Popov Room": 2, "Room K": 3},
		},
		{
			name: "BOM, semicolons, header in any case, quotes, blank lines, unknown column",
			in: "\ufeffROOM;Building;Capacity;Colour\n" +
				"\"Salle C; annexe\";Montbrillant;0;blue\n\n" +
				"\"Room\nL\";;100000;red\n",
			want: []kiosk.Room{
				{Name: "Salle C; annexe", Building: "Montbrillant"},
				{Name: "Room L", Capacity: 100000},
			},
			lines: map[string]int{"Salle C; annexe": 2, "Room L": 4},
			warns: []string{"1: Colour: unknown column, ignored"},
		},
		{
			name:  "only the required columns, empty capacity",
			in:    "room,building\nE,\n",
			want:  []kiosk.Room{{Name: "E"}},
			lines: map[string]int{"E": 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns, err := schedule.ParseRooms(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ParseRooms: %v", err)
			}
			if !reflect.DeepEqual(got.Rooms, tt.want) {
				t.Errorf("rooms = %+v\nwant %+v", got.Rooms, tt.want)
			}
			if !reflect.DeepEqual(got.Lines, tt.lines) {
				t.Errorf("lines = %v, want %v", got.Lines, tt.lines)
			}
			var ws []string
			for _, w := range warns {
				ws = append(ws, w.String())
			}
			if !reflect.DeepEqual(ws, tt.warns) {
				t.Errorf("warnings = %q, want %q", ws, tt.warns)
			}
		})
	}
}

func TestParseRoomsRejects(t *testing.T) {
	const head = "room,building,floor,capacity,overflow\n"
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty file", "", []string{"file is empty"}},
		{"missing column", "room,capacity\n", []string{"1: building: required column is missing"}},
		{"no rows", head, []string{"no rooms"}},
		{"not UTF-8", head + "Salle \xe9,Tower,,,\n", []string{"2: not valid UTF-8"}},
		{
			"bad rows, each named",
			head +
				",Tower,,10,\n" + // 2
				"A,Tower,,40,\n" + // 3
				"A,Tower,,40,\n" + // 4
				"B,Tower,,forty,\n" + // 5
				"C,Tower,,-1,\n" + // 6
				"D,Tower,,100001,\n" + // 7
				"E,Tower,,12.5,\n" + // 8
				"F,Tower,,,F\n" + // 9
				"G,Tower,,,A,extra\n" + // 10
				"\"H\",Tower,,\"1\"\"\",\n" + // 11
				"B,Tower,,4,\n", // 12
			[]string{
				"2: room: is empty",
				"4: room: room \"A\" is already on line 3",
				"5: capacity: \"forty\" is not a whole number from 0 to 100000",
				"6: capacity: \"-1\" is not a whole number",
				"7: capacity: \"100001\" is not a whole number",
				"8: capacity: \"12.5\" is not a whole number",
				"9: overflow: names the room itself",
				"10: row has 6 fields, the header has 5",
				"11: capacity: \"1\\\"\" is not a whole number",
				"12: room: room \"B\" is already on line 5",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := schedule.ParseRooms(strings.NewReader(tt.in))
			var probs kiosk.Problems
			if !errors.As(err, &probs) {
				t.Fatalf("err = %v, want kiosk.Problems", err)
			}
			if len(got.Rooms) != 0 {
				t.Errorf("rooms returned with errors: %+v", got.Rooms)
			}
			var ps []string
			for _, p := range probs {
				ps = append(ps, p.String())
			}
			if len(ps) != len(tt.want) {
				t.Fatalf("problems:\n  %s\nwant:\n  %s", strings.Join(ps, "\n  "), strings.Join(tt.want, "\n  "))
			}
			for i := range ps {
				if !strings.HasPrefix(ps[i], tt.want[i]) {
					t.Errorf("problem %d = %q, want prefix %q", i, ps[i], tt.want[i])
				}
			}
		})
	}
}

func FuzzParseRooms(f *testing.F) {
	f.Add("room,building,floor,capacity,overflow\nPopov,Tower,2,120,K\nK,Tower,1,40,\n")
	f.Add("\ufeffRoom;Building;Capacity\n\"Salle C\";Montbrillant;007\n")
	f.Add("room,building,capacity,overflow\nA,,99999999999999999999,A\nA,,1,\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, _, err := schedule.ParseRooms(strings.NewReader(in))
		if err != nil {
			var probs kiosk.Problems
			if !errors.As(err, &probs) || len(probs) == 0 || len(got.Rooms) != 0 {
				t.Fatalf("error %v (%T) with %d rooms", err, err, len(got.Rooms))
			}
			return
		}
		if len(got.Rooms) == 0 || len(got.Lines) != len(got.Rooms) {
			t.Fatalf("%d rooms, %d lines", len(got.Rooms), len(got.Lines))
		}
		for _, r := range got.Rooms {
			if r.Name == "" || r.Capacity < 0 || r.Capacity > kiosk.MaxCapacity || r.Overflow == r.Name || got.Lines[r.Name] < 2 {
				t.Fatalf("invalid room %+v (line %d)", r, got.Lines[r.Name])
			}
		}
	})
}

func TestParseICSCapacity(t *testing.T) {
	ev := func(uid, room, capacity string) string {
		lines := []string{"UID:" + uid, "SUMMARY:S " + uid, "LOCATION:" + room,
			"DTSTART;TZID=Europe/Zurich:20261124T090000", "DTEND;TZID=Europe/Zurich:20261124T100000"}
		if capacity != "" {
			lines = append(lines, "X-CHECKIN-CAPACITY:"+capacity)
		}
		return event(lines...)
	}
	s, _, err := schedule.ParseICS(strings.NewReader(calendar(
		ev("a", "Room K", "40"), ev("b", "Room K", ""), ev("c", "Room K", "40"), ev("d", "Popov", ""))), zurich)
	if err != nil {
		t.Fatal(err)
	}
	want := []kiosk.Room{{Name: "Popov"}, {Name: "Room K", Capacity: 40}}
	if !reflect.DeepEqual(s.Rooms, want) {
		t.Errorf("rooms = %+v, want %+v", s.Rooms, want)
	}
	// Each event is 7 lines from BEGIN:VEVENT; the first starts on line 4.
	s, _, err = schedule.ParseICS(strings.NewReader(calendar(
		ev("a", "Room K", "40"), ev("b", "Room K", "50"), ev("c", "Popov", "many"), ev("d", "L", "100001"))), zurich)
	checkProblems(t, s, err, []string{
		"18: X-CHECKIN-CAPACITY: 50, but line 10 gives room \"Room K\" a capacity of 40",
		"26: X-CHECKIN-CAPACITY: \"many\" is not a whole number from 0 to 100000",
		"34: X-CHECKIN-CAPACITY: \"100001\" is not a whole number",
	})
}
