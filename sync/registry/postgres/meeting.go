package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

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
func (s *Store) Meeting(ctx context.Context) (kiosk.Meeting, error) {
	m, err := readMeeting(ctx, s.pool)
	return m, wrap("read meeting", err)
}

func readMeeting(ctx context.Context, q querier) (kiosk.Meeting, error) {
	m := kiosk.Meeting{TimeZone: kiosk.DefaultTimeZone}
	rows, err := q.Query(ctx, `SELECT key, value FROM settings WHERE key LIKE 'meeting.%'`)
	if err != nil {
		return m, err
	}
	var k, v string
	_, err = pgx.ForEachRow(rows, []any{&k, &v}, func() error {
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
		return nil
	})
	if err != nil {
		return kiosk.Meeting{TimeZone: kiosk.DefaultTimeZone}, err
	}
	return m, nil
}

// SetMeeting stores the meeting settings. Returns EINVALID for an unknown
// time zone or malformed dates.
func (s *Store) SetMeeting(ctx context.Context, m kiosk.Meeting) error {
	if err := kiosk.ValidateMeeting(m); err != nil {
		return err
	}
	return s.update(ctx, "set meeting", func(tx pgx.Tx, _ time.Time) error {
		return writeMeeting(ctx, tx, m)
	})
}

// writeMeeting stores the five settings in one statement. A value that
// does not change is not rewritten (the change log is told of changes).
func writeMeeting(ctx context.Context, tx pgx.Tx, m kiosk.Meeting) error {
	_, err := tx.Exec(ctx, `INSERT INTO settings (key, value) SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value IS DISTINCT FROM excluded.value`,
		[]string{keyMeetingID, keyMeetingName, keyMeetingTZ, keyMeetingStart, keyMeetingEnd},
		[]string{m.ID, m.Name, m.TimeZone, m.Start, m.End})
	return err
}
