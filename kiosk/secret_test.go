package kiosk_test

import (
	"strings"
	"testing"

	"checkin/kiosk"
)

func TestValidLabel(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"main", true},
		{"montbrillant-2", true},
		{"Entrée Nord", true},
		{"北门", true},
		{strings.Repeat("g", kiosk.MaxLabel), true},
		{"", false},
		{strings.Repeat("g", kiosk.MaxLabel+1), false},
		{"gate\n1", false},
		{"gate\x00", false},
		{"\xff\xfe", false},
	} {
		if got := kiosk.ValidLabel(tt.in); got != tt.want {
			t.Errorf("ValidLabel(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHashSecret(t *testing.T) {
	h := kiosk.HashSecret("ck_secret")
	if len(h) != 64 || strings.Contains(h, "ck_secret") || h != kiosk.HashSecret("ck_secret") || h == kiosk.HashSecret("ck_secreT") {
		t.Errorf("HashSecret = %q: want a stable 64-hex-digit hash that hides the secret", h)
	}
}
