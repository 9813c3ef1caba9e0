// Package registry is the central role: it serves the change feed to
// kiosks, takes their check-ins and desk badge events, and reports on all
// of them. Storage is behind Store, so that backends other than SQLite can
// follow without touching the protocol or the handlers.
package registry

import (
	"context"
	"errors"
	gosync "sync"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
)

// Store is what the registry needs from its storage.
type Store interface {
	// Changes returns the feed after since, at most limit entries.
	Changes(ctx context.Context, since int64, limit int) (wire.ChangesPage, error)
	// Head returns the newest change's sequence number.
	Head(ctx context.Context) (int64, error)
	// AddCheckins stores events from a kiosk, each id once.
	AddCheckins(ctx context.Context, kioskID string, events []wire.CheckinEvent, received time.Time) (accepted, duplicates int, err error)
	// ApplyBadgeEvents applies desk binds and revokes, each id once.
	ApplyBadgeEvents(ctx context.Context, kioskID string, events []wire.BadgeEvent, received time.Time) (wire.BadgesResponse, error)
	// AddPassKey trusts a kiosk's public pass key (text form); ECONFLICT if
	// its id already names another key.
	AddPassKey(ctx context.Context, kioskID, publicKey string) error
	// KioskPassKeys returns the public pass keys (text form) a kiosk owns.
	KioskPassKeys(ctx context.Context, kioskID string) ([]string, error)
	// AddPasses records passes a kiosk announced, each as its delegate's
	// newest pass unless a newer one is known. EINVALID (naming the pass)
	// if a pass's key is no longer the kiosk's.
	AddPasses(ctx context.Context, kioskID string, passes []VerifiedPass) (wire.PassesResponse, error)
	// KioskForToken returns a token's kiosk, or EUNAUTHORIZED; for a token
	// that was revoked (or replaced) the error also wraps ErrRevokedToken.
	KioskForToken(ctx context.Context, token string) (string, error)
	// Conflicts lists the latest lost badge binds.
	Conflicts(ctx context.Context, limit int) ([]wire.LostBind, error)
	// Stats returns a local day's attendance across all kiosks.
	Stats(ctx context.Context, day string) (kiosk.Stats, error)
	// Meeting returns the meeting settings.
	Meeting(ctx context.Context) (kiosk.Meeting, error)
	// CountDelegates returns the roster size.
	CountDelegates(ctx context.Context) (int, error)
	// PhotoBlob returns the photo stored under a hash, with its bytes;
	// ENOTFOUND if there is none.
	PhotoBlob(ctx context.Context, sha256 string) (kiosk.Photo, error)
	// SetPhoto sets a delegate's photo (checked by the caller), or removes
	// it when p.SHA256 is "", and feeds the change to every kiosk.
	// ENOTFOUND for a delegate not on the roster.
	SetPhoto(ctx context.Context, p kiosk.Photo) error
	// ApplyRoomResets stores room count resets made at a kiosk's desk,
	// audited; each room's latest reset wins and reaches every kiosk with
	// the room. Returns how many were new.
	ApplyRoomResets(ctx context.Context, kioskID string, resets []kiosk.RoomReset) (int, error)
	// Notify returns a channel closed at the next change to the store, by
	// any writer (this process, an import, another registry process).
	Notify() <-chan struct{}
}

