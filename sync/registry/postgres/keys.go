package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// AddPassKey trusts a kiosk's public pass key (text form "<id>:<key>");
// the insert puts it in the change feed. The rules are the SQLite store's:
// a key belongs to the kiosk that announced it first, announcing it again
// is a no-op, ECONFLICT for a key id that names another key or another
// kiosk's key or when the kiosk already has a different key, EFORBIDDEN
// for a withdrawn key.
func (s *Store) AddPassKey(ctx context.Context, kioskID, publicKey string) error {
	id, _, _ := strings.Cut(publicKey, ":")
	return s.update(ctx, "add pass key", func(tx pgx.Tx, now time.Time) error {
		// Under the log's lock: two processes taking the same kiosk's
		// first key at once decide one after the other.
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM withdrawn_keys WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return kiosk.Errorf(kiosk.EFORBIDDEN, "pass key %q was withdrawn (its kiosk's token was revoked or replaced): the kiosk must make a new key", id)
		}
		var held, owner string
		err := tx.QueryRow(ctx, `SELECT public_key, kiosk FROM pass_keys WHERE id = $1`, id).Scan(&held, &owner)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case owner != kioskID:
			return kiosk.Errorf(kiosk.ECONFLICT, "pass key id %q belongs to another kiosk", id)
		case held == publicKey:
			return nil
		default:
			return kiosk.Errorf(kiosk.ECONFLICT, "pass key id %q already names another key", id)
		}
		var other string
		err = tx.QueryRow(ctx, `SELECT id FROM pass_keys WHERE kiosk = $1 LIMIT 1`, kioskID).Scan(&other)
		if err == nil {
			return kiosk.Errorf(kiosk.ECONFLICT, "kiosk %s already has pass key %s; to give it another, revoke its token (checkin token revoke) and add a new one",
				kioskID, other)
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO pass_keys (id, public_key, origin, kiosk, created_us) VALUES ($1, $2, $3, $4, $5)`,
			id, publicKey, "kiosk:"+kioskID, kioskID, now.UnixMicro())
		return err
	})
}

// withdrawKeys stops trusting a kiosk's pass keys: they leave pass_keys
// (the trigger puts a delete of each in the feed) and are remembered as
// withdrawn, so that no token can bring them back.
func withdrawKeys(ctx context.Context, tx pgx.Tx, kioskID string, now time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO withdrawn_keys (id, public_key, kiosk, withdrawn_us)
		SELECT id, public_key, kiosk, $1 FROM pass_keys WHERE kiosk = $2 ON CONFLICT (id) DO NOTHING`, now.UnixMicro(), kioskID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM pass_keys WHERE kiosk = $1`, kioskID)
	return err
}

// KioskPassKeys returns the public pass keys (text form) a kiosk owns.
func (s *Store) KioskPassKeys(ctx context.Context, kioskID string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT public_key FROM pass_keys WHERE kiosk = $1 ORDER BY id`, kioskID)
	if err != nil {
		return nil, wrap("pass keys", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return keys, wrap("pass keys", err)
}

// AddPasses records passes a kiosk announced, in one transaction, each as
// its delegate's newest pass unless a newer one is known (the feed then
// carries it to every kiosk). EINVALID if a pass's key is no longer the
// kiosk's (withdrawn since it was verified).
func (s *Store) AddPasses(ctx context.Context, kioskID string, passes []registry.VerifiedPass) (wire.PassesResponse, error) {
	var res wire.PassesResponse
	err := s.update(ctx, "add passes", func(tx pgx.Tx, _ time.Time) error {
		res = wire.PassesResponse{}
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		for i, p := range passes {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM pass_keys WHERE id = $1 AND kiosk = $2`, p.KeyID, kioskID).Scan(&n); err != nil {
				return err
			} else if n == 0 {
				return kiosk.Errorf(kiosk.EINVALID, "passes[%d]: key %s is not kiosk %s's", i, p.KeyID, kioskID)
			}
			// The newer pass wins: the later issue time, then the greater
			// UID (kiosk.Pass.Newer), as on SQLite.
			var uid string
			if _, err := tx.Exec(ctx, `INSERT INTO passes (delegate_id, uid, issued_us, kiosk) VALUES ($1, $2, $3, $4)
				ON CONFLICT (delegate_id) DO UPDATE SET uid = excluded.uid, issued_us = excluded.issued_us, kiosk = excluded.kiosk
				WHERE (excluded.issued_us, excluded.uid) > (passes.issued_us, passes.uid)`,
				p.DelegateID, p.UID, p.IssuedAt.UnixMicro(), kioskID); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT uid FROM passes WHERE delegate_id = $1`, p.DelegateID).Scan(&uid); err != nil {
				return err
			}
			if uid == p.UID {
				res.Accepted++
			} else {
				res.Superseded++
			}
		}
		return nil
	})
	return res, err
}
