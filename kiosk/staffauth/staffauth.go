// Package staffauth signs staff in and keeps them signed in, for both of
// checkin's servers (a kiosk's desk and the registry's dashboard): argon2id
// logins throttled per user and address, session cookies backed by the
// store, CSRF tokens bound to the session, and an audit trail.
package staffauth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"checkin/kiosk"
	"checkin/kiosk/password"
)

// Store is what staff sign-in needs from storage.
type Store interface {
	kiosk.SessionStore
	// StaffLogin returns a login and its hash; ENOTFOUND for no such user.
	StaffLogin(ctx context.Context, username string) (kiosk.Staff, string, error)
	// Audit records a staff action.
	Audit(ctx context.Context, actor, action, detail string) error
}

// Cookies, header and form field.
const (
	SessionCookie   = "checkin_session"
	CSRFCookie      = "csrf_" // the session's CSRF token, for scripts to echo
	LoginCSRFCookie = "csrf_login"
	CSRFHeader      = "X-CSRF-Token"
	CSRFField       = "_csrf"

	localsStaff = "staff"
	localsCSRF  = "csrf"
)

// Defaults for sessions and login throttling.
const (
	DefaultSessionIdle = 2 * time.Hour  // a desk left alone this long signs out
	DefaultSessionMax  = 14 * time.Hour // a working day plus an evening event

	loginWindow       = 15 * time.Minute
	loginTriesPerUser = 5  // per user at one address: a guesser's tries per window
	loginTriesPerAddr = 20 // per address, any users: a shared desk PC's mistypes
	loginSlots        = 2  // concurrent argon2id checks (19 MiB each)
	touchEvery        = time.Minute
	sweepEvery        = 10 * time.Minute
	summaryEvery      = time.Minute
)

// dummyHash is checked against when a username does not exist, so that an
// unknown user costs as much time as a wrong password.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$y7AhvJ0Jx0b0cYhV9u8cGqZ3Jv1vYbR2o0m0m7w2b0E"

// Login refusals, besides *ThrottledError.
var (
	ErrMissing = errors.New("username and password are required")
	ErrWrong   = errors.New("wrong username or password")
)

// ThrottledError refuses a login attempt made too soon after too many.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins: wait %s", e.Wait.Round(time.Second))
}

// Auth signs staff in and out and admits them to staff routes.
type Auth struct {
	Store       Store
	Now         func() time.Time
	Logger      *slog.Logger
	SessionIdle time.Duration
	SessionMax  time.Duration
	// SummaryEvery is how often refused attempts are audited, one row per
	// user and address.
	SummaryEvery time.Duration

	tries *limiter
	slots chan struct{}

	mu        sync.Mutex
	throttled map[throttledKey]int // refused attempts not yet audited
}

type throttledKey struct{ user, addr string }

// New returns an Auth with defaults; set fields before use.
func New(store Store) *Auth {
	return &Auth{
		Store:        store,
		Now:          time.Now,
		Logger:       slog.Default(),
		SessionIdle:  DefaultSessionIdle,
		SessionMax:   DefaultSessionMax,
		SummaryEvery: summaryEvery,
		tries:        newLimiter(loginWindow),
		slots:        make(chan struct{}, loginSlots),
		throttled:    map[throttledKey]int{},
	}
}

// Run deletes ended sessions now and then, and audits refused attempts
// once a minute (one row per user and address), until ctx ends.
func (a *Auth) Run(ctx context.Context) error {
	sweep := time.NewTicker(sweepEvery)
	defer sweep.Stop()
	summary := time.NewTicker(a.SummaryEvery)
	defer summary.Stop()
	a.expire(ctx)
	for {
		select {
		case <-ctx.Done():
			a.auditThrottled(context.Background())
			return nil
		case <-sweep.C:
			a.expire(ctx)
		case <-summary.C:
			a.auditThrottled(ctx)
		}
	}
}

func (a *Auth) expire(ctx context.Context) {
	now := a.Now()
	if err := a.Store.ExpireSessions(ctx, now.Add(-a.SessionIdle), now.Add(-a.SessionMax)); err != nil && ctx.Err() == nil {
		a.Logger.Error("expire staff sessions", "err", err)
	}
}

// auditThrottled writes one audit row per user and address that had
// attempts refused since the last time: a flood of guesses cannot flood
// the audit log or the database's single writer.
func (a *Auth) auditThrottled(ctx context.Context) {
	a.mu.Lock()
	batch := a.throttled
	a.throttled = map[throttledKey]int{}
	a.mu.Unlock()
	for k, n := range batch {
		detail := fmt.Sprintf("%d attempts from %s refused", n, k.addr)
		if err := a.Store.Audit(ctx, k.user, "login.throttled", detail); err != nil {
			a.Logger.Error("audit", "action", "login.throttled", "err", err)
		}
	}
}

