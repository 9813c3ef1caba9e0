// Package sqlitedb is the base both of checkin's SQLite stores build on
// (the kiosk's and the registry's): opening a file with the right pragmas,
// exactly one writer connection plus a pool of readers, numbered
// migrations from each store's own schema, time zones parsed once, and a
// watcher that tells subscribers when any process changed the file.
// It knows no table: each store owns its schema.
package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"checkin/kiosk"
)

// DefaultWatchEvery is how often the watcher asks SQLite whether another
// connection committed: a change made by another process (an import)
// reaches subscribers within about this long.
const DefaultWatchEvery = 50 * time.Millisecond

// DB is an open SQLite database file.
type DB struct {
	Path   string
	Now    func() time.Time
	Logger *slog.Logger
	// Schema holds the store's migrations: numbered .sql files at the root
	// of each FS, applied once each, in file-name order across all of them.
	Schema []fs.FS
	// CacheKiB is the writer's page cache; 0 leaves SQLite's default.
	CacheKiB int
	// ReadConns bounds the reader pool.
	ReadConns int
	// WatchEvery is the watcher's period (DefaultWatchEvery).
	WatchEvery time.Duration

	// Writer has exactly one connection: SQLite has one writer, and one
	// connection lets database/sql queue writers instead of SQLite
	// answering "database is locked".
	Writer *sql.DB
	// Readers is a pool of read-only connections.
	Readers *sql.DB

	mu    sync.Mutex
	zones map[string]*time.Location

	watch     sync.Once
	notify    Broadcast
	stopWatch context.CancelFunc
	watchDone chan struct{}
}

// New returns a DB for the file at path with the given schema; set
// fields, then Open.
func New(path string, schema ...fs.FS) *DB {
	return &DB{Path: path, Now: time.Now, Logger: slog.Default(), Schema: schema, ReadConns: 8, WatchEvery: DefaultWatchEvery}
}

// dsn builds the connection string. Pragmas go in the DSN so every pooled
// connection has them; busy_timeout first so the others can wait for locks.
// synchronous(FULL): a write answered is a write that survives a power cut.
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

