package web

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"checkin/badge/serialreader"
	"checkin/kiosk"
	"checkin/kiosk/staffauth"
)

// Defaults for event streams.
const (
	// DefaultMaxStreamsPerAddr bounds the event streams one machine on the
	// venue network may hold: a lobby TV needs one, a desk PC a few tabs.
	DefaultMaxStreamsPerAddr = 20
	// DefaultStreamWriteTimeout is how long a write to a screen may take
	// before the screen counts as gone and is dropped.
	DefaultStreamWriteTimeout = 10 * time.Second
)

// viewer is who reads an event stream. What it may see is decided again
// for every batch of events that depends on it, after those events were
// published: nothing published after a session ended reaches the stream.
type viewer struct {
	local   bool   // the kiosk's own screen (fromThisMachine)
	session string // hash of a staff session token, while the session lasts
}

// viewerOf sees who opens an event stream: the kiosk's own screen, a
// member of staff (a session good now), or anyone.
func (s *Server) viewerOf(c *fiber.Ctx) (viewer, error) {
	v := viewer{local: fromThisMachine(c)}
	if s.Staff == nil {
		return v, nil
	}
	h := staffauth.SessionHash(c)
	if h == "" {
		return v, nil
	}
	sess, err := s.auth.SessionByHash(c.UserContext(), h, true)
	if err != nil || sess == nil {
		return v, err
	}
	v.session = h
	return v, nil
}

// audience checks the viewer again. A staff session that has ended
// (logout, expiry, a removed login or a new password, in this process or
// another) is gone for good: the stream carries no more names or
// desk-reader badges, without having to reconnect.
func (s *Server) audience(ctx context.Context, v *viewer) (Audience, error) {
	if v.session != "" {
		sess, err := s.auth.SessionByHash(ctx, v.session, false)
		if err != nil {
			return Public, err
		}
		if sess != nil {
			return Staff, nil
		}
		v.session = ""
	}
	if v.local {
		return Private, nil
	}
	return Public, nil
}

// handleEvents streams `tap`, `schedule`, `reader` and `registry` events.
// The connection is taken over from Fiber and written to by the stream's
// own goroutine, so that a screen costs one goroutine and no buffer while
// it waits. Each machine but this one may hold MaxStreamsPerAddr streams.
func (s *Server) handleEvents(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	if c.Method() == fiber.MethodHead {
		return nil
	}
	v, err := s.viewerOf(c)
	if err != nil {
		return err
	}
	limit := s.MaxStreamsPerAddr
	if isLoopback(c) {
		limit = 0
	}
	sub, err := s.Hub.Subscribe(utils.CopyString(c.IP()), limit)
	switch {
	case errors.Is(err, ErrTooMany):
		s.Metrics.sseRefused.Inc()
		c.Set(fiber.HeaderRetryAfter, "30")
		return fiber.NewError(fiber.StatusTooManyRequests, "too many event streams from this address")
	case err != nil:
		return kiosk.Errorf(kiosk.EUNAVAILABLE, "the kiosk is shutting down")
	}
	// The response head is written here, the body by the stream in chunks
	// until the connection closes.
	c.Response().Header.SetContentLength(-1)
	c.Response().Header.SetConnectionClose()
	head := append([]byte(nil), c.Response().Header.Header()...)
	// The retry hint and where things stand go first: a screen that
	// (re)connects knows at once.
	first := []byte("retry: 2000\n: connected\n\n")
	if s.Readers != nil {
		for _, r := range s.Readers.States() {
			first = s.appendFrame(first, "reader", r)
		}
	}
	if s.Sync != nil {
		first = s.appendFrame(first, "registry", s.Sync())
	}
	first = s.appendFrame(first, "store", s.Store.WriteHealth())
	conn := c.Context().Conn()
	c.Context().HijackSetNoResponse(true)
	// Fiber's hijacked connection wraps conn; the stream writes to conn
	// itself, a *net.TCPConn, so that a chunk goes out in one writev.
	c.Context().Hijack(func(net.Conn) {
		defer s.Hub.Unsubscribe(sub)
		st := &stream{s: s, conn: conn, sub: sub, viewer: v}
		if err := st.run(head, first); err != nil {
			s.Logger.Error("event stream", "err", err)
		}
	})
	return nil
}

// stream is one screen's event stream.
type stream struct {
	s      *Server
	conn   net.Conn
	sub    *Subscriber
	viewer viewer
	head   []byte // the response head, until the first write

	// Reused from write to write.
	frames [][]byte
	out    net.Buffers
	size   []byte
}

var ping = []byte(": ping\n\n")

// errGone ends a stream whose client has gone; not worth a log line.
var errGone = errors.New("client gone")

