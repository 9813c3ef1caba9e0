package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/web/browsertest"
)

// TestDashboardSessionsInBrowser: the desk's dashboard lists the day's
// sessions beside the day's figures; a tap at a room door shows at once
// as one more who came in and one inside under the session the room holds
// now, which stands out, with its attendance report a click away. In
// English, then Arabic (right to left).
func TestDashboardSessionsInBrowser(t *testing.T) {
	f := staffFixture(t)
	at := time.Date(2026, 11, 22, 14, 5, 0, 0, zurich) // WP1/12 plenary runs in Popov Room
	f.now.Store(&at)
	ctx := browsertest.New(t, 1366, 900)
	signIn(t, ctx, f, "/desk/dashboard", `[data-testid="sessions"]`)
	cell := func(session, what string) string {
		return `document.querySelector('[data-session="` + session + `"] [data-testid="session-` + what + `"]')`
	}
	is := func(session, what, want string) {
		t.Helper()
		browsertest.WaitJS(t, ctx, session+" "+what+" = "+want, `(() => { const c = `+cell(session, what)+`;
			return c !== null && c.textContent === "`+want+`"; })()`)
	}
	is("s1", "attended", "0")
	is("s1", "inside", "0")
	is("s2", "attended", "0")
	f.waitSubscribed(t, 1)

	doorTapAt(t, f, "14:05", "0A0B0C0D0E", "Popov Room", "in")
	is("s1", "attended", "1")
	is("s1", "inside", "1")
	is("s2", "inside", "0") // Room K's session is over
	browsertest.WaitJS(t, ctx, "the running session stands out", `document.querySelector('[data-session="s1"]').classList.contains("now") &&
		!document.querySelector('[data-session="s2"]').classList.contains("now")`)
	browsertest.WaitText(t, ctx, `[data-testid="recent"]`, "Popov Room")
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-session="s1"] a[download]').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	if href != "/api/sessions/s1/attendance.csv" {
		t.Errorf("s1's report link: %q", href)
	}
	if text := browsertest.Text(t, ctx, `[data-session="s1"]`); !strings.Contains(text, "14:00–17:30") || !strings.Contains(text, "WP1/12 plenary") {
		t.Errorf("s1's row: %q", text)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="sessions"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "desk-dashboard-sessions")

	// Out again: still came in, no longer inside.
	doorTapAt(t, f, "14:20", "0A0B0C0D0E", "Popov Room", "out")
	is("s1", "inside", "0")
	is("s1", "attended", "1")

	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/desk/dashboard?lang=ar"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="sessions"]`))); err != nil {
		t.Fatal(err)
	}
	is("s1", "attended", "1")
	browsertest.WaitText(t, ctx, `#h-sessions`, "جلسات اليوم")
	if problems := browsertest.ContrastProblems(t, ctx); len(problems) > 0 {
		t.Errorf("contrast problems: %q", problems)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="sessions"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "desk-dashboard-sessions-ar")
}
