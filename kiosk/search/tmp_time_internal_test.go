package search

import (
	"slices"
	"syscall"
	"testing"
	"time"
)

func cpu() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

func TestTmpTime(t *testing.T) {
	docs := generateDocs(100_000, 42)
	for range 6 {
		s, c := time.Now(), cpu()
		ix := Build(docs)
		t.Logf("build %v cpu %v terms %d fwd %d", time.Since(s), cpu()-c, len(ix.terms), len(ix.fwd))
	}
}

func TestTmpSlow(t *testing.T) {
	docs := generateDocs(100_000, 42)
	ix := Build(docs)
	qs := benchQueries(docs, 1000, 42)
	best := make([]time.Duration, len(qs))
	for r := range 5 {
		for i, q := range qs {
			s := time.Now()
			ix.Search(q, 0, 20)
			d := time.Since(s)
			if r == 0 || d < best[i] {
				best[i] = d
			}
		}
	}
	type qt struct {
		q     string
		d     time.Duration
		total int
	}
	var all []qt
	for i, q := range qs {
		all = append(all, qt{q, best[i], ix.Search(q, 0, 20).Total})
	}
	slices.SortFunc(all, func(a, b qt) int { return int(b.d - a.d) })
	for _, a := range all[:25] {
		words := queryWords(a.q)
		var vols []uint32
		for _, w := range words[0] {
			sp, _ := ix.span(w)
			vols = append(vols, uint32(ix.size(sp)))
		}
		t.Logf("%-30q %v total %d vols %v", a.q, a.d, a.total, vols)
	}
	ds := make([]time.Duration, len(best))
	copy(ds, best)
	slices.Sort(ds)
	t.Logf("p50 %v p99 %v", ds[len(ds)/2], ds[len(ds)*99/100])
}

func BenchmarkTmpD(b *testing.B) {
	docs := generateDocs(100_000, 42)
	ix := Build(docs)
	b.ResetTimer()
	for b.Loop() {
		ix.Search("D", 0, 20)
	}
}

func TestTmpHot(t *testing.T) {
	docs := generateDocs(100_000, 42)
	ix := Build(docs)
	// all distinct prefixes of terms
	seen := map[string]bool{}
	for _, term := range ix.terms {
		for i := range term {
			if i > 0 {
				seen[term[:i]] = true
			}
		}
		seen[term] = true
	}
	for _, T := range []int{512, 1024, 2048, 4096, 8192} {
		n, sum, sumVol := 0, 0, 0
		for p := range seen {
			sp, _ := ix.span(p)
			lo, hi := sp.lo, sp.hi
			v := int(ix.postStart[hi] - ix.postStart[lo])
			if v < T {
				continue
			}
			d := map[uint32]bool{}
			for _, e := range ix.posts[ix.postStart[lo]:ix.postStart[hi]] {
				d[e>>flagBits] = true
			}
			n++
			sum += len(d)
			sumVol += v
		}
		t.Logf("T=%d hot prefixes %d docs %d (%.1f MB) vol %d", T, n, sum, float64(sum*4)/1e6, sumVol)
	}
}
