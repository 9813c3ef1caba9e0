package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"checkin/badge/card"
	"checkin/kiosk"
	"checkin/kiosk/phototest"
)

// cardPrinter prints badges with the real card renderer, as the binary
// does (cmd/checkin's badgePrinter adds the notice and the dates).
func cardPrinter(t testing.TB) kiosk.BadgeRenderer {
	t.Helper()
	r, err := card.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return func(w io.Writer, d kiosk.Delegate, m kiosk.Meeting, token, layout string, photo []byte) error {
		l, err := card.ParseLayout(layout)
		if err != nil {
			return kiosk.Errorf(kiosk.EINVALID, "%v", err)
		}
		return r.Render(w, card.Badge{Name: d.Name(), Role: d.Role, Meeting: m.Name, Pass: token, DelegateID: d.ID, Photo: photo}, l)
	}
}

// TestBadgePrintNeedsConfirm: the badge of a delegate the entrance would
// refuse today is a 409 naming why, unless the request confirms; the card
// tells the desk beforehand.
func TestBadgePrintNeedsConfirm(t *testing.T) {
	f := staffFixture(t)
	f.server.Desk.Render = cardPrinter(t)
	var b *browser
	// at moves the clock, and signs in anew: a session idle for days ends.
	at := func(day int) {
		t.Helper()
		now := time.Date(2026, 11, day, 10, 0, 0, 0, zurich)
		f.now.Store(&now)
		b = newBrowser(t, f.url)
		if resp := b.login("dana", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", resp.StatusCode)
		}
	}
	for _, tc := range []struct {
		name, id     string
		day          int
		reason, date string
		says         string
	}{
		{"cancelled", "D2", 22, kiosk.PrintCancelled, "", "registration cancelled"},
		{"before the meeting", "D1", 20, kiosk.PrintNotYetValid, "2026-11-21", "valid only from 2026-11-21"},
		{"after the meeting", "D1", 29, kiosk.PrintExpired, "2026-11-28", "no longer valid after 2026-11-28"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at(tc.day)
			resp, body := b.get("/api/delegates/" + tc.id + "/badge.pdf?layout=a6")
			var problem struct{ Error, Code, Reason, Date string }
			if err := json.Unmarshal([]byte(body), &problem); err != nil || resp.StatusCode != http.StatusConflict ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("unconfirmed: %d %s %q (%v), want a 409 JSON problem", resp.StatusCode, resp.Header.Get("Content-Type"), body, err)
			}
			if problem.Code != kiosk.ECONFLICT || problem.Reason != tc.reason || problem.Date != tc.date || !strings.Contains(problem.Error, tc.says) {
				t.Errorf("problem %+v, want reason %q date %q saying %q", problem, tc.reason, tc.date, tc.says)
			}
			resp, body = b.get("/api/delegates/" + tc.id)
			var c struct {
				PrintWarning *struct{ Reason, Date string } `json:"print_warning"`
			}
			if err := json.Unmarshal([]byte(body), &c); err != nil || c.PrintWarning == nil || c.PrintWarning.Reason != tc.reason || c.PrintWarning.Date != tc.date {
				t.Errorf("card: %d %+v (%v), want print_warning %q %q", resp.StatusCode, c.PrintWarning, err, tc.reason, tc.date)
			}
			for _, confirm := range []string{"1", "true"} {
				resp, body = b.get("/api/delegates/" + tc.id + "/badge.pdf?layout=a6&confirm=" + confirm)
				if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
					t.Errorf("confirm=%s: %d %.40q, want the PDF", confirm, resp.StatusCode, body)
				}
			}
		})
	}
	// Valid today: printed at once, and the card has no warning.
	at(22)
	if resp, body := b.get("/api/delegates/D1/badge.pdf"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
		t.Errorf("valid today: %d %.40q", resp.StatusCode, body)
	}
	if _, body := b.get("/api/delegates/D1"); !strings.Contains(body, `"print_warning":null`) {
		t.Errorf("card of a delegate valid today: %s, want print_warning null", body)
	}
}

// TestBadgePrintCarriesPhoto: the photo taken at the desk is on the badge
// printed next, and a delegate without one gets a badge without an image.
func TestBadgePrintCarriesPhoto(t *testing.T) {
	f := staffFixture(t)
	f.server.Desk.Render = cardPrinter(t)
	b := newBrowser(t, f.url)
	if resp := b.login("dana", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	hasImage := func() bool {
		t.Helper()
		resp, body := b.get("/api/delegates/D1/badge.pdf?layout=cr80")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("badge: %d %.60q", resp.StatusCode, body)
		}
		return strings.Contains(body, "/Subtype /Image")
	}
	if hasImage() {
		t.Errorf("a badge without a photo on file has an image")
	}
	if resp, body := b.do("PUT", "/api/delegates/D1/photo", "image/jpeg", string(phototest.JPEG(7, 300, 400)), true); resp.StatusCode != http.StatusOK {
		t.Fatalf("put photo: %d %s", resp.StatusCode, body)
	}
	if !hasImage() {
		t.Errorf("the badge printed after the desk took a photo has no image")
	}
}
