package registry_test

import (
	"context"
	"testing"
	"time"

	"checkin/badge/pass"
	"checkin/kiosk"
)

func passesBody(tokens ...string) string {
	b := `{"passes":[`
	for i, t := range tokens {
		if i > 0 {
			b += ","
		}
		b += `{"token":"` + t + `"}`
	}
	return b + `]}`
}

func issue(t *testing.T, k pass.Key, delegate, meeting string, at time.Time) string {
	t.Helper()
	token, _, err := pass.Issue(k, delegate, meeting, at)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestPassAnnouncements: a kiosk announces the passes its desk issued;
// each must verify with a key of that kiosk's own, and the newest pass of
// a delegate is what the feed carries.
func TestPassAnnouncements(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.store.AddToken(ctx, "south", "south-token")
	north, south, stranger := newPassKey(t, "kNorth"), newPassKey(t, "kSouth"), newPassKey(t, "kStranger")
	f.run(t, scenario{name: "north's key", method: "POST", path: "/sync/v1/keys", token: "good-token", body: provenKeysBody(t, north, "north"), status: 200})
	f.run(t, scenario{name: "south's key", method: "POST", path: "/sync/v1/keys", token: "south-token", body: provenKeysBody(t, south, "south"), status: 200})
	now := time.Now().Truncate(time.Second)
	p1 := issue(t, north, "D1", "checkin", now.Add(-time.Minute))
	p2 := issue(t, south, "D1", "checkin", now)
	p0 := issue(t, north, "D1", "checkin", now.Add(-2*time.Minute))
	head, _ := f.store.Head(ctx)
	const path = "/sync/v1/passes"
	for _, sc := range []scenario{
		{name: "north's pass", method: "POST", path: path, token: "good-token", body: passesBody(p1), status: 200, want: []string{`"accepted":1`}},
		{name: "again", method: "POST", path: path, token: "good-token", body: passesBody(p1), status: 200, want: []string{`"accepted":1`}},
		{name: "south's newer pass", method: "POST", path: path, token: "south-token", body: passesBody(p2), status: 200, want: []string{`"accepted":1`}},
		{name: "north's older pass, late", method: "POST", path: path, token: "good-token", body: passesBody(p0), status: 200, want: []string{`"superseded":1`}},
		{name: "south announces north's pass", method: "POST", path: path, token: "south-token", body: passesBody(p1), status: 400, want: []string{"passes[0]"}},
		{name: "a key no kiosk announced", method: "POST", path: path, token: "good-token",
			body: passesBody(p1, issue(t, stranger, "D1", "checkin", now.Add(time.Minute))), status: 400, want: []string{"passes[1]"}},
		{name: "another meeting's", method: "POST", path: path, token: "good-token", body: passesBody(issue(t, north, "D1", "SG13", now)), status: 400},
		{name: "dated ahead of the registry", method: "POST", path: path, token: "good-token", body: passesBody(issue(t, north, "D1", "checkin", now.Add(time.Hour))), status: 400},
		{name: "altered", method: "POST", path: path, token: "good-token", body: passesBody(p1[:len(p1)-5] + "AAAAA"), status: 400},
		{name: "not a token", method: "POST", path: path, token: "good-token", body: passesBody("hello"), status: 400},
		{name: "none", method: "POST", path: path, token: "good-token", body: `{"passes":[]}`, status: 400},
		{name: "without token", method: "POST", path: path, body: passesBody(p1), status: 401},
	} {
		f.run(t, sc)
	}
	var got []string
	for _, c := range feedAfter(t, f, head) {
		if p, ok := c.Value.(*kiosk.Pass); ok {
			got = append(got, c.Op+" "+p.DelegateID+" "+p.Kiosk+" "+p.IssuedAt.Format(time.RFC3339))
		}
	}
	want := []string{
		"upsert D1 north " + now.Add(-time.Minute).UTC().Format(time.RFC3339),
		"upsert D1 south " + now.UTC().Format(time.RFC3339),
	}
	if len(got) != 2 || got[0] != want[0] && got[0] != want[1] || got[1] != want[1] {
		t.Errorf("pass changes: %q, want %q", got, want)
	}
}
