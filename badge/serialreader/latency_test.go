package serialreader_test

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkPTYLatency measures the time from writing a frame to the peer
// pseudo-terminal to OnRead being called, over at least 200 taps of
// different cards (so that the hold-off never drops one), and reports
// the p50 and p99 in milliseconds. The path includes socat copying
// between the two pseudo-terminals.
func BenchmarkPTYLatency(b *testing.B) {
	h := newHarness(b, ",format=line", 0)
	taps := max(b.N, 200)
	lat := make([]time.Duration, 0, taps)
	b.ResetTimer()
	for i := range taps {
		frame := fmt.Sprintf("%08X\r\n", 0x10000000+i)
		start := time.Now()
		h.write(frame)
		select {
		case at := <-h.at:
			lat = append(lat, at.Sub(start))
			<-h.reads
		case <-time.After(wait):
			b.Fatalf("tap %d: no read within %v", i, wait)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e6
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat)), "taps")
}
