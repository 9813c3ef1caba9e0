package web_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"checkin/kiosk/web/browsertest"
)

// attackPage is a web page of another origin open in the browser on the
// kiosk box. It tries every way a page has of sending a POST to the
// kiosk's tap API; the form is submitted from the test.
const attackPage = `<!doctype html>
<meta charset="utf-8"><title>Not the kiosk</title>
<form id="plain" method="post" enctype="text/plain" action="%[1]s/api/taps"><input name='{"uid":"0A0B0C0D0E","gate":"ma' value='in"}'></form>
<form id="urlencoded" method="post" action="%[1]s/api/taps"><input name="uid" value="0A0B0C0D0E"></form>
<script>
window.attack = async function () {
  const url = %[1]q + "/api/taps";
  const body = '{"uid":"0A0B0C0D0E"}';
  const out = [];
  const attempt = async (name, fn) => {
    try { out.push(name + ": " + await fn()); } catch (e) { out.push(name + ": " + e); }
  };
  await attempt("fetch JSON", () => fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body }).then((r) => r.status));
  await attempt("fetch JSON with credentials", () => fetch(url, { method: "POST", credentials: "include", headers: { "Content-Type": "application/json" }, body }).then((r) => r.status));
  await attempt("fetch no-cors text/plain", () => fetch(url, { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body }).then((r) => r.type));
  await attempt("fetch no-cors JSON", () => fetch(url, { method: "POST", mode: "no-cors", headers: { "Content-Type": "application/json" }, body }).then((r) => r.type));
  await attempt("fetch no-cors no type", () => fetch(url, { method: "POST", mode: "no-cors", body: new Blob([body]) }).then((r) => r.type));
  await attempt("sendBeacon string", () => navigator.sendBeacon(url, body));
  await attempt("sendBeacon text/plain blob", () => navigator.sendBeacon(url, new Blob([body], { type: "text/plain" })));
  await attempt("sendBeacon JSON blob", () => navigator.sendBeacon(url, new Blob([body], { type: "application/json" })));
  return out;
};
</script>`

// requests follows, through the browser's network events, the requests the
// page sends to one URL, until each has been answered or has failed.
type requests struct {
	url  string
	mu   sync.Mutex
	sent map[network.RequestID]string // type and method
	done map[network.RequestID]string // status or error
}

func (r *requests) on(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		// Form posts navigate the tab: their answers are awaited through
		// the tab's location.
		if ev.Request.URL == r.url && ev.Type != network.ResourceTypeDocument {
			r.sent[ev.RequestID] = string(ev.Type) + " " + ev.Request.Method
		}
	case *network.EventResponseReceived:
		if _, ok := r.sent[ev.RequestID]; ok {
			r.done[ev.RequestID] = fmt.Sprint(ev.Response.Status)
		}
	case *network.EventLoadingFailed:
		if _, ok := r.sent[ev.RequestID]; ok && r.done[ev.RequestID] == "" {
			r.done[ev.RequestID] = ev.ErrorText
		}
	}
}

// settled reports whether at least n requests went out and every one of
// them has its outcome, and lists them.
func (r *requests) settled(n int) (bool, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for id, method := range r.sent {
		out = append(out, method+" → "+r.done[id])
	}
	return len(r.sent) >= n && len(r.done) == len(r.sent), out
}

// TestOtherOriginCannotTapInBrowser opens a page of another origin
// (127.0.0.2: loopback, but not the kiosk) in Chromium on the kiosk box.
// Whatever the page tries (fetch, no-cors fetch, sendBeacon, form posts),
// no tap is recorded; the kiosk's own page still can.
func TestOtherOriginCannotTapInBrowser(t *testing.T) {
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("SKIPPING: cannot listen on 127.0.0.2: %v", err)
	}
	evil := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, attackPage, f.url)
	}))
	evil.Listener.Close()
	evil.Listener = ln
	evil.Start()
	defer evil.Close()

	ctx := browsertest.New(t, 1024, 768)
	seen := &requests{url: f.url + "/api/taps", sent: map[network.RequestID]string{}, done: map[network.RequestID]string{}}
	if err := chromedp.Listen(ctx, seen.on); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(evil.URL+"/"), chromedp.WaitReady("#plain")); err != nil {
		t.Fatal(err)
	}
	tried, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`attack()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	// Every fetch and beacon that reached the network has its answer
	// before the page goes (a beacon still on its way then would no longer
	// be seen) and before the store is looked at.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, outcomes := seen.settled(8)
		if ok {
			t.Logf("attempts: %s", strings.Join(tried, "; "))
			t.Logf("requests that reached the network: %s", strings.Join(outcomes, "; "))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests to the tap API not settled after 10 s: %v", outcomes)
		}
		time.Sleep(30 * time.Millisecond)
	}
	for _, form := range []string{"plain", "urlencoded"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(evil.URL+"/"), chromedp.WaitReady("#"+form)); err != nil {
			t.Fatal(err)
		}
		// A top-level form post: the tab follows it to the kiosk, and has
		// its answer once the kiosk's page is complete.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("`+form+`").submit(), true`)); err != nil {
			t.Fatal(err)
		}
		browsertest.WaitJS(t, ctx, "form "+form+" answered", `location.href === `+fmt.Sprintf("%q", f.url+"/api/taps")+` && document.readyState === "complete"`)
		tried = append(tried, "form "+form)
	}
	if n := countTaps(t, f); n != 0 {
		t.Errorf("a page of another origin recorded %d taps (attempts: %s)", n, strings.Join(tried, "; "))
	}

	// The kiosk's own page (the entrance screen's origin) still taps.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/"), chromedp.WaitReady("#idle")); err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch("/api/taps", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"uid":"0A0B0C0D0E"}' }).then((r) => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusOK {
		t.Errorf("tap from the kiosk's own page: %d, %v; want 200", status, err)
	}
	if n := countTaps(t, f); n != 1 {
		t.Errorf("%d taps recorded after the kiosk's own page tapped, want 1", n)
	}
}
