// Package soak rehearses a venue on one machine (`checkin soak`): real
// kiosk and registry processes of the checkin binary, a morning rush of
// taps, desk binds at random kiosks and faults on a schedule, then a
// check that no acknowledged tap was lost or stored twice and that every
// kiosk caught up with the registry.
//
// Every kiosk reaches each registry through a faultproxy of its own (so
// that one kiosk can be cut off), and the registries reach PostgreSQL
// through one more (so that a database restart can be staged by cutting
// every connection to it).
package soak

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk/demo"
	"checkin/sync/faultproxy"
)

// Config is a rehearsal's setup.
type Config struct {
	Bin string // the checkin binary to run
	Dir string // work directory (data, tokens, logs): new or empty

	// DB is the PostgreSQL database (postgres://…) two registries share;
	// it must be empty. SQLite instead runs one registry on SQLite in Dir
	// (for developing the rehearsal; no PostgreSQL fault).
	DB     string
	SQLite bool
	// PGRestartCmd, when set, restarts the real PostgreSQL server for the
	// PostgreSQL fault (run with sh -c) instead of cutting the registries'
	// connections to it.
	PGRestartCmd string

	Kiosks    int
	Delegates int
	Duration  time.Duration // the tap window
	Rush      time.Duration // the morning rush; 0: 45% of Duration
	RushShare float64       // delegates arriving in the rush; 0: 60%
	Seed      uint64
	// Faults is the fault schedule; nil: Schedule's.
	Faults []Fault

	Out io.Writer // progress, the fault log and the report
}

// Defaults of Config.
const (
	DefaultKiosks    = 50
	DefaultDelegates = 20000
	DefaultRushShare = 0.6
	staffUser        = "soak-desk"
	tapWorkers       = 64
	tapTries         = 6 // kiosks a delegate tries before giving up
	drainTimeout     = 5 * time.Minute
	slowBind         = 2 * time.Second // a bind slower than this with no fault on is told at once
)

// registryNode is one registry process, restarted on a new port after a
// kill; the kiosks' proxies follow it.
type registryNode struct {
	name string
	args []string // without --addr
	mu   sync.Mutex
	p    *proc
}

func (n *registryNode) url() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.p == nil {
		return ""
	}
	return n.p.url
}

// kioskNode is one kiosk: its data directory survives its restarts.
type kioskNode struct {
	id, data, tokenFile string
	proxies             []*faultproxy.Proxy // one per registry, in the order of its --registry

	mu      sync.Mutex
	p       *proc
	desk    *desk
	faulted bool // under a fault now: no desk binds here
}

func (k *kioskNode) url() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.p == nil {
		return ""
	}
	return k.p.url
}

// rehearsal is one run.
type rehearsal struct {
	cfg      Config
	logDir   string
	password string // of the staff login
	crowd    demo.Crowd
	regs     []*registryNode
	pg       *faultproxy.Proxy // nil on SQLite
	kiosks   []*kioskNode
	http     *http.Client
	start    time.Time // of the taps
	rng      *rand.Rand
	rngMu    sync.Mutex

	mu          sync.Mutex
	acked       []string
	tapLatency  []time.Duration
	accepted    int
	rejected    map[string]int // by reason
	unanswered  int            // delegates no kiosk answered
	retried     int            // taps answered by another kiosk than the first tried
	binds       []bindSample
	bindFailed  []string
	faultActive int // faults on, or their outboxes still draining
	faultEpoch  int // faults begun so far
	faults      []*faultResult
	problems    []string
}

type bindSample struct {
	took  time.Duration
	fault bool // some fault was on (or its outboxes draining) while the bind went round
}

type faultResult struct {
	Fault
	target      string
	began, end  time.Time
	peakOutbox  int
	drain       time.Duration
	drained     bool
	measureDone chan struct{}
}

