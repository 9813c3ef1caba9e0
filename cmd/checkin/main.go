// Command checkin is the venue check-in system: kiosk, registry, importers
// and exports in one binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata"

	"checkin/kiosk/buildinfo" // meeting zones must resolve on kiosks without zoneinfo
)

// Set at build time with -ldflags "-X main.version=… -X main.commit=…
// -X main.buildDate=…" (Makefile); a plain go build takes the commit and
// its time from the toolchain's VCS stamp.
var version, commit, buildDate = "dev", "", ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes (docs/flags.md).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is bad usage or bad input: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// env carries the process's outside world, so that commands can be run
// in tests without touching the real one.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	logger         *slog.Logger
	build          buildinfo.Info
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "run a kiosk with the built-in demo meeting and a simulated reader", runDemo},
		{"kiosk", "run a venue kiosk", runKiosk},
		{"registry", "run the central registry", runRegistry},
		{"token", "manage kiosk sync tokens: token add|revoke|list --data REGDIR [--kiosk ID]", runToken},
		{"import", "import the venue's files: import roster|schedule|rooms|photos --data DIR FILE", runImport},
		{"export", "export reports: export checkins|attendance --data DIR [FILE]", runExport},
		{"staff", "manage staff logins: staff add|list|remove|passwd --data DIR [--user NAME]", runStaff},
		{"apikey", "manage the venue systems' API keys: apikey add|list|revoke --data DIR [--name NAME]", runAPIKey},
		{"backup", "copy a data directory while it is in use: backup --data DIR BACKUPDIR", runBackup},
		{"readers", "list serial ports and the --reader value for each", runReaders},
		{"doctor", "check this box before the doors open: data, database, disk, readers, fonts, registry, clock, network", runDoctor},
		{"meeting", "show or set the meeting's name, dates and time zone", runMeeting},
		{"soak", "rehearse a venue on this machine: kiosks, registries, a morning rush and faults", runSoak},
		{"version", "print the version, commit and build date (also checkin --version)", func(_ context.Context, e *env, _ []string) error {
			fmt.Fprintln(e.stdout, "checkin", e.build)
			return nil
		}},
	}
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv,
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
		build:  buildinfo.Resolve(version, commit, buildDate)}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = []string{"version"}
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		return report(e, err)
	}
	fmt.Fprintf(stderr, "checkin: unknown command %q (see checkin --help)\n", args[0])
	return exitUsage
}

// report prints an error as one line on stderr and picks the exit code.
func report(e *env, err error) int {
	var ue *usageError
	var pe *problemsError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &pe):
		for _, line := range pe.lines {
			fmt.Fprintln(e.stderr, line)
		}
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintln(e.stderr, "checkin:", err)
		return exitUsage
	}
	fmt.Fprintln(e.stderr, "checkin:", err)
	return exitFailure
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: checkin COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every flag can also be set as CHECKIN_<FLAG> (upper case, - as _); flags win.")
	fmt.Fprintln(w, "Run checkin COMMAND --help for a command's flags.")
}
