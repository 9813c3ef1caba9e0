package postgres

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// AddCheckins stores check-in events from a kiosk, each event id once,
// whichever registry process receives it and however many at the same
// moment: the taps' primary key decides (ON CONFLICT DO NOTHING waits for
// a concurrent insert of the same id and then counts it a duplicate). An
// accepted entry becomes the delegate's arrival of its local day unless an
// earlier one is known; arrivals reach every kiosk through the change
// feed. Deliveries that arrive together are committed together
// (registry.GroupCommit).
func (s *Store) AddCheckins(ctx context.Context, kioskID string, events []wire.CheckinEvent, received time.Time) (accepted, duplicates int, err error) {
	if len(events) == 0 {
		return 0, 0, nil
	}
	return s.ingest.Add(ctx, registry.Delivery{Kiosk: kioskID, Events: events, Received: received})
}

// commitCheckins stores a group of deliveries in one transaction and
// returns how many events of each were new.
func (s *Store) commitCheckins(group []registry.Delivery) ([]int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	counts := make([]int, len(group))
	err := s.update(ctx, "add checkins", func(tx pgx.Tx, _ time.Time) error {
		m, err := readMeeting(ctx, tx)
		if err != nil {
			return err
		}
		var all []wire.CheckinEvent
		for _, r := range group {
			all = append(all, r.Events...)
		}
		names, err := delegateNames(ctx, tx, all)
		if err != nil {
			return err
		}
		arrivals := map[arrivalKey]arrival{}
		presences := map[arrivalKey]kiosk.Presence{}
		for i, r := range group {
			if counts[i], err = insertTaps(ctx, tx, r, names, m.Location(), arrivals, presences); err != nil {
				return err
			}
		}
		if err := upsertArrivals(ctx, tx, arrivals); err != nil {
			return err
		}
		return upsertPresences(ctx, tx, presences)
	})
	return counts, err
}

type arrivalKey struct{ delegate, day string }

// arrival is the earliest entry of a delegate on a day in a group.
type arrival struct {
	tapID, kiosk string
	atUS         int64
}

