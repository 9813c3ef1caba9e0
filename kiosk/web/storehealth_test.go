package web_test

import (
	"strings"
	"testing"

	"checkin/kiosk/sqlitedb/sqlitetest"
)

// tapUntilRefused taps until the kiosk answers 503 (the pages already
// there fill up first).
func tapUntilRefused(t *testing.T, f *fixture) {
	t.Helper()
	for i := 0; ; i++ {
		sc := scenario{method: "POST", path: "/api/taps", body: `{"uid":"0A0B0C0D0E"}`}
		status, body := sc.do(t, f.url)
		if status == 503 {
			if !strings.Contains(body, "disk full") || !strings.Contains(body, `"code":"unavailable"`) {
				t.Errorf("refused tap: %s", body)
			}
			return
		}
		if status != 200 || i > 10000 {
			t.Fatalf("tap %d on a full disk: %d %s", i, status, body)
		}
	}
}

// TestHealthWhenTapsCannotBeWritten: taps the database cannot store make
// /healthz answer 503 with the reason and the event stream send a `store`
// event (also to a screen that connects later); when there is room again
// the next tap goes through and both say so.
func TestHealthWhenTapsCannotBeWritten(t *testing.T) {
	f := newFixture(t)
	scenario{name: "health", method: "GET", path: "/healthz", status: 200, want: []string{`"status":"ok"`, `"store":{"ok":true}`}}.run(t, f.url)
	early := connectSSE(t, f.url)
	if got := early.next(t, "store"); got != `{"ok":true}` {
		t.Errorf("store event on connecting = %s", got)
	}
	room := sqlitetest.Fill(t, f.db.Writer)
	tapUntilRefused(t, f)
	if got := early.next(t, "store"); !strings.Contains(got, `"ok":false,"reason":"disk full","since":"2026-11-22T`) {
		t.Errorf("store event when taps fail = %s", got)
	}
	scenario{name: "health on a full disk", method: "GET", path: "/healthz", status: 503,
		want: []string{`"status":"down"`, `"database":"taps cannot be written: disk full"`, `"store":{"ok":false,"reason":"disk full"`}}.run(t, f.url)
	late := connectSSE(t, f.url)
	if got := late.next(t, "store"); !strings.Contains(got, `"ok":false,"reason":"disk full"`) {
		t.Errorf("store event on connecting while taps fail = %s", got)
	}

	room(true)
	scenario{name: "tap with room again", method: "POST", path: "/api/taps", body: `{"uid":"0A0B0C0D0E"}`, status: 200}.run(t, f.url)
	for _, c := range []*sseClient{early, late} {
		if got := c.next(t, "store"); got != `{"ok":true}` {
			t.Errorf("store event with room again = %s", got)
		}
	}
	scenario{name: "health with room again", method: "GET", path: "/healthz", status: 200, want: []string{`"status":"ok"`, `"database":"ok"`}}.run(t, f.url)
}
