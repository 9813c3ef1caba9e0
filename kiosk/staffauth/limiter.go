package staffauth

import (
	"sync"
	"time"
)

// limiter counts login attempts per key in a sliding window. An attempt
// is reserved in every key it counts against before the password is
// checked, all at once under one lock, so a burst of parallel attempts
// gets no more checks than a sequence would; a successful attempt gives
// its reservation back.
type limiter struct {
	window time.Duration

	mu       sync.Mutex
	attempts map[string][]time.Time // oldest first
}

// slot is one key an attempt counts against, and that key's limit.
type slot struct {
	key   string
	limit int
}

// maxLimiterKeys bounds memory under a spray of usernames or addresses:
// past it, keys with no attempt inside the window are dropped.
const maxLimiterKeys = 10000

func newLimiter(window time.Duration) *limiter {
	return &limiter{window: window, attempts: map[string][]time.Time{}}
}

// reserve records an attempt at now under every slot's key if each has
// room; otherwise it records nothing and returns how long until the
// fullest one has room again.
func (l *limiter) reserve(now time.Time, slots ...slot) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range slots {
		if a := l.recent(s.key, now); len(a) >= s.limit {
			wait = max(wait, a[len(a)-s.limit].Add(l.window).Sub(now))
		}
	}
	if wait > 0 {
		return wait, false
	}
	if len(l.attempts) >= maxLimiterKeys {
		for k := range l.attempts {
			l.recent(k, now)
		}
	}
	for _, s := range slots {
		l.attempts[s.key] = append(l.attempts[s.key], now)
	}
	return 0, true
}

// release gives back an attempt reserved at at (it succeeded), and with
// forget also every earlier attempt under those keys.
func (l *limiter) release(at time.Time, forget bool, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if forget {
			delete(l.attempts, k)
			continue
		}
		a := l.attempts[k]
		for i := len(a) - 1; i >= 0; i-- {
			if a[i].Equal(at) {
				a = append(a[:i], a[i+1:]...)
				break
			}
		}
		if len(a) == 0 {
			delete(l.attempts, k)
		} else {
			l.attempts[k] = a
		}
	}
}

// recent drops attempts that left the window; l.mu must be held.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	a := l.attempts[key]
	i := 0
	for i < len(a) && !a[i].After(now.Add(-l.window)) {
		i++
	}
	if i == len(a) {
		delete(l.attempts, key)
		return nil
	}
	a = a[i:]
	l.attempts[key] = a
	return a
}
