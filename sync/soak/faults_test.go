package soak

import (
	"testing"
	"time"
)

func TestSchedule(t *testing.T) {
	for _, tc := range []struct {
		d        time.Duration
		postgres bool
		kinds    int
	}{{5 * time.Minute, true, 4}, {5 * time.Minute, false, 3}, {100 * time.Minute, true, 4}, {2 * time.Minute, false, 3}} {
		plan, err := Schedule(tc.d, tc.postgres)
		if err != nil {
			t.Fatalf("%v: %v", tc.d, err)
		}
		if len(plan) != tc.kinds {
			t.Errorf("%v postgres=%v: %d faults, want %d", tc.d, tc.postgres, len(plan), tc.kinds)
		}
		var end time.Duration
		for _, f := range plan {
			if f.At < end+faultGap {
				t.Errorf("%v: %s at %v overlaps the fault before (ended %v)", tc.d, f.Kind, f.At, end)
			}
			end = f.At + f.For
			if f.Kind == FaultPostgres && !tc.postgres {
				t.Errorf("a PostgreSQL fault without PostgreSQL")
			}
		}
		if end > tc.d*9/10 {
			t.Errorf("%v: faults end at %v, after nine tenths", tc.d, end)
		}
	}
	full, _ := Schedule(100*time.Minute, true)
	if cut := full[3]; cut.Kind != FaultKioskCut || cut.For != 10*time.Minute {
		t.Errorf("full run's cut-off = %+v, want 10 minutes", cut)
	}
	if _, err := Schedule(time.Minute, true); err == nil {
		t.Error("a one-minute rehearsal with four faults is accepted")
	}
}
