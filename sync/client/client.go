// Package client is the kiosk's side of synchronisation: it pulls the
// registry's change feed into the kiosk store and pushes the kiosk's taps
// and desk badge events to the registry, and keeps doing both through
// outages.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"checkin/badge/pass"
	"checkin/kiosk"
	wire "checkin/sync"
)

// Client synchronises one kiosk with a registry.
type Client struct {
	// URLs are the registry's base URLs (several registry processes on one
	// database): the client uses the first that answers and stays with it
	// while it works; a connection failure or a 5xx moves it to the next.
	URLs  []string
	Token string
	Store kiosk.SyncStore
	HTTP  *http.Client

	Logger *slog.Logger
	Now    func() time.Time

	PageSize  int           // changes per request
	BatchSize int           // events per delivery
	Wait      time.Duration // long-poll wait
	Idle      time.Duration // outbox re-check when nothing kicks it

	// PhotoWorkers bounds the photos fetched at once; PhotoIdle is how
	// often missing photos are looked for when the feed names none.
	PhotoWorkers int
	PhotoIdle    time.Duration

	// OnApplied is told what each applied page touched; OnStatus of every
	// change of reachability; OnKiosk of the name the registry gave this
	// kiosk, when the client learns it after Run started. Each may be nil.
	OnApplied func(kiosk.Applied)
	OnStatus  func(Status)
	OnKiosk   func(name string)

	// Key is this kiosk's own pass key, announced to the registry once per
	// run so every kiosk can verify its passes; nil announces none.
	Key OwnKey

	// Touched by the push loop only, once Run started: whether the kiosk's
	// key was announced, and its name at the registry asked for.
	keysSent, named bool
	name            string      // "" when not known
	revoked         atomic.Bool // the registry said the token was revoked, and the key was replaced
	kick            chan struct{}
	photos          chan struct{} // the feed named photos: fetch what is missing
	recovered       chan struct{} // the registry answers again: deliver now
	mu              gosync.Mutex
	st              Status
	next            int // the URL a request tries first
	using           int // the URL that answered last; -1 before any did
}

// OwnKey is the kiosk's own pass signing key, as the client announces it.
type OwnKey interface {
	PublicKey() pass.PublicKey
	// ProveKey proves that the kiosk named holder holds the key
	// (pass.Key.Prove).
	ProveKey(holder string) string
	// Rotate replaces the key with a new one, after the registry withdrew
	// it (the kiosk's token was revoked or replaced).
	Rotate(ctx context.Context) error
}

// Status is the client's view of the registry.
type Status struct {
	Reachable bool      `json:"reachable"`
	LastSync  time.Time `json:"last_sync"`
	LastError string    `json:"last_error,omitempty"`
	Cursor    int64     `json:"cursor"`
	// URL is the registry that answered last (of several, the one in use).
	URL string `json:"url,omitempty"`
}

// New returns a client with defaults for the registry at urls: one base
// URL or several separated by commas ("URL[,URL…]", as --registry takes
// them). HTTPS registries are verified against the system roots; set
// HTTP's transport to NewTransport(pool) to trust other ones.
func New(urls, token string, store kiosk.SyncStore) *Client {
	c := &Client{
		Token: token, Store: store,
		HTTP:   &http.Client{Transport: NewTransport(nil)},
		Logger: slog.Default(), Now: time.Now,
		PageSize: wire.MaxPage, BatchSize: 500, Wait: 25 * time.Second, Idle: 2 * time.Second,
		PhotoWorkers: 4, PhotoIdle: 30 * time.Second,
		kick: make(chan struct{}, 1), photos: make(chan struct{}, 1), recovered: make(chan struct{}, 1), using: -1,
	}
	for _, u := range strings.Split(urls, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			c.URLs = append(c.URLs, u)
		}
	}
	return c
}

// NewTransport returns the client's HTTP transport, verifying HTTPS
// registries against roots (nil: the system's). Dialling gives up after
// 5 s, so that a registry machine that is off (no answer at all, not even
// a refusal) hands over to the next registry quickly.
func NewTransport(roots *x509.CertPool) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
	}
}

