package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"checkin/assets"
	"checkin/badge"
	"checkin/badge/serialreader"
	"checkin/kiosk"
	"checkin/kiosk/credapi"
	"checkin/kiosk/passbook"
	"checkin/kiosk/search"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/web"
	"checkin/sync/client"
)

// kioskConfig is everything a kiosk is started with.
type kioskConfig struct {
	data    string
	addr    string
	kioskID string
	readers []badge.Spec
	holdoff time.Duration

	registry   string // base URLs, "URL[,URL…]"; "" for a standalone kiosk
	token      string
	registryCA *x509.CertPool // nil: the system roots
}

func runKiosk(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("kiosk", "kiosk --data DIR --addr HOST:PORT [--kiosk-id ID] [--registry URL[,URL...] --token-file FILE [--registry-ca FILE]] [--reader SPEC]...", e.stderr)
	var cfg kioskConfig
	var readers stringList
	var tokenFile, caFile string
	fs.StringVar(&cfg.data, "data", "", "data directory (created if missing)")
	fs.StringVar(&cfg.addr, "addr", ":8080", "address to serve on, every interface by default: the venue network opens /lobby and /desk\nhere, while taps and the entrance screen's names are served to this machine (loopback) only")
	fs.StringVar(&cfg.kioskID, "kiosk-id", "", "this kiosk's id (under a registry: its token's, which the registry tells it, and another is refused; else the host name)")
	fs.Var(&readers, "reader", "a badge reader `SPEC`, repeatable: PORT[,format=F][,baud=N][,gate=G][,direction=in|out]\n[,role=entrance|desk|room][,room=NAME]; OSDP: format=osdp[,address=N][,scbk=HEX32|install][,secure=off]\n(CHECKIN_READER: one a line, or several separated by spaces; `checkin readers` lists the ports; docs/readers.md)")
	fs.DurationVar(&cfg.holdoff, "holdoff", badge.DefaultHoldoff, "a card held on a reader taps again only after this long away")
	fs.StringVar(&cfg.registry, "registry", "", "registry base `URL[,URL...]`, e.g. https://registry.venue:8090; several: the first that answers,\nthe next when it fails (default: standalone)")
	fs.StringVar(&tokenFile, "token-file", "", "file holding this kiosk's sync token (from checkin token add), readable by its owner only")
	fs.StringVar(&cfg.token, "token", "", "this kiosk's sync token; prefer --token-file or CHECKIN_TOKEN (a command line is visible to every user)")
	fs.StringVar(&caFile, "registry-ca", "", "trust https registries with certificates from this PEM `FILE` (a CA bundle, or the\nregistry's own self-signed certificate) instead of the system's roots")
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "token" {
			e.logger.Warn("--token on the command line is visible to every user of this machine; use --token-file or CHECKIN_TOKEN")
		}
	})
	for _, r := range readers {
		spec, err := badge.ParseSpec(r)
		if err != nil {
			return usagef("kiosk: --reader: %v", err) // the error quotes the value, keys hidden
		}
		cfg.readers = append(cfg.readers, spec)
	}
	if cfg.holdoff <= 0 {
		return usagef("kiosk: --holdoff must be positive")
	}
	if cfg.registry != "" {
		if err := cfg.registryFlags(tokenFile, caFile, e.getenv("CREDENTIALS_DIRECTORY")); err != nil {
			return err
		}
	}
	if len(rest) > 0 {
		return usagef("kiosk: unexpected argument %q", rest[0])
	}
	if cfg.data == "" {
		return usagef("kiosk: --data is required")
	}
	// A port given twice, an OSDP line at two baud rates, an OSDP reader
	// with no key: bad usage, found before anything starts.
	if err := (&serialreader.Manager{Specs: cfg.readers, DataDir: cfg.data}).Check(); err != nil {
		return usagef("kiosk: --reader: %v", err)
	}
	app, err := openKiosk(e, cfg, nil)
	if err != nil {
		return err
	}
	e.logger.Info("kiosk serving", "url", app.server.URL(), "kiosk", app.server.KioskID, "data", cfg.data, "version", e.build.Version, "commit", e.build.Commit)
	return app.run(ctx)
}

