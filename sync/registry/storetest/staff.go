package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"checkin/kiosk"
)

// testStaff: logins are made, listed, changed and removed, and reach
// every kiosk through the feed (their hash, kind staff).
func testStaff(t *testing.T, open Opener) {
	s, clk := newStore(t, open)
	ctx := context.Background()
	if err := s.AddStaff(ctx, kiosk.Staff{Username: "olga", Role: kiosk.RoleDesk}, staffHash("olga-1")); err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(time.Hour))
	if err := s.AddStaff(ctx, kiosk.Staff{Username: "ada", Role: kiosk.RoleAdmin}, staffHash("ada")); err != nil {
		t.Fatal(err)
	}
	errCode(t, "a username taken", s.AddStaff(ctx, kiosk.Staff{Username: "olga", Role: kiosk.RoleAdmin}, staffHash("x")), kiosk.ECONFLICT)

	list, err := s.ListStaff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// By username; the source of a login made at the registry is "local".
	want := []kiosk.Staff{{Username: "ada", Role: kiosk.RoleAdmin, Created: t0.Add(time.Hour), Source: kiosk.StaffLocal},
		{Username: "olga", Role: kiosk.RoleDesk, Created: t0, Source: kiosk.StaffLocal}}
	if len(list) != len(want) {
		t.Fatalf("staff = %+v, want %+v", list, want)
	}
	for i := range want {
		if g := list[i]; g.Username != want[i].Username || g.Role != want[i].Role || !g.Created.Equal(want[i].Created) || g.Source != want[i].Source {
			t.Errorf("staff[%d] = %+v, want %+v", i, g, want[i])
		}
	}
	st, hash, err := s.StaffLogin(ctx, "olga")
	if err != nil || st.Username != "olga" || st.Role != kiosk.RoleDesk || hash != staffHash("olga-1") || !st.Created.Equal(t0) {
		t.Errorf("login of olga = %+v, %q, %v", st, hash, err)
	}
	_, _, err = s.StaffLogin(ctx, "nobody")
	errCode(t, "login of nobody", err, kiosk.ENOTFOUND)

	if err := s.SetStaffPassword(ctx, "olga", staffHash("olga-2")); err != nil {
		t.Fatal(err)
	}
	if _, hash, _ := s.StaffLogin(ctx, "olga"); hash != staffHash("olga-2") {
		t.Errorf("olga's hash after a new password: %q", hash)
	}
	errCode(t, "password of nobody", s.SetStaffPassword(ctx, "nobody", staffHash("x")), kiosk.ENOTFOUND)

	if a := apply(feed(t, s, 0)).upsert(t, "staff olga").(*kiosk.StaffAccount); *a != (kiosk.StaffAccount{Username: "olga", Role: kiosk.RoleDesk, PasswordHash: staffHash("olga-2")}) {
		t.Errorf("olga in the feed = %+v, want her new hash", *a)
	}
	if err := s.RemoveStaff(ctx, "olga"); err != nil {
		t.Fatal(err)
	}
	errCode(t, "removing olga twice", s.RemoveStaff(ctx, "olga"), kiosk.ENOTFOUND)
	_, _, err = s.StaffLogin(ctx, "olga")
	errCode(t, "login of a removed user", err, kiosk.ENOTFOUND)
	if list, _ := s.ListStaff(ctx); len(list) != 1 || list[0].Username != "ada" {
		t.Errorf("staff after removing olga = %+v", list)
	}
	st2 := apply(feed(t, s, 0))
	st2.deleted(t, "staff olga")
	if a := st2.upsert(t, "staff ada").(*kiosk.StaffAccount); a.Role != kiosk.RoleAdmin || a.PasswordHash != staffHash("ada") {
		t.Errorf("ada in the feed = %+v", *a)
	}
}

