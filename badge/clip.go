package badge

import "unicode/utf8"

// clipBytes is how much of an untrusted text an error message repeats.
const clipBytes = 32

// Clip shortens untrusted text (a UID as typed, a pass, a gate name)
// before an error message repeats it: at most clipBytes bytes, cut at a
// character boundary, with "…" when something was cut. Callers quote the
// result (%q), so that control characters are shown escaped.
func Clip(s string) string {
	if len(s) <= clipBytes {
		return s
	}
	cut := clipBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