// insertTaps stores one delivery's events and notes their arrivals (the
// earliest of each delegate and day) in arrivals, and their room-door
// passes (the latest of each delegate and day) in presences.
func insertTaps(ctx context.Context, tx pgx.Tx, r registry.Delivery, names map[string]string, loc *time.Location,
	arrivals map[arrivalKey]arrival, presences map[arrivalKey]kiosk.Presence) (int, error) {
	// In id order, so that two processes committing overlapping batches
	// wait for each other's rows in one order.
	sorted := slices.Clone(r.Events)
	slices.SortFunc(sorted, func(a, b wire.CheckinEvent) int { return cmp.Compare(a.ID, b.ID) })
	n := len(sorted)
	ids, days, uids, sources, gates, dirs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	delegates, dnames, results, reasons := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	rooms, sessions := make([]string, n), make([]string, n)
	ats := make([]int64, n)
	for i, e := range sorted {
		ids[i], ats[i], days[i], uids[i], sources[i], gates[i], dirs[i] = e.ID, e.At.UnixMicro(), kiosk.LocalDate(e.At, loc), e.UID, e.Source, e.Gate, e.Direction
		delegates[i], dnames[i], results[i], reasons[i] = e.DelegateID, names[e.DelegateID], e.Result, e.Reason
		rooms[i], sessions[i] = e.Room, e.SessionID
		if isArrival(e) {
			k := arrivalKey{e.DelegateID, days[i]}
			if a, ok := arrivals[k]; !ok || ats[i] < a.atUS {
				arrivals[k] = arrival{tapID: e.ID, kiosk: r.Kiosk, atUS: ats[i]}
			}
		}
		if isPresence(e) {
			k := arrivalKey{e.DelegateID, days[i]}
			p := kiosk.Presence{DelegateID: e.DelegateID, Day: days[i], Room: e.Room, Direction: e.Direction,
				At: time.UnixMicro(ats[i]).UTC(), TapID: e.ID, Kiosk: r.Kiosk, SessionID: e.SessionID}
			if q, ok := presences[k]; !ok || p.Newer(q) {
				presences[k] = p
			}
		}
	}
	tag, err := tx.Exec(ctx, `INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk, delegate_id,
		delegate_name, result, reason, received_us, room, session_id)
		SELECT id, at_us, day, uid, source, gate, direction, $8, delegate_id, delegate_name, result, reason, $12, room, session_id
		FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$9::text[], $10::text[], $11::text[], $13::text[], $14::text[], $15::text[])
			AS e(id, at_us, day, uid, source, gate, direction, delegate_id, delegate_name, result, reason, room, session_id)
		ON CONFLICT (id) DO NOTHING`,
		ids, ats, days, uids, sources, gates, dirs, r.Kiosk, delegates, dnames, results, r.Received.UnixMicro(), reasons,
		rooms, sessions)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// upsertArrivals makes each noted arrival its delegate's of the day unless
// an earlier one is known, in key order, under the change log's lock
// (taken after the taps' rows, as every log writer takes it before its
// logged rows).
func upsertArrivals(ctx context.Context, tx pgx.Tx, arrivals map[arrivalKey]arrival) error {
	if len(arrivals) == 0 {
		return nil
	}
	keys := slices.SortedFunc(maps.Keys(arrivals), func(a, b arrivalKey) int {
		return cmp.Or(cmp.Compare(a.delegate, b.delegate), cmp.Compare(a.day, b.day))
	})
	var delegates, days, taps, kiosks []string
	var ats []int64
	for _, k := range keys {
		a := arrivals[k]
		delegates, days, taps, kiosks, ats = append(delegates, k.delegate), append(days, k.day), append(taps, a.tapID), append(kiosks, a.kiosk), append(ats, a.atUS)
	}
	if err := lockChangeLog(ctx, tx); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO arrivals (delegate_id, day, tap_id, at_us, kiosk)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
		ON CONFLICT (delegate_id, day) DO UPDATE SET tap_id = excluded.tap_id, at_us = excluded.at_us,
			kiosk = excluded.kiosk WHERE excluded.at_us < arrivals.at_us`,
		delegates, days, taps, ats, kiosks)
	return err
}

// upsertPresences makes each noted room-door pass its delegate's of the
// day unless a later one is known (kiosk.Presence.Newer), in key order,
// under the change log's lock.
func upsertPresences(ctx context.Context, tx pgx.Tx, presences map[arrivalKey]kiosk.Presence) error {
	if len(presences) == 0 {
		return nil
	}
	keys := slices.SortedFunc(maps.Keys(presences), func(a, b arrivalKey) int {
		return cmp.Or(cmp.Compare(a.delegate, b.delegate), cmp.Compare(a.day, b.day))
	})
	var delegates, days, rooms, dirs, taps, kiosks, sessions []string
	var ats []int64
	for _, k := range keys {
		p := presences[k]
		delegates, days, rooms, dirs = append(delegates, p.DelegateID), append(days, p.Day), append(rooms, p.Room), append(dirs, p.Direction)
		taps, kiosks, sessions, ats = append(taps, p.TapID), append(kiosks, p.Kiosk), append(sessions, p.SessionID), append(ats, p.At.UnixMicro())
	}
	if err := lockChangeLog(ctx, tx); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO presence (delegate_id, day, room, direction, at_us, tap_id, kiosk, session_id)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[])
		ON CONFLICT (delegate_id, day) DO UPDATE SET room = excluded.room, direction = excluded.direction,
			at_us = excluded.at_us, tap_id = excluded.tap_id, kiosk = excluded.kiosk, session_id = excluded.session_id
		WHERE excluded.at_us > presence.at_us OR (excluded.at_us = presence.at_us AND excluded.tap_id > presence.tap_id)`,
		delegates, days, rooms, dirs, ats, taps, kiosks, sessions)
	return err
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

// delegateNames looks up the display names of the delegates of a batch.
func delegateNames(ctx context.Context, tx pgx.Tx, events []wire.CheckinEvent) (map[string]string, error) {
	var ids []string
	seen := map[string]bool{}
	for _, e := range events {
		if e.DelegateID != "" && !seen[e.DelegateID] {
			seen[e.DelegateID] = true
			ids = append(ids, e.DelegateID)
		}
	}
	names := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, family_name, given_name FROM delegates WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d kiosk.Delegate
		if err := rows.Scan(&d.ID, &d.FamilyName, &d.GivenName); err != nil {
			return nil, err
		}
		names[d.ID] = d.Name()
	}
	return names, rows.Err()
}

