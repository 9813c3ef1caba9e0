package main

import (
	"bufio"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk/web/browsertest"
)

var entranceURL = regexp.MustCompile(`Entrance screen\s+(http://\S+/\?demo=1)`)

// TestDemoInBrowser is the newcomer's path: run `checkin demo`, open the
// printed entrance URL, and see the simulated reader's taps appear.
func TestDemoInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	ctx := browsertest.New(t, 1920, 1080)
	cmd := exec.Command(bin, "demo", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := entranceURL.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("demo printed no entrance URL")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(".demo")); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "demo-idle")
	// The auto-tap fires every 5 s; the first one is a random delegate.
	deadline := time.Now().Add(20 * time.Second)
	for {
		class, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.className`))
		if class == "accepted" || class == "rejected" {
			name, _ := chromedp.Run(ctx, chromedp.TextContent("#name"))
			if class == "accepted" && name == "" {
				t.Errorf("accepted demo tap shows no name")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no demo tap appeared on the entrance screen within 20 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	browsertest.Screenshot(t, ctx, "demo-tap")
	// The panel's buttons tap chosen kinds through the same path.
	if err := chromedp.Do(ctx, chromedp.Click(`button[data-kind="unknown"]`)); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		h, _ := chromedp.Run(ctx, chromedp.TextContent("#headline"))
		if h == "We don't recognise this badge" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("unknown-badge button: headline %q", h)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
