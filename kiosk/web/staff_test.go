package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/password"
	"checkin/kiosk/web"
)

// addStaff creates a login with a real argon2id hash.
func addStaff(t testing.TB, f *fixture, user, role, pw string) {
	t.Helper()
	hash, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddStaff(context.Background(), kiosk.Staff{Username: user, Role: role}, hash); err != nil {
		t.Fatal(err)
	}
}

// browser is a staff member's HTTP client: cookies kept, redirects not
// followed, and the CSRF token of the last page seen.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
	csrf string
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// do sends a request; unsafe methods carry the CSRF token when withCSRF.
func (b *browser) do(method, path, contentType, body string, withCSRF bool) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if withCSRF && b.csrf != "" {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	page := string(data)
	for _, re := range []*regexp.Regexp{csrfInput, csrfMeta} {
		if m := re.FindStringSubmatch(page); m != nil {
			b.csrf = m[1]
		}
	}
	return resp, page
}

func (b *browser) get(path string) (*http.Response, string) { return b.do("GET", path, "", "", false) }

func (b *browser) api(method, path, body string) (*http.Response, string) {
	return b.do(method, path, "application/json", body, true)
}

// login signs in through the form, as a browser does.
func (b *browser) login(user, pw string) *http.Response {
	b.t.Helper()
	b.get("/login")
	form := url.Values{"username": {user}, "password": {pw}, "_csrf": {b.csrf}}
	resp, _ := b.do("POST", "/login", "application/x-www-form-urlencoded", form.Encode(), false)
	if resp.StatusCode == http.StatusSeeOther {
		b.get("/desk") // picks up the page's CSRF token
	}
	return resp
}

func staffFixture(t *testing.T) *fixture {
	f := newFixture(t)
	addStaff(t, f, "dana", kiosk.RoleDesk, "correct horse battery")
	addStaff(t, f, "ada", kiosk.RoleAdmin, "admin password 1")
	return f
}

// publicRoutes are the routes anyone may use. Every other route must refuse
// a request without a staff session; TestStaffRoutesNeedSession walks the
// whole route table, so a new route cannot forget its guard.
var publicRoutes = map[string]bool{
	"GET /": true, "HEAD /": true, "GET /healthz": true, "HEAD /healthz": true, "GET /metrics": true, "HEAD /metrics": true,
	"GET /api/events": true, "HEAD /api/events": true, "GET /api/schedule": true, "HEAD /api/schedule": true,
	"GET /login": true, "HEAD /login": true, "POST /login": true, "GET /lobby": true, "HEAD /lobby": true,
	"GET /api/rooms": true, "HEAD /api/rooms": true, "GET /api/rooms/:name": true, "HEAD /api/rooms/:name": true,
	"GET /door": true, "HEAD /door": true,
}

