package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

var _ kiosk.SessionAttendanceSource = (*Venue)(nil)

// SessionAttendance reads the data of one session's attendance report in
// one snapshot: the session; the room-door passes, on the day it starts,
// of the delegates with a tap for a session in its room that day; the
// day's room resets; the delegates the passes name. ENOTFOUND for an
// unknown session.
func (db *Venue) SessionAttendance(ctx context.Context, sessionID string) (kiosk.SessionAttendance, error) {
	return db.sessionAttendance(ctx, func(tx *sql.Tx, loc *time.Location) ([]kiosk.Session, string, string, error) {
		s, err := scanSession(tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, sessionID), loc)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", "", kiosk.Errorf(kiosk.ENOTFOUND, "no session %q", sessionID)
		} else if err != nil {
			return nil, "", "", fmt.Errorf("session %q: %w", sessionID, err)
		}
		return []kiosk.Session{s}, kiosk.LocalDate(s.Start, loc), s.Room, nil
	})
}

// DaySessionAttendance reads the data of the attendance report on every
// session starting on a local date, as SessionAttendance does, with every
// room-door pass of the day.
func (db *Venue) DaySessionAttendance(ctx context.Context, date string) (kiosk.SessionAttendance, error) {
	return db.sessionAttendance(ctx, func(tx *sql.Tx, loc *time.Location) ([]kiosk.Session, string, string, error) {
		sessions, err := sessionsOn(ctx, tx, date, loc)
		return sessions, date, "", err
	})
}

// sqlSessionPasses reads a day's accepted room-door taps with a delegate;
// sqlRoomPasses those of the delegates with a tap for a session in one
// room that day, found through the index of taps by session, each
// delegate's through taps_delegate ("+day" keeps the planner off
// taps_day, which would read the whole day: BenchmarkSessionReports).
const (
	passColumns      = `SELECT id, at_us, delegate_id, delegate_name, direction, room, session_id FROM taps`
	passWhere        = ` AND room <> '' AND result = 'accepted' AND delegate_id <> ''`
	sqlSessionPasses = passColumns + ` WHERE day = ?` + passWhere
	sqlRoomPasses    = passColumns + ` WHERE +day = ?` + passWhere + ` AND delegate_id IN (SELECT delegate_id FROM taps
		WHERE session_id IN (SELECT id FROM sessions WHERE date = ? AND room = ?) AND session_id <> '')`
)

// sessionAttendance reads, in one read transaction, the sessions that pick
// gives (with the local day whose passes count, and their room when the
// passes may be those of the delegates seen there) and that day's passes,
// resets and delegates.
func (db *Venue) sessionAttendance(ctx context.Context,
	pick func(*sql.Tx, *time.Location) ([]kiosk.Session, string, string, error)) (kiosk.SessionAttendance, error) {
	var a kiosk.SessionAttendance
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return a, fmt.Errorf("session attendance: %w", err)
	}
	defer tx.Rollback()
	m, err := readMeeting(ctx, tx)
	if err != nil {
		return a, err
	}
	loc := db.Location(m.TimeZone)
	var day, room string
	if a.Sessions, day, room, err = pick(tx, loc); err != nil {
		return a, err
	}
	// taps_day finds the day (or taps_delegate each delegate seen in the
	// room); a report is rare enough not to need an index of its own.
	query, args := sqlSessionPasses, []any{day}
	if room != "" {
		query, args = sqlRoomPasses, []any{day, day, room}
	}
	a.Passes, err = sqlitedb.Collect(ctx, tx, func(rows *sql.Rows) (t kiosk.TapRecord, err error) {
		var at int64
		err = rows.Scan(&t.ID, &at, &t.DelegateID, &t.DelegateName, &t.Direction, &t.Room, &t.SessionID)
		t.At, t.Result = fromMicros(at), kiosk.ResultAccepted
		return t, err
	}, query, args...)
	if err != nil {
		return a, fmt.Errorf("session attendance: passes of %s: %w", day, err)
	}
	a.Resets = map[string]time.Time{}
	err = sqlitedb.Each(ctx, tx, func(rows *sql.Rows) error {
		var room string
		var at int64
		err := rows.Scan(&room, &at)
		a.Resets[room] = fromMicros(at)
		return err
	}, `SELECT name, reset_us FROM rooms WHERE reset_day = ?`, day)
	if err != nil {
		return a, fmt.Errorf("session attendance: resets of %s: %w", day, err)
	}
	// The delegates one at a time by id: cheaper than reading the day's
	// taps a second time to find them.
	a.Delegates = map[string]*kiosk.Delegate{}
	stmt, err := tx.PrepareContext(ctx, `SELECT `+delegateColumns+` FROM delegates d WHERE d.id = ?`)
	if err != nil {
		return a, fmt.Errorf("session attendance: delegates: %w", err)
	}
	defer stmt.Close()
	for _, p := range a.Passes {
		if _, done := a.Delegates[p.DelegateID]; done {
			continue
		}
		d, err := scanDelegate(stmt.QueryRowContext(ctx, p.DelegateID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			a.Delegates[p.DelegateID] = nil // no longer on the roster
		case err != nil:
			return a, fmt.Errorf("session attendance: delegate %s: %w", p.DelegateID, err)
		default:
			a.Delegates[p.DelegateID] = d
		}
	}
	for id, d := range a.Delegates {
		if d == nil {
			delete(a.Delegates, id)
		}
	}
	return a, nil
}
