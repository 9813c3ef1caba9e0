package registry_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"checkin/badge/pass"
	"checkin/kiosk"
	wire "checkin/sync"
)

// keysBody is a POST /sync/v1/keys body announcing k for kiosk north.
func keysBody(t *testing.T, k pass.Key) string { return provenKeysBody(t, k, "north") }

// provenKeysBody is a POST /sync/v1/keys body announcing k for a kiosk,
// with the proof that whoever announces it holds k.
func provenKeysBody(t *testing.T, k pass.Key, kiosk string) string {
	t.Helper()
	pub := k.Public()
	return `{"keys":[{"id":"` + pub.ID + `","public_key":"` + pub.String() + `","proof":"` + k.Prove(kiosk) + `"}]}`
}

// TestKeyProof: a kiosk announces only a key it holds, for itself: it
// proves it by signing its name with the key, so that no token can claim
// a key another kiosk has not announced yet.
func TestKeyProof(t *testing.T) {
	f := newFixture(t)
	f.store.AddToken(context.Background(), "south", "south-token")
	north := newPassKey(t, "kNorth")
	pub := north.Public()
	bare := `{"keys":[{"id":"` + pub.ID + `","public_key":"` + pub.String() + `"}]}`
	forged := `{"keys":[{"id":"` + pub.ID + `","public_key":"` + pub.String() + `","proof":"` + newPassKey(t, "kNorth").Prove("south") + `"}]}`
	const path = "/sync/v1/keys"
	for _, sc := range []scenario{
		{name: "south claims north's key without proof", method: "POST", path: path, token: "south-token", body: bare, status: 400, want: []string{"proof"}},
		{name: "south claims it with a forged proof", method: "POST", path: path, token: "south-token", body: forged, status: 400, want: []string{"proof"}},
		{name: "south replays north's proof", method: "POST", path: path, token: "south-token", body: provenKeysBody(t, north, "north"), status: 400, want: []string{"proof"}},
		{name: "north announces it", method: "POST", path: path, token: "good-token", body: provenKeysBody(t, north, "north"), status: 200},
	} {
		f.run(t, sc)
	}
}

func newPassKey(t *testing.T, id string) pass.Key {
	t.Helper()
	k, err := pass.NewKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestKeyOwnership: a key belongs to the kiosk whose token announced it. A
// kiosk holds one key, cannot take another kiosk's key id, and revoking
// its token withdraws its key from every kiosk through the feed, for good.
func TestKeyOwnership(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.store.AddToken(ctx, "south", "south-token")
	north, second, south := newPassKey(t, "kNorth"), newPassKey(t, "kSecond"), newPassKey(t, "kSouth")
	const path = "/sync/v1/keys"
	for _, sc := range []scenario{
		{name: "north announces its key", method: "POST", path: path, token: "good-token", body: keysBody(t, north), status: 200},
		{name: "again: no-op", method: "POST", path: path, token: "good-token", body: keysBody(t, north), status: 200},
		{name: "a second key for north", method: "POST", path: path, token: "good-token", body: keysBody(t, second), status: 409,
			want: []string{"kNorth"}},
		{name: "south takes north's key", method: "POST", path: path, token: "south-token", body: provenKeysBody(t, north, "south"), status: 409},
		{name: "south announces its own", method: "POST", path: path, token: "south-token", body: provenKeysBody(t, south, "south"), status: 200},
	} {
		f.run(t, sc)
	}
	head, _ := f.store.Head(ctx)
	if err := f.store.RevokeToken(ctx, "north"); err != nil {
		t.Fatal(err)
	}
	keyOps := map[string]string{}
	for _, c := range feedAfter(t, f, head) {
		if k, ok := c.Value.(*kiosk.PassKey); ok {
			keyOps[k.ID] = c.Op
		}
	}
	if keyOps["kNorth"] != kiosk.OpDelete || keyOps["kSouth"] != "" {
		t.Errorf("key changes after revoking north: %v, want kNorth deleted, kSouth untouched", keyOps)
	}
	// A new token for north: its withdrawn key stays withdrawn, a new one
	// is welcome.
	f.store.AddToken(ctx, "north", "new-token")
	f.run(t, scenario{name: "withdrawn key again", method: "POST", path: path, token: "new-token", body: keysBody(t, north), status: 403,
		want: []string{"withdrawn"}})
	f.run(t, scenario{name: "north's new key", method: "POST", path: path, token: "new-token", body: keysBody(t, second), status: 200})
	// Replacing a token withdraws the key as revoking does.
	head, _ = f.store.Head(ctx)
	f.store.AddToken(ctx, "north", "newer-token")
	keyOps = map[string]string{}
	for _, c := range feedAfter(t, f, head) {
		if k, ok := c.Value.(*kiosk.PassKey); ok {
			keyOps[k.ID] = c.Op
		}
	}
	if keyOps["kSecond"] != kiosk.OpDelete {
		t.Errorf("key changes after a new token for north: %v, want kSecond deleted", keyOps)
	}
}

// feedAfter reads the feed after since as a kiosk decodes it.
func feedAfter(t *testing.T, f *fixture, since int64) []kiosk.Change {
	t.Helper()
	page, err := f.store.Changes(context.Background(), since, wire.MaxPage)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(page)
	_, changes, _, err := wire.DecodeChangesPage(data)
	if err != nil {
		t.Fatal(err)
	}
	return changes
}

// TestWhoAmI: the registry tells a kiosk the name its token was issued for.
func TestWhoAmI(t *testing.T) {
	f := newFixture(t)
	for _, sc := range []scenario{
		{name: "whoami", method: "GET", path: "/sync/v1/whoami", token: "good-token", status: 200, want: []string{`{"kiosk":"north"}`}},
		{name: "whoami without token", method: "GET", path: "/sync/v1/whoami", status: 401},
		{name: "whoami revoked", method: "GET", path: "/sync/v1/whoami", token: "revoked-token", status: 401},
	} {
		f.run(t, sc)
	}
}

// TestRevokedTokenSaysSo: a token that was revoked is told so (a kiosk
// then stops trusting its own key); one never known is not.
func TestRevokedTokenSaysSo(t *testing.T) {
	f := newFixture(t)
	for token, want := range map[string]string{"revoked-token": wire.TokenRevoked, "guess": "", "good-token": ""} {
		req := httptest.NewRequest("GET", "/sync/v1/whoami", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := f.server.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get(wire.HeaderToken); got != want {
			t.Errorf("%s: %s %q, want %q (status %d)", token, wire.HeaderToken, got, want, resp.StatusCode)
		}
	}
}
