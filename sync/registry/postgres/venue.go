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
	_ registry.Admin     = (*Store)(nil)
	_ registry.Venue     = (*Store)(nil)
	_ kiosk.SessionStore = (*Store)(nil)
)

// querier is what reads need of a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// timeOf is an instant of the database (microseconds since the epoch) in UTC.
func timeOf(us int64) time.Time { return time.UnixMicro(us).UTC() }