// registryFlags checks the registry URLs and reads the token file and the
// CA file: all bad usage (exit 2) when wrong, before anything starts.
// credentials is systemd's $CREDENTIALS_DIRECTORY, if any.
func (cfg *kioskConfig) registryFlags(tokenFile, caFile, credentials string) error {
	https := false
	for _, raw := range strings.Split(cfg.registry, ",") {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("kiosk: --registry: %q is not an http(s) URL", raw)
		}
		https = https || u.Scheme == "https"
	}
	switch {
	case tokenFile != "" && cfg.token != "":
		return usagef("kiosk: give --token-file or --token, not both")
	case tokenFile != "":
		token, err := readTokenFile(tokenFile, credentials)
		if err != nil {
			return err
		}
		cfg.token = token
	case cfg.token == "":
		return usagef("kiosk: --registry needs --token-file (the token from checkin token add --data REGDIR --kiosk ID, in a file only this kiosk's user may read)")
	}
	if caFile == "" {
		return nil
	}
	if !https {
		return usagef("kiosk: --registry-ca is for https:// registries; --registry has none")
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return usagef("kiosk: --registry-ca: %v", err)
	}
	cfg.registryCA = x509.NewCertPool()
	if !cfg.registryCA.AppendCertsFromPEM(pem) {
		return usagef("kiosk: --registry-ca %s: no PEM certificate in it", caFile)
	}
	return nil
}

// readTokenFile reads the kiosk's sync token (client.ReadTokenFile's
// rules): every problem is bad usage, found before anything starts.
func readTokenFile(path, credentials string) (string, error) {
	token, mode, err := client.ReadTokenFile(path, credentials)
	switch {
	case err == nil:
		return token, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", usagef("kiosk: --token-file %s: no such file", path)
	case errors.Is(err, client.ErrTokenFileShared):
		return "", usagef("kiosk: --token-file %s is readable by others (mode %04o): chmod 600 %s", path, mode, path)
	case errors.Is(err, client.ErrTokenFileEmpty):
		return "", usagef("kiosk: --token-file %s is empty", path)
	case errors.Is(err, client.ErrTokenFileExtra):
		return "", usagef("kiosk: --token-file %s holds more than the token", path)
	}
	return "", usagef("kiosk: --token-file: %v", err)
}

// kioskApp is a running kiosk: its database, tap path, readers and web
// server.
type kioskApp struct {
	e       *env
	db      *sqlite.DB
	taps    *kiosk.TapService
	readers *serialreader.Manager // nil without --reader
	sync    *client.Client        // nil when standalone
	server  *web.Server
	search  *search.Live
	passes  *passbook.Book
}

