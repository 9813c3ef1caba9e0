package staffauth

import (
	"sync"
	"testing"
	"time"
)

// TestLimiterReservesAtomically: parallel reservations against one key
// get no more than its limit; a released one gives its place back, and a
// key full in one slot refuses the attempt in all.
func TestLimiterReservesAtomically(t *testing.T) {
	l := newLimiter(15 * time.Minute)
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := l.reserve(now, slot{"ua:dana", 5}, slot{"a:desk", 20}); ok {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if granted != 5 {
		t.Fatalf("granted %d of 200 parallel attempts, want 5", granted)
	}
	// The address has 15 places left; another user there may try.
	if _, ok := l.reserve(now, slot{"ua:ada", 5}, slot{"a:desk", 20}); !ok {
		t.Fatal("another user at the address was refused")
	}
	// A success gives its reservation back.
	l.release(now, false, "a:desk")
	wait, ok := l.reserve(now, slot{"ua:dana", 5})
	if ok || wait != 15*time.Minute {
		t.Errorf("dana's sixth try: ok %v, wait %v; want refused for 15 minutes", ok, wait)
	}
	if _, ok := l.reserve(now.Add(15*time.Minute+time.Second), slot{"ua:dana", 5}); !ok {
		t.Error("dana refused after the window passed")
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/desk/dashboard":      "/desk/dashboard",
		"/desk?x=1#a":          "/desk?x=1#a",
		"":                     "/desk",
		"//evil.example":       "/desk",
		"/\\evil.example":      "/desk",
		"/\t/evil.example":     "/desk",
		"/\r\n/evil.example":   "/desk",
		"/ /evil":              "/desk",
		"https://evil.example": "/desk",
		"/login?next=/x":       "/desk",
		"/logout":              "/desk",
		"/x\x7f":               "/desk",
	} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSRFTokenOfASession(t *testing.T) {
	a, b := csrfOf("session-a"), csrfOf("session-b")
	if a == "" || a == b || a != csrfOf("session-a") || csrfOf("") != "" {
		t.Errorf("csrfOf: %q %q: want stable, per session, none without one", a, b)
	}
	if !sameToken(a, csrfOf("session-a")) || sameToken("", "") || sameToken(b, a) {
		t.Error("sameToken")
	}
}
