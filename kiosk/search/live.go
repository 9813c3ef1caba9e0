package search

import (
	"context"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/country"
)

// Source is where a Live index reads delegates from: the kiosk's database.
type Source interface {
	// Notify returns a channel closed at the next change to the source,
	// made by anyone (an import, a page of sync, the desk).
	Notify() <-chan struct{}
	// DelegatesVersion changes whenever any delegate changes.
	DelegatesVersion(ctx context.Context) (string, error)
	// AllDelegates calls fn for every delegate from one snapshot and
	// returns that snapshot's version.
	AllDelegates(ctx context.Context, fn func(*kiosk.Delegate)) (string, error)
}

// Live keeps an Index current with a Source. Searches use the index built
// last and never wait for a rebuild, except the very first one.
//
// Nothing is built until the desk needs it (Warm, or a first search): an
// entrance-only kiosk never holds the index (about 40 MB for 100,000
// delegates).
type Live struct {
	src    Source
	Logger *slog.Logger

	build   sync.Mutex // one rebuild at a time
	mu      sync.RWMutex
	ix      *Index
	version string
	warm    chan struct{}
}

// NewLive returns a live index over src; call Run to keep it current.
func NewLive(src Source) *Live {
	return &Live{src: src, Logger: slog.Default(), warm: make(chan struct{}, 1)}
}

// Warm asks Run to build the index now, without waiting for it: the desk
// page calls it so that the first search is fast.
func (l *Live) Warm() {
	select {
	case l.warm <- struct{}{}:
	default:
	}
}

// refreshGap is the least time between two looks at the source: a busy
// kiosk changes its file with every tap, and asking whether delegates
// changed reads the whole table.
const refreshGap = time.Second

// Run keeps a built index current until ctx ends: when the source
// changed, it rebuilds if the delegates did (a new delegate is findable
// within about refreshGap plus a rebuild, about 1.5 s for 100,000).
func (l *Live) Run(ctx context.Context) error {
	var last time.Time
	changed := l.src.Notify()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
			changed = l.src.Notify()
			if !l.built() {
				continue
			}
		case <-l.warm:
		}
		// changed was taken before the refresh: a change during it
		// wakes the next round.
		if wait := time.Until(last.Add(refreshGap)); wait > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
		}
		last = time.Now()
		if err := l.Refresh(ctx); err != nil && ctx.Err() == nil {
			l.Logger.Error("search index refresh", "err", err)
		}
	}
}

func (l *Live) built() bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix != nil
}

// Refresh rebuilds the index if the delegates changed since the last build.
func (l *Live) Refresh(ctx context.Context) error {
	l.build.Lock()
	defer l.build.Unlock()
	v, err := l.src.DelegatesVersion(ctx)
	if err != nil {
		return err
	}
	l.mu.RLock()
	current := l.ix != nil && v == l.version
	l.mu.RUnlock()
	if current {
		return nil
	}
	var docs []Doc
	names := map[string]string{}
	v, err = l.src.AllDelegates(ctx, func(d *kiosk.Delegate) {
		name, ok := names[d.Country]
		if !ok {
			name = strings.Join(country.Names(d.Country), " ") // searched in any of the six languages
			names[d.Country] = name
		}
		docs = append(docs, NewDoc(d, name))
	})
	if err != nil {
		return err
	}
	ix := Build(docs)
	l.mu.Lock()
	l.ix, l.version = ix, v
	l.mu.Unlock()
	// A build leaves several times the index in garbage; hand it back to
	// the system now rather than keep a kiosk's memory at its peak.
	debug.FreeOSMemory()
	return nil
}

// SearchDelegates searches the current index, building it first if this is
// the first search.
func (l *Live) SearchDelegates(ctx context.Context, q string, offset, limit int) (Result, error) {
	l.mu.RLock()
	ix := l.ix
	l.mu.RUnlock()
	if ix == nil {
		if err := l.Refresh(ctx); err != nil {
			return Result{Hits: []Hit{}}, err
		}
		l.mu.RLock()
		ix = l.ix
		l.mu.RUnlock()
	}
	return ix.Search(q, offset, limit), nil
}
