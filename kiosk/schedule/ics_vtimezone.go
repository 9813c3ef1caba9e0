package schedule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"checkin/kiosk/csvin"
)

// vtimezone is a VTIMEZONE's observances (STANDARD and DAYLIGHT), enough
// to tell the UTC offset at any instant. Rules are the yearly
// "BYMONTH=m;BYDAY=±nDD" kind every calendar program writes; anything else
// makes the VTIMEZONE unusable (and the TZID is then tried as a Windows
// name).
type vtimezone struct {
	obs []observance
}

// observance is one STANDARD or DAYLIGHT block. Onsets are local wall
// times in the offset in force before them (TZOFFSETFROM).
type observance struct {
	start  time.Time // DTSTART, wall time carried as UTC
	from   int       // TZOFFSETFROM, seconds
	to     int       // TZOFFSETTO, seconds
	rule   *yearlyRule
	rdates []time.Time // wall times
}

// yearlyRule is FREQ=YEARLY;BYMONTH=month;BYDAY=nth weekday[;UNTIL=...].
type yearlyRule struct {
	month time.Month
	nth   int // 1..5, or -1..-5 counting from the end of the month
	day   time.Weekday
	until time.Time // instant; zero when unbounded
}

// parseVTimezone reads a VTIMEZONE; tzid is set even when err is not nil.
func parseVTimezone(tz *ics.VTimezone) (tzid string, zone *vtimezone, err error) {
	if p := tz.GetProperty(ics.ComponentPropertyTzid); p != nil {
		tzid = strings.TrimSpace(p.Value)
	}
	if tzid == "" {
		return "", nil, errors.New("VTIMEZONE without TZID")
	}
	zone = &vtimezone{}
	for _, c := range tz.Components {
		var base *ics.ComponentBase
		switch c := c.(type) {
		case *ics.Standard:
			base = &c.ComponentBase
		case *ics.Daylight:
			base = &c.ComponentBase
		default:
			continue
		}
		o, err := parseObservance(base)
		if err != nil {
			return tzid, nil, err
		}
		zone.obs = append(zone.obs, o)
	}
	if len(zone.obs) == 0 {
		return tzid, nil, errors.New("it has no STANDARD or DAYLIGHT block")
	}
	return tzid, zone, nil
}

func parseObservance(c *ics.ComponentBase) (observance, error) {
	var o observance
	get := func(name string) (string, error) {
		props := c.GetProperties(ics.ComponentProperty(name))
		if len(props) != 1 {
			return "", fmt.Errorf("an observance has %d %s, want one", len(props), name)
		}
		return strings.TrimSpace(props[0].Value), nil
	}
	v, err := get("DTSTART")
	if err != nil {
		return o, err
	}
	if o.start, err = time.ParseInLocation(icsDateTimeLayout, v, time.UTC); err != nil || len(v) != len(icsDateTimeLayout) {
		return o, fmt.Errorf("observance DTSTART %q is not a local date-time", csvin.Clip(v))
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"TZOFFSETFROM", &o.from}, {"TZOFFSETTO", &o.to}} {
		v, err := get(f.name)
		if err != nil {
			return o, err
		}
		if *f.dst, err = parseUTCOffset(v); err != nil {
			return o, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	rules := c.GetProperties(ics.ComponentPropertyRrule)
	if len(rules) > 1 {
		return o, errors.New("an observance has several RRULEs")
	}
	if len(rules) == 1 {
		r, err := parseYearlyRule(rules[0].Value, o.from)
		if err != nil {
			return o, fmt.Errorf("RRULE %q: %w", csvin.Clip(rules[0].Value), err)
		}
		o.rule = &r
	}
	for _, rd := range c.GetProperties(ics.ComponentPropertyRdate) {
		for _, v := range strings.Split(rd.Value, ",") {
			v = strings.TrimSpace(v)
			t, err := time.ParseInLocation(icsDateTimeLayout, v, time.UTC)
			if err != nil || len(v) != len(icsDateTimeLayout) {
				return o, fmt.Errorf("RDATE %q is not a local date-time", csvin.Clip(v))
			}
			o.rdates = append(o.rdates, t)
		}
	}
	return o, nil
}

// parseUTCOffset reads ±HHMM or ±HHMMSS as seconds east of UTC.
func parseUTCOffset(v string) (int, error) {
	if (len(v) != 5 && len(v) != 7) || v[0] != '+' && v[0] != '-' || strings.Trim(v[1:], "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a UTC offset (±HHMM)", csvin.Clip(v))
	}
	secs := 0
	for i, unit := range []int{3600, 60, 1} {
		if 1+2*i >= len(v) {
			break
		}
		n, err := strconv.Atoi(v[1+2*i : 3+2*i])
		if err != nil || n < 0 || i > 0 && n > 59 || i == 0 && n > 23 {
			return 0, fmt.Errorf("%q is not a UTC offset (±HHMM)", csvin.Clip(v))
		}
		secs += n * unit
	}
	if v[0] == '-' {
		secs = -secs
	}
	return secs, nil
}

var weekdays = map[string]time.Weekday{
	"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday,
}

