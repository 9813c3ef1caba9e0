package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"

	"checkin/kiosk"
	"checkin/kiosk/password"
)

// StaffStore is what the staff side of the server needs from storage.
type StaffStore interface {
	kiosk.StaffStore
	kiosk.SessionStore
	kiosk.DeskStore
	kiosk.StatsStore
}

// Staff session and CSRF cookies.
const (
	sessionCookie = "checkin_session"
	csrfCookie    = "csrf_"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "_csrf"

	localsStaff = "staff"
	localsCSRF  = "csrf"
)

// Defaults for staff sessions and login throttling.
const (
	DefaultSessionIdle = 2 * time.Hour  // a desk left alone this long signs out
	DefaultSessionMax  = 14 * time.Hour // a working day plus an evening event

	loginWindow       = 15 * time.Minute
	loginFailsPerUser = 5  // a guesser gets five tries per user per window
	loginFailsPerAddr = 20 // a shared desk PC may serve several mistyping staff
	loginSlots        = 2  // concurrent argon2id checks (19 MiB each)
	touchEvery        = time.Minute
)

// dummyHash is checked against when a username does not exist, so that an
// unknown user costs as much time as a wrong password and cannot be told
// apart by timing.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$y7AhvJ0Jx0b0cYhV9u8cGqZ3Jv1vYbR2o0m0m7w2b0E"

// staffAuth holds the login machinery of one server.
type staffAuth struct {
	byUser, byAddr *throttle
	slots          chan struct{}
	csrfPlain      fiber.Handler
	csrfSecure     fiber.Handler
}

func newStaffAuth(s *Server) *staffAuth {
	a := &staffAuth{
		byUser: newThrottle(loginFailsPerUser, loginWindow),
		byAddr: newThrottle(loginFailsPerAddr, loginWindow),
		slots:  make(chan struct{}, loginSlots),
	}
	cfg := csrf.Config{
		KeyLookup:      "header:" + csrfHeader,
		CookieName:     csrfCookie,
		CookieSameSite: "Strict",
		CookieHTTPOnly: true, // pages carry the token in a <meta> tag
		CookiePath:     "/",
		Expiration:     DefaultSessionMax,
		ContextKey:     localsCSRF,
		Extractor:      csrfFromHeaderOrForm,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return kiosk.Errorf(kiosk.EFORBIDDEN, "missing or expired CSRF token: reload the page (scripts: send the csrf_ cookie's value in the X-CSRF-Token header; any staff GET sets the cookie)")
		},
	}
	a.csrfPlain = csrf.New(cfg)
	cfg.CookieSecure = true
	a.csrfSecure = csrf.New(cfg)
	return a
}

// csrfFromHeaderOrForm takes the token from the X-CSRF-Token header (scripts)
// or the _csrf form field (plain forms).
func csrfFromHeaderOrForm(c *fiber.Ctx) (string, error) {
	if t := c.Get(csrfHeader); t != "" {
		return t, nil
	}
	if t := c.FormValue(csrfField); t != "" {
		return t, nil
	}
	return "", csrf.ErrTokenNotFound
}

// checkCSRF is Fiber's CSRF middleware: it issues the token on safe methods
// and demands it back on unsafe ones. The cookie is Secure over TLS.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	if c.Secure() {
		return s.auth.csrfSecure(c)
	}
	return s.auth.csrfPlain(c)
}

// staffOf returns the signed-in staff member, or nil.
func staffOf(c *fiber.Ctx) *kiosk.StaffSession {
	st, _ := c.Locals(localsStaff).(*kiosk.StaffSession)
	return st
}

// actorOf names the signed-in staff member, as the audit log does.
func actorOf(c *fiber.Ctx) string {
	if st := staffOf(c); st != nil {
		return st.Username
	}
	return ""
}

func csrfToken(c *fiber.Ctx) string {
	t, _ := c.Locals(localsCSRF).(string)
	return t
}

// loadSession finds the staff session of the request, if any, expiring it
// when idle or too old, and keeps its last-seen time roughly current.
func (s *Server) loadSession(c *fiber.Ctx) (*kiosk.StaffSession, error) {
	h := sessionHash(c)
	if h == "" {
		return nil, nil
	}
	return s.sessionOf(c.UserContext(), h, true)
}

// sessionHash is the hash of the request's session token, "" if it has
// none.
func sessionHash(c *fiber.Ctx) string {
	token := c.Cookies(sessionCookie)
	if token == "" || len(token) > 128 {
		return ""
	}
	return kiosk.HashSecret(token)
}

