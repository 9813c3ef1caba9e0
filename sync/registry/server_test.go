package registry_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/password"
	wire "checkin/sync"
	"checkin/sync/registry"
	"checkin/sync/registry/postgres"
	"checkin/sync/registry/postgres/pgtest"
	regsqlite "checkin/sync/registry/sqlite"
)

type fixture struct {
	store  registry.Admin
	server *registry.Server
	// another opens another handle on the same database, as another
	// process (an import, a second registry) would.
	another func() registry.Admin
}

// openStore opens a fresh registry store: on SQLite, or on PostgreSQL
// when CHECKIN_TEST_REGISTRY_STORE=postgres (make test runs this package
// both ways). It returns a way to open more handles on the same database.
func openStore(t *testing.T) (registry.Admin, func() registry.Admin) {
	t.Helper()
	var open func() (registry.Admin, error)
	if os.Getenv("CHECKIN_TEST_REGISTRY_STORE") == "postgres" {
		url := pgtest.NewDatabase(t)
		open = func() (registry.Admin, error) {
			return postgres.Open(context.Background(), url, nil, slog.New(slog.DiscardHandler))
		}
	} else {
		path := filepath.Join(t.TempDir(), "reg.db")
		open = func() (registry.Admin, error) { return regsqlite.Open(path, nil) }
	}
	another := func() registry.Admin {
		s, err := open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return another(), another
}

// newFixture's setup functions run before Run starts (Open, for a test
// that serves on a port: Run reads what Open sets).
func newFixture(t *testing.T, setup ...func(*registry.Server)) *fixture {
	t.Helper()
	store, another := openStore(t)
	ctx := context.Background()
	if _, err := store.ReplaceRoster(ctx, []kiosk.Delegate{{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Role: "head", Status: "registered", Language: "en", Badges: []string{"0A0B0C0D0E"}}}); err != nil {
		t.Fatal(err)
	}
	store.AddToken(ctx, "north", "good-token")
	store.AddToken(ctx, "old", "revoked-token")
	store.RevokeToken(ctx, "old")
	s := registry.NewServer()
	s.Store = store
	s.Staff = store
	s.Assets = assets.FS()
	s.App()
	for _, f := range setup {
		f(s)
	}
	// Run follows the store, as `checkin registry` does.
	ctx, cancel := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("registry Run: %v", err)
		}
		s.Close(context.Background())
	})
	return &fixture{store: store, server: s, another: another}
}

type scenario struct {
	name, method, path, token, body string
	cookie                          string // a staff session: "checkin_session=…"
	status                          int
	want                            []string
	absent                          []string
}

func (f *fixture) run(t *testing.T, sc scenario) string {
	t.Helper()
	req := httptest.NewRequest(sc.method, sc.path, strings.NewReader(sc.body))
	if sc.token != "" {
		req.Header.Set("Authorization", "Bearer "+sc.token)
	}
	req.Header.Set("Content-Type", "application/json")
	if sc.cookie != "" {
		req.Header.Set("Cookie", sc.cookie)
	}
	resp, err := f.server.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s: %v", sc.name, err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != sc.status {
		t.Errorf("%s: status %d, want %d: %s", sc.name, resp.StatusCode, sc.status, body)
	}
	for _, w := range sc.want {
		if !strings.Contains(string(body), w) {
			t.Errorf("%s: body lacks %q: %.300s", sc.name, w, body)
		}
	}
	for _, a := range sc.absent {
		if strings.Contains(string(body), a) {
			t.Errorf("%s: body has %q: %.300s", sc.name, a, body)
		}
	}
	return string(body)
}

