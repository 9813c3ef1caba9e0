package soak

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildCheckin builds the checkin binary the rehearsal runs.
func buildCheckin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "checkin")
	cmd := exec.Command("go", "build", "-o", bin, "checkin/cmd/checkin")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// shortPlan is every fault but PostgreSQL's, short, for a rehearsal of
// seconds.
var shortPlan = []Fault{
	{FaultRegistryKill, 4 * time.Second, 3 * time.Second},
	{FaultKioskKill, 10 * time.Second, 2 * time.Second},
	{FaultKioskCut, 14 * time.Second, 5 * time.Second},
}

// TestRehearsalSQLite runs a small rehearsal on real processes: three
// kiosks, one registry on SQLite, every fault but PostgreSQL's.
func TestRehearsalSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes for half a minute")
	}
	var out strings.Builder
	cfg := Config{Bin: buildCheckin(t), Dir: filepath.Join(t.TempDir(), "soak"), SQLite: true,
		Kiosks: 3, Delegates: 300, Duration: 24 * time.Second, Seed: 42, Faults: shortPlan, Out: &out}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("rehearsal: %v\n%s", err, out.String())
	}
	res.Print(&out)
	t.Log("\n" + out.String())
	if f := res.Failures(); len(f) > 0 {
		t.Errorf("failures: %v", f)
	}
	if res.Tally.Acknowledged+res.Unanswered != 300 || res.Tally.Acknowledged < 290 {
		t.Errorf("%d taps acknowledged, %d unanswered, of 300 delegates", res.Tally.Acknowledged, res.Unanswered)
	}
	if res.Tally.AtRegistry < res.Tally.Acknowledged {
		t.Errorf("%d taps at the registry, %d acknowledged", res.Tally.AtRegistry, res.Tally.Acknowledged)
	}
	if res.AtHead != 3 || res.Head == 0 {
		t.Errorf("%d kiosks at head %d", res.AtHead, res.Head)
	}
	if len(res.Binds) < 5 {
		t.Errorf("%d desk binds measured, want one a second", len(res.Binds))
	}
	if len(res.Faults) != len(shortPlan) {
		t.Fatalf("%d faults reported, want %d", len(res.Faults), len(shortPlan))
	}
	for i, f := range res.Faults {
		if f.Kind != shortPlan[i].Kind || !f.Drained || f.Lasted < shortPlan[i].For {
			t.Errorf("fault %d = %+v, want %s lasting %v and drained", i, f, shortPlan[i].Kind, shortPlan[i].For)
		}
	}
	for _, want := range []string{"acknowledged taps lost", "duplicates at the registry", "bind propagation p50 / p99", "PASSED"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, "logs", "k01.log")); err != nil {
		t.Errorf("kiosk log: %v", err)
	}
}

func TestRefusesUsedWorkDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "something"), nil, 0o600)
	_, err := Run(context.Background(), Config{Bin: "/nonexistent", Dir: dir, SQLite: true, Kiosks: 2, Delegates: 1,
		Duration: time.Minute, Faults: []Fault{}})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("rehearsal in a used work directory: %v", err)
	}
}
