package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"checkin/kiosk"
	"checkin/kiosk/schedule"
)

// roomsFormat is the rooms CSV, as --help shows it.
var roomsFormat = importFormat{
	intro:   "The rooms CSV: " + csvRules + ". Columns",
	columns: schedule.RoomColumns,
	example: "rooms.csv",
	flag:    "example",
}

// roomsTarget is what a rooms import needs of the venue's data.
type roomsTarget interface {
	PlanRooms(ctx context.Context, rooms []kiosk.Room) (kiosk.ImportPlan, error)
	ImportRoomsChecked(ctx context.Context, rooms []kiosk.Room, check kiosk.ImportCheck) error
}

// PlanRooms plans a rooms import into a data directory without a
// database: every room is new, and an overflow must be in the file.
func (nothing) PlanRooms(_ context.Context, rooms []kiosk.Room) (kiosk.ImportPlan, error) {
	return kiosk.PlanRooms(nil, rooms), nil
}

func (nothing) ImportRoomsChecked(context.Context, []kiosk.Room, kiosk.ImportCheck) error {
	return errors.New("a dry run imports nothing")
}

func runImportRooms(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("import rooms", "import rooms (--data DIR | --db URL) [--dry-run] FILE.csv\n\n"+
		"Describes the rooms, all or nothing: a bad row rejects the file and every bad row is named\n"+
		"(FILE:LINE: column: why). Each room of the file is added or updated (building, floor, capacity,\n"+
		"overflow). Rooms not in the file stay (the schedule may use them) but lose their capacity and\n"+
		"overflow: the file is the whole truth about capacities. A schedule import keeps what this sets.\n\n"+
		roomsFormat.help(), e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	imp := &importFlags{} // no --replace: a rooms import removes nothing
	fs.BoolVar(&imp.dryRun, "dry-run", false, "print what would be added and changed (counts and the first rooms), and write nothing")
	example := roomsFormat.addExampleFlag(fs)
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if *example {
		return roomsFormat.printExample(e)
	}
	if err := data.check(fs); err != nil {
		return err
	}
	var file schedule.Rooms
	name, err := readImportFile(e, "import rooms", rest, func(body string) (warns []kiosk.Problem, err error) {
		file, warns, err = schedule.ParseRooms(strings.NewReader(body))
		return warns, err
	})
	if err != nil {
		return err
	}
	if imp.onNothing(data.location()) {
		return importRooms(ctx, e, nothing{}, name, file, imp)
	}
	db, closeDB, err := e.openVenueAt(data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	return importRooms(ctx, e, db, name, file, imp)
}

// importRooms stores a parsed rooms file and says what changed; an
// overflow to an unknown room fails it (a dry run too) with the file's
// lines.
func importRooms(ctx context.Context, e *env, db roomsTarget, name string, file schedule.Rooms, imp *importFlags) error {
	plan, done, err := imp.run(e, name, func() (kiosk.ImportPlan, error) {
		return db.PlanRooms(ctx, file.Rooms)
	}, func(check kiosk.ImportCheck) error {
		return db.ImportRoomsChecked(ctx, file.Rooms, check)
	})
	var overflow *kiosk.OverflowError
	switch {
	case errors.As(err, &overflow):
		return unknownOverflow(name, file.Lines, overflow.Rooms)
	case err != nil:
		return fmt.Errorf("import rooms: %w", err)
	case !done && len(plan.UnknownOverflow) > 0:
		return unknownOverflow(name, file.Lines, plan.UnknownOverflow) // the dry run fails as the import would
	case done:
		withCapacity := 0
		for _, r := range file.Rooms {
			if r.Capacity > 0 {
				withCapacity++
			}
		}
		fmt.Fprintf(e.stdout, "%s: %d rooms, %d with a capacity\n", name, len(file.Rooms), withCapacity)
		fmt.Fprintf(e.stdout, "  %s\n", plan.Summary(false))
	}
	return nil
}

// unknownOverflow names each row whose overflow is neither in the file
// nor a known room.
func unknownOverflow(name string, lines map[string]int, rooms []kiosk.Room) error {
	var probs []kiosk.Problem
	for _, r := range rooms {
		probs = append(probs, kiosk.Problem{Line: lines[r.Name], Column: "overflow",
			Msg: fmt.Sprintf("%q is neither a room of this file nor a known room", r.Overflow)})
	}
	return fileProblems(name, probs)
}