// sessionOf returns the session whose token hashes to h, or nil if there
// is none or it ended (an ended one is deleted). With touch, its
// last-seen time is kept roughly current: the request is a use.
func (s *Server) sessionOf(ctx context.Context, h string, touch bool) (*kiosk.StaffSession, error) {
	sess, err := s.Staff.Session(ctx, h)
	if kiosk.ErrorCode(err) == kiosk.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	now := s.Now()
	if now.Sub(sess.Seen) > s.SessionIdle || now.Sub(sess.Created) > s.SessionMax {
		if err := s.Staff.DeleteSession(ctx, h); err != nil {
			return nil, err
		}
		return nil, nil
	}
	if touch && now.Sub(sess.Seen) > touchEvery {
		if err := s.Staff.TouchSession(ctx, h, now); err != nil {
			return nil, err
		}
	}
	return &sess, nil
}

// requireStaff admits signed-in staff: API calls without a session get 401
// JSON, pages a redirect to the login form. It also checks CSRF.
func (s *Server) requireStaff(c *fiber.Ctx) error {
	sess, err := s.loadSession(c)
	if err != nil {
		return err
	}
	if sess == nil {
		if strings.HasPrefix(c.Path(), "/api/") {
			return kiosk.Errorf(kiosk.EUNAUTHORIZED, "sign in at /login first")
		}
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	c.Locals(localsStaff, sess)
	return s.checkCSRF(c)
}

// requireAdmin admits admins only; it runs after requireStaff.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if st := staffOf(c); st == nil || st.Role != kiosk.RoleAdmin {
		return kiosk.Errorf(kiosk.EFORBIDDEN, "only admins may see this")
	}
	return c.Next()
}

// requireLocalOrStaff admits taps from this machine (readers, keyboard
// wedges, tests) or from signed-in staff with a CSRF token.
func (s *Server) requireLocalOrStaff(c *fiber.Ctx) error {
	if fromThisMachine(c) && c.Cookies(sessionCookie) == "" {
		return c.Next()
	}
	if s.Staff == nil {
		return kiosk.Errorf(kiosk.EUNAUTHORIZED, "taps are accepted from this machine or with a staff session")
	}
	return s.requireStaff(c)
}

// audit records a staff action; a failure to record is logged, and does not
// undo an action that already happened.
func (s *Server) audit(c *fiber.Ctx, actor, action, detail string) {
	if actor == "" {
		actor = actorOf(c)
	}
	if err := s.Staff.Audit(c.UserContext(), actor, action, detail); err != nil {
		s.Logger.Error("audit", "actor", actor, "action", action, "err", err)
	}
}

type loginPage struct {
	page
	Error    string
	Username string
	CSRF     string
	Next     string
}

func (s *Server) handleLoginPage(c *fiber.Ctx) error {
	if sess, err := s.loadSession(c); err == nil && sess != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return s.render(c, "login.html", loginPage{page: s.staffPage(c), CSRF: csrfToken(c), Next: safeNext(c.Query("next"))})
}

// loginRequest is the JSON form of a login, for scripts.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Next     string `json:"next"`
}

// loginCSRF guards POST /login. A form that carries a token goes through
// Fiber's CSRF check; a script that never fetched the form may post without
// one, but a browser posting from another site (Origin or Sec-Fetch-Site
// says so) is refused: that is the login-CSRF attack.
func (s *Server) loginCSRF(c *fiber.Ctx) error {
	if c.Get(csrfHeader) != "" || c.FormValue(csrfField) != "" {
		return s.checkCSRF(c)
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return kiosk.Errorf(kiosk.EFORBIDDEN, "login from another site refused")
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != c.Hostname() {
			return kiosk.Errorf(kiosk.EFORBIDDEN, "login from another site refused")
		}
	}
	return c.Next()
}

