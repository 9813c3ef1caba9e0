package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

// BenchmarkFeedPaging8Writers: a reader pages the feed (pages of 1000, as
// a kiosk catching up) while 8 writers through 2 stores commit arrivals
// in batches of 50. Reports changes read per second and how many the
// reader skipped against the final log (must be 0).
func BenchmarkFeedPaging8Writers(b *testing.B) {
	stores := openStores(b, 2)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	at := time.Date(2026, 11, 16, 8, 30, 0, 0, time.UTC)
	var written atomic.Int64
	var wg errgroup.Group
	for w := range 8 {
		wg.Go(func() error {
			for n := 0; ctx.Err() == nil; n++ {
				events := arrivalEvents(fmt.Sprintf("w%dn%d", w, n), 50, at)
				if _, _, err := stores[w%2].AddCheckins(ctx, fmt.Sprintf("kiosk-%d", w), events, at); err != nil {
					if ctx.Err() != nil {
						return nil
					}
					return err
				}
				written.Add(50)
			}
			return nil
		})
	}
	var read []int64
	since := int64(0)
	start := time.Now()
	for b.Loop() {
		page, err := stores[0].Changes(ctx, since, 1000)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range page.Changes {
			read = append(read, c.Seq)
		}
		since = page.Next
	}
	elapsed, readLive := time.Since(start), len(read)
	stop()
	if err := wg.Wait(); err != nil {
		b.Fatal(err)
	}
	// The rest of the log, read after the writers stopped.
	for {
		page, err := stores[0].Changes(context.Background(), since, 1000)
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Changes) == 0 {
			break
		}
		for _, c := range page.Changes {
			read = append(read, c.Seq)
		}
		since = page.Next
	}
	var all []int64
	rows, err := stores[1].pool.Query(context.Background(), `SELECT seq FROM changes ORDER BY seq`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var seq int64
		rows.Scan(&seq)
		all = append(all, seq)
	}
	rows.Close()
	skipped := len(all) - len(read)
	for i := range min(len(all), len(read)) {
		if all[i] != read[i] {
			b.Fatalf("reader diverged at %d: read seq %d, log has %d", i, read[i], all[i])
		}
	}
	b.ReportMetric(float64(readLive)/elapsed.Seconds(), "changes/s")
	b.ReportMetric(float64(skipped), "skipped")
	b.ReportMetric(float64(written.Load())/elapsed.Seconds(), "written/s")
}