// Login checks a username and password from the request's address and,
// if they are right, starts a session: the session and CSRF cookies are
// set on c. It returns ErrMissing, ErrWrong or a *ThrottledError for a
// refused attempt.
func (a *Auth) Login(c *fiber.Ctx, username, pw string) (kiosk.Staff, error) {
	ctx := c.UserContext()
	username = strings.TrimSpace(username)
	if username == "" || pw == "" {
		return kiosk.Staff{}, ErrMissing
	}
	now := a.Now()
	addr := c.IP()
	pair, perAddr := "ua:"+strings.ToLower(username)+"\x00"+addr, "a:"+addr
	if wait, ok := a.tries.reserve(now, slot{pair, loginTriesPerUser}, slot{perAddr, loginTriesPerAddr}); !ok {
		a.mu.Lock()
		a.throttled[throttledKey{actor(username), addr}]++
		a.mu.Unlock()
		return kiosk.Staff{}, &ThrottledError{Wait: max(wait, time.Second)}
	}
	staff, hash, err := a.Store.StaffLogin(ctx, username)
	switch {
	case kiosk.ErrorCode(err) == kiosk.ENOTFOUND:
		hash = dummyHash
	case err != nil:
		a.tries.release(now, false, pair, perAddr) // not the guesser's fault
		return kiosk.Staff{}, err
	}
	a.slots <- struct{}{}
	checkErr := password.Check(pw, hash)
	<-a.slots
	if err != nil || checkErr != nil {
		if checkErr != nil && !errors.Is(checkErr, password.ErrMismatch) && err == nil {
			a.Logger.Error("stored password hash unusable", "user", staff.Username, "err", checkErr)
		}
		a.audit(ctx, actor(username), "login.failed", "from "+addr)
		return kiosk.Staff{}, ErrWrong // the reservation stays: a failure
	}
	a.tries.release(now, true, pair)
	a.tries.release(now, false, perAddr)

	token, err := newToken()
	if err != nil {
		return kiosk.Staff{}, err
	}
	if err := a.Store.CreateSession(ctx, kiosk.HashSecret(token), staff.Username, now); err != nil {
		return kiosk.Staff{}, err
	}
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		HTTPOnly: true,
		SameSite: "Strict",
		Secure:   c.Secure(),
		// A session cookie: closing the browser signs out; the server
		// also ends it when idle.
		SessionOnly: true,
	})
	a.setCSRFCookie(c, csrfOf(token))
	a.audit(ctx, staff.Username, "login", "from "+addr)
	return staff, nil
}

// Logout ends the request's session, if any, and clears the cookies.
func (a *Auth) Logout(c *fiber.Ctx) error {
	if token := c.Cookies(SessionCookie); token != "" {
		if err := a.Store.DeleteSession(c.UserContext(), kiosk.HashSecret(token)); err != nil {
			return err
		}
	}
	a.audit(c.UserContext(), ActorOf(c), "logout", "")
	c.ClearCookie(SessionCookie, CSRFCookie)
	return nil
}

// Session returns the request's staff session, or nil: none, unknown,
// ended (idle or too old: it is deleted) or for a login removed since.
func (a *Auth) Session(c *fiber.Ctx) (*kiosk.StaffSession, error) {
	return a.SessionOf(c.UserContext(), c.Cookies(SessionCookie))
}

// SessionOf is Session for a session cookie's value.
func (a *Auth) SessionOf(ctx context.Context, token string) (*kiosk.StaffSession, error) {
	if token == "" || len(token) > 128 {
		return nil, nil
	}
	return a.SessionByHash(ctx, kiosk.HashSecret(token), true)
}

// SessionHash is the hash of the request's session token, "" if it has
// none: what an event stream keeps to check the session again later.
func SessionHash(c *fiber.Ctx) string {
	token := c.Cookies(SessionCookie)
	if token == "" || len(token) > 128 {
		return ""
	}
	return kiosk.HashSecret(token)
}

// SessionByHash returns the session whose token hashes to h, or nil if
// there is none or it ended (an ended one is deleted). With touch, its
// last-seen time is kept roughly current: the request is a use of it.
func (a *Auth) SessionByHash(ctx context.Context, h string, touch bool) (*kiosk.StaffSession, error) {
	sess, err := a.Store.Session(ctx, h)
	if kiosk.ErrorCode(err) == kiosk.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	now := a.Now()
	if now.Sub(sess.Seen) > a.SessionIdle || now.Sub(sess.Created) > a.SessionMax {
		if err := a.Store.DeleteSession(ctx, h); err != nil {
			return nil, err
		}
		return nil, nil
	}
	if touch && now.Sub(sess.Seen) > touchEvery {
		if err := a.Store.TouchSession(ctx, h, now); err != nil {
			return nil, err
		}
	}
	return &sess, nil
}

