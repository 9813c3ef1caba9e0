// Package browsertest runs screens in a real headless Chromium for tests:
// Debian's chromium, driven with chromedp. Screenshots are kept as test
// artifacts for people to look at.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ClockSkew is how wrong the browser's clock is in every screen test: by
// days, as on a screen box with a flat CMOS battery. Screens must take
// their time from the kiosk, never from the browser, so every test runs
// with a clock like this one.
const ClockSkew = -(3*24*time.Hour + 7*time.Hour + 13*time.Minute)

// skewScript shifts the page's Date (new Date(), Date(), Date.now()) by
// SKEW ms before any of the page's own scripts run. Timers and
// performance.now() are left alone: only the wall clock is wrong.
const skewScript = `(() => {
  const off = %d;
  const Real = Date;
  const realNow = Real.now.bind(Real);
  class Skewed extends Real {
    constructor(...a) { if (a.length === 0) super(realNow() + off); else super(...a); }
    static now() { return realNow() + off; }
  }
  globalThis.Date = new Proxy(Skewed, { apply() { return new Skewed().toString(); } });
})();`

// chromiumPath finds the browser; CHECKIN_CHROMIUM overrides.
func chromiumPath() string {
	if p := os.Getenv("CHECKIN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless browser with a window of the given size and its
// clock wrong by ClockSkew, and returns a tab context. Without a browser
// the test fails in CI (CI=true) and is skipped, loudly, elsewhere.
func New(t testing.TB, width, height int) context.Context {
	t.Helper()
	return NewSkewed(t, width, height, ClockSkew)
}

// NewSkewed is New with the browser's clock wrong by skew (0: right).
func NewSkewed(t testing.TB, width, height int, skew time.Duration) context.Context {
	t.Helper()
	return newBrowser(t, width, height, skew)
}

// NewWithCamera is New with Chromium's fake camera (a moving test
// pattern) and camera permission granted without a prompt, for pages that
// use getUserMedia.
func NewWithCamera(t testing.TB, width, height int) context.Context {
	t.Helper()
	return newBrowser(t, width, height, ClockSkew,
		chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true))
}

func newBrowser(t testing.TB, width, height int, skew time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found: CI must install it (apt-get install chromium)")
		}
		t.Skip("SKIPPING BROWSER TEST: chromium not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	opts = append(opts, extra...)
	limit := 90 * time.Second
	if _, bench := t.(*testing.B); bench {
		limit = 10 * time.Minute // a benchmark's loop runs long
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if skew != 0 {
		add := chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			_, err := cdp.Call(ctx, target, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: fmt.Sprintf(skewScript, skew.Milliseconds()),
			})
			return err
		})
		if err := chromedp.Do(tab, add); err != nil {
			t.Fatalf("skew the browser's clock: %v", err)
		}
	}
	return tab
}

// ArtifactDir is where screenshots go: $CHECKIN_ARTIFACTS, else a folder in
// the system's temporary directory.
func ArtifactDir(t testing.TB) string {
	dir := os.Getenv("CHECKIN_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "checkin-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifact dir: %v", err)
	}
	return dir
}

// Screenshot saves the viewport as NAME.png among the artifacts and returns
// its path.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(ArtifactDir(t), strings.ReplaceAll(name, "/", "_")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// WaitJS polls a JavaScript expression in the page until it is true, and
// fails the test if it is still false after 10 seconds.
func WaitJS(t testing.TB, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s still false after 10 s (err %v)", what, js, err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// contrastJS lists the visible texts whose contrast with their background
// is below WCAG 2.2 AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px
// bold). The background is the nearest opaque one up the tree; text over
// images or gradients is not judged.
const contrastJS = `(() => {
  const lum = (c) => {
    const v = c.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const rgba = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const bgOf = (el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    for (let e = el; e; e = e.parentElement) {
      // An ancestor paints behind the text only where the text lies on it
      // (a label placed above a bar is on the card, not the bar).
      const b = e.getBoundingClientRect();
      if (e !== el && e !== document.body && e !== document.documentElement &&
          (x < b.left || x > b.right || y < b.top || y > b.bottom)) continue;
      const cs = getComputedStyle(e);
      if (cs.backgroundImage !== "none") return null;
      const c = rgba(cs.backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] >= 0.99)) return c;
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own) continue;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === "hidden" || el.closest("[hidden]")) continue;
    let op = 1;
    for (let e = el; e; e = e.parentElement) op *= Number(getComputedStyle(e).opacity);
    const fg = rgba(cs.color);
    const bg = bgOf(el);
    if (!bg) continue;
    const a = (fg.length > 3 ? fg[3] : 1) * op;
    const mix = fg.slice(0, 3).map((x, i) => x * a + bg[i] * (1 - a));
    const l1 = lum(mix), l2 = lum(bg.slice(0, 3));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const struck = cs.textDecorationLine.includes("line-through");
    if (ratio + 0.005 < need && !struck) {
      out.push(ratio.toFixed(2) + " < " + need + ": " + el.tagName.toLowerCase() + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") + " " + JSON.stringify(el.textContent.trim().slice(0, 40)));
    }
  }
  return out;
})()`

// ContrastProblems returns the page's texts below WCAG 2.2 AA contrast.
func ContrastProblems(t testing.TB, ctx context.Context) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](contrastJS))
	if err != nil {
		t.Fatalf("contrast check: %v", err)
	}
	return out
}

// Text returns the trimmed text of the element sel, failing the test if
// there is none.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// WaitText waits until the text of sel contains want and returns it; it
// fails the test after 10 seconds.
func WaitText(t testing.TB, ctx context.Context, sel, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err == nil && strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("text of %s = %q (err %v), want it to contain %q", sel, got, err, want)
		}
		time.Sleep(30 * time.Millisecond)
	}
}
