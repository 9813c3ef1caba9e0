package web_test

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/passbook"
	"checkin/kiosk/search"
	"checkin/kiosk/web"
)

// fromAddress returns a browser whose connections come from the loopback
// address ip (127.0.0.2, …): another machine, as far as the kiosk knows.
func fromAddress(t *testing.T, base, ip string) *browser {
	b := newBrowser(t, base)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	b.c.Transport = &http.Transport{DialContext: dialer.DialContext}
	return b
}

// TestLoginBurstChecksNoMoreThanTheLimit: 200 wrong passwords for one user
// sent at once get no more password checks than 5 in a row would (item 4:
// the limit was checked before and counted after the check, so a burst
// was checked whole).
func TestLoginBurstChecksNoMoreThanTheLimit(t *testing.T) {
	f := staffFixture(t)
	var wg sync.WaitGroup
	statuses := make(chan int, 200)
	transport := &http.Transport{MaxIdleConnsPerHost: 200}
	defer transport.CloseIdleConnections()
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := newBrowser(t, f.url)
			b.c.Transport = transport
			pw := "wrong guess " + string(rune('A'+i%26))
			if i == 150 {
				pw = "correct horse battery" // the right one, late in the burst
			}
			resp, _ := b.do("POST", "/login", "application/json", `{"username":"dana","password":"`+pw+`"}`, false)
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	checked := count[http.StatusUnauthorized] + count[http.StatusOK]
	t.Logf("200 parallel attempts: %v", count)
	if checked > 5 {
		t.Errorf("%d attempts had their password checked (401 or 200), want at most 5: %v", checked, count)
	}
	if count[http.StatusTooManyRequests] < 195 {
		t.Errorf("%d attempts throttled, want at least 195: %v", count[http.StatusTooManyRequests], count)
	}
}

// TestGuesserElsewhereCannotLockOutTheClerk: five wrong passwords for dana
// from another address do not stop dana at her own desk (item 5).
func TestGuesserElsewhereCannotLockOutTheClerk(t *testing.T) {
	f := staffFixture(t)
	attacker := fromAddress(t, f.url, "127.0.0.2")
	for i := range 8 {
		resp, _ := attacker.do("POST", "/login", "application/json", `{"username":"dana","password":"guess `+string(rune('a'+i))+`"}`, false)
		if i >= 5 && resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("attacker's attempt %d: %d, want 429", i+1, resp.StatusCode)
		}
	}
	clerk := fromAddress(t, f.url, "127.0.0.1")
	if resp := clerk.login("dana", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dana at her desk after someone else's guesses: %d, want 303 (signed in)", resp.StatusCode)
	}
}

// TestCSRFTokenBelongsToTheSession: a session's token works for that
// session only: not after logout, not for another user (item 7); and it
// still works after a restart of the kiosk.
func TestCSRFTokenBelongsToTheSession(t *testing.T) {
	f := staffFixture(t)
	dana := newBrowser(t, f.url)
	dana.login("dana", "correct horse battery")
	danaToken := dana.csrf
	if danaToken == "" {
		t.Fatal("no CSRF token on the desk page")
	}
	ada := newBrowser(t, f.url)
	ada.login("ada", "admin password 1")
	if ada.csrf == danaToken {
		t.Fatal("two sessions share a CSRF token")
	}
	ada.csrf = danaToken // ada's session with dana's token
	if resp, _ := ada.api("PUT", "/api/delegates/D1/note", `{"note":"x"}`); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another session's CSRF token: %d, want 403", resp.StatusCode)
	}

	// A restart of the kiosk (a new server on the same database): the
	// session and its token still work.
	s2 := web.NewServer()
	s2.Addr, s2.KioskID, s2.Store, s2.Assets, s2.Now = "127.0.0.1:0", "k1", f.db, assets.FS(), f.Now
	s2.Taps = &kiosk.TapService{Taps: f.db, Schedule: f.db, Publish: s2.PublishTap, Now: f.Now, Kiosk: "k1", NewID: kiosk.NewID}
	book, err := passbook.Open(context.Background(), f.db, f.Now)
	if err != nil {
		t.Fatal(err)
	}
	s2.Staff, s2.Search = f.db, search.NewLive(f.db)
	s2.Desk = &kiosk.DeskService{Store: f.db, Taps: s2.Taps, Passes: book}
	if err := s2.Open(); err != nil {
		t.Fatal(err)
	}
	defer s2.Close(context.Background())
	restarted := newBrowser(t, s2.URL())
	u, _ := url.Parse(f.url)
	u2, _ := url.Parse(s2.URL())
	restarted.c.Jar.(*cookiejar.Jar).SetCookies(u2, dana.c.Jar.Cookies(u))
	restarted.csrf = danaToken
	if resp, body := restarted.api("PUT", "/api/delegates/D1/note", `{"note":"after a restart"}`); resp.StatusCode != http.StatusOK {
		t.Errorf("dana's session and token after a restart: %d %s, want 200", resp.StatusCode, body)
	}

	// After logout the old token is worth nothing, even with a new login
	// of the same user.
	dana.api("POST", "/logout", "")
	dana.login("dana", "correct horse battery")
	if dana.csrf == danaToken {
		t.Fatal("a new session got the old session's CSRF token")
	}
	dana.csrf = danaToken
	if resp, _ := dana.api("PUT", "/api/delegates/D1/note", `{"note":"y"}`); resp.StatusCode != http.StatusForbidden {
		t.Errorf("token of a session that ended: %d, want 403", resp.StatusCode)
	}
}

