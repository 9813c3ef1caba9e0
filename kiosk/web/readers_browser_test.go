package web_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/badge/serialreader"
	"checkin/kiosk/web/browsertest"
)

// stubReaders stands in for the serial reader manager.
type stubReaders struct {
	mu     sync.Mutex
	states []serialreader.ReaderState
}

func (s *stubReaders) States() []serialreader.ReaderState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]serialreader.ReaderState(nil), s.states...)
}

// TestEntranceReaderStrip: a screen that connects while a reader is down
// shows the staff strip with the reader and its error; when the reader
// comes back the strip hides. /healthz says "degraded" meanwhile.
func TestEntranceReaderStrip(t *testing.T) {
	f := newFixture(t)
	down := serialreader.ReaderState{Reader: "usb:0403:6001", Format: "em4100", Role: "entrance",
		State: serialreader.StateWaiting, LastError: "no USB port 0403:6001"}
	f.server.Readers = &stubReaders{states: []serialreader.ReaderState{down}}

	sc := scenario{name: "health with reader down", method: "GET", path: "/healthz", status: 200,
		want: []string{`"status":"degraded"`, `"reader":"usb:0403:6001"`, `"state":"waiting"`, `"last_error":"no USB port 0403:6001"`}}
	sc.run(t, f.url)

	ctx := browsertest.New(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/"), chromedp.WaitVisible("#status")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.TextContent("#status"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "Badge reader not working: usb:0403:6001") || !strings.Contains(got, "no USB port") {
		t.Errorf("status strip = %q", got)
	}
	if got, _ := chromedp.Run(ctx, chromedp.TextContent("#prompt")); got != "Badge reader out of order" {
		t.Errorf("prompt with the only entrance reader down = %q", got)
	}
	browsertest.Screenshot(t, ctx, "entrance-reader-down")

	up := down
	up.State, up.LastError = serialreader.StateOpen, ""
	f.server.PublishReader(up)
	deadline := time.Now().Add(5 * time.Second)
	for {
		hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("status").hidden`))
		prompt, _ := chromedp.Run(ctx, chromedp.TextContent("#prompt"))
		if hidden && prompt == "Tap your badge" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("status strip or out-of-order prompt still shown after the reader came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
