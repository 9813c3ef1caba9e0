package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
)

var (
	_ kiosk.APIKeyStore     = (*Store)(nil)
	_ kiosk.CredentialStore = (*Store)(nil)
)

// AddAPIKey stores the hash of a new key under name, replacing an earlier
// key of that name; EINVALID for a bad name or hash, or for a key this
// registry did not make itself.
func (s *Store) AddAPIKey(ctx context.Context, name, hash string) (bool, error) {
	if !kiosk.ValidAPIKeyName(name) || !kiosk.ValidSecretHash(hash) {
		return false, kiosk.Errorf(kiosk.EINVALID, "api key %q: a name of 1 to 64 letters, digits, '.', '_' or '-', and a SHA-256 hash", name)
	}
	var replaced bool
	err := s.update(ctx, "add api key", func(tx pgx.Tx, now time.Time) error {
		var source string
		err := tx.QueryRow(ctx, `SELECT source FROM api_keys WHERE name = $1 FOR UPDATE`, name).Scan(&source)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case source == kiosk.APIKeyFromRegistry:
			return kiosk.Errorf(kiosk.EINVALID, "api key %q is managed at the registry: add it there", name)
		}
		replaced = source != ""
		_, err = tx.Exec(ctx, `INSERT INTO api_keys (name, key_hash, created_us) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET key_hash = excluded.key_hash, created_us = excluded.created_us, revoked_us = 0`,
			name, hash, now.UnixMicro())
		return err
	})
	return replaced, err
}

// RevokeAPIKey revokes the key of that name; ENOTFOUND for no such key,
// EINVALID for a key this registry did not make itself.
func (s *Store) RevokeAPIKey(ctx context.Context, name string) error {
	return s.update(ctx, "revoke api key "+name, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_us = $1 WHERE name = $2 AND source = 'local' AND revoked_us = 0`,
			now.UnixMicro(), name)
		if err != nil || tag.RowsAffected() > 0 {
			return err
		}
		var source string
		err = tx.QueryRow(ctx, `SELECT source FROM api_keys WHERE name = $1`, name).Scan(&source)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return kiosk.Errorf(kiosk.ENOTFOUND, "no api key %q", name)
		case err != nil:
			return err
		case source == kiosk.APIKeyFromRegistry:
			return kiosk.Errorf(kiosk.EINVALID, "api key %q is managed at the registry: revoke it there", name)
		}
		return nil // revoked already
	})
}

// APIKeys lists the keys, revoked ones too, by name (in byte order, as on
// SQLite).
func (s *Store) APIKeys(ctx context.Context) ([]kiosk.APIKey, error) {
	rows, _ := s.pool.Query(ctx, `SELECT name, key_hash, created_us, revoked_us, source FROM api_keys ORDER BY name COLLATE "C"`)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kiosk.APIKey, error) {
		var k kiosk.APIKey
		var created, revoked int64
		err := row.Scan(&k.Name, &k.Hash, &created, &revoked, &k.Source)
		k.Created, k.Revoked = timeOf(created), revoked != 0
		if k.Revoked {
			k.RevokedAt = timeOf(revoked)
		}
		return k, err
	})
	if err != nil {
		return nil, wrap("api keys", err)
	}
	return out, nil
}

// BadgeStanding returns what an RFID UID is bound to, with only the
// delegate's id, status and validity, and the meeting.
func (s *Store) BadgeStanding(ctx context.Context, uid string) (kiosk.Standing, kiosk.Meeting, error) {
	m, err := s.Meeting(ctx)
	if err != nil {
		return kiosk.Standing{}, m, err
	}
	var d kiosk.Delegate
	var revoked bool
	err = s.pool.QueryRow(ctx, `SELECT d.id, d.status, d.valid_from, d.valid_to, b.revoked
		FROM badges b JOIN delegates d ON d.id = b.delegate_id WHERE b.uid = $1`, uid).
		Scan(&d.ID, &d.Status, &d.ValidFrom, &d.ValidTo, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return kiosk.Standing{}, m, nil
	} else if err != nil {
		return kiosk.Standing{}, m, wrap("look up badge", err)
	}
	return kiosk.Standing{Known: true, Revoked: revoked, Delegate: &d}, m, nil
}
