package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"checkin/kiosk"
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
	st, err := db.credentialStmts()
	if err != nil {
		return nil, err
	}
	rows, err := st.keys.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("api keys: %w", err)
	}
	defer rows.Close()
	out := []kiosk.APIKey{}
	for rows.Next() {
		var k kiosk.APIKey
		var created, revoked int64
		if err := rows.Scan(&k.Name, &k.Hash, &created, &revoked, &k.Source); err != nil {
			return nil, fmt.Errorf("api keys: %w", err)
		}
		k.Created, k.Revoked = fromMicros(created), revoked != 0
		if k.Revoked {
			k.RevokedAt = fromMicros(revoked)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("api keys: %w", err)
	}
	return out, nil
}

// BadgeStanding returns what an RFID UID is bound to, with only the
// delegate's id, status and validity, and the meeting, in one read.
func (db *Venue) BadgeStanding(ctx context.Context, uid string) (kiosk.Standing, kiosk.Meeting, error) {
	st, err := db.credentialStmts()
	if err != nil {
		return kiosk.Standing{}, kiosk.Meeting{}, err
	}
	var m kiosk.Meeting
	var id, status, from, to sql.NullString
	var revoked sql.NullBool
	if err := st.standing.QueryRowContext(ctx, uid).Scan(&m.ID, &m.Name, &m.TimeZone, &m.Start, &m.End, &id, &status, &from, &to, &revoked); err != nil {
		return kiosk.Standing{}, m, fmt.Errorf("look up badge: %w", err)
	}
	if m.TimeZone == "" {
		m.TimeZone = kiosk.DefaultTimeZone
	}
	if !id.Valid {
		return kiosk.Standing{}, m, nil
	}
	d := &kiosk.Delegate{ID: id.String, Status: status.String, ValidFrom: from.String, ValidTo: to.String}
	return kiosk.Standing{Known: true, Revoked: revoked.Bool, Delegate: d}, m, nil
}

// credentialStmts are the credential API's two reads, prepared once on
// the readers: parsing SQL costs more than running these lookups (it
// took half of a request's time, BenchmarkCredentialAPI).
type credentialStmts struct {
	keys, standing *sql.Stmt
}

const (
	sqlAPIKeys  = `SELECT name, key_hash, created_us, revoked_us, source FROM api_keys ORDER BY name`
	sqlStanding = `SELECT coalesce((SELECT value FROM settings WHERE key = 'meeting.id'), ''),
		coalesce((SELECT value FROM settings WHERE key = 'meeting.name'), ''),
		coalesce((SELECT value FROM settings WHERE key = 'meeting.timezone'), ''),
		coalesce((SELECT value FROM settings WHERE key = 'meeting.start'), ''),
		coalesce((SELECT value FROM settings WHERE key = 'meeting.end'), ''),
		d.id, d.status, d.valid_from, d.valid_to, b.revoked
		FROM (SELECT 1) LEFT JOIN badges b ON b.uid = ? LEFT JOIN delegates d ON d.id = b.delegate_id`
)

// credentialStmts prepares the statements on first use (a store that is
// never asked prepares nothing); a failure is tried again next time.
func (db *Venue) credentialStmts() (*credentialStmts, error) {
	db.credMu.Lock()
	defer db.credMu.Unlock()
	if db.cred != nil {
		return db.cred, nil
	}
	ctx := context.Background()
	keys, err := db.read.PrepareContext(ctx, sqlAPIKeys)
	if err != nil {
		return nil, fmt.Errorf("prepare api keys: %w", err)
	}
	standing, err := db.read.PrepareContext(ctx, sqlStanding)
	if err != nil {
		keys.Close()
		return nil, fmt.Errorf("prepare badge standing: %w", err)
	}
	db.cred = &credentialStmts{keys: keys, standing: standing}
	return db.cred, nil
}
