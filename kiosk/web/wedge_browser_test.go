package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk"
	"checkin/kiosk/web/browsertest"
)

// keyboardTaps lists the taps the keyboard wedge recorded on the fixture's
// day, by UID.
func keyboardTaps(t *testing.T, f *fixture) []string {
	t.Helper()
	var uids []string
	err := f.db.Taps(context.Background(), "2026-11-22", func(r kiosk.TapRecord) error {
		if r.Source == kiosk.SourceKeyboard {
			uids = append(uids, r.UID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return uids
}

// TestEntranceKeyboardWedge: a USB reader that types the card number and
// Enter at reader speed taps on the entrance screen, whatever has the
// focus and without typing into a text field; a person typing the same
// keys does not tap, and their typing reaches the field.
//
// Chromium's keys come through the DevTools protocol, a round trip each: on
// a loaded machine one burst may come out slower than a reader and count
// as typing, so a burst is tried up to three times. Typing at person
// speed is only ever slower.
func TestEntranceKeyboardWedge(t *testing.T) {
	f := newFixture(t)
	ctx := browsertest.New(t, 1366, 768)
	open := func(query string) {
		t.Helper()
		before := f.server.Hub.Len()
		if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/"+query), chromedp.WaitVisible("#prompt")); err != nil {
			t.Fatal(err)
		}
		f.waitSubscribed(t, before+1)
	}
	typeSlowly := func(keys string) {
		t.Helper()
		for _, k := range keys {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(string(k))); err != nil {
				t.Fatal(err)
			}
			time.Sleep(150 * time.Millisecond)
		}
	}
	field := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("scratch").value`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// burst sends keys at reader speed until a keyboard tap beyond the
	// want-1 already recorded comes: true if one did within three tries.
	burst := func(keys string, want int, clear func()) bool {
		t.Helper()
		for try := 0; try < 3; try++ {
			if clear != nil {
				clear()
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(keys)); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if len(keyboardTaps(t, f)) >= want {
					return true
				}
			}
			t.Logf("burst %d of %q did not tap (too slow on this machine?)", try+1, keys)
		}
		return false
	}

	open("")
	// A person typing the card number: no tap.
	typeSlowly("0A0B0C0D0E\r")
	time.Sleep(300 * time.Millisecond)
	if got := keyboardTaps(t, f); len(got) != 0 {
		t.Fatalf("typing at a person's speed tapped: %v", got)
	}
	// The reader: a tap, shown as the welcome.
	if !burst("0A0B0C0D0E\r", 1, nil) {
		t.Fatal("a reader-speed burst never tapped")
	}
	browsertest.WaitText(t, ctx, "#result", "Jürgen Müller")
	browsertest.Screenshot(t, ctx, "entrance-wedge")

	// A text field has the focus: the burst taps and types nothing into
	// it; a person's typing still reaches it.
	addField := `(() => { const i = document.createElement("input"); i.id = "scratch"; document.body.append(i); i.focus(); return true; })()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](addField)); err != nil {
		t.Fatal(err)
	}
	clearField := func() {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.getElementById("scratch"); i.value = ""; i.focus(); return true; })()`)); err != nil {
			t.Fatal(err)
		}
	}
	if !burst("0A0B0C0D0E\r", 2, clearField) {
		t.Fatal("a burst while a text field has the focus never tapped")
	}
	if v := field(); v != "" {
		t.Errorf("the burst typed %q into the focused field", v)
	}
	clearField()
	typeSlowly("12ab")
	time.Sleep(200 * time.Millisecond)
	if v := field(); v != "12ab" {
		t.Errorf("a person's typing reached the field as %q, want 12ab", v)
	}
	if got := keyboardTaps(t, f); len(got) != 2 {
		t.Errorf("keyboard taps after typing in the field: %v, want the two bursts", got)
	}

	// A reader that types decimal card numbers: 43135012110 is 0A0B0C0D0E.
	open("?wedge=dec")
	if !burst("43135012110\r", 3, nil) {
		t.Fatal("a decimal burst never tapped")
	}
	if got := keyboardTaps(t, f); got[len(got)-1] != "0A0B0C0D0E" {
		t.Errorf("decimal burst tapped %v, want 0A0B0C0D0E last", got)
	}
}
