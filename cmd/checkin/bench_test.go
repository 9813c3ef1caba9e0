package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"checkin/kiosk/phototest"
)

// BenchmarkKioskStartup100k starts the real binary on a data directory
// holding a 100k-delegate roster in eight scripts and 2,000 photos of
// about 50 KB: time from exec to the first answered /healthz, and resident
// memory once idle (photos stay in the database file, never in memory).
func BenchmarkKioskStartup100k(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "checkin")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	dir := b.TempDir()
	var csv strings.Builder
	// Names in several scripts, so the search index holds the Latin keys
	// of transliterated names and of the roster's Latin columns.
	names := [][5]string{ // family, given, country, latin family, latin given
		{"Müller", "Jürgen", "DE", "", ""},
		{"Кузнецов", "Дмитрий", "RU", "", ""},
		{"王", "芳", "CN", "", ""},
		{"Παπαδοπούλου", "Ελένη", "GR", "", ""},
		{"المنصوري", "أحمد", "AE", "Al Mansouri", "Ahmed"},
		{"佐藤", "陽子", "JP", "Sato", "Yoko"},
		{"शर्मा", "प्रिया", "IN", "", ""},
		{"Nguyễn", "Thị Hồng", "VN", "", ""},
	}
	csv.WriteString("id,family_name,given_name,organization,country,groups,badge_uid,latin_family_name,latin_given_name,email\n")
	for i := 0; i < 100_000; i++ {
		n := names[i%len(names)]
		fmt.Fprintf(&csv, "D%06d,%s%d,%s,Administration,%s,\"SG12;Q%d/12\",%010X,%s,%s,d%d@example.org\n",
			i, n[0], i, n[1], n[2], i%19+1, i, n[3], n[4], i)
	}
	roster := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(roster, []byte(csv.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	t0 := time.Now()
	if out, err := exec.Command(bin, "import", "roster", "--data", data, roster).CombinedOutput(); err != nil {
		b.Fatalf("import: %v\n%s", err, out)
	}
	b.Logf("import of 100k delegates: %v", time.Since(t0).Round(time.Millisecond))
	photos := filepath.Join(dir, "photos")
	if err := os.Mkdir(photos, 0o755); err != nil {
		b.Fatal(err)
	}
	jpeg := phototest.JPEG(9, 420, 560) // about 50 KB
	for i := 0; i < 2000; i++ {
		// One picture, each copy distinct by a trailer after its end marker.
		data := append(append([]byte(nil), jpeg...), fmt.Sprintf("photo %06d", i)...)
		if err := os.WriteFile(filepath.Join(photos, fmt.Sprintf("D%06d.jpg", i)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	t0 = time.Now()
	if out, err := exec.Command(bin, "import", "photos", "--data", data, photos).CombinedOutput(); err != nil {
		b.Fatalf("import photos: %v\n%s", err, out)
	}
	b.Logf("import of 2,000 photos of %d KB: %v", len(jpeg)>>10, time.Since(t0).Round(time.Millisecond))

	staff := exec.Command(bin, "staff", "add", "--data", data, "--user", "dana")
	staff.Stdin = strings.NewReader("correct horse battery\n")
	if out, err := staff.CombinedOutput(); err != nil {
		b.Fatalf("staff add: %v\n%s", err, out)
	}

	var starts []time.Duration
	var rssMB, deskMB float64
	var firstSearch time.Duration
	for i := 0; b.Loop(); i++ {
		addr := fmt.Sprintf("127.0.0.1:%d", 18500+i%400)
		cmd := exec.Command(bin, "kiosk", "--data", data, "--addr", addr)
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for {
			resp, err := http.Get("http://" + addr + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Since(start) > 10*time.Second {
				cmd.Process.Kill()
				b.Fatal("kiosk did not answer /healthz in 10 s")
			}
			time.Sleep(2 * time.Millisecond)
		}
		starts = append(starts, time.Since(start))
		if i == 0 {
			time.Sleep(2 * time.Second) // idle
			rssMB = residentMB(b, cmd.Process.Pid)
			// The desk's first search builds the search index.
			firstSearch = deskSearch(b, "http://"+addr)
			time.Sleep(time.Second)
			deskMB = residentMB(b, cmd.Process.Pid)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
	slices.Sort(starts)
	b.ReportMetric(float64(starts[len(starts)/2].Microseconds())/1000, "start-p50-ms")
	b.ReportMetric(float64(starts[len(starts)-1].Microseconds())/1000, "start-max-ms")
	b.ReportMetric(rssMB, "idle-RSS-MB")
	b.ReportMetric(deskMB, "desk-RSS-MB")
	b.ReportMetric(float64(firstSearch.Microseconds())/1000, "first-search-ms")
}

// deskSearch signs in and runs the first search, timing it.
func deskSearch(b *testing.B, base string) time.Duration {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Post(base+"/login", "application/json", strings.NewReader(`{"username":"dana","password":"correct horse battery"}`))
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	start := time.Now()
	resp, err = c.Get(base + "/api/delegates?q=muller")
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("search: %v %v", resp, err)
	}
	resp.Body.Close()
	return time.Since(start)
}

// residentMB reads VmRSS of a process from /proc.
func residentMB(b *testing.B, pid int) float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
