package kiosk_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/passbook"
	"checkin/kiosk/sqlite"
)

func TestReplacedBy(t *testing.T) {
	const pass = "0123456789ABCDEF01234567"
	badges := []kiosk.BadgeInfo{
		{UID: "0F0F0F0F0F"}, {UID: "04A1B2C3D4E5F6"}, {UID: pass}, {UID: "0A0B0C0D0E"}, {UID: "1111111111", Revoked: true},
	}
	for _, tc := range []struct {
		name   string
		badges []kiosk.BadgeInfo
		uid    string
		want   []string
	}{
		{"the others, in order", badges, "04A1B2C3D4E5F6", []string{"0F0F0F0F0F", "0A0B0C0D0E"}},
		{"a new badge replaces all", badges, "ABCDEF01", []string{"0F0F0F0F0F", "04A1B2C3D4E5F6", "0A0B0C0D0E"}},
		{"only the new badge", []kiosk.BadgeInfo{{UID: "ABCDEF01"}}, "ABCDEF01", []string{}},
		{"none", nil, "ABCDEF01", []string{}},
	} {
		if got := kiosk.ReplacedBy(tc.badges, tc.uid); !slices.Equal(got, tc.want) || got == nil {
			t.Errorf("%s: ReplacedBy = %#v, want %#v", tc.name, got, tc.want)
		}
	}
}

// desk is a desk service on a real database, with what it published.
type desk struct {
	*kiosk.DeskService
	db        *sqlite.DB
	published []kiosk.TapResult
	changed   int
	now       time.Time
}

var zurich, _ = time.LoadLocation("Europe/Zurich")

func newDesk(t *testing.T) *desk {
	t.Helper()
	d := &desk{now: time.Date(2026, 11, 22, 10, 0, 0, 0, zurich)}
	now := func() time.Time { return d.now }
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "kiosk.db"))
	db.Now = now
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := db.SetMeeting(ctx, kiosk.Meeting{ID: "SG12", Name: "SG12", TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplaceRoster(ctx, []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Status: "registered", Role: "head", Language: "en", Badges: []string{"0A0B0C0D0E"}},
		{ID: "D2", FamilyName: "王", GivenName: "伟", Status: "confirmed", Role: "delegate", Language: "zh", Badges: []string{"1111111111"}},
		{ID: "D3", FamilyName: "Cancelled", GivenName: "Carl", Status: "cancelled", Role: "delegate", Language: "en"},
		{ID: "D4", FamilyName: "Later", GivenName: "Lou", Status: "registered", ValidFrom: "2026-11-24", Role: "delegate", Language: "fr"},
	}); err != nil {
		t.Fatal(err)
	}
	book, err := passbook.Open(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	d.db = db
	n := 0
	taps := &kiosk.TapService{Taps: db, Schedule: db, Now: now, Kiosk: "k1",
		NewID:   func() string { n++; return fmt.Sprintf("T%03d", n) },
		Publish: func(r kiosk.TapResult) { d.published = append(d.published, r) }}
	d.DeskService = &kiosk.DeskService{Store: db, Taps: taps, Passes: book, Changed: func() { d.changed++ }}
	return d
}

// audit returns the audit log, oldest first, as "actor action: detail".
func (d *desk) audit(t *testing.T) []string {
	t.Helper()
	log, err := d.db.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for i := len(log) - 1; i >= 0; i-- {
		out = append(out, log[i].Actor+" "+log[i].Action+": "+log[i].Detail)
	}
	return out
}

// queued returns the badge events waiting for the registry, as "op uid".
func (d *desk) queued(t *testing.T) []string {
	t.Helper()
	out := []string{}
	for _, e := range d.pending(t) {
		out = append(out, e.Op+" "+e.UID)
	}
	slices.Sort(out)
	return out
}

// deliver marks the waiting badge events as taken by the registry.
func (d *desk) deliver(t *testing.T) {
	t.Helper()
	var ids []string
	for _, e := range d.pending(t) {
		ids = append(ids, e.ID)
	}
	if err := d.db.MarkBadgeEventsDelivered(context.Background(), ids); err != nil {
		t.Fatal(err)
	}
}

