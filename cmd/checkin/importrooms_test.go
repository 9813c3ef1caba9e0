package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
	"checkin/sync/registry"
	"checkin/sync/registry/postgres"
	"checkin/sync/registry/postgres/pgtest"
)

// exampleRooms are the rooms of assets/examples/rooms.csv.
var exampleRooms = []kiosk.Room{
	{Name: "Montbrillant Registration", Building: "Montbrillant", Floor: "0"},
	{Name: "Popov Room", Building: "Tower", Floor: "2", Capacity: 250, Overflow: "Room K"},
	{Name: "Room K", Building: "Tower", Floor: "1", Capacity: 120, Overflow: "Room L"},
	{Name: "Room L", Building: "Tower", Floor: "1", Capacity: 80},
}

// roomsIn reads the rooms of a kiosk data directory.
func roomsIn(t *testing.T, data string) []kiosk.Room {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(data, dbFile))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rooms, err := db.Rooms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rooms
}

// TestImportRooms: on a kiosk data directory, a dry run writes nothing (no
// database at all before the first import), the example imports, a bad
// file exits 2 naming every bad row and changes nothing, an overflow to
// an unknown room is refused with its line, and schedule re-imports (CSV,
// then ICS with X-CHECKIN-CAPACITY) keep what the rooms file set.
func TestImportRooms(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	roomsCSV := filepath.Join(examples, "rooms.csv")

	code, stdout, stderr := run(t, nil, "", "import", "rooms", "--data", data, "--dry-run", roomsCSV)
	if code != 0 || !strings.Contains(stdout, "rooms: would add 4, change 0, remove 0, keep 0") || !strings.Contains(stdout, "nothing written") {
		t.Errorf("dry run on nothing: %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(data, dbFile)); !os.IsNotExist(err) {
		t.Errorf("the dry run made a database: %v", err)
	}
	if code, _, stderr := run(t, nil, "", "import", "schedule", "--data", data, filepath.Join(examples, "schedule.csv")); code != 0 {
		t.Fatalf("schedule: %d %s", code, stderr)
	}
	code, stdout, stderr = run(t, nil, "", "import", "rooms", "--data", data, roomsCSV)
	if code != 0 || stderr != "" || !strings.Contains(stdout, "rooms.csv: 4 rooms, 3 with a capacity") ||
		!strings.Contains(stdout, "rooms: added 0, changed 4, removed 0, kept 0") {
		t.Fatalf("import: %d\n%s\n%s", code, stdout, stderr)
	}
	if got := roomsIn(t, data); !reflect.DeepEqual(got, exampleRooms) {
		t.Errorf("rooms = %+v\nwant %+v", got, exampleRooms)
	}

	// A dry run of a change writes nothing; a bad file and an unknown
	// overflow exit 2 and write nothing.
	less := writeFile(t, dir, "less.csv", "room,building,capacity\nRoom L,Tower,60\n")
	code, stdout, _ = run(t, nil, "", "import", "rooms", "--data", data, "--dry-run", less)
	if code != 0 || !strings.Contains(stdout, "rooms: would add 0, change 3, remove 0, keep 1") {
		t.Errorf("dry run: %d\n%s", code, stdout)
	}
	bad := writeFile(t, dir, "bad.csv", "Room;Building;Capacity;Overflow;Colour\n"+
		"Room K;Tower;lots;;red\n"+
		";Tower;10;;\n"+
		"Room L;Tower;10;Room L;\n"+
		"Room K;Tower;10;;\n")
	code, _, stderr = run(t, nil, "", "import", "rooms", "--data", data, bad)
	for _, want := range []string{
		"bad.csv:1: Colour: unknown column, ignored (warning)",
		"bad.csv:2: capacity: \"lots\" is not a whole number from 0 to 100000",
		"bad.csv:3: room: is empty",
		"bad.csv:4: overflow: names the room itself",
		"bad.csv:5: room: room \"Room K\" is already on line 2",
	} {
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("bad file: code %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}
	unknown := writeFile(t, dir, "unknown.csv", "room,building,overflow\nRoom L,Tower,\nRoom Z,Annex,Room Y\n")
	for _, dry := range []bool{true, false} {
		args := []string{"import", "rooms", "--data", data, unknown}
		if dry {
			args = append(args[:4], "--dry-run", unknown)
		}
		code, _, stderr = run(t, nil, "", args...)
		if code != 2 || !strings.Contains(stderr, `unknown.csv:3: overflow: "Room Y" is neither a room of this file nor a known room`) {
			t.Errorf("unknown overflow (dry run %v): code %d, stderr %q", dry, code, stderr)
		}
	}
	if got := roomsIn(t, data); !reflect.DeepEqual(got, exampleRooms) {
		t.Errorf("after the dry run and the refused files, rooms = %+v\nwant %+v", got, exampleRooms)
	}

	// Schedule re-imports keep floors, capacities and overflows; the ICS
	// gives Room K a capacity of its own.
	if code, _, stderr := run(t, nil, "", "import", "schedule", "--data", data, filepath.Join(examples, "schedule.csv")); code != 0 {
		t.Fatalf("schedule again: %d %s", code, stderr)
	}
	if got := roomsIn(t, data); !reflect.DeepEqual(got, exampleRooms) {
		t.Errorf("after the schedule again, rooms = %+v\nwant %+v", got, exampleRooms)
	}
	if code, _, stderr := run(t, nil, "", "import", "schedule", "--data", data, "--replace", filepath.Join(examples, "schedule.ics")); code != 0 {
		t.Fatalf("schedule.ics: %d %s", code, stderr)
	}
	want := append([]kiosk.Room(nil), exampleRooms...)
	want[2].Capacity = 120 // X-CHECKIN-CAPACITY:120, as the rooms file says
	if got := roomsIn(t, data); !reflect.DeepEqual(got, want) {
		t.Errorf("after the ICS schedule, rooms = %+v\nwant %+v", got, want)
	}
}

// TestImportRoomsPostgres: the same import on the registry's PostgreSQL
// database (--db), where a dry run moves no feed and the import moves it.
func TestImportRoomsPostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	ctx := context.Background()
	if code, _, stderr := run(t, nil, "", "import", "schedule", "--db", db, filepath.Join(examples, "schedule.csv")); code != 0 {
		t.Fatalf("schedule: %d %s", code, stderr)
	}
	store, err := postgres.Open(ctx, db, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	before, err := store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	roomsCSV := filepath.Join(examples, "rooms.csv")
	if code, stdout, stderr := run(t, nil, "", "import", "rooms", "--db", db, "--dry-run", roomsCSV); code != 0 || !strings.Contains(stdout, "would add 0, change 4") {
		t.Errorf("dry run: %d\n%s\n%s", code, stdout, stderr)
	}
	if h, _ := store.Head(ctx); h != before {
		t.Errorf("the dry run moved the feed from %d to %d", before, h)
	}
	if code, stdout, stderr := run(t, nil, "", "import", "rooms", "--db", db, roomsCSV); code != 0 {
		t.Fatalf("import: %d\n%s\n%s", code, stdout, stderr)
	}
	var venue registry.Venue = store
	if got, err := venue.Rooms(ctx); err != nil || !reflect.DeepEqual(got, exampleRooms) {
		t.Errorf("rooms = %+v, %v\nwant %+v", got, err, exampleRooms)
	}
	if h, _ := store.Head(ctx); h <= before {
		t.Errorf("the import did not move the feed (head %d)", h)
	}
}