func TestStaffRoutesNeedSession(t *testing.T) {
	f := staffFixture(t)
	app := f.server.App()
	seen := 0
	for _, r := range app.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if publicRoutes[key] || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		seen++
		path := strings.NewReplacer(":id", "D1", ":uid", "0A0B0C0D0E", ":name", "Room%20K").Replace(r.Path)
		// app.Test comes from a non-loopback address, so even the tap
		// route, open to this machine, must ask for a session.
		req := httptest.NewRequest(r.Method, path, strings.NewReader(`{"uid":"0A0B0C0D0E"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := app.Test(req, 10_000)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		body, _ := io.ReadAll(resp.Body)
		switch {
		case strings.HasPrefix(r.Path, "/api/"):
			jsonOK := r.Method == "HEAD" || strings.Contains(string(body), `"code":"unauthorized"`) // HEAD has no body
			if resp.StatusCode != http.StatusUnauthorized || !jsonOK {
				t.Errorf("%s without a session: %d %s, want 401 JSON", key, resp.StatusCode, body)
			}
		default:
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
				t.Errorf("%s without a session: %d Location %q, want a redirect to /login", key, resp.StatusCode, loc)
			}
		}
	}
	if seen < 15 {
		t.Errorf("only %d staff routes walked; the table is missing routes", seen)
	}
}

func TestLoginLogout(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)

	resp, page := b.get("/desk")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fdesk" {
		t.Fatalf("GET /desk signed out: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page = b.get("/login?next=/desk/dashboard")
	if resp.StatusCode != 200 || !strings.Contains(page, `name="password"`) || b.csrf == "" {
		t.Fatalf("login form: %d, csrf %q", resp.StatusCode, b.csrf)
	}

	form := url.Values{"username": {"dana"}, "password": {"wrong password"}, "_csrf": {b.csrf}}
	resp, page = b.do("POST", "/login", "application/x-www-form-urlencoded", form.Encode(), false)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "Wrong username or password") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}

	form = url.Values{"username": {"dana"}, "password": {"correct horse battery"}, "_csrf": {b.csrf}, "next": {"/desk/dashboard"}}
	resp, _ = b.do("POST", "/login", "application/x-www-form-urlencoded", form.Encode(), false)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/desk/dashboard" {
		t.Fatalf("login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "checkin_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Secure {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Strict, not Secure over plain HTTP", session)
	}

	resp, page = b.get("/desk")
	if resp.StatusCode != 200 || !strings.Contains(page, "dana") {
		t.Fatalf("GET /desk signed in: %d", resp.StatusCode)
	}

	// An open redirect is refused: next stays on this site.
	form = url.Values{"username": {"ada"}, "password": {"admin password 1"}, "next": {"//evil.example/"}}
	b2 := newBrowser(t, f.url)
	resp, _ = b2.do("POST", "/login", "application/x-www-form-urlencoded", form.Encode(), false)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/desk" {
		t.Fatalf("login with next=//evil: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Logout is an unsafe method: without the token it is refused.
	resp, _ = b.do("POST", "/logout", "", "", false)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout without CSRF: %d, want 403", resp.StatusCode)
	}
	resp, _ = b.do("POST", "/logout", "", "", true)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	resp, _ = b.api("GET", "/api/delegates?q=muller", "")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API after logout: %d, want 401", resp.StatusCode)
	}
}

func TestLoginFromAnotherSiteRefused(t *testing.T) {
	f := staffFixture(t)
	form := url.Values{"username": {"dana"}, "password": {"correct horse battery"}}
	req, _ := http.NewRequest("POST", f.url+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site login: %d, want 403", resp.StatusCode)
	}
	// A script posting JSON without a form token signs in.
	b := newBrowser(t, f.url)
	resp, body := b.do("POST", "/login", "application/json", `{"username":"dana","password":"correct horse battery"}`, false)
	if resp.StatusCode != 200 || !strings.Contains(body, `"role":"desk"`) {
		t.Fatalf("JSON login: %d %s", resp.StatusCode, body)
	}
}

func TestCSRFRequired(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	if resp := b.login("dana", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/api/delegates/D1/badges", `{"uid":"DEADBEEF"}`},
		{"DELETE", "/api/badges/0A0B0C0D0E", ""},
		{"POST", "/api/delegates/D1/checkins", `{}`},
		{"PUT", "/api/delegates/D1/note", `{"note":"x"}`},
		{"POST", "/api/taps", `{"uid":"0A0B0C0D0E"}`},
	} {
		resp, body := b.do(tc.method, tc.path, "application/json", tc.body, false)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"code":"forbidden"`) {
			t.Errorf("%s %s without CSRF token: %d %s, want 403", tc.method, tc.path, resp.StatusCode, body)
		}
		req, _ := http.NewRequest(tc.method, f.url+tc.path, strings.NewReader(tc.body))
		req.Header.Set("X-CSRF-Token", "forged-token")
		for _, c := range b.c.Jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s with a forged token: %d, want 403", tc.method, tc.path, resp.StatusCode)
		}
	}
	// Nothing happened.
	card, err := f.db.DeskCard(context.Background(), "D1", "2026-11-22")
	if err != nil {
		t.Fatal(err)
	}
	if len(card.Badges) != 1 || card.Badges[0].Revoked || card.Note != "" || len(card.TapsToday) != 0 {
		t.Fatalf("refused requests changed the card: %+v", card)
	}
	resp, body := b.api("POST", "/api/delegates/D1/badges", `{"uid":"DE:AD:BE:EF"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("bind with CSRF token: %d %s", resp.StatusCode, body)
	}
}

func TestLoginThrottled(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	try := func(user, pw string) *http.Response {
		resp, _ := b.do("POST", "/login", "application/json", `{"username":"`+user+`","password":"`+pw+`"}`, false)
		return resp
	}
	for i := 0; i < 5; i++ {
		if resp := try("dana", "guess number "+string(rune('a'+i))); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp := try("dana", "correct horse battery")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt: %d Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Another user from the same address is not locked by dana's failures…
	if resp := try("ada", "admin password 1"); resp.StatusCode != 200 {
		t.Fatalf("ada: %d", resp.StatusCode)
	}
	// …and dana gets in once the window has passed.
	later := f.Now().Add(16 * time.Minute)
	f.now.Store(&later)
	if resp := try("dana", "correct horse battery"); resp.StatusCode != 200 {
		t.Fatalf("dana after the window: %d", resp.StatusCode)
	}
	// Spraying many usernames from one address is throttled per address.
	var last int
	for i := 0; i < 25; i++ {
		last = try("nobody"+string(rune('a'+i)), "whatever password").StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("username spray: last status %d, want 429", last)
	}

	// The audit log saw each failure, and the refused attempts summed up
	// per user and address (Run writes the summaries): 26 refused
	// attempts of 6 users from one address are 6 rows, not 26.
	f.server.StaffAuth().SummaryEvery = 10 * time.Millisecond
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- f.server.Run(ctx) }()
	defer func() { stop(); <-ran }()
	var failed, throttled int
	deadline := time.Now().Add(5 * time.Second)
	for throttled == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		entries, err := f.db.AuditLog(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		failed, throttled = 0, 0
		for _, e := range entries {
			switch e.Action {
			case "login.failed":
				failed++
			case "login.throttled":
				throttled++
				if !strings.Contains(e.Detail, "attempts from 127.0.0.1 refused") {
					t.Errorf("throttled row detail = %q", e.Detail)
				}
			}
		}
	}
	if failed != 25 || throttled == 0 || throttled > 6 {
		t.Fatalf("audit: %d failed (want 5 for dana + 20 sprayed), %d throttled rows (want 1 to 6, one per user and address)", failed, throttled)
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	if resp, _ := b.api("GET", "/api/stats", ""); resp.StatusCode != 200 {
		t.Fatalf("stats: %d", resp.StatusCode)
	}
	later := f.Now().Add(f.server.SessionIdle + time.Minute)
	f.now.Store(&later)
	if resp, _ := b.api("GET", "/api/stats", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after the idle time: %d, want 401", resp.StatusCode)
	}
}

func TestDeskAPI(t *testing.T) {
	f := staffFixture(t)
	if _, err := f.db.ReplaceRoster(context.Background(), []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "BNetzA", Country: "DE", Role: "head", Status: "registered", Language: "en", Groups: []string{"WP1/12"}, Badges: []string{"0A0B0C0D0E"}, Email: "j.mueller@example.org"},
		{ID: "D2", FamilyName: "Cancelled", GivenName: "Carla", Role: "delegate", Status: "cancelled", Language: "fr", Badges: []string{"2222222222"}},
		{ID: "D3", FamilyName: "Иванов", GivenName: "Пётр", Organization: "Минцифры", Country: "RU", Status: "confirmed", Language: "ru"},
		{ID: "D4", FamilyName: "王", GivenName: "小明", Organization: "CAICT", Country: "CN", Status: "registered", Language: "zh"},
		{ID: "D5", FamilyName: "Gonçalves", GivenName: "João", Organization: "ANACOM", Country: "PT", Status: "registered"},
		{ID: "D6", FamilyName: "김", GivenName: "민준", Organization: "MSIT", Country: "KR", Status: "registered"},
		{ID: "D7", FamilyName: "Borrell", GivenName: "Josep", Organization: "EEAS", CountryName: "European Union", Status: "registered"},
	}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")

	search := func(q string) (total int, ids []string) {
		t.Helper()
		resp, body := b.api("GET", "/api/delegates?q="+url.QueryEscape(q), "")
		if resp.StatusCode != 200 {
			t.Fatalf("search %q: %d %s", q, resp.StatusCode, body)
		}
		var r struct {
			Total   int `json:"total"`
			Results []struct {
				ID, Name, CountryName string `json:"-"`
			} `json:"results"`
		}
		var raw struct {
			Total   int              `json:"total"`
			Results []map[string]any `json:"results"`
		}
		json.Unmarshal([]byte(body), &raw)
		_ = r
		for _, h := range raw.Results {
			ids = append(ids, h["id"].(string))
		}
		return raw.Total, ids
	}
	for q, want := range map[string]string{
		"muller": "D1", "MUELLER": "D1", "Müller jürgen": "D1", "jurgen muller": "D1", "bnetza": "D1", "germany": "D1",
		"иванов": "D3", "ИВАНОВ": "D3", "ivanov": "D3", "petr ivanov": "D3", "王": "D4", "wang xiaoming": "D4",
		"joao": "D5", "goncalves": "D5", "d3": "D3", "j.mueller@example.org": "D1",
		// Injection-shaped queries are words like any other: "or 1 1" would
		// find D1 (its e-mail ends in org, its id in 1), "or 2 2" no one.
		"' OR 2=2 --": "", "%": "", `"; DROP TABLE delegates; --`: "",
		"allemagne": "D1", "германия": "D1", "republic of korea": "D6", "corée": "D6", "大韩民国": "D6", "south korea": "",
		"european union": "D7",
	} {
		total, ids := search(q)
		if want == "" {
			if total != 0 {
				t.Errorf("search %q: %d hits %v, want none", q, total, ids)
			}
			continue
		}
		if len(ids) == 0 || ids[0] != want {
			t.Errorf("search %q: %v, want %s first", q, ids, want)
		}
	}

	// The card has what the desk needs, e-mail included (staff only).
	resp, body := b.api("GET", "/api/delegates/D1", "")
	for _, w := range []string{`"name":"Jürgen Müller"`, `"country_name":"Germany"`, `"email":"j.mueller@example.org"`, `"valid_today":true`, `"uid":"0A0B0C0D0E"`, `"source":"roster"`} {
		if resp.StatusCode != 200 || !strings.Contains(body, w) {
			t.Errorf("card lacks %s: %d %s", w, resp.StatusCode, body)
		}
	}
	// Countries are named as the UN names them, in the staff's language,
	// or as the roster's country_name has it, whatever the language.
	for _, tc := range []struct{ url, want string }{
		{"/api/delegates/D6", `"country_name":"Republic of Korea"`},
		{"/api/delegates/D6?lang=fr", `"country_name":"République de Corée"`},
		{"/api/delegates/D1?lang=ru", `"country_name":"Германия"`},
		{"/api/delegates/D7?lang=zh", `"country_name":"European Union"`},
		{"/api/delegates?q=korea&lang=ar", `"country_name":"جمهورية كوريا"`},
		{"/api/delegates?q=borrell&lang=es", `"country_name":"European Union"`},
	} {
		if resp, body := b.api("GET", tc.url, ""); resp.StatusCode != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("%s lacks %s: %d %s", tc.url, tc.want, resp.StatusCode, body)
		}
	}
	// The desk page carries the same table for its script (the dashboard's
	// arrivals by country).
	if resp, body := b.api("GET", "/desk?lang=fr", ""); resp.StatusCode != 200 ||
		!strings.Contains(body, `<script type="application/json" id="country-names">`) || !strings.Contains(body, `"KR":"République de Corée"`) {
		t.Errorf("desk page lacks the country table: %d", resp.StatusCode)
	}
	if resp, _ := b.api("GET", "/api/delegates/NOPE", ""); resp.StatusCode != 404 {
		t.Errorf("unknown delegate: %d", resp.StatusCode)
	}

	// A UID bound to someone else is refused with who holds it.
	resp, body = b.api("POST", "/api/delegates/D3/badges", `{"uid":"0a-0b-0c-0d-0e"}`)
	if resp.StatusCode != 409 || !strings.Contains(body, `"holder":{"id":"D1","name":"Jürgen Müller"}`) {
		t.Fatalf("bind held badge: %d %s", resp.StatusCode, body)
	}
	if resp, body := b.api("POST", "/api/delegates/D3/badges", `{"uid":"not hex"}`); resp.StatusCode != 400 {
		t.Errorf("bind malformed uid: %d %s", resp.StatusCode, body)
	}
	// A lost badge replaced: the new one works, the old one is revoked.
	resp, body = b.api("POST", "/api/delegates/D1/badges", `{"uid":"04A1B2C3D4E5F6","replace":true}`)
	if resp.StatusCode != 201 || !strings.Contains(body, `"revoked":["0A0B0C0D0E"]`) {
		t.Fatalf("replace: %d %s", resp.StatusCode, body)
	}
	tap := func(uid string) string {
		resp, body := b.do("POST", "/api/taps", "application/json", `{"uid":"`+uid+`"}`, true)
		if resp.StatusCode != 200 {
			t.Fatalf("tap %s: %d %s", uid, resp.StatusCode, body)
		}
		return body
	}
	if body := tap("0A0B0C0D0E"); !strings.Contains(body, `"reason":"revoked_badge"`) {
		t.Errorf("old badge: %s", body)
	}
	if body := tap("04A1B2C3D4E5F6"); !strings.Contains(body, `"result":"accepted"`) {
		t.Errorf("new badge: %s", body)
	}
	if resp, body := b.api("DELETE", "/api/badges/04:a1:b2:c3:d4:e5:f6", ""); resp.StatusCode != 200 {
		t.Errorf("revoke: %d %s", resp.StatusCode, body)
	}
	if body := tap("04A1B2C3D4E5F6"); !strings.Contains(body, `"reason":"revoked_badge"`) {
		t.Errorf("revoked badge: %s", body)
	}
	if resp, _ := b.api("DELETE", "/api/badges/ABCDEF01", ""); resp.StatusCode != 404 {
		t.Errorf("revoke unknown: %d", resp.StatusCode)
	}

	// Manual check-in follows the entrance rules.
	if resp, body := b.api("POST", "/api/delegates/D3/checkins", `{}`); resp.StatusCode != 200 || !strings.Contains(body, `"result":"accepted"`) || !strings.Contains(body, `"first_today":true`) {
		t.Errorf("manual check-in: %d %s", resp.StatusCode, body)
	}
	if resp, body := b.api("POST", "/api/delegates/D2/checkins", ``); resp.StatusCode != 200 || !strings.Contains(body, `"reason":"registration_cancelled"`) {
		t.Errorf("manual check-in of a cancelled delegate: %d %s", resp.StatusCode, body)
	}
	if resp, _ := b.api("POST", "/api/delegates/NOPE/checkins", `{}`); resp.StatusCode != 404 {
		t.Errorf("manual check-in of no one: %d", resp.StatusCode)
	}

	// Notes.
	if resp, body := b.api("PUT", "/api/delegates/D3/note", `{"note":"  see secretariat  "}`); resp.StatusCode != 200 || !strings.Contains(body, `"note":"see secretariat"`) {
		t.Errorf("note: %d %s", resp.StatusCode, body)
	}
	if _, body := b.api("GET", "/api/delegates/D3", ""); !strings.Contains(body, `"note":"see secretariat"`) || !strings.Contains(body, `"inside":true`) {
		t.Errorf("card after note and check-in: %s", body)
	}
	if resp, _ := b.api("PUT", "/api/delegates/D3/note", `{"note":"`+strings.Repeat("x", 501)+`"}`); resp.StatusCode != 400 {
		t.Errorf("overlong note: %d", resp.StatusCode)
	}

	// Stats and the CSV report.
	resp, body = b.api("GET", "/api/stats", "")
	if resp.StatusCode != 200 || !strings.Contains(body, `"arrivals":2`) {
		t.Errorf("stats: %d %s", resp.StatusCode, body)
	}
	resp, body = b.api("GET", "/api/checkins.csv", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, kiosk.BOM+"id,at,delegate_id,name") || !strings.Contains(body, ",desk,desk,in,accepted,") {
		t.Errorf("csv: %d %s", resp.StatusCode, body)
	}

	// The audit log names who did what; only admins may read it.
	if resp, _ := b.api("GET", "/api/audit", ""); resp.StatusCode != 403 {
		t.Errorf("audit as desk staff: %d, want 403", resp.StatusCode)
	}
	admin := newBrowser(t, f.url)
	admin.login("ada", "admin password 1")
	resp, body = admin.api("GET", "/api/audit", "")
	for _, w := range []string{`"actor":"dana","action":"badge.bind","detail":"04A1B2C3D4E5F6 to D1, replacing 0A0B0C0D0E"`, `"action":"badge.revoke"`, `"action":"checkin.manual"`, `"action":"note.set"`, `"action":"badge.bind.refused"`, `"action":"login"`} {
		if resp.StatusCode != 200 || !strings.Contains(body, w) {
			t.Errorf("audit lacks %s: %d", w, resp.StatusCode)
		}
	}
	if resp, page := admin.get("/desk/audit"); resp.StatusCode != 200 || !strings.Contains(page, "badge.revoke") {
		t.Errorf("audit page: %d", resp.StatusCode)
	}
}