// Kiosk returns the name the registry gave this kiosk's token, as learnt
// before (the store keeps it): "" if never.
func (c *Client) Kiosk(ctx context.Context) (string, error) {
	return c.Store.KioskName(ctx, kiosk.HashSecret(c.Token))
}

// Identify asks the registry which kiosk this kiosk's token names
// (GET /sync/v1/whoami) and keeps the answer in the store.
func (c *Client) Identify(ctx context.Context) (string, error) {
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var who wire.WhoAmI
	if err := c.getJSON(rctx, "/sync/v1/whoami", &who); err != nil {
		return "", err
	}
	if !kiosk.ValidLabel(who.Kiosk) {
		return "", fmt.Errorf("registry named this kiosk %q", who.Kiosk)
	}
	if err := c.Store.SetKioskName(ctx, kiosk.HashSecret(c.Token), who.Kiosk); err != nil {
		return "", err
	}
	return who.Kiosk, nil
}

// Kick asks for the outbox to be delivered now (a tap was just recorded).
func (c *Client) Kick() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Status returns the current view of the registry.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

func (c *Client) setStatus(f func(*Status)) {
	c.mu.Lock()
	before := c.st.Reachable
	f(&c.st)
	st := c.st
	c.mu.Unlock()
	if st.Reachable && !before {
		// The feed reached the registry again: the outbox should not wait
		// out its own backoff (up to 10 s) to find out.
		select {
		case c.recovered <- struct{}{}:
		default:
		}
	}
	if st.Reachable != before && c.OnStatus != nil {
		c.OnStatus(st)
	}
}

func (c *Client) succeeded() {
	c.setStatus(func(s *Status) { s.Reachable, s.LastError = true, "" })
}

func (c *Client) failed(what string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	c.setStatus(func(s *Status) { s.Reachable, s.LastError = false, err.Error() })
	c.Logger.Warn("registry "+what+" failed", "err", err)
}

// whenRevoked stops trusting the kiosk's own pass key, once a run, when
// the registry says the kiosk's token was revoked: the registry withdrew
// the key at every other kiosk, and the passes it signed stop opening this
// kiosk's doors too. The kiosk makes a new key (Rotate), which it
// announces once it has a new token.
func (c *Client) whenRevoked(ctx context.Context, err error) {
	var answer *answerError
	if c.Key == nil || !errors.As(err, &answer) || !answer.revoked || !c.revoked.CompareAndSwap(false, true) {
		return
	}
	c.Logger.Error("registry says this kiosk's token was revoked: its pass key is withdrawn, and the passes it signed no longer open doors here either; making a new key")
	if err := c.Key.Rotate(ctx); err != nil {
		c.Logger.Error("new pass key", "err", err)
		c.revoked.Store(false) // try again
	}
}

// Run pulls and pushes until ctx ends.
func (c *Client) Run(ctx context.Context) error {
	if len(c.URLs) == 0 || c.Token == "" {
		return errors.New("sync client: registry URL and token are required")
	}
	if cursor, err := c.Store.SyncCursor(ctx); err == nil {
		c.setStatus(func(s *Status) { s.Cursor = cursor })
	}
	if name, err := c.Kiosk(ctx); err == nil && name != "" {
		c.name, c.named = name, true
	}
	// Connections kept for the next request go with the client: a server
	// shutting down waits for them.
	defer c.HTTP.CloseIdleConnections()
	var wg gosync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); c.pullLoop(ctx) }()
	go func() { defer wg.Done(); c.pushLoop(ctx) }()
	go func() { defer wg.Done(); c.photoLoop(ctx) }()
	wg.Wait()
	return nil
}

// backoff grows from 250 ms to 10 s with jitter, so that twenty kiosks
// coming back together do not knock on the registry in step.
type backoff struct{ d time.Duration }

