package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"checkin/kiosk"
	ksqlite "checkin/kiosk/sqlite"
	"checkin/kiosk/sqlitedb"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// AddPassKey trusts a kiosk's public pass key (text form "<id>:<key>");
// the insert puts it in the change feed. A key belongs to the kiosk that
// announced it first. Announcing the same key again is a no-op. Returns
// ECONFLICT for a key id that names another key or another kiosk's key,
// and when the kiosk already has a different key; EFORBIDDEN for a key
// that was withdrawn.
func (s *Store) AddPassKey(ctx context.Context, kioskID, publicKey string) error {
	id, _, _ := strings.Cut(publicKey, ":")
	return s.update(ctx, "add pass key", func(tx *sql.Tx, now time.Time) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM withdrawn_keys WHERE id = ?`, id).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return kiosk.Errorf(kiosk.EFORBIDDEN, "pass key %q was withdrawn (its kiosk's token was revoked or replaced): the kiosk must make a new key", id)
		}
		var held, owner string
		err := tx.QueryRowContext(ctx, `SELECT public_key, kiosk FROM pass_keys WHERE id = ?`, id).Scan(&held, &owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
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
		err = tx.QueryRowContext(ctx, `SELECT id FROM pass_keys WHERE kiosk = ? LIMIT 1`, kioskID).Scan(&other)
		if err == nil {
			return kiosk.Errorf(kiosk.ECONFLICT, "kiosk %s already has pass key %s; to give it another, revoke its token (checkin token revoke) and add a new one",
				kioskID, other)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO pass_keys (id, public_key, origin, kiosk, created_us) VALUES (?, ?, ?, ?, ?)`,
			id, publicKey, "kiosk:"+kioskID, kioskID, now.UnixMicro())
		return err
	})
}

// withdrawKeys stops trusting a kiosk's pass keys: they leave pass_keys
// (the trigger puts a delete of each in the feed) and are remembered as
// withdrawn, so that no token can bring them back.
func withdrawKeys(ctx context.Context, tx *sql.Tx, kioskID string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO withdrawn_keys (id, public_key, kiosk, withdrawn_us)
		SELECT id, public_key, kiosk, ? FROM pass_keys WHERE kiosk = ? ON CONFLICT (id) DO NOTHING`, now.UnixMicro(), kioskID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM pass_keys WHERE kiosk = ?`, kioskID)
	return err
}

// KioskPassKeys returns the public pass keys (text form) a kiosk owns.
func (s *Store) KioskPassKeys(ctx context.Context, kioskID string) ([]string, error) {
	return sqlitedb.Collect(ctx, s.read, func(rows *sql.Rows) (string, error) {
		var k string
		return k, rows.Scan(&k)
	}, `SELECT public_key FROM pass_keys WHERE kiosk = ? ORDER BY id`, kioskID)
}

// AddPasses records passes a kiosk announced, in one transaction, each as
// its delegate's newest pass unless a newer one is known (the feed then
// carries it to every kiosk). EINVALID if a pass's key is no longer the
// kiosk's (withdrawn since it was verified).
func (s *Store) AddPasses(ctx context.Context, kioskID string, passes []registry.VerifiedPass) (wire.PassesResponse, error) {
	var res wire.PassesResponse
	err := s.update(ctx, "add passes", func(tx *sql.Tx, _ time.Time) error {
		for i, p := range passes {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pass_keys WHERE id = ? AND kiosk = ?`, p.KeyID, kioskID).Scan(&n); err != nil {
				return err
			} else if n == 0 {
				return kiosk.Errorf(kiosk.EINVALID, "passes[%d]: key %s is not kiosk %s's", i, p.KeyID, kioskID)
			}
			p.Kiosk = kioskID
			newest, err := ksqlite.RecordPass(ctx, tx, p.Pass)
			if err != nil {
				return err
			}
			if newest {
				res.Accepted++
			} else {
				res.Superseded++
			}
		}
		return nil
	})
	return res, err
}
