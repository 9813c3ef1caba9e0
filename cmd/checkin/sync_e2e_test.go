package main

import (
	"encoding/csv"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freeAddr returns a loopback address free right now, for a registry that
// must come back on the same address after a restart.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// venue is a registry and its data, with tokens for kiosks.
type venue struct {
	t      testing.TB
	bin    string
	dir    string
	regDir string
	addr   string
	reg    *process
	tokens map[string]string
	// cert and key, when set, are the registry's TLS certificate and key
	// files: it serves https.
	cert, key string
	operator  *http.Client // signed in to the registry's dashboard
}

func newVenue(t testing.TB, roster string, kiosks ...string) *venue {
	t.Helper()
	v := prepareVenue(t, roster, kiosks...)
	v.startRegistry()
	return v
}

// prepareVenue is newVenue without starting the registry.
func prepareVenue(t testing.TB, roster string, kiosks ...string) *venue {
	t.Helper()
	v := &venue{t: t, bin: buildBinary(t), dir: t.TempDir(), tokens: map[string]string{}}
	v.regDir = filepath.Join(v.dir, "registry")
	v.addr = freeAddr(t)
	f := writeFile(t, v.dir, "roster.csv", roster)
	if out, err := runBin(v.bin, "import", "roster", "--data", v.regDir, f); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, k := range kiosks {
		out, err := exec.Command(v.bin, "token", "add", "--data", v.regDir, "--kiosk", k).Output()
		if err != nil {
			t.Fatalf("token add: %v", err)
		}
		v.tokens[k] = strings.TrimSpace(string(out))
	}
	return v
}

// twoKiosks starts kiosks north and south under the venue's registry and
// waits until both hold the roster.
func (v *venue) twoKiosks() (north, south *process) {
	v.t.Helper()
	north, south = v.kiosk("north"), v.kiosk("south")
	eventually(v.t, 10*time.Second, "roster reaches both kiosks", func() bool {
		return getHealth(v.t, north.url).Delegates == 3 && getHealth(v.t, south.url).Delegates == 3
	})
	return north, south
}

func (v *venue) startRegistry() {
	v.t.Helper()
	args := []string{"registry", "--data", v.regDir, "--addr", v.addr}
	if v.cert != "" {
		args = append(args, "--tls-cert", v.cert, "--tls-key", v.key)
	}
	v.reg = startProcess(v.t, v.bin, args...)
}

// registryURL is the registry's base URL as kiosks are given it.
func (v *venue) registryURL() string {
	if v.cert != "" {
		return "https://" + v.addr
	}
	return "http://" + v.addr
}

// kiosk starts a kiosk under the venue's registry, its token in a file.
func (v *venue) kiosk(id string) *process {
	v.t.Helper()
	return startKiosk(v.t, v.bin, "--data", filepath.Join(v.dir, id), "--kiosk-id", id,
		"--registry", v.registryURL(), "--token-file", v.tokenFile(id))
}

// tokenFile writes a kiosk's token to a file of its own (0600) and
// returns its path: tokens never go on a command line.
func (v *venue) tokenFile(id string) string {
	v.t.Helper()
	f := filepath.Join(v.dir, id+".token")
	if err := os.WriteFile(f, []byte(v.tokens[id]+"\n"), 0o600); err != nil {
		v.t.Fatal(err)
	}
	return f
}

type health struct {
	Status    string
	Delegates int
	Registry  struct {
		Reachable bool
		Outbox    int
		Cursor    int64
		LastError string `json:"last_error"`
		URL       string // the registry in use
	}
	Head int64 `json:"change_seq"`
}

func getHealth(t testing.TB, url string) health {
	t.Helper()
	var h health
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		return h
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(&h)
	return h
}

// eventually polls cond every 10 ms until it holds or d passes, and
// returns how long it took.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// caughtUp reports whether a kiosk has applied the registry's whole feed.
func (v *venue) caughtUp(k *process) bool {
	return getHealth(v.t, k.url).Registry.Cursor >= getHealth(v.t, v.reg.url).Head
}

const syncRoster = "id,family_name,given_name,country,country_name,badge_uid\n" +
	"D1,Müller,Jürgen,KR,,0A0B0C0D0E\n" +
	"D2,王,伟,CN,,1111111111\n" +
	"D3,Okonkwo,Chidi,VA,Holy See,2222222222\n"

func TestSyncTwoKiosks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := newVenue(t, syncRoster, "north", "south")
	a, b := v.twoKiosks()

	// A roster change made at the registry reaches the kiosks by long poll.
	f := writeFile(t, v.dir, "roster2.csv", syncRoster+"D4,Silva,João,PT,,3333333333\n")
	if out, err := runBin(v.bin, "import", "roster", "--data", v.regDir, f); err != nil {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	took := eventually(t, 5*time.Second, "new delegate reaches kiosk", func() bool { return getHealth(t, a.url).Delegates == 4 })
	t.Logf("roster change reached a kiosk %v after the import finished", took.Round(time.Millisecond))
	if r := tap(t, a.url, "3333333333"); r["result"] != "accepted" {
		t.Errorf("new delegate's badge at kiosk: %v", r)
	}

	// A first entry at one kiosk makes the other answer "not first today".
	if r := tap(t, a.url, "0A0B0C0D0E"); r["first_today"] != true {
		t.Fatalf("first tap at north: %v", r)
	}
	took = eventually(t, 5*time.Second, "arrival reaches south", func() bool {
		// In this order: the arrival is at the registry, then south has
		// read past the head as it is after that.
		return registryArrivals(t, v) >= 2 && v.caughtUp(b)
	})
	t.Logf("arrival at north reached south %v after the tap", took.Round(time.Millisecond))
	if r := tap(t, b.url, "0A0B0C0D0E"); r["first_today"] != false {
		t.Errorf("tap at south after north: %v, want first_today false", r)
	}
}

func registryArrivals(t *testing.T, v *venue) int {
	if v.operator == nil { // the registry's stats are for its staff
		v.operator, _ = staffLogin(t, v.bin, v.regDir, v.reg.url)
	}
	resp, err := v.operator.Get(v.reg.url + "/api/stats")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var st struct{ Arrivals int }
	json.NewDecoder(resp.Body).Decode(&st)
	return st.Arrivals
}

// exportIDs runs `checkin export checkins` (flag --data DIR or --db URL)
// and returns the tap ids with how often each appears.
func exportIDs(t *testing.T, bin, flag, where string) map[string]int {
	t.Helper()
	out, err := exec.Command(bin, "export", "checkins", flag, where).Output()
	if err != nil {
		t.Fatalf("export %s: %v", where, err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for _, r := range rows[1:] {
		ids[r[0]]++
	}
	return ids
}

// exportsUnion checks that each kiosk data directory exports each tap
// once and that the registry's export reg is their union, each tap once;
// it returns the union.
func exportsUnion(t *testing.T, bin string, reg map[string]int, kioskDirs ...string) map[string]bool {
	t.Helper()
	union := map[string]bool{}
	for _, dir := range kioskDirs {
		for id, n := range exportIDs(t, bin, "--data", dir) {
			if n != 1 {
				t.Errorf("kiosk %s exports %s %d times", filepath.Base(dir), id, n)
			}
			union[id] = true
		}
	}
	for id, n := range reg {
		if n != 1 {
			t.Errorf("registry has %s %d times", id, n)
		}
		if !union[id] {
			t.Errorf("registry has %s, which no kiosk exported", id)
		}
	}
	for id := range union {
		if reg[id] == 0 {
			t.Errorf("tap %s never reached the registry", id)
		}
	}
	return union
}

func TestRegistryOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := newVenue(t, syncRoster, "north", "south")
	a, b := v.twoKiosks()

	v.reg.cmd.Process.Kill() // the registry vanishes (crash, network)
	v.reg.cmd.Wait()
	start := time.Now()
	uids := []string{"0A0B0C0D0E", "1111111111", "2222222222", "FFFFFFFFFF"}
	for i := 0; i < 40; i++ {
		for _, k := range []*process{a, b} {
			if r := tap(t, k.url, uids[i%len(uids)]); r["id"] == "" {
				t.Fatalf("tap during outage: %v", r)
			}
		}
	}
	t.Logf("80 taps during the outage took %v", time.Since(start).Round(time.Millisecond))
	eventually(t, 10*time.Second, "kiosks notice the outage", func() bool {
		return !getHealth(t, a.url).Registry.Reachable && getHealth(t, a.url).Registry.Outbox > 0
	})

	v.startRegistry() // back, same data and address
	eventually(t, 60*time.Second, "outboxes drain", func() bool {
		ha, hb := getHealth(t, a.url), getHealth(t, b.url)
		return ha.Registry.Reachable && hb.Registry.Reachable && ha.Registry.Outbox == 0 && hb.Registry.Outbox == 0
	})
	a.stop(t)
	b.stop(t)
	v.reg.stop(t)

	reg := exportIDs(t, v.bin, "--data", v.regDir)
	union := exportsUnion(t, v.bin, reg, filepath.Join(v.dir, "north"), filepath.Join(v.dir, "south"))
	if len(reg) != 80 || len(union) != 80 {
		t.Errorf("registry %d taps, kiosks %d, want 80 each", len(reg), len(union))
	}
}

func TestKioskKill9Delivery(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := newVenue(t, syncRoster, "north")
	a := v.kiosk("north")
	eventually(t, 10*time.Second, "roster reaches kiosk", func() bool { return getHealth(t, a.url).Delegates == 3 })
	acked := map[string]bool{}
	for i := 0; i < 50; i++ {
		r := tap(t, a.url, []string{"0A0B0C0D0E", "1111111111"}[i%2])
		acked[r["id"].(string)] = true
	}
	a.cmd.Process.Signal(syscall.SIGKILL) // right after the answers
	a.cmd.Wait()

	a = v.kiosk("north")
	eventually(t, 30*time.Second, "outbox drains after restart", func() bool {
		h := getHealth(t, a.url)
		return h.Registry.Reachable && h.Registry.Outbox == 0
	})
	reg := exportIDs(t, v.bin, "--data", v.regDir)
	for id := range acked {
		if reg[id] != 1 {
			t.Errorf("acknowledged tap %s is at the registry %d times, want once", id, reg[id])
		}
	}
	if len(reg) != len(acked) {
		t.Errorf("registry has %d taps, want %d", len(reg), len(acked))
	}
}

func TestSyncWithBadToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := newVenue(t, syncRoster, "north")
	v.tokens["north"] = "ck_" + strings.Repeat("x", 43)
	a := v.kiosk("north")
	time.Sleep(500 * time.Millisecond)
	h := getHealth(t, a.url)
	if h.Registry.Reachable || h.Delegates != 0 || h.Status != "degraded" {
		t.Errorf("kiosk with a wrong token: %+v", h)
	}
	if r := tap(t, a.url, "0A0B0C0D0E"); r["reason"] != "unknown_badge" {
		t.Errorf("standalone-empty kiosk tap = %v", r)
	}
}
