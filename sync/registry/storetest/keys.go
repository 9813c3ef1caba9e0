package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/sync/registry"
)

// testTokens: a token names its kiosk until replaced or revoked; then it
// is refused as revoked, unlike a token never known.
func testTokens(t *testing.T, open Opener) {
	s, clk := newStore(t, open)
	ctx := context.Background()
	_, err := s.KioskForToken(ctx, "never-issued")
	errCode(t, "unknown token", err, kiosk.EUNAUTHORIZED)
	if errors.Is(err, registry.ErrRevokedToken) {
		t.Errorf("a token never issued is refused as revoked: %v", err)
	}
	if err := s.AddToken(ctx, "north", "secret-1"); err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(time.Hour))
	if err := s.AddToken(ctx, "south", "secret-s"); err != nil {
		t.Fatal(err)
	}
	if k, err := s.KioskForToken(ctx, "secret-1"); err != nil || k != "north" {
		t.Errorf("token of north: %q, %v", k, err)
	}
	tokens, err := s.TokenKiosks(ctx)
	if err != nil || len(tokens) != 2 || !tokens["north"].Equal(t0) || !tokens["south"].Equal(t0.Add(time.Hour)) {
		t.Errorf("token kiosks = %v, %v; want north at %v, south an hour later", tokens, err, t0)
	}

	clk.Set(t0.Add(2 * time.Hour))
	if err := s.AddToken(ctx, "north", "secret-2"); err != nil { // replaces secret-1
		t.Fatal(err)
	}
	_, err = s.KioskForToken(ctx, "secret-1")
	errCode(t, "replaced token", err, kiosk.EUNAUTHORIZED)
	if !errors.Is(err, registry.ErrRevokedToken) {
		t.Errorf("replaced token: %v, want it to wrap ErrRevokedToken", err)
	}
	if k, err := s.KioskForToken(ctx, "secret-2"); err != nil || k != "north" {
		t.Errorf("new token of north: %q, %v", k, err)
	}
	if tokens, _ := s.TokenKiosks(ctx); !tokens["north"].Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("north's token made at %v, want the replacement's time", tokens["north"])
	}

	if err := s.RevokeToken(ctx, "north"); err != nil {
		t.Fatal(err)
	}
	_, err = s.KioskForToken(ctx, "secret-2")
	errCode(t, "revoked token", err, kiosk.EUNAUTHORIZED)
	if !errors.Is(err, registry.ErrRevokedToken) {
		t.Errorf("revoked token: %v, want it to wrap ErrRevokedToken", err)
	}
	if tokens, _ := s.TokenKiosks(ctx); len(tokens) != 1 || tokens["south"].IsZero() {
		t.Errorf("token kiosks after the revoke = %v, want south only", tokens)
	}
	errCode(t, "revoke of a kiosk without a token", s.RevokeToken(ctx, "north"), kiosk.ENOTFOUND)
	errCode(t, "revoke of an unknown kiosk", s.RevokeToken(ctx, "nowhere"), kiosk.ENOTFOUND)
	if k, err := s.KioskForToken(ctx, "secret-s"); err != nil || k != "south" {
		t.Errorf("south's token after north's revoke: %q, %v", k, err)
	}
}

// testPassKeys: a kiosk has one key, a key id names one key of one
// kiosk, and announcing a key again changes nothing.
func testPassKeys(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	k1 := newKey(t, "k1").Public().String()
	if err := s.AddPassKey(ctx, "north", k1); err != nil {
		t.Fatal(err)
	}
	h := head(t, s)
	if err := s.AddPassKey(ctx, "north", k1); err != nil {
		t.Errorf("the same key again: %v", err)
	}
	unchanged(t, s, h, "a key announced again")
	errCode(t, "another key under id k1", s.AddPassKey(ctx, "north", newKey(t, "k1").Public().String()), kiosk.ECONFLICT)
	errCode(t, "north's key from south", s.AddPassKey(ctx, "south", k1), kiosk.ECONFLICT)
	errCode(t, "a second key of north", s.AddPassKey(ctx, "north", newKey(t, "k9").Public().String()), kiosk.ECONFLICT)
	unchanged(t, s, h, "refused keys")
	if keys, err := s.KioskPassKeys(ctx, "north"); err != nil || !reflect.DeepEqual(keys, []string{k1}) {
		t.Errorf("north's keys = %v, %v; want [%s]", keys, err, k1)
	}
	if keys, err := s.KioskPassKeys(ctx, "south"); err != nil || len(keys) != 0 {
		t.Errorf("south's keys = %v, %v; want none", keys, err)
	}
	if k := apply(feed(t, s, 0)).upsert(t, "key k1").(*kiosk.PassKey); k.PublicKey != k1 {
		t.Errorf("key k1 in the feed = %+v", *k)
	}
}

