package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"checkin/kiosk"
)

// Settings keys of the meeting.
const (
	keyMeetingID    = "meeting.id"
	keyMeetingName  = "meeting.name"
	keyMeetingTZ    = "meeting.timezone"
	keyMeetingStart = "meeting.start"
	keyMeetingEnd   = "meeting.end"
)

// Meeting returns the meeting settings. Unset fields are empty, except the
// time zone, which defaults to kiosk.DefaultTimeZone.
func (db *Venue) Meeting(ctx context.Context) (kiosk.Meeting, error) {
	return readMeeting(ctx, db.read)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readMeeting(ctx context.Context, q queryer) (kiosk.Meeting, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'meeting.%'`)
	if err != nil {
		return kiosk.Meeting{}, fmt.Errorf("read meeting: %w", err)
	}
	defer rows.Close()
	m := kiosk.Meeting{TimeZone: kiosk.DefaultTimeZone}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return kiosk.Meeting{}, fmt.Errorf("read meeting: %w", err)
		}
		switch k {
		case keyMeetingID:
			m.ID = v
		case keyMeetingName:
			m.Name = v
		case keyMeetingTZ:
			m.TimeZone = v
		case keyMeetingStart:
			m.Start = v
		case keyMeetingEnd:
			m.End = v
		}
	}
	return m, rows.Err()
}

// SetMeeting stores the meeting settings. Returns EINVALID for an unknown
// time zone or malformed dates.
func (db *Venue) SetMeeting(ctx context.Context, m kiosk.Meeting) error {
	if err := kiosk.ValidateMeeting(m); err != nil {
		return err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set meeting: %w", err)
	}
	defer tx.Rollback()
	if err := writeMeeting(ctx, tx, m); err != nil {
		return err
	}
	return tx.Commit()
}

func writeMeeting(ctx context.Context, tx *sql.Tx, m kiosk.Meeting) error {
	for k, v := range map[string]string{
		keyMeetingID: m.ID, keyMeetingName: m.Name, keyMeetingTZ: m.TimeZone,
		keyMeetingStart: m.Start, keyMeetingEnd: m.End,
	} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
			return fmt.Errorf("set meeting: %w", err)
		}
	}
	return nil
}
