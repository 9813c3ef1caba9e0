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
		return usagef("import: say what to import: import roster|schedule|rooms|photos --data DIR FILE")
	}
	switch args[0] {
	case "roster":
		return runImportRoster(ctx, e, args[1:])
	case "schedule":
		return runImportSchedule(ctx, e, args[1:])
	case "rooms":
		return runImportRooms(ctx, e, args[1:])
	case "photos":
		return runImportPhotos(ctx, e, args[1:])
	case "--help", "-h":
		fmt.Fprintln(e.stdout, "Usage: checkin import roster (--data DIR | --db URL) [--dry-run] [--replace] FILE.csv\n"+
			"       checkin import schedule (--data DIR | --db URL) [--tz ZONE] [--dry-run] [--replace] FILE.csv|FILE.ics\n"+
			"       checkin import rooms (--data DIR | --db URL) [--dry-run] FILE.csv\n"+
			"       checkin import photos (--data DIR | --db URL) [--dry-run] FOLDER|FILE.zip\n"+
			"Each says more with --help; roster, schedule and rooms list every column and print an example file with --example.")
		return errHelp
	}
	return usagef("import: unknown kind %q: use roster, schedule, rooms or photos", args[0])
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

// readImportFile reads the one file argument (readInput) and parses it
// with parse, printing its warnings; bad input (kiosk.Problems) becomes
// the file's problems, exit code 2.
func readImportFile(e *env, cmd string, rest []string, parse func(body string) ([]kiosk.Problem, error)) (name string, err error) {
	name, body, err := readInput(e, cmd, rest)
	if err != nil {
		return "", err
	}
	warns, err := parse(string(body))
	warn(e, name, warns)
	var probs kiosk.Problems
	if errors.As(err, &probs) {
		return name, fileProblems(name, probs)
	}
	return name, err
}

// rosterFormat is the roster CSV, as --help shows it.
var rosterFormat = importFormat{
	intro:   "The roster CSV: " + csvRules + ". Columns",
	columns: roster.Columns,
	example: "roster.csv",
	flag:    "example",
}

