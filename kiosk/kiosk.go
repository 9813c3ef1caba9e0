// Package kiosk is the domain of a venue: delegates, badges, sessions, taps
// and the rules that decide a tap. It imports no web, SQL or serial code;
// sub-packages implement its interfaces.
package kiosk

import (
	"time"
)

// Date layout used for civil dates throughout ("2006-01-02"). Civil dates
// are kept as strings: they compare correctly as text and need no zone.
const DateLayout = "2006-01-02"

// DefaultTimeZone is the meeting time zone when none is configured.
const DefaultTimeZone = "Europe/Zurich"

// Meeting holds the settings of the meeting a kiosk serves.
type Meeting struct {
	ID       string
	Name     string
	TimeZone string // IANA name
	Start    string // first day, inclusive; "" when unknown
	End      string // last day, inclusive; "" when unknown
}

// Location returns the meeting's time zone, falling back to UTC only if the
// configured name is unknown (validated on input, so this is defensive).
func (m Meeting) Location() *time.Location {
	name := m.TimeZone
	if name == "" {
		name = DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// LocalDate returns the civil date of t in loc.
func LocalDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(DateLayout)
}

// ValidDate reports whether s is an ISO civil date (YYYY-MM-DD).
func ValidDate(s string) bool {
	if len(s) != len(DateLayout) {
		return false
	}
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

// ValidTimeZone returns EINVALID unless name is a known IANA time zone.
// "Local" and "" are refused: a kiosk's own zone is not the meeting's.
func ValidTimeZone(name string) error {
	if name == "" || name == "Local" {
		return Errorf(EINVALID, "time zone %q: give an IANA name such as Europe/Zurich", name)
	}
	if _, err := time.LoadLocation(name); err != nil {
		return Errorf(EINVALID, "unknown time zone %q: give an IANA name such as Europe/Zurich", name)
	}
	return nil
}

// ValidateMeeting returns EINVALID for meeting settings a store must not
// keep: no or an unknown time zone, malformed dates, or an end before the
// start.
func ValidateMeeting(m Meeting) error {
	if m.TimeZone == "" {
		return Errorf(EINVALID, "meeting time zone is empty")
	}
	if err := ValidTimeZone(m.TimeZone); err != nil {
		return err
	}
	for _, d := range []string{m.Start, m.End} {
		if d != "" && !ValidDate(d) {
			return Errorf(EINVALID, "meeting date %q is not YYYY-MM-DD", d)
		}
	}
	if m.Start != "" && m.End != "" && m.End < m.Start {
		return Errorf(EINVALID, "meeting ends (%s) before it starts (%s)", m.End, m.Start)
	}
	return nil
}
