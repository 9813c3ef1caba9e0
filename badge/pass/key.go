package pass

import (
	"crypto/ed25519"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"checkin/badge"
)

// MaxKeyIDLen is the longest key id, in bytes.
const MaxKeyIDLen = 16

// ErrInvalidKey reports a key or key id that cannot be used: a bad id, a
// key of the wrong size, or a text encoding that does not parse.
var ErrInvalidKey = errors.New("pass: invalid key")

var b64 = base64.RawURLEncoding.Strict()

// Key is a signing key. Its text form (Secret, ParseKey) is a secret;
// String and GoString do not reveal it.
type Key struct {
	ID      string
	Private ed25519.PrivateKey
}

// PublicKey is a verification key.
type PublicKey struct {
	ID  string
	Key ed25519.PublicKey
}

// NewKey returns a new random signing key (crypto/rand) with the given id.
func NewKey(id string) (Key, error) {
	if err := checkKeyID(id); err != nil {
		return Key{}, err
	}
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return Key{}, fmt.Errorf("pass: generate key: %w", err)
	}
	return Key{ID: id, Private: priv}, nil
}

// Public returns the verification key of k. For a malformed k it returns a
// PublicKey with no Key, which every Keyring refuses.
func (k Key) Public() PublicKey {
	if len(k.Private) != ed25519.PrivateKeySize {
		return PublicKey{ID: k.ID}
	}
	pub := make(ed25519.PublicKey, ed25519.PublicKeySize)
	copy(pub, k.Private[32:])
	return PublicKey{ID: k.ID, Key: pub}
}

// Secret returns the text form of the private key, "<id>:<base64url>" (the
// 64-byte Ed25519 private key, 86 characters), for ParseKey. Keep it secret.
func (k Key) Secret() string {
	return k.ID + ":" + b64.EncodeToString(k.Private)
}

// String describes k without revealing the private key.
func (k Key) String() string { return "pass.Key(" + k.ID + ", private)" }

// GoString describes k without revealing the private key (%#v).
func (k Key) GoString() string {
	return "pass.Key{ID: " + fmt.Sprintf("%q", k.ID) + ", Private: <redacted>}"
}

// String returns the text form of the public key, "<id>:<base64url>" (43
// characters of key), for ParsePublicKey.
func (p PublicKey) String() string {
	return p.ID + ":" + b64.EncodeToString(p.Key)
}

// ParsePublicKey parses the text form written by PublicKey.String.
// Surrounding white space is ignored.
func ParsePublicKey(s string) (PublicKey, error) {
	id, raw, err := parseKeyText(s, ed25519.PublicKeySize, "public")
	if err != nil {
		return PublicKey{}, err
	}
	return PublicKey{ID: id, Key: ed25519.PublicKey(raw)}, nil
}

// ParseKey parses the text form written by Key.Secret. It checks that the
// public half matches the seed. Surrounding white space is ignored.
func ParseKey(s string) (Key, error) {
	id, raw, err := parseKeyText(s, ed25519.PrivateKeySize, "private")
	if err != nil {
		return Key{}, err
	}
	want := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
	if subtle.ConstantTimeCompare(want, raw) != 1 {
		return Key{}, fmt.Errorf("%w: private key %q: public half does not match the seed", ErrInvalidKey, id)
	}
	return Key{ID: id, Private: want}, nil
}

func parseKeyText(s string, size int, kind string) (string, []byte, error) {
	s = strings.TrimSpace(s)
	id, enc, ok := strings.Cut(s, ":")
	if !ok {
		return "", nil, fmt.Errorf("%w: %s key: want <id>:<base64url>", ErrInvalidKey, kind)
	}
	if err := checkKeyID(id); err != nil {
		return "", nil, err
	}
	if want := b64.EncodedLen(size); len(enc) != want {
		hint := ""
		if other := b64.EncodedLen(ed25519.PublicKeySize + ed25519.PrivateKeySize - size); len(enc) == other {
			hint = " (is this the other kind of key?)"
		}
		return "", nil, fmt.Errorf("%w: %s key %q: %d characters of key, want %d%s", ErrInvalidKey, kind, id, len(enc), want, hint)
	}
	if !isBase64URL(enc) {
		return "", nil, fmt.Errorf("%w: %s key %q: not base64url", ErrInvalidKey, kind, id)
	}
	raw := make([]byte, size)
	if n, err := b64.Decode(raw, []byte(enc)); err != nil || n != size {
		return "", nil, fmt.Errorf("%w: %s key %q: not canonical base64url", ErrInvalidKey, kind, id)
	}
	return id, raw, nil
}

// checkKeyID reports whether id is 1..MaxKeyIDLen bytes of [A-Za-z0-9._-].
func checkKeyID(id string) error {
	if !validKeyID(id) {
		return fmt.Errorf("%w: key id %q: want 1 to %d of A-Z a-z 0-9 . _ -", ErrInvalidKey, badge.Clip(id), MaxKeyIDLen)
	}
	return nil
}

func validKeyID[T string | []byte](id T) bool {
	if len(id) == 0 || len(id) > MaxKeyIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// isBase64URL reports whether s holds only characters of the base64url
// alphabet. The decoder alone is not enough: it skips '\r' and '\n'.
func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		if !b64Alphabet[s[i]] {
			return false
		}
	}
	return true
}

var b64Alphabet = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

// ErrBadProof reports a proof of possession that does not verify.
var ErrBadProof = errors.New("pass: bad proof of possession")

// Prove returns a proof that the holder of k announces its public key on
// behalf of holder (a kiosk's name): an Ed25519 signature by k over both,
// in base64url (86 characters), for PublicKey.CheckProof. It cannot be
// made without the private key, nor used for another holder.
func (k Key) Prove(holder string) string {
	if len(k.Private) != ed25519.PrivateKeySize {
		return ""
	}
	return b64.EncodeToString(ed25519.Sign(k.Private, proofMessage(k.Public(), holder)))
}

// CheckProof reports whether proof was made by Prove with p's private key
// for holder; otherwise an error wrapping ErrBadProof.
func (p PublicKey) CheckProof(holder, proof string) error {
	sig, err := b64.DecodeString(proof)
	if err != nil || len(sig) != ed25519.SignatureSize || len(p.Key) != ed25519.PublicKeySize ||
		!ed25519.Verify(p.Key, proofMessage(p, holder), sig) {
		return fmt.Errorf("%w: key %q for %q", ErrBadProof, p.ID, badge.Clip(holder))
	}
	return nil
}

// proofMessage is what a proof of possession signs: a domain, the
// holder, and the public key's text form. Pass tokens start "CK1.", so
// no proof is ever a pass.
func proofMessage(p PublicKey, holder string) []byte {
	return []byte("CK1 key proof\x00" + holder + "\x00" + p.String())
}
