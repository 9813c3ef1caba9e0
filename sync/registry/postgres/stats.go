package postgres

import (
	"context"
	"sort"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
)

// Stats returns a local day's attendance: arrivals (first entries, from
// any kiosk) by hour, role and country, and entries and exits by gate. It
// reads one snapshot of the database.
func (s *Store) Stats(ctx context.Context, day string) (kiosk.Stats, error) {
	st := kiosk.Stats{Day: day, ByHour: []kiosk.HourCount{}, ByRole: map[string]int{}, ByCountry: map[string]int{},
		Gates: []kiosk.GateCount{}, Taps: kiosk.TapCounts{Rejected: map[string]int{}}}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return st, wrap("stats", err)
	}
	defer tx.Rollback(context.Background())
	if err := stats(ctx, tx, day, &st); err != nil {
		return st, wrap("stats", err)
	}
	return st, nil
}

func stats(ctx context.Context, tx pgx.Tx, day string, st *kiosk.Stats) error {
	m, err := readMeeting(ctx, tx)
	if err != nil {
		return err
	}
	loc := m.Location()
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM delegates`).Scan(&st.Delegates); err != nil {
		return err
	}
	hours := map[string]int{}
	var at int64
	var role, country string
	rows, _ := tx.Query(ctx, `SELECT a.at_us, coalesce(d.role, ''), coalesce(d.country, '')
		FROM arrivals a LEFT JOIN delegates d ON d.id = a.delegate_id WHERE a.day = $1`, day)
	if _, err := pgx.ForEachRow(rows, []any{&at, &role, &country}, func() error {
		st.Arrivals++
		hours[timeOf(at).In(loc).Format("15")+":00"]++
		if role != "" {
			st.ByRole[role]++
		}
		if country != "" {
			st.ByCountry[country]++
		}
		return nil
	}); err != nil {
		return err
	}
	for h, n := range hours {
		st.ByHour = append(st.ByHour, kiosk.HourCount{Hour: h, Arrivals: n})
	}
	sort.Slice(st.ByHour, func(i, j int) bool { return st.ByHour[i].Hour < st.ByHour[j].Hour })

	gates := map[string]*kiosk.GateCount{}
	var order []string
	var gate, dir, result, reason string
	var door bool
	var n int
	// Every tap counts as accepted or refused; the gates are the venue's,
	// room doors' taps count in the sessions' figures.
	rows, _ = tx.Query(ctx, `SELECT gate, direction, result, reason, room <> '', count(*) FROM taps WHERE day = $1
		GROUP BY gate, direction, result, reason, room <> '' ORDER BY gate COLLATE "C"`, day)
	if _, err := pgx.ForEachRow(rows, []any{&gate, &dir, &result, &reason, &door, &n}, func() error {
		if result != kiosk.ResultAccepted {
			st.Taps.Rejected[reason] += n
			return nil
		}
		st.Taps.Accepted += n
		if door {
			return nil
		}
		g, ok := gates[gate]
		if !ok {
			g = &kiosk.GateCount{Gate: gate}
			gates[gate] = g
			order = append(order, gate)
		}
		if dir == kiosk.DirectionOut {
			g.Out += n
		} else {
			g.In += n
		}
		return nil
	}); err != nil {
		return err
	}
	for _, name := range order {
		st.Gates = append(st.Gates, *gates[name])
	}
	// People inside: whoever's latest accepted pass today at the venue's
	// gates was an entry; room doors move people within it.
	// (Of two passes in the same microsecond, the one with the smaller id
	// counts; SQLite takes the one it stored first.)
	return tx.QueryRow(ctx, `SELECT count(*) FROM (
		SELECT DISTINCT ON (delegate_id) direction FROM taps
		WHERE day = $1 AND result = 'accepted' AND delegate_id <> '' AND room = ''
		ORDER BY delegate_id, at_us DESC, id COLLATE "C") latest WHERE direction = 'in'`, day).Scan(&st.Inside)
}

// Taps calls fn for each tap in time order, only those of one local date
// unless date is "". A tap is first_today if the kiosk that made it said
// so, or if it is the delegate's arrival of the day as the registry knows
// it: the earliest accepted entry across kiosks. An error of fn ends the
// walk and is returned as it is.
func (s *Store) Taps(ctx context.Context, date string, fn func(kiosk.TapRecord) error) error {
	query := `SELECT id, at_us, delegate_id, delegate_name, uid, source, gate, direction, result, reason, kiosk,
		first_today OR EXISTS (SELECT 1 FROM arrivals a WHERE a.delegate_id = t.delegate_id AND a.day = t.day AND a.tap_id = t.id),
		room, session_id
		FROM taps t`
	var args []any
	if date != "" {
		query += ` WHERE day = $1`
		args = append(args, date)
	}
	rows, err := s.pool.Query(ctx, query+` ORDER BY at_us, id COLLATE "C"`, args...)
	if err != nil {
		return wrap("list taps", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t kiosk.TapRecord
		var at int64
		if err := rows.Scan(&t.ID, &at, &t.DelegateID, &t.DelegateName, &t.UID, &t.Source, &t.Gate,
			&t.Direction, &t.Result, &t.Reason, &t.Kiosk, &t.FirstToday, &t.Room, &t.SessionID); err != nil {
			return wrap("list taps", err)
		}
		t.At = timeOf(at)
		if err := fn(t); err != nil {
			return err
		}
	}
	return wrap("list taps", rows.Err())
}
