// Package credapi answers the venue's other systems (e-lockers, doors,
// printers that share the badge) whether a badge is valid today:
// GET /api/v1/credentials/{uid} with a bearer API key, for both of
// checkin's servers (a kiosk, offline too, and the registry). It tells the
// entrance rule's answer and the holder's delegate id and last valid day,
// nothing more about the person.
package credapi

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"checkin/badge"
	"checkin/kiosk"
)

// Route is where the API is served; {uid} is any accepted spelling of an
// RFID UID.
const Route = "/api/v1/credentials/:uid"

// Store is what the API needs from storage: the local database, so that a
// kiosk answers offline as it decides taps.
type Store interface {
	kiosk.CredentialStore
	// APIKeys lists the keys, revoked ones too.
	APIKeys(ctx context.Context) ([]kiosk.APIKey, error)
	// Audit records an action in the audit log.
	Audit(ctx context.Context, actor, action, detail string) error
}

// Defaults of the limits per key and of the audit.
const (
	DefaultRate         = 50  // requests a second, sustained, per key
	DefaultBurst        = 100 // requests at once, per key
	DefaultSummaryEvery = time.Minute
)

// AuditAction is the audit log's action of a key's use summary.
const AuditAction = "apikey.use"

// Results counted in checkin_credential_requests_total.
const (
	resultValid        = "valid"
	resultRefused      = "refused" // answered valid:false
	resultUnauthorized = "unauthorized"
	resultRateLimited  = "rate_limited"
	resultBadRequest   = "bad_request"
	resultError        = "error"
)

// API serves the credential API. Set fields before the first request.
type API struct {
	Store  Store
	Now    func() time.Time
	Logger *slog.Logger
	// Rate and Burst are each key's token bucket: Burst requests at once,
	// Rate a second after that; beyond, 429 with Retry-After.
	Rate  float64
	Burst int
	// SummaryEvery is how often each key's use is audited: one row per
	// key that was used, not one per request.
	SummaryEvery time.Duration

	requests *prometheus.CounterVec

	mu      sync.Mutex
	buckets map[string]*bucket // by key name
	usage   map[string]*usage  // by key name, since the last summary

	zoneMu sync.Mutex
	zones  map[string]*time.Location
}

// bucket is a key's token bucket.
type bucket struct {
	tokens float64
	last   time.Time
}

// usage counts a key's requests for its next audit summary.
type usage struct {
	requests, valid, refused, limited, malformed, failed int
}

// New returns an API on store with the default limits.
func New(store Store) *API {
	a := &API{
		Store:        store,
		Now:          time.Now,
		Logger:       slog.Default(),
		Rate:         DefaultRate,
		Burst:        DefaultBurst,
		SummaryEvery: DefaultSummaryEvery,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "checkin_credential_requests_total",
			Help: "Credential API requests of the venue's other systems, by result (no key names).",
		}, []string{"result"}),
		buckets: map[string]*bucket{},
		usage:   map[string]*usage{},
		zones:   map[string]*time.Location{},
	}
	for _, r := range []string{resultValid, resultRefused, resultUnauthorized, resultRateLimited, resultBadRequest, resultError} {
		a.requests.WithLabelValues(r)
	}
	return a
}

// Collector is the API's metrics, for a server's Prometheus registry.
func (a *API) Collector() prometheus.Collector { return a.requests }

// Handle answers GET /api/v1/credentials/{uid}: 401 without a live key,
// 429 past the key's rate, 400 for a malformed UID, else the
// kiosk.CredentialAnswer.
func (a *API) Handle(c *fiber.Ctx) error {
	ctx := c.UserContext()
	name, err := a.authenticate(ctx, c)
	if err != nil {
		result := resultError
		if kiosk.ErrorCode(err) == kiosk.EUNAUTHORIZED {
			result = resultUnauthorized
		}
		a.requests.WithLabelValues(result).Inc()
		return err
	}
	now := a.Now()
	if wait, ok := a.take(name, now); !ok {
		a.count(name, func(u *usage) { u.limited++ }, resultRateLimited)
		secs := max(1, int((wait+time.Second-1)/time.Second))
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		return fiber.NewError(fiber.StatusTooManyRequests, fmt.Sprintf("too many requests with this api key: retry after %d s", secs))
	}
	uid, err := parseUID(c.Params("uid"))
	if err != nil {
		a.count(name, func(u *usage) { u.malformed++ }, resultBadRequest)
		return err
	}
	ans, err := a.answer(ctx, uid, now)
	if err != nil {
		a.count(name, func(u *usage) { u.failed++ }, resultError)
		return err
	}
	if ans.Valid {
		a.count(name, func(u *usage) { u.valid++ }, resultValid)
	} else {
		a.count(name, func(u *usage) { u.refused++ }, resultRefused)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(ans)
}

// authenticate returns the name of the live key the request bears, or
// EUNAUTHORIZED. The key is compared by its hash with every key's, in
// constant time, and never logged.
func (a *API) authenticate(ctx context.Context, c *fiber.Ctx) (string, error) {
	key, ok := bearer(c.Get(fiber.HeaderAuthorization))
	if !ok {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="checkin credentials"`)
		return "", kiosk.Errorf(kiosk.EUNAUTHORIZED, "send an api key: Authorization: Bearer KEY (from checkin apikey add)")
	}
	keys, err := a.Store.APIKeys(ctx)
	if err != nil {
		return "", fmt.Errorf("api keys: %w", err)
	}
	hash := []byte(kiosk.HashSecret(key))
	name := ""
	for _, k := range keys {
		if subtle.ConstantTimeCompare([]byte(k.Hash), hash) == 1 && !k.Revoked {
			name = k.Name
		}
	}
	if name == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="checkin credentials", error="invalid_token"`)
		return "", kiosk.Errorf(kiosk.EUNAUTHORIZED, "unknown or revoked api key")
	}
	return name, nil
}

