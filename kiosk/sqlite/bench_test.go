package sqlite_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
)

// bigRoster returns n delegates with one badge each (UID = 5 bytes of i).
func bigRoster(n int) []kiosk.Delegate {
	families := []string{"Müller", "王", "Иванов", "الهاشمي", "García", "Nguyễn", "Παπαδόπουλος", "김", "Øster", "Dubois"}
	out := make([]kiosk.Delegate, n)
	for i := range out {
		out[i] = kiosk.Delegate{
			ID: fmt.Sprintf("D%06d", i), FamilyName: families[i%len(families)], GivenName: fmt.Sprintf("Given%d", i),
			Organization: "Administration", Country: "CH", Role: "delegate", Status: "registered", Language: "en",
			Groups: []string{"SG12", fmt.Sprintf("Q%d/12", i%19+1)}, Badges: []string{uidOf(i)},
		}
		if i%50 == 0 {
			out[i].Status = "cancelled"
		}
	}
	return out
}

func uidOf(i int) string { return fmt.Sprintf("%010X", uint64(i)*2654435761%(1<<40)) }

func seedBig(b *testing.B, n int) *sqlite.DB {
	b.Helper()
	db := sqlite.NewDB(filepath.Join(b.TempDir(), "kiosk.db"))
	if err := db.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := db.SetMeeting(ctx, kiosk.Meeting{TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := db.ReplaceRoster(ctx, bigRoster(n)); err != nil {
		b.Fatal(err)
	}
	b.Logf("imported %d delegates in %v", n, time.Since(start).Round(time.Millisecond))
	return db
}

// BenchmarkDecideLookup100k measures what decides a tap: looking up the
// badge and its delegate in a 100k-delegate roster, then Decide. Reports
// p50/p99 per decision.
func BenchmarkDecideLookup100k(b *testing.B) {
	const n = 100_000
	db := seedBig(b, n)
	ctx := context.Background()
	meeting := kiosk.Meeting{Start: "2026-11-21", End: "2026-11-28"}
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		uid := uidOf(i * 7919 % n)
		if i%10 == 0 {
			uid = "FFFFFFFFFF" // an unknown badge now and then
		}
		t0 := time.Now()
		st, err := db.LookupBadge(ctx, uid)
		if err != nil {
			b.Fatal(err)
		}
		kiosk.Decide(kiosk.Credential{UID: uid}, st, "2026-11-22", meeting, "in")
		lat = append(lat, time.Since(t0))
		i++
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// BenchmarkImportRoster100k measures a re-import of an unchanged 100k
// roster, plain and as `checkin import roster` runs it (planned inside
// the transaction before a check), and the plan alone (--dry-run), and
// the attendance report of the same roster.
func BenchmarkImportRoster100k(b *testing.B) {
	const n = 100_000
	db := seedBig(b, n)
	ctx := context.Background()
	roster := bigRoster(n)
	ok := func(kiosk.ImportPlan) error { return nil }
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := db.ReplaceRoster(ctx, roster); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unchanged-checked", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := db.ReplaceRosterChecked(ctx, roster, ok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plan", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := db.PlanRoster(ctx, roster); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("attendance", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := kiosk.WriteAttendanceCSV(ctx, io.Discard, db, kiosk.Meeting{Start: "2026-11-21", End: "2026-11-28"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
