package client_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/passbook"
	ksqlite "checkin/kiosk/sqlite"
	"checkin/sync/client"
)

// deskKiosk is a kiosk with its own pass key and clock, a desk and an
// entrance, syncing with a venue's registry under a token.
type deskKiosk struct {
	db    *ksqlite.DB
	book  *passbook.Book
	desk  *kiosk.DeskService
	taps  *kiosk.TapService
	clock atomic.Int64 // offset from now, ns
	stop  func()
}

func newDeskKiosk(t *testing.T, offset time.Duration) *deskKiosk {
	t.Helper()
	k := &deskKiosk{db: newKiosk(t)}
	k.clock.Store(int64(offset))
	now := func() time.Time { return time.Now().Add(time.Duration(k.clock.Load())) }
	book, err := passbook.Open(context.Background(), k.db, now)
	if err != nil {
		t.Fatal(err)
	}
	k.book = book
	k.taps = &kiosk.TapService{Taps: k.db, Schedule: k.db, Passes: book, Now: now, Kiosk: "k", NewID: kiosk.NewID}
	k.desk = &kiosk.DeskService{Store: k.db, Taps: k.taps, Passes: book}
	return k
}

// run syncs the kiosk with the registry under token until stop.
func (k *deskKiosk) run(t *testing.T, v *venue, token string) {
	vt := *v
	vt.token = token
	_, k.stop = runWith(t, vt.server.URL(), vt.token, k.db, func(c *client.Client) {
		c.Key = k.book
		c.OnApplied = func(a kiosk.Applied) {
			if a.KeysChanged {
				k.book.Reload(context.Background())
			}
		}
	})
}

// qr taps a pass at the kiosk's entrance and returns the reason ("" for
// accepted).
func (k *deskKiosk) qr(t *testing.T, token string) string {
	t.Helper()
	res, err := k.taps.Tap(context.Background(), kiosk.TapRequest{UID: token, Source: kiosk.SourceQR})
	if err != nil {
		t.Fatal(err)
	}
	return res.Reason
}

// TestNewestPassWinsAfterSplit: two kiosks cut off from the registry each
// issue a pass for one delegate; once they are back, the newer pass works
// at both and the older is revoked_badge at both. Before that, a kiosk
// that never heard of a pass accepted it on its signature alone.
func TestNewestPassWinsAfterSplit(t *testing.T) {
	v := newVenue(t, 3)
	ctx := context.Background()
	v.admin.AddToken(ctx, "k2", "token-k2")
	a, b := newDeskKiosk(t, 0), newDeskKiosk(t, 2*time.Second) // b's clock is ahead
	a.run(t, v, "token-k1")
	b.run(t, v, "token-k2")
	waitFor(t, "roster and keys at both", func() bool {
		ka, _ := a.db.PassKeys(ctx)
		kb, _ := b.db.PassKeys(ctx)
		na, _ := a.db.CountDelegates(ctx)
		nb, _ := b.db.CountDelegates(ctx)
		return len(ka) == 2 && len(kb) == 2 && na == 3 && nb == 3
	})
	a.book.Reload(ctx)
	b.book.Reload(ctx)

	a.stop() // the split
	b.stop()
	older, err := a.desk.IssuePass(ctx, "dana", "D000001")
	if err != nil {
		t.Fatal(err)
	}
	newer, err := b.desk.IssuePass(ctx, "eli", "D000001")
	if err != nil {
		t.Fatal(err)
	}
	if r := b.qr(t, older.Token); r != kiosk.ReasonRevokedBadge { // b knows its own, newer pass
		t.Errorf("during the split, a's older pass at b: %q, want revoked_badge", r)
	}

	a.run(t, v, "token-k1") // back together
	b.run(t, v, "token-k2")
	for name, k := range map[string]*deskKiosk{"a": a, "b": b} {
		waitFor(t, "the older pass is revoked at "+name, func() bool { return k.qr(t, older.Token) == kiosk.ReasonRevokedBadge })
		if r := k.qr(t, newer.Token); r != "" {
			t.Errorf("the newer pass at %s: %q, want accepted", name, r)
		}
	}
}