func (d *desk) pending(t *testing.T) []kiosk.BadgeEvent {
	t.Helper()
	evs, err := d.db.PendingBadgeEvents(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestDeskBind(t *testing.T) {
	for _, tc := range []struct {
		name    string
		before  func(*desk) error
		req     kiosk.BindRequest
		code    string
		bound   kiosk.Bound
		audit   []string
		queued  []string
		changed int
	}{
		{name: "a new badge, any spelling", req: kiosk.BindRequest{DelegateID: "D2", UID: "04:a1:b2:c3:d4:e5:f6"},
			bound:  kiosk.Bound{UID: "04A1B2C3D4E5F6", DelegateID: "D2", Revoked: []string{}},
			audit:  []string{"dana badge.bind: 04A1B2C3D4E5F6 to D2"},
			queued: []string{"bind 04A1B2C3D4E5F6"}, changed: 1},
		{name: "a lost badge replaced; the pass stays",
			before: func(d *desk) error { _, err := d.IssuePass(context.Background(), "ada", "D1"); return err },
			req:    kiosk.BindRequest{DelegateID: "D1", UID: "04A1B2C3D4E5F6", Replace: true},
			bound:  kiosk.Bound{UID: "04A1B2C3D4E5F6", DelegateID: "D1", Revoked: []string{"0A0B0C0D0E"}},
			audit:  []string{"dana badge.bind: 04A1B2C3D4E5F6 to D1, replacing 0A0B0C0D0E"},
			queued: []string{"bind 04A1B2C3D4E5F6", "revoke 0A0B0C0D0E"}, changed: 1},
		{name: "the badge the delegate holds already", req: kiosk.BindRequest{DelegateID: "D1", UID: "0a0b0c0d0e"},
			bound: kiosk.Bound{UID: "0A0B0C0D0E", DelegateID: "D1", Revoked: []string{}},
			audit: []string{"dana badge.bind: 0A0B0C0D0E to D1"}, queued: []string{}, changed: 1},
		{name: "a revoked badge reissued to someone else",
			before: func(d *desk) error { _, err := d.Revoke(context.Background(), "ada", "0A0B0C0D0E"); return err },
			req:    kiosk.BindRequest{DelegateID: "D2", UID: "0A0B0C0D0E", Replace: true},
			bound:  kiosk.Bound{UID: "0A0B0C0D0E", DelegateID: "D2", Revoked: []string{"1111111111"}},
			audit:  []string{"dana badge.bind: 0A0B0C0D0E to D2, replacing 1111111111"},
			queued: []string{"bind 0A0B0C0D0E", "revoke 1111111111"}, changed: 1},
		{name: "held by someone else: refused, audited", req: kiosk.BindRequest{DelegateID: "D2", UID: "0A0B0C0D0E", Replace: true},
			code: kiosk.ECONFLICT, audit: []string{"dana badge.bind.refused: 0A0B0C0D0E for D2: held by D1"}, queued: []string{}},
		{name: "unknown delegate", req: kiosk.BindRequest{DelegateID: "D404", UID: "ABCDEF01"},
			code: kiosk.ENOTFOUND, audit: []string{}, queued: []string{}},
		{name: "not a UID", req: kiosk.BindRequest{DelegateID: "D1", UID: "not hex"},
			code: kiosk.EINVALID, audit: []string{}, queued: []string{}},
		{name: "a pass's UID", req: kiosk.BindRequest{DelegateID: "D1", UID: "0123456789ABCDEF01234567"},
			code: kiosk.EINVALID, audit: []string{}, queued: []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t)
			ctx := context.Background()
			if tc.before != nil {
				if err := tc.before(d); err != nil {
					t.Fatal(err)
				}
				d.deliver(t) // only what the bind does counts below
				d.changed = 0
			}
			nAudit := len(d.audit(t))
			b, err := d.Bind(ctx, "dana", tc.req)
			if kiosk.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			if err == nil && (b.UID != tc.bound.UID || b.DelegateID != tc.bound.DelegateID || !slices.Equal(b.Revoked, tc.bound.Revoked) || b.Revoked == nil) {
				t.Errorf("bound %#v, want %#v", b, tc.bound)
			}
			if got := d.audit(t)[nAudit:]; !slices.Equal(got, tc.audit) {
				t.Errorf("audit %q, want %q", got, tc.audit)
			}
			if got := d.queued(t); !slices.Equal(got, tc.queued) {
				t.Errorf("queued %q, want %q", got, tc.queued)
			}
			if d.changed != tc.changed {
				t.Errorf("Changed called %d times, want %d", d.changed, tc.changed)
			}
		})
	}
}