// testAudit: the audit log keeps actions with the store's time, newest
// first.
func testAudit(t *testing.T, open Opener) {
	s, clk := newStore(t, open)
	ctx := context.Background()
	if log, err := s.AuditLog(ctx, 10); err != nil || len(log) != 0 {
		t.Errorf("an empty store's audit log = %+v, %v", log, err)
	}
	for i := range 3 {
		clk.Set(t0.Add(time.Duration(i) * time.Minute))
		if err := s.Audit(ctx, "ada", fmt.Sprint("action-", i), fmt.Sprint("détail ", i, " — 名")); err != nil {
			t.Fatal(err)
		}
	}
	log, err := s.AuditLog(ctx, 2)
	if err != nil || len(log) != 2 {
		t.Fatalf("audit log (2) = %+v, %v", log, err)
	}
	for i, e := range log {
		n := 2 - i
		if e.Actor != "ada" || e.Action != fmt.Sprint("action-", n) || e.Detail != fmt.Sprint("détail ", n, " — 名") ||
			!e.At.Equal(t0.Add(time.Duration(n)*time.Minute)) {
			t.Errorf("audit log[%d] = %+v, want action-%d", i, e, n)
		}
	}
	if log, _ := s.AuditLog(ctx, 10); len(log) != 3 {
		t.Errorf("audit log (10) has %d entries, want 3", len(log))
	}
}

// testSessions: staff sessions of the dashboard, by token hash.
func testSessions(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	for _, u := range []string{"olga", "ada"} {
		if err := s.AddStaff(ctx, kiosk.Staff{Username: u, Role: kiosk.RoleDesk}, staffHash(u)); err != nil {
			t.Fatal(err)
		}
	}
	start := t0.Add(time.Hour)
	for _, h := range []string{"h1", "h2", "h3"} {
		if err := s.CreateSession(ctx, h, "olga", start); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, "h4", "ada", start); err != nil {
		t.Fatal(err)
	}
	se, err := s.Session(ctx, "h1")
	if err != nil || se.Username != "olga" || se.Role != kiosk.RoleDesk || !se.Created.Equal(start) || !se.Seen.Equal(start) {
		t.Errorf("session h1 = %+v, %v", se, err)
	}
	_, err = s.Session(ctx, "nope")
	errCode(t, "an unknown session", err, kiosk.ENOTFOUND)

	later := start.Add(2 * time.Hour)
	if err := s.TouchSession(ctx, "h1", later); err != nil {
		t.Fatal(err)
	}
	if se, _ := s.Session(ctx, "h1"); !se.Seen.Equal(later) || !se.Created.Equal(start) {
		t.Errorf("session h1 after a touch = %+v, want seen %v", se, later)
	}
	if err := s.DeleteSession(ctx, "h3"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, "h3")
	errCode(t, "a deleted session", err, kiosk.ENOTFOUND)

	// Idle since before start+1h: h2 and h4 go, h1 (seen later) stays.
	if err := s.ExpireSessions(ctx, start.Add(time.Hour), start.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for h, live := range map[string]bool{"h1": true, "h2": false, "h4": false} {
		if _, err := s.Session(ctx, h); live && err != nil || !live && kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Errorf("session %s after idle expiry: %v (want live %v)", h, err, live)
		}
	}
	// Created before start+1m: h1 goes, however recently seen.
	if err := s.ExpireSessions(ctx, start.Add(-time.Hour), start.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, "h1")
	errCode(t, "a session past its maximum age", err, kiosk.ENOTFOUND)

	// A new password signs the user out; removing a login ends its sessions.
	for _, h := range []string{"p1", "p2"} {
		if err := s.CreateSession(ctx, h, map[string]string{"p1": "olga", "p2": "ada"}[h], later); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetStaffPassword(ctx, "olga", staffHash("olga-2")); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, "p1")
	errCode(t, "a session after a new password", err, kiosk.ENOTFOUND)
	if err := s.RemoveStaff(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, "p2")
	errCode(t, "a session of a removed login", err, kiosk.ENOTFOUND)
}
