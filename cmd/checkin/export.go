package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"checkin/kiosk"
)

func runExport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "checkins" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage: checkin export checkins --data DIR [--date YYYY-MM-DD] [FILE]")
			return errHelp
		}
		return usagef("export: say what to export: export checkins --data DIR [--date D] [FILE]")
	}
	fs := newFlagSet("export checkins", "export checkins --data DIR [--date YYYY-MM-DD] [FILE]", e.stderr)
	data := fs.String("data", "", "data directory")
	date := fs.String("date", "", "only taps of this local date (YYYY-MM-DD)")
	rest, err := parseFlags(fs, args[1:], e.getenv)
	if err != nil {
		return err
	}
	switch {
	case *data == "":
		return usagef("export checkins: --data is required")
	case *date != "" && !kiosk.ValidDate(*date):
		return usagef("export checkins: --date %q is not YYYY-MM-DD", *date)
	case len(rest) > 1:
		return usagef("export checkins: at most one output file")
	}
	if _, err := os.Stat(filepath.Join(*data, dbFile)); err != nil {
		return usagef("export checkins: no checkin database in %s", *data)
	}
	db, err := openDB(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := db.Meeting(ctx)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error { return writeCheckinsCSV(ctx, w, db, *date, m.Location()) }
	if len(rest) == 0 || rest[0] == "-" {
		return write(e.stdout)
	}
	return writeFileAtomic(rest[0], write)
}

// CheckinsHeader is the attendance report's header.
var checkinsHeader = []string{"id", "at", "delegate_id", "name", "uid", "source", "gate", "direction", "result", "reason", "kiosk", "first_today"}

func writeCheckinsCSV(ctx context.Context, w io.Writer, db kiosk.TapStore, date string, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(checkinsHeader); err != nil {
		return err
	}
	err := db.Taps(ctx, date, func(t kiosk.TapRecord) error {
		return cw.Write([]string{t.ID, t.At.In(loc).Format(time.RFC3339Nano), t.DelegateID, t.DelegateName, t.UID,
			t.Source, t.Gate, t.Direction, t.Result, t.Reason, t.Kiosk, strconv.FormatBool(t.FirstToday)})
	})
	if err != nil {
		return fmt.Errorf("export checkins: %w", err)
	}
	cw.Flush()
	return cw.Error()
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
