package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"checkin/kiosk"
	"checkin/kiosk/password"
)

func runStaff(ctx context.Context, e *env, args []string) error {
	verbs := map[string]bool{"add": true, "list": true, "remove": true, "passwd": true}
	if len(args) == 0 || !verbs[args[0]] {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage: checkin staff add (--data DIR | --db URL) --user NAME [--role desk|admin]   (password on stdin)\n"+
				"       checkin staff passwd (--data DIR | --db URL) --user NAME                       (password on stdin)\n"+
				"       checkin staff remove (--data DIR | --db URL) --user NAME\n       checkin staff list --data DIR")
			return errHelp
		}
		return usagef("staff: say add, list, remove or passwd")
	}
	verb := args[0]
	fs := newFlagSet("staff "+verb, "staff "+verb+" --data DIR --user NAME", e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	user := fs.String("user", "", "staff username")
	role := fs.String("role", kiosk.RoleDesk, "desk or admin (add only)")
	rest, err := parseWithData(fs, args[1:], e.getenv, data)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return usagef("staff %s: unexpected argument %q", verb, rest[0])
	case verb != "list" && !kiosk.ValidUsername(*user):
		return usagef("staff %s: --user must be 1 to 64 letters, digits, '.', '_', '-' or '@'", verb)
	case *role != kiosk.RoleDesk && *role != kiosk.RoleAdmin:
		return usagef("staff %s: --role must be desk or admin", verb)
	}
	db, closeDB, err := e.openVenueAt(data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	switch verb {
	case "list":
		list, err := db.ListStaff(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USER\tROLE\tCREATED\tFROM")
		for _, s := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Username, s.Role, s.Created.Format("2006-01-02 15:04"), s.Source)
		}
		return tw.Flush()
	case "remove":
		if err := db.RemoveStaff(ctx, *user); err != nil {
			return domainUsage("staff remove", err)
		}
		db.Audit(ctx, "cli", "staff.remove", *user)
		fmt.Fprintf(e.stdout, "staff user %s removed\n", *user)
		return nil
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return usagef("staff %s: %v", verb, err)
	}
	if verb == "add" {
		if err := db.AddStaff(ctx, kiosk.Staff{Username: *user, Role: *role}, hash); err != nil {
			return domainUsage("staff add", err)
		}
		db.Audit(ctx, "cli", "staff.add", *user+" ("+*role+")")
		fmt.Fprintf(e.stdout, "staff user %s (%s) added\n", *user, *role)
		return nil
	}
	if err := db.SetStaffPassword(ctx, *user, hash); err != nil {
		return domainUsage("staff passwd", err)
	}
	db.Audit(ctx, "cli", "staff.passwd", *user)
	fmt.Fprintf(e.stdout, "password of %s changed\n", *user)
	return nil
}

// domainUsage turns a domain error about the input (a user that exists or
// does not) into a usage error, exit 2.
func domainUsage(cmd string, err error) error {
	switch kiosk.ErrorCode(err) {
	case kiosk.ECONFLICT, kiosk.ENOTFOUND, kiosk.EINVALID:
		return usagef("%s: %s", cmd, kiosk.ErrorMessage(err))
	}
	return err
}

// readPassword reads a new password: typed twice without echo on a
// terminal, else the first line of standard input (for scripts).
func readPassword(e *env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "New password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", usagef("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("no password on standard input")
	}
	return line, nil
}
