package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"checkin/kiosk"
	"checkin/kiosk/search"
	"checkin/kiosk/staffauth"
)

// DelegateSearch finds delegates for the desk.
type DelegateSearch interface {
	// SearchDelegates returns matches ranked best first, and how many
	// there are in all.
	SearchDelegates(ctx context.Context, q string, offset, limit int) (search.Result, error)
}

// Search paging limits.
const (
	defaultSearchLimit = 20
	maxSearchLimit     = 100
)

type deskPage struct {
	page         // language, direction and T
	Page  string // desk, dashboard or audit: the one marked current
	User  string
	Role  string
	CSRF  string
	Kiosk string
	Audit []kiosk.AuditEntry
	// The kiosk's clock when rendering (ms) and the meeting's zone: the
	// page's scripts say "today" and "now" by them, not by the browser's.
	Now      int64
	TimeZone string
	loc      *time.Location
}

func (s *Server) deskPage(c *fiber.Ctx, page string) (deskPage, error) {
	st := staffOf(c)
	_, loc, err := s.today(c.UserContext())
	if err != nil {
		return deskPage{}, err
	}
	return deskPage{page: s.staffPage(c), Page: page, User: st.Username, Role: st.Role, CSRF: csrfToken(c), Kiosk: s.KioskID,
		Now: s.Now().UnixMilli(), TimeZone: loc.String(), loc: loc}, nil
}

func (s *Server) handleDesk(c *fiber.Ctx) error {
	if w, ok := s.Search.(interface{ Warm() }); ok {
		w.Warm() // build the search index while staff read the page
	}
	p, err := s.deskPage(c, "desk")
	if err != nil {
		return err
	}
	return s.render(c, "desk.html", p)
}

func (s *Server) handleDashboard(c *fiber.Ctx) error {
	p, err := s.deskPage(c, "dashboard")
	if err != nil {
		return err
	}
	return s.render(c, "dashboard.html", p)
}

// handleGuard is the guard's screen at an entrance: each tap as it
// happens, with the delegate's photo large enough to compare a face from
// a step or two away.
func (s *Server) handleGuard(c *fiber.Ctx) error {
	p, err := s.deskPage(c, "guard")
	if err != nil {
		return err
	}
	return s.render(c, "guard.html", p)
}

// handleRoomsPage is the staff page of the rooms: people inside against
// capacity, live, and the reset of a room's count.
func (s *Server) handleRoomsPage(c *fiber.Ctx) error {
	p, err := s.deskPage(c, "rooms")
	if err != nil {
		return err
	}
	return s.render(c, "rooms.html", p)
}

func (s *Server) handleAuditPage(c *fiber.Ctx) error {
	p, err := s.deskPage(c, "audit")
	if err != nil {
		return err
	}
	if p.Audit, err = s.Staff.AuditLog(c.UserContext(), 500); err != nil {
		return err
	}
	for i := range p.Audit {
		p.Audit[i].At = p.Audit[i].At.In(p.loc) // the venue's clock, as on every screen
	}
	return s.render(c, "audit.html", p)
}

func (s *Server) handleAuditAPI(c *fiber.Ctx) error {
	limit, err := intQuery(c, "limit", 200, 1, 5000)
	if err != nil {
		return err
	}
	entries, err := s.Staff.AuditLog(c.UserContext(), limit)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []kiosk.AuditEntry{}
	}
	return c.JSON(fiber.Map{"entries": entries})
}

// searchHit is one row of a search result list.
type searchHit struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	FamilyName   string `json:"family_name"`
	GivenName    string `json:"given_name"`
	LatinName    string `json:"latin_name,omitempty"` // from the roster's latin columns
	Organization string `json:"organization"`
	Country      string `json:"country"`
	CountryName  string `json:"country_name"` // the roster's country_name, else the UN name in the staff's language
	Role         string `json:"role"`
	Status       string `json:"status"`
}

