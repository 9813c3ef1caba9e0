package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
)

// ImportSchedule stores the meeting settings and replaces the schedule in
// one transaction, so that a failed import changes nothing. As on SQLite,
// every room and session is deleted and inserted anew (the change log
// carries the deletes and the upserts); a session an import moves to
// another room is marked with the room it was in (moved_from).
func (s *Store) ImportSchedule(ctx context.Context, m kiosk.Meeting, sch kiosk.Schedule) error {
	if err := kiosk.ValidateMeeting(m); err != nil {
		return err
	}
	return s.update(ctx, "replace schedule", func(tx pgx.Tx, _ time.Time) error {
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		if err := writeMeeting(ctx, tx, m); err != nil {
			return fmt.Errorf("set meeting: %w", err)
		}
		moved, err := movedSessions(ctx, tx, sch.Sessions)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM sessions`, `DELETE FROM rooms`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		if len(sch.Rooms) > 0 {
			var names, buildings, floors []string
			var capacities []int64
			for _, r := range sch.Rooms {
				names, buildings, floors = append(names, r.Name), append(buildings, r.Building), append(floors, r.Floor)
				capacities = append(capacities, int64(r.Capacity))
			}
			if _, err := tx.Exec(ctx, `INSERT INTO rooms (name, building, floor, capacity)
				SELECT u.name, u.building, u.floor, u.capacity::integer
				FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS u(name, building, floor, capacity)`,
				names, buildings, floors, capacities); err != nil {
				return fmt.Errorf("rooms: %w", err)
			}
		}
		if len(sch.Sessions) == 0 {
			return nil
		}
		loc := m.Location()
		n := len(sch.Sessions)
		ids, dates, rooms, buildings, titles, groups, statuses, movedFrom :=
			make([]string, n), make([]string, n), make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		starts, ends := make([]int64, n), make([]int64, n)
		for i, se := range sch.Sessions {
			ids[i], dates[i], starts[i], ends[i] = se.ID, kiosk.LocalDate(se.Start, loc), se.Start.UnixMicro(), se.End.UnixMicro()
			rooms[i], buildings[i], titles[i] = se.Room, se.Building, se.Title
			groups[i], statuses[i], movedFrom[i] = strings.Join(se.Groups, ";"), se.Status, moved[se.ID]
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id, date, start_us, end_us, room, building, title, groups, status, moved_from)
			SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[],
				$7::text[], $8::text[], $9::text[], $10::text[])`,
			ids, dates, starts, ends, rooms, buildings, titles, groups, statuses, movedFrom); err != nil {
			return fmt.Errorf("sessions: %w", err)
		}
		return nil
	})
}

// movedSessions finds the new sessions that an import moves to another
// room, by session id (stable in ICS) or else by start and title (CSV ids
// include the room), and returns the room each was in before, by new id.
// A session that had moved and stays put keeps its mark. Ambiguous
// matches (two sessions with the same start and title) are left unmarked.
func movedSessions(ctx context.Context, tx pgx.Tx, sessions []kiosk.Session) (map[string]string, error) {
	type old struct{ room, movedFrom string }
	byID := map[string]old{}
	byKey := map[string][]old{}
	var id, title string
	var start int64
	var o old
	rows, _ := tx.Query(ctx, `SELECT id, start_us, title, room, moved_from FROM sessions`)
	if _, err := pgx.ForEachRow(rows, []any{&id, &start, &title, &o.room, &o.movedFrom}, func() error {
		byID[id] = o
		k := fmt.Sprint(start, "\x00", title)
		byKey[k] = append(byKey[k], o)
		return nil
	}); err != nil {
		return nil, err
	}
	newKeys := map[string]int{}
	for _, se := range sessions {
		newKeys[fmt.Sprint(se.Start.UnixMicro(), "\x00", se.Title)]++
	}
	moved := map[string]string{}
	for _, se := range sessions {
		o, ok := byID[se.ID]
		if !ok {
			k := fmt.Sprint(se.Start.UnixMicro(), "\x00", se.Title)
			if len(byKey[k]) != 1 || newKeys[k] != 1 {
				continue
			}
			o = byKey[k][0]
		}
		switch {
		case o.room != se.Room:
			moved[se.ID] = o.room
		case o.movedFrom != "":
			moved[se.ID] = o.movedFrom
		}
	}
	return moved, nil
}