func TestPasses(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	issue := func() string {
		t.Helper()
		resp, body := b.api("POST", "/api/delegates/D1/pass", "")
		var p struct {
			Token string `json:"token"`
			QR    string `json:"qr"`
		}
		if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &p) != nil || !strings.HasPrefix(p.Token, "CK1.") ||
			!strings.HasPrefix(p.QR, "data:image/png;base64,") {
			t.Fatalf("pass: %d %s", resp.StatusCode, clip([]byte(body)))
		}
		return p.Token
	}
	qr := func(token string) string {
		resp, body := b.do("POST", "/api/taps", "application/json", `{"uid":"`+token+`","source":"qr"}`, true)
		if resp.StatusCode != 200 {
			t.Fatalf("qr tap: %d %s", resp.StatusCode, body)
		}
		return body
	}
	first := issue()
	if body := qr(first); !strings.Contains(body, `"result":"accepted"`) || !strings.Contains(body, `"id":"D1"`) {
		t.Fatalf("fresh pass: %s", body)
	}
	later := f.Now().Add(2 * time.Second) // a different issue second
	f.now.Store(&later)
	second := issue()
	if body := qr(first); !strings.Contains(body, `"reason":"revoked_badge"`) {
		t.Errorf("superseded pass: %s", body)
	}
	if body := qr(second); !strings.Contains(body, `"result":"accepted"`) {
		t.Errorf("new pass: %s", body)
	}
	// An altered token: one character of the payload changed.
	i := len("CK1.") + 3
	altered := second[:i] + string("AB"[strings.IndexByte("AB", second[i])+1&1]) + second[i+1:]
	if second[i] != 'A' && second[i] != 'B' {
		altered = second[:i] + "A" + second[i+1:]
	}
	for name, tok := range map[string]string{"altered": altered, "unsigned": "CK1.AAAA", "junk": "hello", "truncated": second[:len(second)-3]} {
		if body := qr(tok); !strings.Contains(body, `"reason":"invalid_pass"`) {
			t.Errorf("%s pass: %s", name, body)
		}
	}
	// The card lists the pass, the old one revoked.
	_, body := b.api("GET", "/api/delegates/D1", "")
	if strings.Count(body, `"source":"pass"`) != 2 || !strings.Contains(body, `"revoked":true`) {
		t.Errorf("card badges: %s", body)
	}
}