func (b *backoff) reset() { b.d = 0 }

func (b *backoff) sleep(ctx context.Context) { b.sleepUnless(ctx, nil) }

// sleepUnless is sleep, cut short by wake.
func (b *backoff) sleepUnless(ctx context.Context, wake <-chan struct{}) {
	b.d = min(max(2*b.d, 250*time.Millisecond), 10*time.Second)
	d := b.d/2 + rand.N(b.d/2+1)
	select {
	case <-ctx.Done():
	case <-wake:
	case <-time.After(d):
	}
}

// pullLoop follows the change feed until ctx ends, starting again from
// the stored cursor after any failure.
func (c *Client) pullLoop(ctx context.Context) {
	var b backoff
	for ctx.Err() == nil {
		if err := c.follow(ctx, &b); err != nil {
			c.failed("change feed", err)
			c.whenRevoked(ctx, err)
			b.sleep(ctx)
		}
	}
}

// fetched is one page on its way from the registry to the database.
type fetched struct {
	page    wire.ChangesPage
	changes []kiosk.Change
	err     error
}

// answer is a changes answer before decoding (page is set when it had to
// be decoded early to learn next).
type answer struct {
	body []byte
	next int64
	more bool
	page *fetched
	err  error
}

// follow runs three stages at once, so that while one page is written to
// the database the next is decoded and the one after is on its way: pages
// back to back while catching up, then a long poll once caught up.
func (c *Client) follow(ctx context.Context, b *backoff) error {
	cursor, err := c.Store.SyncCursor(ctx)
	if err != nil {
		return err
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start, applied := time.Now(), 0
	var applying time.Duration
	caughtUp := false

	answers := make(chan answer, 1)
	go c.fetchPages(fctx, cursor, answers)
	pages := make(chan fetched, 1)
	go func() {
		defer close(pages)
		for a := range answers {
			f := fetched{err: a.err}
			switch {
			case a.page != nil:
				f = *a.page
			case a.err == nil:
				f.page, f.changes, f.err = c.decode(a.body)
			}
			select {
			case pages <- f:
			case <-fctx.Done():
				return
			}
			if f.err != nil {
				return
			}
		}
	}()
	for f := range pages {
		if f.err != nil {
			return f.err
		}
		if f.page.Next > cursor {
			t0 := time.Now()
			res, err := c.Store.ApplyChanges(ctx, f.changes, f.page.Next)
			applying += time.Since(t0)
			if err != nil {
				return fmt.Errorf("apply changes: %w", err)
			}
			cursor = f.page.Next
			if res.PhotosChanged {
				c.kickPhotos()
			}
			if c.OnApplied != nil && res.Changes > 0 {
				c.OnApplied(res)
			}
			applied += len(f.page.Changes)
		}
		if !caughtUp && !f.page.More {
			caughtUp = true
			c.Logger.Info("caught up with the registry", "changes", applied, "took", time.Since(start).Round(time.Millisecond),
				"applying", applying.Round(time.Millisecond), "cursor", cursor)
		}
		b.reset()
		c.setStatus(func(s *Status) { s.Reachable, s.LastError, s.LastSync, s.Cursor = true, "", c.Now().UTC(), cursor })
	}
	return ctx.Err()
}

// fetchPages asks for page after page until ctx ends or a request fails.
func (c *Client) fetchPages(ctx context.Context, since int64, out chan<- answer) {
	defer close(out)
	wait := time.Duration(0)
	for ctx.Err() == nil {
		a := c.fetch(ctx, since, wait)
		select {
		case out <- a:
		case <-ctx.Done():
			return
		}
		if a.err != nil {
			return
		}
		since = max(since, a.next)
		wait = c.Wait
		if a.more {
			wait = 0
		}
	}
}

// fetch asks for the changes after since, waiting up to wait for some. It
// learns next and more from the headers, or by decoding the page when a
// registry does not send them.
func (c *Client) fetch(ctx context.Context, since int64, wait time.Duration) answer {
	q := url.Values{}
	q.Set("since", strconv.FormatInt(since, 10))
	q.Set("limit", strconv.Itoa(c.PageSize))
	q.Set("wait", strconv.Itoa(int(wait/time.Second)))
	rctx, cancel := context.WithTimeout(ctx, wait+30*time.Second)
	defer cancel()
	var h http.Header
	body, err := c.doHeader(rctx, http.MethodGet, "/sync/v1/changes?"+q.Encode(), nil, "", &h)
	if err != nil {
		return answer{err: err}
	}
	next, err1 := strconv.ParseInt(h.Get(wire.HeaderNext), 10, 64)
	more, err2 := strconv.ParseBool(h.Get(wire.HeaderMore))
	if err1 == nil && err2 == nil {
		return answer{body: body, next: next, more: more}
	}
	page, changes, err := c.decode(body)
	return answer{next: page.Next, more: page.More, page: &fetched{page: page, changes: changes, err: err}, err: err}
}

func (c *Client) decode(body []byte) (wire.ChangesPage, []kiosk.Change, error) {
	page, changes, skipped, err := wire.DecodeChangesPage(body)
	if skipped > 0 {
		c.Logger.Warn("skipped changes this kiosk cannot apply", "count", skipped)
	}
	return page, changes, err
}

// pushLoop delivers the outbox whenever a tap is recorded, and every Idle
// in case a kick was missed or an earlier attempt failed.
func (c *Client) pushLoop(ctx context.Context) {
	repeat(ctx, c.pushOnce, func(err error) {
		c.failed("delivery", err)
		c.whenRevoked(ctx, err)
	}, c.recovered, c.kick, c.Idle)
}

// repeat runs round until ctx ends: again at once while it did something
// (there may be more), after a backoff when it failed (cut short by
// recovered), and otherwise when kicked or every idle.
func repeat(ctx context.Context, round func(context.Context) (int, error), failed func(error),
	recovered, kick <-chan struct{}, idle time.Duration) {
	var b backoff
	for ctx.Err() == nil {
		n, err := round(ctx)
		if err != nil {
			failed(err)
			b.sleepUnless(ctx, recovered)
			continue
		}
		b.reset()
		if n > 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-kick:
		case <-time.After(idle):
		}
	}
}

