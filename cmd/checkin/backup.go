package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"checkin/kiosk/sqlitedb"
)

// runBackup copies a data directory (a kiosk's or a SQLite registry's)
// into a new directory while the service runs: a consistent copy of the
// database and the OSDP readers' keys. It is written under a temporary
// name and renamed into place, so a backup that exists is whole.
func runBackup(ctx context.Context, e *env, args []string) error {
	flags := newFlagSet("backup", "backup --data DIR BACKUPDIR   (BACKUPDIR is new; PostgreSQL registries: pg_dump)", e.stderr)
	data := flags.String("data", "", "the data directory to back up (a kiosk's or a SQLite registry's); it may be in use")
	rest, err := parseFlags(flags, args, e.getenv)
	if err != nil {
		return err
	}
	switch {
	case *data == "":
		return usagef("backup: --data is required")
	case len(rest) != 1:
		return usagef("backup: give the new directory to write the backup to")
	}
	dest := filepath.Clean(rest[0])
	src := filepath.Join(*data, dbFile)
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return usagef("backup: no checkin database in %s", *data)
	}
	if _, err := os.Lstat(dest); err == nil {
		return usagef("backup: %s already exists; give a new directory", dest)
	}
	tmp := dest + ".partial"
	os.RemoveAll(tmp) // an earlier backup that was cut short
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp) // gone once renamed; else nothing half-written stays
	if err := sqlitedb.Backup(ctx, src, filepath.Join(tmp, dbFile)); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	keys, err := copyKeys(filepath.Join(*data, "osdp-keys"), filepath.Join(tmp, "osdp-keys"))
	if err != nil {
		return fmt.Errorf("backup: OSDP keys: %w", err)
	}
	if err := syncDir(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	st, _ := os.Stat(filepath.Join(dest, dbFile))
	fmt.Fprintf(e.stdout, "backup of %s in %s: %s (%.1f MB, checked), %d OSDP reader key(s)\n",
		*data, dest, dbFile, float64(st.Size())/1e6, keys)
	return nil
}

// copyKeys copies the stored OSDP keys (*.key, 0600), if there are any.
func copyKeys(from, to string) (int, error) {
	entries, err := os.ReadDir(from)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	n := 0
	for _, ent := range entries {
		if !ent.Type().IsRegular() || !strings.HasSuffix(ent.Name(), ".key") {
			continue // .pending keys were never acknowledged by their reader
		}
		b, err := os.ReadFile(filepath.Join(from, ent.Name()))
		if err != nil {
			return n, err
		}
		if n == 0 {
			if err := os.Mkdir(to, 0o700); err != nil {
				return n, err
			}
		}
		if err := os.WriteFile(filepath.Join(to, ent.Name()), b, 0o600); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// syncDir flushes a directory's files and the directory itself to disk.
func syncDir(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}
