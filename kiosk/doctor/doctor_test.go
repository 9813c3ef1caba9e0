package doctor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"checkin/kiosk/doctor"
)

func sample() doctor.Report {
	return doctor.Report{Version: "1.2.3", OK: false, Checks: []doctor.Check{
		{ID: doctor.IDDataDir, Status: doctor.Fail, Title: "data directory", Detail: "/d is mode 0755", Fix: "chmod 700 /d"},
		{ID: doctor.IDDisk, Status: doctor.OK, Title: "free disk", Detail: "3.0 GiB free on /d"},
		{ID: doctor.IDKioskRunning, Status: doctor.Warn, Title: "kiosk running", Detail: "nothing answers", Fix: "systemctl status checkin-kiosk"},
		{ID: doctor.IDReader, Status: doctor.Skip, Title: "readers", Detail: "none configured"},
	}}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := sample().WriteText(&b, "settings from /etc/checkin/kiosk.env", false); err != nil {
		t.Fatal(err)
	}
	want := `checkin doctor 1.2.3 — settings from /etc/checkin/kiosk.env
✗ data directory: /d is mode 0755
  → chmod 700 /d
✓ free disk: 3.0 GiB free on /d
! kiosk running: nothing answers
  → systemctl status checkin-kiosk
- readers: none configured
1 problem to fix, 1 warning
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	b.Reset()
	sample().WriteText(&b, "x", true)
	if !strings.Contains(b.String(), "\x1b[31m✗\x1b[0m data directory") || !strings.Contains(b.String(), "\x1b[2m- readers") {
		t.Errorf("coloured:\n%q", b.String())
	}
}

func TestSummary(t *testing.T) {
	r := doctor.Report{Checks: []doctor.Check{{Status: doctor.OK}, {Status: doctor.Skip}}}
	if got := r.Summary(); got != "all blockers pass" {
		t.Errorf("got %q", got)
	}
	if got := (doctor.Report{Checks: []doctor.Check{{Status: doctor.Fail}}}).Summary(); got != "1 problem to fix" {
		t.Errorf("got %q", got)
	}
	r.Checks = append(r.Checks, doctor.Check{Status: doctor.Warn}, doctor.Check{Status: doctor.Warn})
	if got := r.Summary(); got != "all blockers pass, 2 warnings" {
		t.Errorf("got %q", got)
	}
	r.Checks = append(r.Checks, doctor.Check{Status: doctor.Fail}, doctor.Check{Status: doctor.Fail})
	if got := r.Summary(); got != "2 problems to fix, 2 warnings" {
		t.Errorf("got %q", got)
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := sample().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Version string
		OK      *bool
		Checks  []map[string]string
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != "1.2.3" || got.OK == nil || *got.OK || len(got.Checks) != 4 {
		t.Fatalf("got %+v", got)
	}
	want := map[string]string{"id": "data-dir", "status": "fail", "title": "data directory", "detail": "/d is mode 0755", "fix": "chmod 700 /d"}
	if diff := cmp.Diff(want, got.Checks[0]); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestRunEmitsEveryID: with nothing configured every check still gives
// its line (skipped), under one of IDs, in the order of IDs.
func TestRunEmitsEveryID(t *testing.T) {
	r := doctor.Run(context.Background(), doctor.Config{FontconfigFile: "/nonexistent/fonts.conf"})
	var got []string
	for _, c := range r.Checks {
		got = append(got, c.ID)
	}
	if diff := cmp.Diff(doctor.IDs(), got); diff != "" {
		t.Errorf("check IDs (-IDs() +emitted)\n%s", diff)
	}
}

// TestTroubleshootingDoc: docs/troubleshooting.md has a section for every
// check ID, so that the doc cannot drift from the checks.
func TestTroubleshootingDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	headings := regexp.MustCompile("(?m)^## .*`([a-z-]+)`").FindAllSubmatch(doc, -1)
	have := map[string]bool{}
	for _, h := range headings {
		have[string(h[1])] = true
	}
	for _, id := range doctor.IDs() {
		if !have[id] {
			t.Errorf("docs/troubleshooting.md has no section for `%s`", id)
		}
		delete(have, id)
	}
	for id := range have {
		t.Errorf("docs/troubleshooting.md has a section for `%s`, which no check has", id)
	}
}
