package sync

import (
	"fmt"
	"strings"
	"time"

	"checkin/badge"
	"checkin/badge/pass"
	"checkin/kiosk"
)

// kinds is every kind of change this version knows, one entry a kind: the
// type its data is decoded into, straight from the page, and the check that
// turns that data into the kind's domain value. A client skips, and
// counts, the entries of a kind not here and those whose data fails its
// check.
var kinds = map[string]kind{
	kiosk.ChangeMeeting:  kindOf((*MeetingData).change),
	kiosk.ChangeDelegate: kindOf((*DelegateData).change),
	kiosk.ChangeBadge:    kindOf((*BadgeData).change),
	kiosk.ChangeRoom:     kindOf((*RoomData).change),
	kiosk.ChangeSession:  kindOf((*SessionData).change),
	kiosk.ChangeArrival:  kindOf((*ArrivalData).change),
	kiosk.ChangeKey:      kindOf((*KeyData).change),
	kiosk.ChangePass:     kindOf((*PassData).change),
	kiosk.ChangeStaff:    kindOf((*StaffData).change),
	kiosk.ChangePhoto:    kindOf((*PhotoData).change),
	kiosk.ChangePresence: kindOf((*PresenceData).change),
	kiosk.ChangeAPIKey:   kindOf((*APIKeyData).change),
}

// A kind is what the protocol knows of one kind of change.
type kind struct {
	// newData returns a zero data value of the kind's own type to decode
	// into, and the entry that holds it and, once checked, its domain value.
	newData func() (entry, data any)
	// change checks the data in entry and returns its domain value.
	change func(entry any, upsert bool) (any, error)
}

// kindEntry holds an entry's data and its domain value in one allocation:
// with one each, a first sync's page decoded about 10% slower than through
// the single struct of every kind's fields this table replaced.
type kindEntry[T, V any] struct {
	data  T
	value V
}

// kindOf is the kind whose data is a T, checked by change into a V.
func kindOf[T, V any](change func(data *T, upsert bool) (V, error)) kind {
	return kind{
		newData: func() (any, any) {
			e := new(kindEntry[T, V])
			return e, &e.data
		},
		change: func(entry any, upsert bool) (any, error) {
			e := entry.(*kindEntry[T, V])
			v, err := change(&e.data, upsert)
			if err != nil {
				return nil, err
			}
			e.value = v
			return &e.value, nil
		},
	}
}

// MeetingData is the data of a meeting change.
type MeetingData struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	TimeZone string `json:"timezone"`
	Start    string `json:"start"` // YYYY-MM-DD
	End      string `json:"end"`
}

func (d *MeetingData) change(upsert bool) (kiosk.Meeting, error) {
	if upsert && kiosk.ValidTimeZone(d.TimeZone) != nil {
		return kiosk.Meeting{}, fmt.Errorf("meeting time zone %q", d.TimeZone)
	}
	if (d.Start != "" && !kiosk.ValidDate(d.Start)) || (d.End != "" && !kiosk.ValidDate(d.End)) {
		return kiosk.Meeting{}, fmt.Errorf("meeting dates")
	}
	return kiosk.Meeting{ID: d.ID, Name: d.Name, TimeZone: d.TimeZone, Start: d.Start, End: d.End}, nil
}

// DelegateData is the data of a delegate change.
type DelegateData struct {
	ID           string   `json:"id"`
	FamilyName   string   `json:"family_name,omitempty"`
	GivenName    string   `json:"given_name,omitempty"`
	Organization string   `json:"organization,omitempty"`
	Country      string   `json:"country,omitempty"`
	CountryName  string   `json:"country_name,omitempty"` // the roster's country_name, shown as written
	Role         string   `json:"role,omitempty"`
	Groups       []string `json:"groups,omitempty"`
	ValidFrom    string   `json:"valid_from,omitempty"`
	ValidTo      string   `json:"valid_to,omitempty"`
	Status       string   `json:"status,omitempty"`
	Language     string   `json:"language,omitempty"`
	Email        string   `json:"email,omitempty"`
	// LatinFamilyName and LatinGivenName are additions to protocol v1:
	// registries before them send neither, and kiosks before them ignore
	// them (a page's unknown members are skipped).
	LatinFamilyName string `json:"latin_family_name,omitempty"`
	LatinGivenName  string `json:"latin_given_name,omitempty"`
}