// bearer returns the key of an Authorization header "Bearer KEY" (the
// scheme in any case).
func bearer(header string) (string, bool) {
	scheme, key, _ := strings.Cut(header, " ")
	key = strings.TrimSpace(key)
	if !strings.EqualFold(scheme, "Bearer") || key == "" {
		return "", false
	}
	return key, true
}

// parseUID reads the path's UID in any accepted spelling; EINVALID,
// saying why, for one that is not.
func parseUID(raw string) (string, error) {
	s, err := url.PathUnescape(raw)
	if err != nil {
		return "", kiosk.Errorf(kiosk.EINVALID, "uid %q: bad escape in the path", badge.Clip(raw))
	}
	uid, err := badge.CanonicalUID(s)
	if err != nil {
		return "", kiosk.Errorf(kiosk.EINVALID, "uid %q: %v (give the badge's UID in hex, e.g. 04A1B2C3D4E5F6 or 04:a1:b2:c3)", badge.Clip(s), err)
	}
	return uid, nil
}

// answer is the entrance rule's answer for an RFID UID on the meeting's
// local day. A QR pass's UID is not a badge: a pass is checked by its
// signature at an entrance, and its UID alone proves nothing.
func (a *API) answer(ctx context.Context, uid string, now time.Time) (kiosk.CredentialAnswer, error) {
	if kiosk.IsPassUID(uid) {
		return kiosk.AnswerCredential(uid, kiosk.Standing{}, "", kiosk.Meeting{}), nil
	}
	st, m, err := a.Store.BadgeStanding(ctx, uid)
	if err != nil {
		return kiosk.CredentialAnswer{}, err
	}
	return kiosk.AnswerCredential(uid, st, kiosk.LocalDate(now, a.zone(m.TimeZone)), m), nil
}

// zone returns a time zone by name, loaded once (loading one costs about
// as much as answering a request).
func (a *API) zone(name string) *time.Location {
	a.zoneMu.Lock()
	defer a.zoneMu.Unlock()
	if loc, ok := a.zones[name]; ok {
		return loc
	}
	loc := kiosk.Meeting{TimeZone: name}.Location()
	a.zones[name] = loc
	return loc
}

// take takes a token from a key's bucket at now, or says how long until
// one is there.
func (a *API) take(name string, now time.Time) (wait time.Duration, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	burst := float64(max(a.Burst, 1))
	b := a.buckets[name]
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		a.buckets[name] = b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(burst, b.tokens+d.Seconds()*a.Rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	if a.Rate <= 0 {
		return time.Hour, false
	}
	return time.Duration((1 - b.tokens) / a.Rate * float64(time.Second)), false
}

// count adds a request of a key to its next summary and to the metrics.
func (a *API) count(name string, add func(*usage), result string) {
	a.requests.WithLabelValues(result).Inc()
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.usage[name]
	if u == nil {
		u = &usage{}
		a.usage[name] = u
	}
	u.requests++
	add(u)
}

// Run audits each key's use every SummaryEvery, and once more when ctx
// ends, until then.
func (a *API) Run(ctx context.Context) error {
	tick := time.NewTicker(a.SummaryEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			a.audit(context.Background())
			return nil
		case <-tick.C:
			a.audit(ctx)
		}
	}
}

// audit writes one row per key used since the last time: a system that
// asks a hundred times a second adds one row a minute, not six thousand.
func (a *API) audit(ctx context.Context) {
	a.mu.Lock()
	batch := a.usage
	a.usage = map[string]*usage{}
	a.mu.Unlock()
	for name, u := range batch {
		detail := fmt.Sprintf("%d requests: %d valid, %d refused, %d rate-limited, %d malformed",
			u.requests, u.valid, u.refused, u.limited, u.malformed)
		if u.failed > 0 {
			detail += fmt.Sprintf(", %d failed", u.failed)
		}
		if err := a.Store.Audit(ctx, "apikey:"+name, AuditAction, detail); err != nil {
			a.Logger.Error("audit", "action", AuditAction, "err", err)
		}
	}
}
