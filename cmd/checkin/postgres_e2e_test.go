package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"checkin/sync/faultproxy"
	"checkin/sync/registry/postgres/pgtest"
)

// pgVenue is a venue whose registry runs as two processes on one
// PostgreSQL database.
type pgVenue struct {
	t      *testing.T
	bin    string
	dir    string
	db     string
	addrs  []string
	regs   []*process
	tokens map[string]string
}

func newPGVenue(t *testing.T, roster string, kiosks ...string) *pgVenue {
	t.Helper()
	return newPGVenueVia(t, nil, roster, kiosks...)
}

// newPGVenueVia is newPGVenue with the registries reaching PostgreSQL
// through proxy (nil: directly).
func newPGVenueVia(t *testing.T, proxy *faultproxy.Proxy, roster string, kiosks ...string) *pgVenue {
	t.Helper()
	v := &pgVenue{t: t, bin: buildBinary(t), dir: t.TempDir(), db: pgtest.NewDatabase(t), tokens: map[string]string{}}
	direct := v.db
	if proxy != nil {
		u, err := url.Parse(v.db)
		if err != nil {
			t.Fatal(err)
		}
		u.Host = proxy.Addr()
		v.db = u.String()
	}
	f := writeFile(t, v.dir, "roster.csv", roster)
	if out, err := runBin(v.bin, "import", "roster", "--db", direct, f); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, k := range kiosks {
		out, err := exec.Command(v.bin, "token", "add", "--db", direct, "--kiosk", k).Output()
		if err != nil {
			t.Fatalf("token add: %v", err)
		}
		v.tokens[k] = strings.TrimSpace(string(out))
	}
	v.addrs = []string{freeAddr(t), freeAddr(t)}
	v.regs = make([]*process, len(v.addrs))
	for i := range v.addrs {
		v.startRegistry(i)
	}
	return v
}

func (v *pgVenue) startRegistry(i int) {
	v.t.Helper()
	v.regs[i] = startProcess(v.t, v.bin, "registry", "--db", v.db, "--addr", v.addrs[i])
}

// kiosk starts a kiosk that lists the registries in the given order.
func (v *pgVenue) kiosk(id string, order ...int) *process {
	v.t.Helper()
	var urls []string
	for _, i := range order {
		urls = append(urls, "http://"+v.addrs[i])
	}
	tv := &venue{t: v.t, dir: v.dir, tokens: v.tokens}
	return startKiosk(v.t, v.bin, "--data", filepath.Join(v.dir, id), "--kiosk-id", id,
		"--registry", strings.Join(urls, ","), "--token-file", tv.tokenFile(id))
}

// Two registry processes on one database, two kiosks listing both: an
// import through the CLI reaches both kiosks, a desk bind at one works at
// the other, and when the registry a kiosk uses is killed it fails over,
// its outbox drains, and the registry's export is the union of the
// kiosks', each tap once.
func TestPostgresTwoRegistriesFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := newPGVenue(t, syncRoster, "north", "south")
	north, south := v.kiosk("north", 0, 1), v.kiosk("south", 1, 0)
	eventually(t, 10*time.Second, "roster reaches both kiosks", func() bool {
		return getHealth(t, north.url).Delegates == 3 && getHealth(t, south.url).Delegates == 3
	})
	if u := getHealth(t, north.url).Registry.URL; u != "http://"+v.addrs[0] {
		t.Fatalf("north uses %q, want the first listed", u)
	}

	f := writeFile(t, v.dir, "roster2.csv", syncRoster+"D4,Nakamura,さくら,JP,,3333333333\n")
	if out, err := runBin(v.bin, "import", "roster", "--db", v.db, f); err != nil {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	took := eventually(t, 5*time.Second, "the import reaches both kiosks", func() bool {
		return getHealth(t, north.url).Delegates == 4 && getHealth(t, south.url).Delegates == 4
	})
	t.Logf("an import through the CLI reached both kiosks %v after it finished", took.Round(time.Millisecond))

	// A badge bound at north's desk (north talks to registry 0) works at
	// south (which talks to registry 1).
	staff, csrf := staffLogin(t, v.bin, filepath.Join(v.dir, "north"), north.url)
	if code, body := staffCall(t, staff, csrf, "POST", north.url+"/api/delegates/D2/badges", `{"uid":"4444444444"}`); code != 200 && code != 201 {
		t.Fatalf("bind at north: %d %v", code, body)
	}
	took = eventually(t, 5*time.Second, "the bind works at south", func() bool {
		return tapNoLog(south.url, "4444444444") == "accepted"
	})
	t.Logf("a desk bind at north worked at south %v later", took.Round(time.Millisecond))

	acked := map[string]bool{}
	tapBoth := func(n int) {
		uids := []string{"0A0B0C0D0E", "1111111111", "2222222222", "3333333333", "FFFFFFFFFF"}
		for i := range n {
			for _, k := range []*process{north, south} {
				r := tap(t, k.url, uids[i%len(uids)])
				acked[r["id"].(string)] = true
			}
		}
	}
	tapBoth(10)
	v.regs[0].cmd.Process.Signal(syscall.SIGKILL) // the registry north uses dies
	v.regs[0].cmd.Wait()
	tapBoth(20)
	eventually(t, 30*time.Second, "north fails over and its outbox drains", func() bool {
		h := getHealth(t, north.url)
		return h.Registry.URL == "http://"+v.addrs[1] && h.Registry.Reachable && h.Registry.Outbox == 0
	})
	eventually(t, 30*time.Second, "south's outbox drains", func() bool {
		h := getHealth(t, south.url)
		return h.Registry.Reachable && h.Registry.Outbox == 0
	})
	north.stop(t)
	south.stop(t)

	reg := exportIDs(t, v.bin, "--db", v.db)
	union := exportsUnion(t, v.bin, reg, filepath.Join(v.dir, "north"), filepath.Join(v.dir, "south"))
	for id := range acked {
		if !union[id] {
			t.Errorf("acknowledged tap %s is in no kiosk's export", id)
		}
	}
}

