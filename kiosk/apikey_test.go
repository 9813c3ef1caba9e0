package kiosk_test

import (
	"strings"
	"testing"

	"checkin/kiosk"
)

func TestAnswerCredential(t *testing.T) {
	m := kiosk.Meeting{TimeZone: "Europe/Zurich", Start: "2026-11-21", End: "2026-11-28"}
	known := func(d kiosk.Delegate, revoked bool) kiosk.Standing {
		return kiosk.Standing{Known: true, Revoked: revoked, Delegate: &d}
	}
	for _, tc := range []struct {
		name  string
		st    kiosk.Standing
		today string
		m     kiosk.Meeting
		want  kiosk.CredentialAnswer
	}{
		{"unknown", kiosk.Standing{}, "2026-11-22", m, kiosk.CredentialAnswer{Reason: kiosk.ReasonUnknownBadge}},
		{"revoked badge", known(kiosk.Delegate{ID: "D1", Status: "registered"}, true), "2026-11-22", m,
			kiosk.CredentialAnswer{Reason: kiosk.ReasonRevokedBadge, DelegateID: "D1", ValidUntil: "2026-11-28"}},
		{"cancelled", known(kiosk.Delegate{ID: "D2", Status: kiosk.StatusCancelled}, false), "2026-11-22", m,
			kiosk.CredentialAnswer{Reason: kiosk.ReasonRegistrationCancelled, DelegateID: "D2", ValidUntil: "2026-11-28"}},
		{"not yet valid", known(kiosk.Delegate{ID: "D3", Status: "registered", ValidFrom: "2026-11-24", ValidTo: "2026-11-25"}, false), "2026-11-22", m,
			kiosk.CredentialAnswer{Reason: kiosk.ReasonNotValidToday, DelegateID: "D3", ValidUntil: "2026-11-25"}},
		{"no longer valid", known(kiosk.Delegate{ID: "D3", Status: "registered", ValidTo: "2026-11-21"}, false), "2026-11-22", m,
			kiosk.CredentialAnswer{Reason: kiosk.ReasonNotValidToday, DelegateID: "D3", ValidUntil: "2026-11-21"}},
		{"valid", known(kiosk.Delegate{ID: "D4", Status: "confirmed"}, false), "2026-11-22", m,
			kiosk.CredentialAnswer{Valid: true, DelegateID: "D4", ValidUntil: "2026-11-28"}},
		{"valid, last day", known(kiosk.Delegate{ID: "D4", Status: "registered", ValidTo: "2026-11-22"}, false), "2026-11-22", m,
			kiosk.CredentialAnswer{Valid: true, DelegateID: "D4", ValidUntil: "2026-11-22"}},
		{"valid, meeting without an end", known(kiosk.Delegate{ID: "D4", Status: "registered"}, false), "2026-11-22",
			kiosk.Meeting{TimeZone: "Europe/Zurich"}, kiosk.CredentialAnswer{Valid: true, DelegateID: "D4"}},
	} {
		if got := kiosk.AnswerCredential("0A0B0C0D0E", tc.st, tc.today, tc.m); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestValidAPIKeyName(t *testing.T) {
	for _, ok := range []string{"lockers", "e-lockers.geneva_2", strings.Repeat("a", 64)} {
		if !kiosk.ValidAPIKeyName(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "e lockers", "lockers/1", "écran", strings.Repeat("a", 65)} {
		if kiosk.ValidAPIKeyName(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	if h := kiosk.HashSecret("x"); !kiosk.ValidSecretHash(h) || kiosk.ValidSecretHash(strings.ToUpper(h)) || kiosk.ValidSecretHash(h[1:]) {
		t.Errorf("ValidSecretHash disagrees with HashSecret")
	}
}
