package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"checkin/kiosk/web/browsertest"
)

// TestDeskPrintWarningInBrowser: printing the badge of a cancelled
// delegate from the desk asks first, saying why; Esc cancels and prints
// nothing; "Print anyway" (focused, so Enter chooses it) prints.
func TestDeskPrintWarningInBrowser(t *testing.T) {
	f := staffFixture(t)
	f.server.Desk.Render = cardPrinter(t)
	ctx := browsertest.New(t, 1366, 768)
	printed := func() int {
		t.Helper()
		log, err := f.db.AuditLog(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range log {
			if e.Action == "badge.print" && strings.HasPrefix(e.Detail, "D2 ") {
				n++
			}
		}
		return n
	}
	signIn(t, ctx, f, "/desk", `[data-testid="search"]`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`[data-testid="search"]`), "carla")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitText(t, ctx, `[data-testid="result"]`, "Carla")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="result"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitText(t, ctx, `[data-testid="card-name"]`, "Carla")

	// P, the print shortcut, from the keyboard.
	openDialog := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement && document.activeElement.blur(), true`)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx,
			chromedp.KeyEvent("p"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm"]`)),
		); err != nil {
			t.Fatal(err)
		}
	}
	openDialog()
	text := browsertest.WaitText(t, ctx, `[data-testid="confirm"]`, "cancelled")
	if !strings.Contains(text, "Carla Cancelled") || !strings.Contains(text, "Print anyway") {
		t.Errorf("the warning says %q; want the name, the reason and Print anyway", text)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.dataset.testid || ""`))
	if err != nil || focused != "confirm-ok" {
		t.Errorf("focus is on %q (%v), want Print anyway", focused, err)
	}
	browsertest.Screenshot(t, ctx, "desk-print-warning")

	// Esc cancels: the dialog closes, nothing is printed.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(`[data-testid="confirm"]`))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // a print, if one were sent, would have arrived
	if n := printed(); n != 0 {
		t.Fatalf("Esc printed %d badges", n)
	}

	// Enter on the focused "Print anyway" prints, with the confirmation.
	openDialog()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitNotVisible(chromedp.CSS(`[data-testid="confirm"]`))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for printed() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("Print anyway printed no badge")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
