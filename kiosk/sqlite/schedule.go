package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

// ReplaceSchedule replaces every session, and updates rooms, in one transaction.
func (db *Venue) ReplaceSchedule(ctx context.Context, s kiosk.Schedule) error {
	m, err := db.Meeting(ctx)
	if err != nil {
		return err
	}
	return db.ImportSchedule(ctx, m, s)
}

// ImportSchedule stores the meeting settings and replaces the sessions in
// one transaction, so that a failed import changes nothing. Rooms are
// kept and updated, not replaced (upsertScheduleRooms).
func (db *Venue) ImportSchedule(ctx context.Context, m kiosk.Meeting, s kiosk.Schedule) error {
	return db.ImportScheduleChecked(ctx, m, s, "", nil)
}

// keyScheduleFormat is the setting that remembers the format ("ics",
// "csv") of the last schedule import; it is the venue's own, never in the
// feed.
const keyScheduleFormat = "import.schedule_format"

// PlanSchedule works out what importing s from a file in format would do
// to the sessions, writing nothing (a read transaction).
func (db *Venue) PlanSchedule(ctx context.Context, s kiosk.Schedule, format string) (kiosk.ImportPlan, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return kiosk.ImportPlan{}, fmt.Errorf("plan schedule: %w", err)
	}
	defer tx.Rollback()
	p, err := planSchedule(ctx, tx, s, format)
	if err != nil {
		return p, fmt.Errorf("plan schedule: %w", err)
	}
	return p, nil
}

func planSchedule(ctx context.Context, tx *sql.Tx, s kiosk.Schedule, format string) (kiosk.ImportPlan, error) {
	current, err := sqlitedb.Collect(ctx, tx, func(rows *sql.Rows) (se kiosk.Session, err error) {
		var start, end int64
		var groups string
		err = rows.Scan(&se.ID, &start, &end, &se.Room, &se.Building, &se.Title, &groups, &se.Status)
		se.Start, se.End = fromMicros(start), fromMicros(end)
		if groups != "" {
			se.Groups = strings.Split(groups, ";")
		}
		return se, err
	}, `SELECT id, start_us, end_us, room, building, title, groups, status FROM sessions`)
	if err != nil {
		return kiosk.ImportPlan{}, err
	}
	var previous string
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM settings WHERE key = ?), '')`, keyScheduleFormat).Scan(&previous); err != nil {
		return kiosk.ImportPlan{}, err
	}
	return kiosk.PlanSchedule(current, previous, s.Sessions, format), nil
}

// ImportScheduleChecked is ImportSchedule from a file in format (kept as
// the schedule's format when not ""), which first plans the import in its
// transaction and hands the plan to check (when not nil) before writing
// anything; an error from check is returned as it is, nothing written.
func (db *Venue) ImportScheduleChecked(ctx context.Context, m kiosk.Meeting, s kiosk.Schedule, format string, check kiosk.ImportCheck) error {
	if err := kiosk.ValidateMeeting(m); err != nil {
		return err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("replace schedule: %w", err)
	}
	defer tx.Rollback()
	if check != nil {
		p, err := planSchedule(ctx, tx, s, format)
		if err != nil {
			return fmt.Errorf("replace schedule: %w", err)
		}
		if err := check(p); err != nil {
			return err
		}
	}
	if err := writeMeeting(ctx, tx, m); err != nil {
		return err
	}
	if format != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keyScheduleFormat, format); err != nil {
			return fmt.Errorf("replace schedule: %w", err)
		}
	}
	loc := m.Location()
	moved, err := movedSessions(ctx, tx, s.Sessions)
	if err != nil {
		return fmt.Errorf("replace schedule: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions`); err != nil {
		return fmt.Errorf("replace schedule: %w", err)
	}
	for _, se := range s.Sessions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, date, start_us, end_us, room, building, title, groups, status, moved_from)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, se.ID, kiosk.LocalDate(se.Start, loc), micros(se.Start), micros(se.End),
			se.Room, se.Building, se.Title, strings.Join(se.Groups, ";"), se.Status, moved[se.ID]); err != nil {
			return fmt.Errorf("replace schedule: session %q: %w", se.ID, err)
		}
	}
	if err := upsertScheduleRooms(ctx, tx, s.Rooms); err != nil {
		return fmt.Errorf("replace schedule: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("replace schedule: commit: %w", err)
	}
	db.forgetSessions()
	return nil
}

