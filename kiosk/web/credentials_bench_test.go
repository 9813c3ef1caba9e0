package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"checkin/kiosk"
)

// BenchmarkCredentialAPI asks GET /api/v1/credentials/{uid} from 32
// concurrent clients on loopback, one API key, against a 100k-delegate
// roster, and in the same run posts taps to /api/taps from 32 clients;
// it reports both rates and their ratio, and the process's CPU time per
// request of each (clients included), which a machine busy with other
// work disturbs less than rates. The two take turns, five rounds of at
// least 300 ms each, and the medians are reported. The key's rate limit
// is lifted (its bucket is still taken from on every request): the limit
// is the venue's choice, the throughput is the kiosk's.
func BenchmarkCredentialAPI(b *testing.B) {
	const clients, badges, rounds = 32, 100_000, 5
	f := newFixture(b)
	badgeRoster(b, f, badges)
	const key = "cka_bench-key"
	if _, err := f.db.AddAPIKey(context.Background(), "bench", kiosk.HashSecret(key)); err != nil {
		b.Fatal(err)
	}
	f.server.Credentials.Rate, f.server.Credentials.Burst = 1e9, 1e9
	var creds, taps, ratios, credCPU, tapCPU []float64
	// measure runs a flood and returns its rate and CPU µs per request.
	measure := func(flood func() float64) (rate, cpuUS float64) {
		c0, t0 := cpuTime(), time.Now()
		rate = flood()
		cpu, wall := cpuTime()-c0, time.Since(t0)
		return rate, float64(cpu.Microseconds()) / (rate * wall.Seconds())
	}
	b.ResetTimer()
	for range rounds {
		c, cc := measure(func() float64 {
			return floodCredentials(b, f.url, key, clients, b.N/rounds, badges, 300*time.Millisecond)
		})
		t, tc := measure(func() float64 { return floodTaps(b, f.url, clients, b.N/rounds, badges, 300*time.Millisecond) })
		creds, taps, ratios = append(creds, c), append(taps, t), append(ratios, c/t)
		credCPU, tapCPU = append(credCPU, cc), append(tapCPU, tc)
	}
	b.StopTimer()
	median := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
	b.ReportMetric(median(creds), "credentials/s")
	b.ReportMetric(median(taps), "taps/s")
	b.ReportMetric(median(ratios), "ratio")
	b.ReportMetric(median(credCPU), "cpu-us/credential")
	b.ReportMetric(median(tapCPU), "cpu-us/tap")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// floodCredentials asks n times, and more until at least minDur has
// passed, about the badges %010X of 0 to badges-1 from the given number
// of concurrent clients, and returns the rate of answers. Any answer but
// a valid 200 fails the benchmark.
func floodCredentials(b *testing.B, base, key string, clients, n, badges int, minDur time.Duration) float64 {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	var next, failed atomic.Int64
	start := time.Now()
	until := start.Add(minDur)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) && time.Now().After(until) {
					return
				}
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/credentials/%010X", base, i%int64(badges)), nil)
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.HasPrefix(string(body), `{"valid":true`) {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if failed.Load() > 0 {
		b.Fatalf("%d credential requests failed", failed.Load())
	}
	return float64(next.Load()-int64(clients)) / elapsed.Seconds()
}