// Run rehearses the venue and prints the report; it returns an error when
// the rehearsal could not be run or a check failed.
func Run(ctx context.Context, cfg Config) (res *Result, err error) {
	if cfg.Kiosks < 2 {
		return nil, errors.New("soak: at least 2 kiosks")
	}
	if cfg.Delegates < 1 {
		return nil, errors.New("soak: at least 1 delegate")
	}
	if cfg.Rush == 0 {
		cfg.Rush = cfg.Duration * 45 / 100
	}
	if cfg.RushShare == 0 {
		cfg.RushShare = DefaultRushShare
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if (cfg.DB == "") == !cfg.SQLite {
		return nil, errors.New("soak: give the PostgreSQL database (--db), or SQLite for one registry on SQLite")
	}
	plan := cfg.Faults
	if plan == nil {
		var err error
		if plan, err = Schedule(cfg.Duration, !cfg.SQLite); err != nil {
			return nil, err
		}
	}
	if err := emptyDir(cfg.Dir); err != nil {
		return nil, err
	}
	if !cfg.SQLite {
		if err := emptyDatabase(ctx, cfg.DB); err != nil {
			return nil, err
		}
	}
	r := &rehearsal{cfg: cfg, logDir: filepath.Join(cfg.Dir, "logs"), rejected: map[string]int{},
		http: newHTTP(nil), rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x50a4))}
	for _, d := range []string{r.logDir, filepath.Join(cfg.Dir, "tokens"), filepath.Join(cfg.Dir, "kiosks")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	defer r.shutdown()
	if err := r.setup(ctx); err != nil {
		return nil, err
	}
	if err := r.rehearse(ctx, plan); err != nil {
		return nil, err
	}
	return r.finish(ctx)
}

// emptyDatabase makes sure the PostgreSQL database answers and holds no
// tables: the rehearsal fills it with a crowd of fictional delegates and
// its kiosks' tokens, so it must be one made for it.
func emptyDatabase(ctx context.Context, db string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		return fmt.Errorf("soak: --db %s: %v", redact(db), err)
	}
	defer conn.Close(context.Background())
	var tables int
	err = conn.QueryRow(ctx, `select count(*) from pg_catalog.pg_tables where schemaname not in ('pg_catalog', 'information_schema')`).Scan(&tables)
	if err != nil {
		return fmt.Errorf("soak: --db %s: %v", redact(db), err)
	}
	if tables > 0 {
		return fmt.Errorf("soak: database %s is not empty (%d tables): give a database made for the rehearsal (createdb), which it fills with fictional delegates and tokens", redact(db), tables)
	}
	return nil
}

// emptyDir makes sure dir is new or empty: a rehearsal never runs on data
// of another.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o700)
	} else if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("soak: work directory %s is not empty", dir)
	}
	return nil
}

func (r *rehearsal) printf(format string, args ...any) {
	prefix := "setup   "
	if !r.start.IsZero() {
		prefix = "+" + clock(time.Since(r.start))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.cfg.Out, prefix+"  "+format+"\n", args...)
}

// clock writes an offset as mm:ss.t.
func clock(d time.Duration) string {
	d = max(d, 0).Round(100 * time.Millisecond)
	return fmt.Sprintf("%02d:%04.1f", int(d/time.Minute), (d % time.Minute).Seconds())
}

func (r *rehearsal) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.problems = append(r.problems, msg)
	r.mu.Unlock()
	r.printf("PROBLEM: %s", msg)
}

// storeFlags are the flags naming the registry's data for the CLI.
func (r *rehearsal) storeFlags() []string {
	if r.cfg.SQLite {
		return []string{"--data", filepath.Join(r.cfg.Dir, "registry")}
	}
	return []string{"--db", r.cfg.DB}
}

func (r *rehearsal) cli(ctx context.Context, stdin string, args ...string) ([]byte, error) {
	return runCLI(ctx, r.cfg.Bin, stdin, append(args, r.storeFlags()...)...)
}

