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
