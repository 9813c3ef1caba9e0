package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"sync"

	"checkin/kiosk/sqlitedb"
)

// venueSchema is the venue's tables, the same in both roles: meeting
// settings, delegates, badges, rooms, sessions, taps and arrivals, staff
// logins, the audit log and pass keys.
//
//go:embed schema/venue/*.sql
var venueSchema embed.FS

// VenueSchema returns the migrations of the venue's tables, for a store
// that keeps the venue's data beside its own (the registry's).
func VenueSchema() fs.FS { return sub(venueSchema, "schema/venue") }

func sub(fsys fs.FS, dir string) fs.FS {
	s, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // an embedded folder: cannot fail
	}
	return s
}

// Venue is the venue's data that the kiosk and the registry both keep in
// SQLite: the meeting, the roster, the schedule, staff logins and the
// audit log. Each role's store builds on one, beside its own tables.
type Venue struct {
	*sqlitedb.DB

	write, read *sql.DB // the base's writer and readers, set by Open

	mu       sync.Mutex
	sessions map[string]cachedSessions // by local date

	credMu sync.Mutex
	cred   *credentialStmts // prepared on first use
}

// NewVenue returns a Venue on base, which must list VenueSchema in its
// schema; call Open before use.
func NewVenue(base *sqlitedb.DB) *Venue {
	return &Venue{DB: base}
}

// Open opens the base database (applying migrations).
func (db *Venue) Open() error {
	if err := db.DB.Open(); err != nil {
		return err
	}
	db.write, db.read = db.Writer, db.Readers
	return nil
}

// setting returns a value of the settings table, "" if it is not set.
func (db *Venue) setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// putSetting sets a value of the settings table.
func (db *Venue) putSetting(ctx context.Context, key, value string) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