// tapNoLog taps and returns the result, "" on any failure (for polling).
func tapNoLog(url, uid string) string {
	resp, err := httpPostJSON(url+"/api/taps", `{"uid":"`+uid+`"}`)
	if err != nil {
		return ""
	}
	r, _ := resp["result"].(string)
	return r
}

// httpPostJSON posts a JSON body and decodes a 200 answer.
func httpPostJSON(url, body string) (map[string]any, error) {
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	var out map[string]any
	return out, json.NewDecoder(resp.Body).Decode(&out)
}

// PostgreSQL unreachable for 30 s while kiosks tap: the registries answer
// 503, the kiosks keep every tap, and after the database is back each
// acknowledged tap is at the registry exactly once.
func TestPostgresOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	pgtest.Connect(t).Close(context.Background()) // skips (or fails in CI) without a server
	u, err := url.Parse(pgtest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := faultproxy.Listen(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	v := newPGVenueVia(t, proxy, syncRoster, "north", "south")
	north, south := v.kiosk("north", 0, 1), v.kiosk("south", 1, 0)
	eventually(t, 10*time.Second, "roster reaches both kiosks", func() bool {
		return getHealth(t, north.url).Delegates == 3 && getHealth(t, south.url).Delegates == 3
	})

	acked := map[string]bool{}
	uids := []string{"0A0B0C0D0E", "1111111111", "2222222222", "FFFFFFFFFF"}
	tapFor := func(d time.Duration) {
		for end, i := time.Now().Add(d), 0; time.Now().Before(end); i++ {
			for _, k := range []*process{north, south} {
				r := tap(t, k.url, uids[i%len(uids)])
				acked[r["id"].(string)] = true
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	tapFor(time.Second)
	proxy.Cut() // the database is gone, as in a restart or a network fault
	start := time.Now()
	eventually(t, 10*time.Second, "registries answer 503", func() bool {
		for _, r := range v.regs {
			resp, err := http.Get(r.url + "/healthz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable {
				return false
			}
		}
		return true
	})
	tapFor(30*time.Second - time.Since(start))
	if h := getHealth(t, north.url); h.Registry.Outbox == 0 {
		t.Errorf("north's outbox is empty during the outage: %+v", h.Registry)
	}
	proxy.Restore()
	t.Logf("database cut for %v; %d taps acknowledged", time.Since(start).Round(time.Second), len(acked))
	took := eventually(t, 60*time.Second, "outboxes drain", func() bool {
		hn, hs := getHealth(t, north.url), getHealth(t, south.url)
		return hn.Registry.Reachable && hs.Registry.Reachable && hn.Registry.Outbox == 0 && hs.Registry.Outbox == 0
	})
	t.Logf("outboxes drained %v after the database came back", took.Round(time.Millisecond))
	north.stop(t)
	south.stop(t)
	reg := exportIDs(t, v.bin, "--db", v.db)
	for id := range acked {
		if reg[id] != 1 {
			t.Errorf("acknowledged tap %s is at the registry %d times, want once", id, reg[id])
		}
	}
	if len(reg) != len(acked) {
		t.Errorf("registry has %d taps, kiosks acknowledged %d", len(reg), len(acked))
	}
}