// pushOnce learns the kiosk's name and announces its key if it has not
// yet, then delivers one batch each of desk events, passes and taps.
func (c *Client) pushOnce(ctx context.Context) (int, error) {
	if !c.named {
		if err := c.learnName(ctx); err != nil {
			return 0, err
		}
	}
	if !c.keysSent && c.Key != nil {
		if err := c.pushKeys(ctx); err != nil {
			return 0, err
		}
		c.keysSent = true
	}
	n := 0
	for _, push := range []func(context.Context) (int, error){c.pushBadgeEvents, c.pushPasses, c.pushPhotoEvents, c.pushTaps,
		c.pushRoomResets} {
		k, err := push(ctx)
		if err != nil {
			return 0, err
		}
		n += k
	}
	return n, nil
}

// learnName asks the registry for the kiosk's name, once it answers (a
// kiosk that could not reach it at start learns it here), and tells
// OnKiosk. A registry without whoami (an older version: 404) is not asked
// again this run.
func (c *Client) learnName(ctx context.Context) error {
	name, err := c.Identify(ctx)
	var answer *answerError
	switch {
	case errors.As(err, &answer) && answer.status == http.StatusNotFound:
		c.Logger.Warn("registry does not tell kiosks their names (an older version?)")
		c.named = true
		return nil
	case err != nil:
		return err
	}
	c.name, c.named = name, true
	if c.OnKiosk != nil {
		c.OnKiosk(name)
	}
	return nil
}

