package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
)

// AddCheckins stores check-in events from a kiosk in one transaction, each
// event id once. An accepted entry becomes the delegate's arrival of its
// local day unless an earlier one is known; arrivals reach every kiosk
// through the change feed.
func (s *Store) AddCheckins(ctx context.Context, kioskID string, events []wire.CheckinEvent, received time.Time) (accepted, duplicates int, err error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("add checkins: %w", err)
	}
	defer tx.Rollback()
	m, err := s.meetingIn(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	loc := m.Location()
	name, err := tx.PrepareContext(ctx, `SELECT family_name, given_name FROM delegates WHERE id = ?`)
	if err != nil {
		return 0, 0, err
	}
	defer name.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk,
		delegate_id, delegate_name, result, reason, first_today, synced, received_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return 0, 0, err
	}
	defer insert.Close()
	arrival, err := tx.PrepareContext(ctx, `INSERT INTO arrivals (delegate_id, day, tap_id, at_us, kiosk) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (delegate_id, day) DO UPDATE SET tap_id = excluded.tap_id, at_us = excluded.at_us, kiosk = excluded.kiosk
		WHERE excluded.at_us < arrivals.at_us`)
	if err != nil {
		return 0, 0, err
	}
	defer arrival.Close()

	recvUS := received.UnixMicro()
	for _, e := range events {
		day := kiosk.LocalDate(e.At, loc)
		var delegateName string
		if e.DelegateID != "" {
			var d kiosk.Delegate
			err := name.QueryRowContext(ctx, e.DelegateID).Scan(&d.FamilyName, &d.GivenName)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return 0, 0, fmt.Errorf("add checkins: %w", err)
			}
			delegateName = d.Name()
		}
		first := false
		r, err := insert.ExecContext(ctx, e.ID, e.At.UnixMicro(), day, e.UID, e.Source, e.Gate, e.Direction, kioskID,
			e.DelegateID, delegateName, e.Result, e.Reason, first, recvUS)
		if err != nil {
			return 0, 0, fmt.Errorf("add checkins: event %s: %w", e.ID, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			duplicates++
			continue
		}
		accepted++
		if e.Result == kiosk.ResultAccepted && e.Direction == kiosk.DirectionIn && e.DelegateID != "" {
			if _, err := arrival.ExecContext(ctx, e.DelegateID, day, e.ID, e.At.UnixMicro(), kioskID); err != nil {
				return 0, 0, fmt.Errorf("add checkins: arrival: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("add checkins: commit: %w", err)
	}
	return accepted, duplicates, nil
}

// Outcomes of desk events.
const (
	outcomeApplied   = "applied"
	outcomeDisplaced = "displaced" // applied, taking the UID from a later bind
	outcomeLost      = "lost"      // a bind that lost to an earlier one
	outcomeStale     = "stale"     // older than the state it would change
	outcomeUnknown   = "unknown_delegate"
)

// ApplyBadgeEvents applies desk binds and revokes, each event id once. Two
// binds of one UID to different delegates resolve to the earlier event
// time, whatever order they arrive in; roster badges (bound before any
// desk event) always keep their holder. Losers are returned and kept for
// the dashboard.
func (s *Store) ApplyBadgeEvents(ctx context.Context, kioskID string, events []wire.BadgeEvent, received time.Time) (wire.BadgesResponse, error) {
	res := wire.BadgesResponse{Lost: []wire.LostBind{}}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("badge events: %w", err)
	}
	defer tx.Rollback()
	for _, e := range events {
		var seen int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM desk_events WHERE id = ?`, e.ID).Scan(&seen); err != nil {
			return res, fmt.Errorf("badge events: %w", err)
		}
		if seen > 0 {
			res.Duplicates++
			continue
		}
		outcome, heldBy, err := applyBadgeEvent(ctx, tx, e)
		if err != nil {
			return res, fmt.Errorf("badge event %s: %w", e.ID, err)
		}
		switch outcome {
		case outcomeApplied, outcomeDisplaced:
			res.Applied++
		case outcomeLost:
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

func applyBadgeEvent(ctx context.Context, tx *sql.Tx, e wire.BadgeEvent) (outcome, heldBy string, err error) {
	at := e.At.UnixMicro()
	var holder string
	var revoked bool
	var boundUS int64
	err = tx.QueryRowContext(ctx, `SELECT delegate_id, revoked, bound_us FROM badges WHERE uid = ?`, e.UID).
		Scan(&holder, &revoked, &boundUS)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", err
	}
	if e.Op == kiosk.BadgeRevoke {
		if !exists || revoked || at < boundUS {
			return outcomeStale, holder, nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE badges SET revoked = 1, revoked_us = ? WHERE uid = ?`, at, e.UID)
		return outcomeApplied, "", err
	}
	var known int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM delegates WHERE id = ?`, e.DelegateID).Scan(&known); err != nil {
		return "", "", err
	}
	switch {
	case known == 0:
		return outcomeUnknown, "", nil
	case exists && !revoked && holder == e.DelegateID:
		return outcomeApplied, "", nil
	case exists && !revoked && at >= boundUS:
		return outcomeLost, holder, nil
	}
	outcome = outcomeApplied
	if exists && !revoked {
		outcome, heldBy = outcomeDisplaced, holder
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO badges (uid, delegate_id, source, revoked, created_us, bound_us)
		VALUES (?, ?, 'desk', 0, ?, ?) ON CONFLICT (uid) DO UPDATE SET delegate_id = excluded.delegate_id,
		source = 'desk', revoked = 0, revoked_us = NULL, created_us = excluded.created_us, bound_us = excluded.bound_us`,
		e.UID, e.DelegateID, at, at)
	return outcome, heldBy, err
}

// Conflicts lists the latest binds that lost, or displaced a later bind.
func (s *Store) Conflicts(ctx context.Context, limit int) ([]wire.LostBind, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, uid, delegate_id, held_by, outcome FROM desk_events
		WHERE outcome IN ('lost', 'displaced') ORDER BY received_us DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	defer rows.Close()
	out := []wire.LostBind{}
	for rows.Next() {
		var l wire.LostBind
		var outcome string
		if err := rows.Scan(&l.ID, &l.UID, &l.DelegateID, &l.HeldBy, &outcome); err != nil {
			return nil, err
		}
		if outcome == outcomeDisplaced {
			// The earlier bind won: the one it displaced is the loser.
			l.DelegateID, l.HeldBy = l.HeldBy, l.DelegateID
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
