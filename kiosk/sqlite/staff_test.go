package sqlite_test

import (
	"context"
	"testing"

	"checkin/kiosk"
)

func TestStaff(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	if err := db.AddStaff(ctx, kiosk.Staff{Username: "amina", Role: "admin"}, "$argon2id$x"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddStaff(ctx, kiosk.Staff{Username: "amina", Role: "desk"}, "h"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("duplicate user: %v, want conflict", err)
	}
	db.AddStaff(ctx, kiosk.Staff{Username: "bo", Role: "desk"}, "h1")
	if err := db.SetStaffPassword(ctx, "bo", "h2"); err != nil {
		t.Fatal(err)
	}
	if s, h, err := db.StaffLogin(ctx, "bo"); err != nil || h != "h2" || s.Role != "desk" {
		t.Errorf("login bo = %+v %q %v", s, h, err)
	}
	if err := db.SetStaffPassword(ctx, "nobody", "h"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("passwd of unknown: %v", err)
	}
	if err := db.RemoveStaff(ctx, "bo"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.StaffLogin(ctx, "bo"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("removed user can log in: %v", err)
	}
	list, _ := db.ListStaff(ctx)
	if len(list) != 1 || list[0].Username != "amina" {
		t.Errorf("list = %+v", list)
	}
	db.Audit(ctx, "amina", "bind badge", "D1 0A0B0C0D")
	db.Audit(ctx, "amina", "revoke badge", "0A0B0C0D")
	log, _ := db.AuditLog(ctx, 10)
	if len(log) != 2 || log[0].Action != "revoke badge" || log[1].Detail != "D1 0A0B0C0D" {
		t.Errorf("audit log = %+v", log)
	}
}
