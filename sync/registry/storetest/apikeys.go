package storetest

import (
	"context"
	"testing"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
)

// testAPIKeys: keys of the venue's other systems are added, listed,
// revoked and replaced by name, only their hashes kept, and reach every
// kiosk through the feed (kind apikey) with whether they are revoked.
func testAPIKeys(t *testing.T, open Opener) {
	s, clk := newStore(t, open)
	ctx := context.Background()
	h1, h2, hp := kiosk.HashSecret("key-1"), kiosk.HashSecret("key-2"), kiosk.HashSecret("key-p")
	if replaced, err := s.AddAPIKey(ctx, "lockers", h1); err != nil || replaced {
		t.Fatalf("add lockers = %v, %v; want added", replaced, err)
	}
	clk.Set(t0.Add(time.Hour))
	if _, err := s.AddAPIKey(ctx, "printers", hp); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ name, hash string }{
		{"", h1}, {"e lockers", h1}, {"lockers", "key-1"}, {"lockers", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"},
	} {
		h := head(t, s)
		_, err := s.AddAPIKey(ctx, bad.name, bad.hash)
		errCode(t, "add "+bad.name+" "+bad.hash, err, kiosk.EINVALID)
		unchanged(t, s, h, "a refused key")
	}
	want := []kiosk.APIKey{
		{Name: "lockers", Hash: h1, Created: t0, Source: kiosk.APIKeyLocal},
		{Name: "printers", Hash: hp, Created: t0.Add(time.Hour), Source: kiosk.APIKeyLocal},
	}
	checkKeys(t, s.APIKeys, want)
	if k := apply(feed(t, s, 0)).upsert(t, "apikey lockers").(*kiosk.APIKey); *k != (kiosk.APIKey{Name: "lockers", Hash: h1}) {
		t.Errorf("lockers in the feed = %+v, want its hash, not revoked", *k)
	}

	clk.Set(t0.Add(2 * time.Hour))
	if err := s.RevokeAPIKey(ctx, "lockers"); err != nil {
		t.Fatal(err)
	}
	want[0].Revoked, want[0].RevokedAt = true, t0.Add(2*time.Hour)
	checkKeys(t, s.APIKeys, want)
	if k := apply(feed(t, s, 0)).upsert(t, "apikey lockers").(*kiosk.APIKey); *k != (kiosk.APIKey{Name: "lockers", Hash: h1, Revoked: true}) {
		t.Errorf("lockers in the feed after revoking = %+v, want revoked", *k)
	}
	h := head(t, s)
	clk.Set(t0.Add(3 * time.Hour))
	if err := s.RevokeAPIKey(ctx, "lockers"); err != nil {
		t.Errorf("revoking a revoked key: %v, want no error", err)
	}
	unchanged(t, s, h, "revoking a revoked key")
	checkKeys(t, s.APIKeys, want) // still revoked when it was first
	errCode(t, "revoke nobody", s.RevokeAPIKey(ctx, "nobody"), kiosk.ENOTFOUND)

	// A new key under the name replaces the revoked one and works.
	if replaced, err := s.AddAPIKey(ctx, "lockers", h2); err != nil || !replaced {
		t.Fatalf("add lockers again = %v, %v; want replaced", replaced, err)
	}
	want[0] = kiosk.APIKey{Name: "lockers", Hash: h2, Created: t0.Add(3 * time.Hour), Source: kiosk.APIKeyLocal}
	checkKeys(t, s.APIKeys, want)
	cs := feed(t, s, 0)
	currentState(t, cs)
	if k := apply(cs).upsert(t, "apikey lockers").(*kiosk.APIKey); *k != (kiosk.APIKey{Name: "lockers", Hash: h2}) {
		t.Errorf("lockers in the feed after a new key = %+v, want the new hash", *k)
	}
}

func checkKeys(t *testing.T, list func(context.Context) ([]kiosk.APIKey, error), want []kiosk.APIKey) {
	t.Helper()
	got, err := list(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("api keys = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Hash != w.Hash || g.Revoked != w.Revoked || !g.Created.Equal(w.Created) ||
			!g.RevokedAt.Equal(w.RevokedAt) || g.Source != w.Source {
			t.Errorf("api key [%d] = %+v, want %+v", i, g, w)
		}
	}
}

// testBadgeStanding: what the credential API reads of a badge: its
// binding, its holder's status and validity (nothing about the person),
// and the meeting.
func testBadgeStanding(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	ctx := context.Background()
	st, m, err := s.BadgeStanding(ctx, "0A0B0C0D0E")
	if err != nil {
		t.Fatal(err)
	}
	if m != meeting {
		t.Errorf("meeting = %+v, want %+v", m, meeting)
	}
	if want := (kiosk.Delegate{ID: "D1", Status: "registered"}); !st.Known || st.Revoked || st.Delegate == nil || !equalDelegate(*st.Delegate, want) {
		t.Errorf("standing of D1's badge = %+v (%+v), want known, not revoked, only %+v", st, st.Delegate, want)
	}
	applyBadges(t, s, "north", []wire.BadgeEvent{bind("b1", "1234567890", "D3", nine)}, nine)
	st, _, err = s.BadgeStanding(ctx, "1234567890")
	if want := (kiosk.Delegate{ID: "D3", Status: "registered", ValidFrom: "2026-11-23", ValidTo: "2026-11-25"}); err != nil ||
		!st.Known || st.Delegate == nil || !equalDelegate(*st.Delegate, want) {
		t.Errorf("standing of D3's badge = %+v (%+v), %v; want only %+v", st, st.Delegate, err, want)
	}
	applyBadges(t, s, "north", []wire.BadgeEvent{revoke("b2", "1234567890", nine.Add(time.Minute))}, nine.Add(time.Minute))
	if st, _, err := s.BadgeStanding(ctx, "1234567890"); err != nil || !st.Known || !st.Revoked {
		t.Errorf("standing of a revoked badge = %+v, %v; want known and revoked", st, err)
	}
	if st, m, err := s.BadgeStanding(ctx, "FFFFFFFF"); err != nil || st.Known || st.Delegate != nil || m != meeting {
		t.Errorf("standing of an unknown UID = %+v, %+v, %v; want unknown, with the meeting", st, m, err)
	}
}

// equalDelegate compares the fields BadgeStanding fills and checks that
// it filled no other.
func equalDelegate(got, want kiosk.Delegate) bool {
	return got.ID == want.ID && got.Status == want.Status && got.ValidFrom == want.ValidFrom && got.ValidTo == want.ValidTo &&
		got.FamilyName == "" && got.GivenName == "" && got.Organization == "" && got.Email == "" && got.Country == "" &&
		got.LatinFamilyName == "" && got.LatinGivenName == "" && len(got.Groups) == 0
}