// run writes the response head and first, then the hub's events and a
// heartbeat until the client goes, the hub closes, or the screen cannot
// keep up (dropped and counted). Only a failure to check the viewer is
// returned.
func (st *stream) run(head, first []byte) error {
	st.head = head
	if err := st.write(first); err != nil {
		return nil
	}
	tick := time.NewTicker(st.s.Heartbeat)
	defer tick.Stop()
	pause := time.NewTimer(0)
	defer pause.Stop()
	hub := st.s.Hub
	var evs []Event
	for {
		var wake <-chan struct{}
		var err error
		evs, wake, err = st.sub.Next(evs[:0])
		if errors.Is(err, ErrTooSlow) {
			st.s.Metrics.sseDropped.Inc()
			return nil
		} else if err != nil {
			return nil
		}
		if err := st.send(evs); errors.Is(err, errGone) {
			return nil
		} else if err != nil {
			return err
		}
		if len(evs) > 0 {
			// What is published meanwhile goes out in one write.
			pause.Reset(hub.Gap())
			select {
			case <-pause.C:
			case <-hub.Done():
				return nil
			}
		}
		select {
		case <-wake:
		case <-tick.C:
			if st.write(ping) != nil {
				return nil
			}
		}
	}
}

// send writes a batch of events, as the viewer may see them now.
func (st *stream) send(evs []Event) error {
	aud := Public
	for i := range evs {
		if evs[i].personal() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			a, err := st.s.audience(ctx, &st.viewer)
			cancel()
			if err != nil {
				return err
			}
			aud = a
			break
		}
	}
	frames := st.frames[:0]
	for i := range evs {
		if data := evs[i].Data(aud); data != nil {
			frames = append(frames, data)
		}
	}
	st.frames = frames
	return st.write(frames...)
}

// write sends frames to the screen as one chunk of the response body, in
// one writev: the hub's bytes as they are, no copy. A screen that does not
// take them within StreamWriteTimeout has stopped reading: it is dropped
// and counted.
func (st *stream) write(frames ...[]byte) error {
	n := 0
	for _, f := range frames {
		n += len(f)
	}
	if n == 0 { // an empty chunk would end the response
		return nil
	}
	st.size = append(strconv.AppendInt(st.size[:0], int64(n), 16), "\r\n"...)
	out := append(st.out[:0], st.head, st.size)
	out = append(append(out, frames...), crlf)
	st.out, st.head = out, nil
	st.conn.SetWriteDeadline(time.Now().Add(st.s.StreamWriteTimeout))
	if _, err := out.WriteTo(st.conn); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			st.s.Metrics.sseDropped.Inc()
		}
		return errGone
	}
	return nil
}

var crlf = []byte("\r\n")

// appendFrame appends v as one Server-Sent Event. A value that cannot be
// encoded (a bug: they are the server's own types) is logged and left out.
func (s *Server) appendFrame(b []byte, name string, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		s.Logger.Error("encode event", "event", name, "err", err)
		return b
	}
	b = append(b, "event: "...)
	b = append(b, name...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// frame encodes v as one Server-Sent Event.
func (s *Server) frame(name string, v any) []byte { return s.appendFrame(nil, name, v) }

// DeskTap is a badge shown to a desk reader: no decision, just the badge,
// for the registration desk to bind or look up.
type DeskTap struct {
	Role   string    `json:"role"` // always "desk"
	UID    string    `json:"uid"`
	Source string    `json:"source"`
	Reader string    `json:"reader"`
	Gate   string    `json:"gate"`
	At     time.Time `json:"at"`
}

// PublishDeskTap sends a desk reader's badge as a `tap` event with
// "role":"desk" to the event streams of signed-in staff only: a badge
// shown to the desk reader is a credential, not for screens.
func (s *Server) PublishDeskTap(t DeskTap) {
	t.Role = "desk"
	s.Hub.Publish(Event{Private: s.frame("tap", t), StaffOnly: true})
}

// PublishTap sends a tap result to every screen: with the delegate and
// their sessions to the entrance screen and staff, without to the rest.
func (s *Server) PublishTap(res kiosk.TapResult) {
	public := res
	public.Delegate, public.Sessions, public.Language = nil, nil, ""
	if res.Instead != nil && res.Instead.Next != nil { // the delegate's own next session
		public.Instead = &kiosk.Instead{Overflow: res.Instead.Overflow}
		if public.Instead.Overflow == "" {
			public.Instead = nil
		}
	}
	s.Hub.Publish(Event{Public: s.frame("tap", public), Private: s.frame("tap", res)})
}

// PublishReader sends a reader's new state to every screen.
func (s *Server) PublishReader(st serialreader.ReaderState) {
	s.Hub.Publish(Event{Public: s.frame("reader", st)})
}

// PublishSchedule tells screens that the schedule changed.
func (s *Server) PublishSchedule() {
	loc := time.UTC
	if m, err := s.Store.Meeting(context.Background()); err == nil {
		loc = m.Location()
	}
	s.Hub.Publish(Event{Public: s.frame("schedule", map[string]string{"date": kiosk.LocalDate(s.Now(), loc)})})
}

// PublishStore tells screens whether taps can be written: when not, the
// entrance screen shows that it is out of order, and why, to staff.
func (s *Server) PublishStore(h kiosk.StoreHealth) {
	s.Hub.Publish(Event{Public: s.frame("store", h)})
}

// PublishRegistry tells screens whether the registry is reachable (for the
// staff strip).
func (s *Server) PublishRegistry(st RegistryStatus) {
	s.Hub.Publish(Event{Public: s.frame("registry", st)})
}
