package web

import (
	"sync"
	"time"
)

// throttle counts failed logins per key (a username, an address) in a
// sliding window. Once a key has limit failures in the window it is refused
// until the oldest of them leaves the window, so a guesser gets a handful of
// tries per window while a member of staff who mistypes twice is not slowed.
type throttle struct {
	window time.Duration
	limit  int

	mu    sync.Mutex
	fails map[string][]time.Time // oldest first, at most limit
}

// maxThrottleKeys bounds memory under a spray of usernames or addresses:
// past it, keys with no failure inside the window are dropped.
const maxThrottleKeys = 10000

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{window: window, limit: limit, fails: map[string][]time.Time{}}
}

// wait returns how long key must wait before its next attempt; 0 if it may
// try now.
func (t *throttle) wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.recent(key, now)
	if len(f) < t.limit {
		return 0
	}
	return f[0].Add(t.window).Sub(now)
}

// fail records a failed attempt.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fails) >= maxThrottleKeys {
		for k := range t.fails {
			if len(t.recent(k, now)) == 0 {
				delete(t.fails, k)
			}
		}
	}
	f := append(t.recent(key, now), now)
	if len(f) > t.limit {
		f = f[len(f)-t.limit:]
	}
	t.fails[key] = f
}

// reset forgets a key's failures, after a successful login.
func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}

// recent drops failures that left the window; t.mu must be held.
func (t *throttle) recent(key string, now time.Time) []time.Time {
	f := t.fails[key]
	i := 0
	for i < len(f) && !f[i].After(now.Add(-t.window)) {
		i++
	}
	if i == len(f) {
		delete(t.fails, key)
		return nil
	}
	f = f[i:]
	t.fails[key] = f
	return f
}