// setup prepares the registry's data, starts the registries and the
// kiosks, and waits until every kiosk holds the roster.
func (r *rehearsal) setup(ctx context.Context) error {
	cfg := r.cfg
	if cfg.SQLite {
		r.printf("one registry on SQLite (a rehearsal of the mechanics: no second registry, no PostgreSQL fault)")
	} else {
		r.printf("two registries on PostgreSQL %s", redact(cfg.DB))
	}
	t0 := time.Now()
	r.crowd = demo.GenerateCrowd(cfg.Delegates, cfg.Seed)
	roster := filepath.Join(cfg.Dir, "roster.csv")
	if err := os.WriteFile(roster, r.crowd.RosterCSV, 0o600); err != nil {
		return err
	}
	if _, err := r.cli(ctx, "", "import", "roster", roster); err != nil {
		return err
	}
	r.password = randomHex(16)
	if _, err := r.cli(ctx, r.password+"\n", "staff", "add", "--user", staffUser, "--role", "desk"); err != nil {
		return err
	}
	for i := range cfg.Kiosks {
		id := fmt.Sprintf("k%02d", i+1)
		out, err := r.cli(ctx, "", "token", "add", "--kiosk", id)
		if err != nil {
			return err
		}
		k := &kioskNode{id: id, data: filepath.Join(cfg.Dir, "kiosks", id), tokenFile: filepath.Join(cfg.Dir, "tokens", id+".token")}
		if err := os.WriteFile(k.tokenFile, out, 0o600); err != nil {
			return err
		}
		r.kiosks = append(r.kiosks, k)
	}
	r.printf("roster of %d delegates imported, staff login %s and %d kiosk tokens made (%v)", cfg.Delegates, staffUser, cfg.Kiosks, time.Since(t0).Round(time.Millisecond))

	// The registries.
	if cfg.SQLite {
		r.regs = []*registryNode{{name: "registry-1", args: []string{"registry", "--data", filepath.Join(cfg.Dir, "registry")}}}
	} else {
		u, err := url.Parse(cfg.DB)
		if err != nil || u.Host == "" {
			return fmt.Errorf("soak: --db %s: not a postgres://host:port/… URL", redact(cfg.DB))
		}
		target := u.Host
		if u.Port() == "" {
			target = net.JoinHostPort(u.Hostname(), "5432")
		}
		if r.pg, err = faultproxy.Listen(target); err != nil {
			return err
		}
		u.Host = r.pg.Addr()
		for i := range 2 {
			r.regs = append(r.regs, &registryNode{name: fmt.Sprintf("registry-%d", i+1), args: []string{"registry", "--db", u.String()}})
		}
	}
	for _, reg := range r.regs {
		if err := r.startRegistry(ctx, reg); err != nil {
			return err
		}
	}

	// The kiosks, each through proxies of its own; with two registries
	// half of them try the second first.
	for i, k := range r.kiosks {
		for j := range r.regs {
			reg := r.regs[(i+j)%len(r.regs)]
			p, err := faultproxy.Listen(hostOf(reg.url()))
			if err != nil {
				return err
			}
			k.proxies = append(k.proxies, p)
		}
	}
	t0 = time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, len(r.kiosks))
	sem := make(chan struct{}, 8) // a few at a time: two cores start fifty kiosks
	for _, k := range r.kiosks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := r.startKiosk(ctx, k); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	r.printf("%d kiosks started (%v); waiting until each holds the roster", len(r.kiosks), time.Since(t0).Round(time.Millisecond))
	if err := r.waitCaughtUp(ctx, 15*time.Minute, true); err != nil {
		return err
	}
	r.printf("every kiosk holds the %d delegates and the staff login (%v)", cfg.Delegates, time.Since(t0).Round(time.Second))
	for _, k := range r.kiosks {
		if _, err := r.deskAt(ctx, k, true); err != nil {
			return err
		}
	}
	r.printf("signed in at every kiosk's desk as %s", staffUser)
	return nil
}

// startRegistry starts (or restarts) a registry on a free port and points
// every kiosk's proxy for it there.
func (r *rehearsal) startRegistry(ctx context.Context, reg *registryNode) error {
	p, err := startProc(ctx, r.cfg.Bin, r.logDir, reg.name, append(slices.Clone(reg.args), "--addr", "127.0.0.1:0")...)
	if err != nil {
		return err
	}
	reg.mu.Lock()
	reg.p = p
	reg.mu.Unlock()
	i := slices.Index(r.regs, reg)
	for ki, k := range r.kiosks {
		if len(k.proxies) == len(r.regs) {
			k.proxies[(i-ki%len(r.regs)+len(r.regs))%len(r.regs)].SetTarget(hostOf(p.url))
		}
	}
	return nil
}

