package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/web/browsertest"
)

// TestContrast checks every screen's texts against WCAG 2.2 AA contrast:
// the entrance idle and after taps, the lobby, and the staff pages.
// Struck-through text (cancelled sessions) is exempt, as incidental.
func TestContrast(t *testing.T) {
	f := staffFixture(t)
	loadLobbyDay(t, f)
	ctx := browsertest.New(t, 1920, 1080)
	check := func(name string) {
		t.Helper()
		for _, p := range browsertest.ContrastProblems(t, ctx) {
			t.Errorf("%s: %s", name, p)
		}
	}
	open := func(url, ready string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(ready))); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}

	open(f.url+"/", "#idle h1")
	check("entrance idle")
	f.waitSubscribed(t, 1)
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	browsertest.WaitJS(t, ctx, "welcome", `document.body.className === "accepted"`)
	check("entrance welcome")
	post(t, f.url+"/api/taps", `{"uid":"2222222222"}`)
	browsertest.WaitJS(t, ctx, "rejected", `document.body.className === "rejected"`)
	check("entrance rejected")

	for _, q := range []string{"?at=" + lobbyAt("14:20"), "?at=" + lobbyAt("14:20") + "&lang=ar", "?at=" + lobbyAt("10:00") + "&lang=zh"} {
		open(f.url+"/lobby"+q, "#board")
		check("lobby " + q)
	}

	open(f.url+"/login", `input[name="username"]`)
	check("login")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "dana"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "correct horse battery\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="search"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="search"]`), "muller"),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "result", `document.querySelector('[data-testid="result"]') !== null`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="result"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "card", `(document.querySelector('[data-testid="card-name"]') || {}).textContent === "Jürgen Müller"`)
	check("desk with a card")
	open(f.url+"/desk/dashboard", `[data-testid="arrivals"]`)
	check("dashboard")

	// The check itself sees faint text (#999 on white is 2.85:1).
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const p = document.createElement("p");
		p.textContent = "faint"; p.style.cssText = "color:#999;background:#fff;font-size:16px"; document.body.append(p); return true })()`)); err != nil {
		t.Fatal(err)
	}
	if got := browsertest.ContrastProblems(t, ctx); len(got) != 1 || !strings.Contains(got[0], `"faint"`) {
		t.Errorf("contrast check on planted faint text = %q, want it alone", got)
	}
}
