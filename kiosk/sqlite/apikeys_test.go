package sqlite_test

import (
	"context"
	"testing"
	"time"

	"checkin/kiosk"
)

// TestAPIKeysFromRegistry: a kiosk keeps keys of its own (a standalone
// kiosk), and the registry's keys arrive through the feed: a registry key
// replaces a local one of the same name, a revocation arrives and stays,
// a new key under the name works again, and the kiosk cannot change or
// revoke a key the registry manages.
func TestAPIKeysFromRegistry(t *testing.T) {
	db, c := newDB(t)
	ctx := context.Background()
	start := c.Now()
	h := func(s string) string { return kiosk.HashSecret(s) }
	for _, name := range []string{"lockers", "printers"} {
		if _, err := db.AddAPIKey(ctx, name, h("local-"+name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RevokeAPIKey(ctx, "printers"); err != nil {
		t.Fatal(err)
	}
	apply := func(seq int64, op string, k kiosk.APIKey) {
		t.Helper()
		c.Add(time.Minute)
		if _, err := db.ApplyChanges(ctx, []kiosk.Change{change(seq, kiosk.ChangeAPIKey, op, &k)}, seq); err != nil {
			t.Fatal(err)
		}
	}
	keys := func() map[string]kiosk.APIKey {
		t.Helper()
		list, err := db.APIKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]kiosk.APIKey{}
		for _, k := range list {
			out[k.Name] = k
		}
		return out
	}

	apply(1, kiosk.OpUpsert, kiosk.APIKey{Name: "lockers", Hash: h("reg-lockers")})
	apply(2, kiosk.OpUpsert, kiosk.APIKey{Name: "doors", Hash: h("reg-doors"), Revoked: true})
	got := keys()
	if k := got["lockers"]; k.Hash != h("reg-lockers") || k.Revoked || k.Source != kiosk.APIKeyFromRegistry || !k.Created.Equal(start.Add(time.Minute)) {
		t.Errorf("lockers after the registry's = %+v, want the registry's key", k)
	}
	if k := got["doors"]; !k.Revoked || !k.RevokedAt.Equal(start.Add(2*time.Minute)) || k.Source != kiosk.APIKeyFromRegistry {
		t.Errorf("doors = %+v, want revoked when it arrived", k)
	}
	if k := got["printers"]; !k.Revoked || k.Source != kiosk.APIKeyLocal {
		t.Errorf("printers = %+v, want the local key, revoked", k)
	}

	// The revocation of lockers arrives; a repeat keeps its time.
	apply(3, kiosk.OpUpsert, kiosk.APIKey{Name: "lockers", Hash: h("reg-lockers"), Revoked: true})
	apply(4, kiosk.OpUpsert, kiosk.APIKey{Name: "lockers", Hash: h("reg-lockers"), Revoked: true})
	if k := keys()["lockers"]; !k.Revoked || !k.RevokedAt.Equal(start.Add(3*time.Minute)) || !k.Created.Equal(start.Add(time.Minute)) {
		t.Errorf("lockers after its revocation = %+v, want revoked at its arrival", k)
	}
	// A new key under the name.
	apply(5, kiosk.OpUpsert, kiosk.APIKey{Name: "lockers", Hash: h("reg-lockers-2")})
	if k := keys()["lockers"]; k.Revoked || k.Hash != h("reg-lockers-2") || !k.Created.Equal(start.Add(5*time.Minute)) {
		t.Errorf("lockers after a new key = %+v, want it working", k)
	}

	_, err := db.AddAPIKey(ctx, "lockers", h("mine"))
	if kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("adding a key the registry manages: %v, want invalid", err)
	}
	if err := db.RevokeAPIKey(ctx, "lockers"); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("revoking a key the registry manages: %v, want invalid", err)
	}
	if err := db.RevokeAPIKey(ctx, "nobody"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("revoking no key: %v, want not found", err)
	}

	// A delete removes the registry's keys only.
	apply(6, kiosk.OpDelete, kiosk.APIKey{Name: "lockers"})
	apply(7, kiosk.OpDelete, kiosk.APIKey{Name: "printers"})
	got = keys()
	if _, ok := got["lockers"]; ok {
		t.Errorf("lockers after its delete: %+v", got["lockers"])
	}
	if _, ok := got["printers"]; !ok {
		t.Error("a delete from the registry removed a local key")
	}
}

// TestBadgeStanding: the credential API's view of a badge carries the
// holder's id, status and validity, nothing about the person.
func TestBadgeStanding(t *testing.T) {
	db, _ := newDB(t)
	seed(t, db)
	ctx := context.Background()
	st, m, err := db.BadgeStanding(ctx, "3333333333")
	if err != nil || m.End != "2026-11-28" || !st.Known || st.Revoked || st.Delegate == nil {
		t.Fatalf("standing = %+v, %+v, %v", st, m, err)
	}
	if d := *st.Delegate; d.ID != "D4" || d.ValidFrom != "2026-11-24" || d.Status != "registered" || d.FamilyName != "" || d.GivenName != "" || d.Language != "" {
		t.Errorf("delegate = %+v, want only id, status and validity", d)
	}
	if st, _, err := db.BadgeStanding(ctx, "FFFFFFFF"); err != nil || st.Known {
		t.Errorf("unknown UID: %+v, %v", st, err)
	}
}
