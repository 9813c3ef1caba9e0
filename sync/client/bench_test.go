package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk"
	ksqlite "checkin/kiosk/sqlite"
	wire "checkin/sync"
	"checkin/sync/client"
	"checkin/sync/registry"
	regsqlite "checkin/sync/registry/sqlite"
)

// venue is a registry on loopback with a token for one kiosk.
type venue struct {
	store  *regsqlite.Store
	server *registry.Server
	token  string
}

func newVenue(tb testing.TB, delegates int) *venue {
	tb.Helper()
	store, err := regsqlite.Open(filepath.Join(tb.TempDir(), "reg.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	v := &venue{store: store, token: "token-k1"}
	ctx := context.Background()
	roster := make([]kiosk.Delegate, delegates)
	for i := range roster {
		roster[i] = kiosk.Delegate{ID: fmt.Sprintf("D%06d", i), FamilyName: "Müller", GivenName: fmt.Sprint("Jürgen ", i),
			Organization: "Administration", Country: "CH", Role: "delegate", Status: "registered", Language: "en",
			Groups: []string{"SG12", "Q2/12"}, Badges: []string{fmt.Sprintf("%010X", i)}}
	}
	if _, err := store.ReplaceRoster(ctx, roster); err != nil {
		tb.Fatal(err)
	}
	store.AddToken(ctx, "k1", "token-k1")
	v.server, _ = v.serve(tb)
	return v
}

// serve starts a registry server on the venue's store (a second one is
// another registry process on the same database); stop ends it before
// the test does.
func (v *venue) serve(tb testing.TB) (s *registry.Server, stop func()) {
	tb.Helper()
	s = registry.NewServer()
	s.Addr = "127.0.0.1:0"
	s.Store = v.store
	s.Assets = assets.FS()
	s.Logger = slog.New(slog.DiscardHandler)
	if err := s.Open(); err != nil {
		tb.Fatal(err)
	}
	// Run follows the store, as `checkin registry` does: writes the server
	// did not make (an import's) reach the long polls through it.
	runCtx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(runCtx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-ran; err != nil {
				tb.Errorf("registry Run: %v", err)
			}
			s.Close(context.Background())
		})
	}
	tb.Cleanup(stop)
	return s, stop
}

func newKiosk(tb testing.TB) *ksqlite.DB {
	db := ksqlite.NewDB(filepath.Join(tb.TempDir(), "kiosk.db"))
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func runClient(tb testing.TB, v *venue, db *ksqlite.DB, onApplied func(kiosk.Applied)) *client.Client {
	c, _ := runWith(tb, v.server.URL(), v.token, db, func(c *client.Client) { c.OnApplied = onApplied })
	return c
}

// runClientAt runs a client of the registries at urls ("URL[,URL…]").
func runClientAt(tb testing.TB, urls, token string, db *ksqlite.DB, onApplied func(kiosk.Applied)) *client.Client {
	c, _ := runWith(tb, urls, token, db, func(c *client.Client) { c.OnApplied = onApplied })
	return c
}

// runWith runs a client of db for the registries at urls with token, set
// up by setup first, until stop or the end of the test.
func runWith(tb testing.TB, urls, token string, db *ksqlite.DB, setup func(*client.Client)) (c *client.Client, stop func()) {
	c = client.New(urls, token, db)
	c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	setup(c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	stop = func() { cancel(); <-done }
	tb.Cleanup(stop)
	return c, stop
}

// BenchmarkInitialSync100k: a fresh kiosk downloads a 100k-delegate roster
// (100k delegates and 100k badges) from a registry on loopback.
func BenchmarkInitialSync100k(b *testing.B) {
	v := newVenue(b, 100_000)
	head, _ := v.store.Head(context.Background())
	for b.Loop() {
		db := newKiosk(b)
		start := time.Now()
		c := runClient(b, v, db, nil)
		for c.Status().Cursor < head {
			time.Sleep(5 * time.Millisecond)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/sync")
	}
	b.ReportMetric(float64(head), "changes")
}

// BenchmarkPropagation: a badge bound at one desk (a desk event through the
// registry's HTTP API) until another kiosk has applied it; and the same for
// a change written to the registry's database by another writer (as an
// import is), which the registry notices by polling.
func BenchmarkPropagation(b *testing.B) {
	for _, via := range []string{"desk-event", "database-write"} {
		b.Run(via, func(b *testing.B) {
			v := newVenue(b, 1000)
			db := newKiosk(b)
			var applied atomic.Int64
			wake := make(chan struct{}, 1)
			runClient(b, v, db, func(kiosk.Applied) {
				applied.Add(1)
				select {
				case wake <- struct{}{}:
				default:
				}
			})
			head, _ := v.store.Head(context.Background())
			for {
				if cur, _ := db.SyncCursor(context.Background()); cur >= head {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			ctx := context.Background()
			var lat []time.Duration
			i := 0
			for b.Loop() {
				uid := fmt.Sprintf("AB%08X", i)
				delegate := fmt.Sprintf("D%06d", i%1000)
				start := time.Now()
				if via == "desk-event" {
					postBadge(b, v, wire.BadgeEvent{ID: "e" + uid, Op: "bind", UID: uid, DelegateID: delegate, At: start})
				} else if _, err := v.store.Writer.ExecContext(ctx, `INSERT INTO badges (uid, delegate_id, source, created_us)
					VALUES (?, ?, 'desk', ?)`, uid, delegate, start.UnixMicro()); err != nil { // as another process would
					b.Fatal(err)
				}
				for {
					if st, _ := db.LookupBadge(ctx, uid); st.Known {
						break
					}
					select {
					case <-wake:
					case <-time.After(2 * time.Millisecond):
					}
				}
				lat = append(lat, time.Since(start))
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[(len(lat)-1)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// postBadge sends a desk event to the registry as a kiosk's client does.
func postBadge(tb testing.TB, v *venue, e wire.BadgeEvent) {
	body, _ := json.Marshal(wire.BadgesRequest{Events: []wire.BadgeEvent{e}})
	req, _ := http.NewRequest("POST", v.server.URL()+"/sync/v1/badges", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+v.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		tb.Fatalf("post badge: %d", resp.StatusCode)
	}
}
