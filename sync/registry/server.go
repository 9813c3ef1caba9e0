package registry

import (
	"checkin/kiosk/buildinfo"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"checkin/kiosk"
	"checkin/kiosk/credapi"
	"checkin/kiosk/httpserve"
	"checkin/kiosk/staffauth"
	wire "checkin/sync"
)

// Server is the registry's HTTP server.
type Server struct {
	Addr  string
	Store Store
	// Staff signs operators in to the dashboard and /api/stats (the same
	// logins, sessions and CSRF rules as a kiosk's desk). Without it the
	// dashboard and stats are not served at all.
	Staff  staffauth.Store
	Assets fs.FS // templates/registry/dashboard.html
	Logger *slog.Logger
	Now    func() time.Time
	Build  buildinfo.Info // in /healthz
	// TLS, when set, makes the server serve HTTPS only.
	TLS *tls.Config
	// Credentials answers the venue's other systems with an API key
	// (GET /api/v1/credentials/{uid}); nil: not served.
	Credentials *credapi.API

	app       *fiber.App
	listening *httpserve.Listening
	tmpl      *template.Template
	notify    *notifier
	reads     singleflight.Group // feed pages being read, shared by identical polls
	metrics   *metrics
	auth      *staffauth.Auth

	mu     gosync.Mutex
	kiosks map[string]*kioskSeen

	closeOnce gosync.Once
	closeErr  error
}

// kioskSeen is what the registry knows of a kiosk from its requests.
type kioskSeen struct {
	ID       string    `json:"id"`
	LastSeen time.Time `json:"last_seen"`
	Cursor   int64     `json:"cursor"`
	Events   int       `json:"events"`
}

// NewServer returns a server with defaults; set fields, then Open.
func NewServer() *Server {
	return &Server{Logger: slog.Default(), Now: time.Now, kiosks: map[string]*kioskSeen{}}
}

type metrics struct {
	reg       *prometheus.Registry
	events    *prometheus.CounterVec
	badgeEvts *prometheus.CounterVec
	polls     prometheus.Gauge
	head      prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "checkin_registry_checkins_total",
			Help: "Check-in events received from kiosks, stored or duplicate."}, []string{"outcome"}),
		badgeEvts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "checkin_registry_badge_events_total",
			Help: "Desk badge events received: applied, duplicate or lost."}, []string{"outcome"}),
		polls: prometheus.NewGauge(prometheus.GaugeOpts{Name: "checkin_registry_long_polls",
			Help: "Kiosks waiting on the change feed."}),
		head: prometheus.NewGauge(prometheus.GaugeOpts{Name: "checkin_registry_change_seq",
			Help: "Newest change sequence number."}),
	}
	m.reg.MustRegister(m.events, m.badgeEvts, m.polls, m.head, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Open starts serving on Addr; Run then follows the change log until its
// context ends, and Close stops serving.
func (s *Server) Open() error {
	if s.Store == nil || s.Assets == nil {
		return errors.New("registry: server needs Store and Assets")
	}
	if s.app == nil { // App may have prepared it already
		if err := s.prepare(); err != nil {
			return err
		}
	}
	var err error
	s.listening, err = httpserve.ListenTLS(s.app, s.Addr, s.TLS)
	return err
}

// prepare builds everything but the listener (App uses it for tests).
func (s *Server) prepare() error {
	tmpl, err := template.New("").Funcs(template.FuncMap{"ago": ago}).ParseFS(s.Assets, "templates/registry/*.html")
	if err != nil {
		return fmt.Errorf("parse templates: %w", err)
	}
	s.tmpl = tmpl
	if s.Staff != nil {
		s.auth = staffauth.New(s.Staff)
		s.auth.Now, s.auth.Logger = s.Now, s.Logger
	}
	s.metrics = newMetrics()
	if s.Credentials != nil {
		s.metrics.reg.MustRegister(s.Credentials.Collector())
	}
	head, err := s.Store.Head(context.Background())
	if err != nil {
		return err
	}
	s.notify = newNotifier(head)
	s.metrics.head.Set(float64(head))
	s.app = s.newApp()
	return nil
}

// App returns the Fiber app for in-process tests (prepared on first use).
func (s *Server) App() *fiber.App {
	if s.app == nil {
		if err := s.prepare(); err != nil {
			panic(err)
		}
	}
	return s.app
}

// URL returns the base URL the server listens on.
func (s *Server) URL() string { return s.listening.URL() }

// Run follows the change log until ctx ends: whenever the store says it
// changed (a write by this process, by an import, by another registry
// process), long polls wake. With staff it also keeps their sign-ins tidy.
// It returns early only if serving failed.
func (s *Server) Run(ctx context.Context) error {
	if s.notify == nil {
		return errors.New("registry: Run before Open")
	}
	g, ctx := errgroup.WithContext(ctx)
	if s.auth != nil {
		g.Go(func() error { return s.auth.Run(ctx) })
	}
	if s.Credentials != nil {
		g.Go(func() error { return s.Credentials.Run(ctx) })
	}
	g.Go(func() error { return s.follow(ctx) })
	return g.Wait()
}

// follow advances the long polls whenever the store changed, until ctx
// ends or serving failed.
func (s *Server) follow(ctx context.Context) error {
	defer s.notify.advance(maxSeq) // wake every long poll so that shutdown is quick
	for {
		changed := s.Store.Notify() // before reading: a change after the read still wakes us
		s.refreshHead(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-s.served():
			return s.listening.Wait(ctx)
		}
	}
}

// maxSeq is past any change: advancing to it ends every long poll.
const maxSeq = 1<<62 - 1

// served is closed when the listener stopped serving (never, for a
// server that was not opened).
func (s *Server) served() <-chan struct{} {
	if s.listening == nil {
		return nil
	}
	return s.listening.Done()
}

// Close stops serving, waking and ending long polls first.
func (s *Server) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		if s.notify != nil {
			s.notify.advance(maxSeq)
		}
		if s.app != nil {
			s.closeErr = s.listening.Shutdown(ctx, s.app)
		}
	})
	return s.closeErr
}

