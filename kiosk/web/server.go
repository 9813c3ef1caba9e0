// Package web serves the kiosk over HTTP with Fiber: the public screens,
// the tap API, the event stream, health and metrics.
package web

import (
	"checkin/kiosk/buildinfo"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"golang.org/x/sync/errgroup"

	"checkin/badge/serialreader"
	"checkin/kiosk"
	"checkin/kiosk/credapi"
	"checkin/kiosk/httpserve"
	"checkin/kiosk/staffauth"
)

// errorBody is the JSON shape of every API error.
type errorBody = httpserve.ErrorBody

// ReaderStates reports the state of the badge readers for health and screens.
type ReaderStates interface {
	States() []serialreader.ReaderState
}

// RegistryStatus is the kiosk's view of the central registry.
type RegistryStatus struct {
	Configured bool       `json:"configured"`
	Reachable  bool       `json:"reachable"`
	LastSync   *time.Time `json:"last_sync"`
	Outbox     int        `json:"outbox"`            // taps and desk events waiting
	Refused    int        `json:"refused,omitempty"` // set aside as malformed
	Cursor     int64      `json:"cursor"`
	LastError  string     `json:"last_error,omitempty"`
	URL        string     `json:"url,omitempty"` // the registry in use, of those given
}

// Store is what the web layer reads directly.
type Store interface {
	kiosk.MeetingStore
	kiosk.ScheduleStore
	CountDelegates(ctx context.Context) (int, error)
	// Buildings names the buildings of the schedule's rooms and sessions.
	Buildings(ctx context.Context) ([]string, error)
	Ping(ctx context.Context) error
	// WriteHealth says whether taps can be written (for /healthz and the
	// `store` event).
	WriteHealth() kiosk.StoreHealth
}

// Server is the kiosk's HTTP server.
type Server struct {
	Addr    string
	KioskID string
	Build   buildinfo.Info // in /healthz
	Taps    *kiosk.TapService
	Store   Store
	Readers ReaderStates          // may be nil
	Sync    func() RegistryStatus // may be nil: standalone
	Demo    DemoTapper            // may be nil: not a demo
	Rooms   RoomStore             // may be nil: no room doors or occupancy
	// Credentials answers the venue's other systems with an API key
	// (GET /api/v1/credentials/{uid}); nil: not served.
	Credentials *credapi.API

	// The staff side: with Staff nil the server has no login, desk or
	// staff API at all (public screens only).
	Staff       StaffStore
	Search      DelegateSearch
	Desk        *kiosk.DeskService // the desk's changes
	SessionIdle time.Duration
	SessionMax  time.Duration

	Assets fs.FS // templates/, static/, i18n/
	Logger *slog.Logger
	Now    func() time.Time

	// Heartbeat is the SSE keep-alive interval; it also bounds how long a
	// vanished client stays subscribed.
	Heartbeat time.Duration
	// MaxStreamsPerAddr bounds the event streams one address other than
	// loopback may hold (429 beyond); 0: no bound.
	MaxStreamsPerAddr int
	// StreamWriteTimeout is how long a write to an event stream may take
	// before the screen is dropped as too slow.
	StreamWriteTimeout time.Duration

	Hub     *Hub
	Metrics *Metrics

	auth      *staffauth.Auth
	app       *fiber.App
	listening *httpserve.Listening
	templates *template.Template
	catalogs  Catalogs
	closeOnce sync.Once
	closeErr  error

	roomsMu      sync.Mutex
	roomsPending map[string]bool // rooms whose `room` event is due
	roomsKick    chan struct{}
}

// NewServer returns a server with defaults; set fields, then Open.
func NewServer() *Server {
	s := &Server{
		Logger:    slog.Default(),
		Now:       time.Now,
		Heartbeat: 15 * time.Second,

		MaxStreamsPerAddr:  DefaultMaxStreamsPerAddr,
		StreamWriteTimeout: DefaultStreamWriteTimeout,

		SessionIdle: DefaultSessionIdle,
		SessionMax:  DefaultSessionMax,
		Hub:         NewHub(),
		Metrics:     NewMetrics(),
	}
	s.Hub.OnCount = s.Metrics.SetSSEClients
	return s
}

// Request bodies: taps and forms are small (smallBodyLimit, limitBodies);
// only a desk's photo upload may be as large as a photo.
const (
	smallBodyLimit = 64 << 10
	bodyLimit      = kiosk.MaxPhotoBytes + smallBodyLimit
)