func (d *DelegateData) change(upsert bool) (kiosk.Delegate, error) {
	if !kiosk.ValidLabel(d.ID) || upsert && d.FamilyName == "" {
		return kiosk.Delegate{}, fmt.Errorf("delegate without id or family name")
	}
	return kiosk.Delegate{ID: d.ID, FamilyName: d.FamilyName, GivenName: d.GivenName,
		Organization: d.Organization, Country: d.Country, CountryName: d.CountryName, Role: d.Role, Groups: d.Groups,
		ValidFrom: d.ValidFrom, ValidTo: d.ValidTo, Status: d.Status, Language: d.Language, Email: d.Email,
		LatinFamilyName: d.LatinFamilyName, LatinGivenName: d.LatinGivenName}, nil
}

// BadgeData is the data of a badge change.
type BadgeData struct {
	UID        string `json:"uid"`
	DelegateID string `json:"delegate_id,omitempty"`
	Revoked    bool   `json:"revoked"`
}

func (d *BadgeData) change(upsert bool) (kiosk.BadgeBinding, error) {
	uid, err := badge.CanonicalUID(d.UID)
	if err != nil || upsert && !kiosk.ValidLabel(d.DelegateID) {
		return kiosk.BadgeBinding{}, fmt.Errorf("badge %q", badge.Clip(d.UID))
	}
	return kiosk.BadgeBinding{UID: uid, DelegateID: d.DelegateID, Revoked: d.Revoked}, nil
}

// RoomData is the data of a room change.
type RoomData struct {
	Name     string `json:"name"`
	Building string `json:"building,omitempty"`
	Floor    string `json:"floor,omitempty"`
	Capacity int    `json:"capacity,omitempty"`
	// Overflow is an addition to protocol v1: registries before it send
	// none, and kiosks before it skip it (a page's unknown members are
	// ignored); omitted when empty.
	Overflow string `json:"overflow,omitempty"`
	// ResetDay and ResetAt (RFC 3339) are the room's latest count reset by
	// staff (kiosk.RoomReset), an addition to protocol v1 like Overflow.
	ResetDay string `json:"reset_day,omitempty"`
	ResetAt  string `json:"reset_at,omitempty"`
}

func (d *RoomData) change(bool) (kiosk.Room, error) {
	at, err := parseTime(d.ResetAt)
	if d.Name == "" || d.Capacity < 0 || d.Capacity > kiosk.MaxCapacity || d.Overflow != "" && d.Overflow == d.Name ||
		err != nil || d.ResetDay != "" && (!kiosk.ValidDate(d.ResetDay) || at.IsZero()) {
		return kiosk.Room{}, fmt.Errorf("room %q", badge.Clip(d.Name))
	}
	r := kiosk.Room{Name: d.Name, Building: d.Building, Floor: d.Floor, Capacity: d.Capacity, Overflow: d.Overflow}
	if d.ResetDay != "" {
		r.Reset = &kiosk.RoomReset{Room: d.Name, Day: d.ResetDay, At: at.UTC()}
	}
	return r, nil
}

// SessionData is the data of a session change. Start and End are RFC 3339
// times with the meeting's offset.
type SessionData struct {
	ID        string   `json:"id"`
	Title     string   `json:"title,omitempty"`
	Room      string   `json:"room,omitempty"`
	Building  string   `json:"building,omitempty"`
	Start     string   `json:"start,omitempty"`
	End       string   `json:"end,omitempty"`
	Groups    []string `json:"groups,omitempty"`
	Status    string   `json:"status,omitempty"`
	MovedFrom string   `json:"moved_from,omitempty"`
}