// RequireStaff admits signed-in staff: API calls (paths under /api/)
// without a session get 401 JSON, pages a redirect to the login form. A
// request with an unsafe method must carry the session's CSRF token (in
// the X-CSRF-Token header or the _csrf form field).
func (a *Auth) RequireStaff(c *fiber.Ctx) error {
	sess, err := a.Session(c)
	if err != nil {
		return err
	}
	if sess == nil {
		if strings.HasPrefix(c.Path(), "/api/") {
			return kiosk.Errorf(kiosk.EUNAUTHORIZED, "sign in at /login first")
		}
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	token := csrfOf(c.Cookies(SessionCookie))
	if !safeMethod(c.Method()) && !sameToken(csrfSent(c), token) {
		return errCSRF
	}
	c.Locals(localsStaff, sess)
	c.Locals(localsCSRF, token)
	if safeMethod(c.Method()) && c.Cookies(CSRFCookie) != token {
		a.setCSRFCookie(c, token)
	}
	return c.Next()
}

// RequireAdmin admits admins only; it runs after RequireStaff.
func RequireAdmin(c *fiber.Ctx) error {
	if st := StaffOf(c); st == nil || st.Role != kiosk.RoleAdmin {
		return kiosk.Errorf(kiosk.EFORBIDDEN, "only admins may see this")
	}
	return c.Next()
}

var errCSRF = kiosk.Errorf(kiosk.EFORBIDDEN, "missing or wrong CSRF token: reload the page (scripts: send the csrf_ cookie's value in the X-CSRF-Token header; signing in and any staff GET set the cookie)")

// GuardLogin protects POST /login from login CSRF (a page on another site
// signing the browser in as someone else). A form that carries the login
// form's token must match its cookie; a script that never fetched the form
// may post without one, but a browser posting from another origin
// (Origin or Sec-Fetch-Site says so) is refused.
func GuardLogin(c *fiber.Ctx) error {
	if sent := csrfSent(c); sent != "" {
		if !sameToken(sent, c.Cookies(LoginCSRFCookie)) {
			return errCSRF
		}
		return c.Next()
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" || c.Get("Sec-Fetch-Site") == "same-site" {
		return kiosk.Errorf(kiosk.EFORBIDDEN, "sign-in from another site refused")
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != string(c.Request().Host()) {
			return kiosk.Errorf(kiosk.EFORBIDDEN, "sign-in from another site refused")
		}
	}
	return c.Next()
}

// LoginFormToken returns the token a login form carries, setting its
// cookie if the browser has none yet.
func LoginFormToken(c *fiber.Ctx) string {
	if t := c.Cookies(LoginCSRFCookie); len(t) == 43 {
		return t
	}
	t, err := newToken()
	if err != nil {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: LoginCSRFCookie, Value: t, Path: "/login", HTTPOnly: true, SameSite: "Strict", Secure: c.Secure(), SessionOnly: true})
	return t
}

// StaffOf returns the signed-in staff member of a request that passed
// RequireStaff, or nil.
func StaffOf(c *fiber.Ctx) *kiosk.StaffSession {
	st, _ := c.Locals(localsStaff).(*kiosk.StaffSession)
	return st
}

// ActorOf names the signed-in staff member as the audit log does.
func ActorOf(c *fiber.Ctx) string {
	if st := StaffOf(c); st != nil {
		return st.Username
	}
	return ""
}

// CSRFToken returns the token a page of a signed-in member of staff
// carries (in a <meta> tag and hidden form fields).
func CSRFToken(c *fiber.Ctx) string {
	t, _ := c.Locals(localsCSRF).(string)
	return t
}

// SafeNext keeps a post-login redirect on this site: a local path, never
// "//evil.example", "/\evil", "https://…", nor anything with spaces or
// control characters (browsers drop tabs and newlines, so "/\t/evil" is
// "//evil" to them).
func SafeNext(next string) string {
	const home = "/desk"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "/login") || strings.HasPrefix(next, "/logout") {
		return home
	}
	for i := 0; i < len(next); i++ {
		if b := next[i]; b <= ' ' || b == 0x7f || b == '\\' {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(next, "//") {
		return home
	}
	return next
}

func (a *Auth) audit(ctx context.Context, actor, action, detail string) {
	if err := a.Store.Audit(ctx, actor, action, detail); err != nil {
		a.Logger.Error("audit", "actor", actor, "action", action, "err", err)
	}
}

func (a *Auth) setCSRFCookie(c *fiber.Ctx, token string) {
	// HttpOnly: pages carry the token in a <meta> tag; scripts read the
	// cookie from their cookie jar.
	c.Cookie(&fiber.Cookie{Name: CSRFCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: "Strict", Secure: c.Secure(), SessionOnly: true})
}

// csrfOf derives a session's CSRF token from its session token: bound to
// that session (useless after logout or for another user), the same after
// a restart, and telling nothing about the session token itself.
func csrfOf(sessionToken string) string {
	if sessionToken == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("checkin csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func csrfSent(c *fiber.Ctx) string {
	if t := c.Get(CSRFHeader); t != "" {
		return t
	}
	return c.FormValue(CSRFField)
}

func sameToken(sent, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// actor is how a typed username appears in the audit log: as typed if it
// could be a username, else "?" (never arbitrary text).
func actor(s string) string {
	if !kiosk.ValidUsername(s) {
		return "?"
	}
	return s
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
