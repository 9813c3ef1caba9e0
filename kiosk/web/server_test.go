package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/credapi"
	"checkin/kiosk/passbook"
	"checkin/kiosk/search"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/web"
)

var zurich, _ = time.LoadLocation("Europe/Zurich")

// fixture is a kiosk served on loopback with a real database.
type fixture struct {
	server *web.Server
	db     *sqlite.DB
	url    string
	now    atomic.Pointer[time.Time]
	book   *passbook.Book
	// With running set (by run), the kiosk's clock moves on from now as
	// real time passes, as a real kiosk's does.
	running atomic.Pointer[time.Time]
}

func (f *fixture) Now() time.Time {
	if since := f.running.Load(); since != nil {
		return f.now.Load().Add(time.Since(*since))
	}
	return *f.now.Load()
}

// run sets the kiosk's clock to from and lets it run on.
func (f *fixture) run(from time.Time) {
	real := time.Now()
	f.now.Store(&from)
	f.running.Store(&real)
}

var ids atomic.Int64

// fixtureRoster is the fixture's roster: D1 (group WP1/12, badge
// 0A0B0C0D0E) and D2, cancelled.
func fixtureRoster() []kiosk.Delegate {
	return []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "BNetzA", Country: "DE", Role: "head", Status: "registered", Language: "en", Groups: []string{"WP1/12"}, Badges: []string{"0A0B0C0D0E"}, Email: "j.mueller@example.org"},
		{ID: "D2", FamilyName: "Cancelled", GivenName: "Carla", Role: "delegate", Status: "cancelled", Language: "fr", Badges: []string{"2222222222"}},
	}
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{}
	start := time.Date(2026, 11, 22, 10, 0, 0, 0, zurich)
	f.now.Store(&start)
	f.db = sqlite.NewDB(filepath.Join(t.TempDir(), "kiosk.db"))
	f.db.Now = f.Now
	if err := f.db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	ctx := context.Background()
	if err := f.db.SetMeeting(ctx, kiosk.Meeting{ID: "SG12", Name: "ITU-T SG12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ReplaceRoster(ctx, fixtureRoster()); err != nil {
		t.Fatal(err)
	}
	if err := f.db.ReplaceSchedule(ctx, kiosk.Schedule{Sessions: []kiosk.Session{
		{ID: "s1", Title: "WP1/12 plenary", Room: "Popov Room", Building: "Tower", Start: time.Date(2026, 11, 22, 14, 0, 0, 0, zurich), End: time.Date(2026, 11, 22, 17, 30, 0, 0, zurich), Groups: []string{"WP1/12"}, Status: "scheduled"},
		{ID: "s2", Title: "Q9/12", Room: "Room K", Start: time.Date(2026, 11, 22, 9, 0, 0, 0, zurich), End: time.Date(2026, 11, 22, 12, 30, 0, 0, zurich), Groups: []string{"Q9/12"}, Status: "scheduled"},
	}}); err != nil {
		t.Fatal(err)
	}
	s := web.NewServer()
	s.Addr = "127.0.0.1:0"
	s.KioskID = "k1"
	s.Store = f.db
	s.Assets = assets.FS()
	s.Now = f.Now
	s.Heartbeat = 50 * time.Millisecond
	s.Taps = &kiosk.TapService{Taps: f.db, Schedule: f.db, Publish: s.PublishTap,
		Observe: s.Metrics.ObserveTap, Now: f.Now, Kiosk: "k1",
		NewID: func() string { return fmt.Sprintf("tap-%06d", ids.Add(1)) }}
	book, err := passbook.Open(ctx, f.db, f.Now)
	if err != nil {
		t.Fatal(err)
	}
	s.Taps.Passes = book
	s.Staff = f.db
	s.Search = search.NewLive(f.db)
	s.Desk = &kiosk.DeskService{Store: f.db, Taps: s.Taps, Passes: book}
	f.book = book
	f.db.OnWriteHealth = s.PublishStore
	f.db.OnOccupancy = s.PublishRooms
	s.Rooms = f.db
	s.Credentials = credapi.New(f.db)
	s.Credentials.Now = f.Now
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Bounded: a request that never ends must fail the test, not hang it.
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	f.server, f.url = s, s.URL()
	return f
}

