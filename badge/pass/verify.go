package pass

import (
	"crypto/ed25519"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// MaxFutureSkew is how far in the future a pass's issue time may lie,
// relative to the verifier's clock, before the pass is refused.
const MaxFutureSkew = 10 * time.Minute

// Verification errors. Each one means the kiosk's invalid_pass; errors
// returned by Verify wrap exactly one of them (use errors.Is).
var (
	ErrMalformed      = errors.New("pass: malformed token")
	ErrUnknownKey     = errors.New("pass: unknown key")
	ErrBadSignature   = errors.New("pass: bad signature")
	ErrForeignMeeting = errors.New("pass: pass of another meeting")
	ErrNotYetValid    = errors.New("pass: issued in the future")
)

// verifyError is a preallocated Verify error with a reason: failures cost no
// allocation.
type verifyError struct {
	kind   error
	reason string
}

func (e *verifyError) Error() string { return e.kind.Error() + ": " + e.reason }
func (e *verifyError) Unwrap() error { return e.kind }

var (
	errTooLong    = &verifyError{ErrMalformed, "longer than 256 bytes"}
	errPrefix     = &verifyError{ErrMalformed, "no CK1. prefix"}
	errParts      = &verifyError{ErrMalformed, "want 3 dot-separated parts"}
	errChar       = &verifyError{ErrMalformed, "character outside base64url"}
	errSigLen     = &verifyError{ErrMalformed, "signature is not 86 characters"}
	errPayloadLen = &verifyError{ErrMalformed, "payload length out of range"}
	errBase64     = &verifyError{ErrMalformed, "not canonical base64url"}
	errVersion    = &verifyError{ErrMalformed, "unknown payload version"}
	errKeyID      = &verifyError{ErrMalformed, "bad key id"}
	errLayout     = &verifyError{ErrMalformed, "bad payload layout"}
	errIssuedAt   = &verifyError{ErrMalformed, "issue time out of range"}
	errDelegate   = &verifyError{ErrMalformed, "bad delegate id"}
	errNoKeyring  = &verifyError{ErrUnknownKey, "no keyring"}
	errKeyUnknown = &verifyError{ErrUnknownKey, "key id not in the keyring"}
	errSignature  = &verifyError{ErrBadSignature, "signature does not verify"}
	errMeeting    = &verifyError{ErrForeignMeeting, "meeting tag does not match"}
	errMeetingArg = &verifyError{ErrForeignMeeting, "verifier's meeting id is not a valid id"}
	errFuture     = &verifyError{ErrNotYetValid, "issue time more than 10 minutes ahead"}
)

// Keyring holds the public keys a verifier trusts, by key id. The zero
// Keyring is empty and usable. Its methods are safe for concurrent use; set
// Now before sharing it.
type Keyring struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	mu   sync.RWMutex
	keys map[string]trusted
}

// trusted is a key with its precomputed form: curve25519-voi verifies
// against an expanded key about twice as fast as crypto/ed25519, with the
// same rules (VerifyOptionsStdLib), which is what lets a kiosk check
// 20,000 passes a second per core.
type trusted struct {
	PublicKey
	expanded *voi.ExpandedPublicKey
}

var stdlibRules = &voi.Options{Verify: voi.VerifyOptionsStdLib}

// NewKeyring returns a keyring holding keys.
func NewKeyring(keys ...PublicKey) (*Keyring, error) {
	kr := &Keyring{}
	for _, k := range keys {
		if err := kr.Add(k); err != nil {
			return nil, err
		}
	}
	return kr, nil
}

// Add trusts k. Adding the same key again is a no-op; a different key under
// an id already held is refused (rotate to a new id instead).
func (kr *Keyring) Add(k PublicKey) error {
	if err := checkKeyID(k.ID); err != nil {
		return err
	}
	if len(k.Key) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: public key %q is %d bytes, want %d", ErrInvalidKey, k.ID, len(k.Key), ed25519.PublicKeySize)
	}
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if old, ok := kr.keys[k.ID]; ok {
		if subtle.ConstantTimeCompare(old.Key, k.Key) == 1 {
			return nil
		}
		return fmt.Errorf("%w: key id %q already holds a different key", ErrInvalidKey, k.ID)
	}
	if kr.keys == nil {
		kr.keys = make(map[string]trusted)
	}
	pub := append(ed25519.PublicKey(nil), k.Key...)
	expanded, err := voi.NewExpandedPublicKey(voi.PublicKey(pub))
	if err != nil {
		return fmt.Errorf("%w: public key %q is not a curve point: %v", ErrInvalidKey, k.ID, err)
	}
	kr.keys[k.ID] = trusted{PublicKey: PublicKey{ID: k.ID, Key: pub}, expanded: expanded}
	return nil
}

// Remove stops trusting the key with id; passes it signed fail with
// ErrUnknownKey from then on.
func (kr *Keyring) Remove(id string) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	delete(kr.keys, id)
}

