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

// TestEntranceOSDPReaderStrip: an OSDP reader that is online but reports
// its tamper switch keeps the entrance inviting taps and tells staff; one
// whose secure channel is refused is down; back to normal, the strip hides.
func TestEntranceOSDPReaderStrip(t *testing.T) {
	f := newFixture(t)
	addr := 1
	tampered := serialreader.ReaderState{Reader: "/dev/ttyUSB0@1", Format: "osdp", Role: "entrance", Address: &addr,
		State: serialreader.StateOnline, Secure: "up", Tamper: true}
	f.server.Readers = &stubReaders{states: []serialreader.ReaderState{tampered}}
	sc := scenario{name: "health with a tampered reader", method: "GET", path: "/healthz", status: 200,
		want: []string{`"status":"degraded"`, `"reader":"/dev/ttyUSB0@1"`, `"state":"online"`, `"secure":"up"`, `"tamper":true`, `"address":1`}}
	sc.run(t, f.url)

	ctx := browsertest.New(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/"), chromedp.WaitVisible("#status")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitText(t, ctx, "#status", "Badge reader alarm: /dev/ttyUSB0@1 (tamper switch)")
	if got, _ := chromedp.Run(ctx, chromedp.TextContent("#prompt")); got != "Tap your badge" {
		t.Errorf("prompt with a working, tampered reader = %q", got)
	}
	browsertest.Screenshot(t, ctx, "entrance-osdp-tamper")

	refused := tampered
	refused.State, refused.Secure, refused.Tamper = serialreader.StateError, "refused", false
	refused.LastError = "secure channel refused: wrong key?"
	f.server.PublishReader(refused)
	browsertest.WaitText(t, ctx, "#status", "Badge reader not working: /dev/ttyUSB0@1 (error: secure channel refused: wrong key?)")
	browsertest.WaitText(t, ctx, "#prompt", "Badge reader out of order")

	ok := refused
	ok.State, ok.Secure, ok.LastError = serialreader.StateOnline, "up", ""
	f.server.PublishReader(ok)
	browsertest.WaitJS(t, ctx, "the strip hidden and taps invited", `document.getElementById("status").hidden && document.getElementById("prompt").textContent === "Tap your badge"`)
}

// TestDeskReaderStrip: the desk's strip says, in words, which readers
// work: a serial reader open and an OSDP reader online are ready; an OSDP
// reader that reports tamper is flagged though it reads; one offline is
// "not connected"; one whose secure channel is refused is an error with
// the reason.
func TestDeskReaderStrip(t *testing.T) {
	f := staffFixture(t)
	addr := func(n int) *int { return &n }
	f.server.Readers = &stubReaders{states: []serialreader.ReaderState{
		{Reader: "usb:0403:6001", Format: "em4100", Role: "entrance", Gate: "main", Direction: "in", State: serialreader.StateOpen},
		{Reader: "/dev/ttyUSB1@1", Format: "osdp", Role: "entrance", Gate: "turnstile-1", Direction: "in", Address: addr(1),
			State: serialreader.StateOnline, Secure: "up"},
		{Reader: "/dev/ttyUSB1@2", Format: "osdp", Role: "entrance", Gate: "turnstile-2", Direction: "in", Address: addr(2),
			State: serialreader.StateOnline, Secure: "up", Tamper: true},
		{Reader: "/dev/ttyUSB1@3", Format: "osdp", Role: "entrance", Gate: "turnstile-3", Direction: "in", Address: addr(3),
			State: serialreader.StateOffline, Secure: "connecting", LastError: "no reply from the reader at address 3"},
		{Reader: "/dev/ttyUSB2@0", Format: "osdp", Role: "entrance", Gate: "side", Direction: "in", Address: addr(0),
			State: serialreader.StateError, Secure: "refused", LastError: "secure channel refused: wrong key?"},
	}}
	ctx := browsertest.New(t, 1600, 900)
	signIn(t, ctx, f, "/desk", `[data-testid="search"]`)
	want := map[string]string{
		"usb:0403:6001":  "✓ ready",
		"/dev/ttyUSB1@1": "✓ ready",
		"/dev/ttyUSB1@2": "⚠ tamper switch",
		"/dev/ttyUSB1@3": "… not connected",
		"/dev/ttyUSB2@0": "✕ error: secure channel refused: wrong key?",
	}
	for reader, text := range want {
		browsertest.WaitText(t, ctx, `[data-testid="reader-state"][data-reader="`+reader+`"]`, text)
	}
	browsertest.Screenshot(t, ctx, "desk-reader-strip")
}

// TestDoorReaderStrip: the door screen of Room K tells staff when Room
// K's door reader is down, ignores the entrance's and another room's
// readers, and hides the strip when the reader is back.
func TestDoorReaderStrip(t *testing.T) {
	f := newFixture(t)
	down := serialreader.ReaderState{Reader: "/dev/ttyUSB3", Format: "line", Role: "room", Room: "Room K",
		State: serialreader.StateWaiting, LastError: "no such device"}
	other := serialreader.ReaderState{Reader: "/dev/ttyUSB4", Format: "line", Role: "room", Room: "Popov Room", State: serialreader.StateWaiting}
	entrance := serialreader.ReaderState{Reader: "/dev/ttyUSB5", Format: "line", Role: "entrance", State: serialreader.StateWaiting}
	f.server.Readers = &stubReaders{states: []serialreader.ReaderState{down, other, entrance}}
	ctx := browsertest.New(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/door?room=Room%20K")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitJS(t, ctx, "the strip names Room K's reader", `document.getElementById("status").textContent.includes("/dev/ttyUSB3")`)
	got, err := chromedp.Run(ctx, chromedp.TextContent("#status"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "Badge reader not working") || !strings.Contains(got, "no such device") ||
		strings.Contains(got, "ttyUSB4") || strings.Contains(got, "ttyUSB5") {
		t.Errorf("status strip = %q", got)
	}
	browsertest.Screenshot(t, ctx, "door-reader-down")
	up := down
	up.State, up.LastError = serialreader.StateOpen, ""
	f.server.PublishReader(up)
	browsertest.WaitJS(t, ctx, "strip hidden once the reader is back", `document.getElementById("status").hidden`)
}