func (s *Server) handleLogin(c *fiber.Ctx) error {
	var req loginRequest
	isJSON := strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEApplicationJSON)
	if isJSON {
		if err := kiosk.DecodeJSON(c.Body(), &req); err != nil {
			return err
		}
	} else {
		req = loginRequest{Username: c.FormValue("username"), Password: c.FormValue("password"), Next: c.FormValue("next")}
	}
	req.Username = strings.TrimSpace(req.Username)
	next := safeNext(req.Next)
	// fail answers with a message of the catalogues ({n} filled in): in
	// the page's language on the form, in English to scripts.
	fail := func(status int, key string, n int) error {
		if isJSON {
			en := page{cat: s.catalogs["en"], en: s.catalogs["en"]}
			return c.Status(status).JSON(errorBody{Error: en.Tn(key, n), Code: codeOfStatus(status)})
		}
		p := s.staffPage(c)
		c.Status(status)
		return s.render(c, "login.html", loginPage{page: p, Error: p.Tn(key, n), Username: req.Username, CSRF: csrfToken(c), Next: next})
	}

	now := s.Now()
	userKey, addrKey := "user:"+strings.ToLower(req.Username), "addr:"+c.IP()
	if wait := max(s.auth.byUser.wait(userKey, now), s.auth.byAddr.wait(addrKey, now)); wait > 0 {
		secs := int(wait.Round(time.Second) / time.Second)
		secs = max(secs, 1)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		s.audit(c, clipActor(req.Username), "login.throttled", "from "+c.IP())
		if secs < 90 {
			return fail(fiber.StatusTooManyRequests, "login.err_wait_seconds", secs)
		}
		return fail(fiber.StatusTooManyRequests, "login.err_wait_minutes", (secs+59)/60)
	}
	if req.Username == "" || req.Password == "" {
		return fail(fiber.StatusBadRequest, "login.err_missing", 0)
	}

	staff, hash, err := s.Staff.StaffLogin(c.UserContext(), req.Username)
	switch {
	case kiosk.ErrorCode(err) == kiosk.ENOTFOUND:
		hash = dummyHash
	case err != nil:
		return err
	}
	s.auth.slots <- struct{}{}
	checkErr := password.Check(req.Password, hash)
	<-s.auth.slots
	if err != nil || checkErr != nil {
		if checkErr != nil && !errors.Is(checkErr, password.ErrMismatch) && err == nil {
			s.Logger.Error("stored password hash unusable", "user", staff.Username, "err", checkErr)
		}
		s.auth.byUser.fail(userKey, now)
		s.auth.byAddr.fail(addrKey, now)
		s.audit(c, clipActor(req.Username), "login.failed", "from "+c.IP())
		return fail(fiber.StatusUnauthorized, "login.err_wrong", 0)
	}
	s.auth.byUser.reset(userKey)

	token, err := newSessionToken()
	if err != nil {
		return err
	}
	if err := s.Staff.CreateSession(c.UserContext(), kiosk.HashSecret(token), staff.Username, now); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		HTTPOnly: true,
		SameSite: "Strict",
		Secure:   c.Secure(),
		// A session cookie: closing the browser signs out; the server
		// also expires it when idle.
		SessionOnly: true,
	})
	s.audit(c, staff.Username, "login", "from "+c.IP())
	if isJSON {
		return c.JSON(fiber.Map{"user": staff.Username, "role": staff.Role})
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (s *Server) handleLogout(c *fiber.Ctx) error {
	if token := c.Cookies(sessionCookie); token != "" {
		if err := s.Staff.DeleteSession(c.UserContext(), kiosk.HashSecret(token)); err != nil {
			return err
		}
	}
	s.audit(c, "", "logout", "")
	c.ClearCookie(sessionCookie)
	if strings.Contains(c.Get(fiber.HeaderAccept), "json") {
		return c.JSON(fiber.Map{"signed_out": true})
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// langCookie remembers the language a member of staff chose (?lang=).
const langCookie = "lang"

// staffPage is the language part of a staff page: ?lang= if given (and
// remembered in a cookie), else the remembered one, else English.
func (s *Server) staffPage(c *fiber.Ctx) page {
	lang := c.Query("lang")
	if lang != "" {
		lang = s.catalogs.Lang(lang)
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax", Secure: c.Secure()})
	} else {
		lang = s.catalogs.Lang(c.Cookies(langCookie))
	}
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	return page{Lang: lang, Dir: dir, cat: s.catalogs[lang], en: s.catalogs["en"]}
}

func newSessionToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// safeNext keeps a post-login redirect on this site: a local path, not
// "//evil.example" or "https://…".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") || strings.HasPrefix(next, "/login") || strings.HasPrefix(next, "/logout") {
		return "/desk"
	}
	return next
}

func clipActor(s string) string {
	if !kiosk.ValidUsername(s) {
		return "?" // never write arbitrary typed text as an actor
	}
	return s
}

func codeOfStatus(status int) string {
	switch status {
	case fiber.StatusTooManyRequests:
		return "too_many_requests"
	case fiber.StatusUnauthorized:
		return kiosk.EUNAUTHORIZED
	}
	return kiosk.EINVALID
}
