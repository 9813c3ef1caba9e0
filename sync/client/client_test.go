package client_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMalformedTapDoesNotBlockOutbox: one tap the registry refuses (here a
// row damaged on disk) is set aside; every other tap is delivered.
func TestMalformedTapDoesNotBlockOutbox(t *testing.T) {
	v := newVenue(t, 10)
	db := newKiosk(t)
	ctx := context.Background()
	runClient(t, v, db, nil)
	waitFor(t, "roster", func() bool { n, _ := db.CountDelegates(ctx); return n == 10 })
	svc := &kiosk.TapService{Taps: db, Schedule: db, Now: time.Now, Kiosk: "k1", NewID: uuidLike()}
	for i := 0; i < 9; i++ {
		if _, err := svc.Tap(ctx, kiosk.TapRequest{UID: fmt.Sprintf("%010X", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// A tap row that no longer passes the protocol's checks.
	if _, err := db.Writer.Exec(`INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk, result, reason)
		VALUES ('bad-1', ?, '2026-11-22', 'X', 'nfc', 'main', 'in', 'k1', 'rejected', 'unknown_badge')`, time.Now().UnixMicro()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "outbox drained", func() bool { n, _ := db.Outbox(ctx); return n.Taps == 0 })
	n, _ := db.Outbox(ctx)
	if n.Refused != 1 {
		t.Errorf("refused = %d, want 1", n.Refused)
	}
	stored := 0
	v.store.Taps(ctx, "", func(r kiosk.TapRecord) error {
		stored++
		if r.ID == "bad-1" {
			t.Errorf("malformed tap reached the registry")
		}
		return nil
	})
	if stored != 9 {
		t.Errorf("registry has %d taps, want 9", stored)
	}
}

// TestDeskBindReachesOtherKiosk: a badge bound at kiosk A's desk works at
// kiosk B once the registry has it.
func TestDeskBindReachesOtherKiosk(t *testing.T) {
	v := newVenue(t, 10)
	v.store.AddToken(context.Background(), "k2", "token-k2")
	a, b := newKiosk(t), newKiosk(t)
	runClient(t, v, a, nil)
	vb := *v
	vb.token = "token-k2"
	runClient(t, &vb, b, nil)
	ctx := context.Background()
	waitFor(t, "roster at both", func() bool {
		na, _ := a.CountDelegates(ctx)
		nb, _ := b.CountDelegates(ctx)
		return na == 10 && nb == 10
	})
	if err := bindBadge(ctx, a, "D000003", "CAFEBABE01"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "bind reaches kiosk B", func() bool {
		st, _ := b.LookupBadge(ctx, "CAFEBABE01")
		return st.Known && st.Delegate.ID == "D000003"
	})
	if err := a.DeskRevoke(ctx, "tester", "CAFEBABE01"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "revoke reaches kiosk B", func() bool {
		st, _ := b.LookupBadge(ctx, "CAFEBABE01")
		return st.Revoked
	})
}

func uuidLike() func() string {
	var n int
	return func() string { n++; return fmt.Sprintf("tap-%06d", n) }
}

// bindBadge binds a UID at a kiosk's desk, as staff "tester".
func bindBadge(ctx context.Context, db *sqlite.DB, delegateID, uid string) error {
	_, err := db.DeskBind(ctx, "tester", kiosk.BindRequest{DelegateID: delegateID, UID: uid})
	return err
}

// TestFailover: given several registries, the client uses the first that
// answers (past one that refuses connections and one that answers 503),
// sticks to it while it works, and moves on to the next when it goes.
func TestFailover(t *testing.T) {
	v := newVenue(t, 10)
	working, stopWorking := v.serve(t) // the first registry that answers
	second, _ := v.serve(t)            // another registry process on the same database
	var unavailable atomic.Int64
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		unavailable.Add(1)
		http.Error(w, `{"error":"down for maintenance"}`, http.StatusServiceUnavailable)
	}))
	defer broken.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusing := "http://" + ln.Addr().String()
	ln.Close() // nobody listens there now

	db := newKiosk(t)
	ctx := context.Background()
	c := runClientAt(t, strings.Join([]string{refusing, broken.URL, working.URL(), second.URL()}, ","), v.token, db, nil)
	waitFor(t, "roster", func() bool { n, _ := db.CountDelegates(ctx); return n == 10 })
	svc := &kiosk.TapService{Taps: db, Schedule: db, Now: time.Now, Kiosk: "k1", NewID: uuidLike(),
		Publish: func(kiosk.TapResult) { c.Kick() }}
	delivered := func(n int) func() bool {
		return func() bool {
			out, _ := db.Outbox(ctx)
			stored := 0
			v.store.Taps(ctx, "", func(kiosk.TapRecord) error { stored++; return nil })
			return out.Taps == 0 && stored == n
		}
	}
	for i := range 5 {
		if _, err := svc.Tap(ctx, kiosk.TapRequest{UID: fmt.Sprintf("%010X", i)}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "taps delivered", delivered(5))
	hits := unavailable.Load()
	for i := range 5 {
		svc.Tap(ctx, kiosk.TapRequest{UID: fmt.Sprintf("%010X", i)})
	}
	waitFor(t, "more taps delivered", delivered(10))
	if n := unavailable.Load(); n != hits {
		t.Errorf("the client went back to the broken registry %d times after finding a working one", n-hits)
	}

	// The working registry goes away: the next one takes over.
	stopWorking()
	for i := range 5 {
		svc.Tap(ctx, kiosk.TapRequest{UID: fmt.Sprintf("%010X", i)})
	}
	waitFor(t, "taps delivered through the second registry", delivered(15))
}