func (s *Server) handleSearch(c *fiber.Ctx) error {
	q := c.Query("q")
	if !utf8.ValidString(q) {
		return kiosk.Errorf(kiosk.EINVALID, "q is not valid UTF-8")
	}
	offset, err := intQuery(c, "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	limit, err := intQuery(c, "limit", defaultSearchLimit, 1, maxSearchLimit)
	if err != nil {
		return err
	}
	res, err := s.Search.SearchDelegates(c.UserContext(), q, offset, limit)
	if err != nil {
		return err
	}
	hits := make([]searchHit, len(res.Hits))
	lang := s.staffLang(c)
	for i, h := range res.Hits {
		hits[i] = hitOf(&kiosk.Delegate{ID: h.ID, FamilyName: h.FamilyName, GivenName: h.GivenName,
			LatinFamilyName: h.LatinFamilyName, LatinGivenName: h.LatinGivenName,
			Organization: h.Organization, Country: h.Country, CountryName: h.CountryLabel, Role: h.Role, Status: h.Status}, lang)
	}
	return c.JSON(fiber.Map{"query": q, "total": res.Total, "offset": offset, "limit": limit, "results": hits})
}

// cardDelegate is the desk's full view of a delegate (staff only: it has
// the e-mail address).
type cardDelegate struct {
	searchHit
	Groups    []string `json:"groups"`
	ValidFrom string   `json:"valid_from"`
	ValidTo   string   `json:"valid_to"`
	Language  string   `json:"language"`
	Email     string   `json:"email"`
	Note      string   `json:"note"`

	LatinFamilyName string `json:"latin_family_name"`
	LatinGivenName  string `json:"latin_given_name"`
}

// hitOf is how a delegate appears in a result list, its country named in
// lang.
func hitOf(d *kiosk.Delegate, lang string) searchHit {
	return searchHit{ID: d.ID, Name: d.Name(), FamilyName: d.FamilyName, GivenName: d.GivenName, LatinName: d.LatinName(),
		Organization: d.Organization, Country: d.Country, CountryName: d.CountryIn(lang),
		Role: d.Role, Status: d.Status}
}

type cardTap struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	Gate      string    `json:"gate"`
	Direction string    `json:"direction"`
	Result    string    `json:"result"`
	Reason    string    `json:"reason"`
	Source    string    `json:"source"`
	Kiosk     string    `json:"kiosk"`
}

// printWarning is why the desk asks before it prints a badge.
type printWarning struct {
	Reason string `json:"reason"`         // kiosk.PrintCancelled, PrintNotYetValid or PrintExpired
	Date   string `json:"date,omitempty"` // the first or last valid day
}

type cardBody struct {
	Delegate     cardDelegate      `json:"delegate"`
	PrintWarning *printWarning     `json:"print_warning"` // null: the badge prints without asking
	Day          string            `json:"day"`
	ValidToday   bool              `json:"valid_today"`
	Inside       bool              `json:"inside"`
	Badges       []kiosk.BadgeInfo `json:"badges"`
	TapsToday    []cardTap         `json:"taps_today"`
	// Photo is the SHA-256 of the delegate's photo, "" for none (the
	// image itself: GET /api/delegates/{id}/photo).
	Photo string `json:"photo"`
}

// today returns the meeting's local date now, and its zone.
func (s *Server) today(ctx context.Context) (string, *time.Location, error) {
	m, err := s.Store.Meeting(ctx)
	if err != nil {
		return "", nil, err
	}
	loc := m.Location()
	return kiosk.LocalDate(s.Now(), loc), loc, nil
}

func (s *Server) handleDelegate(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	day, loc, err := s.today(c.UserContext())
	if err != nil {
		return err
	}
	card, err := s.Staff.DeskCard(c.UserContext(), id, day)
	if err != nil {
		return err
	}
	d := card.Delegate
	groups := d.Groups
	if groups == nil {
		groups = []string{}
	}
	body := cardBody{
		Delegate: cardDelegate{searchHit: hitOf(&d, s.staffLang(c)), Groups: groups, ValidFrom: d.ValidFrom, ValidTo: d.ValidTo,
			Language: d.Language, Email: d.Email, Note: card.Note,
			LatinFamilyName: d.LatinFamilyName, LatinGivenName: d.LatinGivenName},
		Day: day, ValidToday: card.ValidToday, Inside: card.Inside, Badges: card.Badges, TapsToday: []cardTap{},
		Photo: card.Photo,
	}
	m, err := s.Store.Meeting(c.UserContext())
	if err != nil {
		return err
	}
	if w := kiosk.PrintWarning(&d, m, day); w != nil {
		body.PrintWarning = &printWarning{Reason: w.Reason, Date: w.Date}
	}
	for _, t := range card.TapsToday {
		body.TapsToday = append(body.TapsToday, cardTap{ID: t.ID, At: t.At.In(loc), Gate: t.Gate, Direction: t.Direction,
			Result: t.Result, Reason: t.Reason, Source: t.Source, Kiosk: t.Kiosk})
	}
	return c.JSON(body)
}

type bindRequest struct {
	UID     string `json:"uid"`
	Replace bool   `json:"replace"` // revoke the delegate's other RFID badges (a lost badge)
}

type holderBody struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (s *Server) handleBind(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	var req bindRequest
	if err := kiosk.DecodeJSON(c.Body(), &req); err != nil {
		return err
	}
	b, err := s.Desk.Bind(c.UserContext(), actorOf(c), kiosk.BindRequest{DelegateID: id, UID: req.UID, Replace: req.Replace})
	var held *kiosk.BadgeHeldError
	if errors.As(err, &held) {
		return c.Status(fiber.StatusConflict).JSON(fiber.Map{
			"error":  kiosk.ErrorMessage(err),
			"code":   kiosk.ECONFLICT,
			"holder": holderBody{ID: held.Holder.ID, Name: held.Holder.Name()},
		})
	} else if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"uid": b.UID, "delegate_id": b.DelegateID, "revoked": b.Revoked})
}