func (s *Server) refreshHead(ctx context.Context) {
	head, err := s.Store.Head(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Error("read change head", "err", err)
		}
		return
	}
	s.metrics.head.Set(float64(head))
	s.notify.advance(head)
}

func (s *Server) newApp() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "checkin registry",
		ErrorHandler:          httpserve.ErrorHandler(s.Logger),
		BodyLimit:             kiosk.MaxPhotoBytes + 64<<10, // a photo; 1000 events of ~300 bytes fit well within
		ReadTimeout:           30 * time.Second,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
	})
	app.Use(recover.New(), httpserve.SecurityHeaders)
	api := app.Group("/sync/v1", s.authenticate)
	api.Get("/changes", s.handleChanges)
	api.Post("/checkins", s.handleCheckins)
	api.Post("/rooms/reset", s.handleRoomResets)
	api.Post("/badges", s.handleBadges)
	api.Post("/keys", s.handleKeys)
	api.Get("/whoami", s.handleWhoAmI)
	api.Post("/passes", s.handlePasses)
	api.Get("/photos/:ref", s.handlePhotoBlob)      // ref: the photo's SHA-256
	api.Put("/photos/:ref", s.handlePutPhoto)       // ref: the delegate's id
	api.Delete("/photos/:ref", s.handleDeletePhoto) // ref: the delegate's id
	if s.Credentials != nil {
		app.Get(credapi.Route, s.Credentials.Handle)
	}
	app.Get("/healthz", s.handleHealth)
	app.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})))
	if s.auth != nil {
		app.Get("/login", s.handleLoginPage)
		app.Post("/login", staffauth.GuardLogin, s.handleLogin)
		app.Post("/logout", s.auth.RequireStaff, s.handleLogout)
		app.Get("/api/stats", s.auth.RequireStaff, s.handleStats)
		app.Get("/", s.auth.RequireStaff, s.handleDashboard)
	}
	if static, err := fs.Sub(s.Assets, "static"); err == nil {
		app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	}
	return app
}