func TestDeskBindHeldNamesTheHolder(t *testing.T) {
	d := newDesk(t)
	_, err := d.Bind(context.Background(), "dana", kiosk.BindRequest{DelegateID: "D2", UID: "0A0B0C0D0E"})
	var held *kiosk.BadgeHeldError
	if !errors.As(err, &held) || held.Holder.ID != "D1" || held.Holder.Name() != "Jürgen Müller" {
		t.Fatalf("err = %#v, want a BadgeHeldError naming D1", err)
	}
	if got, want := kiosk.ErrorMessage(err), "badge 0A0B0C0D0E already belongs to Jürgen Müller (D1)"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestDeskRevoke(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	for _, tc := range []struct {
		uid, want, code string
		audit           []string
	}{
		{"0a:0b:0c:0d:0e", "0A0B0C0D0E", "", []string{"dana badge.revoke: 0A0B0C0D0E"}},
		{"0A0B0C0D0E", "0A0B0C0D0E", "", []string{"dana badge.revoke: 0A0B0C0D0E"}}, // again: nothing more to queue
		{"ABCDEF01", "", kiosk.ENOTFOUND, []string{}},
		{"xyz", "", kiosk.EINVALID, []string{}},
	} {
		n := len(d.audit(t))
		uid, err := d.Revoke(ctx, "dana", tc.uid)
		if kiosk.ErrorCode(err) != tc.code || uid != tc.want {
			t.Errorf("Revoke(%q) = %q, %v; want %q, code %q", tc.uid, uid, err, tc.want, tc.code)
		}
		if got := d.audit(t)[n:]; !slices.Equal(got, tc.audit) {
			t.Errorf("Revoke(%q): audit %q, want %q", tc.uid, got, tc.audit)
		}
	}
	if got, want := d.queued(t), []string{"revoke 0A0B0C0D0E"}; !slices.Equal(got, want) {
		t.Errorf("queued %q, want %q", got, want)
	}
}

// TestDeskCheckIn: a check-in by hand follows the entrance rules (Decide),
// is recorded with its audit entry and shows on the screens.
func TestDeskCheckIn(t *testing.T) {
	for _, tc := range []struct {
		name, id, gate, direction string
		code, result, reason      string
		audit                     string
	}{
		{name: "accepted at the desk", id: "D1", result: "accepted", audit: "dana checkin.manual: D1 in at desk: accepted"},
		{name: "out through a gate", id: "D2", gate: "north", direction: "out", result: "accepted", audit: "dana checkin.manual: D2 out at north: accepted"},
		{name: "cancelled", id: "D3", result: "rejected", reason: "registration_cancelled",
			audit: "dana checkin.manual: D3 in at desk: rejected (registration_cancelled)"},
		{name: "cancelled may leave", id: "D3", direction: "out", result: "accepted", audit: "dana checkin.manual: D3 out at desk: accepted"},
		{name: "not valid today", id: "D4", result: "rejected", reason: "not_valid_today",
			audit: "dana checkin.manual: D4 in at desk: rejected (not_valid_today)"},
		{name: "unknown delegate", id: "D404", code: kiosk.ENOTFOUND},
		{name: "bad direction", id: "D1", direction: "sideways", code: kiosk.EINVALID},
		{name: "bad gate", id: "D1", gate: strings.Repeat("g", 65), code: kiosk.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t)
			ctx := context.Background()
			res, err := d.CheckIn(ctx, "dana", tc.id, tc.gate, tc.direction)
			if kiosk.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			var taps []kiosk.TapRecord
			d.db.Taps(ctx, "", func(r kiosk.TapRecord) error { taps = append(taps, r); return nil })
			if tc.code != "" {
				if len(taps) != 0 || len(d.published) != 0 || len(d.audit(t)) != 0 {
					t.Errorf("a refused check-in left %d taps, %d screen results, audit %q", len(taps), len(d.published), d.audit(t))
				}
				return
			}
			if res.Result != tc.result || res.Reason != tc.reason || res.Delegate == nil || res.Delegate.ID != tc.id {
				t.Errorf("result %+v, want %s %q for %s", res, tc.result, tc.reason, tc.id)
			}
			if len(taps) != 1 || taps[0].Source != kiosk.SourceDesk || taps[0].Result != tc.result || taps[0].DelegateID != tc.id {
				t.Errorf("taps recorded: %+v", taps)
			}
			if len(d.published) != 1 || d.published[0].ID != res.ID {
				t.Errorf("screens got %+v, want the result", d.published)
			}
			if got := d.audit(t); !slices.Equal(got, []string{tc.audit}) {
				t.Errorf("audit %q, want %q", got, tc.audit)
			}
		})
	}
}

