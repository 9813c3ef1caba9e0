package schedule

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"checkin/kiosk/csvin"
)

// icsTime is a DATE or DATE-TIME value as written: wall holds its fields
// (in UTC, as a neutral carrier), to be placed in a zone later.
type icsTime struct {
	wall time.Time
	date bool   // DATE: an all-day value
	utc  bool   // written with a Z suffix
	tzid string // TZID parameter, empty for UTC and floating times
}

const (
	icsDateLayout     = "20060102"
	icsDateTimeLayout = "20060102T150405"
)

// parseICSTime reads a DTSTART/DTEND-style property.
func parseICSTime(prop *ics.BaseProperty) (icsTime, error) {
	v := strings.TrimSpace(prop.Value)
	kind, err := param(prop, "VALUE")
	if err != nil {
		return icsTime{}, err
	}
	tzid, err := param(prop, "TZID")
	if err != nil {
		return icsTime{}, err
	}
	kind = strings.ToUpper(kind)
	if kind == "DATE" || kind == "" && len(v) == len(icsDateLayout) {
		d, err := time.ParseInLocation(icsDateLayout, v, time.UTC)
		if err != nil {
			return icsTime{}, fmt.Errorf("%q is not a date (YYYYMMDD)", csvin.Clip(v))
		}
		return icsTime{wall: d, date: true}, nil
	}
	if kind != "" && kind != "DATE-TIME" {
		return icsTime{}, fmt.Errorf("VALUE=%s is not supported: use a date-time", csvin.Clip(kind))
	}
	t := icsTime{tzid: tzid}
	if s, ok := strings.CutSuffix(v, "Z"); ok {
		v, t.utc, t.tzid = s, true, ""
	}
	t.wall, err = time.ParseInLocation(icsDateTimeLayout, v, time.UTC)
	if err != nil || len(v) != len(icsDateTimeLayout) {
		return icsTime{}, fmt.Errorf("%q is not a date-time (YYYYMMDDTHHMMSS, optionally ending in Z)", csvin.Clip(prop.Value))
	}
	return t, nil
}

// param returns a property parameter by name (case-insensitively), ""
// when absent, and an error when it has several values.
func param(prop *ics.BaseProperty, name string) (string, error) {
	for k, vs := range prop.ICalParameters {
		if !strings.EqualFold(k, name) {
			continue
		}
		if len(vs) != 1 {
			return "", fmt.Errorf("parameter %s has %d values, want one", name, len(vs))
		}
		return strings.TrimSpace(vs[0]), nil
	}
	return "", nil
}

// parseICSDuration reads an RFC 5545 duration ([+-]P...: nW, or nD and/or
// T nH nM nS) as nominal days and an exact remainder.
func parseICSDuration(s string) (days int, exact time.Duration, err error) {
	bad := fmt.Errorf("%q is not a duration (like PT1H30M or P1D)", csvin.Clip(s))
	s = strings.TrimSpace(s)
	sign := 1
	switch {
	case strings.HasPrefix(s, "-"):
		sign, s = -1, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	s, ok := strings.CutPrefix(s, "P")
	if !ok || s == "" {
		return 0, 0, bad
	}
	inTime, parts := false, 0
	for s != "" {
		if s[0] == 'T' {
			if inTime {
				return 0, 0, bad
			}
			inTime, s = true, s[1:]
			continue
		}
		n, digits := 0, 0
		for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
			n = n*10 + int(s[digits]-'0')
			digits++
			if n > 1_000_000 { // keeps the sum far from overflowing
				return 0, 0, bad
			}
		}
		if digits == 0 || digits == len(s) {
			return 0, 0, bad
		}
		unit := s[digits]
		s = s[digits+1:]
		parts++
		switch {
		case !inTime && unit == 'W':
			days += 7 * n
		case !inTime && unit == 'D':
			days += n
		case inTime && unit == 'H':
			exact += time.Duration(n) * time.Hour
		case inTime && unit == 'M':
			exact += time.Duration(n) * time.Minute
		case inTime && unit == 'S':
			exact += time.Duration(n) * time.Second
		default:
			return 0, 0, bad
		}
	}
	if parts == 0 {
		return 0, 0, bad
	}
	return sign * days, time.Duration(sign) * exact, nil
}

// offsetFunc gives a zone's UTC offset in seconds at an instant.
type offsetFunc func(time.Time) int

