package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
	"checkin/sync/registry"
)

// AddToken stores a kiosk's token (its hash). A token the kiosk held
// before stops working, and, as when it is revoked, the kiosk's pass keys
// are withdrawn: whoever held the old token may have announced them.
func (s *Store) AddToken(ctx context.Context, kioskID, token string) error {
	return s.update(ctx, "add token", func(tx pgx.Tx, now time.Time) error {
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		revoked, err := revokeToken(ctx, tx, kioskID, now)
		if err != nil {
			return err
		}
		if revoked {
			if err := withdrawKeys(ctx, tx, kioskID, now); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO kiosk_tokens (kiosk, token_hash, created_us) VALUES ($1, $2, $3)`,
			kioskID, kiosk.HashSecret(token), now.UnixMicro())
		return err
	})
}

// RevokeToken removes a kiosk's token and withdraws its pass keys at every
// kiosk (the feed carries their deletes), in one transaction. ENOTFOUND if
// it has none.
func (s *Store) RevokeToken(ctx context.Context, kioskID string) error {
	return s.update(ctx, "revoke token", func(tx pgx.Tx, now time.Time) error {
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		revoked, err := revokeToken(ctx, tx, kioskID, now)
		if err != nil {
			return err
		} else if !revoked {
			return kiosk.Errorf(kiosk.ENOTFOUND, "kiosk %q has no token", kioskID)
		}
		return withdrawKeys(ctx, tx, kioskID, now)
	})
}

// revokeToken removes a kiosk's token, if it has one, and remembers its
// hash as revoked.
func revokeToken(ctx context.Context, tx pgx.Tx, kioskID string, now time.Time) (bool, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO revoked_tokens (token_hash, kiosk, revoked_us)
		SELECT token_hash, kiosk, $1 FROM kiosk_tokens WHERE kiosk = $2 ON CONFLICT DO NOTHING`, now.UnixMicro(), kioskID); err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM kiosk_tokens WHERE kiosk = $1`, kioskID)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() > 0, nil
}

// TokenKiosks lists the kiosks that hold tokens, with when they were made.
func (s *Store) TokenKiosks(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.pool.Query(ctx, `SELECT kiosk, created_us FROM kiosk_tokens ORDER BY kiosk`)
	if err != nil {
		return nil, wrap("token kiosks", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var k string
		var us int64
		if err := rows.Scan(&k, &us); err != nil {
			return nil, wrap("token kiosks", err)
		}
		out[k] = time.UnixMicro(us).UTC()
	}
	return out, wrap("token kiosks", rows.Err())
}

// KioskForToken returns the kiosk a token belongs to, or EUNAUTHORIZED,
// also wrapping registry.ErrRevokedToken for a token revoked or replaced.
func (s *Store) KioskForToken(ctx context.Context, token string) (string, error) {
	var k string
	var live bool
	err := s.pool.QueryRow(ctx, `SELECT kiosk, true FROM kiosk_tokens WHERE token_hash = $1
		UNION ALL SELECT kiosk, false FROM revoked_tokens WHERE token_hash = $1 LIMIT 1`, kiosk.HashSecret(token)).Scan(&k, &live)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", kiosk.Errorf(kiosk.EUNAUTHORIZED, "unknown token")
	case err != nil:
		return "", wrap("check token", err)
	case !live:
		return "", fmt.Errorf("%w: %w", registry.ErrRevokedToken, kiosk.Errorf(kiosk.EUNAUTHORIZED, "revoked token"))
	}
	return k, nil
}
