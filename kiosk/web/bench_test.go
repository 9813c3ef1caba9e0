package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
)

// BenchmarkTapThroughput posts taps to /api/taps from 32 concurrent
// clients on loopback against a 100k-delegate roster. Every answered tap
// is committed (synchronous=FULL). In the same run it measures SQLite's
// raw rate for inserting tap rows in transactions of 32 with the same
// durability, and reports the ratio.
func BenchmarkTapThroughput(b *testing.B) {
	const clients = 32
	f := newFixture(b)
	roster := make([]kiosk.Delegate, 100_000)
	for i := range roster {
		roster[i] = kiosk.Delegate{ID: fmt.Sprintf("B%06d", i), FamilyName: "Müller", GivenName: fmt.Sprint(i),
			Role: "delegate", Status: "registered", Language: "en", Badges: []string{fmt.Sprintf("%010X", i)}}
	}
	if _, err := f.db.ReplaceRoster(context.Background(), roster); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				body := fmt.Sprintf(`{"uid":"%010X"}`, i%100_000)
				resp, err := client.Post(f.url+"/api/taps", "application/json", strings.NewReader(body))
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d taps failed", failed.Load())
	}
	tapsPerSec := float64(b.N) / elapsed.Seconds()
	raw := rawInsertRate(b, 32, max(b.N, 2000))
	b.ReportMetric(tapsPerSec, "taps/s")
	b.ReportMetric(raw, "raw-rows/s")
	b.ReportMetric(tapsPerSec/raw, "ratio")
}

// rawInsertRate inserts n tap rows in transactions of batch rows into a
// fresh database with the kiosk's schema and pragmas: the ceiling for
// durable taps on this disk.
func rawInsertRate(b *testing.B, batch, n int) float64 {
	path := filepath.Join(b.TempDir(), "raw.db")
	schema := sqlite.NewDB(path)
	if err := schema.Open(); err != nil {
		b.Fatal(err)
	}
	schema.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	start := time.Now()
	for done := 0; done < n; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk,
			delegate_id, delegate_name, result, reason, first_today) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < batch && done < n; i++ {
			if _, err := stmt.ExecContext(ctx, fmt.Sprintf("raw-%08d", done), time.Now().UnixMicro(), "2026-11-22",
				"0A0B0C0D0E", "rfid", "main", "in", "k1", "D1", "Jürgen Müller", "accepted", "", 1); err != nil {
				b.Fatal(err)
			}
			done++
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}
