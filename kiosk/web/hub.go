package web

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Audience is who is at the other end of an event stream; it decides what
// of an event the stream may carry.
type Audience int

// Audiences, each seeing all that the ones before it see.
const (
	// Public is anyone on the venue network (lobby TVs): taps without
	// personal data.
	Public Audience = iota
	// Private is the entrance screen (loopback) and staff: taps with the
	// delegate's name and sessions.
	Private
	// Staff is a signed-in member of staff: also desk-reader badges.
	Staff
)

// Event is one Server-Sent Event, framed (`event: …\ndata: …\n\n`) once
// for each audience before it reaches the hub: streams write these bytes
// as they are.
type Event struct {
	// Public is the frame for every audience, or nil if the event is not
	// for the public.
	Public []byte
	// Private, if not nil, replaces Public for the Private and Staff
	// audiences.
	Private []byte
	// StaffOnly events go to the Staff audience only (Private is their
	// frame).
	StaffOnly bool
}

// Data returns the event's frame for an audience, or nil if it is not for
// that audience.
func (e *Event) Data(a Audience) []byte {
	switch {
	case e.StaffOnly && a < Staff:
		return nil
	case a >= Private && e.Private != nil:
		return e.Private
	}
	return e.Public
}

// personal reports whether what the event carries depends on the audience.
func (e *Event) personal() bool { return e.Private != nil || e.StaffOnly }

// Errors of Subscribe and Subscriber.Next.
var (
	ErrHubClosed = errors.New("event hub closed")
	ErrTooMany   = errors.New("too many event streams from one address")
	ErrTooSlow   = errors.New("event stream fell too far behind")
)

// Hub fans events out to SSE subscribers. Publishing costs the same
// whatever the number of subscribers: an event goes into one ring of the
// latest Buffer events, and each subscriber reads from its own position in
// it, in its own goroutine and without a lock, at most once per Gap. A
// subscriber that falls more than Buffer events behind is dropped (its
// stream ends and the browser reconnects): no stuck screen slows the tap
// path down or holds memory, and all screens together read at most
// Buffer/Pace events a second.
type Hub struct {
	// Buffer is how many events a subscriber may fall behind the newest
	// before it is dropped; set before the first Subscribe or Publish.
	Buffer int
	// Pace spaces each subscriber's writes by Pace times the number of
	// subscribers (see Gap), so that all streams together write about
	// 1/Pace times a second however many screens there are; events
	// published meanwhile go out together.
	Pace time.Duration
	// OnCount, if set, is told the number of subscribers after each change.
	OnCount func(int)

	once   sync.Once
	ring   []atomic.Pointer[published]
	head   atomic.Uint64                 // sequence number of the next event
	wake   atomic.Pointer[chan struct{}] // closed, and replaced, by each publish
	done   chan struct{}                 // closed by Close
	closed atomic.Bool
	pub    sync.Mutex // publishers take turns; subscribers never wait for it

	mu      sync.Mutex // guards perAddr and changes of subs
	subs    atomic.Int64
	perAddr map[string]int
}

// published is an event in the ring, with its sequence number.
type published struct {
	seq uint64
	ev  Event
}

// Subscriber reads a hub's events from its own position.
type Subscriber struct {
	hub  *Hub
	addr string
	next uint64 // sequence number of the next event to read
	gone bool
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{Buffer: 16, Pace: 250 * time.Microsecond}
}

func (h *Hub) init() {
	h.ring = make([]atomic.Pointer[published], max(h.Buffer, 1))
	wake := make(chan struct{})
	h.wake.Store(&wake)
	h.done = make(chan struct{})
	h.perAddr = map[string]int{}
}

// Subscribe adds a subscriber that reads the events published from now on.
// A client address holds at most limit subscribers at a time (0: no limit);
// beyond, Subscribe returns ErrTooMany. Once the hub is closed it returns
// ErrHubClosed.
func (h *Hub) Subscribe(addr string, limit int) (*Subscriber, error) {
	h.once.Do(h.init)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed.Load() {
		return nil, ErrHubClosed
	}
	if limit > 0 && h.perAddr[addr] >= limit {
		return nil, ErrTooMany
	}
	h.perAddr[addr]++
	h.subs.Add(1)
	h.countLocked()
	return &Subscriber{hub: h, addr: addr, next: h.head.Load()}, nil
}

// Unsubscribe removes s; safe to call more than once.
func (h *Hub) Unsubscribe(s *Subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.gone {
		return
	}
	s.gone = true
	if h.perAddr[s.addr]--; h.perAddr[s.addr] <= 0 {
		delete(h.perAddr, s.addr)
	}
	h.subs.Add(-1)
	h.countLocked()
}

// Publish queues ev for every subscriber. It never waits for one.
func (h *Hub) Publish(ev Event) {
	h.once.Do(h.init)
	h.pub.Lock()
	if h.closed.Load() {
		h.pub.Unlock()
		return
	}
	seq := h.head.Load()
	h.ring[seq%uint64(len(h.ring))].Store(&published{seq: seq, ev: ev})
	h.head.Store(seq + 1)
	next := make(chan struct{})
	wake := h.wake.Swap(&next)
	h.pub.Unlock()
	close(*wake)
}

// Next appends to evs the events published since s last read, and returns
// them with a channel that is closed when there is more to read. It
// returns ErrTooSlow if s fell more than Buffer events behind (its stream
// should end), ErrHubClosed once the hub is closed.
func (s *Subscriber) Next(evs []Event) ([]Event, <-chan struct{}, error) {
	h := s.hub
	// The channel first: a publish after this point closes it.
	wake := *h.wake.Load()
	if h.closed.Load() {
		return evs, nil, ErrHubClosed
	}
	head, n := h.head.Load(), uint64(len(h.ring))
	if head-s.next > n {
		return evs, nil, ErrTooSlow
	}
	for ; s.next < head; s.next++ {
		p := h.ring[s.next%n].Load()
		if p.seq != s.next { // overwritten since head was read
			return evs, nil, ErrTooSlow
		}
		evs = append(evs, p.ev)
	}
	return evs, wake, nil
}

// Gap is how long a subscriber waits after a write before it writes
// again.
func (h *Hub) Gap() time.Duration { return time.Duration(h.subs.Load()) * h.Pace }

// Done is closed when the hub is closed.
func (h *Hub) Done() <-chan struct{} {
	h.once.Do(h.init)
	return h.done
}

// Len returns the number of subscribers.
func (h *Hub) Len() int { return int(h.subs.Load()) }

// Close ends every stream and refuses new subscribers.
func (h *Hub) Close() {
	h.once.Do(h.init)
	h.pub.Lock()
	defer h.pub.Unlock()
	if h.closed.Swap(true) {
		return
	}
	close(*h.wake.Load())
	close(h.done)
}

func (h *Hub) countLocked() {
	if h.OnCount != nil {
		h.OnCount(int(h.subs.Load()))
	}
}
