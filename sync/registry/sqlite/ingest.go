package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"checkin/kiosk"
	ksqlite "checkin/kiosk/sqlite"
	"checkin/kiosk/sqlitedb"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// ingestRows is how many events one multi-row statement carries.
const ingestRows = 50

// AddCheckins stores check-in events from a kiosk in one transaction, each
// event id once. An accepted entry becomes the delegate's arrival of its
// local day unless an earlier one is known; arrivals reach every kiosk
// through the change feed. Re-sending an event changes nothing: its tap is
// a duplicate and its arrival is not earlier than itself.
func (s *Store) AddCheckins(ctx context.Context, kioskID string, events []wire.CheckinEvent, received time.Time) (accepted, duplicates int, err error) {
	return s.ingest.Add(ctx, registry.Delivery{Kiosk: kioskID, Events: events, Received: received})
}

// commitCheckins stores a group of deliveries in one transaction and
// returns how many events of each were new.
func (s *Store) commitCheckins(group []registry.Delivery) ([]int, error) {
	ctx := context.Background()
	var err error
	// Statements for every chunk size this group needs, before the
	// transaction takes the writer connection.
	// Each delivery is chunked on its own (insertCheckins), so the sizes
	// come from each delivery, not from the group as a whole.
	stmts := map[string]*sql.Stmt{}
	var all []wire.CheckinEvent
	for _, r := range group {
		all = append(all, r.Events...)
		for chunk := range slices.Chunk(r.Events, ingestRows) {
			queries := []string{insertTapsSQL(len(chunk))}
			if n := countArrivals(chunk); n > 0 {
				queries = append(queries, upsertArrivalsSQL(n))
			}
			if n := countPresences(chunk); n > 0 {
				queries = append(queries, ksqlite.UpsertPresencesSQL(n))
			}
			for _, q := range queries {
				if stmts[q] == nil {
					if stmts[q], err = s.prepared(ctx, q); err != nil {
						return nil, fmt.Errorf("add checkins: %w", err)
					}
				}
			}
		}
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("add checkins: %w", err)
	}
	defer tx.Rollback()
	m, err := s.meetingIn(ctx, tx)
	if err != nil {
		return nil, err
	}
	loc := m.Location()
	names, err := delegateNames(ctx, tx, all)
	if err != nil {
		return nil, fmt.Errorf("add checkins: %w", err)
	}
	counts := make([]int, len(group))
	for i, req := range group {
		if counts[i], err = s.insertCheckins(ctx, tx, stmts, req, names, loc); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("add checkins: commit: %w", err)
	}
	return counts, nil
}

// insertCheckins writes one delivery's events and arrivals in tx.
func (s *Store) insertCheckins(ctx context.Context, tx *sql.Tx, stmts map[string]*sql.Stmt, req registry.Delivery,
	names map[string]string, loc *time.Location) (accepted int, err error) {
	kioskID, recvUS := req.Kiosk, req.Received.UnixMicro()
	for chunk := range slices.Chunk(req.Events, ingestRows) {
		var taps, arrivals, presences []any
		nArrivals, nPresences := 0, 0
		for _, e := range chunk {
			day := kiosk.LocalDate(e.At, loc)
			taps = append(taps, e.ID, e.At.UnixMicro(), day, e.UID, e.Source, e.Gate, e.Direction, kioskID,
				e.DelegateID, names[e.DelegateID], e.Result, e.Reason, recvUS, e.Room, e.SessionID)
			if isArrival(e) {
				arrivals = append(arrivals, e.DelegateID, day, e.ID, e.At.UnixMicro(), kioskID)
				nArrivals++
			}
			if isPresence(e) {
				presences = append(presences, e.DelegateID, day, e.Room, e.Direction, e.At.UnixMicro(), e.ID, kioskID, e.SessionID)
				nPresences++
			}
		}
		r, err := tx.StmtContext(ctx, stmts[insertTapsSQL(len(chunk))]).ExecContext(ctx, taps...)
		if err != nil {
			return 0, fmt.Errorf("add checkins: %w", err)
		}
		n, _ := r.RowsAffected()
		accepted += int(n)
		if nArrivals > 0 {
			if _, err := tx.StmtContext(ctx, stmts[upsertArrivalsSQL(nArrivals)]).ExecContext(ctx, arrivals...); err != nil {
				return 0, fmt.Errorf("add checkins: arrivals: %w", err)
			}
		}
		if nPresences > 0 {
			if _, err := tx.StmtContext(ctx, stmts[ksqlite.UpsertPresencesSQL(nPresences)]).ExecContext(ctx, presences...); err != nil {
				return 0, fmt.Errorf("add checkins: presence: %w", err)
			}
		}
	}
	return accepted, nil
}

