package registry_test

import (
	"context"
	"strings"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/phototest"
)

// TestPhotoRoutes: kiosks with a token put, fetch and remove photos; a
// photo is checked as everywhere, named by a valid hash, and never served
// without a token.
func TestPhotoRoutes(t *testing.T) {
	f := newFixture(t)
	jpeg := string(phototest.JPEG(6, 120, 160))
	sha := kiosk.PhotoHash([]byte(jpeg))
	for _, sc := range []scenario{
		{name: "put without a token", method: "PUT", path: "/sync/v1/photos/D1", body: jpeg, status: 401},
		{name: "put", method: "PUT", path: "/sync/v1/photos/D1", token: "good-token", body: jpeg, status: 200, want: []string{sha}},
		{name: "put again", method: "PUT", path: "/sync/v1/photos/D1", token: "good-token", body: jpeg, status: 200, want: []string{sha}},
		{name: "put not an image", method: "PUT", path: "/sync/v1/photos/D1", token: "good-token", body: `{"x":1}`, status: 400, want: []string{"not JPEG or PNG"}},
		{name: "put unknown delegate", method: "PUT", path: "/sync/v1/photos/D9", token: "good-token", body: jpeg, status: 404},
		{name: "get without a token", method: "GET", path: "/sync/v1/photos/" + sha, status: 401, absent: []string{jpeg[:20]}},
		{name: "get with a revoked token", method: "GET", path: "/sync/v1/photos/" + sha, token: "revoked-token", status: 401},
		{name: "get", method: "GET", path: "/sync/v1/photos/" + sha, token: "good-token", status: 200, want: []string{jpeg[:40]}},
		{name: "get by a bad hash", method: "GET", path: "/sync/v1/photos/" + strings.ToUpper(sha), token: "good-token", status: 400},
		{name: "get unknown", method: "GET", path: "/sync/v1/photos/" + kiosk.PhotoHash([]byte("x")), token: "good-token", status: 404},
	} {
		f.run(t, sc)
	}
	page, err := f.store.Changes(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	photos := 0
	for _, c := range page.Changes {
		if c.Kind == kiosk.ChangePhoto {
			photos++
			if len(c.Data) > 300 || !strings.Contains(string(c.Data), sha) { // the hash, not the bytes
				t.Errorf("feed entry %s", c.Data)
			}
		}
	}
	if photos != 1 {
		t.Errorf("%d photo entries in the feed, want 1 (the same photo twice feeds once)", photos)
	}
	f.run(t, scenario{name: "delete", method: "DELETE", path: "/sync/v1/photos/D1", token: "good-token", status: 200})
	f.run(t, scenario{name: "get removed", method: "GET", path: "/sync/v1/photos/" + sha, token: "good-token", status: 404})
}
