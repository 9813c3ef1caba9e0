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
// every session is deleted and inserted anew (the change log carries the
// deletes and the upserts), and rooms are kept and updated
// (upsertScheduleRooms); a session an import moves to another room is
// marked with the room it was in (moved_from).
func (s *Store) ImportSchedule(ctx context.Context, m kiosk.Meeting, sch kiosk.Schedule) error {
	return s.ImportScheduleChecked(ctx, m, sch, "", nil)
}

// keyScheduleFormat is the setting that remembers the format ("ics",
// "csv") of the last schedule import; not a meeting.* key, so never in
// the feed.
const keyScheduleFormat = "import.schedule_format"

// PlanSchedule works out what importing sch from a file in format would
// do to the sessions, writing nothing (a read-only snapshot, no lock).
func (s *Store) PlanSchedule(ctx context.Context, sch kiosk.Schedule, format string) (kiosk.ImportPlan, error) {
	var p kiosk.ImportPlan
	err := s.readOnly(ctx, func(tx pgx.Tx) (err error) {
		p, err = planSchedule(ctx, tx, sch, format)
		return err
	})
	return p, wrap("plan schedule", err)
}

func planSchedule(ctx context.Context, tx pgx.Tx, sch kiosk.Schedule, format string) (kiosk.ImportPlan, error) {
	rows, _ := tx.Query(ctx, `SELECT id, start_us, end_us, room, building, title, groups, status FROM sessions`)
	current, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (se kiosk.Session, err error) {
		var start, end int64
		var groups string
		err = row.Scan(&se.ID, &start, &end, &se.Room, &se.Building, &se.Title, &groups, &se.Status)
		se.Start, se.End = timeOf(start), timeOf(end)
		if groups != "" {
			se.Groups = strings.Split(groups, ";")
		}
		return se, err
	})
	if err != nil {
		return kiosk.ImportPlan{}, err
	}
	var previous string
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT value FROM settings WHERE key = $1), '')`, keyScheduleFormat).Scan(&previous); err != nil {
		return kiosk.ImportPlan{}, err
	}
	return kiosk.PlanSchedule(current, previous, sch.Sessions, format), nil
}

// ImportScheduleChecked is ImportSchedule from a file in format (kept as
// the schedule's format when not ""), which first plans the import in its
// transaction, under the change log's lock, and hands the plan to check
// (when not nil) before writing anything: an error from check ends the
// import with nothing written (no change logged, no NOTIFY).
func (s *Store) ImportScheduleChecked(ctx context.Context, m kiosk.Meeting, sch kiosk.Schedule, format string, check kiosk.ImportCheck) error {
	if err := kiosk.ValidateMeeting(m); err != nil {
		return err
	}
	return s.update(ctx, "replace schedule", func(tx pgx.Tx, _ time.Time) error {
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		if check != nil {
			p, err := planSchedule(ctx, tx, sch, format)
			if err != nil {
				return err
			}
			if err := check(p); err != nil {
				return err
			}
		}
		if err := writeMeeting(ctx, tx, m); err != nil {
			return fmt.Errorf("set meeting: %w", err)
		}
		if format != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keyScheduleFormat, format); err != nil {
				return fmt.Errorf("schedule format: %w", err)
			}
		}
		moved, err := movedSessions(ctx, tx, sch.Sessions)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions`); err != nil {
			return err
		}
		if len(sch.Sessions) == 0 {
			return upsertScheduleRooms(ctx, tx, sch.Rooms)
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
		return upsertScheduleRooms(ctx, tx, sch.Rooms)
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