// parseYearlyRule reads the RRULE of an observance whose offset before
// its onsets is from (for a local UNTIL).
func parseYearlyRule(v string, from int) (yearlyRule, error) {
	var r yearlyRule
	seen := map[string]bool{}
	for _, part := range strings.Split(strings.TrimSpace(v), ";") {
		key, val, ok := strings.Cut(part, "=")
		key = strings.ToUpper(key)
		if !ok || seen[key] {
			return r, errors.New("not KEY=VALUE pairs")
		}
		seen[key] = true
		switch key {
		case "FREQ":
			if !strings.EqualFold(val, "YEARLY") {
				return r, errors.New("only FREQ=YEARLY is supported")
			}
		case "INTERVAL":
			if val != "1" {
				return r, errors.New("only INTERVAL=1 is supported")
			}
		case "WKST":
		case "BYMONTH":
			m, err := strconv.Atoi(val)
			if err != nil || m < 1 || m > 12 {
				return r, errors.New("BYMONTH must be one month")
			}
			r.month = time.Month(m)
		case "BYDAY":
			val = strings.ToUpper(val)
			if len(val) < 3 {
				return r, errors.New("BYDAY must be one nth weekday like -1SU")
			}
			day, ok := weekdays[val[len(val)-2:]]
			n, err := strconv.Atoi(val[:len(val)-2])
			if !ok || err != nil || n == 0 || n < -5 || n > 5 {
				return r, errors.New("BYDAY must be one nth weekday like -1SU")
			}
			r.nth, r.day = n, day
		case "UNTIL":
			if s, utc := strings.CutSuffix(val, "Z"); utc {
				t, err := time.ParseInLocation(icsDateTimeLayout, s, time.UTC)
				if err != nil {
					return r, errors.New("UNTIL is not a date-time")
				}
				r.until = t
			} else if t, err := time.ParseInLocation(icsDateTimeLayout, val, time.UTC); err == nil {
				r.until = t.Add(-time.Duration(from) * time.Second)
			} else if t, err := time.ParseInLocation(icsDateLayout, val, time.UTC); err == nil {
				r.until = t.AddDate(0, 0, 1)
			} else {
				return r, errors.New("UNTIL is not a date or date-time")
			}
		default:
			return r, fmt.Errorf("%s is not supported", csvin.Clip(key))
		}
	}
	if r.month == 0 || r.nth == 0 {
		return r, errors.New("BYMONTH and BYDAY are required")
	}
	return r, nil
}

// offsetAt is the offset in force at instant t: the TZOFFSETTO of the
// latest onset at or before t, or, before the first onset, the
// TZOFFSETFROM of the earliest observance.
func (z *vtimezone) offsetAt(t time.Time) int {
	var best time.Time
	bestTo, found := 0, false
	consider := func(onset time.Time, to int) {
		if !onset.After(t) && (!found || !onset.Before(best)) {
			best, bestTo, found = onset, to, true
		}
	}
	for i := range z.obs {
		o := &z.obs[i]
		consider(o.onset(o.start), o.to)
		for _, rd := range o.rdates {
			consider(o.onset(rd), o.to)
		}
		if on, ok := o.lastRuleOnset(t); ok {
			consider(on, o.to)
		}
	}
	if found {
		return bestTo
	}
	first := &z.obs[0]
	for i := range z.obs {
		if z.obs[i].onset(z.obs[i].start).Before(first.onset(first.start)) {
			first = &z.obs[i]
		}
	}
	return first.from
}

// onset is the instant of a local onset wall time.
func (o *observance) onset(wall time.Time) time.Time {
	return wall.Add(-time.Duration(o.from) * time.Second)
}

// lastRuleOnset is the latest onset of the observance's rule at or before t.
func (o *observance) lastRuleOnset(t time.Time) (time.Time, bool) {
	r := o.rule
	if r == nil {
		return time.Time{}, false
	}
	top := t.Year() + 1
	if !r.until.IsZero() && r.until.Year()+1 < top {
		top = r.until.Year() + 1
	}
	// A fifth weekday is missing from a month in some years; eight years
	// back always finds the latest one that exists.
	for y := top; y >= top-8 && y >= o.start.Year(); y-- {
		d, ok := nthWeekday(y, r.month, r.nth, r.day)
		if !ok {
			continue
		}
		wall := time.Date(y, r.month, d, o.start.Hour(), o.start.Minute(), o.start.Second(), 0, time.UTC)
		on := o.onset(wall)
		if wall.Before(o.start) || on.After(t) || !r.until.IsZero() && on.After(r.until) {
			continue
		}
		return on, true
	}
	return time.Time{}, false
}

// nthWeekday is the day of the month of the nth (or, negative, nth from
// last) weekday in a month, and whether it exists.
func nthWeekday(year int, month time.Month, nth int, day time.Weekday) (int, bool) {
	last := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	var d int
	if nth > 0 {
		first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC).Weekday()
		d = 1 + (int(day)-int(first)+7)%7 + (nth-1)*7
	} else {
		lastDay := time.Date(year, month, last, 0, 0, 0, 0, time.UTC).Weekday()
		d = last - (int(lastDay)-int(day)+7)%7 + (nth+1)*7
	}
	return d, d >= 1 && d <= last
}
