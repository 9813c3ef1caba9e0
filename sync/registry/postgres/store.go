// Package postgres is the registry's storage on PostgreSQL, for venues and
// registration services that run several registry processes on one
// database. It keeps the same tables as the SQLite store (the venue's, a
// trigger-fed change log, kiosk tokens, pass keys, desk events) and serves
// the same feed; what differs is how several writers stay correct:
//
//   - the change log is appended under a transaction-level advisory lock,
//     so the feed is gap-free for readers (docs/sync.md);
//   - every commit that changes the log NOTIFYs, and each process LISTENs,
//     so long polls wake at once whichever process (or import) wrote;
//   - migrations run under a session advisory lock, once, however many
//     processes start together; a database newer than the binary is refused.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
	"checkin/sync/registry"
)

// Store is the registry's database on PostgreSQL.
type Store struct {
	pool   *pgxpool.Pool
	now    func() time.Time
	logger *slog.Logger

	changed sqlitedb.Broadcast // woken by the listener
	stop    context.CancelFunc
	done    chan struct{} // closed when the listener has stopped

	ingest *registry.GroupCommit // check-ins of deliveries that arrive together, in one transaction
}

// IsURL reports whether s names a PostgreSQL database (postgres:// or
// postgresql://), as --db takes it.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url, applies the migrations this
// binary has (once, under an advisory lock) and starts listening for
// changes. now is the store's clock (nil: time.Now); logger may be nil.
func Open(ctx context.Context, url string, now func() time.Time, logger *slog.Logger) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, kiosk.Errorf(kiosk.EINVALID, "--db: %v", redact(err))
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "checkin registry"
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default (4 on a small machine) queues fifty kiosks'
		// deliveries and feed reads behind each other; PostgreSQL's
		// default of 100 connections leaves room for several registries.
		cfg.MaxConns = 16
	}
	// A database that stops answering must not hold a request forever: the
	// handler answers 503 and the kiosk retries.
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Describe(url), err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", Describe(url), err)
	}
	lctx, stop := context.WithCancel(context.Background())
	s := &Store{pool: pool, now: now, logger: logger, stop: stop, done: make(chan struct{})}
	s.ingest = registry.NewGroupCommit(s.commitCheckins)
	ready := make(chan struct{})
	go s.listen(lctx, cfg.ConnConfig, ready)
	select {
	case <-ready:
	case <-ctx.Done():
		s.Close()
		return nil, ctx.Err()
	}
	return s, nil
}

// Describe names a database URL without its password, for messages.
func Describe(url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "database"
	}
	return fmt.Sprintf("postgres://%s@%s/%s", cfg.User, net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)), cfg.Database)
}

// redact drops a parse error's copy of the URL, which may hold a password.
func redact(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "postgres"); i >= 0 && strings.Contains(msg[i:], "@") {
		return errors.New("cannot parse the database URL")
	}
	return err
}

// Close stops taking check-ins once those handed over are committed,
// stops listening and closes the connections.
func (s *Store) Close() error {
	s.ingest.Close()
	s.stop()
	<-s.done
	s.pool.Close()
	return nil
}

// Now returns the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Notify returns a channel closed at the next committed change to the log,
// by any process on the database.
func (s *Store) Notify() <-chan struct{} { return s.changed.Wait() }

// notifyChannel is where log_change NOTIFYs (migrations/0001_init.sql).
const notifyChannel = "checkin_changes"

// listen holds a connection that LISTENs for changes and wakes Notify's
// waiters on each, reconnecting with backoff when the connection is lost.
// Every (re)connection wakes them too: a change may have committed while
// no one was listening, and the waiters read the head again.
func (s *Store) listen(ctx context.Context, cfg *pgx.ConnConfig, ready chan<- struct{}) {
	defer close(s.done)
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, cfg, func() {
			backoff = 100 * time.Millisecond
			if first {
				close(ready)
				first = false
			}
		})
		if ctx.Err() != nil {
			break
		}
		s.logger.Warn("registry database: change listener lost its connection; reconnecting", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
	if first {
		close(ready)
	}
}

func (s *Store) listenOnce(ctx context.Context, cfg *pgx.ConnConfig, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	connected()
	s.changed.Wake()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		s.changed.Wake()
	}
}

// update runs fn in one read-committed write transaction with the time
// taken once. A transaction the database aborted to break a deadlock or a
// serialisation conflict with another process is run again (fn must start
// from scratch each time). Errors other than the store's own (kiosk.Error)
// are wrapped with what, and a lost database becomes EUNAVAILABLE.
func (s *Store) update(ctx context.Context, what string, fn func(tx pgx.Tx, now time.Time) error) error {
	for attempt := 1; ; attempt++ {
		err := s.updateOnce(ctx, fn)
		if err == nil || attempt == maxAttempts || !retryable(err) {
			return wrap(what, err)
		}
	}
}

// readOnly runs fn in one repeatable-read, read-only transaction: one
// snapshot of the database, and nothing written.
func (s *Store) readOnly(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	return fn(tx)
}

// maxAttempts bounds how often update runs a transaction that was aborted.
const maxAttempts = 5

func (s *Store) updateOnce(ctx context.Context, fn func(tx pgx.Tx, now time.Time) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if err := fn(tx, s.now()); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// retryable tells a deadlock or serialisation failure: the transaction was
// rolled back and may simply run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// wrap adds context to a database error; a kiosk.Error keeps its code, and
// a database that cannot be reached is EUNAVAILABLE (the registry answers
// 503 and kiosks keep their outboxes for later).
func wrap(what string, err error) error {
	var ke *kiosk.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ke):
		return err
	case unavailable(err):
		return fmt.Errorf("%s: %w", what, kiosk.Errorf(kiosk.EUNAVAILABLE, "registry database unavailable: %v", err))
	}
	return fmt.Errorf("%s: %w", what, err)
}

// unavailable tells an error of a database that is down or unreachable
// from one of a statement.
func unavailable(err error) bool {
	// Failing to connect is unavailability whatever the server said: it
	// may be starting, refusing connections, or out of them.
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: shutdown, crash,
		// cannot connect now.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var netErr net.Error
	return errors.As(err, &netErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
