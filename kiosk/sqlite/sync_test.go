package sqlite_test

import (
	"context"
	"testing"
	"time"

	"checkin/kiosk"
)

func change(seq int64, kind, op string, v any) kiosk.Change {
	return kiosk.Change{Seq: seq, Kind: kind, Op: op, Value: v}
}

// TestApplyChangesTells: what ApplyChanges reports a page touched, by kind
// and op (screens and pass keys are told from it).
func TestApplyChangesTells(t *testing.T) {
	db, _ := newDB(t)
	seed(t, db)
	ctx := context.Background()
	nine := time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)
	key := &kiosk.PassKey{ID: "k1", PublicKey: "k1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
	for i, tc := range []struct {
		page []kiosk.Change
		want kiosk.Applied
	}{
		{[]kiosk.Change{change(1, kiosk.ChangeMeeting, kiosk.OpUpsert, &kiosk.Meeting{ID: "SG12", TimeZone: "Europe/Zurich"})},
			kiosk.Applied{Changes: 1, ScheduleChanged: true}},
		{[]kiosk.Change{change(2, kiosk.ChangeMeeting, kiosk.OpDelete, &kiosk.Meeting{})}, kiosk.Applied{Changes: 1}},
		{[]kiosk.Change{change(3, kiosk.ChangeArrival, kiosk.OpUpsert, &kiosk.Arrival{DelegateID: "D1", Day: "2026-11-22", At: nine})},
			kiosk.Applied{Changes: 1}},
		{[]kiosk.Change{change(4, kiosk.ChangeArrival, kiosk.OpDelete, &kiosk.Arrival{DelegateID: "D1", Day: "2026-11-22"})},
			kiosk.Applied{Changes: 1}},
		{[]kiosk.Change{change(5, kiosk.ChangeRoom, kiosk.OpUpsert, &kiosk.Room{Name: "K"})}, kiosk.Applied{Changes: 1, ScheduleChanged: true}},
		{[]kiosk.Change{change(6, kiosk.ChangeSession, kiosk.OpDelete, &kiosk.Session{ID: "s1"})}, kiosk.Applied{Changes: 1, ScheduleChanged: true}},
		{[]kiosk.Change{change(7, kiosk.ChangeKey, kiosk.OpUpsert, key)}, kiosk.Applied{Changes: 1, KeysChanged: true}},
		{[]kiosk.Change{change(8, kiosk.ChangeKey, kiosk.OpDelete, key)}, kiosk.Applied{Changes: 1, KeysChanged: true}},
		{[]kiosk.Change{
			change(9, kiosk.ChangeDelegate, kiosk.OpUpsert, &kiosk.Delegate{ID: "D9", FamilyName: "Nkosi"}),
			change(10, kiosk.ChangeBadge, kiosk.OpUpsert, &kiosk.BadgeBinding{UID: "0909090909", DelegateID: "D9"}),
			change(11, "hologram", kiosk.OpUpsert, nil),
			change(12, kiosk.ChangeMeeting, kiosk.OpUpsert, &kiosk.Meeting{ID: "SG12", TimeZone: "Europe/Zurich"}),
		}, kiosk.Applied{Changes: 4, ScheduleChanged: true}},
	} {
		got, err := db.ApplyChanges(ctx, tc.page, tc.page[len(tc.page)-1].Seq)
		if err != nil || got != tc.want {
			t.Errorf("page %d: got %+v, %v; want %+v", i, got, err, tc.want)
		}
	}
	if st, _ := db.LookupBadge(ctx, "0909090909"); st.Delegate == nil || st.Delegate.ID != "D9" {
		t.Errorf("badge 0909090909: %+v", st)
	}
}

// TestNewestPassWins: a validly signed pass is refused as revoked_badge
// once a newer pass of its delegate is known, from the feed or from an
// entrance, whatever order they come in; in the same second the greater
// UID is the newer.
func TestNewestPassWins(t *testing.T) {
	db, _ := newDB(t)
	seed(t, db)
	ctx := context.Background()
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	p := func(uid string, minutes int) kiosk.Pass {
		return kiosk.Pass{DelegateID: "D1", UID: uid, IssuedAt: at.Add(time.Duration(minutes) * time.Minute)}
	}
	p1, p2, p3 := p("111111111111111111111111", 1), p("222222222222222222222222", 2), p("333333333333333333333333", 3)
	twin := p("000000000000000000000001", 2) // issued in p2's second, smaller UID
	tap := func(q kiosk.Pass) string {
		t.Helper()
		rec, err := db.RecordTap(ctx, kiosk.Tap{ID: kiosk.NewID(), Source: kiosk.SourceQR, Gate: "main", Direction: "in", Kiosk: "k1",
			At: at.Add(time.Hour), Credential: kiosk.Credential{UID: q.UID, PassDelegate: q.DelegateID, PassIssued: q.IssuedAt}})
		if err != nil {
			t.Fatal(err)
		}
		return rec.Reason
	}
	if r := tap(p1); r != "" {
		t.Fatalf("a pass this kiosk never heard of, newest known: %q", r)
	}
	if _, err := db.ApplyChanges(ctx, []kiosk.Change{change(1, kiosk.ChangePass, kiosk.OpUpsert, &p2)}, 1); err != nil {
		t.Fatal(err)
	}
	// Late news of an older pass, and a delete, change nothing.
	if _, err := db.ApplyChanges(ctx, []kiosk.Change{change(2, kiosk.ChangePass, kiosk.OpUpsert, &p1),
		change(3, kiosk.ChangePass, kiosk.OpDelete, &kiosk.Pass{DelegateID: "D1"})}, 3); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		pass kiosk.Pass
		want string
	}{
		{"older than the feed's", p1, kiosk.ReasonRevokedBadge},
		{"the feed's", p2, ""},
		{"same second, smaller UID", twin, kiosk.ReasonRevokedBadge},
		{"newer, shown here", p3, ""},
		{"the feed's, once a newer was shown", p2, kiosk.ReasonRevokedBadge},
	} {
		if got := tap(tc.pass); got != tc.want {
			t.Errorf("%s: reason %q, want %q", tc.name, got, tc.want)
		}
	}
}
