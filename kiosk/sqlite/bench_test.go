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

// BenchmarkDoorDecide100k measures what decides a tap at a room door: the
// badge and its delegate in a 100k-delegate roster, the day's 200
// sessions (40 rooms, five sessions each), the room's capacity and the
// people inside it (a few thousand passes today), then DecideDoor.
// Reports p50/p99 per decision, and the entrance's in the same run.
func BenchmarkDoorDecide100k(b *testing.B) {
	const n, rooms = 100_000, 40
	db := seedBig(b, n)
	ctx := context.Background()
	zurich, _ := time.LoadLocation("Europe/Zurich")
	meeting := kiosk.Meeting{TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}
	day := func(h, m int) time.Time { return time.Date(2026, 11, 22, h, m, 0, 0, zurich) }
	var sessions []kiosk.Session
	var roomList []kiosk.Room
	for r := range rooms {
		name := fmt.Sprintf("Room %02d", r)
		roomList = append(roomList, kiosk.Room{Name: name, Building: "Tower", Capacity: 100 + r})
		for s := range 5 {
			start := day(8+2*s, 0)
			sessions = append(sessions, kiosk.Session{ID: fmt.Sprintf("s%02d-%d", r, s), Title: "Q", Room: name, Start: start,
				End: start.Add(105 * time.Minute), Groups: []string{fmt.Sprintf("Q%d/12", (r+s)%19+1)}, Status: "scheduled"})
		}
	}
	if err := db.ReplaceSchedule(ctx, kiosk.Schedule{Sessions: sessions}); err != nil {
		b.Fatal(err)
	}
	if err := db.ImportRoomsChecked(ctx, roomList, nil); err != nil {
		b.Fatal(err)
	}
	// 4000 room-door passes this morning, through the tap path.
	at := day(8, 0)
	for i := range 4000 {
		at = at.Add(time.Second)
		tap := kiosk.Tap{ID: fmt.Sprintf("T%06d", i), Credential: kiosk.Credential{UID: uidOf(i * 31 % n)}, Source: "rfid",
			Gate: "door", Direction: []string{"in", "in", "out"}[i%3], Room: fmt.Sprintf("Room %02d", i%rooms), Kiosk: "k1", At: at.UTC()}
		if _, err := db.RecordTap(ctx, tap); err != nil {
			b.Fatal(err)
		}
	}
	now := day(9, 30)
	var door, entrance []time.Duration
	i := 0
	for b.Loop() {
		uid := uidOf(i * 7919 % n)
		if i%10 == 0 {
			uid = "FFFFFFFFFF"
		}
		t0 := time.Now()
		if _, _, _, err := db.DecideAtDoor(ctx, meeting, kiosk.Credential{UID: uid}, fmt.Sprintf("Room %02d", i%rooms), "in", now); err != nil {
			b.Fatal(err)
		}
		door = append(door, time.Since(t0))
		t0 = time.Now()
		st, err := db.LookupBadge(ctx, uid)
		if err != nil {
			b.Fatal(err)
		}
		kiosk.Decide(kiosk.Credential{UID: uid}, st, "2026-11-22", meeting, "in")
		entrance = append(entrance, time.Since(t0))
		i++
	}
	reportPercentiles(b, door)
	slices.Sort(entrance)
	b.ReportMetric(float64(entrance[len(entrance)*99/100].Microseconds()), "entrance-p99-µs")
}