func TestDeskPasses(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	first, err := d.IssuePass(ctx, "dana", "D1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.IssuePass(ctx, "dana", "D404"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("pass for no one: %v, want not found", err)
	}
	// Showing the pass again, and a printed badge, carry the current pass:
	// neither breaks the pass already handed out.
	d.now = d.now.Add(2 * time.Second) // passes carry whole seconds
	if shown, err := d.CurrentPass(ctx, "dana", "D1"); err != nil || shown != first {
		t.Errorf("CurrentPass = %+v, %v; want the first pass", shown, err)
	}
	var printed string
	d.Render = func(w io.Writer, dl kiosk.Delegate, m kiosk.Meeting, token, layout string, _ []byte) error {
		printed = token
		_, err := fmt.Fprintf(w, "%%PDF %s %s %s", dl.Name(), m.Name, layout)
		return err
	}
	pdf, err := d.PrintBadge(ctx, "dana", "D1", "a6", false)
	if err != nil || string(pdf) != "%PDF Jürgen Müller SG12 a6" {
		t.Fatalf("PrintBadge = %q, %v", pdf, err)
	}
	if printed != first.Token {
		t.Errorf("the badge carries %q, want the current pass", printed)
	}
	// A badge for a delegate with no pass carries a new one.
	if _, err := d.PrintBadge(ctx, "dana", "D2", "cr80", false); err != nil {
		t.Fatal(err)
	}
	if current, err := d.CurrentPass(ctx, "dana", "D2"); err != nil || current.Token != printed {
		t.Errorf("D2's pass %+v, %v: want the printed one", current, err)
	}
	// A new pass supersedes the first; the card says so.
	second, err := d.IssuePass(ctx, "dana", "D1")
	if err != nil || second.Token == first.Token {
		t.Fatalf("IssuePass = %+v, %v; want a new pass", second, err)
	}
	if again, err := d.IssuePass(ctx, "dana", "D1"); err != nil || again != second {
		t.Errorf("a new pass in the same second: %+v, %v; want the same pass (signatures are deterministic)", again, err)
	}
	card, _ := d.db.DeskCard(ctx, "D1", "2026-11-22")
	var passes []string
	for _, b := range card.Badges {
		if b.Source == kiosk.BadgeSourcePass {
			passes = append(passes, fmt.Sprint(b.UID == first.UID, b.Revoked))
		}
	}
	if !slices.Equal(passes, []string{"false false", "true true"}) {
		t.Errorf("passes (first?, revoked?) = %q, want the new one valid, the first revoked", passes)
	}
	audit := d.audit(t)
	if len(audit) != 6 || audit[0] != "dana pass.issue: D1 "+first.ID || audit[1] != "dana badge.print: D1 a6" ||
		!strings.HasPrefix(audit[2], "dana pass.issue: D2 ") || audit[3] != "dana badge.print: D2 cr80" ||
		audit[4] != "dana pass.issue: D1 "+second.ID || audit[5] != audit[4] {
		t.Errorf("audit %q", audit)
	}

	// A badge that cannot be rendered: no pass recorded, nothing audited.
	d.Render = func(io.Writer, kiosk.Delegate, kiosk.Meeting, string, string, []byte) error {
		return errors.New("out of toner")
	}
	if _, err := d.PrintBadge(ctx, "dana", "D4", "cr80", true); err == nil || kiosk.ErrorCode(err) != kiosk.EINTERNAL {
		t.Errorf("render failure: %v, want internal", err)
	}
	if _, err := d.CurrentPass(ctx, "dana", "D4"); err != nil {
		t.Fatal(err)
	}
	if got := d.audit(t); len(got) != 7 || !strings.HasPrefix(got[6], "dana pass.issue: D4 ") {
		t.Errorf("a badge not printed left a trace: audit %q", got)
	}

	// The current pass was issued at another kiosk: its token is there.
	elsewhere := &kiosk.Pass{DelegateID: "D1", UID: "FFFFFFFFFFFFFFFFFFFFFFFF", IssuedAt: d.now.Add(time.Minute).Truncate(time.Second), Kiosk: "south"}
	if _, err := d.db.ApplyChanges(ctx, []kiosk.Change{{Seq: 1, Kind: kiosk.ChangePass, Op: kiosk.OpUpsert, Value: elsewhere}}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CurrentPass(ctx, "dana", "D1"); kiosk.ErrorCode(err) != kiosk.ECONFLICT || !strings.Contains(err.Error(), "south") {
		t.Errorf("current pass issued elsewhere: %v, want a conflict naming the kiosk", err)
	}
	d.Render = func(io.Writer, kiosk.Delegate, kiosk.Meeting, string, string, []byte) error { return nil }
	if _, err := d.PrintBadge(ctx, "dana", "D1", "cr80", false); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("printing a pass issued elsewhere: %v, want a conflict", err)
	}
	// A clock behind that kiosk's would issue a pass superseded at once.
	if _, err := d.IssuePass(ctx, "dana", "D1"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("a new pass older than the current one: %v, want a conflict", err)
	}
	d.now = d.now.Add(2 * time.Minute)
	if _, err := d.IssuePass(ctx, "dana", "D1"); err != nil {
		t.Errorf("a new pass replaces one issued elsewhere: %v", err)
	}
	for _, tc := range []struct {
		name, layout, code string
		setup              func()
	}{
		{"another layout", "a4", kiosk.EINVALID, func() {}},
		{"no printer", "cr80", kiosk.EUNAVAILABLE, func() { d.Render = nil }},
		{"no signer", "cr80", kiosk.EUNAVAILABLE, func() {
			d.Render = func(io.Writer, kiosk.Delegate, kiosk.Meeting, string, string, []byte) error { return nil }
			d.Passes = nil
		}},
	} {
		tc.setup()
		if _, err := d.PrintBadge(ctx, "dana", "D1", tc.layout, false); kiosk.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want code %q", tc.name, err, tc.code)
		}
	}
	if _, err := d.IssuePass(ctx, "dana", "D1"); kiosk.ErrorCode(err) != kiosk.EUNAVAILABLE {
		t.Errorf("pass without a signer: %v, want unavailable", err)
	}
}

