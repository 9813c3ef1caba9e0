package client_test

import (
	"context"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/password"
)

// TestStaffLoginsFromTheRegistry: a login made at the registry signs in at
// every kiosk; a new password there ends its sessions at the kiosks;
// removing it there removes it everywhere; a kiosk's own logins are left
// alone, and a kiosk cannot change a login the registry manages (#11 item
// 10: logins were per kiosk, so a clerk who moved desk could not sign in).
func TestStaffLoginsFromTheRegistry(t *testing.T) {
	v := newVenue(t, 10)
	db := newKiosk(t)
	ctx := context.Background()
	hash := func(pw string) string {
		h, err := password.Hash(pw)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if err := db.AddStaff(ctx, kiosk.Staff{Username: "local-lea", Role: kiosk.RoleDesk}, hash("lea's own pw")); err != nil {
		t.Fatal(err)
	}
	if err := v.admin.AddStaff(ctx, kiosk.Staff{Username: "maria", Role: kiosk.RoleDesk}, hash("maria at any desk")); err != nil {
		t.Fatal(err)
	}
	runClient(t, v, db, nil)
	signsIn := func(user, pw string) bool {
		_, h, err := db.StaffLogin(ctx, user)
		return err == nil && password.Check(pw, h) == nil
	}
	waitFor(t, "maria's login at the kiosk", func() bool { return signsIn("maria", "maria at any desk") })

	if err := db.CreateSession(ctx, "session-of-maria", "maria", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveStaff(ctx, "maria"); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("kiosk removes a login the registry manages: %v, want EINVALID", err)
	}
	if err := v.admin.SetStaffPassword(ctx, "maria", hash("maria's new pw")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new password at the kiosk", func() bool { return signsIn("maria", "maria's new pw") })
	if _, err := db.Session(ctx, "session-of-maria"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("maria's session at the kiosk after a new password at the registry: %v, want ended", err)
	}

	if err := v.admin.RemoveStaff(ctx, "maria"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "maria gone at the kiosk", func() bool {
		_, _, err := db.StaffLogin(ctx, "maria")
		return kiosk.ErrorCode(err) == kiosk.ENOTFOUND
	})
	if !signsIn("local-lea", "lea's own pw") {
		t.Error("the kiosk's own login stopped working")
	}
	list, _ := db.ListStaff(ctx)
	if len(list) != 1 || list[0].Source != kiosk.StaffLocal {
		t.Errorf("kiosk logins = %+v, want local-lea only", list)
	}
}