func runImportRoster(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("import roster", "import roster (--data DIR | --db URL) [--dry-run] [--replace] FILE.csv\n\n"+
		"Loads or refreshes the pre-registration list, all or nothing: a bad row rejects the file and every\n"+
		"bad row is named (FILE:LINE: column: why). Re-importing replaces the roster and keeps taps and the\n"+
		"badges a desk bound; a delegate missing from the file is removed.\n\n"+rosterFormat.help(), e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	imp := addImportFlags(fs)
	example := rosterFormat.addExampleFlag(fs)
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if *example {
		return rosterFormat.printExample(e)
	}
	if err := data.check(fs); err != nil {
		return err
	}
	var res roster.Result
	name, err := readImportFile(e, "import roster", rest, func(body string) (_ []kiosk.Problem, err error) {
		res, err = roster.Parse(strings.NewReader(body))
		return res.Warnings, err
	})
	if err != nil {
		return err
	}
	if imp.onNothing(data.location()) {
		_, _, err := imp.run(e, name, func() (kiosk.ImportPlan, error) { return kiosk.PlanRoster(nil, nil, res.Delegates), nil }, nil)
		return err
	}
	db, closeDB, err := e.openVenueAt(data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	var n kiosk.RosterImport
	plan, done, err := imp.run(e, name, func() (kiosk.ImportPlan, error) {
		return db.PlanRoster(ctx, res.Delegates)
	}, func(check kiosk.ImportCheck) (err error) {
		n, err = db.ReplaceRosterChecked(ctx, res.Delegates, check)
		return err
	})
	var conflict *kiosk.RosterConflictError
	if errors.As(err, &conflict) {
		return badgeConflicts(name, res.Lines, conflict.Conflicts)
	} else if err != nil {
		return fmt.Errorf("import roster: %w", err)
	}
	if !done && len(plan.BadgeConflicts) > 0 {
		// The dry run fails as the import would.
		return badgeConflicts(name, res.Lines, plan.BadgeConflicts)
	}
	if done {
		fmt.Fprintf(e.stdout, "%s: %d delegates (%d added, %d updated, %d unchanged, %d removed), %d roster badges\n",
			name, len(res.Delegates), n.Added, n.Updated, n.Unchanged, n.Removed, n.Badges)
		if len(plan.Removed) > 0 {
			fmt.Fprintf(e.stdout, "  removed: %s\n", kiosk.FirstIDs(plan.Removed))
		}
	}
	return nil
}

// The schedule's two formats, as --help shows them.
var (
	scheduleCSVFormat = importFormat{
		intro:   "The schedule CSV (a file not named .ics and not starting BEGIN:VCALENDAR): " + csvRules + ". Columns",
		columns: schedule.CSVColumns,
		example: "schedule.csv",
		flag:    "example",
	}
	scheduleICSFormat = importFormat{
		intro: "The schedule as iCalendar (.ics, RFC 5545): each timed VEVENT is a session (all-day events are\n" +
			"skipped with a warning; recurring events are refused: export the series as single events). Properties",
		columns: schedule.ICSProperties,
		example: "schedule.ics",
		flag:    "example-ics",
	}
)

// badgeConflicts names each roster row that gives a badge a desk bound to
// someone else.
func badgeConflicts(name string, lines map[string]int, conflicts []kiosk.BadgeConflict) error {
	var probs []kiosk.Problem
	for _, c := range conflicts {
		probs = append(probs, kiosk.Problem{Line: lines[c.DelegateID], Column: "badge_uid",
			Msg: fmt.Sprintf("badge %s is bound at the desk to delegate %s; revoke it there first", c.UID, c.HeldBy)})
	}
	return fileProblems(name, probs)
}

func runImportSchedule(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("import schedule", "import schedule (--data DIR | --db URL) [--tz ZONE] [--dry-run] [--replace] FILE.csv|FILE.ics\n\n"+
		"Loads the rooms and sessions, all or nothing, replacing the sessions; rooms keep their floor,\n"+
		"capacity and overflow (checkin import rooms). The meeting's dates follow the schedule when\n"+
		"they are not set (checkin meeting).\n\n"+
		scheduleCSVFormat.help()+"\n"+scheduleICSFormat.help(), e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	tz := fs.String("tz", "", "meeting time zone for CSV times (default: the meeting's, else "+kiosk.DefaultTimeZone+")")
	imp := addImportFlags(fs)
	exampleCSV, exampleICS := scheduleCSVFormat.addExampleFlag(fs), scheduleICSFormat.addExampleFlag(fs)
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
	}
	switch {
	case *exampleCSV:
		return scheduleCSVFormat.printExample(e)
	case *exampleICS:
		return scheduleICSFormat.printExample(e)
	}
	if err := data.check(fs); err != nil {
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
	if imp.onNothing(data.location()) {
		return importSchedule(ctx, e, nothing{}, name, body, *tz, imp)
	}
	db, closeDB, err := e.openVenueAt(data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	return importSchedule(ctx, e, db, name, body, *tz, imp)
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
// scheduleTarget is what a schedule import needs of the venue's data.
type scheduleTarget interface {
	Meeting(ctx context.Context) (kiosk.Meeting, error)
	PlanSchedule(ctx context.Context, s kiosk.Schedule, format string) (kiosk.ImportPlan, error)
	ImportScheduleChecked(ctx context.Context, m kiosk.Meeting, s kiosk.Schedule, format string, check kiosk.ImportCheck) error
}

var _ scheduleTarget = (registry.Venue)(nil)

// nothing is a data directory without a database, for a dry run: a
// meeting with the default zone and no schedule.
type nothing struct{}

func (nothing) Meeting(context.Context) (kiosk.Meeting, error) {
	return kiosk.Meeting{TimeZone: kiosk.DefaultTimeZone}, nil
}

func (nothing) PlanSchedule(_ context.Context, s kiosk.Schedule, format string) (kiosk.ImportPlan, error) {
	return kiosk.PlanSchedule(nil, "", s.Sessions, format), nil
}

func (nothing) ImportScheduleChecked(context.Context, kiosk.Meeting, kiosk.Schedule, string, kiosk.ImportCheck) error {
	return errors.New("a dry run imports nothing")
}

func importSchedule(ctx context.Context, e *env, db scheduleTarget, name string, body []byte, tz string, imp *importFlags) error {
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
	parse, format := schedule.ParseCSV, "csv"
	if isICS(name, body) {
		parse, format = schedule.ParseICS, "ics"
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
	plan, done, err := imp.run(e, name, func() (kiosk.ImportPlan, error) {
		return db.PlanSchedule(ctx, s, format)
	}, func(check kiosk.ImportCheck) error {
		return db.ImportScheduleChecked(ctx, m, s, format, check)
	})
	if err != nil {
		return fmt.Errorf("import schedule: %w", err)
	}
	if done {
		fmt.Fprintf(e.stdout, "%s: %d sessions in %d rooms, %s to %s (%s)\n", name, len(s.Sessions), len(s.Rooms),
			kiosk.LocalDate(first, loc), kiosk.LocalDate(last, loc), loc)
		fmt.Fprintf(e.stdout, "  %s\n", plan.Summary(false))
	}
	return nil
}
