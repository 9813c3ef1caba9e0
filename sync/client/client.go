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
	"time"

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

	// OnApplied is told what each applied page touched; OnStatus of every
	// change of reachability. Both may be nil.
	OnApplied func(kiosk.Applied)
	OnStatus  func(Status)

	// PassKeys are this kiosk's public pass keys (text form), announced to
	// the registry once per run so every kiosk can verify its passes.
	PassKeys []string

	keysSent bool // touched by the push loop only
	kick     chan struct{}
	mu       gosync.Mutex
	st       Status
	next     int // the URL a request tries first
	using    int // the URL that answered last; -1 before any did
}

// Status is the client's view of the registry.
type Status struct {
	Reachable bool      `json:"reachable"`
	LastSync  time.Time `json:"last_sync"`
	LastError string    `json:"last_error,omitempty"`
	Cursor    int64     `json:"cursor"`
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
		kick: make(chan struct{}, 1), using: -1,
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

// Run pulls and pushes until ctx ends.
func (c *Client) Run(ctx context.Context) error {
	if len(c.URLs) == 0 || c.Token == "" {
		return errors.New("sync client: registry URL and token are required")
	}
	if cursor, err := c.Store.SyncCursor(ctx); err == nil {
		c.setStatus(func(s *Status) { s.Cursor = cursor })
	}
	var wg gosync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.pullLoop(ctx) }()
	go func() { defer wg.Done(); c.pushLoop(ctx) }()
	wg.Wait()
	return nil
}

// backoff grows from 250 ms to 30 s with jitter, so that twenty kiosks
// coming back together do not knock on the registry in step.
type backoff struct{ d time.Duration }

func (b *backoff) reset() { b.d = 0 }

func (b *backoff) sleep(ctx context.Context) {
	b.d = min(max(2*b.d, 250*time.Millisecond), 30*time.Second)
	d := b.d/2 + rand.N(b.d/2+1)
	select {
	case <-ctx.Done():
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
	body, err := c.doHeader(rctx, http.MethodGet, "/sync/v1/changes?"+q.Encode(), nil, &h)
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
	var b backoff
	for ctx.Err() == nil {
		n, err := c.pushOnce(ctx)
		if err != nil {
			c.failed("delivery", err)
			b.sleep(ctx)
			continue
		}
		b.reset()
		if n > 0 {
			continue // there may be more
		}
		select {
		case <-ctx.Done():
		case <-c.kick:
		case <-time.After(c.Idle):
		}
	}
}

// pushOnce delivers one batch of desk events and one of taps.
func (c *Client) pushOnce(ctx context.Context) (int, error) {
	if !c.keysSent && len(c.PassKeys) > 0 {
		if err := c.pushKeys(ctx); err != nil {
			return 0, err
		}
		c.keysSent = true
	}
	events, err := c.Store.PendingBadgeEvents(ctx, c.BatchSize)
	if err != nil {
		return 0, err
	}
	if len(events) > 0 {
		if err := c.pushBadgeEvents(ctx, events); err != nil {
			return 0, err
		}
	}
	taps, err := c.Store.PendingTaps(ctx, c.BatchSize)
	if err != nil {
		return 0, err
	}
	if len(taps) > 0 {
		if err := c.pushTaps(ctx, taps); err != nil {
			return 0, err
		}
	}
	return len(events) + len(taps), nil
}

// pushKeys announces the kiosk's pass keys. A registry that refuses them
// (an older one, or a clash of key ids) is logged once and not asked again
// this run: passes then verify at this kiosk only.
func (c *Client) pushKeys(ctx context.Context) error {
	req := wire.KeysRequest{}
	for _, k := range c.PassKeys {
		id, _, _ := strings.Cut(k, ":")
		req.Keys = append(req.Keys, wire.KeyData{ID: id, PublicKey: k})
	}
	_, err := c.post(ctx, "/sync/v1/keys", req)
	var refused *refusedError
	if errors.As(err, &refused) {
		c.Logger.Error("registry refused this kiosk's pass key; its passes will open only this kiosk", "err", err)
		return nil
	}
	return err
}

// outbox is one kind of entry waiting for the registry: how a batch is
// sent, and how the store learns what became of each entry.
type outbox[T any] struct {
	what      string // for the log: "tap", "badge event"
	id        func(T) string
	send      func(ctx context.Context, batch []T) error // a *refusedError when the registry refuses the payload
	delivered func(ctx context.Context, ids []string) error
	setAside  func(ctx context.Context, id, why string) error
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

// pushTaps delivers taps.
func (c *Client) pushTaps(ctx context.Context, taps []kiosk.TapRecord) error {
	return deliver(ctx, c, outbox[kiosk.TapRecord]{
		what: "tap",
		id:   func(t kiosk.TapRecord) string { return t.ID },
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
	}, taps)
}

// pushBadgeEvents delivers the desk's binds and revokes. A bind that lost
// to an earlier one at another desk is delivered all the same, and logged.
func (c *Client) pushBadgeEvents(ctx context.Context, events []kiosk.BadgeEvent) error {
	return deliver(ctx, c, outbox[kiosk.BadgeEvent]{
		what: "badge event",
		id:   func(e kiosk.BadgeEvent) string { return e.ID },
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
	}, events)
}

// postJSON posts v and decodes the answer into out.
func (c *Client) postJSON(ctx context.Context, path string, v, out any) error {
	body, err := c.post(ctx, path, v)
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

func (c *Client) post(ctx context.Context, path string, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return c.do(rctx, http.MethodPost, path, data)
}

// do sends one request and returns the body of a 200.
func (c *Client) do(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	return c.doHeader(ctx, method, path, body, nil)
}

// doHeader is do that also hands back the answer's headers. It tries the
// registry URLs in turn, from the one that answered last: a connection
// failure or a 5xx moves on to the next (and the next request starts
// there); any other answer is the answer.
func (c *Client) doHeader(ctx context.Context, method, path string, body []byte, header *http.Header) ([]byte, error) {
	c.mu.Lock()
	first := c.next
	c.mu.Unlock()
	var err error
	for i := range c.URLs {
		n := (first + i) % len(c.URLs)
		var resp *http.Response
		var data []byte
		resp, data, err = c.send(ctx, c.URLs[n], method, path, body)
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
	c.mu.Unlock()
	if changed {
		c.Logger.Info("using registry", "url", c.URLs[n])
	}
}

// send makes one request to the registry at base and reads the answer.
func (c *Client) send(ctx context.Context, base, method, path string, body []byte) (*http.Response, []byte, error) {
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
		req.Header.Set("Content-Type", "application/json")
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
	case http.StatusUnauthorized:
		return nil, fmt.Errorf("registry refused this kiosk's token (%s): check --token-file", msg)
	}
	return nil, fmt.Errorf("registry %s answered %d: %s", resp.Request.URL.Host, resp.StatusCode, msg)
}