// ApplyBadgeEvents applies desk binds and revokes, each event id once,
// with the SQLite store's rules (two binds of one UID resolve to the
// earlier trusted time, whatever order they arrive in). The transaction
// takes the change log's lock first: the desk events of every registry
// process are decided one delivery at a time, against the state the
// previous delivery left, so the outcome does not depend on which process
// received which bind.
func (s *Store) ApplyBadgeEvents(ctx context.Context, kioskID string, events []wire.BadgeEvent, received time.Time) (wire.BadgesResponse, error) {
	var res wire.BadgesResponse
	err := s.update(ctx, "badge events", func(tx pgx.Tx, _ time.Time) error {
		res = wire.BadgesResponse{Lost: []wire.LostBind{}}
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		m, err := readMeeting(ctx, tx)
		if err != nil {
			return err
		}
		for _, e := range events {
			var seen bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM desk_events WHERE id = $1)`, e.ID).Scan(&seen); err != nil {
				return err
			}
			if seen {
				res.Duplicates++
				continue
			}
			outcome, heldBy, err := applyBadgeEvent(ctx, tx, e, registry.TrustedTime(e.At, m, received))
			if err != nil {
				return err
			}
			switch outcome {
			case registry.OutcomeApplied, registry.OutcomeDisplaced:
				res.Applied++
			case registry.OutcomeLost:
				res.Lost = append(res.Lost, wire.LostBind{ID: e.ID, UID: e.UID, DelegateID: e.DelegateID, HeldBy: heldBy})
			}
			if _, err := tx.Exec(ctx, `INSERT INTO desk_events (id, op, uid, delegate_id, kiosk, at_us, received_us, outcome, held_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, e.Op, e.UID, e.DelegateID, kioskID, e.At.UnixMicro(),
				received.UnixMicro(), outcome, heldBy); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// applyBadgeEvent applies one desk event as made at trusted (the time it
// counts as made; the desk's own stamp stays in desk_events), by
// registry.DecideBadgeEvent.
func applyBadgeEvent(ctx context.Context, tx pgx.Tx, e wire.BadgeEvent, trusted time.Time) (outcome, heldBy string, err error) {
	at := trusted.UnixMicro()
	var b registry.BadgeRow
	var revokedUS *int64
	err = tx.QueryRow(ctx, `SELECT delegate_id, revoked, bound_us, revoked_us FROM badges WHERE uid = $1`, e.UID).
		Scan(&b.Holder, &b.Revoked, &b.BoundUS, &revokedUS)
	b.Exists = err == nil
	if revokedUS != nil {
		b.RevokedUS = *revokedUS
	}
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", "", err
	}
	known := false
	if e.Op != kiosk.BadgeRevoke {
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM delegates WHERE id = $1)`, e.DelegateID).Scan(&known); err != nil {
			return "", "", err
		}
	}
	outcome, heldBy, write := registry.DecideBadgeEvent(e.Op, e.DelegateID, known, b, at)
	err = nil
	switch {
	case !write:
	case e.Op == kiosk.BadgeRevoke:
		_, err = tx.Exec(ctx, `UPDATE badges SET revoked = true, revoked_us = $1 WHERE uid = $2`, at, e.UID)
	default:
		_, err = tx.Exec(ctx, `INSERT INTO badges (uid, delegate_id, source, revoked, created_us, bound_us)
			VALUES ($1, $2, 'desk', false, $3, $3) ON CONFLICT (uid) DO UPDATE SET delegate_id = excluded.delegate_id,
			source = 'desk', revoked = false, revoked_us = NULL, created_us = excluded.created_us, bound_us = excluded.bound_us`,
			e.UID, e.DelegateID, at)
	}
	return outcome, heldBy, err
}

// Conflicts lists the latest binds that lost, or displaced a later bind.
func (s *Store) Conflicts(ctx context.Context, limit int) ([]wire.LostBind, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, uid, delegate_id, held_by, outcome FROM desk_events
		WHERE outcome IN ('lost', 'displaced') ORDER BY received_us DESC LIMIT $1`, limit)
	if err != nil {
		return nil, wrap("conflicts", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (wire.LostBind, error) {
		var l wire.LostBind
		var outcome string
		err := r.Scan(&l.ID, &l.UID, &l.DelegateID, &l.HeldBy, &outcome)
		if outcome == registry.OutcomeDisplaced {
			// The earlier bind won: the one it displaced is the loser.
			l.DelegateID, l.HeldBy = l.HeldBy, l.DelegateID
		}
		return l, err
	})
	return out, wrap("conflicts", err)
}
