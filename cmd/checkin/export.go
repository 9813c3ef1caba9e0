package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"checkin/kiosk"
	"checkin/sync/registry"
)

func runExport(ctx context.Context, e *env, args []string) error {
	const usage = "Usage: checkin export checkins (--data DIR | --db URL) [--date YYYY-MM-DD] [FILE]\n" +
		"       checkin export attendance (--data DIR | --db URL) [--session ID | --date YYYY-MM-DD] [FILE]"
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		fmt.Fprintln(e.stdout, usage)
		return errHelp
	}
	if len(args) == 0 {
		return usagef("export: say what to export: export checkins|attendance --data DIR [FILE]")
	}
	switch args[0] {
	case "checkins":
		return runExportCheckins(ctx, e, args[1:])
	case "attendance":
		return runExportAttendance(ctx, e, args[1:])
	}
	return usagef("export: unknown report %q: use checkins (the tap log) or attendance (one row per delegate)", args[0])
}

func runExportCheckins(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("export checkins", "export checkins (--data DIR | --db URL) [--date YYYY-MM-DD] [FILE]\n\n"+
		"The tap log as CSV (UTF-8 with a BOM), one row per tap: "+strings.Join(kiosk.CheckinsHeader, ","), e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	date := fs.String("date", "", "only taps of this local date (YYYY-MM-DD)")
	rest, err := parseWithData(fs, args, e.getenv, data)
	if err != nil {
		return err
	}
	if *date != "" && !kiosk.ValidDate(*date) {
		return usagef("export checkins: --date %q is not YYYY-MM-DD", *date)
	}
	return exportCSV(ctx, e, "export checkins", data, rest, func(w io.Writer, db registry.Venue, m kiosk.Meeting) error {
		return kiosk.WriteCheckinsCSV(ctx, w, db, *date, m.Location())
	})
}

func runExportAttendance(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("export attendance", "export attendance (--data DIR | --db URL) [--session ID | --date YYYY-MM-DD] [FILE]\n\n"+
		"Without --session or --date: one row per delegate of the roster (absentees too) as CSV\n"+
		"(UTF-8 with a BOM):\n  "+strings.Join(kiosk.AttendanceHeader, ",")+",DAY…,"+kiosk.AttendanceTotal+"\n"+
		"with a column per day of the meeting (headed YYYY-MM-DD) holding the time (HH:MM, the\n"+
		"meeting's zone) of the delegate's first accepted entry that day, at any kiosk this data knows of.\n\n"+
		"With --session (one session) or --date (every session starting that day): who was in each\n"+
		"session's room, from the room doors' taps, one row per session and delegate:\n  "+
		strings.Join(kiosk.SessionAttendanceHeader, ",")+"\n"+
		"first_in and last_out as HH:MM:SS in the meeting's zone; minutes_inside counts the time\n"+
		"inside within the session (a stay not seen ending counts up to the session's end, or up\n"+
		"to now while it runs). A kiosk knows its own doors' taps; the registry knows every kiosk's.", e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	session := fs.String("session", "", "report on this session (its id in the schedule)")
	date := fs.String("date", "", "report on every session starting on this local date (YYYY-MM-DD)")
	rest, err := parseWithData(fs, args, e.getenv, data)
	if err != nil {
		return err
	}
	switch {
	case *session != "" && *date != "":
		return usagef("export attendance: give --session or --date, not both")
	case *date != "" && !kiosk.ValidDate(*date):
		return usagef("export attendance: --date %q is not YYYY-MM-DD", *date)
	case *session == "" && *date == "":
		return exportCSV(ctx, e, "export attendance", data, rest, func(w io.Writer, db registry.Venue, m kiosk.Meeting) error {
			return kiosk.WriteAttendanceCSV(ctx, w, db, m)
		})
	}
	return exportCSV(ctx, e, "export attendance", data, rest, func(w io.Writer, db registry.Venue, m kiosk.Meeting) error {
		var a kiosk.SessionAttendance
		var err error
		if *session != "" {
			a, err = db.SessionAttendance(ctx, *session)
		} else {
			a, err = db.DaySessionAttendance(ctx, *date)
		}
		if kiosk.ErrorCode(err) == kiosk.ENOTFOUND {
			return usagef("export attendance: %s", kiosk.ErrorMessage(err))
		} else if err != nil {
			return fmt.Errorf("export attendance: %w", err)
		}
		if len(a.Sessions) == 0 {
			fmt.Fprintf(e.stderr, "checkin: export attendance: no session starts on %s; the report has its header only\n", *date)
		}
		return kiosk.WriteSessionAttendanceCSV(w, kiosk.SessionReport(a, time.Now()), m.Location())
	})
}

// exportCSV opens the data a report is made of and writes the report to
// the one file argument (through a temporary file) or to standard output.
func exportCSV(ctx context.Context, e *env, cmd string, data *dataFlags, rest []string, write func(io.Writer, registry.Venue, kiosk.Meeting) error) error {
	if len(rest) > 1 {
		return usagef("%s: at most one output file", cmd)
	}
	if _, err := os.Stat(filepath.Join(*data.data, dbFile)); *data.data != "" && err != nil {
		return usagef("%s: no checkin database in %s", cmd, *data.data)
	}
	db, m, closeDB, err := e.openMeeting(ctx, data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	out := func(w io.Writer) error { return write(w, db, m) }
	if len(rest) == 0 || rest[0] == "-" {
		return out(e.stdout)
	}
	return writeFileAtomic(rest[0], out)
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
