package web

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"checkin/kiosk"
	"checkin/kiosk/staffauth"
)

// StaffStore is what the staff side of the server needs from storage.
type StaffStore interface {
	kiosk.StaffStore
	kiosk.SessionStore
	kiosk.DeskStore
	kiosk.StatsStore
	kiosk.AttendanceSource
	kiosk.SessionAttendanceSource
	kiosk.SessionCountStore
}

// Defaults for staff sessions.
const (
	DefaultSessionIdle = staffauth.DefaultSessionIdle
	DefaultSessionMax  = staffauth.DefaultSessionMax
)

// staffOf returns the signed-in staff member, or nil.
func staffOf(c *fiber.Ctx) *kiosk.StaffSession { return staffauth.StaffOf(c) }

// actorOf names the signed-in staff member, as the audit log does.
func actorOf(c *fiber.Ctx) string { return staffauth.ActorOf(c) }

func csrfToken(c *fiber.Ctx) string { return staffauth.CSRFToken(c) }

// requireLocalOrStaff admits taps from this machine (readers, keyboard
// wedges, tests) or from signed-in staff with a CSRF token.
func (s *Server) requireLocalOrStaff(c *fiber.Ctx) error {
	if fromThisMachine(c) && c.Cookies(staffauth.SessionCookie) == "" {
		return c.Next()
	}
	if s.Staff == nil {
		return kiosk.Errorf(kiosk.EUNAUTHORIZED, "taps are accepted from this machine or with a staff session")
	}
	return s.auth.RequireStaff(c)
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
	next := staffauth.SafeNext(c.Query("next"))
	if sess, err := s.auth.Session(c); err == nil && sess != nil {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	return s.render(c, "login.html", loginPage{page: s.staffPage(c), CSRF: staffauth.LoginFormToken(c), Next: next})
}

// loginRequest is the JSON form of a login, for scripts.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Next     string `json:"next"`
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
	next := staffauth.SafeNext(req.Next)
	staff, err := s.auth.Login(c, req.Username, req.Password)
	if err == nil {
		if isJSON {
			return c.JSON(fiber.Map{"user": staff.Username, "role": staff.Role})
		}
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	// A refusal is told with a message of the catalogues ({n} filled in):
	// in the page's language on the form, in English to scripts.
	status, key, n := fiber.StatusUnauthorized, "login.err_wrong", 0
	var throttled *staffauth.ThrottledError
	switch {
	case errors.As(err, &throttled):
		secs := max(int(throttled.Wait.Round(time.Second)/time.Second), 1)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		status, key, n = fiber.StatusTooManyRequests, "login.err_wait_seconds", secs
		if secs >= 90 {
			key, n = "login.err_wait_minutes", (secs+59)/60
		}
	case errors.Is(err, staffauth.ErrMissing):
		status, key = fiber.StatusBadRequest, "login.err_missing"
	case errors.Is(err, staffauth.ErrWrong):
	default:
		return err
	}
	if isJSON {
		en := page{cat: s.catalogs["en"], en: s.catalogs["en"]}
		return c.Status(status).JSON(errorBody{Error: en.Tn(key, n), Code: codeOfStatus(status)})
	}
	p := s.staffPage(c)
	c.Status(status)
	return s.render(c, "login.html", loginPage{page: p, Error: p.Tn(key, n), Username: strings.TrimSpace(req.Username),
		CSRF: staffauth.LoginFormToken(c), Next: next})
}

func (s *Server) handleLogout(c *fiber.Ctx) error {
	if err := s.auth.Logout(c); err != nil {
		return err
	}
	if strings.Contains(c.Get(fiber.HeaderAccept), "json") {
		return c.JSON(fiber.Map{"signed_out": true})
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// langCookie remembers the language a member of staff chose (?lang=).
const langCookie = "lang"

// staffLang is the language of a staff API answer: ?lang= if given, else
// the one the member of staff chose for the pages (remembered, not set,
// here), else English.
func (s *Server) staffLang(c *fiber.Ctx) string {
	if lang := c.Query("lang"); lang != "" {
		return s.catalogs.Lang(lang)
	}
	return s.catalogs.Lang(c.Cookies(langCookie))
}

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

func codeOfStatus(status int) string {
	switch status {
	case fiber.StatusTooManyRequests:
		return "too_many_requests"
	case fiber.StatusUnauthorized:
		return kiosk.EUNAUTHORIZED
	}
	return kiosk.EINVALID
}
