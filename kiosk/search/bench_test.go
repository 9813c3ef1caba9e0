package search_test

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"checkin/kiosk/search"
)

const benchSeed = 42

// BenchmarkSearch100k runs 1,000 varied queries (see BenchQueries) against
// 100,000 generated delegates; one op is all 1,000. It reports the median
// and 99th percentile time of a single query.
func BenchmarkSearch100k(b *testing.B) {
	docs := search.GenerateDocs(100_000, benchSeed)
	ix := search.Build(docs)
	queries := search.BenchQueries(docs, 1000, benchSeed)
	var took []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, q := range queries {
			start := time.Now()
			ix.Search(q, 0, search.DefaultLimit)
			took = append(took, time.Since(start))
		}
	}
	b.StopTimer()
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
	b.ReportMetric(ms(took[len(took)*99/100]), "p99-ms")
	b.ReportMetric(ms(took[len(took)-1]), "max-ms")
}

// BenchmarkBuild100k builds the index of 100,000 generated delegates and
// reports the heap it keeps (the docs themselves not counted).
func BenchmarkBuild100k(b *testing.B) {
	docs := search.GenerateDocs(100_000, benchSeed)
	var heap float64
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		ix := search.Build(docs)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(ix)
		b.StartTimer()
	}
	b.ReportMetric(heap, "heap-MB")
}
