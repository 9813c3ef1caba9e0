package kiosk

import (
	"context"
	"time"
)

// Kinds of registry changes. Besides its domain type (see Change.Value),
// a kind is one entry in a table of each layer that handles it: its wire
// data in sync, how the registry's feed reads it in sync/registry/sqlite,
// how a kiosk applies it in kiosk/sqlite. Each table's test checks it
// against ChangeKinds.
const (
	ChangeDelegate = "delegate"
	ChangeBadge    = "badge"
	ChangeSession  = "session"
	ChangeRoom     = "room"
	ChangeMeeting  = "meeting"
	ChangeArrival  = "arrival"
	ChangeKey      = "key"
	ChangePass     = "pass"
	ChangeStaff    = "staff"
	ChangePhoto    = "photo"
	// ChangePresence is a delegate's latest pass through a room door on a
	// day, at any kiosk (kiosk.Presence): an addition to protocol v1.
	ChangePresence = "presence"
	ChangeAPIKey   = "apikey"

	OpUpsert = "upsert"
	OpDelete = "delete"
)

// ChangeKinds returns every kind of registry change, sorted.
func ChangeKinds() []string {
	return []string{ChangeAPIKey, ChangeArrival, ChangeBadge, ChangeDelegate, ChangeKey, ChangeMeeting, ChangePass, ChangePhoto,
		ChangePresence, ChangeRoom, ChangeSession, ChangeStaff}
}

// Change is one decoded entry of the registry's change feed.
type Change struct {
	Seq  int64
	Kind string
	Op   string
	// Value is the entity, a pointer to the domain type of its Kind:
	// *Meeting, *Delegate, *BadgeBinding, *Room, *Session, *Arrival,
	// *PassKey, *Pass, *StaffAccount, *Photo (without its bytes, which
	// a kiosk fetches by hash) or *APIKey. For a delete only its key
	// fields are set.
	Value any
}

// BadgeBinding is a UID's binding as the registry holds it.
type BadgeBinding struct {
	UID        string
	DelegateID string
	Revoked    bool
}

// Arrival is a delegate's first accepted entry of a local day, at any kiosk.
type Arrival struct {
	DelegateID string
	Day        string
	At         time.Time
	Kiosk      string
}

// Pass is a QR pass as kiosks learn of it: issued for a delegate at some
// kiosk's desk. The newest pass of a delegate supersedes the others.
type Pass struct {
	DelegateID string
	UID        string    // the UID the pass is recorded under (PassUIDLen hex digits)
	IssuedAt   time.Time // whole seconds
	Kiosk      string    // where it was issued, when known
}

// Newer reports whether p supersedes q: it was issued later, or in the
// same second with the greater UID, so that every kiosk picks the same
// one.
func (p Pass) Newer(q Pass) bool {
	if !p.IssuedAt.Equal(q.IssuedAt) {
		return p.IssuedAt.After(q.IssuedAt)
	}
	return p.UID > q.UID
}

// Applied says what a page of changes touched, so screens can be told.
type Applied struct {
	Changes         int
	ScheduleChanged bool
	KeysChanged     bool // pass keys: verifiers must reload
	PhotosChanged   bool // photos named: their bytes may be missing
}

// Badge event operations, from a desk.
const (
	BadgeBind   = "bind"
	BadgeRevoke = "revoke"
)

// BadgeEvent is a desk's bind or revoke, queued for the registry.
type BadgeEvent struct {
	ID         string
	Op         string
	UID        string
	DelegateID string // for bind
	At         time.Time
}

// SyncStore is the kiosk's side of synchronisation with a registry.
type SyncStore interface {
	// SyncCursor returns the sequence number of the last applied change.
	SyncCursor(ctx context.Context) (int64, error)
	// ApplyChanges applies a page of changes and stores next as the cursor
	// in the same transaction: a crash never skips or half-applies a page.
	ApplyChanges(ctx context.Context, changes []Change, next int64) (Applied, error)

	// PendingTaps returns up to limit taps not yet delivered, oldest first.
	PendingTaps(ctx context.Context, limit int) ([]TapRecord, error)
	// MarkTapsDelivered records that the registry stored these taps.
	MarkTapsDelivered(ctx context.Context, ids []string) error
	// MarkTapRefused parks a tap the registry refuses as malformed, so that
	// it no longer blocks the others; it stays in the local export.
	MarkTapRefused(ctx context.Context, id, why string) error

	// PendingBadgeEvents returns up to limit undelivered desk events.
	PendingBadgeEvents(ctx context.Context, limit int) ([]BadgeEvent, error)
	// MarkBadgeEventsDelivered records that the registry took these events.
	MarkBadgeEventsDelivered(ctx context.Context, ids []string) error
	// MarkBadgeEventRefused parks a refused desk event.
	MarkBadgeEventRefused(ctx context.Context, id, why string) error

	// PendingPasses returns up to limit passes this kiosk's desk issued
	// that the registry has not taken yet, oldest first.
	PendingPasses(ctx context.Context, limit int) ([]IssuedPass, error)
	// MarkPassesDelivered records that the registry took these passes (by UID).
	MarkPassesDelivered(ctx context.Context, uids []string) error
	// MarkPassRefused parks a pass the registry refused (it then opens
	// this kiosk only, until a newer pass supersedes it).
	MarkPassRefused(ctx context.Context, uid, why string) error

	// PendingRoomResets returns up to limit room count resets made at
	// this kiosk that the registry has not taken yet, oldest first.
	PendingRoomResets(ctx context.Context, limit int) ([]RoomReset, error)
	// MarkRoomResetsDelivered records that the registry took these resets.
	MarkRoomResetsDelivered(ctx context.Context, ids []string) error
	// MarkRoomResetRefused parks a reset the registry refused.
	MarkRoomResetRefused(ctx context.Context, id, why string) error

	// PendingPhotoEvents returns up to limit photos set or removed at
	// this kiosk's desk that the registry has not taken yet, oldest first.
	PendingPhotoEvents(ctx context.Context, limit int) ([]PhotoEvent, error)
	// MarkPhotoEventsDelivered records that the registry took these events.
	MarkPhotoEventsDelivered(ctx context.Context, ids []string) error
	// MarkPhotoEventRefused parks a photo event the registry refused.
	MarkPhotoEventRefused(ctx context.Context, id, why string) error
	// PhotoBlob returns the photo stored under a hash, with its bytes
	// (DelegateID unset); ENOTFOUND if there is none.
	PhotoBlob(ctx context.Context, sha256 string) (Photo, error)
	// MissingPhotos returns up to limit hashes that delegates' photos
	// name but whose bytes are not here yet.
	MissingPhotos(ctx context.Context, limit int) ([]string, error)
	// PutPhotoBlobs stores fetched photos' bytes, in one transaction,
	// each only while a delegate's photo still names it. The caller has
	// checked each against its hash.
	PutPhotoBlobs(ctx context.Context, blobs []Photo) error

	// Outbox counts what waits for delivery.
	Outbox(ctx context.Context) (OutboxCount, error)

	// KioskName returns the name the registry gave the kiosk of a sync
	// token (known by its HashSecret), as last learnt; "" if never.
	KioskName(ctx context.Context, tokenHash string) (string, error)
	// SetKioskName keeps the name the registry gave the kiosk of a token.
	SetKioskName(ctx context.Context, tokenHash, name string) error
}

// OutboxCount is what a kiosk still has to deliver, and what was refused.
type OutboxCount struct {
	Taps, BadgeEvents, Passes, Photos, Refused int
}
