package sqlite

import (
	"context"
	"fmt"
	"sort"

	"checkin/kiosk"
)

var _ kiosk.StatsStore = (*DB)(nil)

// Stats returns a local day's attendance: arrivals (first entries, from any
// kiosk this store knows of) by hour, role and country, and entries and
// exits by gate.
func (db *Venue) Stats(ctx context.Context, day string) (kiosk.Stats, error) {
	st := kiosk.Stats{Day: day, ByHour: []kiosk.HourCount{}, ByRole: map[string]int{}, ByCountry: map[string]int{},
		Gates: []kiosk.GateCount{}, Taps: kiosk.TapCounts{Rejected: map[string]int{}}}
	m, err := db.Meeting(ctx)
	if err != nil {
		return st, err
	}
	loc := db.Location(m.TimeZone)
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM delegates`).Scan(&st.Delegates); err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.at_us, coalesce(d.role, ''), coalesce(d.country, '')
		FROM arrivals a LEFT JOIN delegates d ON d.id = a.delegate_id WHERE a.day = ?`, day)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	hours := map[string]int{}
	for rows.Next() {
		var at int64
		var role, country string
		if err := rows.Scan(&at, &role, &country); err != nil {
			rows.Close()
			return st, fmt.Errorf("stats: %w", err)
		}
		st.Arrivals++
		hours[fromMicros(at).In(loc).Format("15")+":00"]++
		if role != "" {
			st.ByRole[role]++
		}
		if country != "" {
			st.ByCountry[country]++
		}
	}
	rows.Close()
	for h, n := range hours {
		st.ByHour = append(st.ByHour, kiosk.HourCount{Hour: h, Arrivals: n})
	}
	sort.Slice(st.ByHour, func(i, j int) bool { return st.ByHour[i].Hour < st.ByHour[j].Hour })

	rows, err = tx.QueryContext(ctx, `SELECT gate, direction, result, reason, count(*) FROM taps WHERE day = ?
		GROUP BY gate, direction, result, reason ORDER BY gate`, day)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	gates := map[string]*kiosk.GateCount{}
	var order []string
	for rows.Next() {
		var gate, dir, result, reason string
		var n int
		if err := rows.Scan(&gate, &dir, &result, &reason, &n); err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		if result != kiosk.ResultAccepted {
			st.Taps.Rejected[reason] += n
			continue
		}
		st.Taps.Accepted += n
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
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	for _, name := range order {
		st.Gates = append(st.Gates, *gates[name])
	}
	// People inside: whoever's latest accepted pass today at the venue's
	// gates was an entry (room doors move people within it).
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (
		SELECT direction, max(at_us) FROM taps WHERE day = ? AND result = 'accepted' AND delegate_id != '' AND room = ''
		GROUP BY delegate_id) WHERE direction = 'in'`, day).Scan(&st.Inside); err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}