// TestDeskPrintConfirm: the badge of a delegate the entrance would refuse
// today is printed only when the clerk confirms, and the refusal says why.
func TestDeskPrintConfirm(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	rendered := 0
	d.Render = func(w io.Writer, _ kiosk.Delegate, _ kiosk.Meeting, _, _ string, _ []byte) error {
		rendered++
		_, err := io.WriteString(w, "%PDF")
		return err
	}
	for _, tc := range []struct {
		name, id   string
		now        time.Time
		reason     string
		date, says string
	}{
		{"cancelled", "D3", d.now, kiosk.PrintCancelled, "", "registration cancelled"},
		{"not yet valid", "D4", d.now, kiosk.PrintNotYetValid, "2026-11-24", "valid only from 2026-11-24"},
		{"after the meeting", "D1", time.Date(2026, 11, 29, 9, 0, 0, 0, zurich), kiosk.PrintExpired, "2026-11-28", "no longer valid after 2026-11-28"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d.now = tc.now
			before := rendered
			_, err := d.PrintBadge(ctx, "dana", tc.id, "cr80", false)
			var confirm *kiosk.ConfirmPrintError
			if !errors.As(err, &confirm) || kiosk.ErrorCode(err) != kiosk.ECONFLICT ||
				confirm.Reason != tc.reason || confirm.Date != tc.date || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("unconfirmed: %v (%+v), want a conflict saying %q", err, confirm, tc.says)
			}
			if rendered != before {
				t.Errorf("an unconfirmed badge was rendered")
			}
			for _, a := range d.audit(t) {
				if strings.HasPrefix(a, "dana badge.print: "+tc.id+" ") {
					t.Errorf("an unconfirmed badge was audited as printed: %q", a)
				}
			}
			if pdf, err := d.PrintBadge(ctx, "dana", tc.id, "cr80", true); err != nil || string(pdf) != "%PDF" {
				t.Errorf("confirmed: %q, %v", pdf, err)
			}
		})
	}
	// A delegate valid today needs no confirmation.
	d.now = time.Date(2026, 11, 24, 9, 0, 0, 0, zurich)
	if _, err := d.PrintBadge(ctx, "dana", "D4", "a6", false); err != nil {
		t.Errorf("valid today: %v", err)
	}
}

func TestDeskNote(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	for _, tc := range []struct {
		id, note, want, code string
	}{
		{"D1", "  see secretariat \n", "see secretariat", ""},
		{"D1", "", "", ""},
		{"D1", strings.Repeat("é", kiosk.MaxNoteLen), strings.Repeat("é", kiosk.MaxNoteLen), ""},
		{"D1", strings.Repeat("x", kiosk.MaxNoteLen+1), "", kiosk.EINVALID},
		{"D404", "hello", "", kiosk.ENOTFOUND},
	} {
		got, err := d.SetNote(ctx, "dana", tc.id, tc.note)
		if got != tc.want || kiosk.ErrorCode(err) != tc.code {
			t.Errorf("SetNote(%q, %.10q) = %.10q, %v; want %.10q, code %q", tc.id, tc.note, got, err, tc.want, tc.code)
		}
	}
	if got := d.audit(t); len(got) != 3 || got[0] != "dana note.set: D1: see secretariat" || got[1] != "dana note.set: D1: " {
		t.Errorf("audit %.80q", got)
	}
}
