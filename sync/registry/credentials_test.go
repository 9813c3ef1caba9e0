package registry_test

import (
	"context"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/credapi"
	"checkin/sync/registry"
)

// TestRegistryCredentials: the registry answers the venue's other systems
// as a kiosk does, from its own store (of either engine), with the same
// keys; a key revoked there is refused at once.
func TestRegistryCredentials(t *testing.T) {
	store, _ := openStore(t)
	ctx := context.Background()
	if err := store.SetMeeting(ctx, kiosk.Meeting{ID: "SG12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ReplaceRoster(ctx, []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "BNetzA", Role: "head", Status: "registered",
			Language: "en", Email: "j@example.org", Badges: []string{"0A0B0C0D0E"}},
		{ID: "D2", FamilyName: "Okonkwo", GivenName: "Chidi", Organization: "NCC", Status: "registered", ValidFrom: "2026-11-25",
			Language: "en", Badges: []string{"1111111111"}},
		{ID: "D3", FamilyName: "Silva", GivenName: "João", Status: "cancelled", Language: "pt", Badges: []string{"2222222222"}},
	}); err != nil {
		t.Fatal(err)
	}
	const key = "cka_registry-lockers"
	if _, err := store.AddAPIKey(ctx, "lockers", kiosk.HashSecret(key)); err != nil {
		t.Fatal(err)
	}
	s := registry.NewServer()
	s.Store = store
	s.Assets = assets.FS()
	s.Credentials = credapi.New(store)
	s.Credentials.Now = func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }
	f := &fixture{store: store, server: s}
	names := []string{"Müller", "Jürgen", "BNetzA", "example.org", "Okonkwo", "Chidi", "NCC", "Silva", "João", `"head"`}
	for _, sc := range []scenario{
		{name: "valid", method: "GET", path: "/api/v1/credentials/0a:0b:0c:0d:0e", token: key, status: 200,
			want: []string{`{"valid":true,"reason":"","delegate_id":"D1","valid_until":"2026-11-28"}`}, absent: names},
		{name: "not valid today", method: "GET", path: "/api/v1/credentials/1111111111", token: key, status: 200,
			want: []string{`{"valid":false,"reason":"not_valid_today","delegate_id":"D2","valid_until":"2026-11-28"}`}, absent: names},
		{name: "cancelled", method: "GET", path: "/api/v1/credentials/2222222222", token: key, status: 200,
			want: []string{`"reason":"registration_cancelled","delegate_id":"D3"`}, absent: names},
		{name: "unknown", method: "GET", path: "/api/v1/credentials/FFFFFFFF", token: key, status: 200,
			want: []string{`{"valid":false,"reason":"unknown_badge","delegate_id":"","valid_until":""}`}},
		{name: "malformed", method: "GET", path: "/api/v1/credentials/0A0B0", token: key, status: 400, want: []string{`"code":"invalid"`, "uid"}},
		{name: "no key", method: "GET", path: "/api/v1/credentials/0A0B0C0D0E", status: 401, want: []string{`"code":"unauthorized"`}, absent: names},
		{name: "a kiosk's token is no api key", method: "GET", path: "/api/v1/credentials/0A0B0C0D0E", token: "good-token", status: 401,
			want: []string{`"code":"unauthorized"`}},
	} {
		f.run(t, sc)
	}
	if err := store.RevokeAPIKey(ctx, "lockers"); err != nil {
		t.Fatal(err)
	}
	f.run(t, scenario{name: "revoked key", method: "GET", path: "/api/v1/credentials/0A0B0C0D0E", token: key, status: 401,
		want: []string{`"code":"unauthorized"`}, absent: names})
}
