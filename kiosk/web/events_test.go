package web_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/password"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/web"
)

// remoteListener makes every connection it accepts look as if it came from
// another machine: the server sees a lobby TV or a desk PC on the venue
// network, although the test's client is on loopback.
type remoteListener struct {
	net.Listener
	from net.Addr
}

func (l remoteListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return remoteConn{c, l.from}, nil
}

type remoteConn struct {
	net.Conn
	from net.Addr
}

func (c remoteConn) RemoteAddr() net.Addr { return c.from }

// servedFrom serves f's kiosk on a second port where every connection
// appears to come from ip, a machine on the venue network, and returns
// that port's base URL.
func (f *fixture) servedFrom(t testing.TB, ip string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.server.App().Listener(remoteListener{ln, &net.TCPAddr{IP: net.ParseIP(ip), Port: 50000}})
	return "http://" + ln.Addr().String()
}

// nextTap returns the data of the next `tap` event on a stream.
func nextTap(t *testing.T, ch <-chan [2]string, who string) string {
	t.Helper()
	for {
		select {
		case ev := <-ch:
			if ev[0] == "tap" {
				return ev[1]
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no tap event", who)
		}
	}
}

// personal is what a tap event may carry about the person: only the
// entrance screen and signed-in staff may see it.
var personal = []string{"Jürgen", "Müller", "BNetzA", `"country"`, `"role"`, "Carla", "Cancelled", "WP1/12 plenary", "Popov Room"}

// TestEventsWithholdPersonalData: a tap's delegate and sessions reach the
// entrance screen (loopback) and signed-in staff, never a lobby TV or
// anyone else on the venue network, rejected taps included.
func TestEventsWithholdPersonalData(t *testing.T) {
	f := staffFixture(t)
	venue := f.servedFrom(t, "192.0.2.7")
	desk := newBrowser(t, venue)
	if resp := desk.login("dana", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login from the venue network: %d", resp.StatusCode)
	}
	entrance := readEvents(t, http.DefaultClient, f.url)
	lobby := readEvents(t, http.DefaultClient, venue)
	staff := readEvents(t, desk.c, venue)
	f.waitSubscribed(t, 3)
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`) // accepted
	post(t, f.url+"/api/taps", `{"uid":"2222222222"}`) // rejected: cancelled

	for who, ch := range map[string]<-chan [2]string{"entrance (loopback)": entrance, "staff": staff} {
		if got := nextTap(t, ch, who); !strings.Contains(got, `"name":"Jürgen Müller"`) || !strings.Contains(got, "Popov Room") {
			t.Errorf("%s: accepted tap %s, want the name and the sessions", who, got)
		}
		if got := nextTap(t, ch, who); !strings.Contains(got, `"name":"Carla Cancelled"`) {
			t.Errorf("%s: rejected tap %s, want the name", who, got)
		}
	}
	for _, want := range []string{`"result":"accepted"`, `"reason":"registration_cancelled"`} {
		got := nextTap(t, lobby, "lobby")
		if !strings.Contains(got, want) {
			t.Errorf("lobby: tap %s, want %s", got, want)
		}
		for _, p := range personal {
			if strings.Contains(got, p) {
				t.Errorf("lobby: tap %s carries %s", got, p)
			}
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(got), &ev); err != nil {
			t.Fatal(err)
		}
		if ev["delegate"] != nil || ev["sessions"] != nil {
			t.Errorf("lobby: tap has delegate %v, sessions %v; want neither", ev["delegate"], ev["sessions"])
		}
	}
}

// TestStaffStreamChecksSessionPerEvent: a staff member's event stream gets
// names and desk-reader badges only while the session is good. A logout,
// an expired session, a removed login or a new password (also from
// another process, as `checkin staff remove` is) stops them at the next
// event, without the stream having to reconnect.
func TestStaffStreamChecksSessionPerEvent(t *testing.T) {
	other := func(t *testing.T, f *fixture, change func(*sqlite.DB) error) {
		db := sqlite.NewDB(f.db.Path) // as another process does
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := change(db); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		end  func(t *testing.T, f *fixture, b *browser)
	}{
		{"logout", func(t *testing.T, f *fixture, b *browser) {
			if resp, _ := b.api("POST", "/logout", ""); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %d", resp.StatusCode)
			}
		}},
		{"expired", func(t *testing.T, f *fixture, b *browser) {
			later := f.Now().Add(web.DefaultSessionIdle + time.Minute)
			f.now.Store(&later)
		}},
		{"removed in another process", func(t *testing.T, f *fixture, b *browser) {
			other(t, f, func(db *sqlite.DB) error { return db.RemoveStaff(context.Background(), "dana") })
		}},
		{"password changed in another process", func(t *testing.T, f *fixture, b *browser) {
			hash, err := password.Hash("another horse battery")
			if err != nil {
				t.Fatal(err)
			}
			other(t, f, func(db *sqlite.DB) error { return db.SetStaffPassword(context.Background(), "dana", hash) })
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := staffFixture(t)
			venue := f.servedFrom(t, "192.0.2.7")
			b := newBrowser(t, venue)
			if resp := b.login("dana", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %d", resp.StatusCode)
			}
			stream := readEvents(t, b.c, venue)
			f.waitSubscribed(t, 1)
			f.server.PublishDeskTap(web.DeskTap{UID: "04A1B2C3D4E5F6", Source: "rfid", Reader: "/dev/ttyDESK", Gate: "desk", At: f.Now()})
			post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
			if got := nextTap(t, stream, "signed in"); !strings.Contains(got, "04A1B2C3D4E5F6") {
				t.Fatalf("signed in: first tap %s, want the desk reader's badge", got)
			}
			if got := nextTap(t, stream, "signed in"); !strings.Contains(got, "Jürgen Müller") {
				t.Fatalf("signed in: second tap %s, want the name", got)
			}

			tc.end(t, f, b)
			f.server.PublishDeskTap(web.DeskTap{UID: "04FFEEDDCCBBAA", Source: "rfid", Reader: "/dev/ttyDESK", Gate: "desk", At: f.Now()})
			post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
			// Events arrive in order: the entrance tap comes after the
			// desk tap, had that been sent.
			got := nextTap(t, stream, "signed out")
			if strings.Contains(got, "04FFEEDDCCBBAA") {
				t.Fatalf("after %s the stream still gets desk-reader badges: %s", tc.name, got)
			}
			if !strings.Contains(got, `"result":"accepted"`) {
				t.Fatalf("after %s: tap %s, want the entrance tap", tc.name, got)
			}
			for _, p := range personal {
				if strings.Contains(got, p) {
					t.Errorf("after %s the stream still gets personal data (%s): %s", tc.name, p, got)
				}
			}
		})
	}
}

// sseMetric returns the value of a metric line of /metrics that begins
// with prefix, or "" if there is none.
func sseMetric(t *testing.T, base, prefix string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, prefix+" ") {
			return strings.TrimPrefix(line, prefix+" ")
		}
	}
	return ""
}

// TestEventsDropSlowSubscriber: a screen that stops reading is dropped and
// counted in /metrics, while taps go on being answered and a screen that
// keeps up keeps its stream.
func TestEventsDropSlowSubscriber(t *testing.T) {
	f := newFixture(t)
	f.server.StreamWriteTimeout = time.Second // a stuck write ends sooner
	good := connectSSE(t, f.url)
	// A client that connects and never reads: its socket buffers fill,
	// then its stream falls behind.
	slow, err := net.Dial("tcp", strings.TrimPrefix(f.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := slow.Write([]byte("GET /api/events HTTP/1.1\r\nHost: " + strings.TrimPrefix(f.url, "http://") + "\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	f.waitSubscribed(t, 2)
	if got := sseMetric(t, f.url, "checkin_sse_dropped_total"); got != "0" {
		t.Fatalf("checkin_sse_dropped_total before = %q, want 0", got)
	}
	// Big events fill the slow client's buffers quickly; the good client
	// reads each burst (half what a stream may fall behind) before the
	// next.
	long := make([]kiosk.Session, 40)
	for i := range long {
		long[i] = kiosk.Session{ID: "s", Title: strings.Repeat("Plenary ", 20), Room: "Popov Room", Status: "scheduled"}
	}
	deadline := time.Now().Add(20 * time.Second)
	for round := 0; sseMetric(t, f.url, "checkin_sse_dropped_total") != "1"; round++ {
		if time.Now().After(deadline) {
			t.Fatalf("a client that never reads was not dropped (checkin_sse_dropped_total %q, %d subscribers)",
				sseMetric(t, f.url, "checkin_sse_dropped_total"), f.server.Hub.Len())
		}
		for i := 0; i < web.NewHub().Buffer/2; i++ {
			f.server.PublishTap(kiosk.TapResult{ID: "flood", Result: "accepted", Sessions: long})
		}
		post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`) // taps are answered all along
		for {
			if got := good.next(t, "tap"); strings.Contains(got, "Jürgen Müller") {
				break
			}
		}
	}
	if n := f.server.Hub.Len(); n != 1 {
		t.Errorf("%d subscribers after the drop, want 1 (the client that reads)", n)
	}
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	for {
		if got := good.next(t, "tap"); strings.Contains(got, "Jürgen Müller") {
			break
		}
	}
}

