package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
)

var _ kiosk.SessionAttendanceSource = (*Store)(nil)

// sessionColumns are the columns scanSession reads, in order.
const sessionColumns = `id, title, room, building, start_us, end_us, groups, status, moved_from`

// scanSession reads sessionColumns with times in loc.
func scanSession(loc *time.Location) pgx.RowToFunc[kiosk.Session] {
	return func(row pgx.CollectableRow) (kiosk.Session, error) {
		var se kiosk.Session
		var start, end int64
		var groups string
		if err := row.Scan(&se.ID, &se.Title, &se.Room, &se.Building, &start, &end, &groups, &se.Status, &se.MovedFrom); err != nil {
			return se, err
		}
		se.Start, se.End = timeOf(start).In(loc), timeOf(end).In(loc)
		if groups != "" {
			se.Groups = strings.Split(groups, ";")
		}
		return se, nil
	}
}

// SessionAttendance reads the data of one session's attendance report in
// one snapshot, as the SQLite venue does (the passes of the delegates with
// a tap for a session in its room that day); ENOTFOUND for an unknown
// session.
func (s *Store) SessionAttendance(ctx context.Context, sessionID string) (kiosk.SessionAttendance, error) {
	return s.sessionAttendance(ctx, func(tx pgx.Tx, loc *time.Location) ([]kiosk.Session, string, string, error) {
		rows, _ := tx.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, sessionID)
		list, err := pgx.CollectRows(rows, scanSession(loc))
		if err != nil {
			return nil, "", "", err
		}
		if len(list) == 0 {
			return nil, "", "", kiosk.Errorf(kiosk.ENOTFOUND, "no session %q", sessionID)
		}
		return list, kiosk.LocalDate(list[0].Start, loc), list[0].Room, nil
	})
}

// DaySessionAttendance reads the data of the attendance report on every
// session starting on a local date, ordered as on SQLite (byte-wise).
func (s *Store) DaySessionAttendance(ctx context.Context, date string) (kiosk.SessionAttendance, error) {
	return s.sessionAttendance(ctx, func(tx pgx.Tx, loc *time.Location) ([]kiosk.Session, string, string, error) {
		rows, _ := tx.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE date = $1
			ORDER BY start_us, room COLLATE "C", id COLLATE "C"`, date)
		list, err := pgx.CollectRows(rows, scanSession(loc))
		return list, date, "", err
	})
}

// sessionAttendance reads, in one snapshot, the sessions that pick gives
// (with the local day whose passes count, and their room when the passes
// may be those of the delegates seen there) and that day's accepted
// room-door taps, room resets and the delegates the taps name.
func (s *Store) sessionAttendance(ctx context.Context,
	pick func(pgx.Tx, *time.Location) ([]kiosk.Session, string, string, error)) (kiosk.SessionAttendance, error) {
	var a kiosk.SessionAttendance
	err := s.readOnly(ctx, func(tx pgx.Tx) error {
		m, err := readMeeting(ctx, tx)
		if err != nil {
			return err
		}
		loc := m.Location()
		var day, room string
		if a.Sessions, day, room, err = pick(tx, loc); err != nil {
			return err
		}
		query, args := `SELECT id, at_us, delegate_id, delegate_name, direction, room, session_id FROM taps
			WHERE day = $1 AND room <> '' AND result = 'accepted' AND delegate_id <> ''`, []any{day}
		if room != "" {
			query += ` AND delegate_id IN (SELECT delegate_id FROM taps
				WHERE session_id IN (SELECT id FROM sessions WHERE date = $1 AND room = $2) AND session_id <> '')`
			args = append(args, room)
		}
		rows, _ := tx.Query(ctx, query, args...)
		a.Passes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (t kiosk.TapRecord, err error) {
			var at int64
			err = row.Scan(&t.ID, &at, &t.DelegateID, &t.DelegateName, &t.Direction, &t.Room, &t.SessionID)
			t.At, t.Result = timeOf(at), kiosk.ResultAccepted
			return t, err
		})
		if err != nil {
			return err
		}
		a.Resets = map[string]time.Time{}
		rows, _ = tx.Query(ctx, `SELECT name, reset_us FROM rooms WHERE reset_day = $1`, day)
		var name string
		var at int64
		if _, err := pgx.ForEachRow(rows, []any{&name, &at}, func() error {
			a.Resets[name] = timeOf(at)
			return nil
		}); err != nil {
			return err
		}
		a.Delegates = map[string]*kiosk.Delegate{}
		ids := make([]string, 0, len(a.Passes))
		for _, p := range a.Passes {
			ids = append(ids, p.DelegateID)
		}
		rows, _ = tx.Query(ctx, `SELECT `+delegateColumns+` FROM delegates d WHERE d.id = ANY($1)`, ids)
		list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*kiosk.Delegate, error) { return scanDelegate(row) })
		for _, d := range list {
			a.Delegates[d.ID] = d
		}
		return err
	})
	return a, wrap("session attendance", err)
}
