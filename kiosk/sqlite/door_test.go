package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
)

// doorRoster is five delegates of group Q9/12 and one of WP1/12 only.
func seedDoor(t testing.TB, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	if err := db.SetMeeting(ctx, kiosk.Meeting{ID: "SG12", Name: "SG12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	var roster []kiosk.Delegate
	for i := 1; i <= 5; i++ {
		roster = append(roster, kiosk.Delegate{ID: fmt.Sprintf("Q%d", i), FamilyName: "Nkosi", GivenName: fmt.Sprint(i), Status: "registered",
			Role: "delegate", Language: "en", Groups: []string{"Q9/12"}, Badges: []string{fmt.Sprintf("AA000000%02d", i)}})
	}
	roster = append(roster, kiosk.Delegate{ID: "W1", FamilyName: "Müller", Status: "registered", Role: "delegate", Language: "en",
		Groups: []string{"WP1/12"}, Badges: []string{"BB00000001"}})
	if _, err := db.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	day := func(h, m int) time.Time { return time.Date(2026, 11, 22, h, m, 0, 0, zurich) }
	if err := db.ReplaceSchedule(ctx, kiosk.Schedule{Sessions: []kiosk.Session{
		{ID: "q9", Title: "Q9/12", Room: "Room K", Start: day(9, 0), End: day(12, 30), Groups: []string{"Q9/12"}, Status: "scheduled"},
		{ID: "wp1", Title: "WP1/12", Room: "Popov", Start: day(14, 0), End: day(17, 30), Groups: []string{"WP1/12"}, Status: "scheduled"},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportRoomsChecked(ctx, []kiosk.Room{{Name: "Room K", Building: "Tower", Capacity: 3, Overflow: "Popov"}, {Name: "Popov", Building: "Tower"}}, nil); err != nil {
		t.Fatal(err)
	}
}

func doorTap(c *clock, uid, room, direction string) kiosk.Tap {
	tap := tapOf(c, uid, direction)
	tap.Room, tap.Gate = room, "door"
	return tap
}

func TestRoomDoorCapacity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	db, c := openDB(t, path)
	seedDoor(t, db)
	c.Set(time.Date(2026, 11, 22, 9, 10, 0, 0, zurich))
	ctx := context.Background()
	var mu sync.Mutex
	var told []string
	db.OnOccupancy = func(rooms []string) { mu.Lock(); told = append(told, rooms...); mu.Unlock() }
	tap := func(uid, dir string) kiosk.Recorded {
		t.Helper()
		c.Add(time.Second)
		rec, err := db.RecordTap(ctx, doorTap(c, uid, "Room K", dir))
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	for _, uid := range []string{"AA00000001", "AA00000002", "AA00000003"} {
		if rec := tap(uid, "in"); rec.Result != kiosk.ResultAccepted || rec.Session == nil || rec.Session.ID != "q9" || rec.FirstToday {
			t.Fatalf("%s: %s %s session %v first %v", uid, rec.Result, rec.Reason, rec.Session, rec.FirstToday)
		}
	}
	rec := tap("AA00000004", "in")
	if rec.Reason != kiosk.ReasonRoomFull || rec.Instead == nil || rec.Instead.Overflow != "Popov" || rec.Session.ID != "q9" {
		t.Fatalf("4th: %s %s instead %+v", rec.Result, rec.Reason, rec.Instead)
	}
	if rec := tap("AA00000001", "in"); rec.Result != kiosk.ResultAccepted {
		t.Errorf("someone inside tapping again is refused: %s", rec.Reason)
	}
	if rec := tap("BB00000001", "in"); rec.Reason != kiosk.ReasonNotInSessionGroups {
		t.Errorf("full room, not in its groups: %s, want not_in_session_groups (full or not, not theirs)", rec.Reason)
	}
	if rec := tap("AA00000002", "out"); rec.Result != kiosk.ResultAccepted {
		t.Fatalf("out: %s %s", rec.Result, rec.Reason)
	}
	if rec := tap("BB00000001", "in"); rec.Reason != kiosk.ReasonNotInSessionGroups || rec.Instead == nil || rec.Instead.Next == nil || rec.Instead.Next.ID != "wp1" {
		t.Errorf("not in groups: %s instead %+v", rec.Reason, rec.Instead)
	}
	if rec := tap("AA00000004", "in"); rec.Result != kiosk.ResultAccepted {
		t.Fatalf("after one out, the next: %s %s", rec.Result, rec.Reason)
	}
	if rec := tap("AA00000005", "out"); rec.Result != kiosk.ResultAccepted {
		t.Errorf("leaving a full room without having come in: %s", rec.Reason)
	}
	st, err := db.RoomStatus(ctx, "Room K", c.Now())
	if err != nil || st.Inside != 3 || st.Capacity != 3 || st.Session == nil {
		t.Fatalf("status %+v %v", st, err)
	}
	mu.Lock()
	if !slices.Contains(told, "Room K") || slices.Contains(told, "Popov") {
		t.Errorf("OnOccupancy told %v", told)
	}
	mu.Unlock()

	// Room taps are not arrivals, and they are stored with their room and session.
	var rows []kiosk.TapRecord
	if err := db.Taps(ctx, "2026-11-22", func(r kiosk.TapRecord) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 10 || rows[0].Room != "Room K" || rows[0].SessionID != "q9" || rows[0].FirstToday {
		t.Errorf("taps %d: %+v", len(rows), rows[0])
	}

	// The desk card: in at the entrance, then in and out of a room, is
	// still inside the venue.
	c.Add(time.Second)
	if rec, err := db.RecordTap(ctx, tapOf(c, "AA00000002", "in")); err != nil || rec.Result != kiosk.ResultAccepted || !rec.FirstToday {
		t.Fatalf("entrance: %+v %v", rec, err)
	}
	if rec := tap("AA00000002", "in"); rec.Result != kiosk.ResultRejected { // the room is full again
		t.Fatalf("Q2 back into the full room: %+v", rec)
	}
	if rec := tap("AA00000003", "out"); rec.Result != kiosk.ResultAccepted {
		t.Fatalf("Q3 out of the room: %+v", rec)
	}
	if card, err := db.DeskCard(ctx, "Q3", "2026-11-22"); err != nil || card.Inside {
		t.Errorf("Q3 never came through the entrance, yet inside %v, %v", card.Inside, err)
	}
	if rec := tap("AA00000002", "in"); rec.Result != kiosk.ResultAccepted {
		t.Fatalf("Q2 into the room: %+v", rec)
	}
	if rec := tap("AA00000002", "out"); rec.Result != kiosk.ResultAccepted {
		t.Fatalf("Q2 out of the room: %+v", rec)
	}
	if card, err := db.DeskCard(ctx, "Q2", "2026-11-22"); err != nil || !card.Inside {
		t.Errorf("Q2 left a room after entering the venue: inside %v, %v", card.Inside, err)
	}
	if rec := tap("AA00000003", "in"); rec.Result != kiosk.ResultAccepted { // the room full again
		t.Fatalf("Q3 back into the room: %+v", rec)
	}

	// The count survives a restart (kill -9 alike: it is the presence table's).
	db.Close()
	db2, c2 := openDB(t, path)
	c2.Set(c.Now())
	if st, err := db2.RoomStatus(ctx, "Room K", c2.Now()); err != nil || st.Inside != 3 {
		t.Fatalf("after reopening: %+v %v", st, err)
	}
	if rec, err := db2.RecordTap(ctx, doorTap(c2, "AA00000005", "Room K", "in")); err != nil || rec.Reason != kiosk.ReasonRoomFull {
		t.Fatalf("after reopening, 4th: %+v %v", rec, err)
	}

	// Staff reset the count: it is audited and queued for the registry.
	c2.Add(time.Minute)
	if _, err := db2.ResetRoom(ctx, "dana", "Room K", c2.Now()); err != nil {
		t.Fatal(err)
	}
	if st, _ := db2.RoomStatus(ctx, "Room K", c2.Now()); st.Inside != 0 {
		t.Errorf("after reset: %d inside", st.Inside)
	}
	c2.Add(time.Second)
	if rec, _ := db2.RecordTap(ctx, doorTap(c2, "AA00000005", "Room K", "in")); rec.Result != kiosk.ResultAccepted {
		t.Errorf("after reset: %s", rec.Reason)
	}
	pending, err := db2.PendingRoomResets(ctx, 10)
	if err != nil || len(pending) != 1 || pending[0].Room != "Room K" || pending[0].By != "dana" || pending[0].Day != "2026-11-22" {
		t.Errorf("pending resets %+v %v", pending, err)
	}
	log, _ := db2.AuditLog(ctx, 5)
	if len(log) == 0 || log[0].Action != "room.reset" || log[0].Actor != "dana" {
		t.Errorf("audit %+v", log)
	}
}

func TestRoomDoorNoSessionNow(t *testing.T) {
	db, c := newDB(t)
	seedDoor(t, db)
	ctx := context.Background()
	for _, tc := range []struct {
		at           time.Time
		room, reason string
		session      string
	}{
		{time.Date(2026, 11, 22, 8, 44, 0, 0, zurich), "Room K", kiosk.ReasonNoSessionNow, ""},
		{time.Date(2026, 11, 22, 8, 45, 0, 0, zurich), "Room K", "", "q9"}, // 15 minutes before
		{time.Date(2026, 11, 22, 12, 30, 0, 0, zurich), "Room K", kiosk.ReasonNoSessionNow, ""},
		{time.Date(2026, 11, 22, 10, 0, 0, 0, zurich), "Nowhere", kiosk.ReasonNoSessionNow, ""},
	} {
		c.Set(tc.at)
		rec, err := db.RecordTap(ctx, doorTap(c, "AA00000001", tc.room, "in"))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if rec.Session != nil {
			got = rec.Session.ID
		}
		if rec.Reason != tc.reason || got != tc.session {
			t.Errorf("%s at %s: %q session %q, want %q %q", tc.room, tc.at.Format("15:04"), rec.Reason, got, tc.reason, tc.session)
		}
	}
}

// TestRoomDoorCountsOtherKiosks: passes from the feed (another kiosk's
// door) count, in any order, and a room's reset from the feed applies.
func TestRoomDoorCountsOtherKiosks(t *testing.T) {
	db, c := newDB(t)
	seedDoor(t, db)
	ctx := context.Background()
	c.Set(time.Date(2026, 11, 22, 9, 30, 0, 0, zurich))
	var mu sync.Mutex
	var told []string
	db.OnOccupancy = func(rooms []string) { mu.Lock(); told = append(told, rooms...); mu.Unlock() }
	if _, err := db.RoomStatus(ctx, "Room K", c.Now()); err != nil { // loads today's count
		t.Fatal(err)
	}
	at := c.Now().UTC()
	p := func(d, dir string, s int) *kiosk.Presence {
		return &kiosk.Presence{DelegateID: d, Day: "2026-11-22", Room: "Room K", Direction: dir, At: at.Add(time.Duration(s) * time.Second), TapID: fmt.Sprintf("far-%s-%d", d, s), Kiosk: "far"}
	}
	changes := []kiosk.Change{
		{Seq: 1, Kind: kiosk.ChangePresence, Op: kiosk.OpUpsert, Value: p("Q1", "in", -10)},
		{Seq: 2, Kind: kiosk.ChangePresence, Op: kiosk.OpUpsert, Value: p("Q2", "out", -5)},
		{Seq: 3, Kind: kiosk.ChangePresence, Op: kiosk.OpUpsert, Value: p("Q2", "in", -8)}, // older: loses
		{Seq: 4, Kind: kiosk.ChangePresence, Op: kiosk.OpUpsert, Value: p("Q3", "in", -7)},
		{Seq: 5, Kind: kiosk.ChangePresence, Op: kiosk.OpUpsert, Value: p("W1", "in", -6)},
	}
	if _, err := db.ApplyChanges(ctx, changes, 5); err != nil {
		t.Fatal(err)
	}
	st, _ := db.RoomStatus(ctx, "Room K", c.Now())
	if st.Inside != 3 {
		t.Fatalf("inside after the feed: %d, want 3", st.Inside)
	}
	mu.Lock()
	if !slices.Contains(told, "Room K") {
		t.Errorf("OnOccupancy not told: %v", told)
	}
	mu.Unlock()
	if rec, _ := db.RecordTap(ctx, doorTap(c, "AA00000004", "Room K", "in")); rec.Reason != kiosk.ReasonRoomFull {
		t.Errorf("4th after other kiosks' 3: %q", rec.Reason)
	}
	reset := &kiosk.Room{Name: "Room K", Building: "Tower", Capacity: 3, Overflow: "Popov",
		Reset: &kiosk.RoomReset{Room: "Room K", Day: "2026-11-22", At: at.Add(-time.Second)}}
	if _, err := db.ApplyChanges(ctx, []kiosk.Change{{Seq: 6, Kind: kiosk.ChangeRoom, Op: kiosk.OpUpsert, Value: reset}}, 6); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.RoomStatus(ctx, "Room K", c.Now()); st.Inside != 0 || st.Capacity != 3 {
		t.Errorf("after the feed's reset: %+v", st)
	}
}
