// Package browsertest runs screens in a real headless Chromium for tests:
// Debian's chromium, driven with chromedp. Screenshots are kept as test
// artifacts for people to look at.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

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

// New starts a headless browser with a window of the given size and returns
// a tab context. Without a browser the test fails in CI (CI=true) and is
// skipped, loudly, elsewhere.
func New(t testing.TB, width, height int) context.Context {
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
