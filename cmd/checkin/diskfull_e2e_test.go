package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// smallDisk mounts a tmpfs of the given size (mount's syntax: "2m") in a
// temporary directory and returns its path; it is unmounted when the test
// ends. Mounting needs root: the test fails in CI (which runs as root) and
// is skipped, loudly, elsewhere.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput()
	if err != nil {
		msg := "cannot mount a small tmpfs (needs root): " + strings.TrimSpace(string(out)) + " " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI runs as root and must run this test")
		}
		t.Skip("SKIPPED, NOT RUN: " + msg + " — run the tests as root to check the full-disk behaviour")
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill the disk: %v", err)
			}
			return path
		}
	}
}

// tapStatus posts a tap and returns the answer's status and body.
func tapStatus(t *testing.T, url, uid string) (int, string) {
	t.Helper()
	resp, err := http.Post(url+"/api/taps", "application/json", strings.NewReader(`{"uid":"`+uid+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func healthStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestDiskFull: a kiosk whose data directory is on a full disk answers
// taps 503, says so in /healthz (503, with the reason) within a second of
// the first failed write and on the event stream (for the entrance
// screen), logs it once (not once per tap), and takes taps again by
// itself once there is room.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary on a tmpfs")
	}
	disk := smallDisk(t, "4m")
	bin := buildBinary(t)
	data := filepath.Join(disk, "kiosk")
	roster := writeFile(t, t.TempDir(), "roster.csv", syncRoster)
	if out, err := runBin(bin, "import", "roster", "--data", data, roster); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	k := startKiosk(t, bin, "--data", data, "--kiosk-id", "k1")
	if r := tap(t, k.url, "0A0B0C0D0E"); r["result"] != "accepted" {
		t.Fatalf("tap with room: %v", r)
	}
	filler := fill(t, disk)

	var failedAt time.Time
	for i := 0; ; i++ {
		status, body := tapStatus(t, k.url, "1111111111")
		if status != http.StatusOK {
			failedAt = time.Now()
			if status != http.StatusServiceUnavailable {
				t.Errorf("tap on a full disk: %d %s, want 503", status, body)
			}
			break
		}
		if i > 5000 {
			t.Fatal("5000 taps written on a full disk")
		}
	}
	for {
		status, body := healthStatus(t, k.url)
		if status == http.StatusServiceUnavailable {
			if !strings.Contains(body, "disk full") {
				t.Errorf("healthz on a full disk: %s, want the reason", body)
			}
			t.Logf("healthz 503 %v after the first failed tap: %s", time.Since(failedAt).Round(time.Millisecond), body)
			break
		}
		if time.Since(failedAt) > time.Second {
			t.Fatalf("healthz still %d %s a second after taps started failing", status, body)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// The entrance screen learns it from the event stream on connecting.
	resp, err := http.Get(k.url + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	stream := make(chan string, 1)
	go func() {
		var buf bytes.Buffer
		b := make([]byte, 4096)
		for {
			if _, ev, ok := strings.Cut(buf.String(), "event: store"); ok && strings.Contains(ev, "\n\n") {
				break // the whole store event is in
			}
			n, err := resp.Body.Read(b)
			buf.Write(b[:n])
			if err != nil {
				break
			}
		}
		stream <- buf.String()
	}()
	select {
	case s := <-stream:
		if !strings.Contains(s, "event: store\ndata: {\"ok\":false,\"reason\":\"disk full\"") {
			t.Errorf("event stream on a full disk begins %q, want a store event saying disk full", s)
		}
	case <-time.After(5 * time.Second):
		t.Error("no store event on the stream")
	}
	resp.Body.Close()

	// A flood: every tap fails, the log says it once.
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 250; i++ {
				if status, body := tapStatus(t, k.url, "2222222222"); status != http.StatusServiceUnavailable {
					t.Errorf("tap in the flood: %d %s", status, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := k.logged("taps cannot be written"); n != 1 {
		t.Errorf("%d log lines say taps cannot be written after 2000 failed taps, want 1", n)
	}
	if n := k.logged("request failed") + k.logged("tap batch failed"); n != 0 {
		t.Errorf("%d log lines for single failed taps, want none", n)
	}

	os.Remove(filler) // room again: taps go through by themselves
	if r := tap(t, k.url, "2222222222"); r["result"] != "accepted" {
		t.Errorf("tap with room again: %v", r)
	}
	if status, body := healthStatus(t, k.url); status != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("healthz with room again: %d %s", status, body)
	}
	if n := k.logged("taps are written again"); n != 1 {
		t.Errorf("%d log lines say taps are written again, want 1", n)
	}
}
