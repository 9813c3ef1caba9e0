package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
	"checkin/sync/registry"
)

func applyBadges(t *testing.T, s registry.Store, desk string, events []wire.BadgeEvent, received time.Time) wire.BadgesResponse {
	t.Helper()
	res, err := s.ApplyBadgeEvents(context.Background(), desk, events, received)
	if err != nil {
		t.Fatalf("badge events from %s: %v", desk, err)
	}
	return res
}

func conflicts(t *testing.T, s registry.Store, limit int) []wire.LostBind {
	t.Helper()
	out, err := s.Conflicts(context.Background(), limit)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testBadgeConflictEitherOrder: two desks bound one UID to different
// delegates while apart; the earlier bind wins whichever arrives first,
// and the loser is listed.
func testBadgeConflictEitherOrder(t *testing.T, open Opener) {
	const uid = "ABCDEF0123"
	early := bind("b-early", uid, "D2", nine)
	late := bind("b-late", uid, "D3", nine.Add(time.Minute))
	type outcome struct {
		badge kiosk.BadgeBinding
		lost  []wire.LostBind // Conflicts, ids cleared
	}
	outcomes := map[string]outcome{}
	for _, order := range []string{"earlier first", "later first"} {
		first, second := early, late
		if order == "later first" {
			first, second = late, early
		}
		s, _ := newStore(t, open)
		importRoster(t, s)
		if res := applyBadges(t, s, "desk-a", []wire.BadgeEvent{first}, nine.Add(5*time.Minute)); res.Applied != 1 {
			t.Errorf("%s: first bind: %+v, want applied", order, res)
		}
		res := applyBadges(t, s, "desk-b", []wire.BadgeEvent{second, second}, nine.Add(10*time.Minute))
		// The answer goes to the desk that sent second: it lists second
		// when second lost; when second displaced first (which was
		// applied), the loser shows in Conflicts and in the feed only.
		want := wire.BadgesResponse{Applied: 1, Duplicates: 1, Lost: []wire.LostBind{}}
		if order == "earlier first" {
			want = wire.BadgesResponse{Duplicates: 1, Lost: []wire.LostBind{{ID: "b-late", UID: uid, DelegateID: "D3", HeldBy: "D2"}}}
		}
		if !reflect.DeepEqual(res, want) {
			t.Errorf("%s: second bind: %+v, want %+v", order, res, want)
		}
		o := outcome{badge: badgeAfter(t, s, uid), lost: conflicts(t, s, 10)}
		for i, l := range o.lost {
			// The earlier-first order lists the losing event's id. The
			// later-first order lists, on SQLite, the id of the event that
			// displaced it (the winner): not pinned here.
			if l.ID != "b-late" && l.ID != "b-early" {
				t.Errorf("%s: conflict id %q, want one of the two binds", order, l.ID)
			}
			o.lost[i].ID = ""
		}
		outcomes[order] = o

		// Delivered again, both change nothing.
		h := head(t, s)
		if res := applyBadges(t, s, "desk-a", []wire.BadgeEvent{early, late}, nine.Add(time.Hour)); res.Duplicates != 2 || res.Applied != 0 || len(res.Lost) != 0 {
			t.Errorf("%s: redelivery: %+v, want 2 duplicates", order, res)
		}
		unchanged(t, s, h, "redelivered badge events")
	}
	want := outcome{badge: kiosk.BadgeBinding{UID: uid, DelegateID: "D2"},
		lost: []wire.LostBind{{UID: uid, DelegateID: "D3", HeldBy: "D2"}}}
	for order, o := range outcomes {
		if !reflect.DeepEqual(o, want) {
			t.Errorf("%s: badge %+v, conflicts %+v; want %+v, %+v", order, o.badge, o.lost, want.badge, want.lost)
		}
	}
}

// testBadgeEventRules: roster badges keep their holder, binds to unknown
// delegates do nothing, stale revokes do nothing, each event id applies
// once.
func testBadgeEventRules(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	events := []wire.BadgeEvent{
		bind("x1", "0A0B0C0D0E", "D2", nine),                // D1's roster badge: the roster wins
		bind("x2", "1234567890", "D404", nine),              // unknown delegate: ignored
		bind("x3", "1234567890", "D2", nine),                // applies
		revoke("x4", "1234567890", nine.Add(-time.Hour)),    // older than the bind: stale
		revoke("x5", "1234567890", nine.Add(time.Hour)),     // applies
		bind("x6", "5555555555", "D3", nine.Add(time.Hour)), // applies
		bind("x6", "5555555555", "D3", nine.Add(time.Hour)), // the same event twice in a batch
	}
	res := applyBadges(t, s, "desk", events, nine.Add(2*time.Hour))
	want := wire.BadgesResponse{Applied: 3, Duplicates: 1, Lost: []wire.LostBind{{ID: "x1", UID: "0A0B0C0D0E", DelegateID: "D2", HeldBy: "D1"}}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	st := apply(feed(t, s, 0))
	for uid, want := range map[string]kiosk.BadgeBinding{
		"0A0B0C0D0E": {UID: "0A0B0C0D0E", DelegateID: "D1"},
		"1234567890": {UID: "1234567890", DelegateID: "D2", Revoked: true},
		"5555555555": {UID: "5555555555", DelegateID: "D3"},
	} {
		if got := st.upsert(t, "badge "+uid).(*kiosk.BadgeBinding); *got != want {
			t.Errorf("badge %s = %+v, want %+v", uid, *got, want)
		}
	}
	if got := conflicts(t, s, 10); !reflect.DeepEqual(got, want.Lost) {
		t.Errorf("conflicts = %+v, want %+v", got, want.Lost)
	}

	h := head(t, s)
	res = applyBadges(t, s, "other-desk", events, nine.Add(3*time.Hour))
	if res.Applied != 0 || res.Duplicates != len(events) || len(res.Lost) != 0 {
		t.Errorf("redelivery = %+v, want %d duplicates only", res, len(events))
	}
	unchanged(t, s, h, "redelivered badge events")

	// A second conflict, received later, comes first; the limit holds.
	applyBadges(t, s, "desk", []wire.BadgeEvent{bind("x7", "5555555555", "D4", nine.Add(2*time.Hour))}, nine.Add(4*time.Hour))
	if got := conflicts(t, s, 1); len(got) != 1 || got[0].ID != "x7" || got[0].HeldBy != "D3" {
		t.Errorf("latest conflict = %+v, want x7 lost to D3", got)
	}
	if got := conflicts(t, s, 10); len(got) != 2 {
		t.Errorf("conflicts = %+v, want 2", got)
	}
}

// testBadgeRevoke: a revoke applies to a live binding it is not older
// than; a revoked UID can be bound again.
func testBadgeRevoke(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	const uid = "1234567890"
	recv := nine.Add(time.Hour)
	h := head(t, s)
	if res := applyBadges(t, s, "desk", []wire.BadgeEvent{revoke("r0", uid, nine)}, recv); res.Applied != 0 || len(res.Lost) != 0 {
		t.Errorf("revoke of an unknown UID: %+v, want nothing applied", res)
	}
	unchanged(t, s, h, "a revoke of an unknown UID")

	applyBadges(t, s, "desk", []wire.BadgeEvent{bind("b1", uid, "D2", nine)}, recv)
	if res := applyBadges(t, s, "desk", []wire.BadgeEvent{revoke("r1", uid, nine.Add(time.Minute))}, recv); res.Applied != 1 {
		t.Errorf("revoke: %+v, want applied", res)
	}
	if b := badgeAfter(t, s, uid); b != (kiosk.BadgeBinding{UID: uid, DelegateID: "D2", Revoked: true}) {
		t.Errorf("after the revoke: %+v", b)
	}
	h = head(t, s)
	if res := applyBadges(t, s, "desk", []wire.BadgeEvent{revoke("r2", uid, nine.Add(2*time.Minute))}, recv); res.Applied != 0 {
		t.Errorf("revoke of a revoked badge: %+v, want nothing applied", res)
	}
	unchanged(t, s, h, "a revoke of a revoked badge")

	if res := applyBadges(t, s, "desk", []wire.BadgeEvent{bind("b2", uid, "D3", nine.Add(3*time.Minute))}, recv); res.Applied != 1 {
		t.Errorf("bind of a revoked UID: %+v, want applied", res)
	}
	if b := badgeAfter(t, s, uid); b != (kiosk.BadgeBinding{UID: uid, DelegateID: "D3"}) {
		t.Errorf("after the new bind: %+v", b)
	}
	// A bind made before a revoke, delivered after it (a desk that was
	// offline), cannot bring the revoked badge back.
	applyBadges(t, s, "desk", []wire.BadgeEvent{revoke("r4", uid, nine.Add(5*time.Minute))}, recv)
	h = head(t, s)
	if res := applyBadges(t, s, "desk-offline", []wire.BadgeEvent{bind("b3", uid, "D1", nine.Add(4*time.Minute))}, recv); res.Applied != 0 {
		t.Errorf("a bind older than the revoke: %+v, want nothing applied", res)
	}
	unchanged(t, s, h, "a bind older than the revoke")
	if b := badgeAfter(t, s, uid); b != (kiosk.BadgeBinding{UID: uid, DelegateID: "D3", Revoked: true}) {
		t.Errorf("after a bind older than the revoke: %+v, want still revoked", b)
	}
	// A roster badge can be revoked at a desk.
	if res := applyBadges(t, s, "desk", []wire.BadgeEvent{revoke("r3", "0A0B0C0D0E", nine)}, recv); res.Applied != 1 {
		t.Errorf("revoke of a roster badge: %+v, want applied", res)
	}
	if b := badgeAfter(t, s, "0A0B0C0D0E"); !b.Revoked || b.DelegateID != "D1" {
		t.Errorf("roster badge after a desk revoke: %+v", b)
	}
}

// testDeskTimeTrustedWithinMeeting: a desk event's own time counts only
// between the meeting's first day (local midnight) and its arrival at the
// registry; otherwise it counts as made when it arrived. Each case has a
// UID of its own, in one store with the meeting's dates and one without.
func testDeskTimeTrustedWithinMeeting(t *testing.T, open Opener) {
	y2020 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	y2099 := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		first     wire.BadgeEvent // received at nine
		second    wire.BadgeEvent // received at nine + 1h
		holder    string          // "" for revoked
		lostBy    string          // who Conflicts lists as losing
		noMeeting bool
	}{
		{"bind stamped before the meeting", bind("a", "", "D2", nine), bind("b", "", "D3", y2020), "D2", "D3", false},
		{"bind stamped the evening before the first day", bind("a", "", "D2", nine),
			bind("b", "", "D3", time.Date(2026, 11, 20, 23, 59, 0, 0, zurich)), "D2", "D3", false},
		{"bind stamped at the first day's local midnight", bind("a", "", "D2", nine),
			bind("b", "", "D3", time.Date(2026, 11, 21, 0, 0, 0, 0, zurich)), "D3", "D2", false},
		{"bind stamped after its arrival", bind("a", "", "D2", y2099), bind("b", "", "D3", nine.Add(30*time.Minute)), "D2", "D3", false},
		{"bind stamped after its arrival, no meeting dates", bind("a", "", "D2", y2099),
			bind("b", "", "D3", nine.Add(30*time.Minute)), "D2", "D3", true},
		{"an honest earlier bind still wins", bind("a", "", "D2", nine), bind("b", "", "D3", nine.Add(-time.Hour)), "D3", "D2", false},
		{"revoke from a desk whose clock is in 2020", bind("a", "", "D2", y2020), revoke("b", "", y2020.Add(5*time.Minute)), "", "", false},
	}
	ctx := context.Background()
	withMeeting, _ := newStore(t, open)
	importRoster(t, withMeeting)
	noMeeting, _ := newStore(t, open)
	if _, err := noMeeting.ReplaceRoster(ctx, roster()); err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		s := withMeeting
		if tt.noMeeting {
			s = noMeeting
		}
		uid := fmt.Sprintf("ABCDEF01%02d", i)
		first, second := tt.first, tt.second
		first.ID, second.ID = fmt.Sprint(i, first.ID), fmt.Sprint(i, second.ID)
		first.UID, second.UID = uid, uid
		applyBadges(t, s, "desk-a", []wire.BadgeEvent{first}, nine)
		applyBadges(t, s, "desk-b", []wire.BadgeEvent{second}, nine.Add(time.Hour))
		b := badgeAfter(t, s, uid)
		if tt.holder == "" {
			if !b.Revoked {
				t.Errorf("%s: badge %+v, want it revoked", tt.name, b)
			}
			continue
		}
		if b.DelegateID != tt.holder || b.Revoked {
			t.Errorf("%s: badge %+v, want held by %s", tt.name, b, tt.holder)
		}
		var lost []string
		for _, l := range conflicts(t, s, 100) {
			if l.UID == uid {
				lost = append(lost, l.DelegateID)
			}
		}
		if len(lost) != 1 || lost[0] != tt.lostBy {
			t.Errorf("%s: conflicts list %v as losing, want %s", tt.name, lost, tt.lostBy)
		}
	}
}