// login signs in the registry's staff member olga and returns her session
// cookie.
func (f *fixture) login(t *testing.T) string {
	t.Helper()
	hash, err := password.Hash("registry operator pw")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddStaff(context.Background(), kiosk.Staff{Username: "olga", Role: kiosk.RoleAdmin}, hash); err != nil && kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(`{"username":"olga","password":"registry operator pw"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.server.App().Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", resp, err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "checkin_session" {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatal("login set no session cookie")
	return ""
}

const goodEvent = `{"id":"e1","delegate_id":"D1","uid":"0A0B0C0D0E","source":"rfid","kiosk":"north","gate":"main","direction":"in","at":"2026-11-22T09:00:00+01:00","result":"accepted","reason":""}`

func TestRoutes(t *testing.T) {
	f := newFixture(t)
	staff := f.login(t)
	bad := func(field, value string) string {
		return `{"events":[` + strings.Replace(goodEvent, field, value, 1) + `]}`
	}
	for _, sc := range []scenario{
		{name: "no token", method: "GET", path: "/sync/v1/changes", status: 401, want: []string{`"code":"unauthorized"`}},
		{name: "wrong token", method: "GET", path: "/sync/v1/changes", token: "guess", status: 401},
		{name: "revoked token", method: "GET", path: "/sync/v1/changes", token: "revoked-token", status: 401},
		{name: "basic auth is not bearer", method: "GET", path: "/sync/v1/changes", status: 401},
		{name: "post without token", method: "POST", path: "/sync/v1/checkins", body: `{"events":[` + goodEvent + `]}`, status: 401},
		{name: "changes", method: "GET", path: "/sync/v1/changes?since=0&limit=1", token: "good-token", status: 200,
			want: []string{`"seq":1`, `"kind":"delegate"`, `"family_name":"Müller"`, `"more":true`, `"next":1`}},
		{name: "changes bad since", method: "GET", path: "/sync/v1/changes?since=-1", token: "good-token", status: 400, want: []string{"since must be"}},
		{name: "changes bad limit", method: "GET", path: "/sync/v1/changes?limit=100000", token: "good-token", status: 400},
		{name: "changes bad wait", method: "GET", path: "/sync/v1/changes?wait=31", token: "good-token", status: 400},
		{name: "changes text since", method: "GET", path: "/sync/v1/changes?since=abc", token: "good-token", status: 400},
		{name: "malformed json", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: `{"events":[`, status: 400, want: []string{`"code":"invalid"`}},
		{name: "unknown field", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: `{"events":[],"x":1}`, status: 400},
		{name: "bad direction", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: bad(`"direction":"in"`, `"direction":"sideways"`), status: 400, want: []string{`event 0 (id \"e1\")`}},
		{name: "bad result", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: bad(`"result":"accepted"`, `"result":"maybe"`), status: 400},
		{name: "accepted with reason", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: bad(`"reason":""`, `"reason":"unknown_badge"`), status: 400},
		{name: "absurd time", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: bad(`2026-11-22`, `1970-01-01`), status: 400},
		{name: "empty id", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: bad(`"id":"e1"`, `"id":""`), status: 400},
		{name: "one bad among good", method: "POST", path: "/sync/v1/checkins", token: "good-token",
			body: `{"events":[` + goodEvent + `,` + strings.Replace(goodEvent, `"e1"`, `"e2","extra":1`, 1) + `]}`, status: 400},
		{name: "badges bad op", method: "POST", path: "/sync/v1/badges", token: "good-token",
			body: `{"events":[{"id":"b1","op":"steal","uid":"0A0B","at":"2026-11-22T09:00:00Z"}]}`, status: 400, want: []string{"op must be"}},
		{name: "badges bad uid", method: "POST", path: "/sync/v1/badges", token: "good-token",
			body: `{"events":[{"id":"b1","op":"revoke","uid":"xyz","at":"2026-11-22T09:00:00Z"}]}`, status: 400, want: []string{"uid"}},
		{name: "health", method: "GET", path: "/healthz", status: 200, want: []string{`"role":"registry"`, `"delegates":1`}},
		{name: "metrics", method: "GET", path: "/metrics", status: 200, want: []string{"checkin_registry_change_seq"}},
		{name: "stats without login", method: "GET", path: "/api/stats?date=2026-11-22", status: 401},
		{name: "dashboard without login", method: "GET", path: "/", status: 303},
		{name: "stats", method: "GET", path: "/api/stats?date=2026-11-22", cookie: staff, status: 200, want: []string{`"arrivals":0`}},
		{name: "stats bad date", method: "GET", path: "/api/stats?date=today", cookie: staff, status: 400},
		{name: "dashboard", method: "GET", path: "/", cookie: staff, status: 200, want: []string{"Registry", "Kiosks", "Badge conflicts", "olga"}},
		{name: "login page", method: "GET", path: "/login", status: 200, want: []string{`name="password"`}},
	} {
		f.run(t, sc)
	}
	// Nothing malformed was stored.
	n := 0
	f.store.Taps(context.Background(), "", func(kiosk.TapRecord) error { n++; return nil })
	if n != 0 {
		t.Errorf("%d taps stored from refused requests", n)
	}
	// A good delivery, twice: stored once.
	body := `{"events":[` + goodEvent + `]}`
	f.run(t, scenario{name: "deliver", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: body, status: 200, want: []string{`"accepted":1`, `"duplicates":0`}})
	f.run(t, scenario{name: "redeliver", method: "POST", path: "/sync/v1/checkins", token: "good-token", body: body, status: 200, want: []string{`"accepted":0`, `"duplicates":1`}})
	f.run(t, scenario{name: "dashboard shows kiosk", method: "GET", path: "/", cookie: staff, status: 200, want: []string{"north"}})
	// Health is public: counts, never kiosk ids, names or badge UIDs.
	f.run(t, scenario{name: "health after a delivery", method: "GET", path: "/healthz", status: 200,
		want: []string{`"kiosks":1`}, absent: []string{"north", "Müller", "0A0B0C0D0E"}})
}

// TestLongPollWakesOnChange: a waiting request returns as soon as a change
// is written (here by another store handle, as an import would).
func TestLongPollWakesOnChange(t *testing.T) {
	f := newFixture(t)
	head, _ := f.store.Head(context.Background())
	done := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		req := httptest.NewRequest("GET", "/sync/v1/changes?since="+itoa(head)+"&wait=10", nil)
		req.Header.Set("Authorization", "Bearer good-token")
		resp, err := f.server.App().Test(req, -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			done <- -1
			return
		}
		var page wire.ChangesPage
		json.NewDecoder(resp.Body).Decode(&page)
		if len(page.Changes) == 0 {
			done <- -1
			return
		}
		done <- time.Since(start)
	}()
	time.Sleep(200 * time.Millisecond)
	// A write the server did not make (an import's, through another
	// handle): only the store's Notify can tell the long poll.
	if _, err := f.another().ReplaceRoster(context.Background(), []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Role: "head", Status: "registered", Language: "en", Badges: []string{"0A0B0C0D0E"}},
		{ID: "D2", FamilyName: "Ортега", GivenName: "Мария", Role: "delegate", Status: "registered", Language: "ru", Badges: []string{"1122334455"}},
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-done:
		if d < 0 {
			t.Fatal("long poll returned without the change")
		}
		t.Logf("long poll answered %v after it started", d.Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatal("long poll did not wake within 5 s of a change")
	}
}

func itoa(n int64) string { return jsonInt(n) }

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
