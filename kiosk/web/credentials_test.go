package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/credapi"
)

// credRoster is the fixture's roster and more: D3 is valid from the day
// after tomorrow, D4's badge is revoked at the desk. Every field a person
// could be known by is set, so that the answers can be searched for them.
var credRoster = []kiosk.Delegate{
	{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "BNetzA", Country: "DE", Role: "head", Status: "registered",
		Language: "en", Groups: []string{"WP1/12"}, Badges: []string{"0A0B0C0D0E"}, Email: "j.mueller@example.org"},
	{ID: "D2", FamilyName: "Cancelled", GivenName: "Carla", Organization: "ANFR", Country: "FR", Role: "delegate", Status: "cancelled",
		Language: "fr", Badges: []string{"2222222222"}, Email: "carla@example.fr"},
	{ID: "D3", FamilyName: "Okonkwo", GivenName: "Chidi", Organization: "NCC Nigeria", Country: "NG", Role: "deputy_head",
		Status: "confirmed", ValidFrom: "2026-11-24", ValidTo: "2026-11-26", Language: "en", Badges: []string{"3333333333"},
		Email: "chidi@example.ng", LatinFamilyName: "Okonkwo-Latin"},
	{ID: "D4", FamilyName: "王", GivenName: "伟", Organization: "中国信息通信研究院", Country: "CN", Role: "delegate", Status: "registered",
		Language: "zh", Badges: []string{"4444444444"}, Email: "wang@example.cn"},
}

// credPersonal is every field of the roster's people that is not the answer's
// own (the delegate id and validity).
func credPersonal() []string {
	var out []string
	for _, d := range credRoster {
		out = append(out, d.FamilyName, d.GivenName, d.Organization, d.Email, `"`+d.Role+`"`, `"`+d.Country+`"`, d.Name())
		if d.LatinFamilyName != "" {
			out = append(out, d.LatinFamilyName)
		}
	}
	return out
}

// credFixture is a kiosk with credRoster and a live API key for lockers.
func credFixture(t *testing.T) (*fixture, string) {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.ReplaceRoster(ctx, credRoster); err != nil {
		t.Fatal(err)
	}
	if err := f.db.DeskRevoke(ctx, "tester", "4444444444"); err != nil {
		t.Fatal(err)
	}
	const key = "cka_lockers-test-key"
	if _, err := f.db.AddAPIKey(ctx, "lockers", kiosk.HashSecret(key)); err != nil {
		t.Fatal(err)
	}
	return f, key
}

// askCredential asks the kiosk about uid with an Authorization header
// (none when auth is "") and returns the status, the header and the body.
func askCredential(t *testing.T, base, auth, uid string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/api/v1/credentials/"+uid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

// TestCredentialAnswers: the entrance rule's answer for every kind of
// badge, the UID in any accepted spelling, exactly four members, and
// nothing of the person.
func TestCredentialAnswers(t *testing.T) {
	f, key := credFixture(t) // today is 2026-11-22 in Zurich
	for _, tc := range []struct {
		name, uid string
		want      kiosk.CredentialAnswer
	}{
		{"valid", "0a:0b:0c:0d:0e", kiosk.CredentialAnswer{Valid: true, DelegateID: "D1", ValidUntil: "2026-11-28"}},
		{"valid, other spelling", "0x0A0B0C0D0E", kiosk.CredentialAnswer{Valid: true, DelegateID: "D1", ValidUntil: "2026-11-28"}},
		{"valid, spaces", "0a%200b%200c%200d%200e", kiosk.CredentialAnswer{Valid: true, DelegateID: "D1", ValidUntil: "2026-11-28"}},
		{"cancelled", "2222222222", kiosk.CredentialAnswer{Reason: kiosk.ReasonRegistrationCancelled, DelegateID: "D2", ValidUntil: "2026-11-28"}},
		{"not valid today", "33-33-33-33-33", kiosk.CredentialAnswer{Reason: kiosk.ReasonNotValidToday, DelegateID: "D3", ValidUntil: "2026-11-26"}},
		{"revoked badge", "4444444444", kiosk.CredentialAnswer{Reason: kiosk.ReasonRevokedBadge, DelegateID: "D4", ValidUntil: "2026-11-28"}},
		{"unknown", "FFFFFFFF", kiosk.CredentialAnswer{Reason: kiosk.ReasonUnknownBadge}},
		{"a pass's UID is no badge", "0123456789ABCDEF01234567", kiosk.CredentialAnswer{Reason: kiosk.ReasonUnknownBadge}},
	} {
		status, h, body := askCredential(t, f.url, "Bearer "+key, tc.uid)
		if status != http.StatusOK {
			t.Errorf("%s: status %d: %s", tc.name, status, body)
			continue
		}
		var got kiosk.CredentialAnswer
		if err := json.Unmarshal([]byte(body), &got); err != nil || got != tc.want {
			t.Errorf("%s: %s (%v), want %+v", tc.name, body, err, tc.want)
		}
		var members map[string]any
		json.Unmarshal([]byte(body), &members)
		names := make([]string, 0, len(members))
		for k := range members {
			names = append(names, k)
		}
		slices.Sort(names)
		if strings.Join(names, ",") != "delegate_id,reason,valid,valid_until" {
			t.Errorf("%s: members %v, want exactly valid, reason, delegate_id, valid_until", tc.name, names)
		}
		if cc := h.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", tc.name, cc)
		}
		for _, p := range credPersonal() {
			if strings.Contains(body, p) {
				t.Errorf("%s: the answer tells %q of the person: %s", tc.name, p, body)
			}
		}
	}

	for _, bad := range []string{"zz", "0A0B0", strings.Repeat("0A", 40), "%00"} {
		status, _, body := askCredential(t, f.url, "Bearer "+key, bad)
		var e struct{ Error, Code string }
		if err := json.Unmarshal([]byte(body), &e); status != http.StatusBadRequest || err != nil || e.Code != "invalid" || !strings.Contains(e.Error, "uid") {
			t.Errorf("uid %q: %d %s, want 400 JSON naming the uid", bad, status, body)
		}
	}
}