// movedSessions finds the new sessions that an import moves to another
// room, by session id (stable in ICS) or else by start and title (CSV ids
// include the room), and returns the room each was in before, by new id.
// A session that had moved and stays put keeps its mark. Ambiguous
// matches (two sessions with the same start and title) are left unmarked.
func movedSessions(ctx context.Context, tx *sql.Tx, sessions []kiosk.Session) (map[string]string, error) {
	type old struct{ room, movedFrom string }
	byID := map[string]old{}
	byKey := map[string][]old{}
	rows, err := tx.QueryContext(ctx, `SELECT id, start_us, title, room, moved_from FROM sessions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, title string
		var start int64
		var o old
		if err := rows.Scan(&id, &start, &title, &o.room, &o.movedFrom); err != nil {
			return nil, err
		}
		byID[id] = o
		k := fmt.Sprint(start, "\x00", title)
		byKey[k] = append(byKey[k], o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	newKeys := map[string]int{}
	for _, se := range sessions {
		newKeys[fmt.Sprint(micros(se.Start), "\x00", se.Title)]++
	}
	moved := map[string]string{}
	for _, se := range sessions {
		o, ok := byID[se.ID]
		if !ok {
			k := fmt.Sprint(micros(se.Start), "\x00", se.Title)
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

// sessionsTTL bounds how stale a day's cached sessions can be when another
// process (an import) changed the schedule; changes made through this DB
// clear the cache at once.
const sessionsTTL = time.Second

type cachedSessions struct {
	loaded   time.Time
	loc      *time.Location
	sessions []kiosk.Session
}

// SessionsOn returns the sessions starting on a local date in start order.
// Every accepted tap asks for today's, so a day is cached for sessionsTTL.
// The returned slice is shared: callers must not modify it.
func (db *Venue) SessionsOn(ctx context.Context, date string, loc *time.Location) ([]kiosk.Session, error) {
	now := time.Now()
	db.mu.Lock()
	c, ok := db.sessions[date]
	db.mu.Unlock()
	// Same zone by name, not by pointer: callers load zones independently.
	if ok && c.loc.String() == loc.String() && now.Sub(c.loaded) < sessionsTTL {
		return c.sessions, nil
	}
	sessions, err := db.loadSessions(ctx, date, loc)
	if err != nil {
		return nil, err
	}
	db.mu.Lock()
	if db.sessions == nil || len(db.sessions) > 64 {
		db.sessions = map[string]cachedSessions{}
	}
	db.sessions[date] = cachedSessions{loaded: now, loc: loc, sessions: sessions}
	db.mu.Unlock()
	return sessions, nil
}

func (db *Venue) loadSessions(ctx context.Context, date string, loc *time.Location) ([]kiosk.Session, error) {
	return sessionsOn(ctx, db.read, date, loc)
}

// sessionsOn reads the sessions starting on a local date in start order
// (then room, id), with times in loc.
func sessionsOn(ctx context.Context, q sqlitedb.Querier, date string, loc *time.Location) ([]kiosk.Session, error) {
	out, err := sqlitedb.Collect(ctx, q, func(rows *sql.Rows) (kiosk.Session, error) { return scanSession(rows, loc) },
		`SELECT `+sessionColumns+` FROM sessions WHERE date = ? ORDER BY start_us, room, id`, date)
	if err != nil {
		return nil, fmt.Errorf("sessions on %s: %w", date, err)
	}
	return out, nil
}

// sessionColumns are the columns scanSession reads, in order.
const sessionColumns = `id, title, room, building, start_us, end_us, groups, status, moved_from`

func scanSession(s scanner, loc *time.Location) (kiosk.Session, error) {
	var se kiosk.Session
	var start, end int64
	var groups string
	if err := s.Scan(&se.ID, &se.Title, &se.Room, &se.Building, &start, &end, &groups, &se.Status, &se.MovedFrom); err != nil {
		return se, err
	}
	se.Start, se.End = fromMicros(start).In(loc), fromMicros(end).In(loc)
	if groups != "" {
		se.Groups = strings.Split(groups, ";")
	}
	return se, nil
}

// ScheduleVersion returns a number that changes whenever sessions, rooms
// or the meeting settings change, in any process.
func (db *Venue) ScheduleVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.read.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'schedule.version'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schedule version: %w", err)
	}
	return v, nil
}

// forgetSessions drops cached days.
func (db *Venue) forgetSessions() {
	db.mu.Lock()
	db.sessions = nil
	db.mu.Unlock()
}

// ScheduleChanged returns a channel closed at the next change of the
// schedule (sessions, rooms or the meeting settings), made by anyone: a
// page of sync, this process, or `checkin import schedule` in another.
// Cached sessions are dropped before it is closed.
func (db *DB) ScheduleChanged() <-chan struct{} {
	return db.scheduleChanged.Wait()
}

// followSchedule watches the file for changes and, when the schedule
// version moved from last, drops the sessions cache and wakes
// ScheduleChanged. Open reads the first version and takes the first
// channel, so that no change made after Open returns is missed.
func (db *DB) followSchedule(changed <-chan struct{}, last int64) {
	defer close(db.scheduleDone)
	ctx := context.Background()
	for {
		select {
		case <-db.closing:
			return
		case <-changed:
		}
		changed = db.Notify() // before reading: a change after the read still wakes us
		v, err := db.ScheduleVersion(ctx)
		if err != nil {
			db.Logger.Error("schedule version", "err", err)
			continue
		}
		if v != last {
			last = v
			db.forgetSessions()
			db.scheduleChanged.Wake()
		}
	}
}

// Buildings returns the names of the buildings the schedule knows, from
// its rooms and its sessions on any day, each once, in order.
func (db *Venue) Buildings(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT building FROM rooms WHERE building <> ''
		UNION SELECT building FROM sessions WHERE building <> '' ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("buildings: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("buildings: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
