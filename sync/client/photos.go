package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	gosync "sync"
	"time"

	"checkin/kiosk"
)

// Photos travel apart from the change feed: the feed names each
// delegate's photo by hash (kind "photo"), and the kiosk fetches the bytes
// it lacks with GET /sync/v1/photos/{sha256} in a loop of its own, so that
// neither the feed nor taps ever wait for a picture.

// photoBatch is how many fetched photos one transaction stores.
const photoBatch = 32

// photoRetry is how long a photo the registry does not have (404: the
// feed moved on since) is left before it is asked for again.
const photoRetry = 5 * time.Minute

// kickPhotos asks the photo loop to look for missing photos now.
func (c *Client) kickPhotos() {
	select {
	case c.photos <- struct{}{}:
	default:
	}
}

// photoLoop fetches the photos the feed named and this kiosk lacks, with
// up to PhotoWorkers requests at once, whenever a page named photos and
// every PhotoIdle, backing off while the registry fails.
func (c *Client) photoLoop(ctx context.Context) {
	absent := map[string]time.Time{} // hashes the registry did not have, and when
	repeat(ctx, func(ctx context.Context) (int, error) { return c.fetchPhotos(ctx, absent) }, func(err error) {
		if ctx.Err() == nil {
			c.Logger.Warn("registry photos failed", "err", err)
		}
	}, nil, c.photos, c.PhotoIdle)
}

// fetchPhotos fetches a round of missing photos and stores them in
// batches; it returns how many it stored. A failed request ends the round
// with its error once the others are stored.
func (c *Client) fetchPhotos(ctx context.Context, absent map[string]time.Time) (int, error) {
	missing, err := c.Store.MissingPhotos(ctx, 4096)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	todo := make(chan string)
	go func() {
		defer close(todo)
		for _, sha := range missing {
			if t, ok := absent[sha]; ok && now.Sub(t) < photoRetry {
				continue
			}
			select {
			case todo <- sha:
			case <-ctx.Done():
				return
			}
		}
	}()
	type result struct {
		photo kiosk.Photo
		err   error
	}
	results := make(chan result)
	var wg gosync.WaitGroup
	for range max(c.PhotoWorkers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sha := range todo {
				p, err := c.fetchPhoto(ctx, sha)
				select {
				case results <- result{p, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	stored := 0
	var batch []kiosk.Photo
	var firstErr error
	flush := func() {
		if len(batch) == 0 || firstErr != nil && errors.Is(firstErr, errStore) {
			return
		}
		if err := c.Store.PutPhotoBlobs(ctx, batch); err != nil {
			firstErr = fmt.Errorf("%w: %w", errStore, err)
		} else {
			stored += len(batch)
		}
		batch = batch[:0]
	}
	for r := range results {
		var answer *answerError
		switch {
		case errors.As(r.err, &answer) && answer.status == http.StatusNotFound:
			absent[r.photo.SHA256] = now
		case r.err != nil:
			if firstErr == nil {
				firstErr = r.err
			}
		default:
			if batch = append(batch, r.photo); len(batch) == photoBatch {
				flush()
			}
		}
	}
	flush()
	return stored, firstErr
}

var errStore = errors.New("store photos")

// fetchPhoto fetches the bytes of one photo and checks them against their
// hash: a kiosk keeps only what it asked for.
func (c *Client) fetchPhoto(ctx context.Context, sha string) (kiosk.Photo, error) {
	p := kiosk.Photo{SHA256: sha}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var h http.Header
	data, err := c.doHeader(rctx, http.MethodGet, "/sync/v1/photos/"+sha, nil, "", &h)
	if err != nil {
		return p, err
	}
	if got := kiosk.PhotoHash(data); got != sha {
		return p, fmt.Errorf("photo %s: the registry sent bytes of hash %s", sha, got)
	}
	p.ContentType = http.DetectContentType(data)
	if p.ContentType != kiosk.PhotoJPEG && p.ContentType != kiosk.PhotoPNG {
		return p, fmt.Errorf("photo %s: the registry sent %s", sha, p.ContentType)
	}
	p.Size, p.Data = len(data), data
	return p, nil
}

// pushPhotoEvents delivers photos set or removed at the desk, one request
// each (a photo is the request's body). A photo replaced at this desk
// since, whose bytes are gone, is delivered as superseded: the newer one
// follows it. A photo of a delegate the registry does not know (404) or
// does not accept (400) is set aside.
func (c *Client) pushPhotoEvents(ctx context.Context) (int, error) {
	return deliverPending(ctx, c, outbox[kiosk.PhotoEvent]{
		what:    "photo",
		pending: c.Store.PendingPhotoEvents,
		id:      func(e kiosk.PhotoEvent) string { return e.ID },
		send: func(ctx context.Context, events []kiosk.PhotoEvent) error {
			for _, e := range events {
				if err := c.sendPhotoEvent(ctx, e); err != nil {
					return err
				}
			}
			return nil
		},
		delivered: c.Store.MarkPhotoEventsDelivered,
		setAside:  c.Store.MarkPhotoEventRefused,
	})
}

func (c *Client) sendPhotoEvent(ctx context.Context, e kiosk.PhotoEvent) error {
	path := "/sync/v1/photos/" + url.PathEscape(e.DelegateID)
	method, ct := http.MethodDelete, ""
	var body []byte
	if e.SHA256 != "" {
		p, err := c.Store.PhotoBlob(ctx, e.SHA256)
		if kiosk.ErrorCode(err) == kiosk.ENOTFOUND {
			return nil // superseded
		} else if err != nil {
			return err
		}
		method, ct, body = http.MethodPut, p.ContentType, p.Data
	}
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	_, err := c.doHeader(rctx, method, path, body, ct, nil)
	var answer *answerError
	if errors.As(err, &answer) && answer.status == http.StatusNotFound {
		return &refusedError{msg: answer.msg}
	}
	return err
}
