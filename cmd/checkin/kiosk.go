package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"checkin/assets"
	"checkin/badge"
	"checkin/badge/serialreader"
	"checkin/kiosk"
	"checkin/kiosk/passbook"
	"checkin/kiosk/search"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/web"
	"checkin/sync/client"
)

// dbFile is the database's name inside a data directory.
const dbFile = "checkin.db"

// kioskConfig is everything a kiosk is started with.
type kioskConfig struct {
	data    string
	addr    string
	kioskID string
	readers []badge.Spec
	holdoff time.Duration

	registry string // base URL; "" for a standalone kiosk
	token    string
}

func runKiosk(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("kiosk", "kiosk --data DIR --addr HOST:PORT [--kiosk-id ID] [--reader SPEC]...", e.stderr)
	var cfg kioskConfig
	var readers stringList
	fs.StringVar(&cfg.data, "data", "", "data directory (created if missing)")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to serve on")
	fs.StringVar(&cfg.kioskID, "kiosk-id", "", "this kiosk's id (default: host name)")
	fs.Var(&readers, "reader", "badge reader `PORT[,format=F][,baud=N][,gate=G][,direction=in|out][,role=entrance|desk]`, repeatable\n(CHECKIN_READER: several separated by spaces); see `checkin readers`")
	fs.DurationVar(&cfg.holdoff, "holdoff", badge.DefaultHoldoff, "a card held on a reader taps again only after this long away")
	fs.StringVar(&cfg.registry, "registry", "", "registry base URL, e.g. https://registry.venue:8090 (default: standalone)")
	fs.StringVar(&cfg.token, "token", "", "this kiosk's sync token (from checkin token add)")
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
	}
	ports := map[string]bool{}
	for _, r := range readers {
		spec, err := badge.ParseSpec(r)
		if err != nil {
			return usagef("kiosk: --reader %q: %v", r, err)
		}
		if ports[spec.Port] {
			return usagef("kiosk: --reader %q: port %s is given twice", r, spec.Port)
		}
		ports[spec.Port] = true
		cfg.readers = append(cfg.readers, spec)
	}
	if cfg.holdoff <= 0 {
		return usagef("kiosk: --holdoff must be positive")
	}
	if cfg.registry != "" {
		u, err := url.Parse(cfg.registry)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("kiosk: --registry %q is not an http(s) URL", cfg.registry)
		}
		if cfg.token == "" {
			return usagef("kiosk: --registry needs --token (checkin token add --data REGDIR --kiosk ID)")
		}
	}
	if len(rest) > 0 {
		return usagef("kiosk: unexpected argument %q", rest[0])
	}
	if cfg.data == "" {
		return usagef("kiosk: --data is required")
	}
	app, err := openKiosk(e, cfg, nil)
	if err != nil {
		return err
	}
	e.logger.Info("kiosk serving", "url", app.server.URL(), "kiosk", app.server.KioskID, "data", cfg.data, "version", version)
	return app.run(ctx)
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
	if cfg.kioskID == "" {
		host, err := os.Hostname()
		if err != nil {
			host = "kiosk"
		}
		cfg.kioskID = host
	}
	db, err := openDB(cfg.data)
	if err != nil {
		return nil, err
	}
	db.Logger = e.logger
	server := web.NewServer()
	taps := &kiosk.TapService{
		Taps:     db,
		Schedule: db,
		Publish:  server.PublishTap,
		Observe:  server.Metrics.ObserveTap,
		Now:      time.Now,
		NewID:    newTapID,
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
	server.Version = version
	server.Taps = taps
	server.Store = db
	server.Assets = assets.FS()
	server.Logger = e.logger
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
		}
		server.Readers = app.readers
		server.Metrics.AddReaders(app.readers.States)
	}
	if cfg.registry != "" {
		app.sync = client.New(cfg.registry, cfg.token, db)
		app.sync.Logger = e.logger
		app.sync.PassKeys = []string{book.PublicKey().String()}
		app.sync.OnApplied = func(a kiosk.Applied) {
			if a.ScheduleChanged {
				server.PublishSchedule()
			}
			if a.KeysChanged || a.ScheduleChanged { // new keys, or a new meeting id
				if err := book.Reload(context.Background()); err != nil {
					e.logger.Error("reload pass keys", "err", err)
				}
			}
		}
		desk.Changed = app.sync.Kick
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

// registryStatus is the registry part of /healthz.
func (a *kioskApp) registryStatus() web.RegistryStatus {
	st := a.sync.Status()
	rs := web.RegistryStatus{Configured: true, Reachable: st.Reachable, Cursor: st.Cursor, LastError: st.LastError}
	if !st.LastSync.IsZero() {
		rs.LastSync = &st.LastSync
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if n, err := a.db.Outbox(ctx); err == nil {
		rs.Outbox, rs.Refused = n.Taps+n.BadgeEvents, n.Refused
	}
	return rs
}

// onRead takes a badge read from a serial reader: entrance readers check
// the delegate in through the same path as the HTTP API; desk readers only
// show the badge to the registration desk.
func (a *kioskApp) onRead(r serialreader.Read) {
	if r.Role == badge.RoleDesk {
		a.server.PublishDeskTap(web.DeskTap{UID: r.UID, Source: r.Source, Reader: r.Reader, Gate: r.Gate, At: r.At})
		return
	}
	res, err := a.taps.Tap(context.Background(), kiosk.TapRequest{UID: r.UID, Source: r.Source, Gate: r.Gate, Direction: r.Direction})
	if err != nil {
		a.e.logger.Error("tap from reader failed", "reader", r.Reader, "err", err)
		return
	}
	a.e.logger.Info("tap", "reader", r.Reader, "result", res.Result, "reason", res.Reason, "id", res.ID)
}

// run serves until ctx is cancelled (SIGINT, SIGTERM), then shuts down in
// order: no new requests, taps in flight committed, streams closed, database
// closed.
func (a *kioskApp) run(parent context.Context) error {
	// Everything below stops when the kiosk is told to, or when readers
	// cannot run at all.
	ctx, stop := context.WithCancel(parent)
	defer stop()
	searchDone := make(chan struct{})
	go func() { a.search.Run(ctx); close(searchDone) }()
	watchDone := make(chan struct{})
	go func() { a.watchSchedule(ctx); close(watchDone) }()
	var readersDone chan error // stays nil without readers: never ready
	if a.readers != nil {
		readersDone = make(chan error, 1)
		go func() { readersDone <- a.readers.Run(ctx) }()
	}
	var syncDone chan error
	if a.sync != nil {
		syncDone = make(chan error, 1)
		go func() { syncDone <- a.sync.Run(ctx) }()
	}
	var err error
	select {
	case <-ctx.Done():
		if readersDone != nil {
			err = <-readersDone
		}
	case err = <-readersDone:
		// Readers stop early only when they cannot run at all.
		err = fmt.Errorf("readers: %w", err)
	}
	a.e.logger.Info("shutting down")
	stop()
	<-searchDone
	<-watchDone
	if syncDone != nil {
		<-syncDone
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if cerr := a.server.Close(shutdown); cerr != nil && err == nil {
		err = cerr
	}
	if cerr := a.db.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// scheduleCheckEvery is how often a kiosk looks for schedule changes made
// by another process (an import into its data directory): screens hear of
// them within about this long.
const scheduleCheckEvery = 500 * time.Millisecond

// watchSchedule tells the screens when the schedule changed, whoever
// changed it: a page of sync, or `checkin import schedule` run beside the
// kiosk.
func (a *kioskApp) watchSchedule(ctx context.Context) {
	last, err := a.db.ScheduleVersion(ctx)
	if err != nil {
		a.e.logger.Error("schedule version", "err", err)
	}
	t := time.NewTicker(scheduleCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := a.db.ScheduleVersion(ctx)
		if err != nil {
			if ctx.Err() == nil {
				a.e.logger.Error("schedule version", "err", err)
			}
			continue
		}
		if v != last {
			last = v
			a.db.ForgetSessions()
			a.server.PublishSchedule()
			if err := a.passes.Reload(ctx); err != nil { // the meeting id may have changed
				a.e.logger.Error("reload pass keys", "err", err)
			}
		}
	}
}

// openDB opens (creating if needed) the database in a data directory.
func openDB(dir string) (*sqlite.DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db := sqlite.NewDB(filepath.Join(dir, dbFile))
	if err := db.Open(); err != nil {
		return nil, err
	}
	return db, nil
}

// newTapID returns a UUIDv7: time-ordered, so tap ids sort by creation.
func newTapID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}