// isArrival tells an event that can be a delegate's arrival of the day:
// an accepted entry at the venue's entrance, not at a room door.
func isArrival(e wire.CheckinEvent) bool {
	return e.Result == kiosk.ResultAccepted && e.Direction == kiosk.DirectionIn && e.DelegateID != "" && e.Room == ""
}

// isPresence tells an event that passes its delegate through a room door.
func isPresence(e wire.CheckinEvent) bool {
	return e.Result == kiosk.ResultAccepted && e.Room != "" && e.DelegateID != ""
}

func countPresences(events []wire.CheckinEvent) int {
	n := 0
	for _, e := range events {
		if isPresence(e) {
			n++
		}
	}
	return n
}

func countArrivals(events []wire.CheckinEvent) int {
	n := 0
	for _, e := range events {
		if isArrival(e) {
			n++
		}
	}
	return n
}

func insertTapsSQL(n int) string {
	return `INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk, delegate_id, delegate_name,
		result, reason, received_us, room, session_id) VALUES ` +
		rows("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", n) + ` ON CONFLICT (id) DO NOTHING`
}

func upsertArrivalsSQL(n int) string {
	return `INSERT INTO arrivals (delegate_id, day, tap_id, at_us, kiosk) VALUES ` + rows("(?, ?, ?, ?, ?)", n) +
		` ON CONFLICT (delegate_id, day) DO UPDATE SET tap_id = excluded.tap_id, at_us = excluded.at_us,
		kiosk = excluded.kiosk WHERE excluded.at_us < arrivals.at_us`
}

// rows repeats a row of placeholders n times, comma-separated.
func rows(row string, n int) string {
	return row + strings.Repeat(", "+row, n-1)
}

