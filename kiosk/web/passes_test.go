package web_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

type passAnswer struct {
	Token    string    `json:"token"`
	PassID   string    `json:"pass_id"`
	UID      string    `json:"uid"`
	IssuedAt time.Time `json:"issued_at"`
	QR       string    `json:"qr"`
}

// passCall asks for a delegate's pass with method and wants status.
func passCall(t *testing.T, b *browser, method, id string, status int) passAnswer {
	t.Helper()
	resp, body := b.api(method, "/api/delegates/"+id+"/pass", "")
	var p passAnswer
	if resp.StatusCode != status || json.Unmarshal([]byte(body), &p) != nil || !strings.HasPrefix(p.Token, "CK1.") ||
		p.PassID == "" || len(p.UID) != 24 || p.IssuedAt.IsZero() || !strings.HasPrefix(p.QR, "data:image/png;base64,") {
		t.Fatalf("%s pass of %s: %d %s", method, id, resp.StatusCode, clip([]byte(body)))
	}
	return p
}

// TestPassIssuedByPostOnly: POST issues a new pass, superseding the
// previous one; GET shows the current pass and issues one only when there
// is none, so that showing a pass again, or a viewer's second request,
// never breaks the pass already handed out.
func TestPassIssuedByPostOnly(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	qr := func(token string) string {
		t.Helper()
		resp, body := b.do("POST", "/api/taps", "application/json", `{"uid":"`+token+`","source":"qr"}`, true)
		if resp.StatusCode != 200 {
			t.Fatalf("qr tap: %d %s", resp.StatusCode, body)
		}
		return body
	}
	first := passCall(t, b, "GET", "D1", 200) // none yet: issued
	later := f.Now().Add(2 * time.Second)     // a different issue second
	f.now.Store(&later)
	if again := passCall(t, b, "GET", "D1", 200); again.Token != first.Token {
		t.Errorf("a second GET issued a new pass")
	}
	if body := qr(first.Token); !strings.Contains(body, `"result":"accepted"`) {
		t.Errorf("the pass shown twice: %s", body)
	}
	second := passCall(t, b, "POST", "D1", 201)
	if second.Token == first.Token {
		t.Fatal("POST did not issue a new pass")
	}
	if body := qr(first.Token); !strings.Contains(body, `"reason":"revoked_badge"`) {
		t.Errorf("the pass POST superseded: %s", body)
	}
	if current := passCall(t, b, "GET", "D1", 200); current.Token != second.Token {
		t.Errorf("GET after POST shows another pass than the new one")
	}
	// Viewers that ask twice at once get one pass.
	var wg sync.WaitGroup
	tokens := make([]string, 4)
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tokens[i] = passCall(t, b, "GET", "D2", 200).Token
		}()
	}
	wg.Wait()
	for _, tok := range tokens[1:] {
		if tok != tokens[0] {
			t.Errorf("concurrent GETs issued several passes")
		}
	}
	if resp, _ := b.api("POST", "/api/delegates/D404/pass", ""); resp.StatusCode != 404 {
		t.Errorf("POST pass of no one: %d", resp.StatusCode)
	}
	if resp, _ := b.do("POST", "/api/delegates/D1/pass", "application/json", "", false); resp.StatusCode != 403 {
		t.Errorf("POST pass without the CSRF token: %d, want 403", resp.StatusCode)
	}
}
