package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/web"
	"checkin/kiosk/web/browsertest"
)

// TestEntranceRegistryStrip: with the registry unreachable the staff strip
// says so (taps are kept); when it is back the strip hides.
func TestEntranceRegistryStrip(t *testing.T) {
	f := newFixture(t)
	f.server.Sync = func() web.RegistryStatus { return web.RegistryStatus{Configured: true, Reachable: false, Outbox: 12} }
	ctx := browsertest.New(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/"), chromedp.WaitVisible("#status")); err != nil {
		t.Fatal(err)
	}
	got, _ := chromedp.Run(ctx, chromedp.TextContent("#status"))
	if !strings.Contains(got, "Registry unreachable") {
		t.Errorf("status strip = %q", got)
	}
	if prompt, _ := chromedp.Run(ctx, chromedp.TextContent("#prompt")); prompt != "Tap your badge" {
		t.Errorf("prompt with the registry down = %q: the kiosk still checks people in", prompt)
	}
	browsertest.Screenshot(t, ctx, "entrance-registry-offline")
	f.server.PublishRegistry(web.RegistryStatus{Configured: true, Reachable: true})
	deadline := time.Now().Add(5 * time.Second)
	for {
		hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("status").hidden`))
		if hidden {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("strip still shown after the registry came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
