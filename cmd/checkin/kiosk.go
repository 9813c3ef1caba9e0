package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/web"
)

// dbFile is the database's name inside a data directory.
const dbFile = "checkin.db"

// kioskConfig is everything a kiosk is started with.
type kioskConfig struct {
	data    string
	addr    string
	kioskID string
}

func runKiosk(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("kiosk", "kiosk --data DIR --addr HOST:PORT [--kiosk-id ID]", e.stderr)
	var cfg kioskConfig
	fs.StringVar(&cfg.data, "data", "", "data directory (created if missing)")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to serve on")
	fs.StringVar(&cfg.kioskID, "kiosk-id", "", "this kiosk's id (default: host name)")
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
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
	e.logger.Info("kiosk serving", "url", app.server.URL(), "kiosk", cfg.kioskID, "data", cfg.data, "version", version)
	return app.run(ctx)
}

// kioskApp is a running kiosk: its database, tap path and web server.
type kioskApp struct {
	e      *env
	db     *sqlite.DB
	taps   *kiosk.TapService
	server *web.Server
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
	if err := server.Open(); err != nil {
		db.Close()
		return nil, err
	}
	return &kioskApp{e: e, db: db, taps: taps, server: server}, nil
}

// run serves until ctx is cancelled (SIGINT, SIGTERM), then shuts down in
// order: no new requests, taps in flight committed, streams closed, database
// closed.
func (a *kioskApp) run(ctx context.Context) error {
	<-ctx.Done()
	a.e.logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.server.Close(shutdown)
	if cerr := a.db.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
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
