// Package doctor checks a kiosk (or registry) box for what a venue
// technician must fix before the doors open: data directory, database,
// disk, readers, fonts, registry, clock, network and entrance screen. Each
// check gives one line, ✓ / ✗ / ! with what to do.
package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Status is a check's outcome.
type Status string

// Statuses: a failed check is a blocker (exit 1); a warning is not.
const (
	OK   Status = "ok"
	Fail Status = "fail"
	Warn Status = "warn"
	Skip Status = "skip" // not configured: nothing to check
)

// Check IDs, stable for scripts and for docs/troubleshooting.md.
const (
	IDDataDir        = "data-dir"
	IDDatabase       = "database"
	IDDisk           = "disk"
	IDKioskRunning   = "kiosk-running"
	IDReader         = "reader"
	IDFonts          = "fonts"
	IDRegistry       = "registry"
	IDTLS            = "tls"
	IDClock          = "clock"
	IDListen         = "listen"
	IDEntranceScreen = "entrance-screen"
)

// IDs lists every check ID, in the order the checks run.
func IDs() []string {
	return []string{IDDataDir, IDDatabase, IDDisk, IDKioskRunning, IDReader, IDFonts,
		IDRegistry, IDTLS, IDClock, IDListen, IDEntranceScreen}
}

// Check is one line of the checklist.
type Check struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"` // what to do, for Fail and Warn; "" otherwise
}

func ok(id, title, detail string) Check {
	return Check{ID: id, Status: OK, Title: title, Detail: detail}
}
func skip(id, title, detail string) Check {
	return Check{ID: id, Status: Skip, Title: title, Detail: detail}
}
func fail(id, title, detail, fix string) Check {
	return Check{ID: id, Status: Fail, Title: title, Detail: detail, Fix: fix}
}
func warn(id, title, detail, fix string) Check {
	return Check{ID: id, Status: Warn, Title: title, Detail: detail, Fix: fix}
}

// Config is what the box is configured with: the kiosk's own settings
// (as `checkin kiosk` takes them) and what the box is for.
type Config struct {
	Data       string   // the kiosk's data directory; "" skips its checks
	Addr       string   // the kiosk's listen address
	KioskID    string   // --kiosk-id, if given: must match the token's kiosk
	Readers    []string // --reader values
	Registry   string   // "URL[,URL…]"; "" for a standalone kiosk
	TokenFile  string
	Token      string
	RegistryCA string // PEM file; "" for the system's roots

	// TLSCert and TLSKey are a registry's own (checkin registry
	// --tls-cert, --tls-key), on a registry box.
	TLSCert, TLSKey string

	LobbyTVs       bool          // TVs and desk PCs open this kiosk over the network
	EntranceScreen bool          // this box shows the entrance screen
	Listen         time.Duration // how long to listen to each reader

	// FontconfigFile is FONTCONFIG_FILE for fc-list ("": fontconfig's own).
	FontconfigFile string
	// Version is this checkin's version, compared with the running kiosk's.
	Version string
}

// Report is the whole checklist.
type Report struct {
	Version string  `json:"version"`
	OK      bool    `json:"ok"` // no check failed
	Checks  []Check `json:"checks"`
}

// Run runs every check, in order. It takes about Listen per reader when
// readers are configured.
func Run(ctx context.Context, cfg Config) Report {
	if cfg.Listen <= 0 {
		cfg.Listen = 3 * time.Second
	}
	var checks []Check
	checks = append(checks, checkDataDir(cfg.Data)...)
	checks = append(checks, checkDatabase(ctx, cfg.Data))
	checks = append(checks, checkDisk(cfg.Data))
	kc, running := checkKioskRunning(ctx, cfg)
	checks = append(checks, kc)
	checks = append(checks, checkReaders(ctx, cfg, running)...)
	checks = append(checks, checkFonts(ctx, cfg.FontconfigFile))
	reg, date := checkRegistries(ctx, cfg)
	checks = append(checks, reg...)
	checks = append(checks, checkTLS(cfg.TLSCert, cfg.TLSKey, serviceUser(), time.Now()))
	checks = append(checks, checkClock(date))
	checks = append(checks, checkListen(ctx, cfg, running != nil))
	checks = append(checks, checkEntranceScreen(cfg.EntranceScreen))
	r := Report{Version: cfg.Version, OK: true, Checks: checks}
	for _, c := range checks {
		if c.Status == Fail {
			r.OK = false
		}
	}
	return r
}

// Counts returns how many checks failed and how many warned.
func (r Report) Counts() (failed, warned int) {
	for _, c := range r.Checks {
		switch c.Status {
		case Fail:
			failed++
		case Warn:
			warned++
		}
	}
	return failed, warned
}

// Summary is the last line of the text form.
func (r Report) Summary() string {
	failed, warned := r.Counts()
	switch {
	case failed == 0 && warned == 0:
		return "all blockers pass"
	case failed == 0:
		return fmt.Sprintf("all blockers pass, %s", plural(warned, "warning"))
	case warned == 0:
		return plural(failed, "problem") + " to fix"
	}
	return fmt.Sprintf("%s to fix, %s", plural(failed, "problem"), plural(warned, "warning"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// WriteJSON writes the report as one JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ANSI colours for a terminal.
const (
	green = "\x1b[32m"
	red   = "\x1b[31m"
	amber = "\x1b[33m"
	dim   = "\x1b[2m"
	reset = "\x1b[0m"
)

// WriteText writes the checklist for a technician: a header naming where
// the configuration came from, one line per check with an indented fix
// under each ✗ and !, and a summary. color adds ANSI colours (a terminal).
func (r Report) WriteText(w io.Writer, config string, color bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "checkin doctor %s — %s\n", r.Version, config)
	paint := func(c, s string) string {
		if !color {
			return s
		}
		return c + s + reset
	}
	for _, c := range r.Checks {
		line := c.Title
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		switch c.Status {
		case OK:
			fmt.Fprintf(&b, "%s %s\n", paint(green, "✓"), line)
		case Fail:
			fmt.Fprintf(&b, "%s %s\n", paint(red, "✗"), line)
		case Warn:
			fmt.Fprintf(&b, "%s %s\n", paint(amber, "!"), line)
		default:
			fmt.Fprintln(&b, paint(dim, "- "+line))
		}
		if c.Fix != "" && (c.Status == Fail || c.Status == Warn) {
			for _, fix := range strings.Split(c.Fix, "\n") {
				fmt.Fprintf(&b, "  → %s\n", fix)
			}
		}
	}
	fmt.Fprintln(&b, r.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// httpGet fetches url with a short timeout, for the kiosk's own /healthz.
func httpGet(ctx context.Context, c *http.Client, url string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp, body, err
}
