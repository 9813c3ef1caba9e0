package sqlite_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/sqlitedb/sqlitetest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

var zurich, _ = time.LoadLocation("Europe/Zurich")

func openDB(t testing.TB, path string) (*sqlite.DB, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)}
	db := sqlite.NewDB(path)
	db.Now = c.Now
	if err := db.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, c
}

func newDB(t testing.TB) (*sqlite.DB, *clock) {
	return openDB(t, filepath.Join(t.TempDir(), "kiosk.db"))
}

var testRoster = []kiosk.Delegate{
	{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Status: "registered", Role: "head", Language: "en", Badges: []string{"0A0B0C0D0E"}, Groups: []string{"SG12", "WP1/12"}},
	{ID: "D2", FamilyName: "王", GivenName: "伟", Status: "confirmed", Role: "delegate", Language: "zh", Badges: []string{"1111111111"}},
	{ID: "D3", FamilyName: "Cancelled", GivenName: "Carl", Status: "cancelled", Role: "delegate", Language: "en", Badges: []string{"2222222222"}},
	{ID: "D4", FamilyName: "Later", GivenName: "Lou", Status: "registered", ValidFrom: "2026-11-24", Role: "delegate", Language: "fr", Badges: []string{"3333333333"}},
}

func seed(t testing.TB, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	if err := db.SetMeeting(ctx, kiosk.Meeting{ID: "SG12", Name: "SG12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplaceRoster(ctx, testRoster); err != nil {
		t.Fatal(err)
	}
}

var tapSeq int

func tapOf(c *clock, uid, direction string) kiosk.Tap {
	tapSeq++
	return kiosk.Tap{ID: fmt.Sprintf("T%06d", tapSeq), Credential: kiosk.Credential{UID: uid}, Source: "rfid",
		Gate: "main", Direction: direction, Kiosk: "k1", At: c.Now().UTC()}
}

func TestRecordTapDecisions(t *testing.T) {
	db, c := newDB(t)
	seed(t, db)
	ctx := context.Background()
	if err := db.DeskRevoke(ctx, "tester", "1111111111"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, uid, dir, result, reason, delegate string
		first                                    bool
	}{
		{"first entry", "0A0B0C0D0E", "in", "accepted", "", "D1", true},
		{"second entry same day", "0A0B0C0D0E", "in", "accepted", "", "D1", false},
		{"exit", "0A0B0C0D0E", "out", "accepted", "", "D1", false},
		{"revoked", "1111111111", "in", "rejected", "revoked_badge", "D2", false},
		{"cancelled", "2222222222", "in", "rejected", "registration_cancelled", "D3", false},
		{"not yet valid", "3333333333", "in", "rejected", "not_valid_today", "D4", false},
		{"unknown", "FFFFFFFFFF", "in", "rejected", "unknown_badge", "", false},
	}
	for _, tt := range tests {
		rec, err := db.RecordTap(ctx, tapOf(c, tt.uid, tt.dir))
		if err != nil {
			t.Fatalf("%s: RecordTap: %v", tt.name, err)
		}
		var got string
		if rec.Delegate != nil {
			got = rec.Delegate.ID
		}
		if rec.Result != tt.result || rec.Reason != tt.reason || rec.FirstToday != tt.first || got != tt.delegate {
			t.Errorf("%s: got %s/%q first=%v delegate=%q, want %s/%q first=%v delegate=%q",
				tt.name, rec.Result, rec.Reason, rec.FirstToday, got, tt.result, tt.reason, tt.first, tt.delegate)
		}
	}

	// The next local day is a new first arrival, decided in the meeting's
	// zone: 23:30 Zurich is still today, 00:10 is tomorrow.
	c.Set(time.Date(2026, 11, 22, 23, 30, 0, 0, zurich))
	if rec, _ := db.RecordTap(ctx, tapOf(c, "0A0B0C0D0E", "in")); rec.FirstToday {
		t.Errorf("23:30 local: first_today = true, want false")
	}
	c.Set(time.Date(2026, 11, 23, 0, 10, 0, 0, zurich))
	if rec, _ := db.RecordTap(ctx, tapOf(c, "0A0B0C0D0E", "in")); !rec.FirstToday {
		t.Errorf("00:10 next day: first_today = false, want true")
	}
	// Validity starts on the 24th.
	c.Set(time.Date(2026, 11, 24, 8, 30, 0, 0, zurich))
	if rec, _ := db.RecordTap(ctx, tapOf(c, "3333333333", "in")); rec.Result != "accepted" || !rec.FirstToday {
		t.Errorf("D4 on 24th: got %s first=%v, want accepted first", rec.Result, rec.FirstToday)
	}

	var n, accepted int
	if err := db.Taps(ctx, "", func(r kiosk.TapRecord) error {
		n++
		if r.Result == "accepted" {
			accepted++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 10 || accepted != 6 {
		t.Errorf("stored taps = %d (%d accepted), want 10 (6 accepted)", n, accepted)
	}
}

func TestRecordTapConcurrentGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	db, c := openDB(t, path)
	seed(t, db)
	ctx := context.Background()
	const workers, each = 16, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				tap := kiosk.Tap{ID: fmt.Sprintf("W%02d-%03d", w, i), Credential: kiosk.Credential{UID: "0A0B0C0D0E"},
					Source: "rfid", Gate: "main", Direction: "in", Kiosk: "k1", At: c.Now().UTC()}
				rec, err := db.RecordTap(ctx, tap)
				if err != nil {
					errs <- err
					return
				}
				if rec.FirstToday {
					mu.Lock()
					firsts++
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("RecordTap: %v", err)
	}
	if firsts != 1 {
		t.Errorf("first_today given %d times, want exactly 1", firsts)
	}
	// Every acknowledged tap is in the file after reopening.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, _ := openDB(t, path)
	n := 0
	db2.Taps(ctx, "2026-11-22", func(kiosk.TapRecord) error { n++; return nil })
	if n != workers*each {
		t.Errorf("after reopen: %d taps, want %d", n, workers*each)
	}
}

func TestRecordTapAfterClose(t *testing.T) {
	db, c := newDB(t)
	db.Close()
	if _, err := db.RecordTap(context.Background(), tapOf(c, "0A", "in")); !errors.Is(err, sqlite.ErrClosed) {
		t.Errorf("RecordTap after Close: err = %v, want ErrClosed", err)
	}
}

func TestReplaceRoster(t *testing.T) {
	db, c := newDB(t)
	seed(t, db)
	ctx := context.Background()

	// Desk work since the first import: D2 gets a second badge, D1's roster
	// badge is reported lost and revoked.
	if err := bindBadge(ctx, db, "D2", "ABCDEF0123"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeskRevoke(ctx, "tester", "0A0B0C0D0E"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordTap(ctx, tapOf(c, "ABCDEF0123", "in")); err != nil {
		t.Fatal(err)
	}

	next := []kiosk.Delegate{
		testRoster[0], // unchanged, keeps its revoked badge revoked
		{ID: "D2", FamilyName: "王", GivenName: "伟", Status: "confirmed", Role: "head", Language: "zh", Badges: []string{"1111111111"}},
		{ID: "D5", FamilyName: "New", GivenName: "Nina", Status: "registered", Role: "delegate", Language: "es", Badges: []string{"2222222222"}},
	}
	res, err := db.ReplaceRoster(ctx, next)
	if err != nil {
		t.Fatalf("ReplaceRoster: %v", err)
	}
	want := kiosk.RosterImport{Added: 1, Updated: 1, Removed: 2, Unchanged: 1, Badges: 3}
	if res != want {
		t.Errorf("import = %+v, want %+v", res, want)
	}
	d2, err := db.Delegate(ctx, "D2")
	if err != nil {
		t.Fatal(err)
	}
	if d2.Role != "head" || len(d2.Badges) != 2 {
		t.Errorf("D2 = role %q badges %v, want head with desk and roster badge", d2.Role, d2.Badges)
	}
	if s, _ := db.LookupBadge(ctx, "0A0B0C0D0E"); !s.Revoked {
		t.Errorf("revoked roster badge resurrected by re-import")
	}
	if s, _ := db.LookupBadge(ctx, "2222222222"); !s.Known || s.Delegate.ID != "D5" {
		t.Errorf("badge moved from removed D3 to D5: got %+v", s)
	}
	if _, err := db.Delegate(ctx, "D3"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("removed delegate: err = %v, want not found", err)
	}
	n := 0
	db.Taps(ctx, "", func(kiosk.TapRecord) error { n++; return nil })
	if n != 1 {
		t.Errorf("taps after re-import = %d, want 1", n)
	}

	// A roster that gives D2's desk badge to someone else is refused whole.
	conflicting := append([]kiosk.Delegate{}, next...)
	conflicting[2].Badges = []string{"ABCDEF0123"}
	conflicting = append(conflicting, kiosk.Delegate{ID: "D9", FamilyName: "Nine", Status: "registered", Role: "delegate", Language: "en"})
	_, err = db.ReplaceRoster(ctx, conflicting)
	var ce *kiosk.RosterConflictError
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].HeldBy != "D2" || kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("conflicting import: err = %v, want one conflict held by D2", err)
	}
	if _, err := db.Delegate(ctx, "D9"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("refused import half-written: D9 exists")
	}
}

func TestBindBadge(t *testing.T) {
	db, _ := newDB(t)
	seed(t, db)
	ctx := context.Background()
	if err := bindBadge(ctx, db, "D2", "0A0B0C0D0E"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("bind UID held by D1: err = %v, want conflict", err)
	}
	if err := bindBadge(ctx, db, "D404", "ABCD"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("bind to unknown delegate: err = %v, want not found", err)
	}
	if err := db.DeskRevoke(ctx, "tester", "0A0B0C0D0E"); err != nil {
		t.Fatal(err)
	}
	if err := bindBadge(ctx, db, "D2", "0A0B0C0D0E"); err != nil {
		t.Errorf("rebinding a revoked UID: %v", err)
	}
	if err := db.DeskRevoke(ctx, "tester", "99999999"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("revoke unknown: err = %v, want not found", err)
	}
}

func TestMeetingAndSchedule(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	m, err := db.Meeting(ctx)
	if err != nil || m.TimeZone != "Europe/Zurich" {
		t.Fatalf("default meeting = %+v, %v", m, err)
	}
	if err := db.SetMeeting(ctx, kiosk.Meeting{TimeZone: "Mars/Olympus"}); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("bad zone: err = %v, want invalid", err)
	}
	if err := db.SetMeeting(ctx, kiosk.Meeting{TimeZone: "America/Mexico_City", Start: "2026-09-18", End: "2026-09-19"}); err != nil {
		t.Fatal(err)
	}
	mx, _ := time.LoadLocation("America/Mexico_City")
	s := kiosk.Schedule{
		Rooms: []kiosk.Room{{Name: "Sala A", Building: "IFT"}},
		Sessions: []kiosk.Session{
			{ID: "s2", Title: "Afternoon", Room: "Sala A", Start: time.Date(2026, 9, 18, 14, 0, 0, 0, mx), End: time.Date(2026, 9, 18, 17, 30, 0, 0, mx), Status: "scheduled"},
			{ID: "s1", Title: "Opening", Room: "Sala A", Start: time.Date(2026, 9, 18, 9, 0, 0, 0, mx), End: time.Date(2026, 9, 18, 12, 30, 0, 0, mx), Groups: []string{"WS"}, Status: "scheduled"},
			{ID: "s3", Title: "Late", Room: "Sala A", Start: time.Date(2026, 9, 18, 23, 0, 0, 0, mx), End: time.Date(2026, 9, 18, 23, 30, 0, 0, mx), Status: "scheduled"},
		},
	}
	if err := db.ReplaceSchedule(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := db.SessionsOn(ctx, "2026-09-18", mx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != "s1" || got[2].ID != "s3" || got[0].Start.Format(time.RFC3339) != "2026-09-18T09:00:00-06:00" {
		t.Errorf("sessions = %+v", got)
	}
}

func TestScheduleVersionMoves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	db, _ := openDB(t, path)
	ctx := context.Background()
	v0, err := db.ScheduleVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)
	if err := db.ReplaceSchedule(ctx, kiosk.Schedule{Sessions: []kiosk.Session{{ID: "s1", Title: "Plenary", Room: "A", Start: start, End: start.Add(time.Hour), Status: "scheduled"}}}); err != nil {
		t.Fatal(err)
	}
	v1, _ := db.ScheduleVersion(ctx)
	if v1 == v0 {
		t.Fatal("version did not move on a schedule import")
	}
	// A second process (another DB handle on the same file) sees it too.
	other, _ := openDB(t, path)
	if v, _ := other.ScheduleVersion(ctx); v != v1 {
		t.Fatalf("other handle sees %d, want %d", v, v1)
	}
	if err := other.SetMeeting(ctx, kiosk.Meeting{ID: "M", TimeZone: "Europe/Paris"}); err != nil {
		t.Fatal(err)
	}
	if v2, _ := db.ScheduleVersion(ctx); v2 == v1 {
		t.Fatal("version did not move on a meeting change")
	}
}

func TestScheduleMovedSessions(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	at := func(h int) time.Time { return time.Date(2026, 11, 22, h, 0, 0, 0, zurich) }
	session := func(id, room string, h int) kiosk.Session {
		return kiosk.Session{ID: id, Title: fmt.Sprint("Q", h, "/12"), Room: room, Start: at(h), End: at(h + 1), Status: "scheduled"}
	}
	load := func(sessions ...kiosk.Session) map[string]kiosk.Session {
		t.Helper()
		if err := db.ReplaceSchedule(ctx, kiosk.Schedule{Sessions: sessions}); err != nil {
			t.Fatal(err)
		}
		got, err := db.SessionsOn(ctx, "2026-11-22", zurich)
		if err != nil {
			t.Fatal(err)
		}
		byTitle := map[string]kiosk.Session{}
		for _, s := range got {
			byTitle[s.Title] = s
		}
		return byTitle
	}
	load(session("a", "Room K", 9), session("b", "Popov", 10), session("c", "Room H", 11))
	// CSV ids hold the room, so a moved CSV session has a new id: matched by
	// start and title. An ICS session keeps its id.
	got := load(session("a2", "Room C", 9), session("b", "Room D", 10), session("c", "Room H", 11))
	if got["Q9/12"].MovedFrom != "Room K" || got["Q10/12"].MovedFrom != "Popov" || got["Q11/12"].MovedFrom != "" {
		t.Fatalf("after a move: %+v", got)
	}
	// Importing the same schedule again keeps the marks.
	got = load(session("a2", "Room C", 9), session("b", "Room D", 10), session("c", "Room H", 11))
	if got["Q9/12"].MovedFrom != "Room K" || got["Q10/12"].MovedFrom != "Popov" {
		t.Fatalf("after the same import again: %+v", got)
	}
	data, _ := json.Marshal(got["Q9/12"])
	if !strings.Contains(string(data), `"moved_from":"Room K"`) {
		t.Fatalf("JSON: %s", data)
	}
	if data, _ := json.Marshal(got["Q11/12"]); strings.Contains(string(data), "moved_from") {
		t.Fatalf("JSON of an unmoved session: %s", data)
	}
}

// bindBadge binds a UID at the desk, as staff "tester".
func bindBadge(ctx context.Context, db *sqlite.DB, delegateID, uid string) error {
	_, err := db.DeskBind(ctx, "tester", kiosk.BindRequest{DelegateID: delegateID, UID: uid})
	return err
}

// TestScheduleChangedByAnyone: the schedule's subscribers hear of a first
// meeting setting, of a schedule import, and of a change made by another
// process, each with the day's cached sessions dropped first.
func TestScheduleChangedByAnyone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	db := sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	heard := func(what string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: ScheduleChanged not closed within 5 s", what)
		}
	}
	ch := db.ScheduleChanged()
	if err := db.SetMeeting(ctx, kiosk.Meeting{ID: "SG12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	heard("first meeting settings", ch)

	// The plenary is imported in room K through db, then moved to room L
	// by another process: each time the cached day is dropped before
	// subscribers hear of it.
	nine := time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)
	other := sqlite.NewDB(path)
	if err := other.Open(); err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for _, step := range []struct {
		what, room string
		by         *sqlite.DB
	}{{"schedule import", "K", db}, {"another process's import", "L", other}} {
		ch = db.ScheduleChanged()
		s := kiosk.Session{ID: "s1", Title: "Plenary", Room: step.room, Start: nine, End: nine.Add(time.Hour), Status: "scheduled"}
		if err := step.by.ReplaceSchedule(ctx, kiosk.Schedule{Sessions: []kiosk.Session{s}}); err != nil {
			t.Fatal(err)
		}
		heard(step.what, ch)
		if got, _ := db.SessionsOn(ctx, "2026-11-22", zurich); len(got) != 1 || got[0].Room != step.room {
			t.Errorf("%s: sessions = %+v, want room %s", step.what, got, step.room)
		}
	}
}

// logBuffer collects a logger's lines; safe for concurrent writers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// count returns how many lines contain s.
func (b *logBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}

// TestTapWritesFailing: when taps cannot be written, the store says so at
// once (WriteHealth, OnWriteHealth) with the reason, every tap fails as
// unavailable, and the log gets one line a minute however many taps fail;
// when there is room again the taps go through by themselves, and a probe
// finds out even if no tap comes.
func TestTapWritesFailing(t *testing.T) {
	logs := &logBuffer{}
	c := &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)}
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "kiosk.db"))
	db.Now = c.Now
	db.Logger = slog.New(slog.NewTextHandler(logs, nil))
	db.ProbeEvery = 20 * time.Millisecond
	var mu sync.Mutex
	var told []kiosk.StoreHealth
	db.OnWriteHealth = func(h kiosk.StoreHealth) { mu.Lock(); told = append(told, h); mu.Unlock() }
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed(t, db)
	ctx := context.Background()
	if h := db.WriteHealth(); !h.OK {
		t.Fatalf("health of a new database = %+v", h)
	}
	room := sqlitetest.Fill(t, db.Writer)

	n := 0
	tap := func() error {
		n++
		_, err := db.RecordTap(ctx, kiosk.Tap{ID: fmt.Sprintf("T%06d", n), Credential: kiosk.Credential{UID: "0A0B0C0D0E"},
			Source: "rfid", Gate: "main", Direction: "in", Kiosk: "k1", At: c.Now().UTC()})
		return err
	}
	for tap() == nil { // the pages already there fill up first
		if n > 10000 {
			t.Fatal("taps never fail in a full database")
		}
	}
	failedAt := c.Now()
	var wg sync.WaitGroup
	var errs sync.Map
	for range 200 { // a flood: one line in the log, not one per tap
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			n++
			id := n
			mu.Unlock()
			_, err := db.RecordTap(ctx, kiosk.Tap{ID: fmt.Sprintf("F%06d", id), Credential: kiosk.Credential{UID: "0A0B0C0D0E"},
				Source: "rfid", Gate: "main", Direction: "in", Kiosk: "k1", At: c.Now().UTC()})
			errs.Store(id, err)
		}()
	}
	wg.Wait()
	errs.Range(func(_, v any) bool {
		if err, _ := v.(error); kiosk.ErrorCode(err) != kiosk.EUNAVAILABLE {
			t.Errorf("tap on a full disk: %v, want code %s", err, kiosk.EUNAVAILABLE)
			return false
		}
		return true
	})
	h := db.WriteHealth()
	if h.OK || h.Reason != "disk full" || !h.Since.Equal(failedAt) {
		t.Errorf("health on a full disk = %+v, want not ok, disk full, since %v", h, failedAt)
	}
	if got := logs.count("taps cannot be written"); got != 1 {
		t.Errorf("%d log lines for the first 201 failed taps, want 1:\n%s", got, logs.buf.String())
	}
	c.Add(61 * time.Second)
	tap()
	tap()
	if got := logs.count("taps still cannot be written"); got != 1 {
		t.Errorf("%d reminders a minute later, want 1:\n%s", got, logs.buf.String())
	}

	room(true) // space again: the next tap goes through
	if err := tap(); err != nil {
		t.Fatalf("tap with room again: %v", err)
	}
	if h := db.WriteHealth(); !h.OK {
		t.Errorf("health after a tap went through = %+v", h)
	}
	if got := logs.count("taps are written again"); got != 1 {
		t.Errorf("%d recovery lines, want 1:\n%s", got, logs.buf.String())
	}

	// No tap comes: the probe finds the room.
	room(false)
	for tap() == nil {
	}
	if db.WriteHealth().OK {
		t.Fatal("health ok after a failed tap")
	}
	room(true)
	deadline := time.Now().Add(5 * time.Second)
	for !db.WriteHealth().OK {
		if time.Now().After(deadline) {
			t.Fatal("health still failing 5 s after room came back, with no tap")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	var oks []bool
	for _, h := range told {
		oks = append(oks, h.OK)
	}
	if fmt.Sprint(oks) != "[false true false true]" {
		t.Errorf("OnWriteHealth told %v, want [false true false true] (changes only)", oks)
	}
}

// TestBuildings: the buildings of the rooms and of the sessions, each
// once, in order; none before a schedule.
func TestBuildings(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	if got, err := db.Buildings(ctx); err != nil || len(got) != 0 {
		t.Fatalf("buildings of no schedule = %q, %v; want none", got, err)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if err := db.ReplaceSchedule(ctx, kiosk.Schedule{
		Rooms: []kiosk.Room{{Name: "Popov", Building: "Tower"}, {Name: "K", Building: "Montbrillant"}, {Name: "Lobby"}},
		Sessions: []kiosk.Session{
			{ID: "a", Title: "A", Room: "Popov", Building: "Tower", Start: at, End: at.Add(time.Hour), Status: "scheduled"},
			{ID: "b", Title: "B", Room: "C1", Building: "Varembé", Start: at.Add(48 * time.Hour), End: at.Add(49 * time.Hour), Status: "scheduled"},
		},
	}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Buildings(ctx)
	if want := []string{"Montbrillant", "Tower", "Varembé"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("buildings = %q, %v; want %q", got, err, want)
	}
}
