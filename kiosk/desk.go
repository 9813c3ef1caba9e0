package kiosk

import (
	"context"
	"io"
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
	Photo      string // the SHA-256 of the delegate's photo, "" for none
}

// StaffSession is a signed-in staff member.
type StaffSession struct {
	Staff
	Created time.Time
	Seen    time.Time
}

// DeskStore is what the registration desk reads and changes. Each change
// is one transaction that also writes its audit entries (as actor) and
// queues its badge events for the registry: it happens entirely or not at
// all.
type DeskStore interface {
	// Meeting returns the meeting's settings.
	Meeting(ctx context.Context) (Meeting, error)
	// Delegate returns a delegate by id; ENOTFOUND if none.
	Delegate(ctx context.Context, id string) (*Delegate, error)
	// DeskCard returns a delegate's card for a local day; ENOTFOUND if none.
	DeskCard(ctx context.Context, id, day string) (DeskCard, error)
	// BadgeHolder returns who holds an unrevoked UID; ENOTFOUND if no one.
	BadgeHolder(ctx context.Context, uid string) (*Delegate, error)
	// DeskBind binds req.UID (canonical) to req.DelegateID and, with
	// req.Replace, revokes the badges ReplacedBy names. ENOTFOUND for an
	// unknown delegate; a *BadgeHeldError (ECONFLICT) when someone else
	// holds the UID, and then only the refusal is committed (audited).
	DeskBind(ctx context.Context, actor string, req BindRequest) (Bound, error)
	// DeskRevoke revokes a canonical UID; ENOTFOUND if it was never bound.
	DeskRevoke(ctx context.Context, actor, uid string) error
	// DeskCheckIn decides a check-in made by hand (tap.PassDelegate names
	// the delegate) with Decide and records it; ENOTFOUND for an unknown
	// delegate.
	DeskCheckIn(ctx context.Context, actor string, tap Tap) (Recorded, error)
	// DeskPass records a signed pass as the delegate's newest, superseding
	// the earlier ones, and returns it. With p.KeepCurrent it records it
	// only if the delegate has no pass, and otherwise returns the current
	// one (CurrentPass's errors). ENOTFOUND for an unknown delegate,
	// ECONFLICT if a newer pass of the delegate is known already.
	DeskPass(ctx context.Context, actor string, p PassIssue) (IssuedPass, error)
	// CurrentPass returns a delegate's newest pass, with its token: one
	// this desk issued. ENOTFOUND if the delegate has none, ECONFLICT if the
	// newest was issued elsewhere (its token stays there).
	CurrentPass(ctx context.Context, delegateID string) (IssuedPass, error)
	// SetNote sets or (with "") clears a delegate's attention note;
	// ENOTFOUND for an unknown delegate.
	SetNote(ctx context.Context, delegateID, note, actor string) error
	// DeskPhoto sets a delegate's photo (checked by the caller), or
	// removes it when p.SHA256 is "", and queues the change for the
	// registry. ENOTFOUND for an unknown delegate.
	DeskPhoto(ctx context.Context, actor string, p Photo) error
	// Photo returns a delegate's photo with its bytes; ENOTFOUND if none.
	Photo(ctx context.Context, delegateID string) (Photo, error)
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

// PassSigner signs QR passes. Recording a pass (which supersedes the
// delegate's earlier ones) is the desk store's part.
type PassSigner interface {
	// SignPass signs a fresh pass for a delegate; EINVALID if it cannot.
	SignPass(delegateID string) (IssuedPass, error)
}

// BadgeRenderer prints a delegate's badge for a meeting as PDF, with a QR
// pass token, in a layout ("cr80" or "a6"), with the delegate's photo
// (JPEG or PNG bytes; nil for none).
type BadgeRenderer func(w io.Writer, d Delegate, m Meeting, token, layout string, photo []byte) error

// PassKey is a public key that signs QR passes.
type PassKey struct {
	ID        string `json:"id"`
	PublicKey string `json:"public_key"` // pass.PublicKey text form
	Origin    string `json:"origin"`     // "own" or "registry"
}
