package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk"
	ksqlite "checkin/kiosk/sqlite"
	wire "checkin/sync"
	"checkin/sync/client"
	"checkin/sync/registry"
	"checkin/sync/registry/postgres"
	"checkin/sync/registry/postgres/pgtest"
	regsqlite "checkin/sync/registry/sqlite"
)

// venue is a registry on loopback with a token for one kiosk.
type venue struct {
	store  *regsqlite.Store // nil on PostgreSQL
	admin  registry.Admin   // the store, of either engine
	server *registry.Server
	token  string
}

// newVenue is a venue on SQLite, or on PostgreSQL when
// CHECKIN_TEST_REGISTRY_STORE=postgres (make test runs this package both
// ways).
func newVenue(tb testing.TB, delegates int) *venue {
	tb.Helper()
	if os.Getenv("CHECKIN_TEST_REGISTRY_STORE") == "postgres" {
		store, _ := openPostgres(tb)
		return newVenueOn(tb, store, delegates)
	}
	store, err := regsqlite.Open(filepath.Join(tb.TempDir(), "reg.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	v := newVenueOn(tb, store, delegates)
	v.store = store
	return v
}

// openPostgres opens a registry store on a new PostgreSQL database (as a
// registry process does); more opens more on the same database.
func openPostgres(tb testing.TB) (store *postgres.Store, more func() *postgres.Store) {
	tb.Helper()
	url := pgtest.NewDatabase(tb)
	more = func() *postgres.Store {
		s, err := postgres.Open(context.Background(), url, nil, slog.New(slog.DiscardHandler))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}
	return more(), more
}

// newVenueOn is newVenue on a store of either engine.
func newVenueOn(tb testing.TB, store registry.Admin, delegates int) *venue {
	tb.Helper()
	v := &venue{admin: store, token: "token-k1"}
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
	return serveStore(tb, v.admin)
}

// serveStore runs a registry server on store until stop or the test's end.
func serveStore(tb testing.TB, store registry.Store) (s *registry.Server, stop func()) {
	tb.Helper()
	s = registry.NewServer()
	s.Addr = "127.0.0.1:0"
	s.Store = store
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
// (100k delegates and 100k badges) from a registry on loopback, on each
// store engine.
func BenchmarkInitialSync100k(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkInitialSync(b, newVenue(b, 100_000)) })
	b.Run("postgres", func(b *testing.B) {
		store, _ := openPostgres(b)
		benchmarkInitialSync(b, newVenueOn(b, store, 100_000))
	})
}

func benchmarkInitialSync(b *testing.B, v *venue) {
	head, _ := v.admin.Head(context.Background())
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
// registry's HTTP API) until another kiosk has applied it; the same for a
// change written to the registry's database by another writer (as an
// import is); and, on PostgreSQL, a desk event posted to one registry
// while the kiosk long-polls another registry (its own store: connection
// pool and LISTEN) on the same database.
func BenchmarkPropagation(b *testing.B) {
	for _, via := range []string{"desk-event", "database-write", "postgres-two-registries"} {
		b.Run(via, func(b *testing.B) {
			var v *venue
			pollURL := ""
			if via == "postgres-two-registries" {
				store, more := openPostgres(b)
				v = newVenueOn(b, store, 1000)
				other, _ := serveStore(b, more())
				pollURL = other.URL()
			} else {
				v = newVenue(b, 1000)
				pollURL = v.server.URL()
				if via == "database-write" && v.store == nil {
					b.Skip("a write beside the registry is SQLite's; on PostgreSQL see postgres-two-registries")
				}
			}
			db := newKiosk(b)
			wake := make(chan struct{}, 1)
			runClientAt(b, pollURL, v.token, db, func(kiosk.Applied) {
				select {
				case wake <- struct{}{}:
				default:
				}
			})
			head, _ := v.admin.Head(context.Background())
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
				if via == "database-write" {
					if _, err := v.store.Writer.ExecContext(ctx, `INSERT INTO badges (uid, delegate_id, source, created_us)
						VALUES (?, ?, 'desk', ?)`, uid, delegate, start.UnixMicro()); err != nil { // as another process would
						b.Fatal(err)
					}
				} else {
					postBadge(b, v, wire.BadgeEvent{ID: "e" + uid, Op: "bind", UID: uid, DelegateID: delegate, At: start})
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
