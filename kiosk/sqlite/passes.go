package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
	out, err := sqlitedb.Collect(ctx, db.read, func(rows *sql.Rows) (kiosk.IssuedPass, error) {
		var p kiosk.IssuedPass
		var issued int64
		err := rows.Scan(&p.UID, &p.Token, &issued)
		p.IssuedAt = fromMicros(issued)
		return p, err
	}, `SELECT uid, token, issued_us FROM issued_passes WHERE synced = 0 ORDER BY issued_us, uid LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending passes: %w", err)
	}
	return out, nil
}

// MarkPassesDelivered marks passes as taken by the registry.
func (db *DB) MarkPassesDelivered(ctx context.Context, uids []string) error {
	return db.markDelivered(ctx, passesOutbox, uids)
}

// MarkPassRefused parks a pass the registry refused.
func (db *DB) MarkPassRefused(ctx context.Context, uid, why string) error {
	return db.markRefused(ctx, passesOutbox, uid, why)
}
