package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
)

// Rooms returns every room, by name.
func (s *Store) Rooms(ctx context.Context) ([]kiosk.Room, error) {
	var rooms []kiosk.Room
	err := s.readOnly(ctx, func(tx pgx.Tx) (err error) {
		rooms, err = readRooms(ctx, tx)
		return err
	})
	return rooms, wrap("rooms", err)
}

func readRooms(ctx context.Context, tx pgx.Tx) ([]kiosk.Room, error) {
	rows, _ := tx.Query(ctx, `SELECT name, building, floor, capacity, overflow FROM rooms ORDER BY name COLLATE "C"`)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (r kiosk.Room, err error) {
		return r, row.Scan(&r.Name, &r.Building, &r.Floor, &r.Capacity, &r.Overflow)
	})
}

// PlanRooms works out what ImportRoomsChecked would do with rooms,
// writing nothing (a read-only snapshot).
func (s *Store) PlanRooms(ctx context.Context, rooms []kiosk.Room) (kiosk.ImportPlan, error) {
	var p kiosk.ImportPlan
	err := s.readOnly(ctx, func(tx pgx.Tx) error {
		current, err := readRooms(ctx, tx)
		p = kiosk.PlanRooms(current, rooms)
		return err
	})
	return p, wrap("plan rooms", err)
}

// ImportRoomsChecked stores a rooms file in one transaction, under the
// change log's lock, as the SQLite store does: each room is added or
// updated, every other room loses its capacity and overflow, rows are
// written only where they change. A *kiosk.OverflowError when an
// overflow names no room of the file or of the store; an error from check
// is returned as it is; either way nothing is written.
func (s *Store) ImportRoomsChecked(ctx context.Context, rooms []kiosk.Room, check kiosk.ImportCheck) error {
	return s.update(ctx, "import rooms", func(tx pgx.Tx, _ time.Time) error {
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		current, err := readRooms(ctx, tx)
		if err != nil {
			return err
		}
		if err := kiosk.CheckRooms(current, rooms, check); err != nil {
			return err
		}
		names, buildings, floors, capacities, overflows := roomColumns(rooms)
		if _, err := tx.Exec(ctx, `UPDATE rooms SET capacity = 0, overflow = ''
			WHERE (capacity <> 0 OR overflow <> '') AND name <> ALL($1::text[])`, names); err != nil {
			return fmt.Errorf("rooms not in the file: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO rooms (name, building, floor, capacity, overflow)
			SELECT u.name, u.building, u.floor, u.capacity::integer, u.overflow
			FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS u(name, building, floor, capacity, overflow)
			ON CONFLICT (name) DO UPDATE SET building = excluded.building, floor = excluded.floor,
				capacity = excluded.capacity, overflow = excluded.overflow
			WHERE (rooms.building, rooms.floor, rooms.capacity, rooms.overflow) IS DISTINCT FROM
				(excluded.building, excluded.floor, excluded.capacity, excluded.overflow)`,
			names, buildings, floors, capacities, overflows); err != nil {
			return fmt.Errorf("rooms: %w", err)
		}
		return nil
	})
}

// roomColumns splits rooms into column arrays for unnest.
func roomColumns(rooms []kiosk.Room) (names, buildings, floors []string, capacities []int64, overflows []string) {
	n := len(rooms)
	names, buildings, floors, capacities, overflows = make([]string, n), make([]string, n), make([]string, n), make([]int64, n), make([]string, n)
	for i, r := range rooms {
		names[i], buildings[i], floors[i], capacities[i], overflows[i] = r.Name, r.Building, r.Floor, int64(r.Capacity), r.Overflow
	}
	return names, buildings, floors, capacities, overflows
}

// upsertScheduleRooms is the SQLite store's: a schedule's rooms are added
// or updated with what the schedule gives (a building; floor, capacity,
// overflow when given), the rest kept; then the rooms no session uses
// that hold nothing a schedule cannot give back, and that no room
// overflows to, are removed.
func upsertScheduleRooms(ctx context.Context, tx pgx.Tx, rooms []kiosk.Room) error {
	names, buildings, floors, capacities, overflows := roomColumns(rooms)
	if _, err := tx.Exec(ctx, `INSERT INTO rooms (name, building, floor, capacity, overflow)
		SELECT u.name, u.building, u.floor, u.capacity::integer, u.overflow
		FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS u(name, building, floor, capacity, overflow)
		ON CONFLICT (name) DO UPDATE SET
			building = CASE WHEN excluded.building <> '' THEN excluded.building ELSE rooms.building END,
			floor = CASE WHEN excluded.floor <> '' THEN excluded.floor ELSE rooms.floor END,
			capacity = CASE WHEN excluded.capacity > 0 THEN excluded.capacity ELSE rooms.capacity END,
			overflow = CASE WHEN excluded.overflow <> '' THEN excluded.overflow ELSE rooms.overflow END
		WHERE excluded.building NOT IN ('', rooms.building) OR excluded.floor NOT IN ('', rooms.floor)
			OR excluded.capacity NOT IN (0, rooms.capacity) OR excluded.overflow NOT IN ('', rooms.overflow)`,
		names, buildings, floors, capacities, overflows); err != nil {
		return fmt.Errorf("rooms: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM rooms WHERE floor = '' AND capacity = 0 AND overflow = ''
		AND name NOT IN (SELECT room FROM sessions) AND name NOT IN (SELECT overflow FROM rooms)
		AND name <> ALL($1::text[])`, names); err != nil {
		return fmt.Errorf("unused rooms: %w", err)
	}
	return nil
}

// ApplyRoomResets stores room count resets made at a kiosk, each audited
// as made by its staff login at that kiosk, in one transaction. A reset no
// later than the room's last one changes nothing and is not audited
// again. Returns how many were new.
func (s *Store) ApplyRoomResets(ctx context.Context, kioskID string, resets []kiosk.RoomReset) (int, error) {
	n := 0
	err := s.update(ctx, "room resets", func(tx pgx.Tx, _ time.Time) error {
		n = 0
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		for _, r := range resets {
			tag, err := tx.Exec(ctx, `INSERT INTO rooms (name, reset_day, reset_us) VALUES ($1, $2, $3)
				ON CONFLICT (name) DO UPDATE SET reset_day = excluded.reset_day, reset_us = excluded.reset_us
				WHERE excluded.reset_us > rooms.reset_us`, r.Room, r.Day, r.At.UnixMicro())
			if err != nil {
				return fmt.Errorf("reset room %q: %w", r.Room, err)
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			n++
			if _, err := tx.Exec(ctx, `INSERT INTO audit_log (at_us, actor, action, detail) VALUES ($1, $2, $3, $4)`,
				r.At.UnixMicro(), r.By+"@"+kioskID, "room.reset", r.Room); err != nil {
				return fmt.Errorf("audit room reset: %w", err)
			}
		}
		return nil
	})
	return n, err
}
