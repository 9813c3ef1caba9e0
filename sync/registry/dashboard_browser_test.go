package registry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/web/browsertest"
	wire "checkin/sync"
	"checkin/sync/registry"
)

// TestDashboardInBrowser: the registry dashboard shows kiosks, arrivals and
// a badge conflict, in a real browser.
func TestDashboardInBrowser(t *testing.T) {
	// The registry's clock stands on a fixed day, not the machine's.
	now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	f := newFixture(t, func(s *registry.Server) {
		s.Now = func() time.Time { return now }
		s.Addr = "127.0.0.1:0"
		if err := s.Open(); err != nil {
			t.Fatal(err)
		}
	})
	ctx := context.Background()
	f.store.AddCheckins(ctx, "north", []wire.CheckinEvent{{ID: "e1", DelegateID: "D1", UID: "0A0B0C0D0E", Source: "rfid",
		Gate: "montbrillant", Direction: "in", At: now, Result: "accepted"}}, now)
	f.store.ApplyBadgeEvents(ctx, "desk-a", []wire.BadgeEvent{{ID: "b1", Op: "bind", UID: "0A0B0C0D0E", DelegateID: "D1", At: now}}, now)
	f.run(t, scenario{name: "kiosk seen", method: "GET", path: "/sync/v1/changes", token: "good-token", status: 200})

	f.login(t) // creates olga's login
	bctx := browsertest.New(t, 1280, 900)
	// Signed out, the dashboard sends the browser to the sign-in form.
	if err := chromedp.Do(bctx, chromedp.Navigate(f.server.URL()+"/"), chromedp.WaitVisible(`input[name="username"]`)); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, bctx, "registry-login")
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "olga"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "registry operator pw\r"),
		chromedp.WaitVisible("main .figures"),
	); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(bctx, chromedp.TextContent("main"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 arrived today", "north", "montbrillant"} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("dashboard lacks %q: %s", want, strings.Join(strings.Fields(text), " "))
		}
	}
	if who, _ := chromedp.Run(bctx, chromedp.TextContent("header .signout")); !strings.Contains(who, "olga") {
		t.Errorf("header = %q, want the signed-in operator", who)
	}
	browsertest.Screenshot(t, bctx, "registry-dashboard")
}
