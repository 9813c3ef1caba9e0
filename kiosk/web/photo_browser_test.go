package web_test

import (
	"bytes"
	"context"
	"image"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"checkin/kiosk"
	"checkin/kiosk/phototest"
	"checkin/kiosk/web/browsertest"
)

// signIn signs dana in through the form and opens path.
func signIn(t *testing.T, ctx context.Context, f *fixture, path string, ready string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/login?next="+path),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "dana"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "correct horse battery\r"),
		chromedp.WaitVisible(chromedp.CSS(ready)),
	); err != nil {
		t.Fatal(err)
	}
}

// TestDeskPhotoCapture: at the desk, "Take photo" opens the webcam
// (Chromium's fake camera), shows it live, captures a still, retakes,
// saves it as a 600×800 JPEG, and the card shows it at once.
func TestDeskPhotoCapture(t *testing.T) {
	f := staffFixture(t)
	ctx := browsertest.NewWithCamera(t, 1366, 900)
	signIn(t, ctx, f, "/desk%23D1", `[data-testid="search"]`)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/desk#D1")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitText(t, ctx, `[data-testid="card-name"]`, "Jürgen Müller")
	browsertest.WaitJS(t, ctx, "no photo yet", `!document.querySelector('[data-testid="card-nophoto"]').hidden`)

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="photo-take"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "live preview", `(() => { const v = document.querySelector('[data-testid="camera-video"]');
		return !document.querySelector('[data-testid="camera"]').hidden && v.videoWidth > 0 && !v.paused &&
			!document.querySelector('[data-testid="camera-capture"]').disabled; })()`)
	browsertest.Screenshot(t, ctx, "desk-camera")
	capture := func() {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="camera-capture"]`))); err != nil {
			t.Fatal(err)
		}
		browsertest.WaitJS(t, ctx, "still shown", `!document.querySelector('[data-testid="camera-still"]').hidden &&
			!document.querySelector('[data-testid="camera-save"]').hidden`)
	}
	capture()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="camera-retake"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "live again", `!document.querySelector('[data-testid="camera-video"]').hidden &&
		document.querySelector('[data-testid="camera-save"]').hidden`)
	capture()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="camera-save"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "photo on the card", `(() => { const i = document.querySelector('[data-testid="card-photo"]');
		return !i.hidden && i.naturalWidth > 0 && document.querySelector('[data-testid="camera"]').hidden; })()`)
	browsertest.WaitText(t, ctx, `[data-testid="action-status"]`, "Photo saved")
	live, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('[data-testid="camera-video"]').srcObject`))
	if err != nil || live {
		t.Errorf("the camera is still on after saving (%v)", err)
	}

	p, err := f.db.Photo(context.Background(), "D1")
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(p.Data))
	if err != nil || format != "jpeg" || cfg.Width != 600 || cfg.Height != 800 || p.ContentType != kiosk.PhotoJPEG {
		t.Errorf("saved photo: %s %d×%d (%v), want a 600×800 JPEG", format, cfg.Width, cfg.Height, err)
	}
	browsertest.Screenshot(t, ctx, "desk-card-photo")
}

// TestDeskPhotoNoCamera: a desk without a camera says so in words, and
// the card stays usable.
func TestDeskPhotoNoCamera(t *testing.T) {
	f := staffFixture(t)
	ctx := browsertest.New(t, 1366, 900) // no fake camera: none at all
	signIn(t, ctx, f, "/desk", `[data-testid="search"]`)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/desk#D1")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitText(t, ctx, `[data-testid="card-name"]`, "Jürgen Müller")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="photo-take"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "camera error", `!document.querySelector('[data-testid="camera-error"]').hidden`)
	msg := browsertest.Text(t, ctx, `[data-testid="camera-error"]`)
	if !strings.Contains(msg, "camera") || strings.Contains(msg, "undefined") {
		t.Errorf("camera error %q, want words about the camera", msg)
	}
	browsertest.Screenshot(t, ctx, "desk-camera-missing")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="camera-cancel"]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "camera closed", `document.querySelector('[data-testid="camera"]').hidden`)
}

// TestGuardView: the guard's screen shows each entrance tap with the
// delegate's photo large beside the name, the decision in words, "no
// photo on file" when there is none, and a short history.
func TestGuardView(t *testing.T) {
	f := staffFixture(t)
	if _, err := f.server.Desk.SetPhoto(context.Background(), "ada", "D1", phototest.JPEG(5, 600, 800)); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t, 1920, 1080)
	signIn(t, ctx, f, "/guard", `[data-testid="guard-idle"]`)
	browsertest.WaitJS(t, ctx, "live", `document.body.dataset.live === "live"`)
	browsertest.Screenshot(t, ctx, "guard-idle")

	// Carla: cancelled, no photo.
	post(t, f.url+"/api/taps", `{"uid":"2222222222"}`)
	browsertest.WaitText(t, ctx, `[data-testid="guard-name"]`, "Carla Cancelled")
	if got := browsertest.WaitText(t, ctx, `[data-testid="guard-result"]`, "REJECTED"); !strings.Contains(got, "Registration cancelled") {
		t.Errorf("result %q, want the reason in words", got)
	}
	browsertest.WaitJS(t, ctx, "no photo", `!document.querySelector('[data-testid="guard-nophoto"]').hidden &&
		document.querySelector('[data-testid="guard-photo"]').hidden`)
	browsertest.Screenshot(t, ctx, "guard-no-photo")

	// Jürgen: accepted, with his photo, large.
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	browsertest.WaitText(t, ctx, `[data-testid="guard-name"]`, "Jürgen Müller")
	browsertest.WaitText(t, ctx, `[data-testid="guard-result"]`, "ACCEPTED")
	browsertest.WaitJS(t, ctx, "photo shown", `(() => { const i = document.querySelector('[data-testid="guard-photo"]');
		return !i.hidden && i.naturalWidth === 600 && document.querySelector('[data-testid="guard-nophoto"]').hidden; })()`)
	big, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const r = document.querySelector('[data-testid="guard-photo"]').getBoundingClientRect();
		const n = document.querySelector('[data-testid="guard-name"]').getBoundingClientRect();
		return r.height >= innerHeight * 0.5 && r.bottom <= innerHeight && n.left > r.right && n.top < r.bottom; })()`))
	if err != nil || !big {
		t.Errorf("the photo is not at least half the screen's height with the name beside it (%v)", err)
	}
	browsertest.WaitJS(t, ctx, "history", `document.querySelectorAll('[data-testid="guard-history-row"]').length === 2`)
	if first := browsertest.Text(t, ctx, `[data-testid="guard-history-row"]`); !strings.Contains(first, "Jürgen Müller") {
		t.Errorf("newest history row %q, want Jürgen Müller", first)
	}
	if probs := browsertest.ContrastProblems(t, ctx); len(probs) > 0 {
		t.Errorf("contrast below WCAG AA: %v", probs)
	}
	browsertest.Screenshot(t, ctx, "guard")
}
