package doctor

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"checkin/badge"
	"checkin/badge/serialreader"
)

// maxCapture bounds the bytes kept from one reader while listening.
const maxCapture = 64 << 10

// checkReaders checks every configured reader. While the kiosk runs it
// holds the ports: each reader is judged from its /healthz, after
// listening for cfg.Listen. Otherwise the doctor opens each port itself.
func checkReaders(ctx context.Context, cfg Config, running *health) []Check {
	if len(cfg.Readers) == 0 {
		return []Check{skip(IDReader, "readers", "no --reader (CHECKIN_READER) configured")}
	}
	specs := make([]badge.Spec, len(cfg.Readers))
	var out []Check
	bad := make([]bool, len(specs))
	for i, v := range cfg.Readers {
		spec, err := badge.ParseSpec(v)
		if err != nil {
			bad[i] = true
			out = append(out, fail(IDReader, "reader", err.Error(), "correct it in CHECKIN_READER (see checkin kiosk --help and checkin readers)"))
			continue
		}
		specs[i] = spec
	}
	if running != nil {
		return append(out, readersFromHealth(ctx, cfg, specs, bad, running)...)
	}
	// Byte-stream readers are listened to all at once: a technician taps
	// each in turn within one listening time. OSDP readers may share a
	// port (one RS-485 line), so they are asked one after the other.
	results := make([]Check, len(specs))
	var wg sync.WaitGroup
	for i, spec := range specs {
		if !bad[i] && spec.Format != badge.FormatOSDP {
			wg.Go(func() { results[i] = listenReader(ctx, spec, cfg.Listen) })
		}
	}
	wg.Wait()
	for i, spec := range specs {
		if !bad[i] && spec.Format == badge.FormatOSDP {
			results[i] = probeOSDP(ctx, spec, cfg.Listen)
		}
	}
	for i := range specs {
		if !bad[i] {
			out = append(out, results[i])
		}
	}
	return out
}

func readerTitle(spec badge.Spec) string {
	return fmt.Sprintf("reader %s (format=%s)", spec.Name(), spec.Format)
}

// openFailure is the check for a port that would not open.
func openFailure(spec badge.Spec, path string, err error) Check {
	title := readerTitle(spec)
	switch {
	case serialreader.NotPresent(err):
		return fail(IDReader, title, "not found: "+err.Error(),
			"plug the reader in; checkin readers lists this machine's serial ports and the --reader value for each")
	case serialreader.PermissionDenied(err):
		return fail(IDReader, title, "permission denied: "+err.Error(),
			"add the kiosk's user to the dialout group: usermod -aG dialout checkin (then systemctl restart checkin-kiosk)")
	case serialreader.Busy(err):
		return fail(IDReader, title, "busy: another program holds it ("+err.Error()+")",
			"fuser -v "+path+" shows which; stop it, or stop the kiosk while the doctor listens")
	}
	return fail(IDReader, title, err.Error(), "checkin readers lists this machine's serial ports; check the cable")
}

// listenReader opens a byte-stream reader and listens for d. Frames of its
// format pass; bytes that are not its format fail, naming the format they
// do read as.
func listenReader(ctx context.Context, spec badge.Spec, d time.Duration) Check {
	title := readerTitle(spec)
	port, path, err := serialreader.Open(spec, 50*time.Millisecond)
	if err != nil {
		return openFailure(spec, path, err)
	}
	defer port.Close()
	stop := context.AfterFunc(ctx, func() { port.Close() })
	defer stop()
	var captured []byte
	buf := make([]byte, 256)
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		n, err := port.Read(buf)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			return fail(IDReader, title, fmt.Sprintf("read %s: %v", path, err), "check the cable; checkin readers lists this machine's serial ports")
		}
		if len(captured)+n <= maxCapture {
			captured = append(captured, buf[:n]...)
		}
	}
	return judgeCapture(spec, path, captured, d)
}