// openKiosk opens the data directory and starts serving. demo, when set,
// adds the simulated reader's routes.
func openKiosk(e *env, cfg kioskConfig, demo func(*kiosk.TapService) web.DemoTapper) (*kioskApp, error) {
	db, err := e.openDB(cfg.data)
	if err != nil {
		return nil, err
	}
	var sc *client.Client
	given := cfg.kioskID
	if cfg.registry != "" {
		sc = client.New(cfg.registry, cfg.token, db)
		if cfg.registryCA != nil {
			sc.HTTP.Transport = client.NewTransport(cfg.registryCA)
		}
		sc.Logger = e.logger
		cfg.kioskID, err = kioskName(e, sc, given)
	} else if cfg.kioskID == "" {
		cfg.kioskID = hostName()
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	server := web.NewServer()
	db.OnWriteHealth = server.PublishStore // the entrance screen shows staff it is out of order
	db.OnOccupancy = server.PublishRooms   // door screens and the lobby show seats left
	server.Rooms = db
	taps := &kiosk.TapService{
		Taps:     db,
		Schedule: db,
		Publish:  server.PublishTap,
		Observe:  server.Metrics.ObserveTap,
		Now:      time.Now,
		NewID:    kiosk.NewID,
		Kiosk:    cfg.kioskID,
	}
	book, err := passbook.Open(context.Background(), db, time.Now)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open passes: %w", err)
	}
	taps.Passes = book
	live := search.NewLive(db)
	live.Logger = e.logger
	desk := &kiosk.DeskService{Store: db, Taps: taps, Passes: book, Render: badgePrinter()}
	server.Staff = db
	server.Search = live
	server.Desk = desk
	server.Addr = cfg.addr
	server.KioskID = cfg.kioskID
	server.Build = e.build
	server.Taps = taps
	server.Store = db
	server.Assets = assets.FS()
	server.Logger = e.logger
	server.Credentials = credapi.New(db) // local data only: answers offline, like taps
	server.Credentials.Logger = e.logger
	if demo != nil {
		server.Demo = demo(taps)
	}
	app := &kioskApp{e: e, db: db, taps: taps, server: server, search: live, passes: book}
	if len(cfg.readers) > 0 {
		app.readers = &serialreader.Manager{
			Specs:   cfg.readers,
			Holdoff: cfg.holdoff,
			OnRead:  app.onRead,
			OnState: server.PublishReader,
			Logger:  e.logger,
			DataDir: cfg.data,
		}
		server.Readers = app.readers
		server.Metrics.AddReaders(app.readers.States)
	}
	if sc != nil {
		app.sync = sc
		app.sync.Key = book
		app.sync.OnKiosk = func(name string) {
			switch {
			case name == cfg.kioskID:
			case given != "":
				e.logger.Error("this kiosk's token was issued for another kiosk: its taps reach the registry as that kiosk's, and its next start refuses --kiosk-id",
					"kiosk_id", given, "token_kiosk", name)
			default:
				e.logger.Info("the registry knows this kiosk by its token's name; it goes by it from its next start", "kiosk", name, "now", cfg.kioskID)
			}
		}
		app.sync.OnApplied = func(a kiosk.Applied) {
			// Schedule and meeting changes reach the screens and the pass
			// checks through followSchedule; new keys through here.
			if a.KeysChanged {
				if err := book.Reload(context.Background()); err != nil {
					e.logger.Error("reload pass keys", "err", err)
				}
			}
		}
		desk.Changed = app.sync.Kick
		db.OnOccupancy = func(rooms []string) {
			server.PublishRooms(rooms)
			app.sync.Kick() // a room's count reset: deliver it now
		}
		app.sync.OnStatus = func(st client.Status) { server.PublishRegistry(app.registryStatus()) }
		server.Sync = app.registryStatus
		taps.Publish = func(res kiosk.TapResult) {
			server.PublishTap(res)
			app.sync.Kick() // deliver it now
		}
	}
	if err := server.Open(); err != nil {
		db.Close()
		return nil, err
	}
	return app, nil
}

// identifyTimeout bounds how long a kiosk that has never learnt its name
// waits for the registry at start before serving under a provisional one.
const identifyTimeout = 3 * time.Second

// kioskName is the name a kiosk under a registry goes by: the one its
// token was issued for, as the registry tells it (or told it before: the
// database keeps it for that token), so that no configuration passes one
// kiosk off as another. A --kiosk-id (given) that says otherwise is bad
// usage. A kiosk that has never reached the registry serves under given
// (or its host name) until it learns its name (see docs/sync.md).
func kioskName(e *env, sc *client.Client, given string) (string, error) {
	ctx := context.Background()
	name, err := sc.Kiosk(ctx)
	if err != nil {
		return "", err
	}
	if name == "" {
		ictx, cancel := context.WithTimeout(ctx, identifyTimeout)
		name, err = sc.Identify(ictx)
		cancel()
		if err != nil {
			e.logger.Warn("cannot learn this kiosk's name from the registry; serving under a provisional one until it answers", "err", err)
		}
	}
	switch {
	case name == "":
		if given == "" {
			return hostName(), nil
		}
		return given, nil
	case given != "" && given != name:
		return "", usagef("kiosk: --kiosk-id %s does not match this kiosk's token, which the registry issued for kiosk %s (leave --kiosk-id out, or give the token of kiosk %s)",
			given, name, given)
	}
	return name, nil
}