func (r *rehearsal) startKiosk(ctx context.Context, k *kioskNode) error {
	var urls []string
	for _, p := range k.proxies {
		urls = append(urls, "http://"+p.Addr())
	}
	p, err := startProc(ctx, r.cfg.Bin, r.logDir, k.id, "kiosk", "--data", k.data, "--addr", "127.0.0.1:0",
		"--kiosk-id", k.id, "--registry", strings.Join(urls, ","), "--token-file", k.tokenFile)
	if err != nil {
		return err
	}
	k.mu.Lock()
	k.p = p
	k.mu.Unlock()
	return nil
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	return u.Host
}

// head is the registry's change feed head, asked of any registry up.
func (r *rehearsal) head(ctx context.Context) (registryHealth, error) {
	var err error
	for _, reg := range r.regs {
		u := reg.url()
		if u == "" {
			continue
		}
		var h registryHealth
		if err = getJSON(ctx, r.http, u+"/healthz", &h); err == nil && h.Status == "ok" {
			return h, nil
		}
		if err == nil {
			err = fmt.Errorf("registry %s: %s", reg.name, h.Status)
		}
	}
	if err == nil {
		err = errors.New("no registry is up")
	}
	return registryHealth{}, err
}

func (r *rehearsal) health(ctx context.Context, k *kioskNode) (kioskHealth, error) {
	var h kioskHealth
	u := k.url()
	if u == "" {
		return h, fmt.Errorf("kiosk %s is down", k.id)
	}
	err := getJSON(ctx, r.http, u+"/healthz", &h)
	return h, err
}

// waitCaughtUp waits until every kiosk's cursor is at the registry's
// head (and, with roster, it holds every delegate).
func (r *rehearsal) waitCaughtUp(ctx context.Context, timeout time.Duration, roster bool) error {
	deadline := time.Now().Add(timeout)
	lastSay := time.Now()
	for {
		reg, err := r.head(ctx)
		behind := []string{}
		if err == nil {
			for _, k := range r.kiosks {
				h, herr := r.health(ctx, k)
				if herr != nil || h.Registry.Cursor < reg.Head || (roster && h.Delegates != r.cfg.Delegates) {
					behind = append(behind, k.id)
				}
			}
			if len(behind) == 0 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			if err != nil {
				return err
			}
			return fmt.Errorf("soak: kiosks %s not caught up with the registry (head %d) within %v", strings.Join(behind, " "), reg.Head, timeout)
		}
		if time.Since(lastSay) > 15*time.Second {
			lastSay = time.Now()
			r.printf("  %d kiosks still catching up", len(behind))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// deskAt returns the staff session at a kiosk's desk, signing in when
// there is none (or again, with fresh).
func (r *rehearsal) deskAt(ctx context.Context, k *kioskNode, fresh bool) (*desk, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.desk != nil && !fresh {
		return k.desk, nil
	}
	if k.p == nil {
		return nil, fmt.Errorf("kiosk %s is down", k.id)
	}
	d, err := signIn(ctx, k.p.url, staffUser, r.password)
	if err != nil {
		return nil, err
	}
	k.desk = d
	return d, nil
}

// shutdown stops whatever still runs: kiosks first, so that they deliver
// to the registries, then the registries and the proxies.
func (r *rehearsal) shutdown() {
	var wg sync.WaitGroup
	stopAll := func(ps []*proc) {
		for _, p := range ps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := p.stop(); err != nil {
					r.problem("%v", err)
				}
			}()
		}
		wg.Wait()
	}
	var ks, rs []*proc
	for _, k := range r.kiosks {
		k.mu.Lock()
		if k.p != nil {
			ks = append(ks, k.p)
			k.p = nil
		}
		k.mu.Unlock()
	}
	stopAll(ks)
	for _, reg := range r.regs {
		reg.mu.Lock()
		if reg.p != nil {
			rs = append(rs, reg.p)
			reg.p = nil
		}
		reg.mu.Unlock()
	}
	stopAll(rs)
	for _, k := range r.kiosks {
		for _, p := range k.proxies {
			p.Close()
		}
	}
	if r.pg != nil {
		r.pg.Close()
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	crand.Read(b)
	return hex.EncodeToString(b)
}

// redact hides a password in a database URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a database URL)"
	}
	return u.Redacted()
}

