package main

import (
	"fmt"
	"os"
	"path/filepath"

	"checkin/kiosk/sqlite"
	regsqlite "checkin/sync/registry/sqlite"
)

// dbFile is the database's name inside a data directory.
const dbFile = "checkin.db"

// openVenue opens the venue's data (meeting, roster, schedule, staff,
// check-ins) in a data directory for the commands that work on either
// role's: a registry's database is opened as the registry's store, so that
// it keeps its own schema and its change log sees what changes; any other
// (also a new one) as a kiosk's.
func openVenue(dir string) (venue *sqlite.Venue, closeFn func() error, err error) {
	isReg, err := regsqlite.IsRegistry(filepath.Join(dir, dbFile))
	if err != nil {
		return nil, nil, err
	}
	if isReg {
		store, err := openRegistryStore(dir)
		if err != nil {
			return nil, nil, err
		}
		return store.Venue, store.Close, nil
	}
	db, err := openDB(dir)
	if err != nil {
		return nil, nil, err
	}
	return db.Venue, db.Close, nil
}

// openDB opens (creating if needed) the kiosk database in a data directory.
func openDB(dir string) (*sqlite.DB, error) {
	if err := makeDataDir(dir); err != nil {
		return nil, err
	}
	db := sqlite.NewDB(filepath.Join(dir, dbFile))
	if err := db.Open(); err != nil {
		return nil, err
	}
	return db, nil
}

// openRegistryStore opens (creating if needed) the registry's database in
// a data directory.
func openRegistryStore(dir string) (*regsqlite.Store, error) {
	if err := makeDataDir(dir); err != nil {
		return nil, err
	}
	return regsqlite.Open(filepath.Join(dir, dbFile), nil)
}

// makeDataDir creates a data directory readable by its owner only: it
// holds names, e-mail addresses and password hashes.
func makeDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	return nil
}
