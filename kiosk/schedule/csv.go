// Package schedule parses meeting schedules (rooms and sessions) from the
// formats venues publish them in.
package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"

	"checkin/kiosk"
	"checkin/kiosk/csvin"
)

// Columns of the schedule CSV.
const (
	colDate     = "date"
	colStart    = "start"
	colEnd      = "end"
	colRoom     = "room"
	colTitle    = "title"
	colGroups   = "groups"
	colBuilding = "building"
	colStatus   = "status"
)

// CSVColumns are the schedule CSV's columns, with what each means.
var CSVColumns = []csvin.Column{
	csvin.Required(colDate, "the session's day, YYYY-MM-DD"),
	csvin.Required(colStart, "start, HH:MM (24 h) in the meeting's time zone (--tz)"),
	csvin.Required(colEnd, "end, HH:MM, after start (24:00 for midnight)"),
	csvin.Required(colRoom, "the room, as readers at its door and the lobby screens name it"),
	csvin.Required(colTitle, "the session's title"),
	csvin.Required(colGroups, "';'-separated groups (SG12;WP1/12) whose delegates attend; the column is required, an empty value means everyone"),
	csvin.Optional(colBuilding, "the building, for lobby screens of one building (?building=)"),
	csvin.Optional(colStatus, "scheduled (default) or cancelled (also: confirmed, tentative as scheduled; canceled)"),
}

// ICSProperties are the properties of an iCalendar VEVENT the schedule
// import reads, with what each means.
var ICSProperties = []csvin.Column{
	csvin.Required("SUMMARY", "the session's title"),
	csvin.Required("LOCATION", "the room, taken whole (iCalendar has no building)"),
	csvin.Required("DTSTART", "start: UTC (Z), with TZID (IANA, the file's VTIMEZONE, or a Windows zone name), or floating (--tz)"),
	csvin.Optional("DTEND", "end, as DTSTART; or DURATION (one of them is required)"),
	csvin.Optional("DURATION", "length, instead of DTEND (PT1H30M)"),
	csvin.Optional("UID", "stable id of the event (and RECURRENCE-ID of an occurrence): re-imports keep the session's id"),
	csvin.Optional("CATEGORIES", "comma-separated groups whose delegates attend (several lines add up)"),
	csvin.Optional("X-CHECKIN-CAPACITY", fmt.Sprintf("capacity of the LOCATION room, a whole number 0 to %d (0: no limit); its events must agree", kiosk.MaxCapacity)),
	csvin.Optional("STATUS", "CANCELLED marks the session cancelled (so does a calendar's METHOD:CANCEL); TENTATIVE, CONFIRMED as scheduled"),
}

var csvColumns, csvRequired = csvin.Names(CSVColumns)

const maxText = 256

// ParseCSV reads a schedule CSV (`date,start,end,room,title,groups[,building][,status]`)
// whose times are local to loc. On any bad row it returns kiosk.Problems
// naming every one, and no schedule.
func ParseCSV(r io.Reader, loc *time.Location) (kiosk.Schedule, []kiosk.Problem, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return kiosk.Schedule{}, nil, fmt.Errorf("read schedule: %w", err)
	}
	rd := csvin.Open(data, csvColumns, csvRequired)
	if len(rd.Problems) > 0 {
		return kiosk.Schedule{}, rd.Warnings, rd.Problems
	}
	var s kiosk.Schedule
	rooms := map[string]kiosk.Room{}
	seen := map[string]int{} // session id → line
	for {
		row, ok := rd.Next()
		if !ok {
			break
		}
		se, ok := parseRow(rd, row, loc)
		if !ok {
			continue
		}
		if first, dup := seen[se.ID]; dup {
			rd.Fail(row.Line(colTitle), colTitle, "same session as line %d (date, start, room and title)", first)
			continue
		}
		seen[se.ID] = row.Line(colDate)
		if r, ok := rooms[se.Room]; !ok || r.Building == "" {
			rooms[se.Room] = kiosk.Room{Name: se.Room, Building: se.Building}
		}
		s.Sessions = append(s.Sessions, se)
	}
	if len(rd.Problems) == 0 && len(s.Sessions) == 0 {
		rd.Fail(0, "", "no sessions: the file has a header but no rows")
	}
	if len(rd.Problems) > 0 {
		return kiosk.Schedule{}, rd.Warnings, rd.Problems
	}
	for _, r := range rooms {
		s.Rooms = append(s.Rooms, r)
	}
	sort.Slice(s.Rooms, func(i, j int) bool { return s.Rooms[i].Name < s.Rooms[j].Name })
	return s, rd.Warnings, nil
}

