package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

// Rooms returns every room, by name.
func (db *Venue) Rooms(ctx context.Context) ([]kiosk.Room, error) {
	rooms, err := readRooms(ctx, db.read)
	if err != nil {
		return nil, fmt.Errorf("rooms: %w", err)
	}
	return rooms, nil
}

func readRooms(ctx context.Context, q sqlitedb.Querier) ([]kiosk.Room, error) {
	return sqlitedb.Collect(ctx, q, func(rows *sql.Rows) (r kiosk.Room, err error) {
		return r, rows.Scan(&r.Name, &r.Building, &r.Floor, &r.Capacity, &r.Overflow)
	}, `SELECT name, building, floor, capacity, overflow FROM rooms ORDER BY name`)
}

// PlanRooms works out what ImportRoomsChecked would do with rooms,
// writing nothing (a read transaction).
func (db *Venue) PlanRooms(ctx context.Context, rooms []kiosk.Room) (kiosk.ImportPlan, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return kiosk.ImportPlan{}, fmt.Errorf("plan rooms: %w", err)
	}
	defer tx.Rollback()
	current, err := readRooms(ctx, tx)
	if err != nil {
		return kiosk.ImportPlan{}, fmt.Errorf("plan rooms: %w", err)
	}
	return kiosk.PlanRooms(current, rooms), nil
}

// ImportRoomsChecked stores a rooms file in one transaction, as
// kiosk.PlanRooms describes: each room is added or updated, every other
// room loses its capacity and overflow. It plans the import first and
// hands the plan to check (when not nil) before writing anything; an
// error from check is returned as it is. A *kiosk.OverflowError when an
// overflow names no room of the file or of the store, nothing written.
// Rows are written only where they change, so that the feed carries
// the rooms that did.
func (db *Venue) ImportRoomsChecked(ctx context.Context, rooms []kiosk.Room, check kiosk.ImportCheck) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import rooms: %w", err)
	}
	defer tx.Rollback()
	current, err := readRooms(ctx, tx)
	if err != nil {
		return fmt.Errorf("import rooms: %w", err)
	}
	if err := kiosk.CheckRooms(current, rooms, check); err != nil {
		return err
	}
	names, err := roomNames(rooms)
	if err != nil {
		return fmt.Errorf("import rooms: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rooms SET capacity = 0, overflow = ''
		WHERE (capacity <> 0 OR overflow <> '') AND name NOT IN (SELECT value FROM json_each(?))`, names); err != nil {
		return fmt.Errorf("import rooms: %w", err)
	}
	for _, r := range rooms {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rooms (name, building, floor, capacity, overflow) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET building = excluded.building, floor = excluded.floor,
				capacity = excluded.capacity, overflow = excluded.overflow
			WHERE (rooms.building, rooms.floor, rooms.capacity, rooms.overflow) IS NOT
				(excluded.building, excluded.floor, excluded.capacity, excluded.overflow)`,
			r.Name, r.Building, r.Floor, r.Capacity, r.Overflow); err != nil {
			return fmt.Errorf("import rooms: room %q: %w", r.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import rooms: commit: %w", err)
	}
	return nil
}

// roomNames is the names of rooms as a JSON array, for json_each.
func roomNames(rooms []kiosk.Room) (string, error) {
	names := make([]string, len(rooms))
	for i, r := range rooms {
		names[i] = r.Name
	}
	b, err := json.Marshal(names)
	return string(b), err
}

// upsertScheduleRooms adds the rooms of a schedule and updates those it
// knows with what the schedule gives of them (a building; floor, capacity
// and overflow when given, which only ICS's X-CHECKIN-CAPACITY does),
// keeping the rest: what `checkin import rooms` set survives a schedule
// import. Then it removes the rooms no session uses that hold nothing a
// schedule cannot give back (no floor, capacity or overflow) and that no
// room overflows to.
func upsertScheduleRooms(ctx context.Context, tx *sql.Tx, rooms []kiosk.Room) error {
	for _, r := range rooms {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rooms (name, building, floor, capacity, overflow) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET
				building = CASE WHEN excluded.building <> '' THEN excluded.building ELSE rooms.building END,
				floor = CASE WHEN excluded.floor <> '' THEN excluded.floor ELSE rooms.floor END,
				capacity = CASE WHEN excluded.capacity > 0 THEN excluded.capacity ELSE rooms.capacity END,
				overflow = CASE WHEN excluded.overflow <> '' THEN excluded.overflow ELSE rooms.overflow END
			WHERE excluded.building NOT IN ('', rooms.building) OR excluded.floor NOT IN ('', rooms.floor)
				OR excluded.capacity NOT IN (0, rooms.capacity) OR excluded.overflow NOT IN ('', rooms.overflow)`,
			r.Name, r.Building, r.Floor, r.Capacity, r.Overflow); err != nil {
			return fmt.Errorf("room %q: %w", r.Name, err)
		}
	}
	names, err := roomNames(rooms)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM rooms WHERE floor = '' AND capacity = 0 AND overflow = ''
		AND name NOT IN (SELECT room FROM sessions) AND name NOT IN (SELECT overflow FROM rooms)
		AND name NOT IN (SELECT value FROM json_each(?))`, names)
	return err
}
