package badge_test

import (
	"errors"
	"strings"
	"testing"

	"checkin/badge"
)

func TestCanonicalUID(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"04A1B2C3D4E5F6", "04A1B2C3D4E5F6", nil},
		{"04a1b2c3d4e5f6", "04A1B2C3D4E5F6", nil},
		{"04:a1:b2:c3", "04A1B2C3", nil},
		{"04-A1-B2-C3", "04A1B2C3", nil},
		{"04 A1 B2 C3", "04A1B2C3", nil},
		{"0x0a1b2c3d", "0A1B2C3D", nil},
		{"  0A1B2C3D4E ", "0A1B2C3D4E", nil},
		{"", "", badge.ErrEmptyUID},
		{" : - ", "", badge.ErrEmptyUID},
		{"04A1B", "", badge.ErrBadUID},
		{"04G1", "", badge.ErrBadUID},
		{"0ä", "", badge.ErrBadUID},
		{"04A1\n", "", badge.ErrBadUID},
		{strings.Repeat("AB", 33), "", badge.ErrUIDTooLong},
		{strings.Repeat("A", 257), "", badge.ErrUIDTooLong},
	}
	for _, tt := range tests {
		got, err := badge.CanonicalUID(tt.in)
		if !errors.Is(err, tt.err) {
			t.Errorf("CanonicalUID(%q) error = %v, want %v", tt.in, err, tt.err)
			continue
		}
		if got != tt.want {
			t.Errorf("CanonicalUID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzCanonicalUID(f *testing.F) {
	for _, s := range []string{"04A1B2C3D4E5F6", "04:a1:b2", "0x0A", "", "zz", "04 A1-B2:C3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := badge.CanonicalUID(s)
		if err != nil {
			return
		}
		if got == "" || len(got)%2 != 0 || len(got) > 64 {
			t.Fatalf("CanonicalUID(%q) = %q: not a canonical UID", s, got)
		}
		if strings.Trim(got, "0123456789ABCDEF") != "" {
			t.Fatalf("CanonicalUID(%q) = %q: non-hex output", s, got)
		}
		again, err := badge.CanonicalUID(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
	})
}
