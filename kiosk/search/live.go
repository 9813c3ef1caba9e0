package search

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"checkin/kiosk"
)

// Source is where a Live index reads delegates from: the kiosk's database.
type Source interface {
	// DelegatesVersion changes whenever any delegate changes.
	DelegatesVersion(ctx context.Context) (string, error)
	// AllDelegates calls fn for every delegate from one snapshot and
	// returns that snapshot's version.
	AllDelegates(ctx context.Context, fn func(*kiosk.Delegate)) (string, error)
}

// DefaultCheckEvery is how often Run looks for roster changes (an import,
// a page of sync): a new delegate is findable within about this long plus
// a rebuild (under a second for 100,000).
const DefaultCheckEvery = 2 * time.Second

// Live keeps an Index current with a Source. Searches use the index built
// last and never wait for a rebuild, except the very first one.
//
// Nothing is built until the desk needs it (Warm, or a first search): an
// entrance-only kiosk never holds the index (about 40 MB for 100,000
// delegates).
type Live struct {
	src        Source
	CheckEvery time.Duration
	Logger     *slog.Logger

	build   sync.Mutex // one rebuild at a time
	mu      sync.RWMutex
	ix      *Index
	version string
	warm    chan struct{}
}

// NewLive returns a live index over src; call Run to keep it current.
func NewLive(src Source) *Live {
	return &Live{src: src, CheckEvery: DefaultCheckEvery, Logger: slog.Default(), warm: make(chan struct{}, 1)}
}

// Warm asks Run to build the index now, without waiting for it: the desk
// page calls it so that the first search is fast.
func (l *Live) Warm() {
	select {
	case l.warm <- struct{}{}:
	default:
	}
}

// Run keeps a built index current, checking every CheckEvery, until ctx
// ends.
func (l *Live) Run(ctx context.Context) {
	t := time.NewTicker(l.CheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if !l.built() {
				continue
			}
		case <-l.warm:
		}
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
			name = kiosk.CountryName(d.Country)
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
