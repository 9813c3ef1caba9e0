package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
	"checkin/sync/registry"
)

// The venue's data (meeting, roster, schedule, staff, taps) as the
// commands that work on it see it, with the semantics of kiosk/sqlite's
// Venue, which is the reference.
var (
	_ registry.Venue     = (*Store)(nil)
	_ kiosk.SessionStore = (*Store)(nil)
)

// querier is what reads need of a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// timeOf is an instant of the database (microseconds since the epoch) in UTC.
func timeOf(us int64) time.Time { return time.UnixMicro(us).UTC() }

// changeLogLock is the transaction-level advisory lock log_change takes
// before it appends to the change log (migrations/0001_init.sql).
const changeLogLock = 7955998916423557230

// serialize takes the change log's lock at the start of a transaction that
// reads what it then rewrites (a roster or a schedule import): every
// other writer of the mirrored tables takes it at its first write, so the
// import sees and replaces a state no one changes under it, as the SQLite
// store's single writer does.
func serialize(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(changeLogLock))
	return err
}
