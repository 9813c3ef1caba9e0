package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
)

// TestCSVDownloads: both reports are attachments with a file name, one
// charset in the content type, UTF-8 with a BOM, and read back with
// encoding/csv; the attendance report has a row per delegate, absentees
// too, with the desk check-in's time in the meeting's zone.
func TestCSVDownloads(t *testing.T) {
	f := staffFixture(t)
	if _, err := f.db.ReplaceRoster(context.Background(), []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "BNetzA", Country: "DE", Role: "head", Status: "registered"},
		{ID: "D2", FamilyName: "王", GivenName: "芳", LatinFamilyName: "Wang", LatinGivenName: "Fang", Organization: "CAICT",
			Country: "CN", Role: "delegate", Status: "confirmed"},
		{ID: "D3", FamilyName: "Кузнецов", GivenName: "Алексей", Organization: "@Минцифры", Country: "RU", Role: "delegate", Status: "registered"},
	}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 8, 47, 0, 0, zurich)
	f.now.Store(&at)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	for _, id := range []string{"D2", "D1"} {
		if resp, body := b.api("POST", "/api/delegates/"+id+"/checkins", `{}`); resp.StatusCode != 200 {
			t.Fatalf("check in %s: %d %s", id, resp.StatusCode, body)
		}
	}

	get := func(path, wantFile string) [][]string {
		t.Helper()
		resp, body := b.api("GET", path, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if got := resp.Header.Values("Content-Type"); len(got) != 1 || got[0] != "text/csv; charset=utf-8" {
			t.Errorf("%s: Content-Type %q, want exactly text/csv; charset=utf-8", path, got)
		}
		if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="`+wantFile+`"`; got != want {
			t.Errorf("%s: Content-Disposition %q, want %q", path, got, want)
		}
		if !strings.HasPrefix(body, kiosk.BOM) {
			t.Errorf("%s: no BOM at the start: %q", path, body[:min(len(body), 12)])
		}
		rows, err := csv.NewReader(kiosk.StripBOM(strings.NewReader(body))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return rows
	}

	taps := get("/api/checkins.csv?date=2026-11-23", "checkins-2026-11-23.csv")
	if len(taps) != 3 || !slices.Equal(taps[0], kiosk.CheckinsHeader) || taps[1][3] != "王 芳" && taps[1][3] != "王芳" {
		t.Errorf("tap log: %q", taps)
	}

	rows := get("/api/attendance.csv", "attendance.csv")
	days := []string{"2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"}
	want := [][]string{
		append(append(slices.Clone(kiosk.AttendanceHeader), days...), kiosk.AttendanceTotal),
		{"D1", "Müller", "Jürgen", "", "", "BNetzA", "DE", "head", "registered", "", "", "08:47", "", "", "", "", "", "1"},
		{"D2", "王", "芳", "Wang", "Fang", "CAICT", "CN", "delegate", "confirmed", "", "", "08:47", "", "", "", "", "", "1"},
		{"D3", "Кузнецов", "Алексей", "", "", "'@Минцифры", "RU", "delegate", "registered", "", "", "", "", "", "", "", "", "0"},
	}
	if len(rows) != len(want) {
		t.Fatalf("attendance: %d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("attendance row %d:\ngot  %q\nwant %q", i, rows[i], want[i])
		}
	}

	// The dashboard links to both, labelled in the page's language.
	link := regexp.MustCompile(`href="/api/attendance\.csv"[^>]*><span aria-hidden="true">⤓</span> ([^<]+)</a>`)
	for lang, want := range map[string]string{"en": "Download attendance by delegate (CSV)", "ar": "تنزيل الحضور حسب المندوب (CSV)", "zh": "按代表下载出席情况（CSV）"} {
		_, page := b.get("/desk/dashboard?lang=" + lang)
		m := link.FindStringSubmatch(page)
		if !strings.Contains(page, `href="/api/checkins.csv"`) || m == nil || m[1] != want {
			t.Errorf("dashboard (%s): attendance link %q, want %q beside the tap log's", lang, m, want)
		}
	}

	// Without a session: 401, like every staff API.
	resp, err := http.Get(f.url + "/api/attendance.csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("attendance.csv without a session: %d, want 401", resp.StatusCode)
	}
}