// judgeCapture judges what a reader sent while the doctor listened.
func judgeCapture(spec badge.Spec, path string, captured []byte, d time.Duration) Check {
	title := readerTitle(spec)
	on := ""
	if path != "" && path != spec.Port {
		on = " on " + path
	}
	reads, rejects, uids := decode(spec.Format, captured)
	switch {
	case reads > 0 && len(rejects) == 0:
		return ok(IDReader, title, fmt.Sprintf("read %s%s", cards(spec, uids), on))
	case reads > 0:
		return warn(IDReader, title, fmt.Sprintf("read %s%s, but %s", cards(spec, uids), on, describeRejects(rejects)),
			"tap again; if rejects go on, check the cable and baud= (the reader's manual gives its speed)")
	case len(rejects) > 0 || len(captured) > 0:
		what := describeRejects(rejects)
		if len(rejects) == 0 {
			what = fmt.Sprintf("%d bytes, never a whole frame", len(captured))
		}
		detail := fmt.Sprintf("not speaking format=%s%s: %s", spec.Format, on, what)
		if others := formatsOf(captured, spec.Format); len(others) > 0 {
			detail += "; the bytes read as format=" + strings.Join(others, " or format=")
			return fail(IDReader, title, detail, fmt.Sprintf("set format=%s in its --reader (CHECKIN_READER in /etc/checkin/kiosk.env): %s",
				others[0], withFormat(spec, others[0])))
		}
		return fail(IDReader, title, detail+"; they read as no format checkin knows",
			"check baud= (the reader's manual gives its speed) and its output format: em4100, line, line-dec, wiegand or qr")
	}
	return warn(IDReader, title, fmt.Sprintf("open%s, no card read in %s", on, d.Round(time.Second/10)),
		"tap a card on it during the check (checkin doctor --listen 10s gives more time)")
}

// decode runs a format's decoder over captured bytes: good frames, rejects
// by reason, and the distinct UIDs read, in order (a card held on a
// reader repeats its frame). One reject before the first good frame does
// not count: the port was opened in the middle of a frame.
func decode(format string, captured []byte) (reads int, rejects map[string]int, uids []string) {
	dec, err := badge.NewDecoder(format)
	if err != nil {
		return 0, map[string]int{err.Error(): 1}, nil
	}
	rejects = map[string]int{}
	first := "" // a reject before any good frame: maybe a frame cut by opening the port
	emit := func(f badge.Frame) {
		switch {
		case f.Err == nil:
			reads++
			if uid := string(f.UID); !slices.Contains(uids, uid) {
				uids = append(uids, uid)
			}
		case reads == 0 && first == "" && len(rejects) == 0:
			first = badge.RejectReason(f.Err)
		default:
			rejects[badge.RejectReason(f.Err)]++
		}
	}
	dec.Feed(captured, emit)
	dec.Idle(emit)
	if first != "" && reads == 0 {
		rejects[first]++ // nothing good followed: it counts
	}
	return reads, rejects, uids
}

// cards says which cards were read: their UIDs, for the technician to
// compare with the badges tapped (not a QR code's text: a pass).
func cards(spec badge.Spec, uids []string) string {
	what := plural(len(uids), "card")
	if spec.Source() == badge.SourceQR {
		return plural(len(uids), "code")
	}
	if len(uids) > 3 {
		return what
	}
	clipped := make([]string, len(uids))
	for i, u := range uids {
		clipped[i] = badge.Clip(u)
	}
	return what + " (" + strings.Join(clipped, ", ") + ")"
}

// formatsOf returns the other formats every frame of captured reads as,
// best guess first. qr takes any line, so it counts only when nothing
// else does.
func formatsOf(captured []byte, not string) []string {
	var found []string
	for _, f := range []string{badge.FormatEM4100, badge.FormatWiegand, badge.FormatLine, badge.FormatLineDec, badge.FormatQR} {
		if f == not || (f == badge.FormatQR && (len(found) > 0 || !printable(captured))) {
			continue
		}
		if reads, rejects, _ := decode(f, captured); reads > 0 && len(rejects) == 0 {
			found = append(found, f)
		}
	}
	return found
}

// printable reports whether b is text a scanner could send: printable
// UTF-8, tabs and line ends.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if !unicode.IsPrint(r) && r != '\t' && r != '\r' && r != '\n' {
			return false
		}
	}
	return true
}

// withFormat is the --reader value with another format.
func withFormat(spec badge.Spec, format string) string {
	spec.Format = format
	return spec.String()
}

