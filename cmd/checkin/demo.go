package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"checkin/badge"
	"checkin/kiosk"
	"checkin/kiosk/demo"
	"checkin/kiosk/password"
	"checkin/kiosk/roster"
	"checkin/kiosk/schedule"
	"checkin/kiosk/web"
	wire "checkin/sync"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("demo", "demo [--addr 127.0.0.1:8080] [--data DIR]", e.stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on")
	data := fs.String("data", "", "data directory (default: a new temporary one)")
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("demo: unexpected argument %q", rest[0])
	}
	if *data == "" {
		dir, err := os.MkdirTemp("", "checkin-demo-")
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		defer os.RemoveAll(dir)
		*data = dir
	}

	// The registry holds the meeting; the kiosk syncs from it, as at a venue.
	regDir, kioskDir := filepath.Join(*data, "registry"), filepath.Join(*data, "kiosk")
	gen, err := loadDemo(ctx, e, regDir, time.Now())
	if err != nil {
		return err
	}
	const kioskID = "demo-entrance"
	token, err := demoToken(ctx, e, regDir, kioskID)
	if err != nil {
		return err
	}
	if err := demoStaff(ctx, e, kioskDir); err != nil {
		return err
	}
	if err := demoStaff(ctx, e, regDir); err != nil { // the registry's dashboard
		return err
	}
	reg, err := openRegistry(e, location{dir: regDir}, "127.0.0.1:0", nil)
	if err != nil {
		return err
	}
	app, err := openKiosk(e, kioskConfig{data: kioskDir, addr: *addr, kioskID: kioskID, holdoff: badge.DefaultHoldoff,
		registry: reg.server.URL(), token: token},
		func(taps *kiosk.TapService) web.DemoTapper { return demo.NewReader(gen, taps.Tap) })
	if err != nil {
		// The registry was never run: stop it at once.
		done, cancel := context.WithCancel(ctx)
		cancel()
		return errors.Join(err, reg.run(done))
	}
	printDemo(e, app.server.URL(), reg.server.URL(), gen)
	// Both roles stop together: when ctx ends, or when either fails.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return reg.run(gctx) })
	g.Go(func() error { return app.run(gctx) })
	return g.Wait()
}

// Demo staff logins, printed at start: the demo is for trying things.
const (
	demoDeskUser, demoDeskPassword   = "desk", "demo-desk-pass"
	demoAdminUser, demoAdminPassword = "admin", "demo-admin-pass"
)

// demoStaff creates the demo's staff logins unless they exist.
func demoStaff(ctx context.Context, e *env, dir string) error {
	db, closeDB, err := e.openVenue(dir)
	if err != nil {
		return err
	}
	defer closeDB()
	for _, u := range []struct{ name, role, pw string }{
		{demoDeskUser, kiosk.RoleDesk, demoDeskPassword}, {demoAdminUser, kiosk.RoleAdmin, demoAdminPassword},
	} {
		hash, err := password.Hash(u.pw)
		if err != nil {
			return err
		}
		err = db.AddStaff(ctx, kiosk.Staff{Username: u.name, Role: u.role}, hash)
		if err != nil && kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			return fmt.Errorf("demo staff: %w", err)
		}
	}
	return nil
}

// demoToken issues the demo kiosk's sync token.
func demoToken(ctx context.Context, e *env, regDir, kioskID string) (string, error) {
	store, err := e.openRegistryStore(regDir)
	if err != nil {
		return "", err
	}
	defer store.Close()
	token, err := newToken()
	if err != nil {
		return "", err
	}
	return token, store.AddToken(ctx, kioskID, token)
}

