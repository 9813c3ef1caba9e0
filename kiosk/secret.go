package kiosk

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode"
	"unicode/utf8"
)

// HashSecret is how a bearer secret (a staff session token, a kiosk's
// sync token) is stored: its SHA-256 in hex. The secrets are long and
// random, so a fast hash is enough, and a stolen database holds no
// usable token.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// MaxLabel bounds labels: gate names, kiosk ids, event and delegate ids.
const MaxLabel = 64

// ValidLabel reports whether s is a label: 1 to MaxLabel bytes of
// printable UTF-8. The kiosk and the registry apply the same rule, so a
// tap a kiosk accepted is never refused on delivery.
func ValidLabel(s string) bool {
	if s == "" || len(s) > MaxLabel || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
