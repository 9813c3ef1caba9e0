package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"checkin/kiosk"
	"checkin/kiosk/web/browsertest"
)

// TestDeskRoomsPage: staff see each room's people inside against its
// capacity, live, and reset a full room's count after asking; the reset is
// audited.
func TestDeskRoomsPage(t *testing.T) {
	f := staffFixture(t)
	ctx := context.Background()
	if err := f.db.ImportRoomsChecked(ctx, []kiosk.Room{{Name: "Room K", Building: "Tower", Capacity: 1, Overflow: "Popov Room"}, {Name: "Popov Room", Building: "Tower"}}, nil); err != nil {
		t.Fatal(err)
	}
	bctx := browsertest.New(t, 1366, 900)
	signIn(t, bctx, f, "/desk/rooms", `[data-testid="rooms"] tr[data-room="Room K"]`)
	row := `[data-testid="rooms"] tr[data-room="Room K"] `
	browsertest.WaitText(t, bctx, row+`[data-testid="state"]`, "1 seat left")
	// Leaving never needs a session; entering Room K needs group Q9/12,
	// which D1 is not in: so D1 goes out and the count stays 0, and a
	// delegate of Q9/12 comes in.
	if _, err := f.db.ReplaceRoster(ctx, append(fixtureRoster(), kiosk.Delegate{ID: "D9", FamilyName: "Nkosi", GivenName: "Thandi",
		Role: "delegate", Status: "registered", Language: "en", Groups: []string{"Q9/12"}, Badges: []string{"0909090909"}})); err != nil {
		t.Fatal(err)
	}
	post(t, f.url+"/api/taps", `{"uid":"0909090909","room":"Room K"}`)
	browsertest.WaitText(t, bctx, row+`[data-testid="state"]`, "Full")
	if got := browsertest.Text(t, bctx, row+`[data-testid="inside"]`); got != "1" {
		t.Errorf("inside = %q", got)
	}
	browsertest.Screenshot(t, bctx, "desk-rooms-full")
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.confirm = () => true; true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.Click(row+`[data-testid="reset"]`)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitText(t, bctx, row+`[data-testid="state"]`, "1 seat left")
	browsertest.WaitText(t, bctx, "#rooms-flash", "count reset")
	log, err := f.db.AuditLog(ctx, 5)
	if err != nil || len(log) == 0 || log[0].Action != "room.reset" || log[0].Actor != "dana" || !strings.Contains(log[0].Detail, "Room K") {
		t.Errorf("audit %+v %v", log, err)
	}
}
