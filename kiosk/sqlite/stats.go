package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
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

	// Every tap counts as accepted or refused; the gates are the venue's,
	// room doors' taps count in the sessions' figures.
	rows, err = tx.QueryContext(ctx, `SELECT gate, direction, result, reason, room <> '', count(*) FROM taps WHERE day = ?
		GROUP BY gate, direction, result, reason, room <> '' ORDER BY gate`, day)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	gates := map[string]*kiosk.GateCount{}
	var order []string
	for rows.Next() {
		var gate, dir, result, reason string
		var door bool
		var n int
		if err := rows.Scan(&gate, &dir, &result, &reason, &door, &n); err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		if result != kiosk.ResultAccepted {
			st.Taps.Rejected[reason] += n
			continue
		}
		st.Taps.Accepted += n
		if door {
			continue
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

var _ kiosk.SessionCountStore = (*Venue)(nil)

// SessionCounts returns the sessions of a local day with how many came in
// through their doors and, for the session each room holds now, the people
// inside it (from the presence table, as the live count has them).
func (db *Venue) SessionCounts(ctx context.Context, day string, now time.Time) ([]kiosk.SessionCount, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("session counts: %w", err)
	}
	defer tx.Rollback()
	m, err := readMeeting(ctx, tx)
	if err != nil {
		return nil, err
	}
	loc := db.Location(m.TimeZone)
	sessions, err := sessionsOn(ctx, tx, day, loc)
	if err != nil {
		return nil, err
	}
	attended := map[string]int{}
	err = sqlitedb.Each(ctx, tx, func(rows *sql.Rows) error {
		var id string
		var n int
		err := rows.Scan(&id, &n)
		attended[id] = n
		return err
	}, `SELECT session_id, count(DISTINCT delegate_id) FROM taps
		WHERE session_id IN (SELECT id FROM sessions WHERE date = ?) AND session_id <> ''
		AND result = 'accepted' AND direction = 'in' AND delegate_id <> '' GROUP BY session_id`, day)
	if err != nil {
		return nil, fmt.Errorf("session counts: %w", err)
	}
	inside := map[string]int{}
	if day == kiosk.LocalDate(now, loc) {
		// kiosk.Occupancy's rule: an entry after the room's last reset.
		err = sqlitedb.Each(ctx, tx, func(rows *sql.Rows) error {
			var room string
			var n int
			err := rows.Scan(&room, &n)
			inside[room] = n
			return err
		}, `SELECT p.room, count(*) FROM presence p LEFT JOIN rooms r ON r.name = p.room
			WHERE p.day = ? AND p.direction = 'in' AND (r.reset_day IS NULL OR r.reset_day <> p.day OR p.at_us > r.reset_us)
			GROUP BY p.room`, day)
		if err != nil {
			return nil, fmt.Errorf("session counts: inside: %w", err)
		}
	}
	local := now.In(loc)
	out := []kiosk.SessionCount{}
	for _, s := range sessions {
		if s.Status == kiosk.SessionCancelled {
			continue
		}
		c := kiosk.SessionCount{ID: s.ID, Title: s.Title, Room: s.Room, Start: s.Start, End: s.End, Attended: attended[s.ID]}
		if cur, _ := kiosk.SessionNow(sessions, s.Room, local, nil); cur != nil && cur.ID == s.ID {
			c.Inside = inside[s.Room]
		}
		out = append(out, c)
	}
	return out, nil
}
