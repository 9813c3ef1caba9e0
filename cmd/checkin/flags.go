package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"checkin/sync/registry/postgres"
)

// errHelp ends a command after --help was printed.
var errHelp = errors.New("help requested")

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, " ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, usage string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: checkin %s\n\nFlags (also CHECKIN_<FLAG> in the environment):\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses flags anywhere among the arguments (so both
// "import roster --data D f.csv" and "import roster f.csv --data D" work),
// then fills flags not given from CHECKIN_<FLAG> environment variables.
// It returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			positional = append(positional, args[1:]...)
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		name := "CHECKIN_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := getenv(name)
		if v == "" {
			return
		}
		values := []string{v}
		if _, repeatable := f.Value.(*stringList); repeatable {
			values = splitList(v)
		}
		for _, v := range values {
			if e := f.Value.Set(v); e != nil {
				err = usagef("%s=%q: %v", name, v, e)
			}
		}
	})
	return positional, err
}

// splitList splits a repeatable flag's environment variable: one value a
// line when it holds a newline (a reader's room name may hold spaces; an
// EnvironmentFile's double-quoted value may span lines), else the old
// form, values separated by spaces.
func splitList(v string) []string {
	if !strings.Contains(v, "\n") {
		return strings.Fields(v)
	}
	var values []string
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			values = append(values, line)
		}
	}
	return values
}

// dataFlags are where a command's data lives: a data directory (SQLite;
// a kiosk's or a registry's) or, for the registry's data, its PostgreSQL
// database (--db postgres://…, CHECKIN_DB).
type dataFlags struct {
	data, db *string
	dbFlag   bool // the command takes --db
}

// addDataFlag adds --data to fs.
func addDataFlag(fs *flag.FlagSet, usage string) *dataFlags {
	return &dataFlags{data: fs.String("data", "", usage)}
}

// addDataFlags adds --data and --db to fs.
func addDataFlags(fs *flag.FlagSet, usage string) *dataFlags {
	d := addDataFlag(fs, usage)
	d.db, d.dbFlag = fs.String("db", "", "the registry's PostgreSQL database, postgres://USER@HOST/NAME (instead of --data)"), true
	return d
}

// location is where the flags point.
func (d *dataFlags) location() location {
	l := location{dir: *d.data}
	if d.db != nil {
		l.db = *d.db
	}
	return l
}

// location is a command's data: a directory, or a PostgreSQL database.
type location struct{ dir, db string }

// String names the location for logs, without a password.
func (l location) String() string {
	if l.db != "" {
		return postgres.Describe(l.db)
	}
	return l.dir
}

// parseWithData is parseFlags for a command that works on a data
// directory or database: one of them is required. A flag given on the
// command line wins over the other one's environment variable.
func parseWithData(fs *flag.FlagSet, args []string, getenv func(string) string, d *dataFlags) ([]string, error) {
	rest, err := parseFlags(fs, args, getenv)
	if err != nil {
		return nil, err
	}
	return rest, d.check(fs)
}

// check says whether the flags (parsed into fs) name one data directory or
// database, as every command on the venue's data needs.
func (d *dataFlags) check(fs *flag.FlagSet) error {
	if !d.dbFlag {
		if *d.data == "" {
			return usagef("%s: --data is required", fs.Name())
		}
		return nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *d.data != "" && *d.db != "" && set["data"] && !set["db"]:
		*d.db = "" // --data given, CHECKIN_DB from the environment
	case *d.data != "" && *d.db != "" && set["db"] && !set["data"]:
		*d.data = ""
	case *d.data != "" && *d.db != "":
		return usagef("%s: give --data DIR or --db URL, not both", fs.Name())
	case *d.data == "" && *d.db == "":
		return usagef("%s: --data DIR or --db postgres://… is required", fs.Name())
	}
	if *d.db != "" && !postgres.IsURL(*d.db) {
		return usagef("%s: --db must be a postgres:// URL (a data directory goes to --data)", fs.Name())
	}
	return nil
}
