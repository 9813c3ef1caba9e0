package soak

import (
	"fmt"
	"time"
)

// The kinds of fault a rehearsal stages.
const (
	FaultRegistryKill = "registry kill -9"
	FaultPostgres     = "PostgreSQL restart"
	FaultKioskKill    = "kiosk kill -9"
	FaultKioskCut     = "kiosk cut off"
)

// Fault is one fault of the schedule: it begins At (from the start of the
// taps) and lasts For (until the restart or the reconnection).
type Fault struct {
	Kind    string
	At, For time.Duration
}

// faultGap is the least time between the end of one fault and the next.
const faultGap = 5 * time.Second

// Schedule spreads the faults over a rehearsal of length d, one after the
// other: a registry killed during the rush and restarted, PostgreSQL
// restarted (only with postgres), a kiosk killed and restarted, and a
// kiosk cut off from the registries for a tenth of the run. Restarts take
// as long as they do in life whatever d; the cut-off scales with d. The
// last fault ends before nine tenths of d, so that the taps after it are
// delivered at once; a d too short for that is an error.
func Schedule(d time.Duration, postgres bool) ([]Fault, error) {
	clamp := func(v, lo, hi time.Duration) time.Duration { return min(max(v, lo), hi) }
	plan := []Fault{{FaultRegistryKill, d * 20 / 100, clamp(d/50, 10*time.Second, 2*time.Minute)}}
	if postgres {
		plan = append(plan, Fault{FaultPostgres, d * 38 / 100, 30 * time.Second})
	}
	plan = append(plan,
		Fault{FaultKioskKill, d * 55 / 100, clamp(d/100, 5*time.Second, 30*time.Second)},
		Fault{FaultKioskCut, d * 65 / 100, clamp(d/10, 30*time.Second, 10*time.Minute)})
	var end time.Duration
	for i := range plan {
		plan[i].At = max(plan[i].At, end+faultGap)
		end = plan[i].At + plan[i].For
	}
	if end > d*9/10 {
		return nil, fmt.Errorf("a rehearsal of %v is too short for its faults (they would end at %v); give at least %v",
			d, end.Round(time.Second), (end*10/9).Round(time.Minute)+time.Minute)
	}
	return plan, nil
}
