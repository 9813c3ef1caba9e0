package badge

import (
	"errors"
	"fmt"
)

// MaxUIDInput is the longest raw UID text accepted before canonicalisation.
// Anything longer is a garbled read or an attack, never a card.
const MaxUIDInput = 256

// maxUIDBytes bounds a canonical UID. ISO 14443 UIDs are at most 10 bytes,
// long-range tags up to 16; 32 leaves room without accepting junk.
const maxUIDBytes = 32

// Sentinel errors returned by CanonicalUID; wrapped with detail.
var (
	ErrEmptyUID   = errors.New("empty UID")
	ErrUIDTooLong = errors.New("UID too long")
	ErrBadUID     = errors.New("not a hex UID")
)

// CanonicalUID returns the canonical form of an RFID UID: upper-case hex
// without separators. It accepts lower case and the separators ':', '-'
// and space (as printed by readers and badge printers) and an optional
// "0x" prefix. An odd number of hex digits is rejected: it is almost
// always a mistyped UID, which would otherwise be bound and never match.
func CanonicalUID(s string) (string, error) {
	if len(s) > MaxUIDInput {
		return "", fmt.Errorf("%w: %d bytes, at most %d", ErrUIDTooLong, len(s), MaxUIDInput)
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	var buf [2 * maxUIDBytes]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'F':
		case c >= 'a' && c <= 'f':
			c -= 'a' - 'A'
		case c == ':' || c == '-' || c == ' ':
			continue
		default:
			return "", fmt.Errorf("%w: unexpected %q at byte %d", ErrBadUID, rune(c), i+1)
		}
		if n == len(buf) {
			return "", fmt.Errorf("%w: more than %d bytes", ErrUIDTooLong, maxUIDBytes)
		}
		buf[n] = c
		n++
	}
	if n == 0 {
		return "", ErrEmptyUID
	}
	if n%2 != 0 {
		return "", fmt.Errorf("%w: odd number of hex digits (%d)", ErrBadUID, n)
	}
	return string(buf[:n]), nil
}