// rehearse runs the taps, the desk binds and the faults for the window.
func (r *rehearsal) rehearse(ctx context.Context, plan []Fault) error {
	arrivals := Arrivals(r.cfg.Delegates, r.cfg.Duration, r.cfg.Rush, r.cfg.RushShare, rand.New(rand.NewPCG(r.cfg.Seed, 1)))
	order := rand.New(rand.NewPCG(r.cfg.Seed, 2)).Perm(r.cfg.Delegates) // who arrives when
	r.printf("rehearsal of %v: %d delegates, %.0f%% of them in the first %v, at %d kiosks", r.cfg.Duration,
		r.cfg.Delegates, r.cfg.RushShare*100, r.cfg.Rush, r.cfg.Kiosks)
	for _, f := range plan {
		r.printf("  planned: %-20s at +%s for %v", f.Kind, clock(f.At), f.For)
	}
	r.start = time.Now()
	wctx, cancel := context.WithTimeout(ctx, r.cfg.Duration)
	defer cancel()

	var wg sync.WaitGroup
	jobs := make(chan int, r.cfg.Delegates)
	for w := range tapWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(100+w)))
			for i := range jobs {
				r.tapOne(ctx, rng, i)
			}
		}()
	}
	wg.Add(1)
	go func() { // the doors
		defer wg.Done()
		defer close(jobs)
		for n, at := range arrivals {
			if !sleepUntil(wctx, r.start.Add(at)) {
				return
			}
			jobs <- order[n]
		}
	}()
	wg.Add(1)
	go func() { defer wg.Done(); r.desks(wctx) }()
	wg.Add(1)
	go func() { defer wg.Done(); r.progress(wctx) }()
	faultsDone := make(chan error, 1)
	go func() { faultsDone <- r.runFaults(wctx, plan) }()

	<-wctx.Done()
	if err := ctx.Err(); err != nil {
		return err
	}
	ferr := <-faultsDone
	wg.Wait()
	for _, f := range r.faults {
		<-f.measureDone
	}
	r.printf("taps stopped: %d acknowledged", len(r.acked))
	return ferr
}

// sleepUntil waits until t; false when ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// tapOne is delegate i at the doors: a tap at a kiosk picked at random,
// and at another when that one does not answer.
func (r *rehearsal) tapOne(ctx context.Context, rng *rand.Rand, i int) {
	uid := r.crowd.UIDs[i]
	for try := range tapTries {
		k := r.kiosks[rng.IntN(len(r.kiosks))]
		u := k.url()
		if u == "" {
			continue // killed: the delegate walks to another entrance
		}
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		t0 := time.Now()
		res, err := postTap(tctx, r.http, u, uid)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			continue
		}
		r.mu.Lock()
		r.acked = append(r.acked, res.ID)
		r.tapLatency = append(r.tapLatency, time.Since(t0))
		if res.Result == "accepted" {
			r.accepted++
		} else {
			r.rejected[res.Reason]++
		}
		if try > 0 {
			r.retried++
		}
		r.mu.Unlock()
		return
	}
	r.mu.Lock()
	r.unanswered++
	r.mu.Unlock()
}

// progress says how the taps go every so often.
func (r *rehearsal) progress(ctx context.Context) {
	every := max(r.cfg.Duration/10, 15*time.Second)
	for sleepUntil(ctx, time.Now().Add(every)) {
		outbox, down := 0, 0
		for _, k := range r.kiosks {
			if h, err := r.health(ctx, k); err == nil {
				outbox += h.Registry.Outbox
			} else {
				down++
			}
		}
		r.mu.Lock()
		n := len(r.acked)
		r.mu.Unlock()
		r.printf("%d taps acknowledged; %d waiting in outboxes; %d kiosks not answering", n, outbox, down)
	}
}

// desks binds a fresh badge at a random kiosk's desk every so often, and
// measures how long until another random kiosk knows it. Kiosks under a
// fault are left out (their staff would see it); the registry's faults are
// not.
func (r *rehearsal) desks(ctx context.Context) {
	every := max(r.cfg.Duration/150, time.Second)
	var wg sync.WaitGroup
	defer wg.Wait()
	for sleepUntil(ctx, time.Now().Add(every)) {
		wg.Add(1)
		go func() { defer wg.Done(); r.bindOne(ctx) }()
	}
}

