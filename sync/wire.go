package sync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"checkin/badge"
	"checkin/badge/pass"
	"checkin/kiosk"
)

// Limits of the protocol.
const (
	MaxPage          = 5000 // changes per page
	DefaultPage      = 1000
	MaxWait          = 30 * time.Second
	MaxEventsPerPost = 1000
)

// Headers of a changes answer repeating the body's next and more, so that
// a client can request the next page before decoding this one.
const (
	HeaderNext = "Checkin-Next"
	HeaderMore = "Checkin-More"
)

// HeaderToken on a 401 answer says why the token was refused:
// TokenRevoked for a token that was valid once and was revoked or
// replaced (absent for a token never known).
const (
	HeaderToken  = "Checkin-Token"
	TokenRevoked = "revoked"
)

// Change is one entry of the change feed.
type Change struct {
	Seq  int64           `json:"seq"`
	Kind string          `json:"kind"`
	Op   string          `json:"op"`
	Data json.RawMessage `json:"data"`
}

// ChangesPage is the answer to GET /sync/v1/changes.
type ChangesPage struct {
	Changes []Change `json:"changes"`
	Next    int64    `json:"next"`
	More    bool     `json:"more"`
}

// MarshalJSON writes the page directly: encoding/json would re-validate
// every entry's data, which the registry has just encoded itself. Kinds
// and ops are plain ASCII words chosen by the registry.
func (p ChangesPage) MarshalJSON() ([]byte, error) {
	n := 64
	for _, c := range p.Changes {
		n += len(c.Data) + 64
	}
	b := make([]byte, 0, n)
	b = append(b, `{"changes":[`...)
	for i, c := range p.Changes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"seq":`...)
		b = strconv.AppendInt(b, c.Seq, 10)
		b = append(b, `,"kind":`...)
		b = strconv.AppendQuote(b, c.Kind)
		b = append(b, `,"op":`...)
		b = strconv.AppendQuote(b, c.Op)
		b = append(b, `,"data":`...)
		if len(c.Data) == 0 {
			b = append(b, "null"...)
		} else {
			b = append(b, c.Data...)
		}
		b = append(b, '}')
	}
	b = append(b, `],"next":`...)
	b = strconv.AppendInt(b, p.Next, 10)
	b = append(b, `,"more":`...)
	b = strconv.AppendBool(b, p.More)
	return append(b, '}'), nil
}

// CheckinEvent is one tap as delivered to the registry.
type CheckinEvent struct {
	ID         string    `json:"id"`
	DelegateID string    `json:"delegate_id"`
	UID        string    `json:"uid"`
	Source     string    `json:"source"`
	Kiosk      string    `json:"kiosk"`
	Gate       string    `json:"gate"`
	Direction  string    `json:"direction"`
	At         time.Time `json:"at"`
	Result     string    `json:"result"`
	Reason     string    `json:"reason"`
	// Room and SessionID are additions to protocol v1 for taps at room
	// doors (the room, the session the tap was for); omitted at the
	// entrance, so that entrance events are as before.
	Room      string `json:"room,omitempty"`
	SessionID string `json:"session_id,omitempty"`
}

// CheckinsRequest is the body of POST /sync/v1/checkins.
type CheckinsRequest struct {
	Events []CheckinEvent `json:"events"`
}

// CheckinsResponse is its answer.
type CheckinsResponse struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
}

// BadgeEvent is a desk's bind or revoke as delivered to the registry.
type BadgeEvent struct {
	ID         string    `json:"id"`
	Op         string    `json:"op"`
	UID        string    `json:"uid"`
	DelegateID string    `json:"delegate_id,omitempty"`
	At         time.Time `json:"at"`
}

// BadgesRequest is the body of POST /sync/v1/badges.
type BadgesRequest struct {
	Events []BadgeEvent `json:"events"`
}

// LostBind is a bind that lost a conflict: the UID stays with HeldBy.
type LostBind struct {
	ID         string `json:"id"`
	UID        string `json:"uid"`
	DelegateID string `json:"delegate_id"`
	HeldBy     string `json:"held_by"`
}

// BadgesResponse is its answer.
type BadgesResponse struct {
	Applied    int        `json:"applied"`
	Duplicates int        `json:"duplicates"`
	Lost       []LostBind `json:"lost"`
}

// WhoAmI is the answer to GET /sync/v1/whoami: the kiosk the token was
// issued for.
type WhoAmI struct {
	Kiosk string `json:"kiosk"`
}

// PhotoAnswer is the registry's answer to PUT and DELETE
// /sync/v1/photos/{delegate_id}: the delegate's photo now ("" for none).
type PhotoAnswer struct {
	DelegateID string `json:"delegate_id"`
	SHA256     string `json:"sha256"`
}

// ErrorBody is the JSON of every error answer.
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// invalid is a kiosk.EINVALID error for a bad payload.
func invalid(format string, args ...any) error {
	return kiosk.Errorf(kiosk.EINVALID, format, args...)
}

// DecodeCheckins decodes and validates a POST /sync/v1/checkins body. Any
// bad event makes the whole body invalid (EINVALID naming its index and id).
func DecodeCheckins(data []byte) ([]CheckinEvent, error) {
	var req CheckinsRequest
	// JSON v2 with unknown fields refused: several times faster than
	// encoding/json on a batch of 500.
	if err := jsonv2.Unmarshal(data, &req, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, invalid("invalid JSON body: %v", err)
	}
	if len(req.Events) > MaxEventsPerPost {
		return nil, invalid("%d events, at most %d per request", len(req.Events), MaxEventsPerPost)
	}
	for i, e := range req.Events {
		if err := validateCheckin(e); err != nil {
			return nil, invalid("event %d (id %q): %v", i, badge.Clip(e.ID), err)
		}
	}
	return req.Events, nil
}

var reasons = map[string]bool{
	kiosk.ReasonUnknownBadge: true, kiosk.ReasonRevokedBadge: true, kiosk.ReasonInvalidPass: true,
	kiosk.ReasonNotValidToday: true, kiosk.ReasonRegistrationCancelled: true,
	kiosk.ReasonNoSessionNow: true, kiosk.ReasonNotInSessionGroups: true, kiosk.ReasonRoomFull: true,
}

// doorReasons are given at room doors only.
var doorReasons = map[string]bool{kiosk.ReasonNoSessionNow: true, kiosk.ReasonNotInSessionGroups: true, kiosk.ReasonRoomFull: true}

func validateCheckin(e CheckinEvent) error {
	switch {
	case !kiosk.ValidLabel(e.ID):
		return fmt.Errorf("id must be 1 to %d printable characters", kiosk.MaxLabel)
	case e.Source != kiosk.SourceRFID && e.Source != kiosk.SourceQR && e.Source != kiosk.SourceKeyboard && e.Source != kiosk.SourceDesk:
		return fmt.Errorf("source must be rfid, qr, keyboard or desk")
	case e.Direction != kiosk.DirectionIn && e.Direction != kiosk.DirectionOut:
		return fmt.Errorf("direction must be in or out")
	case !kiosk.ValidLabel(e.Gate):
		return fmt.Errorf("gate must be 1 to %d printable characters", kiosk.MaxLabel)
	case e.Kiosk != "" && !kiosk.ValidLabel(e.Kiosk):
		return fmt.Errorf("kiosk must be at most %d printable characters", kiosk.MaxLabel)
	case len(e.UID) > badge.MaxUIDInput || !utf8.ValidString(e.UID):
		return fmt.Errorf("uid must be valid text of at most %d bytes", badge.MaxUIDInput)
	case e.DelegateID != "" && !kiosk.ValidLabel(e.DelegateID):
		return fmt.Errorf("delegate_id must be at most %d printable characters", kiosk.MaxLabel)
	case e.At.Year() < 2000 || e.At.Year() > 2100:
		return fmt.Errorf("at %s is not a plausible time", e.At.Format(time.RFC3339))
	case e.Result == kiosk.ResultAccepted && e.Reason != "":
		return fmt.Errorf("an accepted event has no reason")
	case e.Result == kiosk.ResultAccepted && e.DelegateID == "":
		return fmt.Errorf("an accepted event names its delegate")
	case e.Result == kiosk.ResultRejected && !reasons[e.Reason]:
		return fmt.Errorf("reason %q is not a rejection reason", badge.Clip(e.Reason))
	case e.Result != kiosk.ResultAccepted && e.Result != kiosk.ResultRejected:
		return fmt.Errorf("result must be accepted or rejected")
	case e.Room != "" && !kiosk.ValidLabel(e.Room):
		return fmt.Errorf("room must be at most %d printable characters", kiosk.MaxLabel)
	case e.SessionID != "" && (e.Room == "" || !kiosk.ValidLabel(e.SessionID)):
		return fmt.Errorf("session_id must be at most %d printable characters, at a room door", kiosk.MaxLabel)
	case e.Room == "" && doorReasons[e.Reason]:
		return fmt.Errorf("reason %q is given at room doors only", e.Reason)
	}
	return nil
}

// RoomResetsRequest is the body of POST /sync/v1/rooms/reset: rooms whose
// count of people inside staff emptied at a kiosk.
type RoomResetsRequest struct {
	Resets []RoomReset `json:"resets"`
}

// RoomResetsResponse is its answer: how many resets were new.
type RoomResetsResponse struct {
	Accepted int `json:"accepted"`
}

// RoomReset is one reset: from At on, passes before it no longer count.
// Day is the local date it applies to.
type RoomReset struct {
	ID   string    `json:"id"`
	Room string    `json:"room"`
	Day  string    `json:"day"`
	At   time.Time `json:"at"`
	By   string    `json:"by"`
}

// DecodeRoomResets decodes and validates a POST /sync/v1/rooms/reset body.
func DecodeRoomResets(data []byte) ([]kiosk.RoomReset, error) {
	var req RoomResetsRequest
	if err := kiosk.DecodeJSON(data, &req); err != nil {
		return nil, err
	}
	if len(req.Resets) > MaxEventsPerPost {
		return nil, invalid("%d resets, at most %d per request", len(req.Resets), MaxEventsPerPost)
	}
	out := make([]kiosk.RoomReset, len(req.Resets))
	for i, r := range req.Resets {
		var err error
		switch {
		case !kiosk.ValidLabel(r.ID):
			err = fmt.Errorf("id must be 1 to %d printable characters", kiosk.MaxLabel)
		case !kiosk.ValidLabel(r.Room):
			err = fmt.Errorf("room must be 1 to %d printable characters", kiosk.MaxLabel)
		case !kiosk.ValidDate(r.Day):
			err = fmt.Errorf("day must be YYYY-MM-DD")
		case r.At.Year() < 2000 || r.At.Year() > 2100:
			err = fmt.Errorf("at %s is not a plausible time", r.At.Format(time.RFC3339))
		case r.By != "" && !kiosk.ValidLabel(r.By):
			err = fmt.Errorf("by must be at most %d printable characters", kiosk.MaxLabel)
		}
		if err != nil {
			return nil, invalid("reset %d (id %q): %v", i, badge.Clip(r.ID), err)
		}
		out[i] = kiosk.RoomReset{ID: r.ID, Room: r.Room, Day: r.Day, At: r.At.UTC(), By: r.By}
	}
	return out, nil
}

// KeysRequest is the body of POST /sync/v1/keys: a kiosk's public pass keys.
type KeysRequest struct {
	Keys []KeyAnnouncement `json:"keys"`
}

// KeyAnnouncement is a kiosk's public pass key (text form
// "<id>:<base64url>") with the proof that the kiosk holds it: the key's
// signature over the kiosk's name (pass.Key.Prove).
type KeyAnnouncement struct {
	ID        string `json:"id"`
	PublicKey string `json:"public_key"`
	Proof     string `json:"proof,omitempty"`
}

// DecodeKeys decodes and validates a POST /sync/v1/keys body from the
// kiosk named kioskID: each key must come with its proof for that kiosk.
func DecodeKeys(data []byte, kioskID string) ([]KeyAnnouncement, error) {
	var req KeysRequest
	if err := kiosk.DecodeJSON(data, &req); err != nil {
		return nil, err
	}
	if len(req.Keys) == 0 || len(req.Keys) > 16 {
		return nil, invalid("send 1 to 16 keys")
	}
	for i, k := range req.Keys {
		pk, err := pass.ParsePublicKey(k.PublicKey)
		if err != nil {
			return nil, invalid("keys[%d]: %v", i, err)
		}
		if pk.ID != k.ID {
			return nil, invalid("keys[%d]: id %q does not match the key's id %q", i, badge.Clip(k.ID), pk.ID)
		}
		if err := pk.CheckProof(kioskID, k.Proof); err != nil {
			return nil, invalid("keys[%d]: no proof that kiosk %s holds key %s (the key's signature of the kiosk's name)", i, badge.Clip(kioskID), pk.ID)
		}
	}
	return req.Keys, nil
}

// PassesRequest is the body of POST /sync/v1/passes: passes a kiosk's
// desk issued, as their tokens.
type PassesRequest struct {
	Passes []PassAnnouncement `json:"passes"`
}

// PassAnnouncement is one pass a kiosk issued.
type PassAnnouncement struct {
	Token string `json:"token"`
}

// PassesResponse is its answer: how many passes are now their delegate's
// newest, and how many were superseded already by a newer one.
type PassesResponse struct {
	Accepted   int `json:"accepted"`
	Superseded int `json:"superseded"`
}

// DecodePasses decodes a POST /sync/v1/passes body and checks the form of
// each token (the registry verifies their signatures). Any bad entry makes
// the whole body invalid (EINVALID naming its index).
func DecodePasses(data []byte) ([]PassAnnouncement, error) {
	var req PassesRequest
	if err := kiosk.DecodeJSON(data, &req); err != nil {
		return nil, err
	}
	if len(req.Passes) == 0 || len(req.Passes) > MaxEventsPerPost {
		return nil, invalid("send 1 to %d passes", MaxEventsPerPost)
	}
	for i, p := range req.Passes {
		if !strings.HasPrefix(p.Token, pass.Prefix) || len(p.Token) > pass.MaxTokenLen || !printableASCII(p.Token) {
			return nil, invalid("passes[%d]: a token is %s… of at most %d printable characters", i, pass.Prefix, pass.MaxTokenLen)
		}
	}
	return req.Passes, nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// DecodeBadgeEvents decodes and validates a POST /sync/v1/badges body.
func DecodeBadgeEvents(data []byte) ([]BadgeEvent, error) {
	var req BadgesRequest
	if err := kiosk.DecodeJSON(data, &req); err != nil {
		return nil, err
	}
	if len(req.Events) > MaxEventsPerPost {
		return nil, invalid("%d events, at most %d per request", len(req.Events), MaxEventsPerPost)
	}
	for i := range req.Events {
		e := &req.Events[i]
		uid, err := badge.CanonicalUID(e.UID)
		switch {
		case !kiosk.ValidLabel(e.ID):
			err = fmt.Errorf("id must be 1 to %d printable characters", kiosk.MaxLabel)
		case err != nil:
			err = fmt.Errorf("uid: %v", err)
		case e.Op == kiosk.BadgeBind && !kiosk.ValidLabel(e.DelegateID):
			err = fmt.Errorf("a bind names its delegate_id")
		case e.Op != kiosk.BadgeBind && e.Op != kiosk.BadgeRevoke:
			err = fmt.Errorf("op must be bind or revoke")
		case e.At.Year() < 2000 || e.At.Year() > 2100:
			err = fmt.Errorf("at %s is not a plausible time", e.At.Format(time.RFC3339))
		}
		if err != nil {
			return nil, invalid("event %d (id %q): %v", i, badge.Clip(e.ID), err)
		}
		e.UID = uid
	}
	return req.Events, nil
}

// changeIn is an entry of a page as read, its data decoded straight into
// the type of its kind.
type changeIn struct {
	Seq   int64
	Kind  string
	Op    string
	entry any // holds the data, decoded into the kind's type; nil without data or for a kind not known
}

// UnmarshalJSONFrom reads an entry in one pass when its kind comes before
// its data, as the registry writes it; data that comes before the kind is
// held raw and decoded at the end of the entry. Other members are ignored,
// as in any object of the protocol.
func (c *changeIn) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*c = changeIn{}
	tok, err := dec.ReadToken()
	switch {
	case err != nil:
		return err
	case tok.Kind() == 'n':
		return nil
	case tok.Kind() != '{':
		return fmt.Errorf("a change is an object, not %v", tok.Kind())
	}
	var raw []byte // data read before the kind
	sawKind := false
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch name.String() {
		case "seq":
			err = jsonv2.UnmarshalDecode(dec, &c.Seq)
		case "kind":
			err, sawKind = jsonv2.UnmarshalDecode(dec, &c.Kind), true
		case "op":
			err = jsonv2.UnmarshalDecode(dec, &c.Op)
		case "data":
			if k, ok := kinds[c.Kind]; ok {
				var data any
				c.entry, data = k.newData()
				err = jsonv2.UnmarshalDecode(dec, data)
			} else if !sawKind {
				var v jsontext.Value
				v, err = dec.ReadValue()
				raw = bytes.Clone(v)
			} else {
				err = dec.SkipValue()
			}
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if k, ok := kinds[c.Kind]; ok && raw != nil {
		var data any
		c.entry, data = k.newData()
		return jsonv2.Unmarshal(raw, data)
	}
	return nil
}

// value is the entry's domain value, or why it cannot be applied.
func (c *changeIn) value() (any, error) {
	if c.Op != kiosk.OpUpsert && c.Op != kiosk.OpDelete {
		return nil, fmt.Errorf("op %q", c.Op)
	}
	k, ok := kinds[c.Kind]
	if !ok {
		return nil, fmt.Errorf("unknown kind %q", c.Kind)
	}
	if c.entry == nil {
		c.entry, _ = k.newData()
	}
	return k.change(c.entry, c.Op == kiosk.OpUpsert)
}

type pageIn struct {
	Changes []changeIn `json:"changes"`
	Next    int64      `json:"next"`
	More    bool       `json:"more"`
}

// DecodeChangesPage decodes a page of the change feed into domain changes.
// A malformed page is an error; a malformed or unknown entry within a
// well-formed page is skipped and counted, so that one bad entry cannot
// stop a kiosk from ever catching up.
func DecodeChangesPage(data []byte) (page ChangesPage, changes []kiosk.Change, skipped int, err error) {
	// Sized for a full page up front, rather than grown by doubling.
	in := pageIn{Changes: make([]changeIn, 0, min(MaxPage, bytes.Count(data, []byte(`"seq"`))))}
	// JSON v2 decodes a page of a first sync several times faster than
	// encoding/json; both read the same JSON.
	if err := jsonv2.Unmarshal(data, &in); err != nil {
		return page, nil, 0, fmt.Errorf("decode changes: %w", err)
	}
	page.Next, page.More = in.Next, in.More
	page.Changes = make([]Change, len(in.Changes))
	changes = make([]kiosk.Change, 0, len(in.Changes))
	last := int64(-1)
	for i, c := range in.Changes {
		if c.Seq <= last {
			return page, nil, 0, fmt.Errorf("decode changes: seq %d after %d", c.Seq, last)
		}
		last = c.Seq
		page.Changes[i] = Change{Seq: c.Seq, Kind: c.Kind, Op: c.Op}
		v, err := c.value()
		if err != nil {
			skipped++
			continue
		}
		changes = append(changes, kiosk.Change{Seq: c.Seq, Kind: c.Kind, Op: c.Op, Value: v})
	}
	if len(in.Changes) > 0 && page.Next < last {
		return page, nil, 0, fmt.Errorf("decode changes: next %d before last seq %d", page.Next, last)
	}
	return page, changes, skipped, nil
}

// FromTap turns a stored tap into a check-in event.
func FromTap(t kiosk.TapRecord) CheckinEvent {
	return CheckinEvent{ID: t.ID, DelegateID: t.DelegateID, UID: t.UID, Source: t.Source, Kiosk: t.Kiosk,
		Gate: t.Gate, Direction: t.Direction, At: t.At, Result: t.Result, Reason: t.Reason,
		Room: t.Room, SessionID: t.SessionID}
}
