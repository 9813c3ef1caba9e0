package kiosk

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"checkin/kiosk/country"
)

// Roles of a delegate, as in the roster CSV.
var Roles = []string{"delegate", "head", "deputy_head", "chair", "secretariat", "press", "staff", "guest"}

// Registration statuses, as in the roster CSV.
const (
	StatusRegistered = "registered"
	StatusConfirmed  = "confirmed"
	StatusCancelled  = "cancelled"
)

// Languages are the six UN languages the screens speak.
var Languages = []string{"en", "fr", "es", "ar", "zh", "ru"}

// RosterLanguages are the languages a roster may give a delegate: the
// screens' six, and Japanese, which prints a badge's Han characters in
// their Japanese forms (screens greet a "ja" delegate in their own
// language).
var RosterLanguages = []string{"en", "fr", "es", "ar", "zh", "ru", "ja"}

// Delegate is a person on the pre-registration list.
type Delegate struct {
	ID           string
	FamilyName   string
	GivenName    string
	Organization string
	Country      string // ISO 3166-1 alpha-2
	CountryName  string // the roster's country_name, shown as written instead of Country's UN name; usually ""
	Role         string
	Groups       []string
	ValidFrom    string // inclusive civil date; "" means the meeting's start
	ValidTo      string // inclusive civil date; "" means the meeting's end
	Status       string
	Language     string
	Email        string // never shown on public screens
	Badges       []string

	// LatinFamilyName and LatinGivenName are the name as the delegate's
	// passport or the registration system spells it in Latin letters, or
	// "": the badge's second line, and searched by the desk.
	LatinFamilyName, LatinGivenName string
}

// Name returns the name as the delegate would write it: family name first
// without a space for Chinese, Japanese and Korean names, "Given Family"
// otherwise.
func (d *Delegate) Name() string {
	switch {
	case d.GivenName == "":
		return d.FamilyName
	case d.FamilyName == "":
		return d.GivenName
	case familyFirst(d.FamilyName):
		return d.FamilyName + d.GivenName
	}
	return d.GivenName + " " + d.FamilyName
}

// LatinName returns the Latin spelling of the name from the latin
// columns, in the order of Name, or "" when neither is given.
func (d *Delegate) LatinName() string {
	switch {
	case d.LatinFamilyName == "" || d.LatinGivenName == "":
		return d.LatinFamilyName + d.LatinGivenName
	case d.GivenName != "" && familyFirst(d.FamilyName):
		return d.LatinFamilyName + " " + d.LatinGivenName
	}
	return d.LatinGivenName + " " + d.LatinFamilyName
}

func familyFirst(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) ||
			unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) {
			return true
		}
		if unicode.IsLetter(r) {
			return false
		}
	}
	return false
}

// Public returns what public screens may show of the delegate.
func (d *Delegate) Public() *PublicDelegate {
	return &PublicDelegate{
		ID:           d.ID,
		Name:         d.Name(),
		Organization: d.Organization,
		Role:         d.Role,
		Country:      d.Country,
	}
}

// CountryIn returns the name of the delegate's country to show in lang
// (one of Languages): the roster's country_name as written, whatever the
// language ("Holy See", "European Union", "Organisation internationale de
// la Francophonie"), else the UN name of Country in lang, else "".
func (d *Delegate) CountryIn(lang string) string {
	if d.CountryName != "" {
		return d.CountryName
	}
	return country.Name(d.Country, lang)
}

// InGroup reports whether the delegate attends any of groups. A session with
// no groups is for everyone.
func (d *Delegate) InGroup(groups []string) bool {
	if len(groups) == 0 {
		return true
	}
	for _, g := range groups {
		for _, mine := range d.Groups {
			if strings.EqualFold(g, mine) {
				return true
			}
		}
	}
	return false
}

// PublicDelegate is the part of a delegate that public screens show.
type PublicDelegate struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Organization string `json:"organization"`
	Role         string `json:"role"`
	Country      string `json:"country"`
}

// RosterImport is the outcome of a roster import.
type RosterImport struct {
	Added, Updated, Removed, Unchanged int
	Badges                             int // roster badges bound
}

// RosterStore holds the pre-registration list.
type RosterStore interface {
	// ReplaceRoster replaces the roster with delegates in one transaction,
	// keeping taps and badges bound at the desk. Returns EINVALID (with every
	// conflict named) when a roster badge is bound to someone else at the desk.
	ReplaceRoster(ctx context.Context, delegates []Delegate) (RosterImport, error)
	// Delegate returns a delegate by id, with their active badges, or ENOTFOUND.
	Delegate(ctx context.Context, id string) (*Delegate, error)
	// CountDelegates returns the roster size.
	CountDelegates(ctx context.Context) (int, error)
}

// BadgeConflict is a roster badge that the desk has bound to someone else.
type BadgeConflict struct {
	UID        string
	DelegateID string // the delegate the roster gives it to
	HeldBy     string // the delegate the desk bound it to
}

// RosterConflictError rejects a roster import that would take badges away
// from the delegates the desk bound them to. It is an EINVALID error.
type RosterConflictError struct {
	Conflicts []BadgeConflict
}

// Error implements error.
func (e *RosterConflictError) Error() string {
	c := e.Conflicts[0]
	msg := fmt.Sprintf("badge %s for %s is bound at the desk to %s", c.UID, c.DelegateID, c.HeldBy)
	if len(e.Conflicts) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(e.Conflicts)-1)
	}
	return msg
}

// Unwrap makes the conflict an EINVALID domain error.
func (e *RosterConflictError) Unwrap() error {
	return &Error{Code: EINVALID, Message: e.Error()}
}