// readEvents follows /api/events with a client and sends each event's name
// and data.
func readEvents(t *testing.T, c *http.Client, base string) <-chan [2]string {
	t.Helper()
	resp, err := c.Get(base + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	out := make(chan [2]string, 64)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: ") && name != "":
				out <- [2]string{name, line[len("data: "):]}
				name = ""
			}
		}
	}()
	return out
}

// TestDeskTapsForStaffOnly: a badge shown to the desk reader reaches signed
// in staff, not the public event stream (lobby TVs, anyone on the network).
func TestDeskTapsForStaffOnly(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	staff := readEvents(t, b.c, f.url)
	public := readEvents(t, http.DefaultClient, f.url)
	f.waitSubscribed(t, 2)
	f.server.PublishDeskTap(web.DeskTap{UID: "04A1B2C3D4E5F6", Source: "rfid", Reader: "/dev/ttyDESK", Gate: "desk", At: f.Now()})
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`) // an entrance tap: everyone
	next := func(ch <-chan [2]string) [2]string {
		t.Helper()
		for {
			select {
			case ev := <-ch:
				if ev[0] == "tap" {
					return ev
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no tap event")
			}
		}
	}
	if ev := next(staff); !strings.Contains(ev[1], `"role":"desk"`) || !strings.Contains(ev[1], "04A1B2C3D4E5F6") {
		t.Errorf("staff stream: first tap %s, want the desk tap", ev[1])
	}
	if ev := next(public); strings.Contains(ev[1], "04A1B2C3D4E5F6") || !strings.Contains(ev[1], `"result":"accepted"`) {
		t.Errorf("public stream: first tap %s, want the entrance tap only", ev[1])
	}
}

// TestLoginErrorsInPageLanguage: the login form says what went wrong in
// the page's language, from the catalogues; scripts posting JSON get the
// English message.
func TestLoginErrorsInPageLanguage(t *testing.T) {
	f := staffFixture(t)
	cats, err := web.LoadCatalogs(assets.FS())
	if err != nil {
		t.Fatal(err)
	}
	errorText := regexp.MustCompile(`data-testid="login-error"><span aria-hidden="true">✕</span><span>([^<]*)</span>`)
	for _, lang := range kiosk.Languages {
		later := f.Now().Add(16 * time.Minute) // past the throttling of the language before
		f.now.Store(&later)
		b := newBrowser(t, f.url)
		b.get("/login?lang=" + lang) // remembered in a cookie
		try := func(user, pw string) (int, string) {
			t.Helper()
			form := url.Values{"username": {user}, "password": {pw}, "_csrf": {b.csrf}}
			resp, page := b.do("POST", "/login", "application/x-www-form-urlencoded", form.Encode(), false)
			m := errorText.FindStringSubmatch(page)
			if m == nil || !strings.Contains(page, `<html lang="`+lang+`"`) {
				t.Fatalf("%s: %d, no error message on a %s page: %s", lang, resp.StatusCode, lang, page)
			}
			return resp.StatusCode, html.UnescapeString(m[1])
		}
		user := "user-" + lang // a user of its own: throttling counts per user
		for _, tc := range []struct {
			user, pw string
			status   int
			want     string
		}{
			{user, "", http.StatusBadRequest, cats[lang]["login.err_missing"]},
			{user, "wrong 1", http.StatusUnauthorized, cats[lang]["login.err_wrong"]},
			{user, "wrong 2", http.StatusUnauthorized, cats[lang]["login.err_wrong"]},
			{user, "wrong 3", http.StatusUnauthorized, cats[lang]["login.err_wrong"]},
			{user, "wrong 4", http.StatusUnauthorized, cats[lang]["login.err_wrong"]},
			{user, "wrong 5", http.StatusUnauthorized, cats[lang]["login.err_wrong"]},
			{user, "wrong 6", http.StatusTooManyRequests, strings.ReplaceAll(cats[lang]["login.err_wait_minutes"], "{n}", "15")},
		} {
			if status, msg := try(tc.user, tc.pw); status != tc.status || msg != tc.want {
				t.Errorf("%s: %d %q, want %d %q", lang, status, msg, tc.status, tc.want)
			}
		}
	}
	// Scripts get English, whatever language the browser last chose.
	later := f.Now().Add(16 * time.Minute)
	f.now.Store(&later)
	b := newBrowser(t, f.url)
	b.get("/login?lang=zh")
	for _, tc := range []struct {
		body, want string
	}{
		{`{"username":"dana","password":""}`, `{"error":"Enter your username and password.","code":"invalid"}`},
		{`{"username":"dana","password":"nope"}`, `{"error":"Wrong username or password.","code":"unauthorized"}`},
	} {
		if _, body := b.do("POST", "/login", "application/json", tc.body, false); body != tc.want {
			t.Errorf("JSON login %s: %s, want %s", tc.body, body, tc.want)
		}
	}
}
