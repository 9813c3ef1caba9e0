package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"checkin/kiosk"
	"checkin/sync/registry/postgres/pgtest"
)

var venueZurich, _ = time.LoadLocation("Europe/Zurich")

// venueClock is a store's clock that tests move by hand.
type venueClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *venueClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *venueClock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func newVenueClock() *venueClock {
	return &venueClock{t: time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC)}
}

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// openVenue opens a store on a database of its own.
func openVenue(t testing.TB, c *venueClock) (*Store, string) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	s, err := Open(context.Background(), url, c.now, quietLogger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, url
}

// pgExec runs a statement on the store's database.
func pgExec(t testing.TB, s *Store, sql string, args ...any) {
	t.Helper()
	if _, err := s.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// pgRows returns the rows of a query, each as its columns joined by "|",
// sorted.
func pgRows(t testing.TB, s *Store, sql string, args ...any) []string {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, joinValues(vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	slices.Sort(out)
	return out
}

func joinValues(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "|")
}

// venueRoster has names, organizations and places in several scripts.
var venueRoster = []kiosk.Delegate{
	{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "Bundesamt für Kommunikation", Country: "CH",
		Role: "head", Groups: []string{"SG12", "Q2/12"}, Status: "registered", Language: "de",
		Email: "jürgen.müller@example.ch", Badges: []string{"0A0B0C0D0E"}},
	{ID: "D2", FamilyName: "王", GivenName: "伟", Organization: "中国信息通信研究院", Country: "CN",
		Role: "delegate", Groups: []string{"Q4/12"}, Status: "registered", Language: "zh", Badges: []string{"1A1B1C1D1E"}},
	{ID: "D3", FamilyName: "Иванова", GivenName: "Анна", Organization: "Министерство цифрового развития", Country: "RU",
		Role: "delegate", Status: "registered", Language: "ru", Badges: []string{"2222222222"}},
	{ID: "D4", FamilyName: "الهاشمي", GivenName: "فاطمة", Organization: "هيئة تنظيم الاتصالات", Country: "AE",
		Role: "rapporteur", Groups: []string{"Q9/12", "WP2/12"}, ValidFrom: "2026-11-23", ValidTo: "2026-11-25",
		Status: "confirmed", Language: "ar"},
	{ID: "D5", FamilyName: "Nguyễn", GivenName: "Thị Ánh", Organization: "Bộ Thông tin và Truyền thông", Country: "VN",
		Role: "delegate", Status: "registered", Language: "vi", Badges: []string{"5A5B5C5D5E", "5F5F5F5F5F"}},
	{ID: "D6", FamilyName: "García Márquez", GivenName: "José Ñandú", Organization: "Ministerio de Transformación Digital", Country: "ES",
		Role: "delegate", Status: "cancelled", Language: "es", Email: "jose@example.es"},
	{ID: "D7", FamilyName: "김", GivenName: "민준", Organization: "과학기술정보통신부", Country: "KR",
		Role: "delegate", Status: "registered", Language: "ko"},
}

// delegateRows reads the delegates back as the roster gives them.
func delegateRows(t testing.TB, s *Store) map[string]kiosk.Delegate {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), `SELECT d.id, d.family_name, d.given_name, d.organization,
		d.country, d.role, d.groups, d.valid_from, d.valid_to, d.status, d.language, d.email,
		d.latin_family_name, d.latin_given_name,
		coalesce((SELECT array_agg(uid ORDER BY uid) FROM badges b WHERE b.delegate_id = d.id AND NOT b.revoked), '{}')
		FROM delegates d`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]kiosk.Delegate{}
	for rows.Next() {
		var d kiosk.Delegate
		var groups string
		if err := rows.Scan(&d.ID, &d.FamilyName, &d.GivenName, &d.Organization, &d.Country, &d.Role, &groups,
			&d.ValidFrom, &d.ValidTo, &d.Status, &d.Language, &d.Email, &d.LatinFamilyName, &d.LatinGivenName, &d.Badges); err != nil {
			t.Fatal(err)
		}
		if groups != "" {
			d.Groups = strings.Split(groups, ";")
		}
		if len(d.Badges) == 0 {
			d.Badges = nil
		}
		out[d.ID] = d
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// changesAfter returns the change log after seq, as "op kind key[/key2]",
// sorted, and the newest seq.
func changesAfter(t testing.TB, s *Store, seq int64) ([]string, int64) {
	t.Helper()
	rows := pgRows(t, s, `SELECT op || ' ' || kind || ' ' || key || CASE WHEN key2 <> '' THEN '/' || key2 ELSE '' END
		FROM changes WHERE seq > $1`, seq)
	var head int64
	if err := s.pool.QueryRow(context.Background(), `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	return rows, head
}

func TestVenueMeeting(t *testing.T) {
	s, _ := openVenue(t, newVenueClock())
	ctx := context.Background()
	m, err := s.Meeting(ctx)
	if err != nil || m != (kiosk.Meeting{TimeZone: kiosk.DefaultTimeZone}) {
		t.Fatalf("meeting of an empty database = %+v, %v; want only the default zone", m, err)
	}
	for _, bad := range []kiosk.Meeting{
		{TimeZone: ""},
		{TimeZone: "Mars/Olympus"},
		{TimeZone: "Local"},
		{TimeZone: "Europe/Zurich", Start: "22.11.2026"},
		{TimeZone: "Europe/Zurich", Start: "2026-11-28", End: "2026-11-21"},
	} {
		if err := s.SetMeeting(ctx, bad); kiosk.ErrorCode(err) != kiosk.EINVALID {
			t.Errorf("SetMeeting(%+v) = %v, want EINVALID", bad, err)
		}
	}
	_, head := changesAfter(t, s, 0)
	want := kiosk.Meeting{ID: "sg12-2026-11", Name: "Commission d'études 12 – Genève · 第12研究组 · ИК12 · لجنة الدراسات 12",
		TimeZone: "America/Mexico_City", Start: "2026-11-21", End: "2026-11-28"}
	if err := s.SetMeeting(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Meeting(ctx); err != nil || got != want {
		t.Fatalf("meeting = %+v, %v; want %+v", got, err, want)
	}
	changes, head := changesAfter(t, s, head)
	if len(changes) == 0 || changes[0] != "upsert meeting " {
		t.Errorf("setting the meeting logged %q, want meeting upserts", changes)
	}
	// The same settings again change nothing, and log nothing.
	if err := s.SetMeeting(ctx, want); err != nil {
		t.Fatal(err)
	}
	if changes, _ := changesAfter(t, s, head); len(changes) != 0 {
		t.Errorf("the same meeting again logged %q", changes)
	}
	if got := pgRows(t, s, `SELECT key FROM settings`); len(got) != 5 {
		t.Errorf("settings = %q, want the meeting's five", got)
	}
}

func TestVenueReplaceRoster(t *testing.T) {
	c := newVenueClock()
	s, _ := openVenue(t, c)
	ctx := context.Background()

	res, err := s.ReplaceRoster(ctx, venueRoster)
	if err != nil {
		t.Fatal(err)
	}
	if want := (kiosk.RosterImport{Added: 7, Badges: 5}); res != want {
		t.Errorf("first import = %+v, want %+v", res, want)
	}
	got := delegateRows(t, s)
	for _, d := range venueRoster {
		want := d
		slices.Sort(want.Badges)
		if diff := cmp.Diff(want, got[d.ID]); diff != "" {
			t.Errorf("delegate %s does not round-trip (-want +got):\n%s", d.ID, diff)
		}
	}
	if n, err := s.CountDelegates(ctx); err != nil || n != len(venueRoster) {
		t.Errorf("CountDelegates = %d, %v", n, err)
	}
	_, head := changesAfter(t, s, 0)

	// The same roster again: nothing changes, nothing is logged.
	c.add(time.Hour)
	res, err = s.ReplaceRoster(ctx, venueRoster)
	if want := (kiosk.RosterImport{Unchanged: 7, Badges: 5}); err != nil || res != want {
		t.Errorf("same roster again = %+v, %v; want %+v", res, err, want)
	}
	if changes, _ := changesAfter(t, s, head); len(changes) != 0 {
		t.Errorf("an unchanged roster logged %q", changes)
	}
	if n := pgRows(t, s, `SELECT count(*) FROM delegates WHERE updated_us <> $1`, c.now().Add(-time.Hour).UnixMicro()); n[0] != "0" {
		t.Errorf("%s unchanged delegates rewritten", n[0])
	}

	// Desk work since: D2 gets a second badge at the desk, D1's roster
	// badge is reported lost and revoked.
	pgExec(t, s, `INSERT INTO badges (uid, delegate_id, source, created_us, bound_us) VALUES ('DE5C000002', 'D2', 'desk', 1, 1)`)
	pgExec(t, s, `UPDATE badges SET revoked = true, revoked_us = 2 WHERE uid = '0A0B0C0D0E'`)
	_, head = changesAfter(t, s, 0)

	c.add(time.Hour)
	next := []kiosk.Delegate{
		venueRoster[0], // unchanged, keeps its revoked badge revoked
		{ID: "D2", FamilyName: "王", GivenName: "伟", Role: "head", Status: "confirmed", Language: "zh", Badges: []string{"1111111111"}},
		venueRoster[3],
		{ID: "D8", FamilyName: "Ødegård", GivenName: "Åse", Status: "registered", Role: "delegate", Language: "nb", Badges: []string{"2222222222"}},
	}
	res, err = s.ReplaceRoster(ctx, next)
	if err != nil {
		t.Fatalf("ReplaceRoster: %v", err)
	}
	if want := (kiosk.RosterImport{Added: 1, Updated: 1, Removed: 4, Unchanged: 2, Badges: 3}); res != want {
		t.Errorf("import = %+v, want %+v", res, want)
	}
	got = delegateRows(t, s)
	if len(got) != 4 || got["D3"].ID != "" || got["D5"].ID != "" {
		t.Errorf("delegates after the import: %v", slices.Sorted(func(yield func(string) bool) {
			for id := range got {
				yield(id)
			}
		}))
	}
	if b := got["D2"].Badges; got["D2"].Role != "head" || !slices.Equal(b, []string{"1111111111", "DE5C000002"}) {
		t.Errorf("D2 = role %q badges %v, want head with its roster and desk badges", got["D2"].Role, b)
	}
	if b := got["D1"].Badges; len(b) != 0 {
		t.Errorf("D1's revoked badge resurrected by the re-import: %v", b)
	}
	if b := got["D8"].Badges; !slices.Equal(b, []string{"2222222222"}) {
		t.Errorf("D8 badges %v, want the one moved from removed D3", b)
	}
	if rows := pgRows(t, s, `SELECT uid FROM badges WHERE delegate_id IN ('D5', 'D6', 'D7')`); len(rows) != 0 {
		t.Errorf("badges of removed delegates left: %q", rows)
	}
	changes, head := changesAfter(t, s, head)
	wantChanges := []string{
		"delete badge 1A1B1C1D1E", "delete badge 2222222222", "delete badge 5A5B5C5D5E", "delete badge 5F5F5F5F5F",
		"delete delegate D3", "delete delegate D5", "delete delegate D6", "delete delegate D7",
		"upsert badge 1111111111", "upsert badge 2222222222", "upsert delegate D2", "upsert delegate D8",
	}
	if diff := cmp.Diff(wantChanges, changes); diff != "" {
		t.Errorf("change log of the import (-want +got):\n%s", diff)
	}

	// A roster that gives D2's desk badge to someone else is refused whole,
	// naming every conflict.
	conflicting := slices.Clone(next)
	conflicting[2].Badges = []string{"DE5C000002"}
	conflicting[3].Badges = []string{"2222222222", "DE5C000002"}
	conflicting = append(conflicting, kiosk.Delegate{ID: "D9", FamilyName: "Nine", Status: "registered", Role: "delegate", Language: "en"})
	_, err = s.ReplaceRoster(ctx, conflicting)
	var ce *kiosk.RosterConflictError
	if !errors.As(err, &ce) || kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("conflicting import: err = %v, want a RosterConflictError", err)
	}
	wantConflicts := []kiosk.BadgeConflict{{UID: "DE5C000002", DelegateID: "D4", HeldBy: "D2"}, {UID: "DE5C000002", DelegateID: "D8", HeldBy: "D2"}}
	if diff := cmp.Diff(wantConflicts, ce.Conflicts); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	if changes, _ := changesAfter(t, s, head); len(changes) != 0 || len(delegateRows(t, s)) != 4 {
		t.Errorf("refused import half-written: logged %q", changes)
	}

	// A revoked UID given to someone else is reissued to them.
	c.add(time.Hour)
	reissue := slices.Clone(next)
	reissue[0].Badges = nil
	reissue[2].Badges = []string{"0A0B0C0D0E"}
	res, err = s.ReplaceRoster(ctx, reissue)
	if want := (kiosk.RosterImport{Updated: 0, Unchanged: 4, Badges: 3}); err != nil || res != want {
		t.Errorf("reissue = %+v, %v; want %+v", res, err, want)
	}
	if b := delegateRows(t, s)["D4"].Badges; !slices.Equal(b, []string{"0A0B0C0D0E"}) {
		t.Errorf("D4 badges %v, want the reissued UID, live", b)
	}
	if rows := pgRows(t, s, `SELECT delegate_id, source, revoked, created_us, revoked_us IS NULL FROM badges WHERE uid = '0A0B0C0D0E'`); !slices.Equal(rows,
		[]string{fmt.Sprintf("D4|roster|false|%d|true", c.now().UnixMicro())}) {
		t.Errorf("reissued badge = %q", rows)
	}

	// An empty roster removes everyone; the desk's badges go with them.
	res, err = s.ReplaceRoster(ctx, nil)
	if want := (kiosk.RosterImport{Removed: 4}); err != nil || res != want {
		t.Errorf("empty roster = %+v, %v; want %+v", res, err, want)
	}
	if n, err := s.CountDelegates(ctx); err != nil || n != 0 {
		t.Errorf("CountDelegates = %d, %v; want 0", n, err)
	}
	if rows := pgRows(t, s, `SELECT uid FROM badges`); len(rows) != 0 {
		t.Errorf("badges left: %q", rows)
	}
}

// A roster that names an id twice (the parser refuses one) is counted and
// applied row by row as on SQLite: the last row wins.
func TestVenueReplaceRosterRepeatedID(t *testing.T) {
	s, _ := openVenue(t, newVenueClock())
	ctx := context.Background()
	if _, err := s.ReplaceRoster(ctx, venueRoster[:2]); err != nil {
		t.Fatal(err)
	}
	twice := []kiosk.Delegate{
		venueRoster[0], venueRoster[1],
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürg", Status: "registered", Role: "head", Language: "de"},
		{ID: "N1", FamilyName: "Neu", Status: "registered", Role: "delegate", Language: "de"},
		{ID: "N1", FamilyName: "Neu", Status: "registered", Role: "delegate", Language: "de"},
	}
	res, err := s.ReplaceRoster(ctx, twice)
	if want := (kiosk.RosterImport{Added: 2, Updated: 1, Unchanged: 2, Badges: 2}); err != nil || res != want {
		t.Errorf("import = %+v, %v; want %+v", res, err, want)
	}
	if d := delegateRows(t, s)["D1"]; d.GivenName != "Jürg" || d.Organization != "" {
		t.Errorf("D1 = %+v, want the last row's", d)
	}
}

func TestVenueImportSchedule(t *testing.T) {
	s, _ := openVenue(t, newVenueClock())
	ctx := context.Background()
	mx, _ := time.LoadLocation("America/Mexico_City")
	m := kiosk.Meeting{ID: "M", Name: "Reunión", TimeZone: "America/Mexico_City", Start: "2026-09-18", End: "2026-09-19"}
	at := func(d, h int) time.Time { return time.Date(2026, 9, d, h, 0, 0, 0, mx) }
	session := func(id, room string, h int) kiosk.Session {
		return kiosk.Session{ID: id, Title: fmt.Sprint("Q", h, "/12 – Qualité"), Room: room, Building: "IFT",
			Start: at(18, h), End: at(18, h+1), Groups: []string{fmt.Sprint("Q", h, "/12"), "SG12"}, Status: "scheduled"}
	}
	late := kiosk.Session{ID: "late", Title: "深夜会议", Room: "Sala A", Start: at(18, 23), End: at(19, 0), Status: "cancelled"}
	sch := kiosk.Schedule{
		Rooms:    []kiosk.Room{{Name: "Sala A", Building: "IFT", Floor: "1", Capacity: 120}, {Name: "Зал Б", Capacity: 30}},
		Sessions: []kiosk.Session{session("a", "Room K", 9), session("b", "Popov", 10), session("c", "Room H", 11), late},
	}
	if err := s.ImportSchedule(ctx, m, sch); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Meeting(ctx); got != m {
		t.Errorf("meeting = %+v, want %+v", got, m)
	}
	if got, want := pgRows(t, s, `SELECT name, building, floor, capacity FROM rooms`),
		[]string{"Sala A|IFT|1|120", "Зал Б|||30"}; !slices.Equal(got, want) {
		t.Errorf("rooms = %q, want %q", got, want)
	}
	sessions := func() []string {
		return pgRows(t, s, `SELECT id, date, start_us, end_us, room, building, title, groups, status, moved_from FROM sessions`)
	}
	row := func(se kiosk.Session, date, movedFrom string) string {
		return strings.Join([]string{se.ID, date, fmt.Sprint(se.Start.UnixMicro()), fmt.Sprint(se.End.UnixMicro()),
			se.Room, se.Building, se.Title, strings.Join(se.Groups, ";"), se.Status, movedFrom}, "|")
	}
	want := []string{row(session("a", "Room K", 9), "2026-09-18", ""), row(session("b", "Popov", 10), "2026-09-18", ""),
		row(session("c", "Room H", 11), "2026-09-18", ""), row(late, "2026-09-18", "")}
	if diff := cmp.Diff(want, sessions()); diff != "" {
		t.Errorf("sessions (-want +got):\n%s", diff)
	}

	// CSV ids hold the room, so a moved CSV session has a new id: matched
	// by start and title. An ICS session keeps its id.
	sch.Sessions = []kiosk.Session{session("a2", "Room C", 9), session("b", "Room D", 10), session("c", "Room H", 11)}
	if err := s.ImportSchedule(ctx, m, sch); err != nil {
		t.Fatal(err)
	}
	want = []string{row(sch.Sessions[0], "2026-09-18", "Room K"), row(sch.Sessions[1], "2026-09-18", "Popov"),
		row(sch.Sessions[2], "2026-09-18", "")}
	if diff := cmp.Diff(want, sessions()); diff != "" {
		t.Errorf("after a move (-want +got):\n%s", diff)
	}
	// Importing the same schedule again keeps the marks.
	if err := s.ImportSchedule(ctx, m, sch); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, sessions()); diff != "" {
		t.Errorf("after the same import again (-want +got):\n%s", diff)
	}

	// A bad meeting, or a schedule the database refuses, changes nothing.
	if err := s.ImportSchedule(ctx, kiosk.Meeting{TimeZone: "Nowhere/Land"}, kiosk.Schedule{}); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("bad meeting: %v, want EINVALID", err)
	}
	dup := kiosk.Schedule{Sessions: []kiosk.Session{session("x", "R", 9), session("x", "R", 10)}}
	if err := s.ImportSchedule(ctx, kiosk.Meeting{ID: "other", TimeZone: "UTC"}, dup); err == nil {
		t.Error("two sessions with one id: no error")
	}
	if got, _ := s.Meeting(ctx); got != m {
		t.Errorf("meeting after failed imports = %+v, want %+v", got, m)
	}
	if diff := cmp.Diff(want, sessions()); diff != "" {
		t.Errorf("after failed imports (-want +got):\n%s", diff)
	}
	// An empty schedule removes the sessions, and the rooms that hold
	// nothing but a name and a building; those with a capacity stay.
	if err := s.ImportSchedule(ctx, m, kiosk.Schedule{}); err != nil {
		t.Fatal(err)
	}
	if got := sessions(); len(got) != 0 {
		t.Errorf("sessions after an empty import: %q", got)
	}
	if got, want := pgRows(t, s, `SELECT name FROM rooms`), []string{"Sala A", "Зал Б"}; !slices.Equal(got, want) {
		t.Errorf("rooms after an empty import = %q, want %q", got, want)
	}
}

func TestVenueStaff(t *testing.T) {
	c := newVenueClock()
	s, _ := openVenue(t, c)
	ctx := context.Background()
	created := c.now()
	if err := s.AddStaff(ctx, kiosk.Staff{Username: "amina", Role: "admin"}, "$argon2id$x"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddStaff(ctx, kiosk.Staff{Username: "amina", Role: "desk"}, "h"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("duplicate user: %v, want conflict", err)
	}
	c.add(time.Minute)
	for _, u := range []string{"bo", "Zoë", "_x"} {
		if err := s.AddStaff(ctx, kiosk.Staff{Username: u, Role: "desk"}, "h1"); err != nil {
			t.Fatal(err)
		}
	}
	// Byte order, as on SQLite, whatever the database's collation.
	list, err := s.ListStaff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantList := []kiosk.Staff{
		{Username: "Zoë", Role: "desk", Created: created.Add(time.Minute), Source: "local"},
		{Username: "_x", Role: "desk", Created: created.Add(time.Minute), Source: "local"},
		{Username: "amina", Role: "admin", Created: created, Source: "local"},
		{Username: "bo", Role: "desk", Created: created.Add(time.Minute), Source: "local"},
	}
	if diff := cmp.Diff(wantList, list); diff != "" {
		t.Errorf("ListStaff (-want +got):\n%s", diff)
	}
	if st, h, err := s.StaffLogin(ctx, "amina"); err != nil || h != "$argon2id$x" || st.Role != "admin" || !st.Created.Equal(created) {
		t.Errorf("login amina = %+v %q %v", st, h, err)
	}
	if _, _, err := s.StaffLogin(ctx, "nobody"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("login of unknown: %v, want ENOTFOUND", err)
	}

	// Sessions.
	t0 := c.now()
	if err := s.CreateSession(ctx, "tok-bo", "bo", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, "tok-amina", "amina", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, "tok-ghost", "ghost", t0); err == nil {
		t.Error("a session of an unknown user was created")
	}
	if err := s.TouchSession(ctx, "tok-bo", t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	ss, err := s.Session(ctx, "tok-bo")
	if err != nil || ss.Username != "bo" || ss.Role != "desk" || !ss.Created.Equal(t0) || !ss.Seen.Equal(t0.Add(10*time.Minute)) ||
		!ss.Staff.Created.Equal(created.Add(time.Minute)) {
		t.Errorf("session = %+v, %v", ss, err)
	}
	if _, err := s.Session(ctx, "tok-none"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("unknown session: %v, want ENOTFOUND", err)
	}
	// amina's session is idle since t0, bo's was seen 10 minutes later.
	if err := s.ExpireSessions(ctx, t0.Add(5*time.Minute), t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "tok-amina"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("idle session kept: %v", err)
	}
	if _, err := s.Session(ctx, "tok-bo"); err != nil {
		t.Errorf("active session expired: %v", err)
	}
	if err := s.ExpireSessions(ctx, t0, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "tok-bo"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("session older than the maximum kept: %v", err)
	}
	s.CreateSession(ctx, "tok-bo2", "bo", t0)
	if err := s.DeleteSession(ctx, "tok-bo2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "tok-bo2"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("deleted session kept: %v", err)
	}

	// A new password signs the user out everywhere.
	s.CreateSession(ctx, "tok-bo3", "bo", t0)
	if err := s.SetStaffPassword(ctx, "bo", "h2"); err != nil {
		t.Fatal(err)
	}
	if _, h, err := s.StaffLogin(ctx, "bo"); err != nil || h != "h2" {
		t.Errorf("login bo after the new password = %q %v", h, err)
	}
	if _, err := s.Session(ctx, "tok-bo3"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("session kept after a new password: %v", err)
	}
	if err := s.SetStaffPassword(ctx, "nobody", "h"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("passwd of unknown: %v, want ENOTFOUND", err)
	}
	if err := s.RemoveStaff(ctx, "nobody"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("remove unknown: %v, want ENOTFOUND", err)
	}
	// A login that came from elsewhere is not changed here.
	pgExec(t, s, `INSERT INTO staff (username, role, password_hash, created_us, source) VALUES ('far', 'desk', 'h', 0, 'registry')`)
	if err := s.SetStaffPassword(ctx, "far", "h2"); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("passwd of a managed login: %v, want EINVALID", err)
	}
	if err := s.RemoveStaff(ctx, "far"); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("remove of a managed login: %v, want EINVALID", err)
	}
	s.CreateSession(ctx, "tok-bo4", "bo", t0)
	if err := s.RemoveStaff(ctx, "bo"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.StaffLogin(ctx, "bo"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("removed user can log in: %v", err)
	}
	if _, err := s.Session(ctx, "tok-bo4"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("session of a removed user kept: %v", err)
	}

	// The audit log, newest first.
	c.add(time.Minute)
	s.Audit(ctx, "amina", "bind badge", "D1 0A0B0C0D — Jürgen Müller")
	c.add(time.Minute)
	s.Audit(ctx, "amina", "revoke badge", "0A0B0C0D")
	s.Audit(ctx, "Zoë", "import roster", "王伟, Иванова")
	log, err := s.AuditLog(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantLog := []kiosk.AuditEntry{
		{At: c.now(), Actor: "Zoë", Action: "import roster", Detail: "王伟, Иванова"},
		{At: c.now(), Actor: "amina", Action: "revoke badge", Detail: "0A0B0C0D"},
	}
	if diff := cmp.Diff(wantLog, log); diff != "" {
		t.Errorf("AuditLog(2) (-want +got):\n%s", diff)
	}
	if all, err := s.AuditLog(ctx, -1); err != nil || len(all) != 3 || all[2].Detail != "D1 0A0B0C0D — Jürgen Müller" {
		t.Errorf("AuditLog(-1) = %+v, %v; want all three", all, err)
	}
	if none, err := s.AuditLog(ctx, 0); err != nil || len(none) != 0 {
		t.Errorf("AuditLog(0) = %+v, %v", none, err)
	}
}

// insertTap stores a check-in as the registry does (first_today is not
// set at the registry; arrivals say which entry came first).
func insertTap(t testing.TB, s *Store, id string, at time.Time, uid, gate, dir, kioskID, delegateID, name, result, reason string) {
	t.Helper()
	pgExec(t, s, `INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk, delegate_id, delegate_name,
		result, reason, received_us) VALUES ($1, $2, $3, $4, 'rfid', $5, $6, $7, $8, $9, $10, $11, $2)`,
		id, at.UnixMicro(), kiosk.LocalDate(at, venueZurich), uid, gate, dir, kioskID, delegateID, name, result, reason)
}

func TestVenueStatsAndTaps(t *testing.T) {
	s, _ := openVenue(t, newVenueClock())
	ctx := context.Background()
	if err := s.SetMeeting(ctx, kiosk.Meeting{TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceRoster(ctx, venueRoster); err != nil {
		t.Fatal(err)
	}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, venueZurich) }
	acc, rej := kiosk.ResultAccepted, kiosk.ResultRejected
	insertTap(t, s, "t01", at(22, 8, 5), "0A0B0C0D0E", "Main", "in", "k1", "D1", "Jürgen Müller", acc, "")
	insertTap(t, s, "t02", at(22, 8, 30), "1A1B1C1D1E", "Main", "in", "k2", "D2", "王伟", acc, "")
	insertTap(t, s, "t03", at(22, 9, 10), "2222222222", "Tower", "in", "k3", "D3", "Анна Иванова", acc, "")
	insertTap(t, s, "t04", at(22, 9, 15), "FFFFFFFFFF", "Main", "in", "k1", "", "", rej, kiosk.ReasonUnknownBadge)
	insertTap(t, s, "t05", at(22, 12, 0), "0A0B0C0D0E", "Main", "out", "k1", "D1", "Jürgen Müller", acc, "")
	insertTap(t, s, "t06", at(22, 13, 0), "0A0B0C0D0E", "Tower", "in", "k3", "D1", "Jürgen Müller", acc, "")
	insertTap(t, s, "t07", at(22, 17, 0), "2222222222", "Tower", "out", "k3", "D3", "Анна Иванова", acc, "")
	insertTap(t, s, "t08", at(22, 18, 0), "", "Main", "in", "k2", "D6", "José Ñandú García Márquez", rej, kiosk.ReasonRegistrationCancelled)
	insertTap(t, s, "t09", at(23, 0, 30), "1A1B1C1D1E", "Main", "in", "k2", "D2", "王伟", acc, "")
	// The arrivals: D1's first entry, D2's and D3's; and D2 the next day.
	pgExec(t, s, `INSERT INTO arrivals (delegate_id, day, tap_id, at_us, kiosk) VALUES
		('D1', '2026-11-22', 't01', $1, 'k1'), ('D2', '2026-11-22', 't02', $2, 'k2'),
		('D3', '2026-11-22', 't03', $3, 'k3'), ('D2', '2026-11-23', 't09', $4, 'k2')`,
		at(22, 8, 5).UnixMicro(), at(22, 8, 30).UnixMicro(), at(22, 9, 10).UnixMicro(), at(23, 0, 30).UnixMicro())
	// A kiosk that said so is believed too (a tap a kiosk marked first).
	pgExec(t, s, `UPDATE taps SET first_today = true WHERE id = 't06'`)

	st, err := s.Stats(ctx, "2026-11-22")
	if err != nil {
		t.Fatal(err)
	}
	// Inside: D1 (in again at 13:00) and D2 (in at 08:30); D3 left at 17:00.
	want := kiosk.Stats{Day: "2026-11-22", Arrivals: 3, Inside: 2, Delegates: 7,
		ByHour:    []kiosk.HourCount{{Hour: "08:00", Arrivals: 2}, {Hour: "09:00", Arrivals: 1}},
		ByRole:    map[string]int{"head": 1, "delegate": 2},
		ByCountry: map[string]int{"CH": 1, "CN": 1, "RU": 1},
		Gates:     []kiosk.GateCount{{Gate: "Main", In: 2, Out: 1}, {Gate: "Tower", In: 2, Out: 1}},
		Taps: kiosk.TapCounts{Accepted: 6, Rejected: map[string]int{
			kiosk.ReasonUnknownBadge: 1, kiosk.ReasonRegistrationCancelled: 1}},
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
	empty, err := s.Stats(ctx, "2026-11-25")
	if err != nil || empty.Arrivals != 0 || empty.Delegates != 7 || empty.ByHour == nil || empty.Gates == nil || empty.Taps.Rejected == nil {
		t.Errorf("Stats of a day without taps = %+v, %v", empty, err)
	}

	var got []string
	collect := func(r kiosk.TapRecord) error {
		got = append(got, fmt.Sprintf("%s %s %s %s %v", r.ID, r.At.Format(time.RFC3339), r.DelegateName, r.Kiosk, r.FirstToday))
		return nil
	}
	if err := s.Taps(ctx, "2026-11-23", collect); err != nil {
		t.Fatal(err)
	}
	if want := []string{"t09 2026-11-22T23:30:00Z 王伟 k2 true"}; !slices.Equal(got, want) {
		t.Errorf("taps of 2026-11-23 = %q, want %q", got, want)
	}
	got = nil
	if err := s.Taps(ctx, "", collect); err != nil {
		t.Fatal(err)
	}
	wantAll := []string{
		"t01 2026-11-22T07:05:00Z Jürgen Müller k1 true",
		"t02 2026-11-22T07:30:00Z 王伟 k2 true",
		"t03 2026-11-22T08:10:00Z Анна Иванова k3 true",
		"t04 2026-11-22T08:15:00Z  k1 false",
		"t05 2026-11-22T11:00:00Z Jürgen Müller k1 false",
		"t06 2026-11-22T12:00:00Z Jürgen Müller k3 true",
		"t07 2026-11-22T16:00:00Z Анна Иванова k3 false",
		"t08 2026-11-22T17:00:00Z José Ñandú García Márquez k2 false",
		"t09 2026-11-22T23:30:00Z 王伟 k2 true",
	}
	if diff := cmp.Diff(wantAll, got); diff != "" {
		t.Errorf("all taps (-want +got):\n%s", diff)
	}
	// fn's error ends the walk and comes back as it is.
	stop := errors.New("enough")
	n := 0
	if err := s.Taps(ctx, "", func(kiosk.TapRecord) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Taps with a failing fn = %v after %d taps, want %v after 1", err, n, stop)
	}
}

// A database that cannot be reached makes every method EUNAVAILABLE, so
// that the registry answers 503 and kiosks retry.
func TestVenueUnavailable(t *testing.T) {
	s, url := openVenue(t, newVenueClock())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := pgtest.Name(url)
	pgtest.Exec(t, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS false`)
	pgtest.Exec(t, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)
	m := kiosk.Meeting{TimeZone: "Europe/Zurich"}
	calls := map[string]func() error{
		"Meeting":          func() error { _, err := s.Meeting(ctx); return err },
		"SetMeeting":       func() error { return s.SetMeeting(ctx, m) },
		"ReplaceRoster":    func() error { _, err := s.ReplaceRoster(ctx, venueRoster); return err },
		"CountDelegates":   func() error { _, err := s.CountDelegates(ctx); return err },
		"ImportSchedule":   func() error { return s.ImportSchedule(ctx, m, kiosk.Schedule{}) },
		"AddStaff":         func() error { return s.AddStaff(ctx, kiosk.Staff{Username: "a", Role: "desk"}, "h") },
		"SetStaffPassword": func() error { return s.SetStaffPassword(ctx, "a", "h") },
		"RemoveStaff":      func() error { return s.RemoveStaff(ctx, "a") },
		"ListStaff":        func() error { _, err := s.ListStaff(ctx); return err },
		"StaffLogin":       func() error { _, _, err := s.StaffLogin(ctx, "a"); return err },
		"Audit":            func() error { return s.Audit(ctx, "a", "x", "") },
		"AuditLog":         func() error { _, err := s.AuditLog(ctx, 10); return err },
		"CreateSession":    func() error { return s.CreateSession(ctx, "t", "a", time.Now()) },
		"Session":          func() error { _, err := s.Session(ctx, "t"); return err },
		"TouchSession":     func() error { return s.TouchSession(ctx, "t", time.Now()) },
		"DeleteSession":    func() error { return s.DeleteSession(ctx, "t") },
		"ExpireSessions":   func() error { return s.ExpireSessions(ctx, time.Now(), time.Now()) },
		"Stats":            func() error { _, err := s.Stats(ctx, "2026-11-22"); return err },
		"Taps":             func() error { return s.Taps(ctx, "", func(kiosk.TapRecord) error { return nil }) },
	}
	for name, call := range calls {
		if err := call(); kiosk.ErrorCode(err) != kiosk.EUNAVAILABLE {
			t.Errorf("%s with the database unreachable: %v, want EUNAVAILABLE", name, err)
		}
	}
	pgtest.Exec(t, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS true`)
	if _, err := s.Meeting(ctx); err != nil {
		t.Errorf("Meeting once the database is back: %v", err)
	}
}