// describeRejects says how many frames were rejected, and why.
func describeRejects(rejects map[string]int) string {
	reasons := make([]string, 0, len(rejects))
	total := 0
	for r, n := range rejects {
		reasons = append(reasons, fmt.Sprintf("%s %d", r, n))
		total += n
	}
	sort.Strings(reasons)
	return fmt.Sprintf("%s rejected (%s)", plural(total, "frame"), strings.Join(reasons, ", "))
}

// readersFromHealth judges readers the running kiosk holds from its
// /healthz, before and after listening for cfg.Listen, so that a card
// tapped during the check counts.
func readersFromHealth(ctx context.Context, cfg Config, specs []badge.Spec, bad []bool, before *health) []Check {
	base, _ := localURL(cfg.Addr)
	select {
	case <-ctx.Done():
	case <-time.After(cfg.Listen):
	}
	after, err := getHealth(ctx, base)
	if err != nil {
		after = before
	}
	var out []Check
	for i, spec := range specs {
		if bad[i] {
			continue
		}
		title := readerTitle(spec)
		now, found := findReader(after, spec)
		if !found {
			out = append(out, fail(IDReader, title, "the running kiosk does not have this reader: it runs with other --reader values",
				"systemctl restart checkin-kiosk (it reads /etc/checkin/kiosk.env at start)"))
			continue
		}
		then, _ := findReader(before, spec)
		out = append(out, judgeState(spec, then, now, cfg.Listen))
	}
	return out
}

func findReader(h *health, spec badge.Spec) (serialreader.ReaderState, bool) {
	i := slices.IndexFunc(h.Readers, func(r serialreader.ReaderState) bool {
		return r.Reader == spec.Name() || (r.Reader == spec.Port && spec.Format != badge.FormatOSDP)
	})
	if i < 0 {
		return serialreader.ReaderState{}, false
	}
	return h.Readers[i], true
}

// judgeState judges a reader from the kiosk's view of it, before and
// after the listening time.
func judgeState(spec badge.Spec, then, now serialreader.ReaderState, d time.Duration) Check {
	title := readerTitle(spec) + " (kiosk running)"
	rejects := map[string]int{}
	total := 0
	for r, n := range now.Rejects {
		if n > 0 {
			rejects[r] = int(n)
			total += int(n)
		}
	}
	switch {
	case now.State == serialreader.StateWaiting:
		return fail(IDReader, title, "not found: "+now.LastError,
			"plug the reader in; checkin readers lists this machine's serial ports and the --reader value for each")
	case now.State == serialreader.StateError && strings.Contains(strings.ToLower(now.LastError), "permission denied"):
		return fail(IDReader, title, now.LastError,
			"add the kiosk's user to the dialout group: usermod -aG dialout checkin, then systemctl restart checkin-kiosk")
	case now.State == serialreader.StateError:
		return fail(IDReader, title, now.LastError, "check the cable and the reader's settings (address=, scbk= for OSDP); journalctl -u checkin-kiosk")
	case now.State == serialreader.StateOffline:
		return fail(IDReader, title, "does not answer OSDP polls: "+now.LastError,
			"check address= and baud= against the reader's settings, and the RS-485 wiring (A and B swapped?)")
	case now.Tamper || now.PowerFailure:
		return warn(IDReader, title, "reports its tamper switch open or a power failure", "check the reader's cover and its power supply")
	case now.Reads > then.Reads:
		return ok(IDReader, title, fmt.Sprintf("%s, read %s during the check", now.State, plural(int(now.Reads-then.Reads), "card")))
	case now.Reads > 0:
		return ok(IDReader, title, fmt.Sprintf("%s, read %s since the kiosk started (last at %s)", now.State,
			plural(int(now.Reads), "card"), now.LastRead.Local().Format("15:04:05")))
	case total > 0:
		return fail(IDReader, title, fmt.Sprintf("not speaking format=%s: %s and no card read", spec.Format, describeRejects(rejects)),
			"stop the kiosk (systemctl stop checkin-kiosk) and run checkin doctor: it listens to the reader itself and names the format its bytes read as")
	}
	return warn(IDReader, title, fmt.Sprintf("%s, no card read in %s", now.State, d.Round(time.Second/10)),
		"tap a card on it during the check (checkin doctor --listen 10s gives more time)")
}
