package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/phototest"
)

// putPhoto sends an image to the photo route as the desk does.
func putPhoto(t *testing.T, b *browser, id, contentType string, data []byte, withCSRF bool) (*http.Response, string) {
	t.Helper()
	return b.do("PUT", "/api/delegates/"+id+"/photo", contentType, string(data), withCSRF)
}

// TestPhotoAPI: staff set, see and remove a delegate's photo; what is not
// a usable JPEG or PNG is refused saying why, and nothing changes.
func TestPhotoAPI(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	jpeg := phototest.JPEG(1, 300, 400)

	resp, body := putPhoto(t, b, "D1", "image/jpeg", jpeg, true)
	if resp.StatusCode != 200 || !strings.Contains(body, kiosk.PhotoHash(jpeg)) {
		t.Fatalf("PUT photo: %d %s", resp.StatusCode, body)
	}
	resp, got := b.get("/api/delegates/D1/photo")
	if resp.StatusCode != 200 || got != string(jpeg) || resp.Header.Get("Content-Type") != "image/jpeg" ||
		resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("GET photo: %d, %d bytes, %q, cache %q", resp.StatusCode, len(got), resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if _, card := b.get("/api/delegates/D1"); !strings.Contains(card, `"photo":"`+kiosk.PhotoHash(jpeg)+`"`) {
		t.Errorf("desk card without the photo's hash: %s", card)
	}
	// The desk page may use the camera, and only its own scripts.
	resp, _ = b.get("/desk")
	if pp, csp := resp.Header.Get("Permissions-Policy"), resp.Header.Get("Content-Security-Policy"); !strings.Contains(pp, "camera=(self)") ||
		!strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("desk headers: Permissions-Policy %q, CSP %q", pp, csp)
	}

	// A PNG sent with the wrong header is refused; as image/png it is taken,
	// and is what the bytes are.
	png := phototest.PNG(2, 64, 80)
	for _, tc := range []struct {
		name, ct string
		data     []byte
		status   int
		want     string
	}{
		{"text", "text/plain", []byte("hello"), 400, "image/jpeg or image/png"},
		{"gif as jpeg", "image/jpeg", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), 400, "not JPEG or PNG"},
		{"truncated jpeg", "image/jpeg", jpeg[:len(jpeg)/2], 400, "photo"},
		{"tiny", "image/png", phototest.PNG(1, 8, 8), 400, "8×8 pixels"},
		{"too large", "image/jpeg", append(append([]byte(nil), jpeg...), make([]byte, kiosk.MaxPhotoBytes)...), 400, "at most"},
		{"unknown delegate", "image/png", png, 404, "no delegate"},
	} {
		id := "D2"
		if tc.name == "unknown delegate" {
			id = "D9"
		}
		resp, body := putPhoto(t, b, id, tc.ct, tc.data, true)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d with %q", tc.name, resp.StatusCode, clip([]byte(body)), tc.status, tc.want)
		}
	}
	if resp, _ := b.get("/api/delegates/D2/photo"); resp.StatusCode != 404 {
		t.Errorf("D2 has a photo after refused uploads: %d", resp.StatusCode)
	}
	if resp, _ := putPhoto(t, b, "D2", "image/png", png, false); resp.StatusCode != http.StatusForbidden {
		t.Errorf("PUT without the CSRF token: %d, want 403", resp.StatusCode)
	}
	if resp, body := putPhoto(t, b, "D2", "image/png", png, true); resp.StatusCode != 200 || !strings.Contains(body, `"content_type":"image/png"`) {
		t.Errorf("PUT png: %d %s", resp.StatusCode, body)
	}

	// Only the photo route takes a large body.
	big := strings.Repeat("x", 100<<10)
	if resp, _ := b.api("PUT", "/api/delegates/D1/note", `{"note":"`+big+`"}`); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 100 KB note: %d, want 413", resp.StatusCode)
	}

	resp, _ = b.do("DELETE", "/api/delegates/D1/photo", "", "", true)
	if resp.StatusCode != 200 {
		t.Fatalf("DELETE photo: %d", resp.StatusCode)
	}
	if resp, body := b.get("/api/delegates/D1/photo"); resp.StatusCode != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Errorf("GET a removed photo: %d %s, want 404 JSON", resp.StatusCode, body)
	}
	audit, err := f.db.AuditLog(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
	}
	if s := strings.Join(actions, " "); !strings.Contains(s, "photo.set") || !strings.Contains(s, "photo.remove") {
		t.Errorf("audit log %v, want photo.set and photo.remove", actions)
	}
	out, err := f.db.Outbox(context.Background())
	if err != nil || out.Photos != 3 {
		t.Errorf("photo events queued for the registry: %+v (%v), want 3", out, err)
	}
}

// TestPhotoNeverPublic: with a photo on file, no public surface carries it
// or its hash: not the entrance or lobby pages, not the schedule, not a
// tap's answer, not the event stream (the entrance's on loopback, which
// has the name, nor the venue network's), and not the photo route itself
// without a session.
func TestPhotoNeverPublic(t *testing.T) {
	f := staffFixture(t)
	jpeg := phototest.JPEG(4, 240, 320)
	p, err := f.server.Desk.SetPhoto(context.Background(), "dana", "D1", jpeg)
	if err != nil {
		t.Fatal(err)
	}
	venue := f.servedFrom(t, "192.0.2.7")
	entrance := readEvents(t, http.DefaultClient, f.url)
	lobby := readEvents(t, http.DefaultClient, venue)
	f.waitSubscribed(t, 2)

	leaks := func(where, body string) {
		t.Helper()
		for _, s := range []string{p.SHA256, p.SHA256[:16], "/photo", `"photo"`} {
			if strings.Contains(body, s) {
				t.Errorf("%s carries %q", where, s)
			}
		}
		if bytes.Contains([]byte(body), jpeg[:64]) {
			t.Errorf("%s carries the photo's bytes", where)
		}
	}
	for _, path := range []string{"/", "/lobby", "/api/schedule?date=2026-11-22", "/healthz", "/metrics"} {
		resp, err := http.Get(venue + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		leaks("GET "+path, string(body))
	}
	resp, err := http.Post(f.url+"/api/taps", "application/json", strings.NewReader(`{"uid":"0A0B0C0D0E"}`))
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(answer), "Jürgen Müller") {
		t.Fatalf("tap answer %s, want the name", answer)
	}
	leaks("the tap's answer", string(answer))
	leaks("the entrance's event", nextTap(t, entrance, "entrance"))
	leaks("the venue network's event", nextTap(t, lobby, "lobby"))
	for _, base := range []string{f.url, venue} {
		resp, err := http.Get(base + "/api/delegates/D1/photo")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"code":"unauthorized"`) {
			t.Errorf("photo without a session from %s: %d %s, want 401 JSON", base, resp.StatusCode, clip(body))
		}
	}
}
