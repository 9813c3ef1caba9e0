package main

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"testing"
)

// TestVersionEverywhere: `checkin --version`, a kiosk's /healthz and a
// registry's give the version, commit and build date the binary was
// built with.
func TestVersionEverywhere(t *testing.T) {
	bin := buildBinary(t)
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "checkin " + testBuild.version + " (commit " + testBuild.commit + ", built " + testBuild.date + ")\n"
	if string(out) != want {
		t.Errorf("--version = %q, want %q", out, want)
	}
	reg := startProcess(t, bin, "registry", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	k := startKiosk(t, bin, "--data", t.TempDir())
	for _, p := range []*process{reg, k} {
		resp, err := http.Get(p.url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		var h struct {
			Role, Version, Commit string
			BuildDate             string `json:"build_date"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if h.Version != testBuild.version || h.Commit != testBuild.commit || h.BuildDate != testBuild.date {
			t.Errorf("%s /healthz: version %q commit %q build_date %q; want %q %q %q", h.Role,
				h.Version, h.Commit, h.BuildDate, testBuild.version, testBuild.commit, testBuild.date)
		}
	}
}
