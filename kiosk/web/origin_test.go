package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"checkin/kiosk"
)

// countTaps returns how many taps the kiosk has recorded.
func countTaps(t testing.TB, f *fixture) int {
	t.Helper()
	n := 0
	if err := f.db.Taps(context.Background(), "", func(kiosk.TapRecord) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTapsRefuseOtherOrigins: POST /api/taps from loopback takes JSON only
// and refuses a request a browser sent for a page of another origin, so a
// web page open on the kiosk box cannot record taps; scripts without an
// Origin (curl, keyboard-wedge helpers) and the kiosk's own pages can.
func TestTapsRefuseOtherOrigins(t *testing.T) {
	f := newFixture(t)
	host := strings.TrimPrefix(f.url, "http://")
	port := host[strings.LastIndex(host, ":")+1:]
	const body = `{"uid":"0A0B0C0D0E"}`
	cases := []struct {
		name        string
		contentType string
		header      map[string]string
		status      int
	}{
		{"script without Origin", "application/json", nil, 200},
		{"JSON with charset", "application/json; charset=utf-8", nil, 200},
		{"the kiosk's own page", "application/json", map[string]string{"Origin": f.url, "Sec-Fetch-Site": "same-origin"}, 200},
		{"localhost page", "application/json", map[string]string{"Origin": "http://localhost:" + port, "Host": "localhost:" + port}, 200},

		{"text/plain", "text/plain", nil, 415},
		{"text/plain from a page", "text/plain;charset=UTF-8", map[string]string{"Origin": "http://127.0.0.2:8000"}, 403},
		{"form", "application/x-www-form-urlencoded", nil, 415},
		{"no content type", "", nil, 415},
		{"JSON-looking type", "application/jsonx", nil, 415},
		{"another loopback origin", "application/json", map[string]string{"Origin": "http://127.0.0.2:" + port}, 403},
		{"another port", "application/json", map[string]string{"Origin": "http://127.0.0.1:1"}, 403},
		{"a web site", "application/json", map[string]string{"Origin": "https://evil.example"}, 403},
		{"https of the same host", "application/json", map[string]string{"Origin": "https://" + host}, 403},
		{"opaque origin", "application/json", map[string]string{"Origin": "null"}, 403},
		{"garbage origin", "application/json", map[string]string{"Origin": "::"}, 403},
		{"cross-site fetch without Origin", "application/json", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		// DNS rebinding: a site's name made to point at 127.0.0.1, so that
		// its page is "same-origin" with what it reaches; it is not this
		// machine, and has no staff session.
		{"rebound name", "application/json", map[string]string{"Origin": "http://rebind.example:" + port, "Host": "rebind.example:" + port}, 401},
	}
	for _, tc := range cases {
		before := countTaps(t, f)
		req, err := http.NewRequest("POST", f.url+"/api/taps", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		for k, v := range tc.header {
			if k == "Host" {
				req.Host = v
			} else {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, resp.StatusCode, tc.status, got)
		}
		recorded := countTaps(t, f) - before
		if want := map[bool]int{true: 1, false: 0}[tc.status == 200]; recorded != want {
			t.Errorf("%s: %d taps recorded, want %d", tc.name, recorded, want)
		}
		if tc.status != 200 && !strings.Contains(string(got), `"code":`) {
			t.Errorf("%s: body %s, want a JSON error", tc.name, got)
		}
	}
}