// testPasses: the newest pass of a delegate wins, whatever order passes
// are announced in; a pass under a key not the kiosk's stores nothing.
func testPasses(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	ctx := context.Background()
	if err := s.AddPassKey(ctx, "north", newKey(t, "k1").Public().String()); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPassKey(ctx, "south", newKey(t, "k2").Public().String()); err != nil {
		t.Fatal(err)
	}
	p := func(key, delegate, uid string, at time.Time) registry.VerifiedPass {
		return registry.VerifiedPass{KeyID: key, Pass: kiosk.Pass{DelegateID: delegate, UID: uid, IssuedAt: at}}
	}
	const (
		uidA = "0123456789ABCDEF01234567"
		uidB = "76543210FEDCBA9876543210"
		uidC = "AAAAAAAAAAAAAAAAAAAAAAAA"
		uidD = "BBBBBBBBBBBBBBBBBBBBBBBB"
	)
	res, err := s.AddPasses(ctx, "north", []registry.VerifiedPass{
		p("k1", "D1", uidA, nine), p("k1", "D1", uidB, nine.Add(time.Hour)), p("k1", "D2", uidC, nine),
	})
	if err != nil || res.Accepted != 3 || res.Superseded != 0 {
		t.Errorf("first passes: %+v, %v; want 3 accepted", res, err)
	}
	// Older than D1's newest: superseded. In the same second as D2's,
	// the greater UID wins.
	res, err = s.AddPasses(ctx, "south", []registry.VerifiedPass{
		p("k2", "D1", uidD, nine.Add(30*time.Minute)), p("k2", "D2", uidD, nine),
	})
	if err != nil || res.Accepted != 1 || res.Superseded != 1 {
		t.Errorf("south's passes: %+v, %v; want 1 accepted, 1 superseded", res, err)
	}
	h := head(t, s)
	// Announcing the newest pass again changes nothing (the reference
	// counts it accepted: it is the newest).
	if res, err := s.AddPasses(ctx, "north", []registry.VerifiedPass{p("k1", "D1", uidB, nine.Add(time.Hour))}); err != nil || res.Accepted != 1 || res.Superseded != 0 {
		t.Errorf("a pass again: %+v, %v; want it accepted", res, err)
	}
	unchanged(t, s, h, "a pass announced again")
	// All or nothing: a pass under south's key from north refuses the batch.
	_, err = s.AddPasses(ctx, "north", []registry.VerifiedPass{
		p("k1", "D3", uidA, nine.Add(2*time.Hour)), p("k2", "D4", uidA, nine.Add(2*time.Hour)),
	})
	errCode(t, "a pass under another kiosk's key", err, kiosk.EINVALID)
	unchanged(t, s, h, "a refused batch of passes")

	st := apply(feed(t, s, 0))
	for d, want := range map[string]kiosk.Pass{
		"D1": {DelegateID: "D1", UID: uidB, IssuedAt: nine.Add(time.Hour), Kiosk: "north"},
		"D2": {DelegateID: "D2", UID: uidD, IssuedAt: nine, Kiosk: "south"},
	} {
		got := st.upsert(t, "pass "+d).(*kiosk.Pass)
		if got.UID != want.UID || !got.IssuedAt.Equal(want.IssuedAt) || got.Kiosk != want.Kiosk {
			t.Errorf("pass of %s = %+v, want %+v", d, *got, want)
		}
	}
	if _, ok := st["pass D3"]; ok {
		t.Errorf("a pass of D3 from a refused batch is in the feed")
	}
}

// testTokenWithdrawsKeys: revoking or replacing a kiosk's token withdraws
// its pass key at every kiosk (a key delete in the feed), for good.
func testTokenWithdrawsKeys(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	ctx := context.Background()
	k1, k2 := newKey(t, "k1").Public().String(), newKey(t, "k2").Public().String()
	for k, key := range map[string]string{"north": k1, "south": k2} {
		if err := s.AddToken(ctx, k, "token-"+k); err != nil {
			t.Fatal(err)
		}
		if err := s.AddPassKey(ctx, k, key); err != nil {
			t.Fatal(err)
		}
	}
	h := head(t, s)
	if err := s.RevokeToken(ctx, "north"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddToken(ctx, "south", "token-south-2"); err != nil { // replaced
		t.Fatal(err)
	}
	st := apply(feed(t, s, h))
	st.deleted(t, "key k1")
	st.deleted(t, "key k2")
	for _, k := range []string{"north", "south"} {
		if keys, err := s.KioskPassKeys(ctx, k); err != nil || len(keys) != 0 {
			t.Errorf("%s's keys after its token went: %v, %v", k, keys, err)
		}
	}
	// A withdrawn key is never trusted again, nor are passes under it.
	errCode(t, "a withdrawn key announced again", s.AddPassKey(ctx, "south", k2), kiosk.EFORBIDDEN)
	_, err := s.AddPasses(ctx, "south", []registry.VerifiedPass{
		{KeyID: "k2", Pass: kiosk.Pass{DelegateID: "D1", UID: "0123456789ABCDEF01234567", IssuedAt: nine}},
	})
	errCode(t, "a pass under a withdrawn key", err, kiosk.EINVALID)
	// A new key of the kiosk is fine.
	k3 := newKey(t, "k3").Public().String()
	if err := s.AddPassKey(ctx, "south", k3); err != nil {
		t.Errorf("south's new key: %v", err)
	}
	if keys, _ := s.KioskPassKeys(ctx, "south"); !reflect.DeepEqual(keys, []string{k3}) {
		t.Errorf("south's keys = %v, want [%s]", keys, k3)
	}
}