// hostName is a kiosk's name when nothing else names it.
func hostName() string {
	host, err := os.Hostname()
	if err != nil {
		return "kiosk"
	}
	return host
}

// registryStatus is the registry part of /healthz.
func (a *kioskApp) registryStatus() web.RegistryStatus {
	st := a.sync.Status()
	rs := web.RegistryStatus{Configured: true, Reachable: st.Reachable, Cursor: st.Cursor, LastError: st.LastError, URL: st.URL}
	if !st.LastSync.IsZero() {
		rs.LastSync = &st.LastSync
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if n, err := a.db.Outbox(ctx); err == nil {
		rs.Outbox, rs.Refused = n.Taps+n.BadgeEvents+n.Passes+n.Photos, n.Refused
	}
	return rs
}

// onRead takes a badge read from a serial reader: entrance readers check
// the delegate in through the same path as the HTTP API; desk readers only
// show the badge to the registration desk.
//
// A reader that gives feedback (OSDP) is told the outcome after the tap
// is decided and on the screens: green for accepted, red for rejected or
// for a tap that could not be recorded; a desk reader's read is
// acknowledged green.
func (a *kioskApp) onRead(r serialreader.Read) {
	feedback := func(accepted bool) {
		if r.Feedback != nil {
			r.Feedback(accepted)
		}
	}
	if r.Role == badge.RoleDesk {
		a.server.PublishDeskTap(web.DeskTap{UID: r.UID, Source: r.Source, Reader: r.Reader, Gate: r.Gate, At: r.At})
		feedback(true)
		return
	}
	res, err := a.taps.Tap(context.Background(), kiosk.TapRequest{UID: r.UID, Source: r.Source, Gate: r.Gate,
		Direction: r.Direction, Room: r.Room})
	if kiosk.ErrorCode(err) == kiosk.EUNAVAILABLE {
		feedback(false)
		return // taps cannot be written: the store logs that, once a minute
	} else if err != nil {
		feedback(false)
		a.e.logger.Error("tap from reader failed", "reader", r.Reader, "err", err)
		return
	}
	feedback(res.Result == kiosk.ResultAccepted)
	a.e.logger.Info("tap", "reader", r.Reader, "result", res.Result, "reason", res.Reason, "id", res.ID)
}

// run serves until ctx is cancelled (SIGINT, SIGTERM) or a component
// fails, then shuts down in order: no new requests, taps in flight
// committed, streams closed, database closed. Every long-running part
// runs under one errgroup and is waited for; the first real error wins.
func (a *kioskApp) run(parent context.Context) error {
	g, ctx := errgroup.WithContext(parent)
	g.Go(func() error { return a.server.Run(ctx) })
	g.Go(func() error { return a.search.Run(ctx) })
	g.Go(func() error { return a.followSchedule(ctx) })
	if a.readers != nil {
		g.Go(func() error {
			if err := a.readers.Run(ctx); err != nil {
				return fmt.Errorf("readers: %w", err)
			}
			return nil
		})
	}
	if a.sync != nil {
		g.Go(func() error { return a.sync.Run(ctx) })
	}
	err := g.Wait()
	a.e.logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if cerr := a.server.Close(shutdown); cerr != nil {
		// Connections still busy after 10 s are cut: every tap they
		// carried is committed already, so this is worth a warning, not
		// a failed exit that a service manager would count as a crash.
		a.e.logger.Warn("connections still open at shutdown were closed", "err", cerr)
	}
	if cerr := a.db.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// followSchedule tells the screens when the schedule changed, whoever
// changed it (a page of sync, `checkin import schedule` run beside the
// kiosk): the database drops its cached days first.
func (a *kioskApp) followSchedule(ctx context.Context) error {
	changed := a.db.ScheduleChanged()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
		changed = a.db.ScheduleChanged() // before telling: a change meanwhile wakes the next round
		a.server.PublishSchedule()
		if err := a.passes.Reload(ctx); err != nil && ctx.Err() == nil { // the meeting id may have changed
			a.e.logger.Error("reload pass keys", "err", err)
		}
	}
}
