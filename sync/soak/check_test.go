package soak

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCompare(t *testing.T) {
	acked := []string{"a", "b", "c", "d"}
	registry := []string{"a", "c", "c", "x", "d", "x", "x"}
	got := Compare(acked, registry)
	if !slices.Equal(got.Lost, []string{"b"}) {
		t.Errorf("lost = %v, want [b]", got.Lost)
	}
	if !slices.Equal(got.Duplicates, []string{"c", "x"}) {
		t.Errorf("duplicates = %v, want [c x]", got.Duplicates)
	}
	if got.Unacknowledged != 1 || got.Acknowledged != 4 || got.AtRegistry != 7 {
		t.Errorf("tally = %+v, want 1 unacknowledged (x), 4 acknowledged, 7 at the registry", got)
	}
	if got.OK() {
		t.Error("OK with a lost tap and duplicates")
	}

	clean := Compare([]string{"a", "b"}, []string{"b", "a", "z"})
	if !clean.OK() || len(clean.Lost) != 0 || len(clean.Duplicates) != 0 || clean.Unacknowledged != 1 {
		t.Errorf("clean run: %+v", clean)
	}
	if empty := Compare(nil, nil); !empty.OK() {
		t.Errorf("nothing at all: %+v", empty)
	}
}

func TestReportIDs(t *testing.T) {
	report := "\ufeffid,at,delegate_id,name,uid,source,gate,direction,result,reason,kiosk,first_today\n" +
		"01J1,2026-06-17T08:00:00+02:00,D1,\"Müller, Jürgen\",0A0B,rfid,main,in,accepted,,k01,true\n" +
		"01J2,2026-06-17T08:00:01+02:00,D2,王伟,0A0C,rfid,main,in,accepted,,k02,true\n"
	ids, err := ReportIDs(strings.NewReader(report))
	if err != nil || !slices.Equal(ids, []string{"01J1", "01J2"}) {
		t.Errorf("ids = %v, %v", ids, err)
	}
	if _, err := ReportIDs(strings.NewReader("when,who\n1,2\n")); err == nil {
		t.Error("a report without an id column is read")
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := Percentile(ds, tc.p); got != tc.want {
			t.Errorf("p%v = %v, want %v", tc.p, got, tc.want)
		}
	}
	if ds[0] != 100*time.Millisecond {
		t.Error("Percentile sorted its argument")
	}
	if Percentile(nil, 50) != 0 {
		t.Error("p50 of nothing")
	}
}