func (s *Server) handleRevoke(c *fiber.Ctx) error {
	raw, err := pathParam(c, "uid")
	if err != nil {
		return err
	}
	uid, err := s.Desk.Revoke(c.UserContext(), actorOf(c), raw)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"uid": uid, "revoked": true})
}

func (s *Server) handleBadgeLookup(c *fiber.Ctx) error {
	uid, err := uidParam(c)
	if err != nil {
		return err
	}
	d, err := s.Staff.BadgeHolder(c.UserContext(), uid)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"uid": uid, "holder": holderBody{ID: d.ID, Name: d.Name()}})
}

type manualCheckin struct {
	Gate      string `json:"gate"`
	Direction string `json:"direction"`
}

func (s *Server) handleManualCheckin(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	var req manualCheckin
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := kiosk.DecodeJSON(c.Body(), &req); err != nil {
			return err
		}
	}
	res, err := s.Desk.CheckIn(c.UserContext(), actorOf(c), id, req.Gate, req.Direction)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

type noteRequest struct {
	Note string `json:"note"`
}

func (s *Server) handleNote(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	var req noteRequest
	if err := kiosk.DecodeJSON(c.Body(), &req); err != nil {
		return err
	}
	note, err := s.Desk.SetNote(c.UserContext(), actorOf(c), id, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"note": note})
}

type passBody struct {
	kiosk.IssuedPass
	QR string `json:"qr"` // data: URL of the QR code as PNG
}