// TestLoginNextStaysLocal: ?next= sends the browser on only to a path of
// this kiosk (item 8: "/\t/evil" is "//evil" once a browser drops the tab).
func TestLoginNextStaysLocal(t *testing.T) {
	f := staffFixture(t)
	for _, tc := range []struct{ next, want string }{
		{"/desk/dashboard", "/desk/dashboard"},
		{"/desk?x=1#card", "/desk?x=1#card"},
		{"//evil.example/", "/desk"},
		{"/\\evil.example/", "/desk"},
		{"/\t/evil.example/", "/desk"},
		{"/\n/evil.example/", "/desk"},
		{"/ /evil.example/", "/desk"},
		{"https://evil.example/", "/desk"},
		{"javascript:alert(1)", "/desk"},
		{"/%5Cevil.example", "/%5Cevil.example"}, // stays a path here
		{"", "/desk"},
	} {
		b := newBrowser(t, f.url)
		b.get("/login")
		form := url.Values{"username": {"dana"}, "password": {"correct horse battery"}, "_csrf": {b.csrf}, "next": {tc.next}}
		resp, _ := b.do("POST", "/login", "application/x-www-form-urlencoded", form.Encode(), false)
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != tc.want {
			t.Errorf("next %q: %d Location %q, want 303 %q", tc.next, resp.StatusCode, got, tc.want)
		}
	}
}

// TestSecurityHeadersEverywhere: every page and API answer, public or
// staff, found or not, carries the security headers (item 11).
func TestSecurityHeadersEverywhere(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	for _, path := range []string{"/", "/lobby", "/login", "/desk", "/desk/dashboard", "/api/schedule", "/healthz",
		"/metrics", "/api/delegates?q=m", "/static/entrance.js", "/no/such/page", "/api/no-such"} {
		resp, _ := b.get(path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") && strings.Contains(csp[strings.Index(csp, "script-src"):], "unsafe-inline") {
			t.Errorf("%s: CSP allows inline script: %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: nosniff %q, referrer %q", path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
	}
}

// TestThrottledFloodIsOneRowAMinute: a flood of guesses against a
// throttled user writes no audit row per attempt (item 6).
func TestThrottledFloodIsOneRowAMinute(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	for range 300 {
		b.do("POST", "/login", "application/json", `{"username":"dana","password":"nope"}`, false)
	}
	entries, err := f.db.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 10 {
		t.Errorf("300 guesses wrote %d audit rows, want at most the 5 checked ones (the rest are summed up each minute)", len(entries))
	}
}

// BenchmarkLoginBurst: 200 wrong passwords for one user at once, per
// iteration; reports how many were checked (the limit is 5) and how long
// the burst took.
func BenchmarkLoginBurst(b *testing.B) {
	for b.Loop() {
		f := newFixture(b)
		addStaff(b, f, "dana", kiosk.RoleDesk, "correct horse battery")
		transport := &http.Transport{MaxIdleConnsPerHost: 200}
		var wg sync.WaitGroup
		var mu sync.Mutex
		checked := 0
		start := time.Now()
		for range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &http.Client{Transport: transport}
				resp, err := c.Post(f.url+"/login", "application/json", strings.NewReader(`{"username":"dana","password":"wrong"}`))
				if err != nil {
					return
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusUnauthorized {
					mu.Lock()
					checked++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(checked), "checked")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "burst-ms")
		transport.CloseIdleConnections()
	}
}
