package schedule

import (
	"fmt"
	"io"

	"checkin/kiosk"
	"checkin/kiosk/csvin"
)

// Columns of the rooms CSV.
const (
	colFloor    = "floor"
	colCapacity = "capacity"
	colOverflow = "overflow"
)

// RoomColumns are the rooms CSV's columns, with what each means.
var RoomColumns = []csvin.Column{
	csvin.Required(colRoom, "the room, named as the schedule names it (its LOCATION or room column)"),
	csvin.Required(colBuilding, "the building; the column is required, a value may be empty"),
	csvin.Optional(colFloor, "the floor, as signs say it (2, Ground, -1)"),
	csvin.Optional(colCapacity, fmt.Sprintf("how many people the room holds, a whole number 0 to %d; empty or 0: no limit", kiosk.MaxCapacity)),
	csvin.Optional(colOverflow, "the room to send people to when this one is full: a room of this file or one already known"),
}

var roomColumns, roomRequired = csvin.Names(RoomColumns)

// Rooms is a parsed rooms file: its rooms in file order, and the line of
// each room by name (for errors found later, against the rooms a store
// already knows).
type Rooms struct {
	Rooms []kiosk.Room
	Lines map[string]int
}

// ParseRooms reads a rooms CSV (`room,building[,floor][,capacity][,overflow]`).
// On any bad row it returns kiosk.Problems naming every one, and no rooms.
// An overflow naming a room not in the file is left for the import to
// check against the rooms it knows (kiosk.PlanRooms).
func ParseRooms(r io.Reader) (Rooms, []kiosk.Problem, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Rooms{}, nil, fmt.Errorf("read rooms: %w", err)
	}
	rd := csvin.Open(data, roomColumns, roomRequired)
	if len(rd.Problems) > 0 {
		return Rooms{}, rd.Warnings, rd.Problems
	}
	out := Rooms{Lines: map[string]int{}}
	for {
		row, ok := rd.Next()
		if !ok {
			break
		}
		room, ok := parseRoomRow(rd, row)
		if first, dup := out.Lines[room.Name]; dup && room.Name != "" {
			rd.Fail(row.Line(colRoom), colRoom, "room %q is already on line %d", csvin.Clip(room.Name), first)
			continue
		}
		if room.Name != "" {
			out.Lines[room.Name] = row.Line(colRoom) // a bad row's too: a second row of the room is named
		}
		if ok {
			out.Rooms = append(out.Rooms, room)
		}
	}
	if len(rd.Problems) == 0 && len(out.Rooms) == 0 {
		rd.Fail(0, "", "no rooms: the file has a header but no rows")
	}
	if len(rd.Problems) > 0 {
		return Rooms{}, rd.Warnings, rd.Problems
	}
	return out, rd.Warnings, nil
}

func parseRoomRow(rd *csvin.Reader, row csvin.Row) (kiosk.Room, bool) {
	nerr := len(rd.Problems)
	text := func(column string, required bool) string { return textField(rd, row, column, required) }
	r := kiosk.Room{
		Name:     text(colRoom, true),
		Building: text(colBuilding, false),
		Floor:    text(colFloor, false),
		Overflow: text(colOverflow, false),
	}
	capacity, err := kiosk.ParseCapacity(row.Get(colCapacity))
	if err != nil {
		rd.Fail(row.Line(colCapacity), colCapacity, "%v", err)
	}
	r.Capacity = capacity
	if r.Overflow != "" && r.Overflow == r.Name {
		rd.Fail(row.Line(colOverflow), colOverflow, "names the room itself: give another room, or leave it empty")
	}
	return r, len(rd.Problems) == nerr
}
