package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/sqlitedb"
	"checkin/sync/registry"
	"checkin/sync/registry/postgres"
	regsqlite "checkin/sync/registry/sqlite"
)

// dbFile is the database's name inside a data directory.
const dbFile = "checkin.db"

// openVenue opens the venue's data (meeting, roster, schedule, staff,
// check-ins) in a data directory for the commands that work on either
// role's: a registry's database is opened as the registry's store, so that
// it keeps its own schema and its change log sees what changes; any other
// (also a new one) as a kiosk's.
func (e *env) openVenue(dir string) (venue registry.Venue, closeFn func() error, err error) {
	isReg, err := regsqlite.IsRegistry(filepath.Join(dir, dbFile))
	if err != nil {
		return nil, nil, err
	}
	if isReg {
		store, err := e.openRegistryStore(dir)
		if err != nil {
			return nil, nil, err
		}
		return store, store.Close, nil
	}
	db, err := e.openDB(dir)
	if err != nil {
		return nil, nil, err
	}
	return db.Venue, db.Close, nil
}

// openVenueAt is openVenue for a data directory or the registry's
// PostgreSQL database.
func (e *env) openVenueAt(at location) (registry.Venue, func() error, error) {
	if at.db == "" {
		return e.openVenue(at.dir)
	}
	store, err := e.openRegistryAt(at)
	if err != nil {
		return nil, nil, err
	}
	return store, store.Close, nil
}

// openMeeting is openVenueAt for a command that needs the meeting's
// settings (its zone and dates) too.
func (e *env) openMeeting(ctx context.Context, at location) (registry.Venue, kiosk.Meeting, func() error, error) {
	venue, closeFn, err := e.openVenueAt(at)
	if err != nil {
		return nil, kiosk.Meeting{}, nil, err
	}
	m, err := venue.Meeting(ctx)
	if err != nil {
		closeFn()
		return nil, m, nil, err
	}
	return venue, m, closeFn, nil
}

// openDB opens (creating if needed) the kiosk database in a data directory.
func (e *env) openDB(dir string) (*sqlite.DB, error) {
	if err := makeDataDir(dir); err != nil {
		return nil, err
	}
	db := sqlite.NewDB(filepath.Join(dir, dbFile))
	db.Logger = e.logger
	if err := db.Open(); err != nil {
		return nil, err
	}
	e.warnIfShared(dir)
	return db, nil
}

// openRegistryAt opens the registry's store: on PostgreSQL for a database
// URL (migrating it if needed), else in a data directory.
func (e *env) openRegistryAt(at location) (registry.Admin, error) {
	if at.db == "" {
		return e.openRegistryStore(at.dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return postgres.Open(ctx, at.db, nil, e.logger)
}

// openRegistryStore opens (creating if needed) the registry's database in
// a data directory.
func (e *env) openRegistryStore(dir string) (registry.Admin, error) {
	if err := makeDataDir(dir); err != nil {
		return nil, err
	}
	store, err := regsqlite.Open(filepath.Join(dir, dbFile), nil)
	if err != nil {
		return nil, err
	}
	store.Logger = e.logger
	e.warnIfShared(dir)
	return store, nil
}

// makeDataDir creates a data directory readable by its owner only: it
// holds names, e-mail addresses, password hashes and the pass private key.
// The database is created 0600 (kiosk/sqlitedb).
// A directory root makes inside the service's (sudo checkin import … on a
// new /var/lib/checkin/kiosk) gets that directory's owner, so that the
// service can use it.
func makeDataDir(dir string) error {
	_, err := os.Stat(dir)
	isNew := errors.Is(err, fs.ErrNotExist)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if isNew {
		if err := sqlitedb.OwnLikeDir(filepath.Clean(dir)); err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
	}
	return nil
}

// warnIfShared logs a warning for the data directory if it is open to
// anyone but its owner (looser than 0700), and for each database file
// (with its WAL and shared-memory files) looser than 0600. It does not
// refuse: an operator may have reasons, and a kiosk that will not start
// lets nobody in.
func (e *env) warnIfShared(dir string) {
	check := func(path string, want fs.FileMode) {
		st, err := os.Stat(path)
		if err != nil {
			return
		}
		if mode := st.Mode().Perm(); mode&^want != 0 {
			e.logger.Warn(fmt.Sprintf("others may read this; chmod %o it", want), "path", path, "mode", fmt.Sprintf("%04o", mode))
		}
	}
	check(dir, 0o700)
	for _, f := range sqlitedb.Files(filepath.Join(dir, dbFile)) {
		check(f, 0o600)
	}
}