// Open opens (creating) the file with mode 0600, applies the migrations
// not yet applied, and opens the reader pool.
func (db *DB) Open() error {
	if db.Path == "" {
		return errors.New("open database: no path")
	}
	// Created here, not by SQLite, so that it is never readable by others:
	// it holds names, e-mail addresses and password hashes.
	f, err := os.OpenFile(db.Path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
	f.Close()
	if err := OwnLikeDir(db.Path); err != nil {
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
	if db.Writer, err = sql.Open("sqlite", dsn(db.Path, false)); err != nil {
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
	db.Writer.SetMaxOpenConns(1)
	db.Writer.SetConnMaxIdleTime(0)
	if db.CacheKiB > 0 {
		if _, err := db.Writer.Exec(fmt.Sprintf(`PRAGMA cache_size = -%d`, db.CacheKiB)); err != nil {
			db.Writer.Close()
			return fmt.Errorf("open database %s: %w", db.Path, err)
		}
	}
	if err := db.migrate(context.Background()); err != nil {
		db.Writer.Close()
		return fmt.Errorf("migrate %s: %w", db.Path, err)
	}
	if db.Readers, err = sql.Open("sqlite", dsn(db.Path, true)); err != nil {
		db.Writer.Close()
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
	db.Readers.SetMaxOpenConns(max(db.ReadConns, 1))
	db.Readers.SetMaxIdleConns(max(db.ReadConns, 1))
	db.privateSideFiles()
	return nil
}

// Files returns the paths of a database's files: the file itself, then
// the WAL and shared-memory files SQLite keeps beside it (while open).
func Files(path string) []string {
	return []string{path, path + "-wal", path + "-shm"}
}

// privateSideFiles makes the WAL and shared-memory files (there once the
// migrations ran) 0600, whatever the umask: SQLite gives them the mode of
// the database file, which someone may have made looser, and the WAL holds
// the latest writes (the pass private key among them). The file itself is
// left as it is; its owner's checks warn about it. Run as root, they get
// the data directory's owner (OwnLikeDir).
func (db *DB) privateSideFiles() {
	for _, p := range Files(db.Path)[1:] {
		st, err := os.Stat(p)
		if err == nil && st.Mode().Perm()&^0o600 != 0 {
			err = os.Chmod(p, 0o600)
		}
		if err == nil {
			err = OwnLikeDir(p)
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			db.Logger.Warn("cannot make a database file private", "path", p, "err", err)
		}
	}
}

// Close stops the watcher and closes both pools.
func (db *DB) Close() error {
	if db.Writer == nil {
		return nil
	}
	db.mu.Lock()
	stop, done := db.stopWatch, db.watchDone
	db.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	return errors.Join(db.Readers.Close(), db.Writer.Close())
}

// StorageFailure reports whether err is SQLite failing to store at all
// (the disk, the file or the lock, not the data), and names why in a few
// words for health reports: "disk full", "read-only", "I/O error",
// "database locked", "database damaged". Any other error is "write
// failed", not a storage failure.
func StorageFailure(err error) (reason string, ok bool) {
	var e *sqlite.Error
	if errors.As(err, &e) {
		switch e.Code() & 0xff { // the primary code, without the extended part
		case sqlite3.SQLITE_FULL:
			return "disk full", true
		case sqlite3.SQLITE_READONLY:
			return "read-only", true
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return "I/O error", true
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return "database locked", true
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return "database damaged", true
		}
	}
	return "write failed", false
}

// Ping checks that the database answers, for health checks.
func (db *DB) Ping(ctx context.Context) error {
	return db.Readers.PingContext(ctx)
}

// migrate applies the schema's migrations not yet recorded, each in its
// own transaction, in file-name order.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.Writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_us INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	type file struct {
		fsys fs.FS
		name string
	}
	var files []file
	seen := map[string]bool{}
	for _, fsys := range db.Schema {
		names, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			return err
		}
		for _, name := range names {
			if seen[name] {
				return fmt.Errorf("migration %s is in the schema twice", name)
			}
			seen[name] = true
			files = append(files, file{fsys, name})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	for _, f := range files {
		if err := db.migrateFile(ctx, f.fsys, f.name); err != nil {
			return fmt.Errorf("migration %s: %w", f.name, err)
		}
	}
	return nil
}

// legacyDir is where migrations lived when their recorded names carried
// their folder ("migrations/0001_init.sql"): those records still count.
const legacyDir = "migrations/"

func (db *DB) migrateFile(ctx context.Context, fsys fs.FS, name string) error {
	tx, err := db.Writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name IN (?, ?)`, name, legacyDir+name).Scan(&n); err != nil {
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

// openReadOnly opens the database at path for reading only, for a
// command that looks into a database another process may be using. Its
// close function closes it and leaves the WAL and shared-memory files a
// read-only connection cannot remove to the data directory's owner.
func openReadOnly(path string) (*sql.DB, func(), error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, func() {
		db.Close()
		OwnLikeDir(Files(path)[1:]...)
	}, nil
}

// Migrated reports whether the database file at path exists and has had
// the named migration applied, without creating or changing anything:
// commands use it to tell a registry's data directory from a kiosk's.
func Migrated(path, name string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	db, closeDB, err := openReadOnly(path)
	if err != nil {
		return false, err
	}
	defer closeDB()
	var n int
	err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'migrations'`).Scan(&n)
	if err != nil || n == 0 {
		return false, err
	}
	err = db.QueryRow(`SELECT count(*) FROM migrations WHERE name IN (?, ?)`, name, legacyDir+name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read database %s: %w", path, err)
	}
	return n > 0, nil
}

// Location returns the named zone (kiosk.DefaultTimeZone for ""), parsed
// once per DB: LoadLocation reads tzdata each time. An unknown name
// (validated on input, so only a damaged file) falls back to UTC.
func (db *DB) Location(name string) *time.Location {
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

// Notify returns a channel that is closed at the next change to the
// database file, committed by any connection of any process (this
// process's own writes included). Take a new channel after each wake-up,
// then look at what changed: one commit may wake a subscriber once for
// several changes, never zero times.
//
// The first call starts the watcher; Close stops it.
func (db *DB) Notify() <-chan struct{} {
	db.watch.Do(db.startWatch)
	return db.notify.Wait()
}

// startWatch takes the watcher's connection and its first data_version
// before returning, so that a commit made after Notify returned is never
// taken for the starting point.
func (db *DB) startWatch() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	db.mu.Lock()
	db.stopWatch, db.watchDone = cancel, done
	db.mu.Unlock()
	conn, err := db.Readers.Conn(ctx)
	var last int64
	if err == nil {
		last, err = dataVersion(ctx, conn)
	}
	if err != nil {
		db.Logger.Error("database watcher cannot start", "path", db.Path, "err", err)
		if conn != nil {
			conn.Close()
		}
		close(done)
		return
	}
	go func() {
		defer close(done)
		defer conn.Close()
		db.runWatch(ctx, conn, last)
	}()
}

func dataVersion(ctx context.Context, conn *sql.Conn) (int64, error) {
	var v int64
	err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
	return v, err
}

// runWatch polls PRAGMA data_version on a connection of its own. SQLite
// changes the value a connection sees whenever another connection commits
// to the file, so one cheap query (no I/O in WAL mode: it reads the
// shared-memory index) covers this process's writer and every other
// process.
func (db *DB) runWatch(ctx context.Context, conn *sql.Conn, last int64) {
	every := db.WatchEvery
	if every <= 0 {
		every = DefaultWatchEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := dataVersion(ctx, conn)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			db.Logger.Error("database watcher", "path", db.Path, "err", err)
			continue
		}
		if v != last {
			last = v
			db.notify.Wake()
		}
	}
}

// Backup writes a consistent copy of the database at path to dest, a new
// file (0600), while other processes may go on writing to it: VACUUM INTO
// reads one snapshot, and the copy is checked (PRAGMA quick_check) before
// Backup returns. dest must not exist.
func Backup(ctx context.Context, path, dest string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup %s: already exists", dest)
	}
	db, closeDB, err := openReadOnly(path)
	if err != nil {
		return err
	}
	defer closeDB()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("copy %s to %s: %w", path, dest, err)
	}
	if err := os.Chmod(dest, 0o600); err != nil {
		return err
	}
	copied, err := sql.Open("sqlite", "file:"+dest+"?mode=ro")
	if err != nil {
		return fmt.Errorf("open backup %s: %w", dest, err)
	}
	defer copied.Close()
	var check string
	if err := copied.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil {
		return fmt.Errorf("check backup %s: %w", dest, err)
	}
	if check != "ok" {
		return fmt.Errorf("check backup %s: %s", dest, check)
	}
	return nil
}