// pushKeys announces the kiosk's pass key. A key the registry withdrew
// (403: this kiosk's token was revoked or replaced since) is replaced by a
// new one, which is announced instead. A key the registry refuses (400,
// or 409: another kiosk holds its id, or this kiosk already has another
// key) is logged and not offered again this run: this kiosk's passes then
// open only this kiosk.
func (c *Client) pushKeys(ctx context.Context) error {
	for range 2 {
		pub := c.Key.PublicKey()
		k := wire.KeyAnnouncement{ID: pub.ID, PublicKey: pub.String()}
		if c.name != "" { // else an older registry, which wants no proof
			k.Proof = c.Key.ProveKey(c.name)
		}
		_, err := c.post(ctx, "/sync/v1/keys", wire.KeysRequest{Keys: []wire.KeyAnnouncement{k}})
		var refused *refusedError
		var answer *answerError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &answer) && answer.status == http.StatusForbidden:
			c.Logger.Warn("registry withdrew this kiosk's pass key; its passes no longer open doors, making a new key", "key", pub.ID, "why", answer.msg)
			if err := c.Key.Rotate(ctx); err != nil {
				return fmt.Errorf("new pass key: %w", err)
			}
			continue
		case errors.As(err, &refused), errors.As(err, &answer) && answer.status == http.StatusConflict:
			c.Logger.Error("registry refused this kiosk's pass key; its passes will open only this kiosk", "key", pub.ID, "err", err)
			return nil
		default:
			return err
		}
	}
	return nil
}

// outbox is one kind of entry waiting for the registry: how a batch is
// sent, and how the store learns what became of each entry.
type outbox[T any] struct {
	what      string // for the log: "tap", "badge event"
	pending   func(ctx context.Context, limit int) ([]T, error)
	id        func(T) string
	send      func(ctx context.Context, batch []T) error // a *refusedError when the registry refuses the payload
	delivered func(ctx context.Context, ids []string) error
	setAside  func(ctx context.Context, id, why string) error
}

// deliverPending delivers a batch of what is pending, and says how many
// entries it held.
func deliverPending[T any](ctx context.Context, c *Client, o outbox[T]) (int, error) {
	batch, err := o.pending(ctx, c.BatchSize)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	return len(batch), deliver(ctx, c, o, batch)
}

// deliver sends a batch. One the registry refuses as invalid is split
// until the bad entry stands alone; that one is set aside and the others
// are delivered.
func deliver[T any](ctx context.Context, c *Client, o outbox[T], batch []T) error {
	err := o.send(ctx, batch)
	var refused *refusedError
	switch {
	case errors.As(err, &refused) && len(batch) == 1:
		id := o.id(batch[0])
		c.Logger.Error("registry refused an entry; set aside", "kind", o.what, "id", id, "why", refused.msg)
		return o.setAside(ctx, id, refused.msg)
	case errors.As(err, &refused):
		half := len(batch) / 2
		if err := deliver(ctx, c, o, batch[:half]); err != nil {
			return err
		}
		return deliver(ctx, c, o, batch[half:])
	case err != nil:
		return err
	}
	ids := make([]string, len(batch))
	for i, e := range batch {
		ids[i] = o.id(e)
	}
	return o.delivered(ctx, ids)
}

// pushTaps delivers a batch of taps.
func (c *Client) pushTaps(ctx context.Context) (int, error) {
	return deliverPending(ctx, c, outbox[kiosk.TapRecord]{
		what:    "tap",
		pending: c.Store.PendingTaps,
		id:      func(t kiosk.TapRecord) string { return t.ID },
		send: func(ctx context.Context, taps []kiosk.TapRecord) error {
			req := wire.CheckinsRequest{Events: make([]wire.CheckinEvent, len(taps))}
			for i, t := range taps {
				req.Events[i] = wire.FromTap(t)
			}
			var resp wire.CheckinsResponse
			return c.postJSON(ctx, "/sync/v1/checkins", req, &resp)
		},
		delivered: c.Store.MarkTapsDelivered,
		setAside:  c.Store.MarkTapRefused,
	})
}

