package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/sqlitedb/sqlitetest"
	"checkin/kiosk/web/browsertest"
)

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