// handlePass shows the delegate's current pass (GET), issuing one only
// when there is none, or issues a new one that supersedes it (POST).
func (s *Server) handlePass(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	pass, status := s.Desk.CurrentPass, fiber.StatusOK
	if c.Method() == fiber.MethodPost {
		pass, status = s.Desk.IssuePass, fiber.StatusCreated
	}
	p, err := pass(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(p.Token, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(passBody{IssuedPass: p, QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)})
}

func (s *Server) handleBadgePDF(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	layout := strings.ToLower(c.Query("layout", "cr80"))
	confirm := c.Query("confirm") == "1" || c.Query("confirm") == "true"
	pdf, err := s.Desk.PrintBadge(c.UserContext(), actorOf(c), id, layout, confirm)
	var warn *kiosk.ConfirmPrintError
	if errors.As(err, &warn) {
		// The desk shows why and asks; ?confirm=1 prints anyway.
		body := fiber.Map{"error": kiosk.ErrorMessage(err), "code": kiosk.ECONFLICT, "reason": warn.Reason}
		if warn.Date != "" {
			body["date"] = warn.Date
		}
		return c.Status(fiber.StatusConflict).JSON(body)
	} else if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="badge-`+url.PathEscape(id)+`-`+layout+`.pdf"`)
	return c.Type("pdf").Send(pdf)
}

func (s *Server) handleStats(c *fiber.Ctx) error {
	day := c.Query("date")
	if day == "" {
		var err error
		if day, _, err = s.today(c.UserContext()); err != nil {
			return err
		}
	} else if !kiosk.ValidDate(day) {
		return kiosk.Errorf(kiosk.EINVALID, "date must be YYYY-MM-DD")
	}
	st, err := s.Staff.Stats(c.UserContext(), day)
	if err != nil {
		return err
	}
	if st.Sessions, err = s.Staff.SessionCounts(c.UserContext(), day, s.Now()); err != nil {
		return err
	}
	return c.JSON(st)
}

// handleCheckinsCSV sends the tap log, as `checkin export checkins`
// writes it.
func (s *Server) handleCheckinsCSV(c *fiber.Ctx) error {
	day := c.Query("date")
	if day != "" && !kiosk.ValidDate(day) {
		return kiosk.Errorf(kiosk.EINVALID, "date must be YYYY-MM-DD")
	}
	_, loc, err := s.today(c.UserContext())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := kiosk.WriteCheckinsCSV(c.UserContext(), &buf, s.Taps.Taps, day, loc); err != nil {
		return err
	}
	s.audit(c, "", "export.checkins", day)
	name := "checkins.csv"
	if day != "" {
		name = "checkins-" + day + ".csv"
	}
	return sendCSV(c, name, buf.Bytes())
}

// handleAttendanceCSV sends the per-delegate attendance report, as
// `checkin export attendance` writes it.
func (s *Server) handleAttendanceCSV(c *fiber.Ctx) error {
	m, err := s.Store.Meeting(c.UserContext())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := kiosk.WriteAttendanceCSV(c.UserContext(), &buf, s.Staff, m); err != nil {
		return err
	}
	s.audit(c, "", "export.attendance", "")
	return sendCSV(c, "attendance.csv", buf.Bytes())
}

// handleSessionAttendanceCSV sends who attended one session, as
// `checkin export attendance --session ID` writes it.
func (s *Server) handleSessionAttendanceCSV(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	a, err := s.Staff.SessionAttendance(c.UserContext(), id)
	if err != nil {
		return err
	}
	_, loc, err := s.today(c.UserContext())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := kiosk.WriteSessionAttendanceCSV(&buf, kiosk.SessionReport(a, s.Now()), loc); err != nil {
		return err
	}
	s.audit(c, "", "export.session_attendance", id)
	return sendCSV(c, "attendance-"+fileNamePart(id)+".csv", buf.Bytes())
}

// fileNamePart makes an id (any printable text: an ICS UID, say) safe in
// a download's file name: letters, digits, '.', '-' and '_' are kept,
// anything else becomes '_', and it is kept short.
func fileNamePart(id string) string {
	b := []byte(id)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

// sendCSV answers with a CSV download: one charset in the content type,
// a file name, and never a cached copy (it holds names).
func sendCSV(c *fiber.Ctx, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, kiosk.CSVContentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// uidParam returns the path's {uid}, canonical.
func uidParam(c *fiber.Ctx) (string, error) {
	raw, err := pathParam(c, "uid")
	if err != nil {
		return "", err
	}
	return kiosk.CanonicalUID(raw)
}

// pathParam returns a path parameter, percent-decoded (ids may hold any
// printable character).
func pathParam(c *fiber.Ctx, name string) (string, error) {
	v, err := url.PathUnescape(c.Params(name))
	if err != nil || v == "" || !utf8.ValidString(v) {
		return "", kiosk.Errorf(kiosk.EINVALID, "%s in the path is not valid", name)
	}
	return v, nil
}

func intQuery(c *fiber.Ctx, name string, def, min, max int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, kiosk.Errorf(kiosk.EINVALID, "%s must be a whole number from %d to %d", name, min, max)
	}
	return n, nil
}

// staffRoutes registers the login and every staff route. Each staff route
// goes through requireStaff (session, then CSRF); the route-table test
// checks that none can be reached without a session.
func (s *Server) staffRoutes(app *fiber.App) {
	app.Get("/login", s.handleLoginPage)
	app.Post("/login", staffauth.GuardLogin, s.handleLogin)
	app.Post("/logout", s.auth.RequireStaff, s.handleLogout)

	app.Get("/desk", s.auth.RequireStaff, s.handleDesk)
	app.Get("/desk/dashboard", s.auth.RequireStaff, s.handleDashboard)
	app.Get("/desk/audit", s.auth.RequireStaff, staffauth.RequireAdmin, s.handleAuditPage)
	app.Get("/guard", s.auth.RequireStaff, s.handleGuard)

	staff := func(h ...fiber.Handler) []fiber.Handler { return append([]fiber.Handler{s.auth.RequireStaff}, h...) }
	app.Get("/api/delegates", staff(s.handleSearch)...)
	app.Get("/api/delegates/:id", staff(s.handleDelegate)...)
	app.Post("/api/delegates/:id/badges", staff(s.handleBind)...)
	app.Post("/api/delegates/:id/checkins", staff(s.handleManualCheckin)...)
	app.Put("/api/delegates/:id/note", staff(s.handleNote)...)
	app.Get("/api/delegates/:id/pass", staff(s.handlePass)...)
	app.Post("/api/delegates/:id/pass", staff(s.handlePass)...)
	app.Get("/api/delegates/:id/badge.pdf", staff(s.handleBadgePDF)...)
	app.Get("/api/delegates/:id/photo", staff(s.handlePhoto)...)
	app.Put("/api/delegates/:id/photo", staff(s.handlePutPhoto)...)
	app.Delete("/api/delegates/:id/photo", staff(s.handleDeletePhoto)...)
	app.Get("/api/badges/:uid", staff(s.handleBadgeLookup)...)
	app.Delete("/api/badges/:uid", staff(s.handleRevoke)...)
	app.Get("/api/stats", staff(s.handleStats)...)
	app.Get("/api/checkins.csv", staff(s.handleCheckinsCSV)...)
	app.Get("/api/attendance.csv", staff(s.handleAttendanceCSV)...)
	app.Get("/api/sessions/:id/attendance.csv", staff(s.handleSessionAttendanceCSV)...)
	app.Get("/api/audit", staff(staffauth.RequireAdmin, s.handleAuditAPI)...)
	if s.Rooms != nil {
		app.Get("/desk/rooms", s.auth.RequireStaff, s.handleRoomsPage)
		app.Post("/api/rooms/:name/reset", staff(s.handleResetRoom)...)
	}
}
