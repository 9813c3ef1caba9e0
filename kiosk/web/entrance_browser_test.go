package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/web/browsertest"
)

// TestEntranceScreenInBrowser drives the entrance screen in Chromium: idle
// prompt, a welcome with name and sessions, a rejection with the reason and
// the way to the desk, and the return to idle. Screenshots are kept.
func TestEntranceScreenInBrowser(t *testing.T) {
	f := newFixture(t)
	ctx := browsertest.New(t, 1920, 1080)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.TextContent(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
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
	if got := text("#idle h1"); got != "Tap your badge" {
		t.Errorf("idle prompt = %q", got)
	}
	browsertest.Screenshot(t, ctx, "entrance-idle")

	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	bodyClass("accepted")
	if got := text("#name"); got != "Jürgen Müller" {
		t.Errorf("welcome name = %q", got)
	}
	if got := text("#headline"); got != "Welcome" {
		t.Errorf("headline = %q, want Welcome (first arrival)", got)
	}
	if got := text("#session-list"); !strings.Contains(got, "WP1/12 plenary") || !strings.Contains(got, "Popov Room") {
		t.Errorf("sessions = %q", got)
	}
	if got := text("#mark"); got != "✓" {
		t.Errorf("mark = %q: colour must not be the only signal", got)
	}
	browsertest.Screenshot(t, ctx, "entrance-welcome")

	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	deadline := time.Now().Add(5 * time.Second)
	for text("#headline") != "Welcome back" {
		if time.Now().After(deadline) {
			t.Fatalf("second tap headline = %q, want Welcome back", text("#headline"))
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Carla's language is French: the screen answers her in French.
	post(t, f.url+"/api/taps", `{"uid":"2222222222"}`)
	bodyClass("rejected")
	if got := text("#headline"); got != "Votre inscription a été annulée" {
		t.Errorf("reason = %q", got)
	}
	if got := text("#action"); got != "Veuillez vous rendre au bureau d'inscription" {
		t.Errorf("action = %q", got)
	}
	browsertest.Screenshot(t, ctx, "entrance-rejected-cancelled")

	post(t, f.url+"/api/taps", `{"uid":"DEADBEEF"}`)
	deadline = time.Now().Add(5 * time.Second)
	for text("#headline") != "We don't recognise this badge" {
		if time.Now().After(deadline) {
			t.Fatalf("unknown badge headline = %q", text("#headline"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := text("#name"); got != "" {
		t.Errorf("unknown badge shows a name %q", got)
	}
	browsertest.Screenshot(t, ctx, "entrance-rejected-unknown")

	// Back to idle by itself after the rejection has been shown.
	deadline = time.Now().Add(15 * time.Second)
	for {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.className`))
		if got == "idle" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen did not return to idle")
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Kill the event stream (as a kiosk restart would): the screen shows the
	// staff strip, then reconnects by itself.
	f.server.Hub.Close()
	deadline = time.Now().Add(10 * time.Second)
	for {
		hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("status").hidden`))
		if !hidden {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status strip not shown after the stream ended")
		}
		time.Sleep(50 * time.Millisecond)
	}
	browsertest.Screenshot(t, ctx, "entrance-offline")
}

// TestEntranceKeepsTheKioskClock runs the entrance screen with the
// browser's clock a week ahead, a week behind and right, while the kiosk's
// clock stands on another day than the machine's: the screen's clock, the
// sessions still to come and the return to idle follow the kiosk.
func TestEntranceKeepsTheKioskClock(t *testing.T) {
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