// pushRoomResets delivers a batch of room count resets made at this
// kiosk; the registry passes them on to every kiosk with the room.
func (c *Client) pushRoomResets(ctx context.Context) (int, error) {
	return deliverPending(ctx, c, outbox[kiosk.RoomReset]{
		what:    "room reset",
		pending: c.Store.PendingRoomResets,
		id:      func(r kiosk.RoomReset) string { return r.ID },
		send: func(ctx context.Context, resets []kiosk.RoomReset) error {
			req := wire.RoomResetsRequest{Resets: make([]wire.RoomReset, len(resets))}
			for i, r := range resets {
				req.Resets[i] = wire.RoomReset{ID: r.ID, Room: r.Room, Day: r.Day, At: r.At, By: r.By}
			}
			var resp wire.RoomResetsResponse
			return c.postJSON(ctx, "/sync/v1/rooms/reset", req, &resp)
		},
		delivered: c.Store.MarkRoomResetsDelivered,
		setAside:  c.Store.MarkRoomResetRefused,
	})
}

// pushBadgeEvents delivers a batch of the desk's binds and revokes. A bind that lost
// to an earlier one at another desk is delivered all the same, and logged.
func (c *Client) pushBadgeEvents(ctx context.Context) (int, error) {
	return deliverPending(ctx, c, outbox[kiosk.BadgeEvent]{
		what:    "badge event",
		pending: c.Store.PendingBadgeEvents,
		id:      func(e kiosk.BadgeEvent) string { return e.ID },
		send: func(ctx context.Context, events []kiosk.BadgeEvent) error {
			req := wire.BadgesRequest{Events: make([]wire.BadgeEvent, len(events))}
			for i, e := range events {
				req.Events[i] = wire.BadgeEvent{ID: e.ID, Op: e.Op, UID: e.UID, DelegateID: e.DelegateID, At: e.At}
			}
			var resp wire.BadgesResponse
			if err := c.postJSON(ctx, "/sync/v1/badges", req, &resp); err != nil {
				return err
			}
			for _, l := range resp.Lost {
				c.Logger.Warn("badge bind lost to an earlier one at another desk", "uid", l.UID, "delegate", l.DelegateID, "held_by", l.HeldBy)
			}
			return nil
		},
		delivered: c.Store.MarkBadgeEventsDelivered,
		setAside:  c.Store.MarkBadgeEventRefused,
	})
}

// getJSON gets path and decodes the answer into out.
func (c *Client) getJSON(ctx context.Context, path string, out any) error {
	body, err := c.do(ctx, http.MethodGet, path, nil)
	return decodeAnswer(path, body, err, out)
}

// pushPasses announces a batch of the passes the desk issued, after the key that
// signed them. One the registry refuses (its key is not this kiosk's any
// more, or it is dated ahead of the registry's clock) is set aside: it
// opens this kiosk only, until a newer pass supersedes it.
func (c *Client) pushPasses(ctx context.Context) (int, error) {
	return deliverPending(ctx, c, outbox[kiosk.IssuedPass]{
		what:    "pass",
		pending: c.Store.PendingPasses,
		id:      func(p kiosk.IssuedPass) string { return p.UID },
		send: func(ctx context.Context, passes []kiosk.IssuedPass) error {
			req := wire.PassesRequest{Passes: make([]wire.PassAnnouncement, len(passes))}
			for i, p := range passes {
				req.Passes[i] = wire.PassAnnouncement{Token: p.Token}
			}
			var resp wire.PassesResponse
			return c.postJSON(ctx, "/sync/v1/passes", req, &resp)
		},
		delivered: c.Store.MarkPassesDelivered,
		setAside:  c.Store.MarkPassRefused,
	})
}

// postJSON posts v and decodes the answer into out.
func (c *Client) postJSON(ctx context.Context, path string, v, out any) error {
	body, err := c.post(ctx, path, v)
	return decodeAnswer(path, body, err, out)
}

// decodeAnswer decodes the body of a good answer from path into out.
func decodeAnswer(path string, body []byte, err error, out any) error {
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s answer: %w", path, err)
	}
	return nil
}

