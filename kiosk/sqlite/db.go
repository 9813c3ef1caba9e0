// Package sqlite implements the kiosk's stores on a local SQLite database
// (modernc.org/sqlite, pure Go): one writer connection, a pool of readers,
// WAL, and taps committed in groups.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"checkin/kiosk"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Interface checks.
var (
	_ kiosk.TapStore      = (*DB)(nil)
	_ kiosk.RosterStore   = (*DB)(nil)
	_ kiosk.ScheduleStore = (*DB)(nil)
	_ kiosk.MeetingStore  = (*DB)(nil)
)

// ErrClosed is returned by calls made after Close.
var ErrClosed = errors.New("database closed")

// DB is the kiosk's SQLite database.
type DB struct {
	Path   string
	Now    func() time.Time
	NewID  func() string // ids of queued desk events; time-ordered
	Logger *slog.Logger

	// MaxBatch bounds how many taps one commit carries.
	MaxBatch int

	write *sql.DB // exactly one connection: SQLite has one writer
	read  *sql.DB

	writeStmts, readStmts *tapStmts

	mu       sync.Mutex
	zones    map[string]*time.Location // parsed once: LoadLocation reads tzdata
	sessions map[string]cachedSessions // by local date

	taps    chan tapRequest
	closing chan struct{}
	done    chan struct{}
	once    sync.Once
}

// NewDB returns a DB for the file at path; call Open before use.
func NewDB(path string) *DB {
	return &DB{
		Path:     path,
		Now:      time.Now,
		NewID:    newID,
		Logger:   slog.Default(),
		MaxBatch: 256,
	}
}

// dsn builds the connection string. Pragmas go in the DSN so every pooled
// connection has them; busy_timeout first so the others can wait for locks.
// synchronous(FULL): a tap answered is a tap that survives a power cut.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens the database, applies migrations and starts the tap writer.
func (db *DB) Open() error {
	if db.Path == "" {
		return fmt.Errorf("open database: no path")
	}
	var err error
	if db.write, err = sql.Open("sqlite", dsn(db.Path, false)); err != nil {
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	// The one writer gets a larger page cache (32 MB, filled only as used):
	// inserts into big tap tables touch several B-trees each.
	if _, err := db.write.Exec(`PRAGMA cache_size = -32768`); err != nil {
		db.write.Close()
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
	if err := db.migrate(context.Background()); err != nil {
		db.write.Close()
		return fmt.Errorf("migrate %s: %w", db.Path, err)
	}
	if db.read, err = sql.Open("sqlite", dsn(db.Path, true)); err != nil {
		db.write.Close()
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
	db.read.SetMaxOpenConns(8)
	db.read.SetMaxIdleConns(8)
	ctx := context.Background()
	if db.writeStmts, err = prepareTapStmts(ctx, db.write, true); err == nil {
		db.readStmts, err = prepareTapStmts(ctx, db.read, false)
	}
	if err != nil {
		db.read.Close()
		db.write.Close()
		return fmt.Errorf("prepare statements: %w", err)
	}

	db.taps = make(chan tapRequest)
	db.closing = make(chan struct{})
	db.done = make(chan struct{})
	go db.runTapWriter()
	return nil
}

// Close stops the tap writer after the taps already handed to it are
// committed, then closes the database.
func (db *DB) Close() error {
	if db.write == nil {
		return nil
	}
	db.once.Do(func() { close(db.closing) })
	<-db.done
	return errors.Join(db.read.Close(), db.write.Close())
}

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction, in file-name order.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_us INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	return db.MigrateFS(ctx, migrations, "migrations/*.sql")
}

// MigrateFS applies the migrations matching glob in fsys that are not yet
// recorded, in name order, each in its own transaction. Stores that extend
// the kiosk schema (the registry role) bring theirs this way; their file
// names must not collide with the kiosk's.
func (db *DB) MigrateFS(ctx context.Context, fsys fs.FS, glob string) error {
	names, err := fs.Glob(fsys, glob)
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, fsys, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// Conns returns the writer connection (exactly one) and the reader pool,
// for stores that extend the kiosk schema.
func (db *DB) Conns() (write, read *sql.DB) {
	return db.write, db.read
}

func (db *DB) migrateFile(ctx context.Context, fsys fs.FS, name string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n != 0 {
		return nil
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_us) VALUES (?, ?)`, name, db.Now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}

// Ping checks that the database answers, for health checks.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// location returns the named zone, parsed once per DB. An unknown name
// (validated on input, so only a damaged file) falls back to UTC.
func (db *DB) location(name string) *time.Location {
	if name == "" {
		name = kiosk.DefaultTimeZone
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if loc, ok := db.zones[name]; ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		db.Logger.Error("unknown meeting time zone, using UTC", "zone", name, "err", err)
		loc = time.UTC
	}
	if db.zones == nil {
		db.zones = map[string]*time.Location{}
	}
	db.zones[name] = loc
	return loc
}

// newID returns a UUIDv7.
func newID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
