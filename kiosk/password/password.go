// Package password hashes staff passwords with argon2id and checks them,
// in the PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so that
// parameters can be raised later without breaking stored hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Parameters of new hashes: OWASP's argon2id recommendation (19 MiB, two
// passes), affordable on a small ARM kiosk at the pace of staff logins.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	threads   = 1
	saltLen   = 16
	keyLen    = 32
)

// Limits on what a password may be.
const (
	MinLength = 8
	MaxLength = 256
)

// Errors returned by Hash and Check.
var (
	ErrTooShort  = fmt.Errorf("password: at least %d characters", MinLength)
	ErrTooLong   = fmt.Errorf("password: at most %d bytes", MaxLength)
	ErrMismatch  = errors.New("password: does not match")
	ErrBadFormat = errors.New("password: stored hash is not an argon2id PHC string")
)

// Hash returns the PHC string of a new password.
func Hash(pw string) (string, error) {
	if err := Acceptable(pw); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Acceptable checks a new password's length.
func Acceptable(pw string) error {
	switch {
	case len(pw) > MaxLength:
		return ErrTooLong
	case utf8.RuneCountInString(pw) < MinLength:
		return ErrTooShort
	}
	return nil
}

// Check compares a password with a stored PHC string in constant time.
func Check(pw, stored string) error {
	if len(pw) > MaxLength {
		return ErrMismatch
	}
	parts := strings.Split(stored, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return ErrBadFormat
	}
	var version int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return ErrBadFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<22 || t > 64 {
		return ErrBadFormat
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return ErrBadFormat
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}
