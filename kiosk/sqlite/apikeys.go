package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

var (
	_ kiosk.APIKeyStore     = (*Venue)(nil)
	_ kiosk.CredentialStore = (*Venue)(nil)
)

// AddAPIKey stores the hash of a new key under name, replacing an earlier
// key of that name; EINVALID for a bad name or hash, or for a name the
// registry manages here.
func (db *Venue) AddAPIKey(ctx context.Context, name, hash string) (bool, error) {
	if !kiosk.ValidAPIKeyName(name) || !kiosk.ValidSecretHash(hash) {
		return false, kiosk.Errorf(kiosk.EINVALID, "api key %q: a name of 1 to 64 letters, digits, '.', '_' or '-', and a SHA-256 hash", name)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("add api key: %w", err)
	}
	defer tx.Rollback()
	var source string
	err = tx.QueryRowContext(ctx, `SELECT source FROM api_keys WHERE name = ?`, name).Scan(&source)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, fmt.Errorf("add api key: %w", err)
	case source == kiosk.APIKeyFromRegistry:
		return false, kiosk.Errorf(kiosk.EINVALID, "api key %q is managed at the registry: add it there", name)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO api_keys (name, key_hash, created_us) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET key_hash = excluded.key_hash, created_us = excluded.created_us, revoked_us = 0`,
		name, hash, micros(db.Now())); err != nil {
		return false, fmt.Errorf("add api key: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("add api key: %w", err)
	}
	return source != "", nil
}

// RevokeAPIKey revokes the key of that name; ENOTFOUND for no such key,
// EINVALID for a key the registry manages here.
func (db *Venue) RevokeAPIKey(ctx context.Context, name string) error {
	r, err := db.write.ExecContext(ctx, `UPDATE api_keys SET revoked_us = ? WHERE name = ? AND source = 'local' AND revoked_us = 0`,
		micros(db.Now()), name)
	if err != nil {
		return fmt.Errorf("revoke api key %s: %w", name, err)
	}
	if n, _ := r.RowsAffected(); n > 0 {
		return nil
	}
	var source string
	err = db.read.QueryRowContext(ctx, `SELECT source FROM api_keys WHERE name = ?`, name).Scan(&source)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return kiosk.Errorf(kiosk.ENOTFOUND, "no api key %q", name)
	case err != nil:
		return fmt.Errorf("revoke api key %s: %w", name, err)
	case source == kiosk.APIKeyFromRegistry:
		return kiosk.Errorf(kiosk.EINVALID, "api key %q is managed at the registry: revoke it there", name)
	}
	return nil // revoked already
}

// APIKeys lists the keys, revoked ones too, by name.
func (db *Venue) APIKeys(ctx context.Context) ([]kiosk.APIKey, error) {
	out, err := sqlitedb.Collect(ctx, db.read, func(rows *sql.Rows) (kiosk.APIKey, error) {
		var k kiosk.APIKey
		var created, revoked int64
		err := rows.Scan(&k.Name, &k.Hash, &created, &revoked, &k.Source)
		k.Created, k.Revoked = fromMicros(created), revoked != 0
		if k.Revoked {
			k.RevokedAt = fromMicros(revoked)
		}
		return k, err
	}, `SELECT name, key_hash, created_us, revoked_us, source FROM api_keys ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("api keys: %w", err)
	}
	return out, nil
}

// BadgeStanding returns what an RFID UID is bound to, with only the
// delegate's id, status and validity, and the meeting.
func (db *Venue) BadgeStanding(ctx context.Context, uid string) (kiosk.Standing, kiosk.Meeting, error) {
	m, err := db.Meeting(ctx)
	if err != nil {
		return kiosk.Standing{}, m, err
	}
	var d kiosk.Delegate
	var revoked bool
	err = db.read.QueryRowContext(ctx, `SELECT d.id, d.status, d.valid_from, d.valid_to, b.revoked
		FROM badges b JOIN delegates d ON d.id = b.delegate_id WHERE b.uid = ?`, uid).
		Scan(&d.ID, &d.Status, &d.ValidFrom, &d.ValidTo, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return kiosk.Standing{}, m, nil
	} else if err != nil {
		return kiosk.Standing{}, m, fmt.Errorf("look up badge: %w", err)
	}
	return kiosk.Standing{Known: true, Revoked: revoked, Delegate: &d}, m, nil
}