func parseRow(rd *csvin.Reader, row csvin.Row, loc *time.Location) (kiosk.Session, bool) {
	nerr := len(rd.Problems)
	text := func(column string, required bool) string { return textField(rd, row, column, required) }
	date := row.Get(colDate)
	day, err := time.ParseInLocation(kiosk.DateLayout, date, loc)
	if err != nil {
		rd.Fail(row.Line(colDate), colDate, "%q is not a date (YYYY-MM-DD)", csvin.Clip(date))
	}
	clock := func(column string) time.Duration {
		v := row.Get(column)
		d, ok := parseClock(v)
		if !ok {
			rd.Fail(row.Line(column), column, "%q is not a time of day (HH:MM)", csvin.Clip(v))
		}
		return d
	}
	startOff, endOff := clock(colStart), clock(colEnd)
	se := kiosk.Session{
		Room:     text(colRoom, true),
		Title:    text(colTitle, true),
		Building: text(colBuilding, false),
		Status:   kiosk.SessionScheduled,
	}
	for _, g := range csvin.SplitList(row.Get(colGroups)) {
		se.Groups = append(se.Groups, g)
	}
	switch st := strings.ToLower(row.Get(colStatus)); st {
	case "", "scheduled", "confirmed", "tentative":
	case "cancelled", "canceled":
		se.Status = kiosk.SessionCancelled
	default:
		rd.Fail(row.Line(colStatus), colStatus, "%q is not one of scheduled, cancelled", csvin.Clip(st))
	}
	if len(rd.Problems) != nerr {
		return kiosk.Session{}, false
	}
	se.Start = atClock(day, startOff, loc)
	se.End = atClock(day, endOff, loc)
	if !se.End.After(se.Start) {
		rd.Fail(row.Line(colEnd), colEnd, "%s is not after start %s", row.Get(colEnd), row.Get(colStart))
		return kiosk.Session{}, false
	}
	se.ID = SessionID(date, row.Get(colStart), se.Room, se.Title)
	return se, true
}

// textField returns a text column's value, reporting it when empty but
// required, too long or holding a control character.
func textField(rd *csvin.Reader, row csvin.Row, column string, required bool) string {
	v := row.Get(column)
	switch {
	case v == "" && required:
		rd.Fail(row.Line(column), column, "is empty")
	case len(v) > maxText:
		rd.Fail(row.Line(column), column, "is %d bytes long, at most %d", len(v), maxText)
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		rd.Fail(row.Line(column), column, "contains a control character")
	}
	return v
}

// atClock places a wall-clock offset on a local day; time.Date resolves
// DST gaps and folds the way Go documents.
func atClock(day time.Time, off time.Duration, loc *time.Location) time.Time {
	h, m := int(off/time.Hour), int(off%time.Hour/time.Minute)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
}

// parseClock accepts H:MM or HH:MM (24 h), and 24:00 as the end of the day.
func parseClock(s string) (time.Duration, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, mm := 0, 0
	for _, c := range h {
		if c < '0' || c > '9' {
			return 0, false
		}
		hh = hh*10 + int(c-'0')
	}
	for _, c := range m {
		if c < '0' || c > '9' {
			return 0, false
		}
		mm = mm*10 + int(c-'0')
	}
	if mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, false
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, true
}

// SessionID derives a stable id from what identifies a session, so that
// re-importing the same schedule keeps ids (and screens) stable.
func SessionID(date, start, room, title string) string {
	sum := sha256.Sum256([]byte(date + "\x00" + start + "\x00" + room + "\x00" + title))
	return "s-" + hex.EncodeToString(sum[:8])
}
