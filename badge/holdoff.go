package badge

import "time"

// DefaultHoldoff is how long a card must be absent from a reader before
// it taps again.
const DefaultHoldoff = 3 * time.Second

// Holdoff turns the stream of sightings of one reader into taps: a card
// held on the reader (its frame repeated) is one tap. A UID is re-armed
// only once it has been absent for Window since its last sighting; a
// different UID taps at once. The clock is the caller's: pass now.
// A Holdoff is not safe for concurrent use; each reader owns one.
type Holdoff struct {
	// Window is the absence that re-arms a card; zero or less makes
	// every sighting a tap.
	Window time.Duration

	last  map[string]*time.Time // UID → last sighting; a pointer so updates need no key
	swept time.Time             // last forget
}

// NewHoldoff returns a Holdoff with the given window.
func NewHoldoff(window time.Duration) *Holdoff {
	return &Holdoff{Window: window}
}

// Tap records a sighting of uid at now and reports whether it is a new
// tap. It does not keep uid. A card already known costs no allocation.
func (h *Holdoff) Tap(uid []byte, now time.Time) bool {
	if h.Window <= 0 {
		return true
	}
	if h.last == nil {
		h.last = make(map[string]*time.Time)
	}
	if last := h.last[string(uid)]; last != nil {
		again := now.Sub(*last) >= h.Window
		*last = now
		return again
	}
	h.forget(now)
	last := new(time.Time)
	*last = now
	h.last[string(uid)] = last
	return true
}

// forget drops the cards absent for longer than the window, at most
// once per window, so that the table holds only cards seen recently.
func (h *Holdoff) forget(now time.Time) {
	if now.Sub(h.swept) < h.Window {
		return
	}
	h.swept = now
	for uid, last := range h.last {
		if now.Sub(*last) >= h.Window {
			delete(h.last, uid)
		}
	}
}
