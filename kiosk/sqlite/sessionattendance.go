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
// one snapshot: the session, the room-door passes of the day it starts
// on, the day's room resets and the delegates the passes name.
// ENOTFOUND for an unknown session.
func (db *Venue) SessionAttendance(ctx context.Context, sessionID string) (kiosk.SessionAttendance, error) {
	return db.sessionAttendance(ctx, func(tx *sql.Tx, loc *time.Location) ([]kiosk.Session, string, error) {
		s, err := scanSession(tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, sessionID), loc)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", kiosk.Errorf(kiosk.ENOTFOUND, "no session %q", sessionID)
		} else if err != nil {
			return nil, "", fmt.Errorf("session %q: %w", sessionID, err)
		}
		return []kiosk.Session{s}, kiosk.LocalDate(s.Start, loc), nil
	})
}

// DaySessionAttendance reads the data of the attendance report on every
// session starting on a local date, as SessionAttendance does.
func (db *Venue) DaySessionAttendance(ctx context.Context, date string) (kiosk.SessionAttendance, error) {
	return db.sessionAttendance(ctx, func(tx *sql.Tx, loc *time.Location) ([]kiosk.Session, string, error) {
		sessions, err := sessionsOn(ctx, tx, date, loc)
		return sessions, date, err
	})
}

// sessionAttendance reads, in one read transaction, the sessions that pick
// gives (with the local day whose passes count) and that day's passes,
// resets and delegates.
func (db *Venue) sessionAttendance(ctx context.Context,
	pick func(*sql.Tx, *time.Location) ([]kiosk.Session, string, error)) (kiosk.SessionAttendance, error) {
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
	var day string
	if a.Sessions, day, err = pick(tx, loc); err != nil {
		return a, err
	}
	// The day's accepted room-door taps with a delegate: taps_day finds
	// the day, and a report is rare enough not to need an index of its own.
	a.Passes, err = sqlitedb.Collect(ctx, tx, func(rows *sql.Rows) (t kiosk.TapRecord, err error) {
		var at int64
		err = rows.Scan(&t.ID, &at, &t.DelegateID, &t.DelegateName, &t.Direction, &t.Room, &t.SessionID)
		t.At, t.Result = fromMicros(at), kiosk.ResultAccepted
		return t, err
	}, `SELECT id, at_us, delegate_id, delegate_name, direction, room, session_id FROM taps
		WHERE day = ? AND room <> '' AND result = 'accepted' AND delegate_id <> ''`, day)
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
	a.Delegates = map[string]*kiosk.Delegate{}
	err = sqlitedb.Each(ctx, tx, func(rows *sql.Rows) error {
		d, err := scanDelegate(rows)
		if err == nil {
			a.Delegates[d.ID] = d
		}
		return err
	}, `SELECT `+delegateColumns+` FROM delegates d WHERE d.id IN (
		SELECT delegate_id FROM taps WHERE day = ? AND room <> '' AND result = 'accepted' AND delegate_id <> '')`, day)
	if err != nil {
		return a, fmt.Errorf("session attendance: delegates: %w", err)
	}
	return a, nil
}
