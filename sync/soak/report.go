package soak

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is what a rehearsal found.
type Result struct {
	Config Config
	Tally  Tally

	Accepted   int
	Rejected   map[string]int // by reason
	Unanswered int            // delegates no kiosk answered
	Retried    int            // taps answered at another kiosk than the first tried
	TapP50     time.Duration
	TapP99     time.Duration

	Binds      []time.Duration // desk bind → known at another kiosk
	BindsCalm  []time.Duration // those that went round while no fault was on or draining
	BindFailed []string

	Faults       []FaultReport
	FinalDrain   time.Duration // after the taps stopped
	FinalDrained bool
	Head         int64    // the registry's change feed head at the end
	AtHead       int      // kiosks whose cursor is there
	Behind       []string // the others
	Problems     []string // processes that misbehaved, measurements that timed out
}

// FaultReport is one fault as it happened.
type FaultReport struct {
	Kind, Target string
	At, Lasted   time.Duration
	PeakOutbox   int
	Drain        time.Duration
	Drained      bool
}

// Failures lists the checks that failed: none for a good rehearsal.
func (r *Result) Failures() []string {
	var f []string
	if n := len(r.Tally.Lost); n > 0 {
		f = append(f, fmt.Sprintf("%d acknowledged taps lost", n))
	}
	if n := len(r.Tally.Duplicates); n > 0 {
		f = append(f, fmt.Sprintf("%d taps twice at the registry", n))
	}
	if r.Tally.Acknowledged == 0 {
		f = append(f, "no tap was acknowledged")
	}
	if r.AtHead != r.Config.Kiosks {
		f = append(f, fmt.Sprintf("%d kiosks not at the feed's head", r.Config.Kiosks-r.AtHead))
	}
	if !r.FinalDrained {
		f = append(f, "outboxes not empty at the end")
	}
	for _, fr := range r.Faults {
		if !fr.Drained {
			f = append(f, fmt.Sprintf("outboxes not drained after %s", fr.Kind))
		}
	}
	if n := len(r.BindFailed); n > 0 {
		f = append(f, fmt.Sprintf("%d desk binds failed or never reached the other kiosk", n))
	}
	if n := len(r.Problems); n > 0 {
		f = append(f, fmt.Sprintf("%d problems (above)", n))
	}
	return f
}

// Print writes the report.
func (r *Result) Print(w io.Writer) {
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	mark := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "FAIL"
	}
	fmt.Fprintf(w, "\n== checkin soak: %d kiosks, %d delegates, %v ==\n\n", r.Config.Kiosks, r.Config.Delegates, r.Config.Duration)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "taps acknowledged\t%d\t(%d accepted; rejected: %s)\n", r.Tally.Acknowledged, r.Accepted, reasons(r.Rejected))
	fmt.Fprintf(tw, "taps answered by a second kiosk\t%d\t(the first did not answer)\n", r.Retried)
	fmt.Fprintf(tw, "delegates no kiosk answered\t%d\t\n", r.Unanswered)
	fmt.Fprintf(tw, "tap latency p50 / p99\t%s / %s\t\n", ms(r.TapP50), ms(r.TapP99))
	fmt.Fprintf(tw, "taps at the registry\t%d\t(%d not acknowledged: their answer was lost, they are kept)\n", r.Tally.AtRegistry, r.Tally.Unacknowledged)
	fmt.Fprintf(tw, "acknowledged taps lost\t%d\tmust be 0: %s\n", len(r.Tally.Lost), mark(len(r.Tally.Lost) == 0))
	fmt.Fprintf(tw, "duplicates at the registry\t%d\tmust be 0: %s\n", len(r.Tally.Duplicates), mark(len(r.Tally.Duplicates) == 0))
	fmt.Fprintf(tw, "kiosks at the feed head (%d)\t%d/%d\t%s\n", r.Head, r.AtHead, r.Config.Kiosks, mark(r.AtHead == r.Config.Kiosks))
	fmt.Fprintf(tw, "bind propagation p50 / p99\t%s / %s\t(%d binds; max %s)\n", ms(Percentile(r.Binds, 50)), ms(Percentile(r.Binds, 99)), len(r.Binds), ms(Percentile(r.Binds, 100)))
	fmt.Fprintf(tw, "  with no fault on or draining\t%s / %s\t(%d binds)\n", ms(Percentile(r.BindsCalm, 50)), ms(Percentile(r.BindsCalm, 99)), len(r.BindsCalm))
	fmt.Fprintf(tw, "desk binds failed\t%d\t%s\n", len(r.BindFailed), mark(len(r.BindFailed) == 0))
	fmt.Fprintf(tw, "outboxes empty after the taps stopped\t%s\t%s\n", ms(r.FinalDrain), mark(r.FinalDrained))
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FAULT\tTARGET\tAT\tLASTED\tMOST WAITING\tDRAINED AFTER")
	for _, f := range r.Faults {
		drain := ms(f.Drain)
		if !f.Drained {
			drain = "NOT DRAINED"
		}
		fmt.Fprintf(tw, "%s\t%s\t+%s\t%s\t%d\t%s\n", f.Kind, f.Target, clock(f.At), ms(f.Lasted), f.PeakOutbox, drain)
	}
	tw.Flush()
	if r.Config.SQLite {
		fmt.Fprintln(w, "(one registry on SQLite: no PostgreSQL fault)")
	} else if r.Config.PGRestartCmd == "" {
		fmt.Fprintln(w, "(PostgreSQL restart: simulated by cutting every connection from the registries to it; --pg-restart-cmd restarts the real server)")
	}
	for _, list := range []struct {
		what string
		ids  []string
	}{{"lost", r.Tally.Lost}, {"duplicated", r.Tally.Duplicates}, {"behind the head", r.Behind}, {"bind failures", r.BindFailed}, {"problems", r.Problems}} {
		if len(list.ids) == 0 {
			continue
		}
		shown := list.ids[:min(len(list.ids), 20)]
		fmt.Fprintf(w, "\n%s (%d): %s", list.what, len(list.ids), strings.Join(shown, "; "))
		if len(shown) < len(list.ids) {
			fmt.Fprint(w, " …")
		}
		fmt.Fprintln(w)
	}
	if f := r.Failures(); len(f) > 0 {
		fmt.Fprintf(w, "\nFAILED: %s\n", strings.Join(f, "; "))
	} else {
		fmt.Fprintln(w, "\nPASSED")
	}
}

func reasons(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}
