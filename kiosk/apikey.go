package kiosk

import (
	"context"
	"time"
)

// APIKey is a key that one of the venue's other systems (e-lockers, doors,
// printers that share the badge) presents to ask whether a credential is
// valid. Only its HashSecret is kept, never the key.
type APIKey struct {
	Name    string
	Hash    string // HashSecret of the key: 64 lower-case hex digits
	Revoked bool
	Created time.Time
	// RevokedAt is when it was revoked here (at a kiosk: when the
	// registry's revocation arrived); zero while it works.
	RevokedAt time.Time
	// Source says where a kiosk's key comes from: APIKeyLocal (made with
	// `checkin apikey add` in its data directory) or APIKeyFromRegistry
	// (managed at the registry, received through the change feed).
	Source string
}

// Where an API key comes from.
const (
	APIKeyLocal        = "local"
	APIKeyFromRegistry = "registry"
)

// APIKeyStore keeps the API keys of the venue's other systems.
type APIKeyStore interface {
	// AddAPIKey stores the hash of a new key under name, replacing an
	// earlier key of that name, revoked or not (which then no longer
	// works), and reports whether it did. EINVALID for a bad name or
	// hash, or at a kiosk for a name the registry manages.
	AddAPIKey(ctx context.Context, name, hash string) (replaced bool, err error)
	// RevokeAPIKey revokes the key of that name; revoking a revoked key
	// changes nothing. ENOTFOUND for no such key; EINVALID at a kiosk for
	// a key the registry manages (revoke it there).
	RevokeAPIKey(ctx context.Context, name string) error
	// APIKeys lists the keys, revoked ones too, by name.
	APIKeys(ctx context.Context) ([]APIKey, error)
}

// ValidAPIKeyName reports whether s can name an API key: 1 to 64 letters,
// digits and . _ -, like a kiosk's id.
func ValidAPIKeyName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// ValidSecretHash reports whether s is a HashSecret: 64 lower-case hex
// digits.
func ValidSecretHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// CredentialStore answers for RFID badges to the venue's other systems.
type CredentialStore interface {
	// BadgeStanding returns what an RFID UID (canonical) is bound to and
	// the meeting it is decided under. The delegate carries only what
	// the entrance rule reads (id, status, validity), nothing about the
	// person.
	BadgeStanding(ctx context.Context, uid string) (Standing, Meeting, error)
}

// CredentialAnswer is the answer to another venue system that asks about
// a credential: whether the entrance would let its holder in today and
// why not, and nothing more about the person.
type CredentialAnswer struct {
	Valid      bool   `json:"valid"`
	Reason     string `json:"reason"`      // a tap reason; "" when valid
	DelegateID string `json:"delegate_id"` // "" for an unknown credential
	ValidUntil string `json:"valid_until"` // the last day of validity; "" when unknown or unbounded
}

// AnswerCredential is the entrance rule (Decide, direction in) for an
// RFID UID's standing on a local day.
func AnswerCredential(uid string, s Standing, today string, m Meeting) CredentialAnswer {
	result, reason := Decide(Credential{UID: uid}, s, today, m, DirectionIn)
	a := CredentialAnswer{Valid: result == ResultAccepted, Reason: reason}
	if s.Known && s.Delegate != nil {
		a.DelegateID = s.Delegate.ID
		_, a.ValidUntil = Validity(s.Delegate, m)
	}
	return a
}