// delegateNames looks up the display names of the delegates of a batch in
// one query per ingestRows ids.
func delegateNames(ctx context.Context, tx *sql.Tx, events []wire.CheckinEvent) (map[string]string, error) {
	var ids []any
	seen := map[string]bool{}
	for _, e := range events {
		if e.DelegateID != "" && !seen[e.DelegateID] {
			seen[e.DelegateID] = true
			ids = append(ids, e.DelegateID)
		}
	}
	names := make(map[string]string, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		rs, err := tx.QueryContext(ctx, `SELECT id, family_name, given_name FROM delegates WHERE id IN (`+
			rows("?", len(chunk))+`)`, chunk...)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var d kiosk.Delegate
			if err := rs.Scan(&d.ID, &d.FamilyName, &d.GivenName); err != nil {
				rs.Close()
				return nil, err
			}
			names[d.ID] = d.Name()
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// ApplyBadgeEvents applies desk binds and revokes, each event id once. Two
// binds of one UID to different delegates resolve to the earlier event
// time, whatever order they arrive in; roster badges (bound before any
// desk event) always keep their holder. An event's time is the desk's
// word, trusted only within the meeting (see registry.TrustedTime). Losers are
// returned and kept for the dashboard.
func (s *Store) ApplyBadgeEvents(ctx context.Context, kioskID string, events []wire.BadgeEvent, received time.Time) (wire.BadgesResponse, error) {
	res := wire.BadgesResponse{Lost: []wire.LostBind{}}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("badge events: %w", err)
	}
	defer tx.Rollback()
	m, err := s.meetingIn(ctx, tx)
	if err != nil {
		return res, fmt.Errorf("badge events: %w", err)
	}
	for _, e := range events {
		var seen int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM desk_events WHERE id = ?`, e.ID).Scan(&seen); err != nil {
			return res, fmt.Errorf("badge events: %w", err)
		}
		if seen > 0 {
			res.Duplicates++
			continue
		}
		outcome, heldBy, err := applyBadgeEvent(ctx, tx, e, registry.TrustedTime(e.At, m, received))
		if err != nil {
			return res, fmt.Errorf("badge event %s: %w", e.ID, err)
		}
		switch outcome {
		case registry.OutcomeApplied, registry.OutcomeDisplaced:
			res.Applied++
		case registry.OutcomeLost:
			res.Lost = append(res.Lost, wire.LostBind{ID: e.ID, UID: e.UID, DelegateID: e.DelegateID, HeldBy: heldBy})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO desk_events (id, op, uid, delegate_id, kiosk, at_us, received_us, outcome, held_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.Op, e.UID, e.DelegateID, kioskID, e.At.UnixMicro(),
			received.UnixMicro(), outcome, heldBy); err != nil {
			return res, fmt.Errorf("badge event %s: %w", e.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("badge events: commit: %w", err)
	}
	return res, nil
}

// applyBadgeEvent applies one desk event as made at trusted (the time it
// counts as made; the desk's own stamp stays in desk_events), by
// registry.DecideBadgeEvent.
func applyBadgeEvent(ctx context.Context, tx *sql.Tx, e wire.BadgeEvent, trusted time.Time) (outcome, heldBy string, err error) {
	at := trusted.UnixMicro()
	var b registry.BadgeRow
	var revokedUS sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT delegate_id, revoked, bound_us, revoked_us FROM badges WHERE uid = ?1`, e.UID).
		Scan(&b.Holder, &b.Revoked, &b.BoundUS, &revokedUS)
	b.Exists, b.RevokedUS = err == nil, revokedUS.Int64
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", err
	}
	known := false
	if e.Op != kiosk.BadgeRevoke {
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM delegates WHERE id = ?1)`, e.DelegateID).Scan(&known); err != nil {
			return "", "", err
		}
	}
	outcome, heldBy, write := registry.DecideBadgeEvent(e.Op, e.DelegateID, known, b, at)
	err = nil
	switch {
	case !write:
	case e.Op == kiosk.BadgeRevoke:
		_, err = tx.ExecContext(ctx, `UPDATE badges SET revoked = 1, revoked_us = ?1 WHERE uid = ?2`, at, e.UID)
	default:
		_, err = tx.ExecContext(ctx, `INSERT INTO badges (uid, delegate_id, source, revoked, created_us, bound_us)
			VALUES (?1, ?2, 'desk', 0, ?3, ?3) ON CONFLICT (uid) DO UPDATE SET delegate_id = excluded.delegate_id,
			source = 'desk', revoked = 0, revoked_us = NULL, created_us = excluded.created_us, bound_us = excluded.bound_us`,
			e.UID, e.DelegateID, at)
	}
	return outcome, heldBy, err
}

// Conflicts lists the latest binds that lost, or displaced a later bind.
func (s *Store) Conflicts(ctx context.Context, limit int) ([]wire.LostBind, error) {
	out, err := sqlitedb.Collect(ctx, s.read, func(rows *sql.Rows) (wire.LostBind, error) {
		var l wire.LostBind
		var outcome string
		err := rows.Scan(&l.ID, &l.UID, &l.DelegateID, &l.HeldBy, &outcome)
		if outcome == registry.OutcomeDisplaced {
			// The earlier bind won: the one it displaced is the loser.
			l.DelegateID, l.HeldBy = l.HeldBy, l.DelegateID
		}
		return l, err
	}, `SELECT id, uid, delegate_id, held_by, outcome FROM desk_events
		WHERE outcome IN ('lost', 'displaced') ORDER BY received_us DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	return out, nil
}
