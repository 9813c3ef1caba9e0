package registry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"checkin/assets"
	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
	"checkin/sync/registry/postgres"
	"checkin/sync/registry/postgres/pgtest"
	regsqlite "checkin/sync/registry/sqlite"
)

// BenchmarkIngest: 20 kiosks post check-in batches of 500 events at once to
// a registry on loopback with a 10k roster, on SQLite and on PostgreSQL in
// one run (compare the two as a ratio). Reports stored events/s.
func BenchmarkIngest(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		store, err := regsqlite.Open(filepath.Join(b.TempDir(), "reg.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer store.Close()
		benchmarkIngest(b, store)
	})
	b.Run("postgres", func(b *testing.B) {
		store, err := postgres.Open(context.Background(), pgtest.NewDatabase(b), nil, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		defer store.Close()
		benchmarkIngest(b, store)
	})
}

func benchmarkIngest(b *testing.B, store registry.Admin) {
	const kiosks, batch = 20, 500
	ctx := context.Background()
	roster := make([]kiosk.Delegate, 10_000)
	for i := range roster {
		roster[i] = kiosk.Delegate{ID: fmt.Sprintf("D%05d", i), FamilyName: "Müller", Role: "delegate", Status: "registered", Language: "en"}
	}
	if _, err := store.ReplaceRoster(ctx, roster); err != nil {
		b.Fatal(err)
	}
	for k := 0; k < kiosks; k++ {
		store.AddToken(ctx, fmt.Sprintf("k%02d", k), fmt.Sprintf("token-%02d", k))
	}
	s := registry.NewServer()
	s.Addr = "127.0.0.1:0"
	s.Store = store
	s.Assets = assets.FS()
	s.Logger = slog.New(slog.DiscardHandler)
	if err := s.Open(); err != nil {
		b.Fatal(err)
	}
	defer s.Close(ctx)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: kiosks}}
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

	// b.N counts batches; the kiosks' request bodies are made before the
	// clock starts, so that what is measured is the registry.
	bodies := make([][]byte, b.N)
	for n := range bodies {
		k := n % kiosks
		req := wire.CheckinsRequest{Events: make([]wire.CheckinEvent, batch)}
		for i := range req.Events {
			d := (n*batch + i) % len(roster)
			// Kiosks choose time-ordered ids (UUIDv7), as the product does.
			req.Events[i] = wire.CheckinEvent{ID: uuid.Must(uuid.NewV7()).String(), DelegateID: roster[d].ID,
				UID: "0A0B0C0D0E", Source: "rfid", Kiosk: fmt.Sprintf("k%02d", k), Gate: "main", Direction: "in",
				At: at.Add(time.Duration(i) * time.Second), Result: "accepted"}
		}
		bodies[n], _ = json.Marshal(req)
	}
	var next atomic.Int64
	var stored atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for k := 0; k < kiosks; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for {
				n := next.Add(1) - 1
				if n >= int64(b.N) {
					return
				}
				hr, _ := http.NewRequest("POST", s.URL()+"/sync/v1/checkins", bytes.NewReader(bodies[n]))
				hr.Header.Set("Authorization", fmt.Sprintf("Bearer token-%02d", k))
				resp, err := client.Do(hr)
				if err != nil {
					b.Error(err)
					return
				}
				var res wire.CheckinsResponse
				json.NewDecoder(resp.Body).Decode(&res)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				stored.Add(int64(res.Accepted))
			}
		}(k)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if stored.Load() != int64(b.N*batch) {
		b.Fatalf("stored %d of %d events", stored.Load(), b.N*batch)
	}
	b.ReportMetric(float64(stored.Load())/elapsed.Seconds(), "events/s")
}
