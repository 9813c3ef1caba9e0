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