// authenticate admits kiosks with a valid bearer token and remembers which
// kiosk is calling. The token never reaches a log.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return kiosk.Errorf(kiosk.EUNAUTHORIZED, "missing bearer token")
	}
	id, err := s.Store.KioskForToken(c.UserContext(), token)
	if errors.Is(err, ErrRevokedToken) {
		c.Set(wire.HeaderToken, wire.TokenRevoked)
	}
	if err != nil {
		return err
	}
	c.Locals("kiosk", id)
	s.mu.Lock()
	k, ok := s.kiosks[id]
	if !ok {
		k = &kioskSeen{ID: id}
		s.kiosks[id] = k
	}
	k.LastSeen = s.Now().UTC()
	s.mu.Unlock()
	return c.Next()
}

func (s *Server) seen(c *fiber.Ctx, f func(*kioskSeen)) {
	id, _ := c.Locals("kiosk").(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.kiosks[id]; ok {
		f(k)
	}
}

func queryInt(c *fiber.Ctx, name string, def, lo, hi int64) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, kiosk.Errorf(kiosk.EINVALID, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

// handleChanges serves the change feed, long-polling with wait.
func (s *Server) handleChanges(c *fiber.Ctx) error {
	since, err := queryInt(c, "since", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", wire.DefaultPage, 1, wire.MaxPage)
	if err != nil {
		return err
	}
	wait, err := queryInt(c, "wait", 0, 0, int64(wire.MaxWait/time.Second))
	if err != nil {
		return err
	}
	s.seen(c, func(k *kioskSeen) { k.Cursor = since })
	ctx := c.UserContext()
	var page feedPage
	// A kiosk at the head has nothing to read: it waits for the next
	// change without asking the database first.
	if wait == 0 || since < s.notify.current() {
		if page, err = s.readPage(ctx, since, int(limit)); err != nil {
			return err
		}
	}
	if len(page.Changes) == 0 && wait > 0 {
		s.metrics.polls.Inc()
		s.notify.wait(ctx, since, time.Duration(wait)*time.Second)
		s.metrics.polls.Dec()
		if page, err = s.readPage(ctx, since, int(limit)); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	// Next and more also as headers: a client can ask for the next page
	// while it is still decoding this one.
	c.Set(wire.HeaderNext, strconv.FormatInt(page.Next, 10))
	c.Set(wire.HeaderMore, strconv.FormatBool(page.More))
	return c.Send(page.body)
}

// feedPage is a page of the feed with its JSON.
type feedPage struct {
	wire.ChangesPage
	body []byte
}

// readPage reads and encodes a page of the feed. Kiosks at the same
// cursor woken by the same change ask for the same page at once (fifty
// kiosks, one commit): they share one read of the store and one encoding,
// keyed by the head they were woken for, so that a read begun before a
// change is not shared with polls woken by it.
func (s *Server) readPage(ctx context.Context, since int64, limit int) (feedPage, error) {
	key := fmt.Sprintf("%d/%d/%d", since, limit, s.notify.current())
	v, err, _ := s.reads.Do(key, func() (any, error) {
		// Not the first caller's context: its kiosk may leave while
		// others wait on the same read.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		page, err := s.Store.Changes(rctx, since, limit)
		if err != nil {
			return feedPage{}, err
		}
		body, err := page.MarshalJSON() // directly: c.JSON would re-validate every entry
		return feedPage{page, body}, err
	})
	return v.(feedPage), err
}

func (s *Server) handleCheckins(c *fiber.Ctx) error {
	events, err := wire.DecodeCheckins(c.Body())
	if err != nil {
		return err
	}
	id, _ := c.Locals("kiosk").(string)
	accepted, dups, err := s.Store.AddCheckins(c.UserContext(), id, events, s.Now())
	if err != nil {
		return err
	}
	s.metrics.events.WithLabelValues("stored").Add(float64(accepted))
	s.metrics.events.WithLabelValues("duplicate").Add(float64(dups))
	s.seen(c, func(k *kioskSeen) { k.Events += accepted })
	if accepted > 0 {
		s.refreshHead(c.UserContext()) // arrivals: wake other kiosks now
	}
	return c.JSON(wire.CheckinsResponse{Accepted: accepted, Duplicates: dups})
}

// handleRoomResets takes room count resets made at a kiosk's desk.
func (s *Server) handleRoomResets(c *fiber.Ctx) error {
	resets, err := wire.DecodeRoomResets(c.Body())
	if err != nil {
		return err
	}
	id, _ := c.Locals("kiosk").(string)
	n, err := s.Store.ApplyRoomResets(c.UserContext(), id, resets)
	if err != nil {
		return err
	}
	if n > 0 {
		s.refreshHead(c.UserContext())
	}
	return c.JSON(wire.RoomResetsResponse{Accepted: n})
}

func (s *Server) handleBadges(c *fiber.Ctx) error {
	events, err := wire.DecodeBadgeEvents(c.Body())
	if err != nil {
		return err
	}
	id, _ := c.Locals("kiosk").(string)
	res, err := s.Store.ApplyBadgeEvents(c.UserContext(), id, events, s.Now())
	if err != nil {
		return err
	}
	s.metrics.badgeEvts.WithLabelValues("applied").Add(float64(res.Applied))
	s.metrics.badgeEvts.WithLabelValues("duplicate").Add(float64(res.Duplicates))
	s.metrics.badgeEvts.WithLabelValues("lost").Add(float64(len(res.Lost)))
	for _, l := range res.Lost {
		s.Logger.Warn("badge bind lost a conflict", "uid", l.UID, "delegate", l.DelegateID, "held_by", l.HeldBy, "kiosk", id)
	}
	if res.Applied > 0 {
		s.refreshHead(c.UserContext())
	}
	return c.JSON(res)
}

// handleKeys takes a kiosk's public pass keys, which the feed then hands
// to every kiosk so that a pass issued at one desk opens every entrance.
func (s *Server) handleKeys(c *fiber.Ctx) error {
	id, _ := c.Locals("kiosk").(string)
	keys, err := wire.DecodeKeys(c.Body(), id)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.Store.AddPassKey(c.UserContext(), id, k.PublicKey); err != nil {
			return err
		}
	}
	s.refreshHead(c.UserContext())
	return c.JSON(fiber.Map{"accepted": len(keys)})
}

// handleWhoAmI tells a kiosk the name its token was issued for: a kiosk
// takes its name from its token, never from its own configuration.
func (s *Server) handleWhoAmI(c *fiber.Ctx) error {
	id, _ := c.Locals("kiosk").(string)
	return c.JSON(wire.WhoAmI{Kiosk: id})
}

// kioskList returns the kiosks seen, by id.
func (s *Server) kioskList() []kioskSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]kioskSeen, 0, len(s.kiosks))
	for _, k := range s.kiosks {
		out = append(out, *k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// healthBody is public: counts only, no names, badge UIDs or kiosk ids
// (those are on the dashboard, behind the staff login).
type healthBody struct {
	Status string `json:"status"`
	Role   string `json:"role"`
	buildinfo.Info
	Time      time.Time `json:"time"`
	Database  string    `json:"database"`
	Delegates int       `json:"delegates"`
	Head      int64     `json:"change_seq"`
	Kiosks    int       `json:"kiosks"` // kiosks heard from since the registry started
}

func (s *Server) handleHealth(c *fiber.Ctx) error {
	h := healthBody{Status: "ok", Role: "registry", Info: s.Build, Time: s.Now().UTC(), Database: "ok", Kiosks: len(s.kioskList())}
	ctx := c.UserContext()
	n, err := s.Store.CountDelegates(ctx)
	if err != nil {
		h.Status, h.Database = "down", err.Error()
		return c.Status(fiber.StatusServiceUnavailable).JSON(h)
	}
	h.Delegates = n
	h.Head, _ = s.Store.Head(ctx)
	return c.JSON(h)
}

func (s *Server) today(ctx context.Context) (string, kiosk.Meeting, error) {
	m, err := s.Store.Meeting(ctx)
	if err != nil {
		return "", m, err
	}
	return kiosk.LocalDate(s.Now(), m.Location()), m, nil
}

// handleStats serves arrivals across all kiosks (?date= for another day).
func (s *Server) handleStats(c *fiber.Ctx) error {
	day, _, err := s.today(c.UserContext())
	if err != nil {
		return err
	}
	if d := c.Query("date"); d != "" {
		if !kiosk.ValidDate(d) {
			return kiosk.Errorf(kiosk.EINVALID, "date must be YYYY-MM-DD")
		}
		day = d
	}
	st, err := s.Store.Stats(c.UserContext(), day)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// handleDashboard is the registry's page for venue IT: kiosks and when
// they were last heard from, today's arrivals, and badge conflicts.
func (s *Server) handleDashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	day, m, err := s.today(ctx)
	if err != nil {
		return err
	}
	st, err := s.Store.Stats(ctx, day)
	if err != nil {
		return err
	}
	conflicts, err := s.Store.Conflicts(ctx, 50)
	if err != nil {
		return err
	}
	head, _ := s.Store.Head(ctx)
	var b strings.Builder
	if err := s.tmpl.ExecuteTemplate(&b, "dashboard.html", map[string]any{
		"Meeting": m, "Stats": st, "Kiosks": s.kioskList(), "Conflicts": conflicts, "Head": head, "Now": s.Now(),
		"User": staffauth.ActorOf(c), "CSRF": staffauth.CSRFToken(c),
	}); err != nil {
		return fmt.Errorf("render dashboard: %w", err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Type("html", "utf-8").SendString(b.String())
}

func (s *Server) handleLoginPage(c *fiber.Ctx) error {
	next := registryNext(c.Query("next"))
	if sess, err := s.auth.Session(c); err == nil && sess != nil {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	return s.renderLogin(c, fiber.StatusOK, "", "", next)
}

func (s *Server) renderLogin(c *fiber.Ctx, status int, msg, user, next string) error {
	var b strings.Builder
	if err := s.tmpl.ExecuteTemplate(&b, "login.html", map[string]any{
		"Error": msg, "Username": user, "Next": next, "CSRF": staffauth.LoginFormToken(c),
	}); err != nil {
		return fmt.Errorf("render login: %w", err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Type("html", "utf-8").SendString(b.String())
}

// handleLogin signs an operator in: the form, or JSON
// {"username","password"} → {"user","role"} for scripts.
func (s *Server) handleLogin(c *fiber.Ctx) error {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Next     string `json:"next"`
	}
	isJSON := strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEApplicationJSON)
	if isJSON {
		if err := kiosk.DecodeJSON(c.Body(), &req); err != nil {
			return err
		}
	} else {
		req.Username, req.Password, req.Next = c.FormValue("username"), c.FormValue("password"), c.FormValue("next")
	}
	next := registryNext(req.Next)
	staff, err := s.auth.Login(c, req.Username, req.Password)
	var throttled *staffauth.ThrottledError
	status := fiber.StatusUnauthorized
	switch {
	case err == nil:
		if isJSON {
			return c.JSON(fiber.Map{"user": staff.Username, "role": staff.Role})
		}
		return c.Redirect(next, fiber.StatusSeeOther)
	case errors.As(err, &throttled):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(int(throttled.Wait/time.Second), 1)))
		status = fiber.StatusTooManyRequests
	case errors.Is(err, staffauth.ErrMissing):
		status = fiber.StatusBadRequest
	case errors.Is(err, staffauth.ErrWrong):
	default:
		return err
	}
	msg := err.Error()
	if isJSON {
		return c.Status(status).JSON(httpserve.ErrorBody{Error: msg, Code: strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))})
	}
	return s.renderLogin(c, status, msg, strings.TrimSpace(req.Username), next)
}

func (s *Server) handleLogout(c *fiber.Ctx) error {
	if err := s.auth.Logout(c); err != nil {
		return err
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// registryNext is staffauth.SafeNext with the dashboard as home.
func registryNext(next string) string {
	if n := staffauth.SafeNext(next); n != "/desk" {
		return n
	}
	return "/"
}

// ago renders how long ago t was, for people.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t).Round(time.Second)
	switch {
	case d < 2*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	}
	return t.Format("2 Jan 15:04")
}
