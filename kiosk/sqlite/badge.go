package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"checkin/kiosk"
)

// DeskBind binds a badge at the desk and, with req.Replace, revokes the
// delegate's other RFID badges, with the audit entry and the badge events
// for the registry, in one transaction. ENOTFOUND for an unknown delegate;
// a *kiosk.BadgeHeldError when someone else holds the UID, after
// committing only the refusal's audit entry.
func (db *DB) DeskBind(ctx context.Context, actor string, req kiosk.BindRequest) (kiosk.Bound, error) {
	b := kiosk.Bound{UID: req.UID, DelegateID: req.DelegateID, Revoked: []string{}}
	var held *kiosk.BadgeHeldError
	err := db.update(ctx, "bind badge", func(tx *sql.Tx, now time.Time) error {
		err := db.bindBadge(ctx, tx, req.DelegateID, req.UID, now)
		if errors.As(err, &held) {
			return insertAudit(ctx, tx, now, actor, kiosk.AuditBindRefused(held))
		} else if err != nil {
			return err
		}
		if req.Replace {
			badges, err := delegateBadges(ctx, tx, req.DelegateID)
			if err != nil {
				return err
			}
			for _, uid := range kiosk.ReplacedBy(badges, req.UID) {
				if err := db.revokeBadge(ctx, tx, uid, now); err != nil {
					return err
				}
				b.Revoked = append(b.Revoked, uid)
			}
		}
		return insertAudit(ctx, tx, now, actor, kiosk.AuditBind(b))
	})
	if err == nil && held != nil {
		err = held
	}
	if err != nil {
		return kiosk.Bound{}, err
	}
	return b, nil
}

// DeskRevoke revokes a UID with its audit entry and badge event, in one
// transaction. ENOTFOUND if the UID was never bound.
func (db *DB) DeskRevoke(ctx context.Context, actor, uid string) error {
	return db.update(ctx, "revoke badge", func(tx *sql.Tx, now time.Time) error {
		if err := db.revokeBadge(ctx, tx, uid, now); err != nil {
			return err
		}
		return insertAudit(ctx, tx, now, actor, kiosk.AuditRevoke(uid))
	})
}

// update runs fn in one write transaction, with the time taken once, and
// commits it if fn succeeds. what names the change in errors.
func (db *DB) update(ctx context.Context, what string, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx, db.Now()); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// bindBadge binds uid to a delegate and queues the bind. ENOTFOUND for an
// unknown delegate, a *kiosk.BadgeHeldError when someone else holds the
// UID unrevoked. Binding a revoked UID reissues it; a UID the delegate
// holds already stays as it is.
func (db *DB) bindBadge(ctx context.Context, tx *sql.Tx, delegateID, uid string, now time.Time) error {
	if err := requireDelegate(ctx, tx, delegateID); err != nil {
		return err
	}
	var revoked bool
	holder, err := scanDelegate(tx.QueryRowContext(ctx, sqlBadge, uid), &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && revoked:
	case err != nil:
		return fmt.Errorf("look up badge %s: %w", uid, err)
	case holder.ID == delegateID:
		return nil
	default:
		return &kiosk.BadgeHeldError{UID: uid, DelegateID: delegateID, Holder: *holder}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO badges (uid, delegate_id, source, created_us) VALUES (?, ?, ?, ?)
		ON CONFLICT (uid) DO UPDATE SET delegate_id = excluded.delegate_id, source = excluded.source,
			revoked = 0, created_us = excluded.created_us, revoked_us = NULL`,
		uid, delegateID, badgeFromDesk, micros(now)); err != nil {
		return fmt.Errorf("bind %s: %w", uid, err)
	}
	return db.queueBadgeEvent(ctx, tx, kiosk.BadgeBind, uid, delegateID, now)
}

// revokeBadge revokes uid and queues the revocation. ENOTFOUND if it was
// never bound; a revoked UID stays as it is.
func (db *DB) revokeBadge(ctx context.Context, tx *sql.Tx, uid string, now time.Time) error {
	r, err := tx.ExecContext(ctx, `UPDATE badges SET revoked = 1, revoked_us = ? WHERE uid = ? AND revoked = 0`, micros(now), uid)
	if err != nil {
		return fmt.Errorf("revoke %s: %w", uid, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM badges WHERE uid = ?`, uid).Scan(&exists); err != nil {
			return fmt.Errorf("revoke %s: %w", uid, err)
		} else if exists == 0 {
			return kiosk.Errorf(kiosk.ENOTFOUND, "badge %s is not bound", uid)
		}
		return nil // already revoked
	}
	return db.queueBadgeEvent(ctx, tx, kiosk.BadgeRevoke, uid, "", now)
}

// queueBadgeEvent records a desk's bind or revoke for the registry, in the
// transaction that makes it.
func (db *DB) queueBadgeEvent(ctx context.Context, tx *sql.Tx, op, uid, delegateID string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO badge_events (id, op, uid, delegate_id, at_us) VALUES (?, ?, ?, ?, ?)`,
		db.NewID(), op, uid, delegateID, micros(at))
	if err != nil {
		return fmt.Errorf("queue %s %s: %w", op, uid, err)
	}
	return nil
}
