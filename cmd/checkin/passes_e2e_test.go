package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"checkin/badge/pass"
)

// refusedStart runs a kiosk that must refuse to start and returns its
// exit code and output.
func refusedStart(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append([]string{"kiosk", "--addr", "127.0.0.1:0"}, args...)...).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || ctx.Err() != nil {
		t.Fatalf("kiosk %v: %v, want it to refuse to start\n%s", args, err, out)
	}
	return exit.ExitCode(), string(out)
}

func kioskID(t *testing.T, url string) string {
	t.Helper()
	var h struct {
		Kiosk string `json:"kiosk_id"`
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(&h)
	return h.Kiosk
}

// TestKioskNameFromToken: a kiosk is named by its token, as the registry
// tells it; a --kiosk-id that says otherwise is refused (exit 2), also
// offline once the name is known; a brand-new kiosk offline still serves.
func TestKioskNameFromToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := newVenue(t, syncRoster, "north")
	data := filepath.Join(v.dir, "box")
	args := []string{"--data", data, "--registry", "http://" + v.addr, "--token", v.tokens["north"]}
	code, out := refusedStart(t, v.bin, append(args, "--kiosk-id", "south")...)
	if code != 2 || !strings.Contains(out, "south") || !strings.Contains(out, "north") {
		t.Errorf("--kiosk-id south with north's token: exit %d\n%s", code, out)
	}
	k := startKiosk(t, v.bin, args...)
	if id := kioskID(t, k.url); id != "north" {
		t.Errorf("kiosk without --kiosk-id is %q, want north (its token's)", id)
	}
	k.stop(t)

	v.reg.stop(t) // offline from now on: the kiosk knows its name
	k = startKiosk(t, v.bin, append(args, "--kiosk-id", "north")...)
	if id := kioskID(t, k.url); id != "north" {
		t.Errorf("offline kiosk is %q, want north", id)
	}
	k.stop(t)
	if code, out := refusedStart(t, v.bin, append(args, "--kiosk-id", "south")...); code != 2 || !strings.Contains(out, "north") {
		t.Errorf("offline, --kiosk-id south with north's token: exit %d\n%s", code, out)
	}

	// A brand-new kiosk that cannot reach the registry serves, and keeps
	// its taps, under the name it was given.
	fresh := startKiosk(t, v.bin, "--data", filepath.Join(v.dir, "fresh"), "--kiosk-id", "north",
		"--registry", "http://"+v.addr, "--token", v.tokens["north"])
	if r := tap(t, fresh.url, "0A0B0C0D0E"); r["id"] == "" || r["reason"] != "unknown_badge" {
		t.Errorf("tap at a new offline kiosk: %v", r)
	}
	if h := getHealth(t, fresh.url); h.Registry.Outbox != 1 {
		t.Errorf("new offline kiosk keeps %d taps, want 1", h.Registry.Outbox)
	}
	if id := kioskID(t, fresh.url); id != "north" {
		t.Errorf("new offline kiosk is %q", id)
	}
}

// registryPost sends a body to the registry with a kiosk's token and
// returns the status.
func registryPost(t *testing.T, v *venue, kiosk, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", v.reg.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+v.tokens[kiosk])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// newPass issues a new pass for a delegate at a kiosk's desk (POST).
func newPass(t *testing.T, c *http.Client, csrf, url, delegate string) string {
	t.Helper()
	st, p := staffCall(t, c, csrf, "POST", url+"/api/delegates/"+delegate+"/pass", "")
	token, _ := p["token"].(string)
	if st != 201 || token == "" {
		t.Fatalf("new pass for %s: %d %v", delegate, st, p)
	}
	return token
}

// TestPassTrust: trust in passes flows from tokens, through real
// processes. A stolen token cannot add a key; passes announced through the
// registry make the newest win at every kiosk, also after a split; a
// revoked kiosk's passes stop opening doors everywhere.
func TestPassTrust(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := newVenue(t, syncRoster, "north", "south", "east")
	north, south := v.twoKiosks()
	east := v.kiosk("east")
	eventually(t, 10*time.Second, "roster reaches east", func() bool { return getHealth(t, east.url).Delegates == 3 })
	cn, csrfN := staffLogin(t, v.bin, filepath.Join(v.dir, "north"), north.url)
	cs, csrfS := staffLogin(t, v.bin, filepath.Join(v.dir, "south"), south.url)
	kiosks := map[string]*process{"north": north, "south": south, "east": east}
	everywhere := func(what, token, want string) {
		t.Helper()
		for name, k := range kiosks {
			eventually(t, 10*time.Second, what+" at "+name, func() bool { return qrTap(t, k.url, token)["reason"] == want })
		}
	}
	p0 := newPass(t, cn, csrfN, north.url, "D1")
	everywhere("north's pass opens every door", p0, "")

	// A stolen token announces a key of its own: refused, and what it signs
	// opens no door.
	thief, err := pass.NewKey("kThief")
	if err != nil {
		t.Fatal(err)
	}
	pub := thief.Public()
	if st := registryPost(t, v, "north", "/sync/v1/keys", `{"keys":[{"id":"`+pub.ID+`","public_key":"`+pub.String()+`","proof":"`+thief.Prove("north")+`"}]}`); st != 409 {
		t.Errorf("a stolen token announces a key: %d, want 409", st)
	}
	forged, _, err := pass.Issue(thief, "D2", "checkin", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st := registryPost(t, v, "north", "/sync/v1/passes", `{"passes":[{"token":"`+forged+`"}]}`); st != 400 {
		t.Errorf("a stolen token announces a forged pass: %d, want 400", st)
	}
	for name, k := range kiosks {
		if r := qrTap(t, k.url, forged); r["reason"] != "invalid_pass" {
			t.Errorf("the thief's pass at %s: %v", name, r)
		}
	}

	// Cut off from the registry, north and then south issue a pass for D2.
	v.reg.cmd.Process.Kill()
	v.reg.cmd.Wait()
	older := newPass(t, cn, csrfN, north.url, "D2")
	time.Sleep(1100 * time.Millisecond) // passes carry whole seconds
	newer := newPass(t, cs, csrfS, south.url, "D2")
	v.startRegistry()
	everywhere("the older pass is superseded", older, "revoked_badge")
	everywhere("the newer pass opens every door", newer, "")

	// Revoking north's token withdraws its key: its passes stop opening
	// doors everywhere, north's own included; south's still work.
	out, err := runBin(v.bin, "token", "revoke", "--data", v.regDir, "--kiosk", "north")
	if err != nil {
		t.Fatalf("token revoke: %v\n%s", err, out)
	}
	everywhere("a revoked kiosk's pass", p0, "invalid_pass")
	everywhere("south's pass after north's revocation", newer, "")
}
