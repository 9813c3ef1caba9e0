package badge_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"checkin/badge"
)

func TestClip(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"04A1B2C3", "04A1B2C3"},
		{strings.Repeat("A", 32), strings.Repeat("A", 32)},
		{strings.Repeat("A", 40), strings.Repeat("A", 32) + "…"},
		// A cut inside a character moves back to its start: never half a rune.
		{strings.Repeat("A", 31) + "Ж" + "BB", strings.Repeat("A", 31) + "…"},
		{strings.Repeat("王", 20), strings.Repeat("王", 10) + "…"},
	} {
		got := badge.Clip(tt.in)
		if got != tt.want {
			t.Errorf("Clip(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Clip(%q) = %q: not valid UTF-8", tt.in, got)
		}
	}
}