// loadDemo writes the demo meeting into a data directory through the same
// importers a venue uses.
func loadDemo(ctx context.Context, e *env, dir string, now time.Time) (demo.Generated, error) {
	loc, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		return demo.Generated{}, err
	}
	gen := demo.Generate(now.In(loc))
	store, err := e.openRegistryStore(dir)
	if err != nil {
		return gen, err
	}
	defer store.Close()
	db := store
	res, err := roster.Parse(strings.NewReader(string(gen.RosterCSV)))
	if err != nil {
		return gen, fmt.Errorf("demo roster: %w", err)
	}
	if _, err := db.ReplaceRoster(ctx, res.Delegates); err != nil {
		var conflict *kiosk.RosterConflictError
		if errors.As(err, &conflict) {
			return gen, usagef("demo: %s already holds other data: %v", dir, err)
		}
		return gen, fmt.Errorf("demo roster: %w", err)
	}
	m := kiosk.Meeting{ID: gen.Meeting.ID, Name: gen.Meeting.Name, TimeZone: gen.Meeting.TimeZone,
		Start: gen.Meeting.Start.Format(kiosk.DateLayout), End: gen.Meeting.End.Format(kiosk.DateLayout)}
	if err := db.SetMeeting(ctx, m); err != nil {
		return gen, err
	}
	discard := &env{stdout: nopWriter{}, stderr: e.stderr}
	// As first published, then as it is now: the move is the import's.
	for _, csv := range [][]byte{gen.FirstScheduleCSV, gen.ScheduleCSV} {
		if err := importSchedule(ctx, discard, db, "demo schedule", csv, "", &importFlags{replace: true}); err != nil {
			return gen, fmt.Errorf("demo schedule: %w", err)
		}
	}
	// The rooms' seats, as a venue's rooms file gives them.
	rooms, _, err := schedule.ParseRooms(bytes.NewReader(gen.RoomsCSV))
	if err != nil {
		return gen, fmt.Errorf("demo rooms: %w", err)
	}
	if err := importRooms(ctx, discard, db, "demo rooms", rooms, &importFlags{}); err != nil {
		return gen, fmt.Errorf("demo rooms: %w", err)
	}
	// Lost badges, revoked at the desk as a clerk would.
	var revokes []wire.BadgeEvent
	for _, uid := range gen.Revoked {
		revokes = append(revokes, wire.BadgeEvent{ID: "demo-revoke-" + uid, Op: kiosk.BadgeRevoke, UID: uid, At: now})
	}
	if len(revokes) > 0 {
		if _, err := store.ApplyBadgeEvents(ctx, "demo-desk", revokes, now); err != nil {
			return gen, fmt.Errorf("demo revokes: %w", err)
		}
	}
	return gen, nil
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

func printDemo(e *env, base, registryURL string, gen demo.Generated) {
	w := e.stdout
	fmt.Fprintf(w, "\ncheckin demo: %s, %s to %s (%s)\n\n", gen.Meeting.Name,
		gen.Meeting.Start.Format("Mon 2 Jan"), gen.Meeting.End.Format("Mon 2 Jan 2006"), gen.Meeting.TimeZone)
	fmt.Fprintf(w, "  Entrance screen   %s/?demo=1      (simulated reader taps every 5 s)\n", base)
	fmt.Fprintf(w, "  Entrance (plain)  %s/\n", base)
	fmt.Fprintf(w, "  Registration desk %s/desk         (sign in as %s / %s, or %s / %s)\n", base,
		demoDeskUser, demoDeskPassword, demoAdminUser, demoAdminPassword)
	fmt.Fprintf(w, "  Dashboard         %s/desk/dashboard\n", base)
	fmt.Fprintf(w, "  Rooms             %s/desk/rooms   (people inside against seats)\n", base)
	fmt.Fprintf(w, "  Lobby screen      %s/lobby        (?lang=fr|es|ar|zh|ru, ?building=, ?at=%sT14:10)\n", base,
		time.Now().In(gen.Meeting.Start.Location()).Format(kiosk.DateLayout))
	fmt.Fprintf(w, "  Schedule (JSON)   %s/api/schedule\n", base)
	fmt.Fprintf(w, "  Health            %s/healthz\n", base)
	fmt.Fprintf(w, "  Registry          %s/           (dashboard: kiosks, arrivals, badge conflicts; same demo logins)\n", registryURL)
	fmt.Fprintf(w, "\nBadges to try (curl -H 'Content-Type: application/json' -d '{\"uid\":\"…\"}' %s/api/taps):\n", base)
	// Names last: a name's width in a terminal (CJK twice as wide, Indic
	// marks, right-to-left Arabic) is not its length, so nothing is
	// padded after one.
	for _, s := range gen.Samples {
		fmt.Fprintf(w, "  %-12s → %-24s %s\n", s.UID, s.Expect, s.Name)
	}
	fmt.Fprintln(w, "\nPress Ctrl-C to stop.")
}
