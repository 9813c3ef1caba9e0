package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
)

var _ kiosk.AttendanceSource = (*Store)(nil)

// delegateColumns are the columns scanDelegate reads, in order.
const delegateColumns = `d.id, d.family_name, d.given_name, d.organization, d.country, d.country_name, d.role,
	d.groups, d.valid_from, d.valid_to, d.status, d.language, d.email, d.latin_family_name, d.latin_given_name`

// scanDelegate reads delegateColumns, then extra.
func scanDelegate(rows pgx.CollectableRow, extra ...any) (*kiosk.Delegate, error) {
	var d kiosk.Delegate
	var groups string
	dest := append([]any{&d.ID, &d.FamilyName, &d.GivenName, &d.Organization, &d.Country, &d.CountryName, &d.Role,
		&groups, &d.ValidFrom, &d.ValidTo, &d.Status, &d.Language, &d.Email, &d.LatinFamilyName, &d.LatinGivenName}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	if groups != "" {
		d.Groups = strings.Split(groups, ";")
	}
	return &d, nil
}

// Attendance reads the roster with each delegate's arrivals in one
// repeatable-read transaction (one snapshot), ordered by id byte-wise as
// on SQLite: the days first, then a delegate at a time.
func (s *Store) Attendance(ctx context.Context, days func([]string) error, row func(*kiosk.Delegate, []kiosk.Arrival) error) error {
	return wrap("attendance", s.readOnly(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT DISTINCT a.day FROM arrivals a JOIN delegates d ON d.id = a.delegate_id ORDER BY a.day`)
		seen, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		if err := days(seen); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+delegateColumns+`, a.day, a.at_us, a.kiosk
			FROM delegates d LEFT JOIN arrivals a ON a.delegate_id = d.id ORDER BY d.id COLLATE "C", a.day`)
		if err != nil {
			return err
		}
		defer rows.Close()
		g := kiosk.AttendanceRows{Row: row}
		for rows.Next() {
			var day, kioskID *string
			var at *int64
			d, err := scanDelegate(rows, &day, &at, &kioskID)
			if err != nil {
				return err
			}
			var a *kiosk.Arrival
			if day != nil {
				a = &kiosk.Arrival{DelegateID: d.ID, Day: *day, At: timeOf(*at), Kiosk: *kioskID}
			}
			if err := g.Add(d, a); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return g.Done()
	}))
}
