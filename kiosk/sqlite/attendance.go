package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

var _ kiosk.AttendanceSource = (*Venue)(nil)

// Attendance reads the roster with each delegate's arrivals, in one read
// transaction (one snapshot): the days first, then a delegate at a time.
func (db *Venue) Attendance(ctx context.Context, days func([]string) error, row func(*kiosk.Delegate, []kiosk.Arrival) error) error {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	defer tx.Rollback()
	seen, err := sqlitedb.Collect(ctx, tx, func(rows *sql.Rows) (day string, err error) { return day, rows.Scan(&day) },
		`SELECT DISTINCT a.day FROM arrivals a JOIN delegates d ON d.id = a.delegate_id ORDER BY a.day`)
	if err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	if err := days(seen); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+delegateColumns+`, a.day, a.at_us, a.kiosk
		FROM delegates d LEFT JOIN arrivals a ON a.delegate_id = d.id ORDER BY d.id, a.day`)
	if err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	defer rows.Close()
	g := kiosk.AttendanceRows{Row: row}
	for rows.Next() {
		var day, kioskID sql.NullString
		var at sql.NullInt64
		d, err := scanDelegate(rows, &day, &at, &kioskID)
		if err != nil {
			return fmt.Errorf("attendance: %w", err)
		}
		var a *kiosk.Arrival
		if day.Valid {
			a = &kiosk.Arrival{DelegateID: d.ID, Day: day.String, At: fromMicros(at.Int64), Kiosk: kioskID.String}
		}
		if err := g.Add(d, a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	return g.Done()
}
