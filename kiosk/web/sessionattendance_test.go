package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
)

// doorTapAt records a tap at a room door at a time of 2026-11-22 in
// Geneva, from loopback as a door reader's would be.
func doorTapAt(t *testing.T, f *fixture, hhmm, uid, room, direction string) map[string]any {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-22 "+hhmm, zurich)
	if err != nil {
		t.Fatal(err)
	}
	f.now.Store(&tm)
	resp, err := http.Post(f.url+"/api/taps", "application/json",
		strings.NewReader(`{"uid":"`+uid+`","room":"`+room+`","direction":"`+direction+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != 200 {
		t.Fatalf("tap at %s: %d %v", room, resp.StatusCode, err)
	}
	return res
}

// TestSessionAttendanceCSV: GET /api/sessions/{id}/attendance.csv lists
// who was in the session's room, with times in the meeting's zone, as a
// named attachment; an unknown session is a 404 and no session a 401.
func TestSessionAttendanceCSV(t *testing.T) {
	f := staffFixture(t)
	for _, tp := range [][3]string{{"13:50", "in"}, {"14:30", "out"}, {"14:40", "in"}, {"15:00", "out"}} {
		if res := doorTapAt(t, f, tp[0], "0A0B0C0D0E", "Popov Room", tp[1]); res["result"] != "accepted" {
			t.Fatalf("door tap at %s: %v", tp[0], res)
		}
	}
	// D2 is cancelled: refused, not in the report.
	if res := doorTapAt(t, f, "14:05", "2222222222", "Popov Room", "in"); res["reason"] != "registration_cancelled" {
		t.Fatalf("cancelled delegate at the door: %v", res)
	}
	evening := time.Date(2026, 11, 22, 18, 0, 0, 0, zurich)
	f.now.Store(&evening)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")

	resp, body := b.api("GET", "/api/sessions/s1/attendance.csv", "")
	if resp.StatusCode != 200 {
		t.Fatalf("attendance of s1: %d %s", resp.StatusCode, body)
	}
	if got := resp.Header.Values("Content-Type"); len(got) != 1 || got[0] != kiosk.CSVContentType {
		t.Errorf("Content-Type %q, want exactly %q", got, kiosk.CSVContentType)
	}
	if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="attendance-s1.csv"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if !strings.HasPrefix(body, kiosk.BOM) {
		t.Errorf("no BOM: %q", body[:min(len(body), 12)])
	}
	rows, err := csv.NewReader(kiosk.StripBOM(strings.NewReader(body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{kiosk.SessionAttendanceHeader,
		{"s1", "WP1/12 plenary", "Popov Room", "2026-11-22", "D1", "Müller", "Jürgen", "BNetzA", "DE", "head", "13:50:00", "15:00:00", "50"}}
	if len(rows) != len(want) {
		t.Fatalf("got %q, want %q", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d:\ngot  %q\nwant %q", i, rows[i], want[i])
		}
	}
	if strings.Contains(body, "example.org") {
		t.Error("the report holds an e-mail address")
	}

	// A session nobody came to: the header alone.
	if resp, body := b.api("GET", "/api/sessions/s2/attendance.csv", ""); resp.StatusCode != 200 ||
		strings.Count(body, "\n") != 1 || !strings.Contains(body, "session_id,session_title") {
		t.Errorf("s2: %d %q", resp.StatusCode, body)
	}
	// Any id in the path; an unknown one is a 404 naming it.
	if resp, body := b.api("GET", "/api/sessions/no%20such%20%22session%22/attendance.csv", ""); resp.StatusCode != 404 ||
		!strings.Contains(body, `no session \"no such \\\"session\\\"\"`) {
		t.Errorf("unknown session: %d %s", resp.StatusCode, body)
	}
	// Without a session: 401, like every staff API.
	r, err := http.Get(f.url + "/api/sessions/s1/attendance.csv")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a session: %d, want 401", r.StatusCode)
	}
	// The download is audited, with the session.
	log, err := f.db.AuditLog(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(log, func(e kiosk.AuditEntry) bool {
		return e.Action == "export.session_attendance" && e.Detail == "s1" && e.Actor == "dana"
	}) {
		t.Errorf("no audit entry for the download: %+v", log)
	}
}

// TestStatsSessions: /api/stats gives the day's sessions with how many
// came in through each one's door and how many are inside now.
func TestStatsSessions(t *testing.T) {
	f := staffFixture(t)
	noon := time.Date(2026, 11, 22, 13, 30, 0, 0, zurich)
	f.now.Store(&noon)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	stats := func() []kiosk.SessionCount {
		t.Helper()
		resp, body := b.api("GET", "/api/stats", "")
		if resp.StatusCode != 200 {
			t.Fatalf("stats: %d %s", resp.StatusCode, body)
		}
		var st struct {
			Sessions []kiosk.SessionCount `json:"sessions"`
		}
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, `"start":"2026-11-22T09:00:00+01:00"`) {
			t.Errorf("stats: session times not RFC 3339 in the meeting's zone: %s", body)
		}
		return st.Sessions
	}
	counts := func(ss []kiosk.SessionCount) string {
		var out []string
		for _, s := range ss {
			out = append(out, s.ID+" "+s.Title+" "+s.Room+" "+
				strings.Join([]string{itoa(s.Attended), itoa(s.Inside)}, "/"))
		}
		return strings.Join(out, "; ")
	}
	if got, want := counts(stats()), "s2 Q9/12 Room K 0/0; s1 WP1/12 plenary Popov Room 0/0"; got != want {
		t.Errorf("before any door tap: %q, want %q", got, want)
	}
	doorTapAt(t, f, "13:50", "0A0B0C0D0E", "Popov Room", "in")
	if got, want := counts(stats()), "s2 Q9/12 Room K 0/0; s1 WP1/12 plenary Popov Room 1/1"; got != want {
		t.Errorf("after an entry: %q, want %q", got, want)
	}
	doorTapAt(t, f, "14:10", "0A0B0C0D0E", "Popov Room", "out")
	if got, want := counts(stats()), "s2 Q9/12 Room K 0/0; s1 WP1/12 plenary Popov Room 1/0"; got != want {
		t.Errorf("after an exit: %q, want %q", got, want)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
