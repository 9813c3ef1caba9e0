package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"checkin/kiosk"
)

// BindBadge binds an RFID UID (canonical) to a delegate at the desk.
// Returns ENOTFOUND for an unknown delegate and ECONFLICT when the UID is
// bound, unrevoked, to someone else. Binding a revoked UID reissues it.
func (db *DB) BindBadge(ctx context.Context, delegateID, uid string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bind badge: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM delegates WHERE id = ?`, delegateID).Scan(&n); err != nil {
		return fmt.Errorf("bind badge: %w", err)
	} else if n == 0 {
		return kiosk.Errorf(kiosk.ENOTFOUND, "no delegate with id %q", delegateID)
	}
	var holder string
	var revoked bool
	err = tx.QueryRowContext(ctx, `SELECT delegate_id, revoked FROM badges WHERE uid = ?`, uid).Scan(&holder, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("bind badge: %w", err)
	case holder == delegateID && !revoked:
		return nil
	case !revoked:
		return kiosk.Errorf(kiosk.ECONFLICT, "badge %s is bound to %s", uid, holder)
	}
	now := db.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO badges (uid, delegate_id, source, created_us) VALUES (?, ?, ?, ?)
		ON CONFLICT (uid) DO UPDATE SET delegate_id = excluded.delegate_id, source = excluded.source,
			revoked = 0, created_us = excluded.created_us, revoked_us = NULL`,
		uid, delegateID, badgeFromDesk, micros(now)); err != nil {
		return fmt.Errorf("bind badge: %w", err)
	}
	if err := db.queueBadgeEvent(ctx, tx, kiosk.BadgeBind, uid, delegateID, now); err != nil {
		return fmt.Errorf("bind badge: %w", err)
	}
	return tx.Commit()
}

// RevokeBadge revokes a UID: taps with it are rejected as revoked_badge.
// Returns ENOTFOUND if the UID was never bound.
func (db *DB) RevokeBadge(ctx context.Context, uid string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("revoke badge: %w", err)
	}
	defer tx.Rollback()
	now := db.Now()
	r, err := tx.ExecContext(ctx, `UPDATE badges SET revoked = 1, revoked_us = ? WHERE uid = ? AND revoked = 0`, micros(now), uid)
	if err != nil {
		return fmt.Errorf("revoke badge: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM badges WHERE uid = ?`, uid).Scan(&exists); err != nil {
			return fmt.Errorf("revoke badge: %w", err)
		} else if exists == 0 {
			return kiosk.Errorf(kiosk.ENOTFOUND, "badge %s is not bound", uid)
		}
		return nil // already revoked
	}
	if err := db.queueBadgeEvent(ctx, tx, kiosk.BadgeRevoke, uid, "", now); err != nil {
		return fmt.Errorf("revoke badge: %w", err)
	}
	return tx.Commit()
}

// queueBadgeEvent records a desk's bind or revoke for the registry, in the
// transaction that makes it.
func (db *DB) queueBadgeEvent(ctx context.Context, tx *sql.Tx, op, uid, delegateID string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO badge_events (id, op, uid, delegate_id, at_us) VALUES (?, ?, ?, ?, ?)`,
		db.NewID(), op, uid, delegateID, micros(at))
	return err
}
