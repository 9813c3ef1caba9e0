package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"checkin/kiosk"
)

// testBuild is what buildBinary stamps into the binary, as the Makefile
// does for a release.
var testBuild = struct{ version, commit, date string }{"0.16.0+test", "0123456789abcdef0123456789abcdef01234567", "2026-12-04T03:00:00Z"}

// buildBinary builds cmd/checkin into a temporary directory.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "checkin")
	cmd := exec.Command("go", "build", "-o", bin, "-ldflags",
		"-X main.version="+testBuild.version+" -X main.commit="+testBuild.commit+" -X main.buildDate="+testBuild.date, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a running checkin.
type process struct {
	cmd *exec.Cmd
	url string

	mu  sync.Mutex
	log []string // its log lines so far
}

// logged returns how many of its log lines so far contain s.
func (p *process) logged(s string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, line := range p.log {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

var servingURL = regexp.MustCompile(`serving" url=(https?://127\.0\.0\.1:\d+)`)

func startKiosk(t testing.TB, bin string, args ...string) *process {
	t.Helper()
	return startProcess(t, bin, append([]string{"kiosk", "--addr", "127.0.0.1:0"}, args...)...)
}

// startProcess runs checkin with args and waits for it to log the URL it
// serves on. Its log goes to the test log (shown when a test fails).
func startProcess(t testing.TB, bin string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			t.Log(args[0] + ": " + sc.Text()) // shown when the test fails
			p.mu.Lock()
			p.log = append(p.log, sc.Text())
			p.mu.Unlock()
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case p.url = <-found:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not report its URL", args[0])
	}
	return p
}

func (p *process) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("kiosk exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("kiosk did not stop on SIGTERM")
	}
}

func tap(t *testing.T, url, uid string) map[string]any {
	t.Helper()
	return postTap(t, url, `{"uid":"`+uid+`"}`)
}

// postTap posts a tap request body and returns the TapResult.
func postTap(t testing.TB, url, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(url+"/api/taps", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("tap %s: %d %s", body, resp.StatusCode, data)
	}
	var res map[string]any
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestEndToEnd: import → kiosk → taps → SIGTERM → restart → state kept →
// export, all through the real binary.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "kiosk")
	roster := writeFile(t, dir, "roster.csv", "\ufeffid;family_name;given_name;organization;country;role;status;badge_uid;email\n"+
		"D1;Иванов;Пётр;Минцифры;RU;head;confirmed;04:A1:B2:C3;p@example.org\n"+
		"D2;محمد;علي;TRA;AE;delegate;cancelled;0A0B0C0D;\n")
	out, err := exec.Command(bin, "import", "roster", "--data", data, roster).CombinedOutput()
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}

	k := startKiosk(t, bin, "--data", data, "--kiosk-id", "north-1")
	if r := tap(t, k.url, "04a1b2c3"); r["result"] != "accepted" || r["first_today"] != true {
		t.Errorf("first tap = %v", r)
	}
	if r := tap(t, k.url, "0A0B0C0D"); r["reason"] != "registration_cancelled" {
		t.Errorf("cancelled tap = %v", r)
	}
	k.stop(t)

	k = startKiosk(t, bin, "--data", data, "--kiosk-id", "north-1")
	r := tap(t, k.url, "04A1B2C3")
	if r["result"] != "accepted" || r["first_today"] != false {
		t.Errorf("after restart: %v, want accepted, not first today", r)
	}
	if d, _ := r["delegate"].(map[string]any); d["name"] != "Пётр Иванов" {
		t.Errorf("delegate = %v", r["delegate"])
	}
	resp, err := http.Get(k.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health map[string]any
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health["status"] != "ok" || health["kiosk_id"] != "north-1" || health["delegates"] != float64(2) {
		t.Errorf("health = %v", health)
	}
	k.stop(t)

	report := filepath.Join(dir, "report.csv")
	if out, err := exec.Command(bin, "export", "checkins", "--data", data, report).CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	rows := readReport(t, report)
	if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(kiosk.CheckinsHeader, ",") {
		t.Fatalf("report rows = %v", rows)
	}
	if rows[1][3] != "Пётр Иванов" || rows[1][10] != "north-1" || rows[1][11] != "true" || rows[2][9] != "registration_cancelled" {
		t.Errorf("report = %v", rows)
	}
	for _, row := range rows {
		if strings.Contains(strings.Join(row, ","), "example.org") {
			t.Errorf("report leaks e-mail: %v", row)
		}
	}
}

func runBin(bin string, args ...string) ([]byte, error) {
	return exec.Command(bin, args...).CombinedOutput()
}