func (r *rehearsal) pick() (a, b *kioskNode, delegate string, uid string, ok bool) {
	var calm []*kioskNode
	for _, k := range r.kiosks {
		k.mu.Lock()
		if !k.faulted && k.p != nil {
			calm = append(calm, k)
		}
		k.mu.Unlock()
	}
	if len(calm) < 2 {
		return nil, nil, "", "", false
	}
	r.rngMu.Lock()
	defer r.rngMu.Unlock()
	i := r.rng.IntN(len(calm))
	j := (i + 1 + r.rng.IntN(len(calm)-1)) % len(calm)
	delegate = r.crowd.IDs[r.rng.IntN(len(r.crowd.IDs))]
	uid = fmt.Sprintf("04%012X", r.rng.Uint64()&0xFFFF_FFFF_FFFF) // a 7-byte UID, unlike the roster's 5-byte ones
	return calm[i], calm[j], delegate, uid, true
}

// staffCall makes a call at a kiosk's desk, signing in again once if the
// session is gone.
func (r *rehearsal) staffCall(ctx context.Context, k *kioskNode, method, path string, body any) (int, []byte, error) {
	d, err := r.deskAt(ctx, k, false)
	if err != nil {
		return 0, nil, err
	}
	u := k.url()
	if u == "" {
		return 0, nil, fmt.Errorf("kiosk %s is down", k.id)
	}
	st, data, err := d.call(ctx, method, u+path, body)
	if errors.Is(err, errUnauthorized) {
		if d, err = r.deskAt(ctx, k, true); err != nil {
			return 0, nil, err
		}
		st, data, err = d.call(ctx, method, u+path, body)
	}
	return st, data, err
}

