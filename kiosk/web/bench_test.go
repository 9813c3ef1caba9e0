package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
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
	badgeRoster(b, f, 100_000)
	b.ResetTimer()
	tapsPerSec := floodTaps(b, f.url, clients, b.N, 100_000, 0)
	b.StopTimer()
	raw := rawInsertRate(b, 32, max(b.N, 2000))
	b.ReportMetric(tapsPerSec, "taps/s")
	b.ReportMetric(raw, "raw-rows/s")
	b.ReportMetric(tapsPerSec/raw, "ratio")
}

// badgeRoster replaces f's roster with n delegates, each with the badge
// %010X of its number.
func badgeRoster(b *testing.B, f *fixture, n int) {
	roster := make([]kiosk.Delegate, n)
	for i := range roster {
		roster[i] = kiosk.Delegate{ID: fmt.Sprintf("B%06d", i), FamilyName: "Müller", GivenName: fmt.Sprint(i),
			Role: "delegate", Status: "registered", Language: "en", Badges: []string{fmt.Sprintf("%010X", i)}}
	}
	if _, err := f.db.ReplaceRoster(context.Background(), roster); err != nil {
		b.Fatal(err)
	}
}

// floodTaps posts n taps, and more until at least minDur has passed, to
// base's /api/taps from the given number of concurrent clients, as fast as
// they are answered, cycling through the badges %010X of 0 to badges-1,
// and returns the rate of answered taps. Any tap not answered 200 fails
// the benchmark.
func floodTaps(b *testing.B, base string, clients, n, badges int, minDur time.Duration) float64 {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	var next, failed atomic.Int64
	start := time.Now()
	until := start.Add(minDur)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) && time.Now().After(until) {
					return
				}
				body := fmt.Sprintf(`{"uid":"%010X"}`, i%int64(badges))
				resp, err := client.Post(base+"/api/taps", "application/json", strings.NewReader(body))
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
	if failed.Load() > 0 {
		b.Fatalf("%d taps failed", failed.Load())
	}
	return float64(next.Load()-int64(clients)) / elapsed.Seconds()
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

// BenchmarkDeskSearch100k searches a 100,000-delegate roster (names in
// several scripts) through the desk API on loopback, signed in, with 1,000
// queries of 1 to 3 typed characters, whole names and ids; one op is all
// 1,000. It reports the p50 and p99 of one request, and of the index alone
// in the same run, so the HTTP and session cost shows as the difference.
func BenchmarkDeskSearch100k(b *testing.B) {
	f := newFixture(b)
	addStaff(b, f, "dana", kiosk.RoleDesk, "correct horse battery")
	family := []string{"Müller", "Schmidt", "García", "Nguyễn", "Иванов", "Петрова", "王", "李", "김", "Παπαδόπουλος", "محمد", "Okafor", "Dubois", "Rossi", "O’Brien", "Søren"}
	given := []string{"Anna", "João", "Jürgen", "Пётр", "小明", "민준", "Ελένη", "أحمد", "Chinedu", "Léa", "Marco", "Zoë"}
	orgs := []string{"BNetzA", "ANACOM", "Минцифры", "CAICT", "Ofcom", "ARCEP", "ITU", "Orange", "Huawei", "NTT"}
	countries := []string{"DE", "PT", "RU", "CN", "KR", "GR", "EG", "NG", "FR", "IT", "IE", "DK"}
	roster := make([]kiosk.Delegate, 100_000)
	for i := range roster {
		roster[i] = kiosk.Delegate{ID: fmt.Sprintf("D%06d", i), FamilyName: family[i%len(family)] + fmt.Sprint(i%977),
			GivenName: given[i%len(given)], Organization: orgs[i%len(orgs)], Country: countries[i%len(countries)],
			Role: "delegate", Status: "registered", Language: "en"}
	}
	ctx := context.Background()
	if _, err := f.db.ReplaceRoster(ctx, roster); err != nil {
		b.Fatal(err)
	}
	br := newBrowser(b, f.url)
	if resp := br.login("dana", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %d", resp.StatusCode)
	}
	var queries []string
	for i := 0; len(queries) < 1000; i++ {
		d := roster[(i*7919)%len(roster)]
		switch i % 6 {
		case 0:
			queries = append(queries, string([]rune(d.FamilyName)[:1]))
		case 1:
			queries = append(queries, string([]rune(d.FamilyName)[:2]))
		case 2:
			queries = append(queries, strings.ToLower(d.FamilyName))
		case 3:
			queries = append(queries, d.GivenName+" "+d.FamilyName)
		case 4:
			queries = append(queries, strings.ToLower(d.ID))
		default:
			queries = append(queries, "zz"+fmt.Sprint(i))
		}
	}
	if _, err := f.server.Search.SearchDelegates(ctx, "warm up", 0, 20); err != nil { // the first search builds
		b.Fatal(err)
	}
	var httpTook, indexTook []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for _, q := range queries {
			start := time.Now()
			resp, _ := br.get("/api/delegates?q=" + url.QueryEscape(q))
			httpTook = append(httpTook, time.Since(start))
			if resp.StatusCode != 200 {
				b.Fatalf("search %q: %d", q, resp.StatusCode)
			}
			start = time.Now()
			f.server.Search.SearchDelegates(ctx, q, 0, 20)
			indexTook = append(indexTook, time.Since(start))
		}
	}
	b.StopTimer()
	ms := func(ds []time.Duration, p int) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)*p/100]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(httpTook, 50), "http-p50-ms")
	b.ReportMetric(ms(httpTook, 99), "http-p99-ms")
	b.ReportMetric(ms(indexTook, 50), "index-p50-ms")
	b.ReportMetric(ms(indexTook, 99), "index-p99-ms")
}