// waitSubscribed waits until n pages are subscribed to the event stream,
// so that what is published next reaches them.
func (f *fixture) waitSubscribed(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.server.Hub.Len() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages connected to /api/events, want %d", f.server.Hub.Len(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// scenario is one request and what must come back.
type scenario struct {
	name   string
	method string
	path   string
	body   string
	status int
	want   []string // substrings of the body
	absent []string // substrings that must not appear
}

func (sc scenario) run(t *testing.T, base string) {
	t.Helper()
	status, text := sc.do(t, base)
	body := []byte(text)
	if status != sc.status {
		t.Errorf("%s: status = %d, want %d; body %s", sc.name, status, sc.status, body)
	}
	for _, w := range sc.want {
		if !strings.Contains(string(body), w) {
			t.Errorf("%s: body lacks %q: %s", sc.name, w, clip(body))
		}
	}
	for _, a := range sc.absent {
		if strings.Contains(string(body), a) {
			t.Errorf("%s: body contains %q: %s", sc.name, a, clip(body))
		}
	}
}

// do sends the scenario's request and returns the answer's status and body.
func (sc scenario) do(t *testing.T, base string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(sc.method, base+sc.path, strings.NewReader(sc.body))
	if err != nil {
		t.Fatal(err)
	}
	if sc.body != "" || sc.method == "POST" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", sc.name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func clip(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

func TestRoutes(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("A", 300)
	scenarios := []scenario{
		{name: "tap accepted", method: "POST", path: "/api/taps", body: `{"uid":"0a:0b:0c:0d:0e","source":"rfid","gate":"main","direction":"in"}`,
			status: 200, want: []string{`"result":"accepted"`, `"reason":""`, `"first_today":true`, `"name":"Jürgen Müller"`, `"organization":"BNetzA"`, `"role":"head"`, `"country":"DE"`, `"title":"WP1/12 plenary"`, `"room":"Popov Room"`, `"start":"2026-11-22T14:00:00+01:00"`},
			absent: []string{"example.org", "Q9/12"}},
		{name: "tap again", method: "POST", path: "/api/taps", body: `{"uid":"0A0B0C0D0E"}`, status: 200, want: []string{`"first_today":false`, `"result":"accepted"`}},
		{name: "tap cancelled", method: "POST", path: "/api/taps", body: `{"uid":"2222222222","source":"rfid"}`, status: 200, want: []string{`"result":"rejected"`, `"reason":"registration_cancelled"`, `"sessions":[]`}},
		{name: "tap unknown", method: "POST", path: "/api/taps", body: `{"uid":"FFFFFFFF"}`, status: 200, want: []string{`"reason":"unknown_badge"`, `"delegate":null`}},
		{name: "tap by keyboard wedge", method: "POST", path: "/api/taps", body: `{"uid":"0a0b0c0d0e","source":"keyboard"}`, status: 200, want: []string{`"result":"accepted"`, `"name":"Jürgen Müller"`}},
		{name: "tap qr without keys", method: "POST", path: "/api/taps", body: `{"uid":"CK1.abc.def","source":"qr"}`, status: 200, want: []string{`"reason":"invalid_pass"`}},
		{name: "malformed json", method: "POST", path: "/api/taps", body: `{"uid":`, status: 400, want: []string{`"code":"invalid"`, `"error":"invalid JSON body`}},
		{name: "not an object", method: "POST", path: "/api/taps", body: `["0A0B"]`, status: 400, want: []string{`"code":"invalid"`}},
		{name: "two objects", method: "POST", path: "/api/taps", body: `{"uid":"0A0B"}{"uid":"0A0B"}`, status: 400, want: []string{"more than one value"}},
		{name: "unknown field", method: "POST", path: "/api/taps", body: `{"uid":"0A0B","colour":"red"}`, status: 400, want: []string{`unknown field \"colour\"`}},
		{name: "empty body", method: "POST", path: "/api/taps", body: ``, status: 400, want: []string{"body is empty"}},
		{name: "empty uid", method: "POST", path: "/api/taps", body: `{"uid":""}`, status: 400, want: []string{"uid is empty"}},
		{name: "separators only", method: "POST", path: "/api/taps", body: `{"uid":" : "}`, status: 400, want: []string{"uid is empty"}},
		{name: "oversized uid", method: "POST", path: "/api/taps", body: `{"uid":"` + long + `"}`, status: 400, want: []string{"at most 256"}},
		{name: "oversized qr", method: "POST", path: "/api/taps", body: `{"uid":"` + long + `","source":"qr"}`, status: 400, want: []string{"at most 256"}},
		{name: "non-hex uid", method: "POST", path: "/api/taps", body: `{"uid":"<script>"}`, status: 400, want: []string{"not a hex UID"}},
		{name: "bad source", method: "POST", path: "/api/taps", body: `{"uid":"0A0B","source":"nfc"}`, status: 400, want: []string{"source must be"}},
		{name: "bad direction", method: "POST", path: "/api/taps", body: `{"uid":"0A0B","direction":"up"}`, status: 400, want: []string{"direction must be"}},
		{name: "bad gate", method: "POST", path: "/api/taps", body: `{"uid":"0A0B","gate":"a\u0000b"}`, status: 400, want: []string{"gate must be"}},
		{name: "wrong type", method: "POST", path: "/api/taps", body: `{"uid":12}`, status: 400, want: []string{"invalid JSON body"}},
		{name: "huge body", method: "POST", path: "/api/taps", body: `{"uid":"` + strings.Repeat("A", 70<<10) + `"}`, status: 413},
		{name: "tap by GET", method: "GET", path: "/api/taps", status: 405},
		{name: "schedule", method: "GET", path: "/api/schedule?date=2026-11-22", status: 200,
			want: []string{`"date":"2026-11-22"`, `"timezone":"Europe/Zurich"`, `"id":"s2"`, `"start":"2026-11-22T09:00:00+01:00"`, `"groups":["Q9/12"]`, `"status":"scheduled"`, `"building":""`}},
		{name: "schedule today", method: "GET", path: "/api/schedule", status: 200, want: []string{`"date":"2026-11-22"`}},
		{name: "schedule empty day", method: "GET", path: "/api/schedule?date=2027-01-01", status: 200, want: []string{`"sessions":[]`}},
		{name: "schedule bad date", method: "GET", path: "/api/schedule?date=22.11.2026", status: 400, want: []string{"YYYY-MM-DD"}},
		{name: "health", method: "GET", path: "/healthz", status: 200, want: []string{`"status":"ok"`, `"role":"kiosk"`, `"readers":[]`, `"registry":{`, `"reachable":false`, `"last_sync":null`, `"outbox":0`, `"delegates":2`}},
		{name: "metrics", method: "GET", path: "/metrics", status: 200, want: []string{`checkin_taps_total{reason="",result="accepted"} 3`, `checkin_taps_total{reason="registration_cancelled",result="rejected"} 1`, "checkin_tap_duration_seconds_bucket", "checkin_sse_clients"}},
		{name: "entrance", method: "GET", path: "/", status: 200, want: []string{`<html lang="en" dir="ltr">`, "Tap your badge", "ITU-T SG12", "/static/entrance.js"}, absent: []string{"Demo reader"}},
		{name: "entrance unknown lang falls back", method: "GET", path: "/?lang=xx", status: 200, want: []string{`lang="en"`}},
		{name: "entrance no demo panel outside demo", method: "GET", path: "/?demo=1", status: 200, absent: []string{"Demo reader"}},
		{name: "demo route absent", method: "POST", path: "/api/demo/tap", body: `{"kind":"random"}`, status: 404},
		{name: "static", method: "GET", path: "/static/entrance.css", status: 200, want: []string{"--ok"}},
		{name: "static traversal", method: "GET", path: "/static/../assets.go", status: 404},
		{name: "no such page", method: "GET", path: "/nope", status: 404},
		{name: "no such api", method: "GET", path: "/api/nope", status: 404, want: []string{`"code":"not_found"`}},
	}
	for _, sc := range scenarios {
		sc.run(t, f.url)
	}
}

// TestTapNeedsLoopback checks that taps from another machine are refused
// without a staff session (app.Test's connection is not loopback).
func TestTapNeedsLoopback(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest("POST", "/api/taps", strings.NewReader(`{"uid":"0A0B0C0D0E"}`))
	resp, err := f.server.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 401 || !strings.Contains(string(body), `"code":"unauthorized"`) {
		t.Errorf("remote tap: status %d body %s, want 401 JSON", resp.StatusCode, body)
	}
	n := 0
	f.db.Taps(context.Background(), "", func(kiosk.TapRecord) error { n++; return nil })
	if n != 0 {
		t.Errorf("refused tap was stored")
	}
}

// sseClient reads events from /api/events.
type sseClient struct {
	resp   *http.Response
	events chan [2]string // name, data
}

func connectSSE(t *testing.T, base string) *sseClient {
	t.Helper()
	resp, err := http.Get(base + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	c := &sseClient{resp: resp, events: make(chan [2]string, 64)}
	connected := make(chan struct{})
	go func() {
		defer close(c.events)
		sc := bufio.NewScanner(resp.Body)
		var name, data string
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": connected":
				once.Do(func() { close(connected) })
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "" && name != "":
				c.events <- [2]string{name, data}
				name, data = "", ""
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		t.Fatal("no connected line from /api/events")
	}
	t.Cleanup(func() { resp.Body.Close() })
	return c
}

func (c *sseClient) next(t *testing.T, name string) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-c.events:
			if !ok {
				t.Fatalf("stream ended waiting for %q", name)
			}
			if ev[0] == name {
				return ev[1]
			}
		case <-deadline:
			t.Fatalf("no %q event", name)
		}
	}
}