func (d *SessionData) change(upsert bool) (kiosk.Session, error) {
	start, err1 := parseTime(d.Start)
	end, err2 := parseTime(d.End)
	if d.ID == "" || err1 != nil || err2 != nil || upsert && (!end.After(start) || d.Room == "") {
		return kiosk.Session{}, fmt.Errorf("session %q", badge.Clip(d.ID))
	}
	return kiosk.Session{ID: d.ID, Title: d.Title, Room: d.Room, Building: d.Building,
		Start: start, End: end, Groups: d.Groups, Status: d.Status, MovedFrom: d.MovedFrom}, nil
}

// ArrivalData is the data of an arrival change. At is an RFC 3339 time.
type ArrivalData struct {
	DelegateID string `json:"delegate_id"`
	Day        string `json:"day"`
	At         string `json:"at,omitempty"`
	Kiosk      string `json:"kiosk,omitempty"`
}

func (d *ArrivalData) change(bool) (kiosk.Arrival, error) {
	at, err := parseTime(d.At)
	if err != nil || !kiosk.ValidLabel(d.DelegateID) || !kiosk.ValidDate(d.Day) {
		return kiosk.Arrival{}, fmt.Errorf("arrival")
	}
	return kiosk.Arrival{DelegateID: d.DelegateID, Day: d.Day, At: at, Kiosk: d.Kiosk}, nil
}

// PresenceData is the data of a presence change: a delegate's latest pass
// through a room door on a day (kiosk.Presence). At is an RFC 3339 time.
type PresenceData struct {
	DelegateID string `json:"delegate_id"`
	Day        string `json:"day"`
	Room       string `json:"room,omitempty"`
	Direction  string `json:"direction,omitempty"`
	At         string `json:"at,omitempty"`
	TapID      string `json:"tap_id,omitempty"`
	Kiosk      string `json:"kiosk,omitempty"`
	SessionID  string `json:"session_id,omitempty"`
}

func (d *PresenceData) change(upsert bool) (kiosk.Presence, error) {
	at, err := parseTime(d.At)
	if err != nil || !kiosk.ValidLabel(d.DelegateID) || !kiosk.ValidDate(d.Day) || upsert && (!kiosk.ValidLabel(d.Room) ||
		d.Direction != kiosk.DirectionIn && d.Direction != kiosk.DirectionOut || at.IsZero() || !kiosk.ValidLabel(d.TapID)) {
		return kiosk.Presence{}, fmt.Errorf("presence of %q", badge.Clip(d.DelegateID))
	}
	return kiosk.Presence{DelegateID: d.DelegateID, Day: d.Day, Room: d.Room, Direction: d.Direction, At: at.UTC(),
		TapID: d.TapID, Kiosk: d.Kiosk, SessionID: d.SessionID}, nil
}

// KeyData is the data of a key change: a public key that signs QR passes,
// in its text form "<id>:<base64url>".
type KeyData struct {
	ID        string `json:"id"`
	PublicKey string `json:"public_key,omitempty"`
}

func (d *KeyData) change(upsert bool) (kiosk.PassKey, error) {
	if upsert {
		pk, err := pass.ParsePublicKey(d.PublicKey)
		if err != nil || pk.ID != d.ID {
			return kiosk.PassKey{}, fmt.Errorf("key %q", badge.Clip(d.ID))
		}
	} else if !kiosk.ValidLabel(d.ID) {
		return kiosk.PassKey{}, fmt.Errorf("key without id")
	}
	return kiosk.PassKey{ID: d.ID, PublicKey: d.PublicKey, Origin: "registry"}, nil
}

// PassData is the data of a pass change: the newest QR pass issued for a
// delegate at any kiosk (its token stays with the kiosk that issued it).
// IssuedAt is an RFC 3339 time, whole seconds.
type PassData struct {
	DelegateID string `json:"delegate_id"`
	UID        string `json:"uid,omitempty"`
	IssuedAt   string `json:"issued_at,omitempty"`
	Kiosk      string `json:"kiosk,omitempty"`
}