// TestCredentialKeys: 401 JSON without a key, with a wrong one and with a
// revoked one (made here, or at the registry and revoked there); a
// working key comes back when a new one is made under its name.
func TestCredentialKeys(t *testing.T) {
	f, key := credFixture(t)
	ctx := context.Background()
	regKey := "cka_doors-from-the-registry"
	if _, err := f.db.ApplyChanges(ctx, []kiosk.Change{{Seq: 1, Kind: kiosk.ChangeAPIKey, Op: kiosk.OpUpsert,
		Value: &kiosk.APIKey{Name: "doors", Hash: kiosk.HashSecret(regKey)}}}, 1); err != nil {
		t.Fatal(err)
	}
	unauthorized := func(what, auth string) {
		t.Helper()
		status, h, body := askCredential(t, f.url, auth, "0A0B0C0D0E")
		var e struct{ Error, Code string }
		if err := json.Unmarshal([]byte(body), &e); status != http.StatusUnauthorized || err != nil || e.Code != "unauthorized" || e.Error == "" {
			t.Errorf("%s: %d %s, want 401 JSON", what, status, body)
		}
		if !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", what, h.Get("WWW-Authenticate"))
		}
		for _, p := range append(credPersonal(), "D1") {
			if strings.Contains(body, p) {
				t.Errorf("%s: the refusal tells %q: %s", what, p, body)
			}
		}
	}
	ok := func(what, auth string) {
		t.Helper()
		if status, _, body := askCredential(t, f.url, auth, "0A0B0C0D0E"); status != http.StatusOK || !strings.Contains(body, `"valid":true`) {
			t.Errorf("%s: %d %s, want a valid answer", what, status, body)
		}
	}
	unauthorized("no key", "")
	unauthorized("empty key", "Bearer ")
	unauthorized("another scheme", "Basic "+key)
	unauthorized("wrong key", "Bearer cka_guess")
	unauthorized("the key's hash", "Bearer "+kiosk.HashSecret(key))
	ok("the key", "Bearer "+key)
	ok("bearer in lower case", "bearer "+key)
	ok("the registry's key", "Bearer "+regKey)

	if err := f.db.RevokeAPIKey(ctx, "lockers"); err != nil {
		t.Fatal(err)
	}
	unauthorized("a revoked key", "Bearer "+key)
	if _, err := f.db.ApplyChanges(ctx, []kiosk.Change{{Seq: 2, Kind: kiosk.ChangeAPIKey, Op: kiosk.OpUpsert,
		Value: &kiosk.APIKey{Name: "doors", Hash: kiosk.HashSecret(regKey), Revoked: true}}}, 2); err != nil {
		t.Fatal(err)
	}
	unauthorized("a key the registry revoked", "Bearer "+regKey)

	const newKey = "cka_lockers-second-key"
	if _, err := f.db.AddAPIKey(ctx, "lockers", kiosk.HashSecret(newKey)); err != nil {
		t.Fatal(err)
	}
	ok("a new key under the name", "Bearer "+newKey)
	unauthorized("the old key under a new one", "Bearer "+key)
}