// refusedError is a 400 from the registry: the payload itself is wrong,
// and sending it again will not help.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return "registry refused: " + e.msg }

// answerError is any other answer but 200 from the registry.
type answerError struct {
	host    string
	status  int
	msg     string
	revoked bool // a 401 for a token that was revoked (wire.HeaderToken)
}

func (e *answerError) Error() string {
	if e.status == http.StatusUnauthorized {
		return "registry refused this kiosk's token (" + e.msg + "): check --token-file"
	}
	return fmt.Sprintf("registry %s answered %d: %s", e.host, e.status, e.msg)
}

func (c *Client) post(ctx context.Context, path string, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return c.do(rctx, http.MethodPost, path, data)
}

// do sends one request (with a JSON body, if any) and returns the body of a 200.
func (c *Client) do(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	return c.doHeader(ctx, method, path, body, mimeJSON, nil)
}

const mimeJSON = "application/json"

// doHeader is do that also hands back the answer's headers. It tries the
// registry URLs in turn, from the one that answered last: a connection
// failure or a 5xx moves on to the next (and the next request starts
// there); any other answer is the answer.
func (c *Client) doHeader(ctx context.Context, method, path string, body []byte, contentType string, header *http.Header) ([]byte, error) {
	c.mu.Lock()
	first := c.next
	c.mu.Unlock()
	var err error
	for i := range c.URLs {
		n := (first + i) % len(c.URLs)
		var resp *http.Response
		var data []byte
		resp, data, err = c.send(ctx, c.URLs[n], method, path, body, contentType)
		if err == nil && resp.StatusCode < 500 {
			c.answered(n)
			if header != nil {
				*header = resp.Header
			}
			return c.result(resp, data)
		}
		if err == nil {
			_, err = c.result(resp, data)
		}
		c.mu.Lock()
		if c.next == n {
			c.next = (n + 1) % len(c.URLs)
		}
		c.mu.Unlock()
		if ctx.Err() != nil {
			break // out of time: the next request starts at the next URL
		}
	}
	return nil, err
}

// answered makes URL n the one requests try first, and logs a change.
func (c *Client) answered(n int) {
	c.mu.Lock()
	c.next = n
	changed := c.using != n
	c.using = n
	c.st.URL = c.URLs[n]
	c.mu.Unlock()
	if changed {
		c.Logger.Info("using registry", "url", c.URLs[n])
	}
}

// send makes one request to the registry at base and reads the answer.
func (c *Client) send(ctx context.Context, base, method, path string, body []byte, contentType string) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.HTTP.Do(req)
	var untrusted *tls.CertificateVerificationError
	if errors.As(err, &untrusted) {
		return nil, nil, fmt.Errorf("%w: the registry's certificate is not trusted; give it (or its CA) to the kiosk with --registry-ca", err)
	} else if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if resp.ContentLength > 0 && resp.ContentLength < 256<<20 {
		buf.Grow(int(resp.ContentLength) + 1) // a first sync's pages are megabytes
	}
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, 256<<20)); err != nil {
		return nil, nil, err
	}
	return resp, buf.Bytes(), nil
}

// result turns an answer into the body of a 200 or an error.
func (c *Client) result(resp *http.Response, data []byte) ([]byte, error) {
	if resp.StatusCode == http.StatusOK {
		c.succeeded()
		return data, nil
	}
	var e wire.ErrorBody
	json.Unmarshal(data, &e)
	msg := e.Error
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	switch resp.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		c.succeeded() // the registry is there; the payload is the problem
		return nil, &refusedError{msg: msg}
	case http.StatusForbidden, http.StatusConflict:
		c.succeeded() // the registry is there, and says no
	}
	return nil, &answerError{host: resp.Request.URL.Host, status: resp.StatusCode, msg: msg,
		revoked: resp.StatusCode == http.StatusUnauthorized && resp.Header.Get(wire.HeaderToken) == wire.TokenRevoked}
}
