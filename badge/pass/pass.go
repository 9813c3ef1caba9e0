package pass

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"checkin/badge"
)

// Limits of a version 1 token.
const (
	Prefix      = "CK1."
	MaxIDLen    = 64  // longest delegate or meeting id, in bytes
	MaxTokenLen = 256 // longest token Verify looks at (the kiosk's UID limit)

	version    = 1
	tagLen     = 9
	sigLen     = ed25519.SignatureSize
	sigEncLen  = 86 // base64url of 64 bytes, no padding
	passIDLen  = 12 // bytes of SHA-256(signature) in the pass id
	minPayload = 1 + 8 + 1 + 1 + tagLen + 1
	maxPayload = 1 + 8 + 1 + MaxKeyIDLen + tagLen + MaxIDLen
)

// Issue times outside [minIssuedAt, maxIssuedAt] are refused: a clock that
// reads before 2020 is not set, and past year 9999 is nonsense.
var (
	minIssuedAt = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxIssuedAt = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

// ErrInvalidID reports a delegate or meeting id that Issue refuses.
var ErrInvalidID = errors.New("pass: invalid id")

// Pass is what a verified token says.
type Pass struct {
	ID         string    // pass id, derived from the signature (16 characters)
	DelegateID string    // delegate the pass was issued for
	MeetingID  string    // meeting the pass is valid for
	KeyID      string    // id of the signing key
	IssuedAt   time.Time // UTC, whole seconds
}

// Issue signs a pass for delegateID at meetingID with k, dated now
// (truncated to the second). Ids must be 1..MaxIDLen bytes of valid UTF-8
// with only printable characters (unicode.IsPrint: no control or format
// characters, no white space but ' ').
func Issue(k Key, delegateID, meetingID string, now time.Time) (token string, p Pass, err error) {
	if err := checkKeyID(k.ID); err != nil {
		return "", Pass{}, err
	}
	if len(k.Private) != ed25519.PrivateKeySize {
		return "", Pass{}, fmt.Errorf("%w: private key %q is %d bytes, want %d", ErrInvalidKey, k.ID, len(k.Private), ed25519.PrivateKeySize)
	}
	if !validID(delegateID) {
		return "", Pass{}, fmt.Errorf("%w: delegate id %q: want 1 to %d bytes of printable UTF-8", ErrInvalidID, badge.Clip(delegateID), MaxIDLen)
	}
	if !validID(meetingID) {
		return "", Pass{}, fmt.Errorf("%w: meeting id %q: want 1 to %d bytes of printable UTF-8", ErrInvalidID, badge.Clip(meetingID), MaxIDLen)
	}
	iat := now.Unix()
	if iat < minIssuedAt || iat > maxIssuedAt {
		return "", Pass{}, fmt.Errorf("pass: issue time %s out of range (is the clock set?)", now.UTC().Format(time.RFC3339))
	}

	payload := make([]byte, 0, maxPayload)
	payload = append(payload, version)
	payload = binary.BigEndian.AppendUint64(payload, uint64(iat))
	payload = append(payload, byte(len(k.ID)))
	payload = append(payload, k.ID...)
	tag := meetingTag(meetingID)
	payload = append(payload, tag[:]...)
	payload = append(payload, delegateID...)

	n := len(Prefix) + b64.EncodedLen(len(payload))
	buf := make([]byte, n, n+1+sigEncLen)
	copy(buf, Prefix)
	b64.Encode(buf[len(Prefix):], payload)
	sig := ed25519.Sign(k.Private, buf)
	buf = append(buf, '.')
	buf = b64.AppendEncode(buf, sig)

	var sig64 [sigLen]byte
	copy(sig64[:], sig)
	p = Pass{
		ID:         passID(&sig64),
		DelegateID: delegateID,
		MeetingID:  meetingID,
		KeyID:      k.ID,
		IssuedAt:   time.Unix(iat, 0).UTC(),
	}
	return string(buf), p, nil
}

// meetingTag returns the tag that binds a pass to meetingID; meetingID must
// be at most MaxIDLen bytes.
func meetingTag(meetingID string) [tagLen]byte {
	const domain = "CK1 meeting\x00"
	var buf [len(domain) + MaxIDLen]byte
	n := copy(buf[:], domain)
	n += copy(buf[n:], meetingID)
	sum := sha256.Sum256(buf[:n])
	return [tagLen]byte(sum[:tagLen])
}

// passID derives the pass id from the signature.
func passID(sig *[sigLen]byte) string {
	var out [passIDEncLen]byte
	appendPassID(out[:0], sig)
	return string(out[:])
}

const passIDEncLen = 16 // base64url of passIDLen bytes

func appendPassID(dst []byte, sig *[sigLen]byte) []byte {
	sum := sha256.Sum256(sig[:])
	return b64.AppendEncode(dst, sum[:passIDLen])
}

// validID reports whether id is a usable delegate or meeting id: 1..MaxIDLen
// bytes of valid UTF-8, every rune printable.
func validID(id string) bool {
	if len(id) == 0 || len(id) > MaxIDLen || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r < utf8.RuneSelf {
			if r < 0x20 || r == 0x7f {
				return false
			}
		} else if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