// TestCredentialRateLimit: each key has a bucket of its own; past it,
// 429 JSON with Retry-After, until time refills it. The kiosk's clock
// stands still unless the test moves it.
func TestCredentialRateLimit(t *testing.T) {
	f, key := credFixture(t)
	api := f.server.Credentials
	api.Rate, api.Burst = 2, 5
	other := "cka_printers-key"
	if _, err := f.db.AddAPIKey(context.Background(), "printers", kiosk.HashSecret(other)); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if status, _, body := askCredential(t, f.url, "Bearer "+key, "0A0B0C0D0E"); status != http.StatusOK {
			t.Fatalf("request %d of the burst: %d %s", i+1, status, body)
		}
	}
	status, h, body := askCredential(t, f.url, "Bearer "+key, "0A0B0C0D0E")
	var e struct{ Error, Code string }
	if err := json.Unmarshal([]byte(body), &e); status != http.StatusTooManyRequests || err != nil || e.Code != "too_many_requests" {
		t.Errorf("past the burst: %d %s, want 429 JSON", status, body)
	}
	if ra := h.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q, want 1 (a token every half second)", ra)
	}
	if status, _, _ := askCredential(t, f.url, "Bearer "+other, "0A0B0C0D0E"); status != http.StatusOK {
		t.Errorf("another key: %d, want its own bucket", status)
	}
	if status, _, _ := askCredential(t, f.url, "Bearer cka_guess", "0A0B0C0D0E"); status != http.StatusUnauthorized {
		t.Errorf("a wrong key past the limit: %d, want 401 (keys are checked first)", status)
	}
	now := f.Now().Add(500 * time.Millisecond)
	f.now.Store(&now)
	if status, _, body := askCredential(t, f.url, "Bearer "+key, "0A0B0C0D0E"); status != http.StatusOK {
		t.Errorf("half a second later: %d %s, want a token back", status, body)
	}
	if status, _, _ := askCredential(t, f.url, "Bearer "+key, "0A0B0C0D0E"); status != http.StatusTooManyRequests {
		t.Errorf("and once more: %d, want 429", status)
	}
}

// TestCredentialAudit: one audit row per key for all its requests, with
// the counts; the metrics count by result and name no key.
func TestCredentialAudit(t *testing.T) {
	f, key := credFixture(t)
	api := f.server.Credentials
	api.Burst = 6
	for _, uid := range []string{"0A0B0C0D0E", "0A0B0C0D0E", "2222222222", "FFFFFFFF", "zz", "0A0B0C0D0E", "0A0B0C0D0E"} {
		askCredential(t, f.url, "Bearer "+key, uid)
	}
	askCredential(t, f.url, "Bearer cka_guess", "0A0B0C0D0E")
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- api.Run(ctx) }()
	cancel() // Run audits what it holds as it ends
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	log, err := f.db.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var rows []kiosk.AuditEntry
	for _, e := range log {
		if e.Action == credapi.AuditAction {
			rows = append(rows, e)
		}
	}
	want := "7 requests: 3 valid, 2 refused, 1 rate-limited, 1 malformed"
	if len(rows) != 1 || rows[0].Actor != "apikey:lockers" || rows[0].Detail != want {
		t.Errorf("audit rows %+v, want one of apikey:lockers: %q", rows, want)
	}
	if strings.Contains(rows[0].Detail, key) {
		t.Error("the audit log holds the key")
	}

	metrics, _ := getBody(t, f.url+"/metrics")
	for _, w := range []string{`checkin_credential_requests_total{result="valid"} 3`, `checkin_credential_requests_total{result="refused"} 2`,
		`checkin_credential_requests_total{result="rate_limited"} 1`, `checkin_credential_requests_total{result="bad_request"} 1`,
		`checkin_credential_requests_total{result="unauthorized"} 1`} {
		if !strings.Contains(metrics, w) {
			t.Errorf("metrics lack %s", w)
		}
	}
	if strings.Contains(metrics, "lockers") || strings.Contains(metrics, key) {
		t.Error("metrics name the key")
	}
}
