package kiosk_test

import (
	"testing"

	"checkin/kiosk"
)

func TestDecide(t *testing.T) {
	meeting := kiosk.Meeting{Start: "2026-11-21", End: "2026-11-28"}
	active := &kiosk.Delegate{ID: "D1", Status: kiosk.StatusRegistered}
	confirmed := &kiosk.Delegate{ID: "D2", Status: kiosk.StatusConfirmed}
	cancelled := &kiosk.Delegate{ID: "D3", Status: kiosk.StatusCancelled}
	partWeek := &kiosk.Delegate{ID: "D4", Status: kiosk.StatusRegistered, ValidFrom: "2026-11-23", ValidTo: "2026-11-24"}
	openEnded := &kiosk.Delegate{ID: "D5", ValidFrom: "2026-11-22"}

	known := func(d *kiosk.Delegate) kiosk.Standing { return kiosk.Standing{Known: true, Delegate: d} }
	tests := []struct {
		name      string
		cred      kiosk.Credential
		standing  kiosk.Standing
		today     string
		meeting   kiosk.Meeting
		direction string
		result    string
		reason    string
	}{
		{"accepted", kiosk.Credential{UID: "0A"}, known(active), "2026-11-22", meeting, "in", "accepted", ""},
		{"confirmed accepted", kiosk.Credential{UID: "0A"}, known(confirmed), "2026-11-22", meeting, "in", "accepted", ""},
		{"unknown badge", kiosk.Credential{UID: "0A"}, kiosk.Standing{}, "2026-11-22", meeting, "in", "rejected", "unknown_badge"},
		{"known but no delegate", kiosk.Credential{UID: "0A"}, kiosk.Standing{Known: true}, "2026-11-22", meeting, "in", "rejected", "unknown_badge"},
		{"revoked badge", kiosk.Credential{UID: "0A"}, kiosk.Standing{Known: true, Revoked: true, Delegate: active}, "2026-11-22", meeting, "in", "rejected", "revoked_badge"},
		{"revoked beats cancelled", kiosk.Credential{UID: "0A"}, kiosk.Standing{Known: true, Revoked: true, Delegate: cancelled}, "2026-11-22", meeting, "in", "rejected", "revoked_badge"},
		{"invalid pass", kiosk.Credential{PassInvalid: true}, known(active), "2026-11-22", meeting, "in", "rejected", "invalid_pass"},
		{"cancelled", kiosk.Credential{UID: "0A"}, known(cancelled), "2026-11-22", meeting, "in", "rejected", "registration_cancelled"},
		{"cancelled beats validity", kiosk.Credential{UID: "0A"}, known(cancelled), "2030-01-01", meeting, "in", "rejected", "registration_cancelled"},
		{"before meeting", kiosk.Credential{UID: "0A"}, known(active), "2026-11-20", meeting, "in", "rejected", "not_valid_today"},
		{"first meeting day", kiosk.Credential{UID: "0A"}, known(active), "2026-11-21", meeting, "in", "accepted", ""},
		{"last meeting day", kiosk.Credential{UID: "0A"}, known(active), "2026-11-28", meeting, "in", "accepted", ""},
		{"after meeting", kiosk.Credential{UID: "0A"}, known(active), "2026-11-29", meeting, "in", "rejected", "not_valid_today"},
		{"part week before", kiosk.Credential{UID: "0A"}, known(partWeek), "2026-11-22", meeting, "in", "rejected", "not_valid_today"},
		{"part week from", kiosk.Credential{UID: "0A"}, known(partWeek), "2026-11-23", meeting, "in", "accepted", ""},
		{"part week to", kiosk.Credential{UID: "0A"}, known(partWeek), "2026-11-24", meeting, "in", "accepted", ""},
		{"part week after", kiosk.Credential{UID: "0A"}, known(partWeek), "2026-11-25", meeting, "in", "rejected", "not_valid_today"},
		{"open end uses meeting end", kiosk.Credential{UID: "0A"}, known(openEnded), "2026-11-29", meeting, "in", "rejected", "not_valid_today"},
		{"no meeting span", kiosk.Credential{UID: "0A"}, known(active), "2031-05-05", kiosk.Meeting{}, "in", "accepted", ""},
		{"exit of cancelled allowed", kiosk.Credential{UID: "0A"}, known(cancelled), "2026-11-22", meeting, "out", "accepted", ""},
		{"exit outside validity allowed", kiosk.Credential{UID: "0A"}, known(partWeek), "2026-11-22", meeting, "out", "accepted", ""},
		{"exit unknown still unknown", kiosk.Credential{UID: "0A"}, kiosk.Standing{}, "2026-11-22", meeting, "out", "rejected", "unknown_badge"},
		{"exit revoked still revoked", kiosk.Credential{UID: "0A"}, kiosk.Standing{Known: true, Revoked: true, Delegate: active}, "2026-11-22", meeting, "out", "rejected", "revoked_badge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			result, reason := kiosk.Decide(tt.cred, tt.standing, tt.today, tt.meeting, tt.direction)
			if result != tt.result || reason != tt.reason {
				t.Errorf("Decide = %q/%q, want %q/%q", result, reason, tt.result, tt.reason)
			}
		})
	}
}

func TestDelegateName(t *testing.T) {
	tests := []struct {
		family, given, want string
	}{
		{"Müller", "Jürgen", "Jürgen Müller"},
		{"王", "伟", "王伟"},
		{"김", "민준", "김민준"},
		{"Иванов", "Пётр", "Пётр Иванов"},
		{"الهاشمي", "ليلى", "ليلى الهاشمي"},
		{"Solo", "", "Solo"},
		{"", "Mononym", "Mononym"},
	}
	for _, tt := range tests {
		d := kiosk.Delegate{FamilyName: tt.family, GivenName: tt.given}
		if got := d.Name(); got != tt.want {
			t.Errorf("Name(%q, %q) = %q, want %q", tt.family, tt.given, got, tt.want)
		}
	}
}
