package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

// upsertPass records a pass as its delegate's newest, unless a newer one
// is known (kiosk.Pass.Newer, in SQL): the same statement for a pass
// issued here, one from the feed, and one shown at an entrance.
const (
	upsertPassPrefix = `INSERT INTO passes (delegate_id, uid, issued_us, kiosk) VALUES `
	upsertPassRow    = `(?, ?, ?, ?)`
	upsertPassSuffix = ` ON CONFLICT (delegate_id) DO UPDATE SET uid = excluded.uid, issued_us = excluded.issued_us,
		kiosk = excluded.kiosk WHERE (excluded.issued_us, excluded.uid) > (passes.issued_us, passes.uid)`
	sqlUpsertPass = upsertPassPrefix + upsertPassRow + upsertPassSuffix
)

func passArgs(args []any, p *kiosk.Pass) []any {
	return append(args, p.DelegateID, p.UID, micros(p.IssuedAt), p.Kiosk)
}

// RecordPass records p as its delegate's newest pass unless a newer one is
// known, in tx, and reports whether p is now the newest. The registry
// records the passes kiosks announce with it.
func RecordPass(ctx context.Context, tx *sql.Tx, p kiosk.Pass) (newest bool, err error) {
	if _, err := tx.ExecContext(ctx, sqlUpsertPass, passArgs(nil, &p)...); err != nil {
		return false, fmt.Errorf("record pass %s: %w", p.UID, err)
	}
	var uid string
	if err := tx.QueryRowContext(ctx, `SELECT uid FROM passes WHERE delegate_id = ?`, p.DelegateID).Scan(&uid); err != nil {
		return false, fmt.Errorf("record pass %s: %w", p.UID, err)
	}
	return uid == p.UID, nil
}

// PendingPasses returns up to limit passes issued here that the registry
// has not taken yet, oldest first.
func (db *DB) PendingPasses(ctx context.Context, limit int) ([]kiosk.IssuedPass, error) {
	return pending(ctx, db, "passes", scanIssuedPass,
		`SELECT uid, token, issued_us FROM issued_passes WHERE synced = 0 ORDER BY issued_us, uid LIMIT ?`, limit)
}

func scanIssuedPass(rows *sql.Rows) (kiosk.IssuedPass, error) {
	var p kiosk.IssuedPass
	var issued int64
	err := rows.Scan(&p.UID, &p.Token, &issued)
	p.IssuedAt = fromMicros(issued)
	return p, err
}

// MarkPassesDelivered marks passes as taken by the registry.
func (db *DB) MarkPassesDelivered(ctx context.Context, uids []string) error {
	return db.markDelivered(ctx, passesOutbox, uids)
}

// MarkPassRefused parks a pass the registry refused.
func (db *DB) MarkPassRefused(ctx context.Context, uid, why string) error {
	return db.markRefused(ctx, passesOutbox, uid, why)
}

// Settings key of the kiosk's own pass signing key (private: it never
// leaves this database).
const keyOwnPassKey = "pass.key"

// OwnPassKey returns the kiosk's own signing key as stored, or "" if none.
func (db *DB) OwnPassKey(ctx context.Context) (string, error) {
	v, err := db.setting(ctx, keyOwnPassKey)
	if err != nil {
		return "", fmt.Errorf("own pass key: %w", err)
	}
	return v, nil
}

// InitOwnPassKey stores secret as the kiosk's key unless one exists, and
// returns the key in force (so two processes starting at once agree).
func (db *DB) InitOwnPassKey(ctx context.Context, secret, id, public string) (string, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("own pass key: %w", err)
	}
	defer tx.Rollback()
	var v string
	err = tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, keyOwnPassKey).Scan(&v)
	if err == nil {
		return v, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("own pass key: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, keyOwnPassKey, secret); err != nil {
		return "", fmt.Errorf("own pass key: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO pass_keys (id, public_key, origin, created_us) VALUES (?, ?, 'own', ?)
		ON CONFLICT (id) DO NOTHING`, id, public, micros(db.Now())); err != nil {
		return "", fmt.Errorf("own pass key: %w", err)
	}
	return secret, tx.Commit()
}

// ReplaceOwnPassKey makes secret the kiosk's signing key, in place of the
// one it had, which is no longer trusted here (the registry withdrew it).
func (db *DB) ReplaceOwnPassKey(ctx context.Context, secret, id, public string) error {
	return db.update(ctx, "replace own pass key", func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pass_keys WHERE origin = 'own'`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keyOwnPassKey, secret); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO pass_keys (id, public_key, origin, created_us) VALUES (?, ?, 'own', ?)`,
			id, public, micros(now))
		return err
	})
}

// PassKeys returns every public key passes may be signed with.
func (db *DB) PassKeys(ctx context.Context) ([]kiosk.PassKey, error) {
	out, err := sqlitedb.Collect(ctx, db.read, func(rows *sql.Rows) (kiosk.PassKey, error) {
		var k kiosk.PassKey
		return k, rows.Scan(&k.ID, &k.PublicKey, &k.Origin)
	}, `SELECT id, public_key, origin FROM pass_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("pass keys: %w", err)
	}
	return out, nil
}
