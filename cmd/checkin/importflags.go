package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"checkin/kiosk"
)

// importFlags are the flags every import takes, and the one way they
// act: --dry-run prints what the import would change and writes nothing;
// without it, an import whose plan is sweeping (kiosk.ImportPlan.Sweeping)
// needs --replace and otherwise exits 2 saying why. An import (roster,
// schedule, photos…) supplies its plan and its checked store call to run.
type importFlags struct {
	dryRun, replace bool
}

// addImportFlags adds --dry-run and --replace to fs.
func addImportFlags(fs *flag.FlagSet) *importFlags {
	f := &importFlags{}
	fs.BoolVar(&f.dryRun, "dry-run", false, "print what would be added, changed and removed (counts and the first ids), and write nothing")
	fs.BoolVar(&f.replace, "replace", false, fmt.Sprintf("allow an import that removes more than %d%% of the roster, or replaces a schedule imported from another format (ics, csv)", kiosk.MaxRemovedPercent))
	return f
}

// run carries out an import named name (the file). With --dry-run it
// calls plan, which must write nothing, and prints the plan. Otherwise it
// calls apply with the check for the store to run on the plan inside its
// transaction, before any write, and returns the plan that was applied
// for the caller's report. done is false after a dry run.
func (f *importFlags) run(e *env, name string, plan func() (kiosk.ImportPlan, error), apply func(kiosk.ImportCheck) error) (applied kiosk.ImportPlan, done bool, err error) {
	if f.dryRun {
		p, err := plan()
		if err != nil {
			return p, false, err
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", name, p.Summary(true))
		for _, line := range p.Firsts() {
			fmt.Fprintf(e.stdout, "  %s\n", line)
		}
		if why := p.Sweeping(); why != "" {
			fmt.Fprintf(e.stdout, "%s: without --dry-run this import needs --replace: %s\n", name, why)
		}
		fmt.Fprintf(e.stdout, "%s: dry run, nothing written\n", name)
		return p, false, nil
	}
	var refused error
	err = apply(func(p kiosk.ImportPlan) error {
		if why := p.Sweeping(); why != "" && !f.replace {
			refused = usagef("%s: not imported: %s. See what would change with --dry-run; if that is what you mean, run again with --replace", name, why)
			return refused
		}
		applied = p
		return nil
	})
	if refused != nil && errors.Is(err, refused) {
		return applied, false, refused // without the store's wrapping: one clear line
	}
	return applied, err == nil, err
}

// onNothing reports whether this is a dry run on a data directory that
// holds no database yet: opening it would create one, and a dry run
// writes nothing, so the import plans against nothing instead (everything
// in the file would be added).
func (f *importFlags) onNothing(at location) bool {
	if !f.dryRun || at.db != "" {
		return false
	}
	_, err := os.Stat(filepath.Join(at.dir, dbFile))
	return errors.Is(err, fs.ErrNotExist)
}