// TestEventsConnectionsPerAddress: one machine on the venue network may
// hold a bounded number of event streams (429 beyond); other machines and
// the kiosk's own screens are not affected, and a closed stream frees its
// place.
func TestEventsConnectionsPerAddress(t *testing.T) {
	f := newFixture(t)
	venue := f.servedFrom(t, "192.0.2.7")
	const limit = 20 // the documented default
	var open []*http.Response
	get := func(base string) *http.Response {
		t.Helper()
		resp, err := http.Get(base + "/api/events")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for i := 0; i < limit; i++ {
		resp := get(venue)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d from one address: %d", i+1, resp.StatusCode)
		}
		open = append(open, resp)
	}
	f.waitSubscribed(t, limit)
	if resp := get(venue); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("stream %d from one address: %d, want 429", limit+1, resp.StatusCode)
	}
	if resp := get(f.servedFrom(t, "192.0.2.8")); resp.StatusCode != http.StatusOK {
		t.Errorf("another address: %d, want 200", resp.StatusCode)
	}
	for i := 0; i < limit+5; i++ {
		if resp := get(f.url); resp.StatusCode != http.StatusOK {
			t.Fatalf("loopback stream %d: %d, want 200", i+1, resp.StatusCode)
		}
	}
	open[0].Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := get(venue)
		if resp.StatusCode == http.StatusOK {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream's place is still taken: %d", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// asHost sends every request with another Host header, as a browser does
// for a page under a name that was made to point at the kiosk.
type asHost string

func (h asHost) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Host = string(h)
	return http.DefaultTransport.RoundTrip(req)
}

// TestEventsRebindingIsNotLoopback: a page of another site whose name was
// made to point at the kiosk (DNS rebinding) reaches it from loopback, but
// is not the entrance screen: it gets taps without personal data.
func TestEventsRebindingIsNotLoopback(t *testing.T) {
	f := newFixture(t)
	host := strings.TrimPrefix(f.url, "http://")
	port := host[strings.LastIndex(host, ":")+1:]
	stream := readEvents(t, &http.Client{Transport: asHost("rebind.example:" + port)}, f.url)
	f.waitSubscribed(t, 1)
	post(t, f.url+"/api/taps", `{"uid":"0A0B0C0D0E"}`)
	got := nextTap(t, stream, "rebound page")
	for _, p := range personal {
		if strings.Contains(got, p) {
			t.Errorf("a page under a rebound name gets %s: %s", p, got)
		}
	}
}
