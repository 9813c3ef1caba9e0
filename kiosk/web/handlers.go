package web

import (
	"checkin/kiosk/buildinfo"
	"mime"
	"net"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"checkin/badge/serialreader"
	"checkin/kiosk"
)

// requireLocal admits requests from this machine only.
func (s *Server) requireLocal(c *fiber.Ctx) error {
	if !fromThisMachine(c) {
		return kiosk.Errorf(kiosk.EUNAUTHORIZED, "taps are accepted from this machine or with a staff session")
	}
	return c.Next()
}

func isLoopback(c *fiber.Ctx) bool {
	ip := net.ParseIP(c.Context().RemoteIP().String())
	return ip != nil && ip.IsLoopback()
}

// fromThisMachine reports whether a request comes from this machine: over
// loopback, addressed to a name of loopback. A page of another site whose
// name was made to point at 127.0.0.1 (DNS rebinding) comes over loopback
// too, but under its own name.
func fromThisMachine(c *fiber.Ctx) bool {
	if !isLoopback(c) {
		return false
	}
	host := string(c.Request().Host())
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// ownOrigin refuses a request a browser sent for a page of another origin:
// an Origin header other than the kiosk's own (the scheme and Host of the
// request), or Sec-Fetch-Site saying it is cross-site. Scripts send
// neither and pass.
func ownOrigin(c *fiber.Ctx) error {
	if site := c.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return kiosk.Errorf(kiosk.EFORBIDDEN, "a page of another site may not do this")
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" {
		scheme := "http://"
		if c.Context().IsTLS() {
			scheme = "https://"
		}
		if origin != scheme+string(c.Request().Host()) {
			return kiosk.Errorf(kiosk.EFORBIDDEN, "a page of another origin may not do this")
		}
	}
	return c.Next()
}

// requireJSON refuses bodies other than JSON: a plain form or a text/plain
// POST is what a page of another site can send without asking.
func requireJSON(c *fiber.Ctx) error {
	mt, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "send JSON with Content-Type: application/json")
	}
	return c.Next()
}

// handleTap runs POST /api/taps through the same path as a serial read.
func (s *Server) handleTap(c *fiber.Ctx) error {
	var req kiosk.TapRequest
	if err := kiosk.DecodeJSON(c.Body(), &req); err != nil {
		return err
	}
	res, err := s.Taps.Tap(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// healthBody is the JSON of /healthz.
type healthBody struct {
	Status string `json:"status"`
	Role   string `json:"role"`
	Kiosk  string `json:"kiosk_id"`
	buildinfo.Info
	Time      time.Time                  `json:"time"`
	Database  string                     `json:"database"`
	Delegates int                        `json:"delegates"`
	Readers   []serialreader.ReaderState `json:"readers"`
	Registry  RegistryStatus             `json:"registry"`
	Screens   int                        `json:"screens"`
	Store     kiosk.StoreHealth          `json:"store"`
}

// handleHealth reports what venue IT needs to see at a glance. It answers
// 503 only when the kiosk cannot check anyone in (the database is gone,
// or taps cannot be written: disk full, read-only, I/O errors); an
// unhappy reader or registry makes it "degraded" with a 200.
func (s *Server) handleHealth(c *fiber.Ctx) error {
	h := healthBody{Status: "ok", Role: "kiosk", Kiosk: s.KioskID, Info: s.Build,
		Time: s.Now().UTC(), Database: "ok", Readers: []serialreader.ReaderState{}, Screens: s.Hub.Len(),
		Store: s.Store.WriteHealth()}
	status := fiber.StatusOK
	ctx := c.UserContext()
	if err := s.Store.Ping(ctx); err != nil {
		h.Status, h.Database, status = "down", err.Error(), fiber.StatusServiceUnavailable
	} else if n, err := s.Store.CountDelegates(ctx); err == nil {
		h.Delegates = n
	}
	if !h.Store.OK {
		h.Status, h.Database, status = "down", "taps cannot be written: "+h.Store.Reason, fiber.StatusServiceUnavailable
	}
	if s.Readers != nil {
		h.Readers = s.Readers.States()
		for _, r := range h.Readers {
			if (!serialreader.Up(r.State) || r.Tamper || r.PowerFailure) && h.Status == "ok" {
				h.Status = "degraded"
			}
		}
	}
	if s.Sync != nil {
		h.Registry = s.Sync()
		if !h.Registry.Reachable && h.Status == "ok" {
			h.Status = "degraded"
		}
	}
	return c.Status(status).JSON(h)
}

func (s *Server) handleMetrics() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{}))
}

// scheduleBody is the JSON of /api/schedule.
type scheduleBody struct {
	Date     string          `json:"date"`
	Timezone string          `json:"timezone"`
	Sessions []kiosk.Session `json:"sessions"`
	// Now is the kiosk's clock: screens open for hours keep to it.
	Now time.Time `json:"now"`
}

// handleSchedule serves GET /api/schedule?date=YYYY-MM-DD (default: today).
func (s *Server) handleSchedule(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m, err := s.Store.Meeting(ctx)
	if err != nil {
		return err
	}
	loc := m.Location()
	date := c.Query("date")
	if date == "" {
		date = kiosk.LocalDate(s.Now(), loc)
	} else if !kiosk.ValidDate(date) {
		return kiosk.Errorf(kiosk.EINVALID, "date must be YYYY-MM-DD")
	}
	sessions, err := s.Store.SessionsOn(ctx, date, loc)
	if err != nil {
		return err
	}
	return c.JSON(scheduleBody{Date: date, Timezone: loc.String(), Sessions: sessions, Now: s.Now().In(loc)})
}
