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
	"checkin/kiosk/passbook"
	"checkin/kiosk/sqlite"
	"checkin/sync/client"
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
	v.admin.Taps(ctx, "", func(r kiosk.TapRecord) error {
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
	v.admin.AddToken(context.Background(), "k2", "token-k2")
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
			v.admin.Taps(ctx, "", func(kiosk.TapRecord) error { stored++; return nil })
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
	if u := c.Status().URL; u != working.URL() {
		t.Errorf("status names registry %q, want the working one %q", u, working.URL())
	}

	// The working registry goes away: the next one takes over.
	stopWorking()
	for i := range 5 {
		svc.Tap(ctx, kiosk.TapRequest{UID: fmt.Sprintf("%010X", i)})
	}
	waitFor(t, "taps delivered through the second registry", delivered(15))
	if u := c.Status().URL; u != second.URL() {
		t.Errorf("status names registry %q after the failover, want %q", u, second.URL())
	}
}

// signedPass is a registry and a kiosk with its pass book, and a pass the
// kiosk signed.
func signedPass(t *testing.T) (*venue, *sqlite.DB, *passbook.Book, kiosk.IssuedPass) {
	t.Helper()
	v, db := newVenue(t, 10), newKiosk(t)
	book, err := passbook.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := book.SignPass("D000001")
	if err != nil {
		t.Fatal(err)
	}
	return v, db, book, p
}

// TestWithdrawnKeyIsReplaced: once its token is replaced, a kiosk's key is
// withdrawn; the kiosk makes a new key, announces it, and no longer
// trusts the passes the old one signed.
func TestWithdrawnKeyIsReplaced(t *testing.T) {
	v, db, book, p := signedPass(t)
	old := book.PublicKey()
	ctx := context.Background()
	owner := func(id string) string { // "k1" while k1's token holds the key
		keys, _ := v.admin.KioskPassKeys(ctx, "k1")
		for _, k := range keys {
			if strings.HasPrefix(k, id+":") {
				return "k1"
			}
		}
		return ""
	}
	_, stop := runWith(t, v.server.URL(), v.token, db, func(c *client.Client) { c.Key = book })
	waitFor(t, "key announced", func() bool { return owner(old.ID) == "k1" })
	stop()

	v.admin.AddToken(ctx, "k1", "token-k1-new") // withdraws the key
	vb := *v
	vb.token = "token-k1-new"
	runWith(t, vb.server.URL(), vb.token, db, func(c *client.Client) { c.Key = book })
	waitFor(t, "new key announced", func() bool { return owner(book.PublicKey().ID) == "k1" })
	if book.PublicKey().ID == old.ID {
		t.Fatal("the key was not replaced")
	}
	if c := book.VerifyPass(p.Token); !c.PassInvalid {
		t.Errorf("a pass of the withdrawn key still verifies here: %+v", c)
	}
	if owner(old.ID) != "" {
		t.Errorf("the withdrawn key is back at the registry")
	}
}

// TestLearnsItsName: a kiosk that did not know its name learns it from
// the registry once it answers, keeps it for its token, and says so.
func TestLearnsItsName(t *testing.T) {
	v := newVenue(t, 1)
	db := newKiosk(t)
	ctx := context.Background()
	learnt := make(chan string, 1)
	runWith(t, v.server.URL(), v.token, db, func(c *client.Client) { c.OnKiosk = func(name string) { learnt <- name } })
	select {
	case name := <-learnt:
		if name != "k1" {
			t.Errorf("learnt %q, want k1", name)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not learn its name")
	}
	if name, err := db.KioskName(ctx, kiosk.HashSecret(v.token)); name != "k1" || err != nil {
		t.Errorf("kept name %q, %v; want k1", name, err)
	}
	if name, _ := db.KioskName(ctx, kiosk.HashSecret("another token")); name != "" {
		t.Errorf("another token's name is %q, want none", name)
	}
}

// TestRevokedKioskDropsItsKey: told that its token was revoked, a kiosk
// stops trusting its own key too: its passes open no door, its own
// included.
func TestRevokedKioskDropsItsKey(t *testing.T) {
	v, db, book, p := signedPass(t)
	old := book.PublicKey()
	ctx := context.Background()
	c, _ := runWith(t, v.server.URL(), v.token, db, func(c *client.Client) { c.Key = book })
	waitFor(t, "key announced", func() bool { return c.Status().Reachable })
	if err := v.admin.RevokeToken(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "own key replaced", func() bool { return book.PublicKey().ID != old.ID })
	if c := book.VerifyPass(p.Token); !c.PassInvalid {
		t.Errorf("a pass of the revoked kiosk's key still verifies there: %+v", c)
	}
}