// Open builds the routes and starts listening on Addr.
func (s *Server) Open() error {
	if s.Taps == nil || s.Store == nil || s.Assets == nil {
		return errors.New("web: server needs Taps, Store and Assets")
	}
	if s.Staff != nil && (s.Search == nil || s.Desk == nil) {
		return errors.New("web: a server with staff needs Search and Desk")
	}
	if s.app == nil { // App may have prepared it already
		if err := s.prepare(); err != nil {
			return err
		}
	}
	var err error
	s.listening, err = httpserve.Listen(s.app, s.Addr)
	return err
}

// Run runs until ctx ends; it returns early only if serving failed. With
// staff, it also keeps their sign-ins tidy (staffauth.Auth.Run).
func (s *Server) Run(ctx context.Context) error {
	if s.listening == nil {
		return errors.New("web: Run before Open")
	}
	g, ctx := errgroup.WithContext(ctx)
	if s.Staff != nil {
		g.Go(func() error { return s.auth.Run(ctx) })
	}
	if s.Credentials != nil {
		g.Go(func() error { return s.Credentials.Run(ctx) })
	}
	g.Go(func() error { return s.listening.Wait(ctx) })
	return g.Wait()
}

// StaffAuth returns the server's staff sign-in (nil without staff), to set
// it up before Run.
func (s *Server) StaffAuth() *staffauth.Auth { return s.auth }

// URL returns the base URL the server listens on.
func (s *Server) URL() string { return s.listening.URL() }

// App returns the Fiber app, for in-process handler tests.
func (s *Server) App() *fiber.App {
	if s.app == nil {
		if err := s.prepare(); err != nil {
			panic(err)
		}
	}
	return s.app
}

// Close ends event streams, then waits for requests in flight (and so for
// their taps to be committed) before returning.
func (s *Server) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.Hub.Close()
		if s.app == nil {
			return
		}
		s.closeErr = s.listening.Shutdown(ctx, s.app)
	})
	return s.closeErr
}

func (s *Server) newApp() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "checkin",
		ErrorHandler:          httpserve.ErrorHandler(s.Logger),
		BodyLimit:             bodyLimit,
		ReadTimeout:           30 * time.Second,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
	})
	app.Use(recover.New(), httpserve.SecurityHeaders, limitBodies)

	app.Get("/", s.handleEntrance)
	app.Get("/lobby", s.handleLobby)
	app.Get("/door", s.handleDoor)
	app.Get("/healthz", s.handleHealth)
	app.Get("/metrics", s.handleMetrics())
	app.Get("/api/events", s.handleEvents)
	app.Get("/api/schedule", s.handleSchedule)
	app.Post("/api/taps", ownOrigin, s.requireLocalOrStaff, requireJSON, s.handleTap)
	if s.Rooms != nil {
		app.Get("/api/rooms", s.handleRooms)
		app.Get("/api/rooms/:name", s.handleRoom)
		s.roomsKick = make(chan struct{}, 1)
		go s.runRoomEvents()
	}
	if s.Credentials != nil {
		app.Get(credapi.Route, s.Credentials.Handle)
	}
	if s.Demo != nil {
		app.Post("/api/demo/tap", ownOrigin, s.requireLocal, requireJSON, s.handleDemoTap)
	}
	if s.Staff != nil {
		s.staffRoutes(app)
	}
	static, err := fs.Sub(s.Assets, "static")
	if err == nil {
		app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	}
	// No catch-all: Fiber answers unknown paths with 404 and known paths
	// with the wrong method with 405, both through handleError.
	return app
}

// prepare loads templates and catalogues and builds the routes.
func (s *Server) prepare() error {
	if s.Staff != nil {
		s.auth = staffauth.New(s.Staff)
		s.auth.Now, s.auth.Logger = s.Now, s.Logger
		s.auth.SessionIdle, s.auth.SessionMax = s.SessionIdle, s.SessionMax
	}
	tmpl, err := parseTemplates(s.Assets)
	if err != nil {
		return err
	}
	cats, err := LoadCatalogs(s.Assets)
	if err != nil {
		return err
	}
	s.templates, s.catalogs = tmpl, cats
	if s.Credentials != nil {
		s.Metrics.Registry.MustRegister(s.Credentials.Collector())
	}
	s.app = s.newApp()
	return nil
}

func parseTemplates(assets fs.FS) (*template.Template, error) {
	t, err := template.New("").Funcs(template.FuncMap{}).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return t, nil
}