func (r *rehearsal) bindOne(ctx context.Context) {
	a, b, delegate, uid, ok := r.pick()
	if !ok {
		return
	}
	r.mu.Lock()
	during, epoch := r.faultActive > 0, r.faultEpoch
	r.mu.Unlock()
	st, data, err := r.staffCall(ctx, a, http.MethodPost, "/api/delegates/"+delegate+"/badges", map[string]string{"uid": uid})
	if err != nil || st != http.StatusCreated {
		if ctx.Err() == nil {
			r.mu.Lock()
			r.bindFailed = append(r.bindFailed, fmt.Sprintf("bind at %s: %d %s %v", a.id, st, strings.TrimSpace(string(data)), err))
			r.mu.Unlock()
		}
		return
	}
	t0 := time.Now()
	deadline := t0.Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		st, data, err := r.staffCall(context.WithoutCancel(ctx), b, http.MethodGet, "/api/badges/"+uid, nil)
		if err == nil && st == http.StatusOK && strings.Contains(string(data), `"id":"`+delegate+`"`) {
			took := time.Since(t0)
			r.mu.Lock()
			during = during || r.faultActive > 0 || r.faultEpoch != epoch
			r.binds = append(r.binds, bindSample{took: took, fault: during})
			r.mu.Unlock()
			if took > slowBind && !during {
				r.printf("slow bind with no fault on: bound at %s, known at %s %v later", a.id, b.id, took.Round(time.Millisecond))
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.mu.Lock()
	r.bindFailed = append(r.bindFailed, fmt.Sprintf("badge %s bound at %s to %s: not known at %s after 3 minutes", uid, a.id, delegate, b.id))
	r.mu.Unlock()
}

// faultWait is how long a fault waits for the previous fault's outboxes
// to drain before it starts anyway.
const faultWait = 30 * time.Second

// notRun reports the faults of the plan that the rehearsal ended before.
func (r *rehearsal) notRun(faults []Fault) {
	for _, f := range faults {
		r.problem("%s did not run: the rehearsal ended before its turn", f.Kind)
	}
}

// runFaults stages the faults of the plan, one after the other, and
// measures for each how long the outboxes took to drain after it ended.
func (r *rehearsal) runFaults(ctx context.Context, plan []Fault) error {
	r.rngMu.Lock()
	victims := r.rng.Perm(len(r.kiosks))[:2] // the kiosk killed, the kiosk cut off
	r.rngMu.Unlock()
	var prev *faultResult
	for i, f := range plan {
		if !sleepUntil(ctx, r.start.Add(f.At)) {
			r.notRun(plan[i:])
			return nil
		}
		if prev != nil { // one fault at a time, so that each drain is its own, for a while
			select {
			case <-prev.measureDone:
			default:
				r.printf("      %s waits up to %v for the outboxes to drain after %s", f.Kind, faultWait, prev.Kind)
				select {
				case <-prev.measureDone:
				case <-time.After(faultWait):
					// A fault that never comes rehearses nothing: it starts,
					// and the drains overlap.
					r.printf("      %s starts while the outboxes still drain after %s", f.Kind, prev.Kind)
				case <-ctx.Done():
					r.notRun(plan[i:])
					return nil
				}
			}
		}
		fr := &faultResult{Fault: f, measureDone: make(chan struct{})}
		prev = fr
		r.mu.Lock()
		r.faults = append(r.faults, fr)
		r.faultActive++
		r.faultEpoch++
		r.mu.Unlock()
		affected := r.kiosks
		var end func() error
		var err error
		switch f.Kind {
		case FaultRegistryKill:
			reg := r.regs[0]
			fr.target = reg.name
			reg.mu.Lock()
			p := reg.p
			reg.p = nil
			reg.mu.Unlock()
			p.kill()
			r.printf("FAULT %s: %s killed (kill -9)", f.Kind, reg.name)
			end = func() error {
				if err := r.startRegistry(context.WithoutCancel(ctx), reg); err != nil {
					return err
				}
				r.printf("END   %s: %s restarted, serving at %s", f.Kind, reg.name, reg.url())
				return nil
			}
		case FaultPostgres:
			fr.target = "PostgreSQL"
			if r.cfg.PGRestartCmd != "" {
				r.printf("FAULT %s: running %q", f.Kind, r.cfg.PGRestartCmd)
				out, err := exec.CommandContext(ctx, "sh", "-c", r.cfg.PGRestartCmd).CombinedOutput()
				if err != nil {
					r.problem("--pg-restart-cmd: %v: %s", err, strings.TrimSpace(string(out)))
				}
				end = func() error { r.printf("END   %s: the restart command finished", f.Kind); return nil }
				f.For = 0
			} else {
				r.pg.Cut()
				r.printf("FAULT %s: every registry connection to PostgreSQL cut, and new ones refused (a restart, as the registries see it)", f.Kind)
				end = func() error { r.pg.Restore(); r.printf("END   %s: PostgreSQL reachable again", f.Kind); return nil }
			}
		case FaultKioskKill:
			k := r.kiosks[victims[0]]
			fr.target, affected = k.id, []*kioskNode{k}
			k.mu.Lock()
			p := k.p
			k.p, k.faulted = nil, true
			k.mu.Unlock()
			p.kill()
			r.printf("FAULT %s: kiosk %s killed (kill -9)", f.Kind, k.id)
			end = func() error {
				if err := r.startKiosk(context.WithoutCancel(ctx), k); err != nil {
					return err
				}
				r.printf("END   %s: kiosk %s restarted on its data, serving at %s", f.Kind, k.id, k.url())
				return nil
			}
		case FaultKioskCut:
			k := r.kiosks[victims[1]]
			fr.target, affected = k.id, []*kioskNode{k}
			k.mu.Lock()
			k.faulted = true
			k.mu.Unlock()
			for _, p := range k.proxies {
				p.Cut()
			}
			r.printf("FAULT %s: kiosk %s cut off from every registry", f.Kind, k.id)
			end = func() error {
				for _, p := range k.proxies {
					p.Restore()
				}
				r.printf("END   %s: kiosk %s reconnected", f.Kind, k.id)
				return nil
			}
		}
		fr.began = time.Now()
		peak := make(chan int, 1)
		go func() { peak <- r.watchOutbox(ctx, affected, fr.began.Add(f.For)) }()
		sleepUntil(ctx, fr.began.Add(f.For)) // cut short only when the rehearsal is interrupted
		err = end()
		fr.end = time.Now()
		fr.peakOutbox = <-peak
		if err != nil {
			close(fr.measureDone)
			return err
		}
		go func() {
			defer close(fr.measureDone)
			defer func() {
				r.mu.Lock()
				r.faultActive--
				r.mu.Unlock()
			}()
			fr.drain, fr.drained = r.measureDrain(context.WithoutCancel(ctx), affected, fr.end)
			if fr.drained {
				r.printf("      %s: outboxes drained %v after it ended (at most %d waiting meanwhile)", f.Kind, fr.drain.Round(10*time.Millisecond), fr.peakOutbox)
			} else {
				r.problem("%s: outboxes not drained within %v after it ended", f.Kind, drainTimeout)
			}
			for _, k := range affected {
				k.mu.Lock()
				k.faulted = false
				k.mu.Unlock()
			}
		}()
	}
	return nil
}

// watchOutbox returns the most taps and desk events waiting in the
// affected kiosks' outboxes together, polled every second until until.
func (r *rehearsal) watchOutbox(ctx context.Context, affected []*kioskNode, until time.Time) int {
	peak := 0
	for {
		sum := 0
		for _, k := range affected {
			if h, err := r.health(ctx, k); err == nil {
				sum += h.Registry.Outbox
			}
		}
		peak = max(peak, sum)
		if time.Until(until) < time.Second || !sleepUntil(ctx, time.Now().Add(time.Second)) {
			return peak
		}
	}
}

// measureDrain returns how long after since every affected kiosk was seen
// with an empty outbox, reaching a registry (each once is enough: taps
// keep coming).
func (r *rehearsal) measureDrain(ctx context.Context, affected []*kioskNode, since time.Time) (time.Duration, bool) {
	left := slices.Clone(affected)
	var last time.Duration
	for len(left) > 0 {
		if time.Since(since) > drainTimeout {
			return time.Since(since), false
		}
		still := left[:0]
		for _, k := range left {
			h, err := r.health(ctx, k)
			if err == nil && h.Registry.Reachable && h.Registry.Outbox == 0 {
				last = time.Since(since)
				continue
			}
			still = append(still, k)
		}
		left = still
		if len(left) > 0 {
			time.Sleep(200 * time.Millisecond)
		}
	}
	return last, true
}

// finish waits for the outboxes and the feeds, tallies the registry's
// report against the acknowledged taps, stops everything and reports.
func (r *rehearsal) finish(ctx context.Context) (*Result, error) {
	res := &Result{Config: r.cfg}
	t0 := time.Now()
	res.FinalDrain, res.FinalDrained = r.measureDrain(ctx, r.kiosks, t0)
	r.printf("every outbox empty %v after the taps stopped", res.FinalDrain.Round(time.Millisecond))
	if err := r.waitCaughtUp(ctx, 2*time.Minute, false); err != nil {
		r.problem("%v", err)
	}
	reg, err := r.head(ctx)
	if err != nil {
		return nil, err
	}
	res.Head = reg.Head
	for _, k := range r.kiosks {
		h, err := r.health(ctx, k)
		if err == nil && h.Registry.Cursor >= reg.Head {
			res.AtHead++
		} else {
			res.Behind = append(res.Behind, fmt.Sprintf("%s (cursor %d)", k.id, h.Registry.Cursor))
		}
	}
	out, err := r.cli(ctx, "", "export", "checkins")
	if err != nil {
		return nil, err
	}
	ids, err := ReportIDs(strings.NewReader(string(out)))
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	res.Tally = Compare(r.acked, ids)
	res.Accepted, res.Rejected, res.Unanswered, res.Retried = r.accepted, r.rejected, r.unanswered, r.retried
	res.TapP50, res.TapP99 = Percentile(r.tapLatency, 50), Percentile(r.tapLatency, 99)
	var all, calm []time.Duration
	for _, b := range r.binds {
		all = append(all, b.took)
		if !b.fault {
			calm = append(calm, b.took)
		}
	}
	res.Binds, res.BindsCalm = all, calm
	res.BindFailed = r.bindFailed
	for _, f := range r.faults {
		res.Faults = append(res.Faults, FaultReport{Kind: f.Kind, Target: f.target, At: f.began.Sub(r.start), Lasted: f.end.Sub(f.began),
			PeakOutbox: f.peakOutbox, Drain: f.drain, Drained: f.drained})
	}
	r.mu.Unlock()
	r.shutdown()
	r.mu.Lock()
	res.Problems = r.problems
	r.mu.Unlock()
	return res, nil
}
