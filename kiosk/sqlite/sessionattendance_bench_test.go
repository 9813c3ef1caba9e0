package sqlite_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
)

// seedDoorDay seeds 100k delegates and a day of 200 sessions (20 rooms,
// ten one-hour slots from 08:00) on 2026-11-22, and gives every delegate
// but the cancelled two sessions with an entry and an exit each: 400k
// room-door taps and each delegate's latest pass, written directly (the
// tap path's own cost is BenchmarkDecideLookup100k's).
func seedDoorDay(b *testing.B) (*sqlite.DB, []kiosk.Session) {
	b.Helper()
	const n = 100_000
	db := seedBig(b, n)
	ctx := context.Background()
	var sessions []kiosk.Session
	for slot := 0; slot < 10; slot++ {
		for room := 0; room < 20; room++ {
			start := time.Date(2026, 11, 22, 8+slot, 0, 0, 0, zurich)
			sessions = append(sessions, kiosk.Session{ID: fmt.Sprintf("s%02d-%02d", slot, room), Title: fmt.Sprintf("Q%d/12", room),
				Room: fmt.Sprintf("Room %02d", room), Start: start, End: start.Add(time.Hour), Status: kiosk.SessionScheduled})
		}
	}
	if err := db.ReplaceSchedule(ctx, kiosk.Schedule{Sessions: sessions}); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Writer.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	tap, err := tx.PrepareContext(ctx, `INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk, delegate_id,
		delegate_name, result, reason, first_today, room, session_id) VALUES (?, ?, '2026-11-22', 'X', 'rfid', 'door', ?, 'k1', ?, 'Name',
		'accepted', '', 0, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	presence, err := tx.PrepareContext(ctx, `INSERT INTO presence (delegate_id, day, room, direction, at_us, tap_id, kiosk, session_id)
		VALUES (?, '2026-11-22', ?, ?, ?, ?, 'k1', ?) ON CONFLICT DO UPDATE SET room = excluded.room, direction = excluded.direction,
		at_us = excluded.at_us, tap_id = excluded.tap_id, session_id = excluded.session_id`)
	if err != nil {
		b.Fatal(err)
	}
	// Taps reach a kiosk's table in time order.
	type pass struct {
		delegate, dir string
		at            time.Time
		s             kiosk.Session
	}
	var passes []pass
	for i := 0; i < n; i++ {
		if i%50 == 0 {
			continue // cancelled
		}
		id := fmt.Sprintf("D%06d", i)
		for _, slot := range []int{i % 5, 5 + i%5} {
			s := sessions[slot*20+i%20]
			passes = append(passes, pass{id, "in", s.Start.Add(-time.Duration(i%10) * time.Minute), s},
				pass{id, "out", s.End.Add(-time.Duration(i%30) * time.Minute), s})
		}
	}
	slices.SortStableFunc(passes, func(a, b pass) int { return a.at.Compare(b.at) })
	start := time.Now()
	for seq, p := range passes {
		tapID := fmt.Sprintf("T%07d", seq)
		if _, err := tap.ExecContext(ctx, tapID, p.at.UnixMicro(), p.dir, p.delegate, p.s.Room, p.s.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := presence.ExecContext(ctx, p.delegate, p.s.Room, p.dir, p.at.UnixMicro(), tapID, p.s.ID); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.Logf("wrote %d room-door taps in %v", len(passes), time.Since(start).Round(time.Millisecond))
	return db, sessions
}

// BenchmarkSessionReports: on 100k delegates, 200 sessions and 400k
// room-door taps in a day, the desk's per-session counts (every
// /api/stats), one session's report and the whole day's (read, worked
// out and written as CSV). Session 47 (slot 2, room 7) is one that
// every tenth delegate attends.
func BenchmarkSessionReports(b *testing.B) {
	db, sessions := seedDoorDay(b)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 12, 30, 0, 0, zurich)
	b.Run("Stats", func(b *testing.B) { // the day's figures beside them, for scale
		for b.Loop() {
			if _, err := db.Stats(ctx, "2026-11-22"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SessionCounts", func(b *testing.B) {
		for b.Loop() {
			counts, err := db.SessionCounts(ctx, "2026-11-22", now)
			if err != nil || len(counts) != len(sessions) {
				b.Fatalf("%d counts, %v", len(counts), err)
			}
		}
	})
	report := func(b *testing.B, read func() (kiosk.SessionAttendance, error)) {
		rows := 0
		for b.Loop() {
			a, err := read()
			if err != nil {
				b.Fatal(err)
			}
			r := kiosk.SessionReport(a, now)
			if err := kiosk.WriteSessionAttendanceCSV(io.Discard, r, zurich); err != nil {
				b.Fatal(err)
			}
			rows = len(r)
		}
		b.ReportMetric(float64(rows), "rows")
	}
	b.Run("OneSession", func(b *testing.B) {
		report(b, func() (kiosk.SessionAttendance, error) { return db.SessionAttendance(ctx, sessions[47].ID) })
	})
	b.Run("WholeDay", func(b *testing.B) {
		report(b, func() (kiosk.SessionAttendance, error) { return db.DaySessionAttendance(ctx, "2026-11-22") })
	})
}
