package kiosk

import (
	"context"
	"time"
)

// SourceDesk marks a check-in staff made by hand at the registration desk.
const SourceDesk = "desk"

// Badge sources as the desk shows them.
const (
	BadgeSourceRoster   = "roster"   // from the roster CSV
	BadgeSourceDesk     = "desk"     // bound at this kiosk's desk
	BadgeSourceRegistry = "registry" // bound elsewhere, from the registry's feed
	BadgeSourcePass     = "pass"     // a QR pass issued at this kiosk's desk
)

// PassUIDLen is the length of the UID a QR pass is recorded under (24 hex
// digits, 12 bytes): no RFID UID has it (they are 4, 7 or 10 bytes; EM4100
// 5), so a pass bound anywhere is recognised as one everywhere.
const PassUIDLen = 24

// IsPassUID reports whether a canonical UID names a QR pass.
func IsPassUID(uid string) bool { return len(uid) == PassUIDLen }

// BadgeInfo is one credential bound to a delegate, as the desk shows it.
type BadgeInfo struct {
	UID       string     `json:"uid"`
	Source    string     `json:"source"`
	Revoked   bool       `json:"revoked"`
	Created   time.Time  `json:"created"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// DeskCard is everything the desk shows about one delegate.
type DeskCard struct {
	Delegate   Delegate
	Note       string
	ValidToday bool
	Inside     bool // the last accepted pass today was an entry
	Badges     []BadgeInfo
	TapsToday  []TapRecord
}

// StaffSession is a signed-in staff member.
type StaffSession struct {
	Staff
	Created time.Time
	Seen    time.Time
}

// DeskStore is what the registration desk reads and changes.
type DeskStore interface {
	// DeskCard returns a delegate's card for a local day; ENOTFOUND if none.
	DeskCard(ctx context.Context, id, day string) (DeskCard, error)
	// BadgeHolder returns who holds an unrevoked UID; ENOTFOUND if no one.
	BadgeHolder(ctx context.Context, uid string) (*Delegate, error)
	// BindBadge binds a canonical UID; ECONFLICT if someone else holds it.
	BindBadge(ctx context.Context, delegateID, uid string) error
	// RevokeBadge revokes a UID; ENOTFOUND if it was never bound.
	RevokeBadge(ctx context.Context, uid string) error
	// SetNote sets or (with "") clears a delegate's attention note.
	SetNote(ctx context.Context, delegateID, note, actor string) error
	// RecordPass records a new QR pass for a delegate, revoking earlier ones.
	RecordPass(ctx context.Context, delegateID, passUID string, issued time.Time) error
}

// SessionStore keeps staff sessions by the SHA-256 of their token.
type SessionStore interface {
	CreateSession(ctx context.Context, tokenHash, username string, now time.Time) error
	// Session returns the session and its staff member; ENOTFOUND if none.
	Session(ctx context.Context, tokenHash string) (StaffSession, error)
	TouchSession(ctx context.Context, tokenHash string, now time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
	// ExpireSessions deletes sessions last seen before idle or created before max.
	ExpireSessions(ctx context.Context, idleBefore, createdBefore time.Time) error
}

// ValidOn reports whether a delegate's validity window, which defaults to
// the whole meeting, includes a local day.
func ValidOn(d *Delegate, day string, m Meeting) bool { return validOn(d, day, m) }

// IssuedPass is a freshly signed QR pass.
type IssuedPass struct {
	Token    string    `json:"token"`
	ID       string    `json:"pass_id"`
	UID      string    `json:"uid"` // how taps and badge lists name the pass
	IssuedAt time.Time `json:"issued_at"`
}

// PassIssuer signs QR passes and records them, superseding earlier ones.
type PassIssuer interface {
	IssuePass(ctx context.Context, delegateID string) (IssuedPass, error)
}

// PassKey is a public key that signs QR passes.
type PassKey struct {
	ID        string `json:"id"`
	PublicKey string `json:"public_key"` // pass.PublicKey text form
	Origin    string `json:"origin"`     // "own" or "registry"
}
