package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/sqlitedb/sqlitetest"
)

// dump is every row of every table, as text: two dumps are equal when the
// database holds the same data.
func dump(t testing.TB, db *sqlite.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range sqlitetest.Rows(t, db.Readers, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`) {
		name := table[0].(string)
		var lines []string
		for _, row := range sqlitetest.Rows(t, db.Readers, `SELECT * FROM "`+name+`"`) {
			lines = append(lines, fmt.Sprintf("%v", row))
		}
		slices.Sort(lines)
		fmt.Fprintf(&b, "%s (%d rows)\n%s\n", name, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// failWhen makes the database refuse a statement, as a full disk or a
// damaged file would: a trigger that raises an error.
func failWhen(t testing.TB, db *sqlite.DB, event string) {
	t.Helper()
	write := db.Writer
	if _, err := write.Exec(`CREATE TRIGGER injected_failure ` + event + ` BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
}

// Events that a desk change's steps run into.
const (
	onRevoke = `BEFORE UPDATE OF revoked ON badges WHEN NEW.revoked = 1`
	onAudit  = `BEFORE INSERT ON audit_log`
	onEvent  = `BEFORE INSERT ON badge_events`
	onTap    = `BEFORE INSERT ON taps`
	onNewest = `BEFORE UPDATE ON passes`
	onIssued = `BEFORE INSERT ON issued_passes`
)

// TestDeskChangesAllOrNothing: a desk change whose any step fails leaves
// the database exactly as it was: no bind without its revocations, no
// badge event, pass, tap or audit entry of a change that did not happen.
func TestDeskChangesAllOrNothing(t *testing.T) {
	pass := func(uid string) kiosk.PassIssue {
		return kiosk.PassIssue{DelegateID: "D1", Pass: kiosk.IssuedPass{ID: "p-" + uid, UID: uid,
			IssuedAt: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}, Layout: "cr80"}
	}
	const pass1, pass2 = "0123456789ABCDEF01234567", "0123456789ABCDEF0123456F"
	bindReplace := func(ctx context.Context, db *sqlite.DB) error {
		_, err := db.DeskBind(ctx, "dana", kiosk.BindRequest{DelegateID: "D1", UID: "04A1B2C3D4E5F6", Replace: true})
		return err
	}
	revoke := func(ctx context.Context, db *sqlite.DB) error { return db.DeskRevoke(ctx, "dana", "0A0B0C0D0E") }
	checkIn := func(ctx context.Context, db *sqlite.DB) error {
		_, err := db.DeskCheckIn(ctx, "dana", kiosk.Tap{ID: "T-hand", Credential: kiosk.Credential{PassDelegate: "D1"},
			Source: kiosk.SourceDesk, Gate: "desk", Direction: "in", Kiosk: "k1", At: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)})
		return err
	}
	newPass := func(ctx context.Context, db *sqlite.DB) error {
		_, err := db.DeskPass(ctx, "dana", pass(pass2))
		return err
	}
	tests := []struct {
		name   string
		failOn string
		change func(context.Context, *sqlite.DB) error
	}{
		{"bind with replace: a revocation fails", onRevoke, bindReplace},
		{"bind with replace: its events fail", onEvent, bindReplace},
		{"bind with replace: its audit fails", onAudit, bindReplace},
		{"bind refused: its audit fails", onAudit, func(ctx context.Context, db *sqlite.DB) error {
			_, err := db.DeskBind(ctx, "dana", kiosk.BindRequest{DelegateID: "D2", UID: "0A0B0C0D0E"})
			return err
		}},
		{"revoke: its event fails", onEvent, revoke},
		{"revoke: its audit fails", onAudit, revoke},
		{"manual check-in: its audit fails", onAudit, checkIn},
		{"manual check-in: the tap fails", onTap, checkIn},
		{"new pass: superseding the earlier one fails", onNewest, newPass},
		{"new pass: keeping its token fails", onIssued, newPass},
		{"new pass: its audit fails", onAudit, newPass},
		{"note: its audit fails", onAudit, func(ctx context.Context, db *sqlite.DB) error {
			return db.SetNote(ctx, "D1", "see secretariat", "dana")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := newDB(t)
			seed(t, db)
			ctx := context.Background()
			// D1 holds two RFID badges and a pass.
			if err := bindBadge(ctx, db, "D1", "0F0F0F0F0F"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.DeskPass(ctx, "ada", pass(pass1)); err != nil {
				t.Fatal(err)
			}
			failWhen(t, db, tc.failOn)
			before := dump(t, db)
			err := tc.change(ctx, db)
			if err == nil || kiosk.ErrorCode(err) != kiosk.EINTERNAL || !strings.Contains(err.Error(), "injected failure") {
				t.Fatalf("err = %v, want the injected failure (internal)", err)
			}
			if after := dump(t, db); after != before {
				t.Errorf("a failed change changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// TestDeskBindWritesItsAccount: a committed bind with replace is one
// transaction with every row that tells of it; a refused one leaves only
// its audit entry.
func TestDeskBindWritesItsAccount(t *testing.T) {
	db, c := newDB(t)
	seed(t, db)
	ctx := context.Background()
	c.Add(time.Minute)
	if err := bindBadge(ctx, db, "D1", "0F0F0F0F0F"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkBadgeEventsDelivered(ctx, idsOf(t, db)); err != nil {
		t.Fatal(err)
	}
	queued := func() []string {
		t.Helper()
		evs, err := db.PendingBadgeEvents(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			out = append(out, e.Op+" "+e.UID+" "+e.DelegateID)
		}
		slices.Sort(out)
		return out
	}
	b, err := db.DeskBind(ctx, "dana", kiosk.BindRequest{DelegateID: "D1", UID: "04A1B2C3D4E5F6", Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"0F0F0F0F0F", "0A0B0C0D0E"}; !slices.Equal(b.Revoked, want) {
		t.Errorf("revoked %v, want %v (newest first)", b.Revoked, want)
	}
	if got, want := queued(), []string{"bind 04A1B2C3D4E5F6 D1", "revoke 0A0B0C0D0E ", "revoke 0F0F0F0F0F "}; !slices.Equal(got, want) {
		t.Errorf("queued %q, want %q", got, want)
	}
	log, _ := db.AuditLog(ctx, 10) // newest first, after the setup's bind by "tester"
	if len(log) != 2 || log[0].Actor != "dana" || log[0].Action != "badge.bind" ||
		log[0].Detail != "04A1B2C3D4E5F6 to D1, replacing 0F0F0F0F0F 0A0B0C0D0E" {
		t.Errorf("audit = %+v", log)
	}

	// Refused: the holder is named, the refusal audited, nothing queued.
	n := len(queued())
	_, err = db.DeskBind(ctx, "dana", kiosk.BindRequest{DelegateID: "D2", UID: "04A1B2C3D4E5F6", Replace: true})
	var held *kiosk.BadgeHeldError
	if !errors.As(err, &held) || held.Holder.ID != "D1" || kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Fatalf("bind held badge: %v, want a BadgeHeldError naming D1", err)
	}
	if len(queued()) != n {
		t.Errorf("a refused bind queued events")
	}
	log, _ = db.AuditLog(ctx, 10)
	if log[0].Action != "badge.bind.refused" || log[0].Detail != "04A1B2C3D4E5F6 for D2: held by D1" {
		t.Errorf("audit = %+v", log[0])
	}
	card, _ := db.DeskCard(ctx, "D2", "2026-11-22")
	if card.Badges[0].Revoked {
		t.Errorf("a refused bind with replace revoked the asker's badge: %+v", card.Badges)
	}
}

// idsOf lists the ids of the badge events waiting for delivery.
func idsOf(t testing.TB, db *sqlite.DB) []string {
	t.Helper()
	evs, err := db.PendingBadgeEvents(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	return ids
}
