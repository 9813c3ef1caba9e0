package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"checkin/kiosk"
)

func runExport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "checkins" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage: checkin export checkins (--data DIR | --db URL) [--date YYYY-MM-DD] [FILE]")
			return errHelp
		}
		return usagef("export: say what to export: export checkins --data DIR [--date D] [FILE]")
	}
	fs := newFlagSet("export checkins", "export checkins (--data DIR | --db URL) [--date YYYY-MM-DD] [FILE]", e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	date := fs.String("date", "", "only taps of this local date (YYYY-MM-DD)")
	rest, err := parseWithData(fs, args[1:], e.getenv, data)
	if err != nil {
		return err
	}
	switch {
	case *date != "" && !kiosk.ValidDate(*date):
		return usagef("export checkins: --date %q is not YYYY-MM-DD", *date)
	case len(rest) > 1:
		return usagef("export checkins: at most one output file")
	}
	if _, err := os.Stat(filepath.Join(*data.data, dbFile)); *data.data != "" && err != nil {
		return usagef("export checkins: no checkin database in %s", *data.data)
	}
	db, m, closeDB, err := e.openMeeting(ctx, data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	write := func(w io.Writer) error { return kiosk.WriteCheckinsCSV(ctx, w, db, *date, m.Location()) }
	if len(rest) == 0 || rest[0] == "-" {
		return write(e.stdout)
	}
	return writeFileAtomic(rest[0], write)
}

// writeFileAtomic writes through a temporary file renamed into place, so a
// failure never leaves a half-written report under the final name.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
