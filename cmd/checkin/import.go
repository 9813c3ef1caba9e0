package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/roster"
	"checkin/kiosk/schedule"
	"checkin/sync/registry"
)

// problemsError is bad input described line by line ("FILE:LINE: column:
// why"); it exits with code 2.
type problemsError struct{ lines []string }

func (e *problemsError) Error() string { return strings.Join(e.lines, "\n") }

func fileProblems(file string, probs []kiosk.Problem) *problemsError {
	pe := &problemsError{}
	for _, p := range probs {
		if p.Line == 0 {
			pe.lines = append(pe.lines, fmt.Sprintf("%s: %s", file, p.Msg))
		} else {
			pe.lines = append(pe.lines, fmt.Sprintf("%s:%s", file, p))
		}
	}
	return pe
}

func warn(e *env, file string, probs []kiosk.Problem) {
	for _, p := range probs {
		fmt.Fprintf(e.stderr, "%s:%s (warning)\n", file, p)
	}
}

func runImport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "--help" && args[0] != "-h" {
		return usagef("import: say what to import: import roster|schedule|photos --data DIR FILE")
	}
	switch args[0] {
	case "roster":
		return runImportRoster(ctx, e, args[1:])
	case "schedule":
		return runImportSchedule(ctx, e, args[1:])
	case "photos":
		return runImportPhotos(ctx, e, args[1:])
	case "--help", "-h":
		fmt.Fprintln(e.stdout, "Usage: checkin import roster (--data DIR | --db URL) FILE.csv\n       checkin import schedule --data DIR [--tz ZONE] FILE.csv|FILE.ics\n       checkin import photos (--data DIR | --db URL) [--dry-run] FOLDER|FILE.zip")
		return errHelp
	}
	return usagef("import: unknown kind %q: use roster, schedule or photos", args[0])
}

// readInput reads the one file argument; "-" is standard input.
func readInput(e *env, cmd string, rest []string) (name string, data []byte, err error) {
	if len(rest) != 1 {
		return "", nil, usagef("%s: give exactly one file", cmd)
	}
	name = rest[0]
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", nil, usagef("%s: %v", cmd, err)
		}
		defer f.Close()
		r = f
	} else {
		name = "stdin"
	}
	data, err = io.ReadAll(r)
	if err != nil {
		return "", nil, fmt.Errorf("%s: read %s: %w", cmd, name, err)
	}
	return name, data, nil
}

func runImportRoster(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("import roster", "import roster (--data DIR | --db URL) FILE.csv", e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	rest, err := parseWithData(fs, args, e.getenv, data)
	if err != nil {
		return err
	}
	name, body, err := readInput(e, "import roster", rest)
	if err != nil {
		return err
	}
	res, err := roster.Parse(strings.NewReader(string(body)))
	warn(e, name, res.Warnings)
	var probs kiosk.Problems
	if errors.As(err, &probs) {
		return fileProblems(name, probs)
	} else if err != nil {
		return err
	}
	db, closeDB, err := e.openVenueAt(data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	n, err := db.ReplaceRoster(ctx, res.Delegates)
	var conflict *kiosk.RosterConflictError
	if errors.As(err, &conflict) {
		var lines []kiosk.Problem
		for _, c := range conflict.Conflicts {
			lines = append(lines, kiosk.Problem{Line: res.Lines[c.DelegateID], Column: "badge_uid",
				Msg: fmt.Sprintf("badge %s is bound at the desk to delegate %s; revoke it there first", c.UID, c.HeldBy)})
		}
		return fileProblems(name, lines)
	} else if err != nil {
		return fmt.Errorf("import roster: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s: %d delegates (%d added, %d updated, %d unchanged, %d removed), %d roster badges\n",
		name, len(res.Delegates), n.Added, n.Updated, n.Unchanged, n.Removed, n.Badges)
	return nil
}

func runImportSchedule(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("import schedule", "import schedule (--data DIR | --db URL) [--tz ZONE] FILE.csv|FILE.ics", e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	tz := fs.String("tz", "", "meeting time zone for CSV times (default: the meeting's, else "+kiosk.DefaultTimeZone+")")
	rest, err := parseWithData(fs, args, e.getenv, data)
	if err != nil {
		return err
	}
	if *tz != "" {
		if err := kiosk.ValidTimeZone(*tz); err != nil {
			return usagef("import schedule: --tz: %s", kiosk.ErrorMessage(err))
		}
	}
	name, body, err := readInput(e, "import schedule", rest)
	if err != nil {
		return err
	}
	db, closeDB, err := e.openVenueAt(data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	return importSchedule(ctx, e, db, name, body, *tz)
}

// isICS tells an iCalendar file from a CSV one, by name or by content.
func isICS(name string, body []byte) bool {
	if strings.EqualFold(filepath.Ext(name), ".ics") {
		return true
	}
	head := strings.TrimPrefix(string(body[:min(len(body), 64)]), "\ufeff")
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(head)), "BEGIN:VCALENDAR")
}

// importSchedule parses and stores a schedule (.ics or CSV). A --tz becomes
// the meeting's time zone (times without a zone are read in it), and the
// meeting's dates follow the schedule when they were not set.
func importSchedule(ctx context.Context, e *env, db registry.Venue, name string, body []byte, tz string) error {
	m, err := db.Meeting(ctx)
	if err != nil {
		return err
	}
	if tz != "" {
		m.TimeZone = tz
	}
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		return usagef("import schedule: time zone %q: %v", m.TimeZone, err)
	}
	parse := schedule.ParseCSV
	if isICS(name, body) {
		parse = schedule.ParseICS
	}
	s, warns, err := parse(strings.NewReader(string(body)), loc)
	warn(e, name, warns)
	var probs kiosk.Problems
	if errors.As(err, &probs) {
		return fileProblems(name, probs)
	} else if err != nil {
		return err
	}
	first, last := s.Sessions[0].Start, s.Sessions[0].Start
	for _, se := range s.Sessions {
		if se.Start.Before(first) {
			first = se.Start
		}
		if se.Start.After(last) {
			last = se.Start
		}
	}
	if m.Start == "" {
		m.Start = kiosk.LocalDate(first, loc)
	}
	if m.End == "" {
		m.End = kiosk.LocalDate(last, loc)
	}
	if err := db.ImportSchedule(ctx, m, s); err != nil {
		return fmt.Errorf("import schedule: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s: %d sessions in %d rooms, %s to %s (%s)\n", name, len(s.Sessions), len(s.Rooms),
		kiosk.LocalDate(first, loc), kiosk.LocalDate(last, loc), loc)
	return nil
}
