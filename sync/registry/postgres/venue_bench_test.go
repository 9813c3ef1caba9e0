package postgres

import (
	"context"
	"fmt"
	"testing"

	"checkin/kiosk"
)

// benchRoster returns n delegates with one badge each, names in several
// scripts (as kiosk/sqlite's BenchmarkDecideLookup100k makes them).
func benchRoster(n int) []kiosk.Delegate {
	families := []string{"Müller", "王", "Иванов", "الهاشمي", "García", "Nguyễn", "Παπαδόπουλος", "김", "Øster", "Dubois"}
	out := make([]kiosk.Delegate, n)
	for i := range out {
		out[i] = kiosk.Delegate{
			ID: fmt.Sprintf("D%06d", i), FamilyName: families[i%len(families)], GivenName: fmt.Sprintf("Given%d", i),
			Organization: "Administration", Country: "CH", Role: "delegate", Status: "registered", Language: "en",
			Groups: []string{"SG12", fmt.Sprintf("Q%d/12", i%19+1)}, Badges: []string{fmt.Sprintf("%010X", uint64(i)*2654435761%(1<<40))},
		}
		if i%50 == 0 {
			out[i].Status = "cancelled"
		}
	}
	return out
}

// BenchmarkReplaceRoster100k imports a 100k-delegate roster: into an
// empty registry (every delegate and badge inserted and logged), again
// unchanged (nothing written), and with one delegate in ten changed, one
// in a hundred gone and as many new. Measured (2 vCPU, PostgreSQL 15 on
// the same machine): empty 13.9 s, of which about 3 s per 100k rows go to
// the change log's row triggers (delegates and badges); unchanged 1.9 s;
// changed 1.8 s.
func BenchmarkReplaceRoster100k(b *testing.B) {
	const n = 100_000
	s, _ := openVenue(b, newVenueClock())
	ctx := context.Background()
	roster := benchRoster(n)
	changed := benchRoster(n + n/100)
	for i := range changed {
		if i%10 == 0 {
			changed[i].Organization = "Ministry"
		}
	}
	changed = changed[n/100:]
	empty := func() {
		pgExec(b, s, `TRUNCATE delegates, badges, changes`)
	}
	run := func(b *testing.B, before func(), delegates []kiosk.Delegate) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			before()
			b.StartTimer()
			if _, err := s.ReplaceRoster(ctx, delegates); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("empty", func(b *testing.B) { run(b, empty, roster) })
	b.Run("unchanged", func(b *testing.B) {
		empty()
		if _, err := s.ReplaceRoster(ctx, roster); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		run(b, func() {}, roster)
	})
	b.Run("changed", func(b *testing.B) {
		run(b, func() {
			empty()
			if _, err := s.ReplaceRoster(ctx, roster); err != nil {
				b.Fatal(err)
			}
		}, changed)
	})
	// What `checkin import roster` adds: the plan, read alone for a dry
	// run, and inside the import before its check.
	b.Run("plan", func(b *testing.B) {
		empty()
		if _, err := s.ReplaceRoster(ctx, roster); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.PlanRoster(ctx, changed); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unchanged-checked", func(b *testing.B) {
		empty()
		if _, err := s.ReplaceRoster(ctx, roster); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.ReplaceRosterChecked(ctx, roster, func(kiosk.ImportPlan) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
