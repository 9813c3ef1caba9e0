package sqlite_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/phototest"
	ksqlite "checkin/kiosk/sqlite"
	"checkin/kiosk/sqlitedb/sqlitetest"
	wire "checkin/sync"
	"checkin/sync/registry"
	regsqlite "checkin/sync/registry/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n got: %s\nwant: %s", name, got, want)
	}
}

// decodedPage reads a page of the change feed as a kiosk gets it.
func decodedPage(t *testing.T, s *regsqlite.Store, since int64, limit int) (wire.ChangesPage, []kiosk.Change) {
	t.Helper()
	page, err := s.Changes(context.Background(), since, limit)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(page)
	in, changes, skipped, err := wire.DecodeChangesPage(data)
	if err != nil || skipped != 0 {
		t.Fatalf("decode own feed: %v, %d skipped", err, skipped)
	}
	return in, changes
}

// everyKind fills a registry with an upsert of every kind of change
// (kiosk.ChangeKinds) and a delete of every kind that can be deleted.
func everyKind(t *testing.T, s *regsqlite.Store) {
	t.Helper()
	ctx := context.Background()
	m := kiosk.Meeting{ID: "SG12", Name: "Study Group 12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}
	nine := time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)
	s1 := kiosk.Session{ID: "s1", Title: "Plenary", Room: "K", Building: "Tower", Start: nine, End: nine.Add(90 * time.Minute),
		Groups: []string{"SG12", "Q2/12"}, Status: "scheduled"}
	s2 := kiosk.Session{ID: "s2", Title: "Q2/12", Room: "L", Start: nine.Add(2 * time.Hour), End: nine.Add(3 * time.Hour), Status: "scheduled"}
	rooms := []kiosk.Room{{Name: "K", Building: "Tower"}, {Name: "L", Building: "Tower", Floor: "2", Capacity: 40}}
	if err := s.ImportSchedule(ctx, m, kiosk.Schedule{Rooms: rooms, Sessions: []kiosk.Session{s1, s2}}); err != nil {
		t.Fatal(err)
	}
	// s1 moves to L, s2 and room K (unused, no capacity) go.
	s1.Room = "L"
	if err := s.ImportSchedule(ctx, m, kiosk.Schedule{Rooms: rooms[1:], Sessions: []kiosk.Session{s1}}); err != nil {
		t.Fatal(err)
	}
	// A rooms file: L overflows to Salle C, which it adds.
	if err := s.ImportRoomsChecked(ctx, []kiosk.Room{{Name: "L", Building: "Tower", Floor: "2", Capacity: 40, Overflow: "Salle C"},
		{Name: "Salle C", Building: "Montbrillant", Capacity: 120}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceRoster(ctx, roster[:2]); err != nil { // D3 goes
		t.Fatal(err)
	}
	// Desk binds and a revoke, as kiosks deliver them.
	if _, err := s.ApplyBadgeEvents(ctx, "north", []wire.BadgeEvent{
		bind("b1", "1234567890", "D2", nine), bind("b2", "ABCDEF0123", "D2", nine),
		{ID: "b3", Op: "revoke", UID: "1234567890", At: nine.Add(time.Minute)},
	}, nine.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	w := s.Writer
	if _, err := w.ExecContext(ctx, `DELETE FROM badges WHERE uid = 'ABCDEF0123'`); err != nil {
		t.Fatal(err)
	}
	door := checkin("e2", "D1", nine.Add(10*time.Minute), "in")
	door.Room, door.SessionID, door.Gate = "L", "s1", "door"
	if _, _, err := s.AddCheckins(ctx, "north", []wire.CheckinEvent{checkin("e1", "D1", nine.Add(-time.Hour), "in"), door}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyRoomResets(ctx, "north", []kiosk.RoomReset{{ID: "r1", Room: "L", Day: "2026-11-22", At: nine.Add(20 * time.Minute), By: "dana"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPassKey(ctx, "north", "k1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPassKey(ctx, "south", "k2:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ExecContext(ctx, `DELETE FROM pass_keys WHERE id = 'k2'`); err != nil {
		t.Fatal(err)
	}
	// Passes north's desk issued: the newer one of D1 is what the feed has.
	passes := []registry.VerifiedPass{
		{KeyID: "k1", Pass: kiosk.Pass{DelegateID: "D1", UID: "0123456789ABCDEF01234567", IssuedAt: nine.Add(-2 * time.Hour)}},
		{KeyID: "k1", Pass: kiosk.Pass{DelegateID: "D1", UID: "76543210FEDCBA9876543210", IssuedAt: nine.Add(-time.Hour)}},
	}
	if _, err := s.AddPasses(ctx, "north", passes); err != nil {
		t.Fatal(err)
	}
	// Staff logins managed here: one stays, one leaves. (Fixed hashes: the
	// feed carries them as they are.)
	for _, u := range []string{"olga", "quentin"} {
		if err := s.AddStaff(ctx, kiosk.Staff{Username: u, Role: kiosk.RoleDesk}, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$"+u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RemoveStaff(ctx, "quentin"); err != nil {
		t.Fatal(err)
	}
	// Photos: D1's stays, D2's is removed.
	for i, id := range []string{"D1", "D2"} {
		p, err := kiosk.NewPhoto(id, phototest.JPEG(i+1, 48, 64))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPhoto(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetPhoto(ctx, kiosk.Photo{DelegateID: "D2"}); err != nil {
		t.Fatal(err)
	}
	// API keys of venue systems: one works, one is revoked, one is gone.
	for _, name := range []string{"lockers", "printers", "doors"} {
		if _, err := s.AddAPIKey(ctx, name, kiosk.HashSecret("key-"+name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RevokeAPIKey(ctx, "printers"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ExecContext(ctx, `DELETE FROM api_keys WHERE name = 'doors'`); err != nil {
		t.Fatal(err)
	}
}

// dumpKiosk renders what a kiosk holds of the registry's data, table by
// table (each kind's), in a stable order.
func dumpKiosk(t *testing.T, db *ksqlite.DB) string {
	t.Helper()
	r := db.Readers
	var b strings.Builder
	for _, q := range [][2]string{
		{"settings", `SELECT key, value FROM settings WHERE key LIKE 'meeting.%' OR key = 'sync.cursor' ORDER BY key`},
		{"delegates", `SELECT id, family_name, given_name, organization, country, role, groups, valid_from, valid_to, status, language, email, latin_family_name, latin_given_name, country_name, updated_us FROM delegates ORDER BY id`},
		{"badges", `SELECT uid, delegate_id, source, revoked, created_us, revoked_us FROM badges ORDER BY uid`},
		{"rooms", `SELECT name, building, floor, capacity, overflow, reset_day, reset_us FROM rooms ORDER BY name`},
		{"presence", `SELECT delegate_id, day, room, direction, at_us, tap_id, kiosk, session_id FROM presence ORDER BY delegate_id, day`},
		{"sessions", `SELECT id, date, start_us, end_us, room, building, title, groups, status, moved_from FROM sessions ORDER BY id`},
		{"arrivals", `SELECT delegate_id, day, tap_id, at_us, kiosk FROM arrivals ORDER BY delegate_id, day`},
		{"pass_keys", `SELECT id, public_key, origin, created_us FROM pass_keys WHERE origin = 'registry' ORDER BY id`},
		{"passes", `SELECT delegate_id, uid, issued_us, kiosk FROM passes ORDER BY delegate_id`},
		{"staff", `SELECT username, role, password_hash, source FROM staff ORDER BY username`},
		{"photos", `SELECT delegate_id, sha256, content_type, size, updated_us FROM delegate_photos ORDER BY delegate_id`},
		{"api_keys", `SELECT name, key_hash, created_us, revoked_us, source FROM api_keys ORDER BY name`},
	} {
		for _, row := range sqlitetest.Rows(t, r, q[1]) {
			fmt.Fprintf(&b, "%s %#v\n", q[0], row)
		}
	}
	return b.String()
}

// TestEveryKindRoundTrip pins the change feed end to end for every kind:
// the registry's page as it goes on the wire, and what a kiosk that
// applies it holds, whether it reads the feed in one page or in pages of
// two.
func TestEveryKindRoundTrip(t *testing.T) {
	s := openStore(t)
	everyKind(t, s)
	ctx := context.Background()
	page, err := s.Changes(ctx, 0, wire.MaxPage)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "every-kind.json", strings.ReplaceAll(string(data), `},{"seq"`, "},\n{\"seq\"")+"\n")
	upserts := map[string]bool{}
	for _, c := range page.Changes {
		upserts[c.Kind] = upserts[c.Kind] || c.Op == kiosk.OpUpsert
	}
	for _, kind := range kiosk.ChangeKinds() {
		if !upserts[kind] { // a new kind: an entry in feedKinds, and here
			t.Errorf("no upsert of kind %q in the feed of everyKind", kind)
		}
	}

	for _, limit := range []int{wire.MaxPage, 2} {
		db := ksqlite.NewDB(filepath.Join(t.TempDir(), "kiosk.db"))
		db.Now = func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for since, more := int64(0), true; more; {
			page, changes := decodedPage(t, s, since, limit)
			if _, err := db.ApplyChanges(ctx, changes, page.Next); err != nil {
				t.Fatal(err)
			}
			since, more = page.Next, page.More
		}
		golden(t, "every-kind.kiosk", dumpKiosk(t, db))
	}
}