// Keys returns the public keys held, in no particular order.
func (kr *Keyring) Keys() []PublicKey {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	out := make([]PublicKey, 0, len(kr.keys))
	for _, k := range kr.keys {
		out = append(out, PublicKey{ID: k.ID, Key: append(ed25519.PublicKey(nil), k.Key...)})
	}
	return out
}

func (kr *Keyring) lookup(kid []byte) (trusted, bool) {
	kr.mu.RLock()
	k, ok := kr.keys[string(kid)]
	kr.mu.RUnlock()
	return k, ok
}

// Verify checks token offline and returns the pass it carries. It checks,
// in order: the form (prefix, three parts, canonical base64url, payload
// layout and version, ids), that the key id is in the keyring, the
// signature, that the pass is for meetingID, and that it was not issued
// more than MaxFutureSkew after kr.Now(). Every error wraps one of
// ErrMalformed, ErrUnknownKey, ErrBadSignature, ErrForeignMeeting or
// ErrNotYetValid; a meetingID that is not a valid id matches no pass
// (ErrForeignMeeting). Verify never panics; a successful call allocates once.
func (kr *Keyring) Verify(token string, meetingID string) (Pass, error) {
	if len(token) > MaxTokenLen {
		return Pass{}, errTooLong
	}
	if len(token) < len(Prefix) || token[:len(Prefix)] != Prefix {
		return Pass{}, errPrefix
	}
	// One pass over the body: find the single dot, check the alphabet.
	dot := -1
	for i := len(Prefix); i < len(token); i++ {
		c := token[i]
		if c == '.' {
			if dot >= 0 {
				return Pass{}, errParts
			}
			dot = i
		} else if !b64Alphabet[c] {
			return Pass{}, errChar
		}
	}
	if dot < 0 {
		return Pass{}, errParts
	}
	if len(token)-dot-1 != sigEncLen {
		return Pass{}, errSigLen
	}
	encLen := dot - len(Prefix)
	if encLen < b64.EncodedLen(minPayload) || encLen > b64.EncodedLen(maxPayload) {
		return Pass{}, errPayloadLen
	}

	// Work on a stack copy: the decoder and the signature take []byte.
	var tok [MaxTokenLen]byte
	copy(tok[:], token)
	signed := tok[:dot]

	var sig [sigLen]byte
	if n, err := b64.Decode(sig[:], tok[dot+1:len(token)]); err != nil || n != sigLen {
		return Pass{}, errBase64
	}
	var pbuf [maxPayload]byte
	n, err := b64.Decode(pbuf[:], signed[len(Prefix):])
	if err != nil || n < minPayload {
		return Pass{}, errBase64
	}
	payload := pbuf[:n]

	// Payload layout, version 1.
	if payload[0] != version {
		return Pass{}, errVersion
	}
	iat := int64(binary.BigEndian.Uint64(payload[1:9]))
	if iat < minIssuedAt || iat > maxIssuedAt {
		return Pass{}, errIssuedAt
	}
	kidLen := int(payload[9])
	if kidLen == 0 || kidLen > MaxKeyIDLen || 10+kidLen+tagLen >= len(payload) {
		return Pass{}, errLayout
	}
	kid := payload[10 : 10+kidLen]
	if !validKeyID(kid) {
		return Pass{}, errKeyID
	}
	tag := payload[10+kidLen : 10+kidLen+tagLen]
	delegate := payload[10+kidLen+tagLen:]
	if len(delegate) > MaxIDLen {
		return Pass{}, errLayout
	}

	if kr == nil {
		return Pass{}, errNoKeyring
	}
	key, ok := kr.lookup(kid)
	if !ok {
		return Pass{}, errKeyUnknown
	}
	if !voi.VerifyExpandedWithOptions(key.expanded, signed, sig[:], stdlibRules) {
		return Pass{}, errSignature
	}

	if !validID(meetingID) {
		return Pass{}, errMeetingArg
	}
	if want := meetingTag(meetingID); subtle.ConstantTimeCompare(want[:], tag) != 1 {
		return Pass{}, errMeeting
	}
	now := time.Now
	if kr.Now != nil {
		now = kr.Now
	}
	if nowSec := now().Unix(); iat > nowSec && iat-nowSec > int64(MaxFutureSkew/time.Second) {
		return Pass{}, errFuture
	}

	// One allocation for both strings: delegate id, then pass id.
	var out [MaxIDLen + passIDEncLen]byte
	d := copy(out[:], delegate)
	appendPassID(out[:d], &sig)
	s := string(out[:d+passIDEncLen])
	if !validID(s[:d]) {
		return Pass{}, errDelegate
	}
	return Pass{
		ID:         s[d:],
		DelegateID: s[:d],
		MeetingID:  meetingID,
		KeyID:      key.ID,
		IssuedAt:   time.Unix(iat, 0).UTC(),
	}, nil
}
