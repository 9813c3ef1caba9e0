package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"checkin/kiosk/web"
	"checkin/kiosk/web/browsertest"
)

// deskOpen finds a delegate by q, typed into the empty search box, and opens
// the card whose name holds name.
func deskOpen(t *testing.T, ctx context.Context, q, name string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`[data-testid="search"]`), q),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitText(t, ctx, `[data-testid="result"]`, name)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="result"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitText(t, ctx, `[data-testid="card-name"]`, name)
}

// TestDeskRefusalClears: "this badge belongs to …" answers one bind; it
// must not stand beside the answer to whatever the clerk does next. It
// goes on Esc, on the next action and on the next desk tap.
func TestDeskRefusalClears(t *testing.T) {
	f := staffFixture(t)
	ctx := browsertest.New(t, 1366, 768)
	signIn(t, ctx, f, "/desk", `[data-testid="search"]`)
	deskOpen(t, ctx, "carla", "Carla")
	f.waitSubscribed(t, 1)

	conflict := func() {
		t.Helper()
		// B toggles waiting for a badge: press it only when not waiting.
		waiting, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("bind-waiting").hidden`))
		if err != nil {
			t.Fatal(err)
		}
		if !waiting {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="bind"]`))); err != nil {
				t.Fatal(err)
			}
		}
		if err := chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="bind-uid"]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-testid="bind-uid"]`), "0a:0b:0c:0d:0e\r"),
		); err != nil {
			t.Fatal(err)
		}
		browsertest.WaitText(t, ctx, `[data-testid="bind-status"]`, "Jürgen Müller")
	}
	gone := func(after string) {
		t.Helper()
		browsertest.WaitJS(t, ctx, "the refusal to go "+after,
			`document.querySelector('[data-testid="bind-status"]').hidden`)
	}

	conflict()
	browsertest.Screenshot(t, ctx, "desk-refusal")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\x1b")); err != nil {
		t.Fatal(err)
	}
	gone("on Esc")

	conflict()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="checkin"]`))); err != nil {
		t.Fatal(err)
	}
	gone("on the next action")
	// The action's own answer is shown: Carla's registration is cancelled.
	browsertest.WaitJS(t, ctx, "the check-in's own answer",
		`!document.getElementById("action-status").hidden`)

	conflict()
	// Still waiting: the next badge on the desk reader is bound, and the
	// status says so instead of the refusal.
	f.server.PublishDeskTap(web.DeskTap{UID: "0F0F0F0F0F", Source: "rfid", Reader: "/dev/ttyDESK", Gate: "desk", At: f.Now()})
	browsertest.WaitJS(t, ctx, "the refusal to give way to the next desk tap's answer",
		`(() => { const b = document.querySelector('[data-testid="bind-status"]');
		  return !b.textContent.includes("Müller") && b.textContent.includes("0F0F0F0F0F"); })()`)
}

// TestDeskTimesInMeetingZone runs the desk and the dashboard in a browser set to Tokyo
// (UTC+9) for a meeting in Zurich (UTC+1): the badge's "added" time and the
// tap's time are the meeting's wall clock, as on the entrance screen.
func TestDeskTimesInMeetingZone(t *testing.T) {
	f := staffFixture(t)
	ctx := browsertest.New(t, 1366, 768)
	tokyo := chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"})
		return err
	})
	if err := chromedp.Do(ctx, tokyo); err != nil {
		t.Fatal(err)
	}
	zone, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Intl.DateTimeFormat().resolvedOptions().timeZone`))
	if err != nil || zone != "Asia/Tokyo" {
		t.Fatalf("browser zone = %q, %v; the override did not take", zone, err)
	}
	// Taps at 10:17 Zurich: 18:17 in Tokyo, 09:17 UTC.
	at := time.Date(2026, 11, 22, 10, 17, 0, 0, zurich)
	f.now.Store(&at)
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E","gate":"main"}`)

	signIn(t, ctx, f, "/desk", `[data-testid="search"]`)
	deskOpen(t, ctx, "muller", "Jürgen Müller")
	badges := browsertest.WaitText(t, ctx, `[data-testid="badges"]`, "10:00")
	taps := browsertest.WaitText(t, ctx, `[data-testid="taps"]`, "10:17")
	for _, wrong := range []string{"18:00", "09:00", "18:17", "09:17"} {
		if strings.Contains(badges+taps, wrong) {
			t.Errorf("the desk shows %s (the browser's or UTC's clock): badges %q, taps %q", wrong, badges, taps)
		}
	}
	browsertest.Screenshot(t, ctx, "desk-meeting-zone")

	// The dashboard's live taps, the same way.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/desk/dashboard"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="arrivals"]`))); err != nil {
		t.Fatal(err)
	}
	f.waitSubscribed(t, 1)
	later := time.Date(2026, 11, 22, 10, 21, 0, 0, zurich)
	f.now.Store(&later)
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E","gate":"main","direction":"out"}`)
	if recent := browsertest.WaitText(t, ctx, `[data-testid="recent"]`, "10:21"); strings.Contains(recent, "18:21") {
		t.Errorf("the dashboard shows the browser's clock: %q", recent)
	}
	// Countries by the kiosk's UN names: the name table must be found (an
	// element id shared with the chart once hid it, leaving bare codes).
	browsertest.WaitText(t, ctx, `[data-testid="by-country"]`, "Germany (DE)")
	for _, page := range []string{"/desk/dashboard", "/desk"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.url+page), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		dup, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const seen = new Set(); for (const e of document.querySelectorAll("[id]")) { if (seen.has(e.id)) return e.id; seen.add(e.id); } return ""; })()`))
		if err != nil || dup != "" {
			t.Errorf("%s: element id %q is used twice (%v)", page, dup, err)
		}
	}
}