func (d *PassData) change(upsert bool) (kiosk.Pass, error) {
	at, err := parseTime(d.IssuedAt)
	if err != nil || !kiosk.ValidLabel(d.DelegateID) || upsert && (!validPassUID(d.UID) || at.IsZero()) {
		return kiosk.Pass{}, fmt.Errorf("pass of %q", badge.Clip(d.DelegateID))
	}
	return kiosk.Pass{DelegateID: d.DelegateID, UID: d.UID, IssuedAt: at.UTC(), Kiosk: d.Kiosk}, nil
}

// validPassUID reports whether uid is a pass's UID: PassUIDLen upper-case
// hex digits.
func validPassUID(uid string) bool {
	if !kiosk.IsPassUID(uid) {
		return false
	}
	for i := 0; i < len(uid); i++ {
		if c := uid[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// FormatTime is how times go in change data: RFC 3339 with the time's own
// offset.
func FormatTime(t time.Time) string { return t.Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// StaffData is the data of a staff change: a login managed at the
// registry, which every kiosk accepts. It carries the password's argon2id
// hash (PHC string), never the password.
type StaffData struct {
	Username     string `json:"username"`
	Role         string `json:"role,omitempty"`
	PasswordHash string `json:"password_hash,omitempty"`
}

func (d *StaffData) change(upsert bool) (kiosk.StaffAccount, error) {
	if !kiosk.ValidUsername(d.Username) {
		return kiosk.StaffAccount{}, fmt.Errorf("staff username %q", badge.Clip(d.Username))
	}
	if upsert && ((d.Role != kiosk.RoleDesk && d.Role != kiosk.RoleAdmin) ||
		!strings.HasPrefix(d.PasswordHash, "$argon2id$") || len(d.PasswordHash) > 256) {
		return kiosk.StaffAccount{}, fmt.Errorf("staff login %q: role %q or password hash not acceptable", d.Username, badge.Clip(d.Role))
	}
	return kiosk.StaffAccount{Username: d.Username, Role: d.Role, PasswordHash: d.PasswordHash}, nil
}

// PhotoData is the data of a photo change: a delegate's current photo, by
// the SHA-256 of its bytes (lower-case hex), which a kiosk fetches with
// GET /sync/v1/photos/{sha256} when it does not hold them. Never the bytes.
type PhotoData struct {
	DelegateID  string `json:"delegate_id"`
	SHA256      string `json:"sha256,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Size        int    `json:"size,omitzero"`
}

func (d *PhotoData) change(upsert bool) (kiosk.Photo, error) {
	if !kiosk.ValidLabel(d.DelegateID) || upsert && (!kiosk.ValidPhotoHash(d.SHA256) ||
		d.ContentType != kiosk.PhotoJPEG && d.ContentType != kiosk.PhotoPNG || d.Size <= 0 || d.Size > kiosk.MaxPhotoBytes) {
		return kiosk.Photo{}, fmt.Errorf("photo of %q", badge.Clip(d.DelegateID))
	}
	return kiosk.Photo{DelegateID: d.DelegateID, SHA256: d.SHA256, ContentType: d.ContentType, Size: d.Size}, nil
}

// APIKeyData is the data of an apikey change: a key of one of the venue's
// other systems, managed at the registry, by its SHA-256 (lower-case hex,
// kiosk.HashSecret), never the key, and whether it was revoked.
type APIKeyData struct {
	Name    string `json:"name"`
	Hash    string `json:"hash,omitempty"`
	Revoked bool   `json:"revoked"`
}

func (d *APIKeyData) change(upsert bool) (kiosk.APIKey, error) {
	if !kiosk.ValidAPIKeyName(d.Name) || upsert && !kiosk.ValidSecretHash(d.Hash) {
		return kiosk.APIKey{}, fmt.Errorf("api key %q", badge.Clip(d.Name))
	}
	return kiosk.APIKey{Name: d.Name, Hash: d.Hash, Revoked: d.Revoked}, nil
}