func post(t *testing.T, url, body string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d", url, resp.StatusCode)
	}
}

func TestEventsStreamTaps(t *testing.T) {
	f := newFixture(t)
	a, b := connectSSE(t, f.url), connectSSE(t, f.url)
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	for _, c := range []*sseClient{a, b} {
		var res kiosk.TapResult
		if err := json.Unmarshal([]byte(c.next(t, "tap")), &res); err != nil {
			t.Fatal(err)
		}
		if res.Result != "accepted" || res.Delegate == nil || res.Delegate.Name != "Jürgen Müller" || !res.FirstToday {
			t.Errorf("tap event = %+v", res)
		}
	}
	if got := f.server.Hub.Len(); got != 2 {
		t.Errorf("subscribers = %d, want 2", got)
	}
}

func TestEventsClientGoneIsCleanedUp(t *testing.T) {
	f := newFixture(t)
	c := connectSSE(t, f.url)
	if f.server.Hub.Len() != 1 {
		t.Fatalf("subscribers = %d, want 1", f.server.Hub.Len())
	}
	c.resp.Body.Close()
	// The next heartbeat's write fails and the subscriber is removed.
	deadline := time.Now().Add(5 * time.Second)
	for f.server.Hub.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("subscriber of a closed client still there after 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestShutdownKeepsTaps posts taps concurrently while the server shuts
// down: every tap that got an answer is in the database, and open event
// streams end.
func TestShutdownKeepsTaps(t *testing.T) {
	f := newFixture(t)
	stream := connectSSE(t, f.url)
	var answered atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Post(f.url+"/api/taps", "application/json", strings.NewReader(`{"uid":"0A0B0C0D0E"}`))
				if err != nil {
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					answered.Add(1)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	if err := f.server.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	close(stop)
	wg.Wait()
	for range stream.events {
	} // the stream must end
	n := int64(0)
	f.db.Taps(context.Background(), "", func(kiosk.TapRecord) error { n++; return nil })
	if n < answered.Load() || answered.Load() == 0 {
		t.Errorf("stored %d taps, answered %d", n, answered.Load())
	}
}
