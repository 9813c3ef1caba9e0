package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/sqlitedb/sqlitetest"
	"checkin/kiosk/web/browsertest"
)

// TestEntranceScreenInBrowser drives the entrance screen in Chromium: idle
// prompt, a welcome with name and sessions, a rejection with the reason and
// the way to the desk, and the return to idle. Screenshots are kept.
func TestEntranceScreenInBrowser(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	f := newFixture(t)
	ctx := browsertest.New(t, 1920, 1080)
	text := func(sel string) string { t.Helper(); return browsertest.Text(t, ctx, sel) }
	expect := func(sel, want string) {
		t.Helper()
		if got := text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	bodyClass := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.className`))
			if err == nil && got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("body class = %q, want %q", got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// Wait until the page's event stream is subscribed before tapping.
	waitSubscribed := func(n int) { t.Helper(); f.waitSubscribed(t, n) }

	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/"), chromedp.WaitVisible("#idle h1")); err != nil {
		t.Fatal(err)
	}
	waitSubscribed(1)
	expect("#idle h1", "Tap your badge")
	browsertest.Screenshot(t, ctx, "entrance-idle")

	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	bodyClass("accepted")
	expect("#name", "Jürgen Müller")
	expect("#headline", "Welcome") // first arrival
	if got := text("#session-list"); !strings.Contains(got, "WP1/12 plenary") || !strings.Contains(got, "Popov Room") {
		t.Errorf("sessions = %q", got)
	}
	expect("#mark", "✓") // colour must not be the only signal
	browsertest.Screenshot(t, ctx, "entrance-welcome")

	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	browsertest.WaitText(t, ctx, "#headline", "Welcome back")

	// Carla's language is French: the screen answers her in French.
	post(t, f.url+"/api/taps", `{"uid":"2222222222"}`)
	bodyClass("rejected")
	expect("#headline", "Votre inscription a été annulée")
	expect("#action", "Veuillez vous rendre au bureau d'inscription")
	browsertest.Screenshot(t, ctx, "entrance-rejected-cancelled")

	post(t, f.url+"/api/taps", `{"uid":"DEADBEEF"}`)
	browsertest.WaitText(t, ctx, "#headline", "We don't recognise this badge")
	expect("#name", "") // an unknown badge has no name
	browsertest.Screenshot(t, ctx, "entrance-rejected-unknown")

	// Back to idle by itself after the rejection has been shown (9 s).
	time.Sleep(5 * time.Second)
	browsertest.WaitJS(t, ctx, "back to idle", `document.body.className === "idle"`)

	// Kill the event stream (as a kiosk restart would): the screen shows the
	// staff strip, then reconnects by itself.
	f.server.Hub.Close()
	browsertest.WaitJS(t, ctx, "status strip after the stream ended", `!document.getElementById("status").hidden`)
	browsertest.Screenshot(t, ctx, "entrance-offline")
}

// TestEntranceKeepsTheKioskClock runs the entrance screen with the
// browser's clock a week ahead, a week behind and right, while the kiosk's
// clock stands on another day than the machine's: the screen's clock, the
// sessions still to come and the return to idle follow the kiosk.
func TestEntranceKeepsTheKioskClock(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	for _, skew := range []time.Duration{7 * 24 * time.Hour, -7 * 24 * time.Hour, 0} {
		t.Run(fmt.Sprintf("browser%+dh", int(skew.Hours())), func(t *testing.T) {
			f := newFixture(t)
			ctx := browsertest.NewSkewed(t, 1366, 768, skew)
			if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/"), chromedp.WaitVisible("#idle h1")); err != nil {
				t.Fatal(err)
			}
			// The browser's clock really is off by skew (else this test
			// proves nothing).
			off, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`Date.now() - performance.timeOrigin - performance.now()`))
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Duration(off) * time.Millisecond; (d - skew).Abs() > time.Minute {
				t.Fatalf("browser clock is off by %v, want %v", d, skew)
			}
			f.waitSubscribed(t, 1)
			browsertest.WaitJS(t, ctx, "clock shows the kiosk's time", `document.getElementById("clock").textContent === "10:00"`)

			post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
			browsertest.WaitJS(t, ctx, "welcome", `document.body.className === "accepted"`)
			list, err := chromedp.Run(ctx, chromedp.TextContent("#session-list"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(list, "WP1/12 plenary") {
				t.Errorf("sessions at 10:00 = %q, want the 14:00 plenary", list)
			}
			browsertest.WaitJS(t, ctx, "back to idle", `document.body.className === "idle"`)

			// Evening on the kiosk: the day's sessions are over, whatever
			// the browser thinks, and the clock follows the tap's time.
			evening := time.Date(2026, 11, 22, 18, 5, 0, 0, zurich)
			f.now.Store(&evening)
			post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
			browsertest.WaitJS(t, ctx, "welcome back", `document.getElementById("headline").textContent === "Welcome back"`)
			browsertest.WaitJS(t, ctx, "no sessions left", `document.getElementById("session-list").children.length === 0`)
			browsertest.WaitJS(t, ctx, "clock follows the kiosk", `document.getElementById("clock").textContent === "18:05"`)
		})
	}
}

// TestEntranceOutOfOrderWhenTapsCannotBeSaved: when taps cannot be written
// the entrance screen stops inviting taps, sends people to the desk and
// tells staff why in its strip; when taps go through again it is back.
func TestEntranceOutOfOrderWhenTapsCannotBeSaved(t *testing.T) {
	f := newFixture(t)
	ctx := browsertest.New(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/"), chromedp.WaitVisible("#prompt")); err != nil {
		t.Fatal(err)
	}
	f.waitSubscribed(t, 1)
	screen := func() (prompt, hint, status string, hidden, outOfOrder bool) {
		if idle, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("idle").hidden`)); !idle {
			prompt = "(a tap's result) "
		}
		text, _ := chromedp.Run(ctx, chromedp.TextContent("#prompt"))
		prompt += text
		hint, _ = chromedp.Run(ctx, chromedp.TextContent("#hint"))
		status, _ = chromedp.Run(ctx, chromedp.TextContent("#status"))
		hidden, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("status").hidden`))
		outOfOrder, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.classList.contains("out-of-order")`))
		return
	}
	waitScreen := func(what string, ok func(prompt, hint, status string, hidden, outOfOrder bool) bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			p, h, s, hid, o := screen()
			if ok(p, h, s, hid, o) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: prompt %q, hint %q, status %q (hidden %v), out of order %v", what, p, h, s, hid, o)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	room := sqlitetest.Fill(t, f.db.Writer)
	tapUntilRefused(t, f)
	waitScreen("out of order", func(p, h, s string, hid, o bool) bool {
		return p == "Entrance out of order" && h == "Please go to the registration desk" && o && !hid &&
			strings.Contains(s, "Check-ins cannot be saved on this kiosk (disk full)")
	})
	browsertest.Screenshot(t, ctx, "entrance-store-failing")

	room(true)
	scenario{name: "tap with room again", method: "POST", path: "/api/taps", body: `{"uid":"0A0B0C0D0E"}`, status: 200}.run(t, f.url)
	waitScreen("back in order", func(p, h, s string, hid, o bool) bool {
		return strings.HasSuffix(p, "Tap your badge") && hid && !o
	})
}

// TestEntranceIgnoresRoomDoorTaps: a tap at a room door (its own screen is
// /door) never shows on the entrance screen; the next entrance tap does.
func TestEntranceIgnoresRoomDoorTaps(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := browsertest.New(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "idle", `document.body.className === "idle"`)
	f.waitSubscribed(t, 1)
	// Every class the body takes from now on.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.seen = []; new MutationObserver(() => window.seen.push(document.body.className)).observe(document.body, {attributes: true}); 0`)); err != nil {
		t.Fatal(err)
	}
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E","room":"Room K","direction":"out"}`) // accepted at that door
	post(t, f.url+"/api/taps", `{"uid":"DEADBEEF"}`)                                     // then refused at the entrance
	browsertest.WaitText(t, ctx, "#headline", "We don't recognise this badge")
	seen, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.seen`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range seen {
		if c == "accepted" {
			t.Errorf("the room door's tap showed on the entrance screen: classes %v", seen)
		}
	}
}