// Venue is the venue's data as the commands that work on it use it
// (`checkin import|export|meeting|staff`), the same for a kiosk's data
// directory and for the registry's store of either engine.
type Venue interface {
	// ReplaceRoster replaces the roster in one transaction, keeping badges
	// bound at a desk; a *kiosk.RosterConflictError when the roster gives
	// a UID a desk bound to someone else.
	ReplaceRoster(ctx context.Context, delegates []kiosk.Delegate) (kiosk.RosterImport, error)
	// ReplaceRosterChecked is ReplaceRoster that hands the import's plan,
	// made in its transaction, to check before writing anything; an error
	// from check ends it with nothing written (returned, maybe wrapped).
	ReplaceRosterChecked(ctx context.Context, delegates []kiosk.Delegate, check kiosk.ImportCheck) (kiosk.RosterImport, error)
	// PlanRoster works out what ReplaceRoster would do, writing nothing.
	PlanRoster(ctx context.Context, delegates []kiosk.Delegate) (kiosk.ImportPlan, error)
	// ImportSchedule stores the meeting settings and replaces the sessions
	// in one transaction; rooms are added and updated with what the
	// schedule gives of them, keeping their floor, capacity and overflow.
	ImportSchedule(ctx context.Context, m kiosk.Meeting, s kiosk.Schedule) error
	// ImportScheduleChecked is ImportSchedule from a file in format
	// ("ics", "csv": kept as the schedule's), checked as
	// ReplaceRosterChecked is.
	ImportScheduleChecked(ctx context.Context, m kiosk.Meeting, s kiosk.Schedule, format string, check kiosk.ImportCheck) error
	// PlanSchedule works out what importing s from a file in format would
	// do to the sessions, writing nothing.
	PlanSchedule(ctx context.Context, s kiosk.Schedule, format string) (kiosk.ImportPlan, error)
	// Rooms returns every room, by name.
	Rooms(ctx context.Context) ([]kiosk.Room, error)
	// PlanRooms works out what importing a rooms file would do, writing
	// nothing (kiosk.PlanRooms).
	PlanRooms(ctx context.Context, rooms []kiosk.Room) (kiosk.ImportPlan, error)
	// ImportRoomsChecked stores a rooms file in one transaction: each room
	// is added or updated, every other room kept without capacity and
	// overflow. A *kiosk.OverflowError (EINVALID) when an overflow names a
	// room neither in the file nor known; checked as ReplaceRosterChecked
	// is.
	ImportRoomsChecked(ctx context.Context, rooms []kiosk.Room, check kiosk.ImportCheck) error
	// Meeting returns the meeting settings; SetMeeting stores them
	// (EINVALID for bad ones).
	Meeting(ctx context.Context) (kiosk.Meeting, error)
	SetMeeting(ctx context.Context, m kiosk.Meeting) error
	// Taps calls fn for each check-in in time order ("" for every date).
	Taps(ctx context.Context, date string, fn func(kiosk.TapRecord) error) error
	kiosk.AttendanceSource
	kiosk.SessionAttendanceSource
	kiosk.StaffStore
	kiosk.PhotoStore  // delegates' photos (`checkin import photos`)
	kiosk.APIKeyStore // keys of the venue's other systems (`checkin apikey`)
}

// Admin is a registry's store as its operators' commands use it: the
// venue's data, kiosk tokens, and what its own server needs.
type Admin interface {
	Store
	Venue
	kiosk.SessionStore    // staff signed in to the dashboard
	kiosk.CredentialStore // answers to the venue's other systems
	// AddToken stores a kiosk's token (its hash), replacing any earlier
	// one (whose pass keys are withdrawn).
	AddToken(ctx context.Context, kioskID, token string) error
	// RevokeToken removes a kiosk's token and withdraws its pass keys;
	// ENOTFOUND if it has none.
	RevokeToken(ctx context.Context, kioskID string) error
	// TokenKiosks lists the kiosks that hold tokens, with when they were made.
	TokenKiosks(ctx context.Context) (map[string]time.Time, error)
	// Close stops the store's work after what it was handed is committed.
	Close() error
}

// ErrRevokedToken marks the EUNAUTHORIZED of a token that was revoked or
// replaced, rather than never known: the answer tells the kiosk so
// (wire.HeaderToken), and it stops trusting its own pass key.
var ErrRevokedToken = errors.New("token revoked")

// TrustedTime is when a desk event counts as made. The desk says when,
// and its word decides who keeps a badge two desks bound (the earlier
// bind), so it is trusted only within the meeting: an event stamped before
// the meeting's first day (local midnight) or after it reached the
// registry counts as made when it arrived. A desk's clock set back, or a
// forged event stamped 2020, cannot take a badge from its holder, and one
// stamped 2099 is not displaced by every later bind. Revokes are held to
// the same rule, so that a desk whose clock is wrong can still revoke what
// it bound.
func TrustedTime(at time.Time, m kiosk.Meeting, received time.Time) time.Time {
	if at.After(received) {
		return received
	}
	if first, err := time.ParseInLocation(kiosk.DateLayout, m.Start, m.Location()); err == nil && at.Before(first) {
		return received
	}
	return at
}

// VerifiedPass is a pass a kiosk announced, whose token the registry
// verified with one of the kiosk's keys.
type VerifiedPass struct {
	kiosk.Pass
	KeyID string // the key that signed it
}

// notifier wakes long polls when the change log grows: Server.Run
// advances it whenever the store says it changed.
type notifier struct {
	mu   gosync.Mutex
	head int64
	ch   chan struct{} // closed when head advances
}

func newNotifier(head int64) *notifier {
	return &notifier{head: head, ch: make(chan struct{})}
}

// current returns the newest head the notifier knows.
func (n *notifier) current() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.head
}

// advance records a new head and wakes every waiter.
func (n *notifier) advance(head int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if head > n.head {
		n.head = head
		close(n.ch)
		n.ch = make(chan struct{})
	}
}

// wait returns once the head is past since, or when ctx ends or d elapses.
func (n *notifier) wait(ctx context.Context, since int64, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		n.mu.Lock()
		head, ch := n.head, n.ch
		n.mu.Unlock()
		if head > since {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return
		case <-timer.C:
			return
		}
	}
}
