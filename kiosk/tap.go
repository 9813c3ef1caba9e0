package kiosk

import (
	"context"
	"time"
)

// Tap sources, results and reasons as in the TapResult of docs/http.md.
const (
	SourceRFID = "rfid"
	SourceQR   = "qr"
	// SourceKeyboard is an RFID UID typed by a keyboard-wedge reader on
	// the entrance screen (entrance.js sends it as hex).
	SourceKeyboard = "keyboard"

	DirectionIn  = "in"
	DirectionOut = "out"

	ResultAccepted = "accepted"
	ResultRejected = "rejected"

	ReasonNone                  = ""
	ReasonUnknownBadge          = "unknown_badge"
	ReasonRevokedBadge          = "revoked_badge"
	ReasonInvalidPass           = "invalid_pass"
	ReasonNotValidToday         = "not_valid_today"
	ReasonRegistrationCancelled = "registration_cancelled"
)

// Reasons lists every rejection reason, for metrics and screens; the last
// three are given at room doors only (roomdoor.go).
var Reasons = []string{ReasonUnknownBadge, ReasonRevokedBadge, ReasonInvalidPass, ReasonNotValidToday, ReasonRegistrationCancelled,
	ReasonNoSessionNow, ReasonNotInSessionGroups, ReasonRoomFull}

// Tap is one presentation of a badge or pass at a reader, before it is
// decided. Its ID is chosen by the kiosk so that delivery can be retried.
type Tap struct {
	ID string
	Credential
	Source    string
	Gate      string
	Direction string
	// Room is the room whose door the tap is at (a reader with role=room);
	// "" at the entrance.
	Room  string
	Kiosk string
	At    time.Time
}

// Credential is what was presented: an RFID UID, or a QR pass that has
// already been checked cryptographically.
type Credential struct {
	UID string // canonical RFID UID, or the pass id of a QR pass

	// For QR passes only: the delegate the pass was signed for, and whether
	// the signature failed (altered, foreign or unsigned code).
	PassDelegate string
	PassInvalid  bool
	PassIssued   time.Time
}

// Standing is what the store knows about a credential when a tap is decided.
type Standing struct {
	Known    bool      // the UID or pass is bound to a delegate
	Revoked  bool      // it was revoked or superseded
	Delegate *Delegate // nil if not known
}

// Decide applies the entrance rules to a credential's standing on a local
// day. It is the single decision function for every input path.
//
// Leaving is never refused for cancellation or validity (a delegate inside
// must be able to get out), but an unknown or revoked credential is still
// reported as such.
func Decide(c Credential, s Standing, today string, m Meeting, direction string) (result, reason string) {
	switch {
	case c.PassInvalid:
		return ResultRejected, ReasonInvalidPass
	case !s.Known || s.Delegate == nil:
		return ResultRejected, ReasonUnknownBadge
	case s.Revoked:
		return ResultRejected, ReasonRevokedBadge
	case direction == DirectionOut:
		return ResultAccepted, ReasonNone
	case s.Delegate.Status == StatusCancelled:
		return ResultRejected, ReasonRegistrationCancelled
	case !validOn(s.Delegate, today, m):
		return ResultRejected, ReasonNotValidToday
	}
	return ResultAccepted, ReasonNone
}

// validOn reports whether today lies in the delegate's validity window,
// which defaults to the whole meeting. An unknown meeting span does not
// restrict.
func validOn(d *Delegate, today string, m Meeting) bool {
	from, to := Validity(d, m)
	return (from == "" || today >= from) && (to == "" || today <= to)
}

// Validity returns the first and last day of d's validity window: its own
// valid_from and valid_to, each defaulting to the meeting's; "" where
// neither is known.
func Validity(d *Delegate, m Meeting) (from, to string) {
	from, to = d.ValidFrom, d.ValidTo
	if from == "" {
		from = m.Start
	}
	if to == "" {
		to = m.End
	}
	return from, to
}

// TapResult is the answer to a tap, as sent to screens and API callers.
type TapResult struct {
	ID         string          `json:"id"`
	Result     string          `json:"result"`
	Reason     string          `json:"reason"`
	FirstToday bool            `json:"first_today"`
	At         time.Time       `json:"at"`
	Delegate   *PublicDelegate `json:"delegate"`
	Sessions   []Session       `json:"sessions"`
	Gate       string          `json:"gate"`
	Direction  string          `json:"direction"`
	Language   string          `json:"language,omitempty"`

	// At a room door: the room, the session the tap is for (null when
	// none is held now) and, when refused, where to go instead.
	Room    string   `json:"room,omitempty"`
	Session *Session `json:"session,omitempty"`
	Instead *Instead `json:"instead,omitempty"`
}

// Instead is where a delegate refused at a room door may go: the room's
// overflow room when it is full, and the delegate's next session today.
type Instead struct {
	Overflow string   `json:"overflow,omitempty"`
	Next     *Session `json:"next,omitempty"`
}

// Recorded is a tap as the store committed it.
type Recorded struct {
	Tap
	Result     string
	Reason     string
	FirstToday bool
	Delegate   *Delegate      // nil when unknown
	Day        string         // the local date the tap was decided on
	Loc        *time.Location // the meeting's time zone at that moment
	// At a room door: the session the tap is for and where to go instead.
	Session *Session
	Instead *Instead
}

// TapStore decides and durably records taps.
type TapStore interface {
	// RecordTap decides tap with Decide against the stored roster and commits
	// it before returning. Concurrent calls are committed together. Returns
	// EUNAVAILABLE when taps cannot be written (disk full, read-only, I/O
	// error); the store then reports a StoreHealth that says why.
	RecordTap(ctx context.Context, tap Tap) (Recorded, error)
	TapLister
}

// StoreHealth says whether a store can write taps. A kiosk that cannot is
// out of order: /healthz answers 503 with the reason, and the entrance
// screen tells staff.
type StoreHealth struct {
	OK bool `json:"ok"`
	// Reason is why not, in a few words: "disk full", "read-only",
	// "I/O error", "database locked", "database damaged", "write failed".
	Reason string `json:"reason,omitempty"`
	// Since is when the first write of this failing spell failed.
	Since time.Time `json:"since,omitzero"`
}

// TapLister lists recorded taps: a kiosk's own, or at the registry every
// kiosk's.
type TapLister interface {
	// Taps calls fn for each recorded tap in time order, optionally only
	// those of one local date ("" for all).
	Taps(ctx context.Context, date string, fn func(TapRecord) error) error
}

// TapRecord is a stored tap as exported.
type TapRecord struct {
	ID           string
	At           time.Time
	DelegateID   string
	DelegateName string
	UID          string
	Source       string
	Gate         string
	Direction    string
	Result       string
	Reason       string
	Kiosk        string
	FirstToday   bool
	Room         string // a room door's taps only
	SessionID    string // the session a room-door tap was for
}
