package registry

import (
	"context"
	"fmt"
	"sync"
	"time"

	wire "checkin/sync"
)

// Delivery is one kiosk's POST of check-in events.
type Delivery struct {
	Kiosk    string
	Events   []wire.CheckinEvent
	Received time.Time
}

// GroupCommit hands deliveries that arrive together to one commit (one
// transaction, one flush to disk, one hold of a store's locks for many
// kiosks' batches): in a morning rush every tap is a delivery of its own.
// A group that fails is committed again delivery by delivery, so that one
// bad delivery cannot fail the others. Both stores use it.
type GroupCommit struct {
	commit  func([]Delivery) ([]int, error) // new events of each delivery
	in      chan groupRequest
	closing chan struct{}
	done    chan struct{}
	once    sync.Once
}

type groupRequest struct {
	Delivery
	done chan groupResult
}

type groupResult struct {
	accepted int
	err      error
}

// maxGroup bounds the events one group commit carries.
const maxGroup = 5000

// NewGroupCommit starts committing with commit, which stores deliveries
// in one transaction and returns how many events of each were new.
func NewGroupCommit(commit func([]Delivery) ([]int, error)) *GroupCommit {
	g := &GroupCommit{commit: commit, in: make(chan groupRequest), closing: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g
}

// Add commits a delivery (with whatever else is waiting) and returns how
// many of its events were new and how many were already stored.
func (g *GroupCommit) Add(ctx context.Context, d Delivery) (accepted, duplicates int, err error) {
	req := groupRequest{Delivery: d, done: make(chan groupResult, 1)}
	select {
	case g.in <- req:
	case <-g.closing:
		return 0, 0, fmt.Errorf("add checkins: store closed")
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
	res := <-req.done
	if res.err != nil {
		return 0, 0, res.err
	}
	return res.accepted, len(d.Events) - res.accepted, nil
}

// Close stops taking deliveries once those handed over are committed.
func (g *GroupCommit) Close() {
	g.once.Do(func() { close(g.closing) })
	<-g.done
}

func (g *GroupCommit) run() {
	defer close(g.done)
	for {
		var first groupRequest
		select {
		case first = <-g.in:
		case <-g.closing:
			return
		}
		group, n := []groupRequest{first}, len(first.Events)
	drain:
		for n < maxGroup {
			select {
			case r := <-g.in:
				group, n = append(group, r), n+len(r.Events)
			default:
				break drain
			}
		}
		deliveries := make([]Delivery, len(group))
		for i, r := range group {
			deliveries[i] = r.Delivery
		}
		if counts, err := g.commit(deliveries); err == nil {
			for i, r := range group {
				r.done <- groupResult{accepted: counts[i]}
			}
			continue
		}
		for _, r := range group {
			counts, err := g.commit([]Delivery{r.Delivery})
			if err != nil {
				r.done <- groupResult{err: err}
				continue
			}
			r.done <- groupResult{accepted: counts[0]}
		}
	}
}
