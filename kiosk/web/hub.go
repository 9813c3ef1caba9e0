package web

import (
	"encoding/json"
	"sync"
)

// Event is one Server-Sent Event, its data already encoded.
type Event struct {
	Name string
	Data []byte
}

// Hub fans events out to SSE subscribers. A subscriber that cannot keep up
// is dropped (its stream ends and the browser reconnects) rather than
// letting one stuck screen slow down the tap path.
type Hub struct {
	// Buffer is each subscriber's queue length.
	Buffer int
	// OnCount, if set, is told the number of subscribers after each change.
	OnCount func(int)

	mu     sync.Mutex
	subs   map[*Subscriber]struct{}
	closed bool
}

// Subscriber receives events on C until it is closed.
type Subscriber struct {
	C     chan Event
	staff bool // a signed-in member of staff: also gets staff-only events
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{Buffer: 64, subs: map[*Subscriber]struct{}{}}
}

// Subscribe adds a subscriber; ok is false once the hub is closed.
func (h *Hub) Subscribe() (s *Subscriber, ok bool) { return h.SubscribeAs(false) }

// SubscribeAs adds a subscriber that, if staff, also receives the events
// published with PublishStaff.
func (h *Hub) SubscribeAs(staff bool) (s *Subscriber, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	s = &Subscriber{C: make(chan Event, h.Buffer), staff: staff}
	h.subs[s] = struct{}{}
	h.countLocked()
	return s, true
}

// Unsubscribe removes s; safe to call more than once.
func (h *Hub) Unsubscribe(s *Subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.C)
		h.countLocked()
	}
}

// Publish encodes v as JSON and queues it for every subscriber.
func (h *Hub) Publish(name string, v any) error { return h.publish(name, v, false) }

// PublishStaff queues an event for signed-in staff only: a badge shown to
// the desk reader is a credential, not for lobby TVs or passers-by.
func (h *Hub) PublishStaff(name string, v any) error { return h.publish(name, v, true) }

func (h *Hub) publish(name string, v any, staffOnly bool) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if staffOnly && !s.staff {
			continue
		}
		select {
		case s.C <- Event{Name: name, Data: data}:
		default:
			delete(h.subs, s)
			close(s.C)
		}
	}
	h.countLocked()
	return nil
}

// Len returns the number of subscribers.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close ends every stream and refuses new subscribers.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		close(s.C)
	}
	h.countLocked()
}

func (h *Hub) countLocked() {
	if h.OnCount != nil {
		h.OnCount(len(h.subs))
	}
}
