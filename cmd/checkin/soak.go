package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"checkin/sync/soak"
)

// errSoakFailed is a rehearsal that ran and found a failed check: exit 1,
// the report says which.
var errSoakFailed = errors.New("soak: the rehearsal failed its checks (see the report)")

func runSoak(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("soak", "soak --db postgres://… [--kiosks 50] [--delegates 20000] [--duration 5m | --full] [--dir DIR]", e.stderr)
	db := fs.String("db", "", "an empty PostgreSQL `database` (postgres://…) for two registries; everything the rehearsal makes goes there")
	sqliteReg := fs.Bool("sqlite", false, "instead of --db: one registry on SQLite in the work directory (rehearses the mechanics; no PostgreSQL fault)")
	kiosks := fs.Int("kiosks", soak.DefaultKiosks, "kiosk processes")
	delegates := fs.Int("delegates", soak.DefaultDelegates, "delegates on the roster, each tapping in once")
	duration := fs.Duration("duration", 5*time.Minute, "the rehearsal, compressed: the morning rush is its first 45%")
	full := fs.Bool("full", false, "the real morning: a 45-minute rush in a 100-minute rehearsal (overrides --duration)")
	dir := fs.String("dir", "", "work directory for data, tokens and logs: new or empty (default: a temporary one, removed after a rehearsal that passed)")
	bin := fs.String("bin", "", "the checkin binary the kiosks and registries run (default: this one)")
	pgRestart := fs.String("pg-restart-cmd", "", "shell command that restarts the real PostgreSQL server, e.g. 'pg_ctlcluster 15 main restart'\n(default: a restart is simulated by cutting every connection from the registries to it)")
	seed := fs.Uint64("seed", 0, "random seed (the same seed: the same roster, arrivals and faults); 0: a new one, printed at the start")
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return usagef("soak: unexpected argument %q", rest[0])
	case *db == "" && !*sqliteReg:
		return usagef("soak: --db is required: an empty PostgreSQL database for the registries (or --sqlite for one registry on SQLite)")
	case *db != "" && *sqliteReg:
		return usagef("soak: give --db or --sqlite, not both")
	case *pgRestart != "" && *sqliteReg:
		return usagef("soak: --pg-restart-cmd is for --db")
	case *kiosks < 2 || *kiosks > 500:
		return usagef("soak: --kiosks must be 2 to 500")
	case *delegates < 1:
		return usagef("soak: --delegates must be positive")
	}
	if *full {
		*duration = 100 * time.Minute
	}
	if _, err := soak.Schedule(*duration, !*sqliteReg); err != nil {
		return usagef("soak: --duration: %v", err)
	}
	if *bin == "" {
		if *bin, err = os.Executable(); err != nil {
			return fmt.Errorf("soak: this binary's path: %w (give --bin)", err)
		}
	}
	temp := *dir == ""
	if temp {
		if *dir, err = os.MkdirTemp("", "checkin-soak-"); err != nil {
			return err
		}
	}
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	cfg := soak.Config{Bin: *bin, Dir: *dir, DB: *db, SQLite: *sqliteReg, PGRestartCmd: *pgRestart,
		Kiosks: *kiosks, Delegates: *delegates, Duration: *duration, Seed: *seed, Out: e.stdout}
	fmt.Fprintf(e.stdout, "checkin soak %s: work directory %s (logs in logs/), seed %d\n", e.build.Version, *dir, *seed)
	res, err := soak.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(e.stdout, "rehearsal stopped; logs in %s/logs\n", *dir)
		return err
	}
	res.Print(e.stdout)
	if len(res.Failures()) > 0 {
		fmt.Fprintf(e.stdout, "logs kept in %s/logs\n", *dir)
		return errSoakFailed
	}
	if temp {
		os.RemoveAll(*dir)
	}
	return nil
}
