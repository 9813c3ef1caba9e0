package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/web"
	"checkin/kiosk/web/browsertest"
)

// TestDeskInBrowser is the desk's morning in Chromium: sign in through the
// form, find "Müller" by typing "muller", bind a new badge by tapping it on
// the desk reader, then watch an entrance tap arrive on the dashboard.
func TestDeskInBrowser(t *testing.T) {
	f := staffFixture(t)
	ctx := browsertest.New(t, 1366, 768)
	waitText := func(sel, want string) string { t.Helper(); return browsertest.WaitText(t, ctx, sel, want) }
	waitSubscribed := func(n int) { t.Helper(); f.waitSubscribed(t, n) }

	// Signed out, the desk sends the browser to the login form.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/desk"), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "desk-login")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "dana"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "correct horse battery\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="search"]`)),
	); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/desk") {
		t.Errorf("after login the browser is at %s, want /desk", loc)
	}

	// Search as you type: the focus is already in the search box.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`[data-testid="search"]`), "muller")); err != nil {
		t.Fatal(err)
	}
	waitText(`[data-testid="result"]`, "Müller")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="result"]`))); err != nil {
		t.Fatal(err)
	}
	waitText(`[data-testid="card-name"]`, "Jürgen Müller")
	waitSubscribed(1)

	// Bind by tap: the next desk-reader badge goes to the open delegate.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="bind"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="bind-waiting"]`)),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "desk-bind-waiting")
	f.server.PublishDeskTap(web.DeskTap{UID: "04A1B2C3D4E5F6", Source: "rfid", Reader: "/dev/ttyDESK", Gate: "desk", At: f.Now()})
	waitText(`[data-testid="badges"]`, "04A1B2C3D4E5F6")
	status := waitText(`[data-testid="bind-status"]`, "04A1B2C3D4E5F6")
	if !strings.Contains(status, "bound") {
		t.Errorf("bind status = %q, want it to say the badge is bound", status)
	}
	holder, err := f.db.BadgeHolder(context.Background(), "04A1B2C3D4E5F6")
	if err != nil || holder.ID != "D1" {
		t.Fatalf("badge holder after a desk tap = %v, %v; want D1", holder, err)
	}
	browsertest.Screenshot(t, ctx, "desk-bound")

	// A new QR pass (POST, never the one D1 holds): shown in a dialog,
	// listed with no revoke button (a new pass replaces it).
	earlier, err := f.server.Desk.IssuePass(context.Background(), "ada", "D1")
	if err != nil {
		t.Fatal(err)
	}
	later := f.Now().Add(2 * time.Second) // a different issue second
	f.now.Store(&later)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="pass"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm-ok"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="confirm-ok"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="pass-dialog"]`)),
	); err != nil {
		t.Fatal(err)
	}
	shown := waitText(`[data-testid="pass-token"]`, "CK1.")
	current, err := f.db.CurrentPass(context.Background(), "D1")
	if err != nil || current.Token != shown || shown == earlier.Token {
		t.Fatalf("the desk shows %q; the current pass is %q (%v), the earlier %q", shown, current.Token, err, earlier.Token)
	}
	waitText(`[data-testid="badges"]`, current.UID)
	revokable, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('[data-uid="`+current.UID+`"] [data-testid="revoke"]')`))
	if err != nil || revokable {
		t.Errorf("the pass has a revoke button (%v)", err)
	}
	browsertest.Screenshot(t, ctx, "desk-pass")

	// A badge that belongs to someone else is refused, naming the holder.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/desk"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="search"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="search"]`), "carla"),
	); err != nil {
		t.Fatal(err)
	}
	waitText(`[data-testid="result"]`, "Carla")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="result"]`))); err != nil {
		t.Fatal(err)
	}
	waitText(`[data-testid="card-name"]`, "Carla")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="bind"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="bind-uid"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="bind-uid"]`), "04:a1:b2:c3:d4:e5:f6\r"),
	); err != nil {
		t.Fatal(err)
	}
	waitText(`[data-testid="bind-status"]`, "Jürgen Müller")
	browsertest.Screenshot(t, ctx, "desk-bind-conflict")

	// The dashboard sees an entrance tap live.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/desk/dashboard"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="arrivals"]`))); err != nil {
		t.Fatal(err)
	}
	waitText(`[data-testid="arrivals"]`, "0")
	waitSubscribed(1)
	post(t, f.url+"/api/taps", `{"uid":"04A1B2C3D4E5F6","gate":"main"}`)
	waitText(`[data-testid="arrivals"]`, "1")
	waitText(`[data-testid="recent"]`, "Jürgen Müller")
	waitText(`[data-testid="inside"]`, "1")
	browsertest.Screenshot(t, ctx, "desk-dashboard")
}
