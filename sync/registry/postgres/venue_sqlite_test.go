package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"checkin/kiosk"
	wire "checkin/sync"
	regsqlite "checkin/sync/registry/sqlite"
)

// twin is a SQLite registry store and a PostgreSQL one, on one clock,
// that a test drives alike to compare what they answer and hold.
type twin struct {
	t       *testing.T
	sq      *regsqlite.Store
	pg      *Store
	sqSeq   int64 // change log seen so far
	pgSeq   int64
	clock   *venueClock
	context context.Context
}

func newTwin(t *testing.T) *twin {
	c := newVenueClock()
	pg, _ := openVenue(t, c)
	sq, err := regsqlite.Open(filepath.Join(t.TempDir(), "registry.db"), c.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sq.Close() })
	tw := &twin{t: t, sq: sq, pg: pg, clock: c, context: context.Background()}
	tw.changes() // whatever opening logged
	return tw
}

// sqliteRows returns the rows of a query on the SQLite store, each as its
// columns joined by "|", sorted.
func sqliteRows(t testing.TB, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, joinValues(vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// tables are the queries whose rows both stores must hold alike (the same
// SQL on both engines).
var tables = []string{
	`SELECT id, family_name, given_name, organization, country, role, groups, valid_from, valid_to, status, language, email, latin_family_name, latin_given_name, updated_us FROM delegates`,
	`SELECT uid, delegate_id, source, CAST(revoked AS INTEGER), created_us, coalesce(revoked_us, -1), bound_us FROM badges`,
	`SELECT name, building, floor, capacity FROM rooms`,
	`SELECT id, date, start_us, end_us, room, building, title, groups, status, moved_from FROM sessions`,
	`SELECT key, value FROM settings WHERE key LIKE 'meeting.%'`,
	`SELECT username, role, password_hash, created_us, source FROM staff`,
	`SELECT delegate_id, day, tap_id, at_us, kiosk FROM arrivals`,
}

// same fails the test unless both stores hold the same rows.
func (tw *twin) same(step string) {
	tw.t.Helper()
	for _, q := range tables {
		if diff := cmp.Diff(sqliteRows(tw.t, tw.sq.Writer, q), pgRows(tw.t, tw.pg, q)); diff != "" {
			tw.t.Errorf("%s: %s (-sqlite +postgres):\n%s", step, q, diff)
		}
	}
}

// changes returns what each store logged since the last call, sorted.
func (tw *twin) changes() (sq, pg []string) {
	tw.t.Helper()
	q := `SELECT op || ' ' || kind || ' ' || key || CASE WHEN key2 <> '' THEN '/' || key2 ELSE '' END FROM changes WHERE seq > %d`
	sq = sqliteRows(tw.t, tw.sq.Writer, fmt.Sprintf(q, tw.sqSeq))
	pg, tw.pgSeq = changesAfter(tw.t, tw.pg, tw.pgSeq)
	if err := tw.sq.Writer.QueryRow(`SELECT coalesce(max(seq), 0) FROM changes`).Scan(&tw.sqSeq); err != nil {
		tw.t.Fatal(err)
	}
	return sq, pg
}

// sameChanges fails the test unless both stores logged the same changes
// since the last look.
func (tw *twin) sameChanges(step string) {
	tw.t.Helper()
	sq, pg := tw.changes()
	if diff := cmp.Diff(sq, pg); diff != "" {
		tw.t.Errorf("%s: change log (-sqlite +postgres):\n%s", step, diff)
	}
}

// exec runs a statement on both stores (? placeholders on SQLite, $n on
// PostgreSQL).
func (tw *twin) exec(sqlite, postgres string, args ...any) {
	tw.t.Helper()
	if _, err := tw.sq.Writer.Exec(sqlite, args...); err != nil {
		tw.t.Fatalf("sqlite: %s: %v", sqlite, err)
	}
	pgExec(tw.t, tw.pg, postgres, args...)
}

// sameErr fails the test unless both errors have the same code (and are
// both nil or both not).
func sameErr(t *testing.T, step string, sq, pg error) {
	t.Helper()
	if (sq == nil) != (pg == nil) || kiosk.ErrorCode(sq) != kiosk.ErrorCode(pg) {
		t.Errorf("%s: sqlite: %v; postgres: %v", step, sq, pg)
	}
}

func (tw *twin) roster(step string, delegates []kiosk.Delegate) {
	tw.t.Helper()
	tw.clock.add(time.Minute)
	rs, errS := tw.sq.ReplaceRoster(tw.context, delegates)
	rp, errP := tw.pg.ReplaceRoster(tw.context, delegates)
	sameErr(tw.t, step, errS, errP)
	var ceS, ceP *kiosk.RosterConflictError
	if errors.As(errS, &ceS) != errors.As(errP, &ceP) {
		tw.t.Errorf("%s: only one store reports a roster conflict: sqlite %v, postgres %v", step, errS, errP)
	} else if ceS != nil {
		if diff := cmp.Diff(ceS.Conflicts, ceP.Conflicts); diff != "" {
			tw.t.Errorf("%s: conflicts (-sqlite +postgres):\n%s", step, diff)
		}
	}
	if errS == nil && rs != rp {
		tw.t.Errorf("%s: sqlite %+v, postgres %+v", step, rs, rp)
	}
	ns, errS := tw.sq.CountDelegates(tw.context)
	np, errP := tw.pg.CountDelegates(tw.context)
	if errS != nil || errP != nil || ns != np {
		tw.t.Errorf("%s: CountDelegates: sqlite %d, %v; postgres %d, %v", step, ns, errS, np, errP)
	}
	tw.same(step)
	tw.sameChanges(step)
}

func (tw *twin) schedule(step string, m kiosk.Meeting, s kiosk.Schedule) {
	tw.t.Helper()
	tw.clock.add(time.Minute)
	sameErr(tw.t, step, tw.sq.ImportSchedule(tw.context, m, s), tw.pg.ImportSchedule(tw.context, m, s))
	ms, errS := tw.sq.Meeting(tw.context)
	mp, errP := tw.pg.Meeting(tw.context)
	if errS != nil || errP != nil || ms != mp {
		tw.t.Errorf("%s: Meeting: sqlite %+v, %v; postgres %+v, %v", step, ms, errS, mp, errP)
	}
	tw.same(step)
	tw.sameChanges(step)
}

// The same imports, desk work, staff changes and check-ins on a SQLite
// registry and a PostgreSQL one leave them answering and holding alike,
// and logging the same changes.
func TestVenueMatchesSQLite(t *testing.T) {
	tw := newTwin(t)
	ctx := tw.context
	zurich := kiosk.Meeting{ID: "sg12", Name: "SG12 – Genève", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, venueZurich) }
	session := func(id, room string, h int) kiosk.Session {
		return kiosk.Session{ID: id, Title: fmt.Sprint("Q", h, "/12 — 会议"), Room: room, Building: "Tour",
			Start: at(22, h, 0), End: at(22, h+1, 30), Groups: []string{fmt.Sprint("Q", h, "/12")}, Status: "scheduled"}
	}
	rooms := []kiosk.Room{{Name: "Popov", Building: "Tour", Floor: "2", Capacity: 80}, {Name: "Salle K", Capacity: 12}}
	tw.schedule("first schedule", zurich, kiosk.Schedule{Rooms: rooms,
		Sessions: []kiosk.Session{session("a", "Popov", 9), session("b", "Salle K", 11), session("c", "Popov", 14)}})
	zurich.Name = "SG12 – Genève (أسبوع 2)"
	tw.schedule("moves", zurich, kiosk.Schedule{Rooms: rooms[:1],
		Sessions: []kiosk.Session{session("a2", "Salle K", 9), session("b", "Popov", 11), session("c", "Popov", 14), session("d", "Popov", 16)}})
	tw.schedule("bad meeting", kiosk.Meeting{TimeZone: "Mars/Olympus"}, kiosk.Schedule{})
	tw.schedule("duplicate session", zurich, kiosk.Schedule{Sessions: []kiosk.Session{session("x", "P", 9), session("x", "P", 10)}})

	tw.roster("first roster", venueRoster)
	tw.roster("same roster", venueRoster)

	// Desk work: D2 gets a badge at the desk, D1's roster badge is revoked,
	// and a desk badge of D5's was revoked.
	tw.exec(`INSERT INTO badges (uid, delegate_id, source, created_us, bound_us) VALUES ('DE5C000002', 'D2', 'desk', 5, 5)`,
		`INSERT INTO badges (uid, delegate_id, source, created_us, bound_us) VALUES ('DE5C000002', 'D2', 'desk', 5, 5)`)
	tw.exec(`UPDATE badges SET revoked = 1, revoked_us = 6 WHERE uid = '0A0B0C0D0E'`,
		`UPDATE badges SET revoked = true, revoked_us = 6 WHERE uid = '0A0B0C0D0E'`)
	tw.exec(`INSERT INTO badges (uid, delegate_id, source, revoked, created_us, revoked_us, bound_us) VALUES ('DE5C000005', 'D5', 'desk', 1, 7, 8, 7)`,
		`INSERT INTO badges (uid, delegate_id, source, revoked, created_us, revoked_us, bound_us) VALUES ('DE5C000005', 'D5', 'desk', true, 7, 8, 7)`)
	tw.changes()

	second := slices.Clone(venueRoster)
	second[1].Role, second[1].Badges = "head", []string{"1A1B1C1D1E", "1111111111"}
	second[2].Badges = nil                                  // D3's badge …
	second[3].Badges = []string{"2222222222", "DE5C000005"} // … to D4, with D5's revoked desk badge
	second[5].Status, second[5].Groups = "registered", []string{"SG12"}
	second = slices.Delete(second, 4, 5) // D5 leaves
	second = append(second,
		kiosk.Delegate{ID: "N1", FamilyName: "Ødegård", GivenName: "Åse", Status: "registered", Role: "delegate", Language: "nb", Badges: []string{"4E31000001"}},
		kiosk.Delegate{ID: "N1", FamilyName: "Ødegård", GivenName: "Åse Marie", Status: "registered", Role: "delegate", Language: "nb"},
		kiosk.Delegate{ID: "D7", FamilyName: "김", GivenName: "민준", Organization: "과학기술정보통신부", Country: "KR", Role: "delegate", Status: "registered", Language: "ko"},
	)
	tw.roster("second roster", second)

	conflicting := slices.Clone(second)
	conflicting[0].Badges = []string{"DE5C000002"}
	conflicting[3].Badges = []string{"DE5C000002", "2222222222"}
	conflicting = append(conflicting, kiosk.Delegate{ID: "D9", FamilyName: "Nine", Status: "registered", Role: "delegate", Language: "en"})
	tw.roster("conflicting roster", conflicting)

	third := slices.Clone(second)
	third[0].Badges = nil
	third[5].Badges = []string{"0A0B0C0D0E"} // D7 gets D1's revoked UID
	tw.roster("third roster", third)
	tw.roster("third roster again", third)

	// Staff.
	for _, u := range []string{"amina", "Zoë", "bo", "_x"} {
		tw.clock.add(time.Second)
		sameErr(t, "add "+u, tw.sq.AddStaff(ctx, kiosk.Staff{Username: u, Role: "desk"}, "h-"+u), tw.pg.AddStaff(ctx, kiosk.Staff{Username: u, Role: "desk"}, "h-"+u))
	}
	sameErr(t, "add again", tw.sq.AddStaff(ctx, kiosk.Staff{Username: "bo", Role: "admin"}, "h"), tw.pg.AddStaff(ctx, kiosk.Staff{Username: "bo", Role: "admin"}, "h"))
	sameErr(t, "passwd", tw.sq.SetStaffPassword(ctx, "bo", "h2"), tw.pg.SetStaffPassword(ctx, "bo", "h2"))
	sameErr(t, "passwd unknown", tw.sq.SetStaffPassword(ctx, "nobody", "h2"), tw.pg.SetStaffPassword(ctx, "nobody", "h2"))
	sameErr(t, "remove", tw.sq.RemoveStaff(ctx, "_x"), tw.pg.RemoveStaff(ctx, "_x"))
	sameErr(t, "remove unknown", tw.sq.RemoveStaff(ctx, "_x"), tw.pg.RemoveStaff(ctx, "_x"))
	ls, errS := tw.sq.ListStaff(ctx)
	lp, errP := tw.pg.ListStaff(ctx)
	sameErr(t, "list staff", errS, errP)
	if diff := cmp.Diff(ls, lp); diff != "" {
		t.Errorf("ListStaff (-sqlite +postgres):\n%s", diff)
	}
	tw.same("staff")
	tw.sameChanges("staff")

	// Check-ins, delivered to the SQLite registry by two kiosks (the
	// second late, with D2's earlier arrival), copied as stored to
	// PostgreSQL: the venue's reads of them must agree.
	ev := func(id, delegate, uid, gate, dir string, at time.Time, result, reason string) wire.CheckinEvent {
		return wire.CheckinEvent{ID: id, DelegateID: delegate, UID: uid, Source: "rfid", Gate: gate, Direction: dir, At: at, Result: result, Reason: reason}
	}
	acc, rej := kiosk.ResultAccepted, kiosk.ResultRejected
	k1 := []wire.CheckinEvent{
		ev("e1", "D1", "", "Main", "in", at(22, 8, 5), acc, ""),
		ev("e2", "D1", "", "Main", "out", at(22, 12, 0), acc, ""),
		ev("e3", "", "FFFFFFFFFF", "Main", "in", at(22, 9, 15), rej, kiosk.ReasonUnknownBadge),
		ev("e4", "D2", "1A1B1C1D1E", "Main", "in", at(22, 9, 30), acc, ""),
		ev("e5", "D4", "2222222222", "Main", "in", at(22, 10, 0), rej, kiosk.ReasonNotValidToday),
		ev("e6", "D1", "", "Tower", "in", at(22, 13, 0), acc, ""),
	}
	k2 := []wire.CheckinEvent{
		ev("f1", "D2", "1111111111", "Side", "in", at(22, 8, 30), acc, ""),
		ev("f2", "D3", "", "Side", "in", at(22, 9, 10), acc, ""),
		ev("f3", "D3", "", "Side", "out", at(22, 17, 0), acc, ""),
		ev("f4", "D2", "1111111111", "Side", "in", at(23, 0, 30), acc, ""),
		ev("f5", "N1", "4E31000001", "Main", "in", at(23, 8, 0), acc, ""),
		ev("f6", "D7", "0A0B0C0D0E", "Main", "in", at(23, 8, 1), acc, ""),
	}
	for kioskID, events := range map[string][]wire.CheckinEvent{"k1": k1, "k2": k2} {
		if _, _, err := tw.sq.AddCheckins(ctx, kioskID, events, tw.clock.now()); err != nil {
			t.Fatal(err)
		}
	}
	tw.sq.AddCheckins(ctx, "k1", k1[:2], tw.clock.now()) // a redelivery
	rows, err := tw.sq.Writer.Query(`SELECT id, at_us, day, uid, source, gate, direction, kiosk, delegate_id, delegate_name,
		result, reason, first_today <> 0, received_us FROM taps`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		vals := make([]any, 14)
		ptrs := make([]any, 14)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		vals[12] = vals[12].(int64) != 0
		pgExec(t, tw.pg, `INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk, delegate_id, delegate_name,
			result, reason, first_today, received_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, vals...)
		n++
	}
	rows.Close()
	if n != len(k1)+len(k2) {
		t.Fatalf("%d taps at the SQLite registry, want %d", n, len(k1)+len(k2))
	}
	arrivals, err := tw.sq.Writer.Query(`SELECT delegate_id, day, tap_id, at_us, kiosk FROM arrivals`)
	if err != nil {
		t.Fatal(err)
	}
	for arrivals.Next() {
		var d, day, tap, k string
		var us int64
		if err := arrivals.Scan(&d, &day, &tap, &us, &k); err != nil {
			t.Fatal(err)
		}
		pgExec(t, tw.pg, `INSERT INTO arrivals (delegate_id, day, tap_id, at_us, kiosk) VALUES ($1, $2, $3, $4, $5)`, d, day, tap, us, k)
	}
	arrivals.Close()
	tw.same("check-ins")

	for _, day := range []string{"2026-11-21", "2026-11-22", "2026-11-23"} {
		ss, errS := tw.sq.Stats(ctx, day)
		sp, errP := tw.pg.Stats(ctx, day)
		sameErr(t, "stats "+day, errS, errP)
		if diff := cmp.Diff(ss, sp); diff != "" {
			t.Errorf("Stats(%s) (-sqlite +postgres):\n%s", day, diff)
		}
		if day == "2026-11-22" && (ss.Arrivals != 3 || ss.Inside != 2) {
			t.Errorf("Stats(%s) = %+v: not the day the test means", day, ss)
		}
	}
	for _, date := range []string{"", "2026-11-22", "2026-11-23", "2026-11-24"} {
		var ts, tp []kiosk.TapRecord
		sameErr(t, "taps "+date,
			tw.sq.Taps(ctx, date, func(r kiosk.TapRecord) error { ts = append(ts, r); return nil }),
			tw.pg.Taps(ctx, date, func(r kiosk.TapRecord) error { tp = append(tp, r); return nil }))
		if diff := cmp.Diff(ts, tp); diff != "" {
			t.Errorf("Taps(%q) (-sqlite +postgres):\n%s", date, diff)
		}
		if date == "" && len(tp) != n {
			t.Errorf("Taps(\"\") = %d taps, want %d", len(tp), n)
		}
	}
}