func locationOffset(loc *time.Location) offsetFunc {
	return func(t time.Time) int {
		_, off := t.In(loc).Zone()
		return off
	}
}

// zoneSet resolves TZIDs for one file: IANA names, the file's VTIMEZONEs,
// then Windows names. Lookups are cached per file.
type zoneSet struct {
	floating offsetFunc
	vtz      map[string]vtzEntry
	cache    map[string]zoneResult
}

type vtzEntry struct {
	line int
	zone *vtimezone
	err  error
}

type zoneResult struct {
	off offsetFunc
	err error
}

func newZoneSet(loc *time.Location) *zoneSet {
	return &zoneSet{floating: locationOffset(loc), vtz: map[string]vtzEntry{}, cache: map[string]zoneResult{}}
}

// addVTimezone records a VTIMEZONE of the file; one that cannot be used is
// kept with its error, for the message of an event that needs it.
func (z *zoneSet) addVTimezone(tz *ics.VTimezone, line int) {
	tzid, zone, err := parseVTimezone(tz)
	if tzid == "" {
		return
	}
	if _, dup := z.vtz[tzid]; dup {
		return // the first definition wins
	}
	z.vtz[tzid] = vtzEntry{line: line, zone: zone, err: err}
}

// instant places a date-time value on the time line.
func (z *zoneSet) instant(t icsTime) (time.Time, error) {
	switch {
	case t.utc:
		return t.wall, nil
	case t.tzid == "":
		return wallToInstant(t.wall, z.floating), nil
	}
	off, err := z.resolve(t.tzid)
	if err != nil {
		return time.Time{}, err
	}
	return wallToInstant(t.wall, off), nil
}

func (z *zoneSet) resolve(tzid string) (offsetFunc, error) {
	if r, ok := z.cache[tzid]; ok {
		return r.off, r.err
	}
	off, err := z.lookup(tzid)
	z.cache[tzid] = zoneResult{off: off, err: err}
	return off, err
}

func (z *zoneSet) lookup(tzid string) (offsetFunc, error) {
	if loc := loadIANA(tzid); loc != nil {
		return locationOffset(loc), nil
	}
	v, haveVTZ := z.vtz[tzid]
	if haveVTZ && v.err == nil {
		return v.zone.offsetAt, nil
	}
	if name, ok := windowsZones[tzid]; ok {
		if loc := loadIANA(name); loc != nil {
			return locationOffset(loc), nil
		}
	}
	if haveVTZ {
		return nil, fmt.Errorf("time zone %q: not an IANA or Windows zone name, and its VTIMEZONE at line %d cannot be used: %w", csvin.Clip(tzid), v.line, v.err)
	}
	return nil, fmt.Errorf("unknown time zone %q: not an IANA or Windows zone name, and the file has no VTIMEZONE for it", csvin.Clip(tzid))
}

// loadIANA loads an IANA zone by name, also from the "/vendor/.../Area/City"
// TZIDs some calendar programs write; nil if it is none.
func loadIANA(name string) *time.Location {
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, "Local") || strings.ContainsAny(name, " \\") {
		return nil
	}
	if !strings.HasPrefix(name, "/") {
		loc, err := time.LoadLocation(name)
		if err != nil {
			return nil
		}
		return loc
	}
	parts := strings.Split(name, "/")
	for i := 1; i < len(parts) && i < 8; i++ {
		cand := strings.Join(parts[i:], "/")
		if cand == "" || strings.EqualFold(cand, "Local") || strings.HasPrefix(cand, "/") {
			continue
		}
		if loc, err := time.LoadLocation(cand); err == nil {
			return loc
		}
	}
	return nil
}

// wallToInstant places wall-clock fields (carried in w as UTC) in a zone
// as RFC 5545 3.3.5 says: a time that occurs twice (fall back) is the
// first occurrence; a time skipped (spring forward) uses the offset from
// before the gap, so 02:30 in a 02:00→03:00 gap is 03:30.
func wallToInstant(w time.Time, off offsetFunc) time.Time {
	const span = 15 * time.Hour // more than any UTC offset
	before := off(w.Add(-span))
	var best time.Time
	found := false
	for _, o := range []int{before, off(w), off(w.Add(span))} {
		u := w.Add(-time.Duration(o) * time.Second)
		if off(u) == o && (!found || u.Before(best)) {
			best, found = u, true
		}
	}
	if found {
		return best
	}
	return w.Add(-time.Duration(before) * time.Second)
}
