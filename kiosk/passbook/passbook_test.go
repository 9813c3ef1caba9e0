package passbook_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/passbook"
	"checkin/kiosk/sqlite"
)

func openDB(t *testing.T, meeting string) *sqlite.DB {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "k.db"))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := db.SetMeeting(ctx, kiosk.Meeting{ID: meeting, TimeZone: "Europe/Zurich"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplaceRoster(ctx, []kiosk.Delegate{{ID: "D1", FamilyName: "Müller", Status: "registered", Role: "delegate"}}); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestKeyKeptAcrossRestarts(t *testing.T) {
	db := openDB(t, "SG12")
	ctx := context.Background()
	a, err := passbook.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.SignPass("D1")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.UID) != kiosk.PassUIDLen || !kiosk.IsPassUID(p.UID) {
		t.Fatalf("pass uid %q", p.UID)
	}
	b, err := passbook.Open(ctx, db, nil) // a restart
	if err != nil {
		t.Fatal(err)
	}
	if a.PublicKey().String() != b.PublicKey().String() {
		t.Fatal("the key changed across a restart")
	}
	c := b.VerifyPass(p.Token)
	if c.PassInvalid || c.PassDelegate != "D1" || c.UID != p.UID {
		t.Fatalf("verify after restart: %+v", c)
	}
}

func TestForeignPasses(t *testing.T) {
	ctx := context.Background()
	here, there, other := openDB(t, "SG12"), openDB(t, "SG12"), openDB(t, "SG13")
	now := func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }
	h, _ := passbook.Open(ctx, here, now)
	th, _ := passbook.Open(ctx, there, now)
	o, _ := passbook.Open(ctx, other, now)
	fromThere, err := th.SignPass("D1")
	if err != nil {
		t.Fatal(err)
	}
	fromOther, err := o.SignPass("D1")
	if err != nil {
		t.Fatal(err)
	}
	if c := h.VerifyPass(fromThere.Token); !c.PassInvalid {
		t.Fatalf("a pass signed by a key not yet trusted verified: %+v", c)
	}
	// The registry hands over the other kiosk's key (as ApplyChanges does).
	if _, err := here.ApplyChanges(ctx, []kiosk.Change{{Seq: 1, Kind: kiosk.ChangeKey, Op: kiosk.OpUpsert,
		Value: &kiosk.PassKey{ID: th.PublicKey().ID, PublicKey: th.PublicKey().String()}}}, 1); err != nil {
		t.Fatal(err)
	}
	if err := h.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if c := h.VerifyPass(fromThere.Token); c.PassInvalid || c.PassDelegate != "D1" {
		t.Fatalf("pass from a trusted kiosk: %+v", c)
	}
	// Trusting the key of another meeting's kiosk does not admit its passes.
	if _, err := here.ApplyChanges(ctx, []kiosk.Change{{Seq: 2, Kind: kiosk.ChangeKey, Op: kiosk.OpUpsert,
		Value: &kiosk.PassKey{ID: o.PublicKey().ID, PublicKey: o.PublicKey().String()}}}, 2); err != nil {
		t.Fatal(err)
	}
	h.Reload(ctx)
	if c := h.VerifyPass(fromOther.Token); !c.PassInvalid {
		t.Fatalf("a pass for meeting SG13 verified at SG12: %+v", c)
	}
}

// TestWithdrawnKey: a key the registry withdraws (a `key` delete in the
// feed, after its kiosk's token was revoked) no longer verifies passes.
func TestWithdrawnKey(t *testing.T) {
	ctx := context.Background()
	here, there := openDB(t, "SG12"), openDB(t, "SG12")
	h, _ := passbook.Open(ctx, here, nil)
	th, _ := passbook.Open(ctx, there, nil)
	p, err := th.SignPass("D1")
	if err != nil {
		t.Fatal(err)
	}
	key := &kiosk.PassKey{ID: th.PublicKey().ID, PublicKey: th.PublicKey().String()}
	if _, err := here.ApplyChanges(ctx, []kiosk.Change{{Seq: 1, Kind: kiosk.ChangeKey, Op: kiosk.OpUpsert, Value: key}}, 1); err != nil {
		t.Fatal(err)
	}
	if err := h.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if c := h.VerifyPass(p.Token); c.PassInvalid {
		t.Fatalf("pass of a trusted key: %+v", c)
	}
	if _, err := here.ApplyChanges(ctx, []kiosk.Change{{Seq: 2, Kind: kiosk.ChangeKey, Op: kiosk.OpDelete,
		Value: &kiosk.PassKey{ID: key.ID}}}, 2); err != nil {
		t.Fatal(err)
	}
	if err := h.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if c := h.VerifyPass(p.Token); !c.PassInvalid {
		t.Errorf("pass of a withdrawn key verified: %+v", c)
	}
	if own := h.VerifyPass(mustSign(t, h)); own.PassInvalid {
		t.Errorf("the kiosk's own key was dropped too")
	}
}

func mustSign(t *testing.T, b *passbook.Book) string {
	t.Helper()
	p, err := b.SignPass("D1")
	if err != nil {
		t.Fatal(err)
	}
	return p.Token
}
