package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"

	"checkin/kiosk"
)

// Reader is the demo's simulated badge reader: it taps badges of the demo
// meeting through the same path as a serial reader.
type Reader struct {
	Tap  func(context.Context, kiosk.TapRequest) (kiosk.TapResult, error)
	Gate string

	mu    sync.Mutex
	rng   *rand.Rand
	pools map[string][]string
	bound map[string]bool
}

// NewReader returns a simulated reader for a generated meeting.
func NewReader(g Generated, tap func(context.Context, kiosk.TapRequest) (kiosk.TapResult, error)) *Reader {
	r := &Reader{Tap: tap, Gate: "main", rng: rand.New(rand.NewPCG(uint64(len(g.UIDs)), 7)), pools: map[string][]string{}}
	r.pools["random"] = g.UIDs
	r.bound = map[string]bool{}
	for _, uid := range g.UIDs {
		r.bound[uid] = true
	}
	for _, s := range g.Samples {
		switch s.Expect {
		case ExpectCancelled:
			r.pools["cancelled"] = append(r.pools["cancelled"], s.UID)
		case ExpectNotToday:
			r.pools["not_valid_today"] = append(r.pools["not_valid_today"], s.UID)
		}
	}
	return r
}

// DemoTap taps a badge of one kind: random (any bound badge), unknown,
// cancelled or not_valid_today. Returns EINVALID for other kinds.
func (r *Reader) DemoTap(ctx context.Context, kind string) error {
	uid, err := r.pick(kind)
	if err != nil {
		return err
	}
	_, err = r.Tap(ctx, kiosk.TapRequest{UID: uid, Source: kiosk.SourceRFID, Gate: r.Gate, Direction: kiosk.DirectionIn})
	return err
}

func (r *Reader) pick(kind string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if kind == "unknown" {
		for {
			if uid := fmt.Sprintf("%010X", r.rng.Uint64()&0xFF_FFFF_FFFF); !r.bound[uid] {
				return uid, nil
			}
		}
	}
	pool := r.pools[kind]
	if len(pool) == 0 {
		return "", kiosk.Errorf(kiosk.EINVALID, "unknown demo tap kind %q: use random, unknown, cancelled or not_valid_today", kind)
	}
	return pool[r.rng.IntN(len(pool))], nil
}
