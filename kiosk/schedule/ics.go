package schedule

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"

	"checkin/kiosk"
	"checkin/kiosk/csvin"
)

// maxICSDepth bounds component nesting (VCALENDAR > VEVENT > VALARM is 3).
const maxICSDepth = 8

// ParseICS reads an iCalendar file (RFC 5545) and turns each timed VEVENT
// into a session. Times are returned in loc, the meeting's time zone. On any
// bad event it returns kiosk.Problems naming every one (with the physical
// line of the offending property, or of the event's BEGIN:VEVENT when a
// property is missing, and the property as the column) and no schedule;
// the []kiosk.Problem result holds warnings, as for ParseCSV.
//
// Mapping and decisions:
//   - SUMMARY is the title and LOCATION the room, both unescaped with runs
//     of white space (including escaped newlines) folded to one space.
//     LOCATION is taken whole: iCalendar has no building field, and
//     guessing one from "Room K, Varembé" would split rooms wrongly, so
//     Building stays empty (the CSV format carries buildings).
//   - DTSTART/DTEND (or DURATION) may be UTC (Z suffix), carry a TZID or be
//     floating (interpreted in loc). A TZID is resolved as an IANA name
//     first, then by the file's VTIMEZONE (yearly BYMONTH/BYDAY rules and
//     RDATEs), then as a Windows zone name ("W. Europe Standard Time").
//     Local times that occur twice on a fall-back day mean the first
//     occurrence and those skipped on a spring-forward day use the offset
//     before the gap, as RFC 5545 section 3.3.5 says.
//   - All-day events (DATE values) are not room sessions: they are skipped
//     with a warning.
//   - CATEGORIES (one or several lines, comma-separated) are the groups.
//   - STATUS:CANCELLED, or a calendar with METHOD:CANCEL, marks the session
//     cancelled.
//   - The session id is derived from UID (and RECURRENCE-ID, so an
//     exported occurrence of a series keeps its own id); without a UID it
//     is SessionID(date, start, room, title), as for CSV.
//   - X-CHECKIN-CAPACITY (ours) is the capacity of the event's room; the
//     events of one room that carry it must agree.
//   - Recurring events (RRULE, RDATE) are rejected: export the series as
//     single events.
func ParseICS(r io.Reader, loc *time.Location) (kiosk.Schedule, []kiosk.Problem, error) {
	if loc == nil {
		return kiosk.Schedule{}, nil, fmt.Errorf("parse calendar: no time zone given for floating times")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return kiosk.Schedule{}, nil, fmt.Errorf("read calendar: %w", err)
	}
	p := &icsParser{zones: newZoneSet(loc), loc: loc}
	s := p.parse(data)
	byLine := func(ps []kiosk.Problem) func(i, j int) bool {
		return func(i, j int) bool { return ps[i].Line < ps[j].Line }
	}
	sort.SliceStable(p.problems, byLine(p.problems))
	sort.SliceStable(p.warnings, byLine(p.warnings))
	if len(p.problems) > 0 {
		return kiosk.Schedule{}, p.warnings, kiosk.Problems(p.problems)
	}
	return s, p.warnings, nil
}

// icsParser collects problems and warnings while reading one file.
type icsParser struct {
	loc      *time.Location
	zones    *zoneSet
	problems []kiosk.Problem
	warnings []kiosk.Problem
}

func (p *icsParser) fail(line int, column, format string, args ...any) {
	if len(p.problems) < kiosk.MaxProblems {
		p.problems = append(p.problems, kiosk.Problem{Line: line, Column: column, Msg: fmt.Sprintf(format, args...)})
	}
}

func (p *icsParser) warn(line int, column, format string, args ...any) {
	if len(p.warnings) < kiosk.MaxProblems {
		p.warnings = append(p.warnings, kiosk.Problem{Line: line, Column: column, Msg: fmt.Sprintf(format, args...)})
	}
}

// contentLine is one unfolded iCalendar line and the physical line it
// starts on.
type contentLine struct {
	line int
	text string // property name (and BEGIN/END value) upper-cased
	name string
	prop *ics.BaseProperty
}

// icsComp is the shape of a component as the pre-scan saw it: where it
// begins and the line of each of its properties, in order. The library's
// parse of the same content lines yields the same components and
// properties in the same order, which is how its results get line numbers.
type icsComp struct {
	name    string
	begin   int
	props   []int
	subs    []*icsComp
	damaged bool // a line inside could not be read; do not judge it further
}

func (p *icsParser) parse(data []byte) kiosk.Schedule {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if line, ok := csvin.FirstInvalidUTF8(data); !ok {
		p.fail(line, "", "the file is not UTF-8 text (first bad byte on this line): save it as UTF-8")
		return kiosk.Schedule{}
	}
	lines := p.lex(data)
	if len(lines) == 0 && len(p.problems) == 0 {
		p.fail(0, "", "the file is empty: not an iCalendar file")
		return kiosk.Schedule{}
	}
	if len(lines) == 0 || lines[0].text != "BEGIN:VCALENDAR" || lines[0].line != firstContentLine(data) {
		p.problems = nil
		p.fail(0, "", "not an iCalendar file: it does not start with BEGIN:VCALENDAR")
		return kiosk.Schedule{}
	}
	root := p.structure(lines)
	if root == nil {
		return kiosk.Schedule{}
	}
	var buf bytes.Buffer
	for _, cl := range lines {
		buf.WriteString(cl.text)
		buf.WriteString("\r\n")
	}
	cal, err := ics.ParseCalendarWithOptions(&buf, ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
	if err != nil {
		p.fail(0, "", "iCalendar parser: %v", err)
		return kiosk.Schedule{}
	}
	if len(cal.Components) != len(root.subs) {
		p.fail(0, "", "iCalendar parser: found %d components, the pre-scan %d", len(cal.Components), len(root.subs))
		return kiosk.Schedule{}
	}
	return p.convert(cal, root)
}

// firstContentLine is the physical line of the first non-blank line.
func firstContentLine(data []byte) int {
	line := 1
	for _, raw := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimRight(raw, "\r")) > 0 {
			return line
		}
		line++
	}
	return 0
}

// lex splits data into unfolded content lines, each parsed by the library's
// property parser, reporting unreadable lines by their physical line.
func (p *icsParser) lex(data []byte) []contentLine {
	var out []contentLine
	var cur *strings.Builder
	start := 0
	flush := func() {
		if cur != nil {
			if cl, ok := p.contentLine(start, cur.String()); ok {
				out = append(out, cl)
			}
			cur = nil
		}
	}
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := i + 1
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		switch {
		case len(raw) == 0:
			flush()
		case raw[0] == ' ' || raw[0] == '\t':
			if cur == nil {
				p.fail(line, "", "a folded continuation line (starting with a space) with no property line before it")
				continue
			}
			cur.Write(raw[1:])
		default:
			flush()
			cur, start = &strings.Builder{}, line
			cur.Write(raw)
		}
	}
	flush()
	return out
}

// contentLine checks one unfolded line's NAME[;PARAM=...]:VALUE shape.
func (p *icsParser) contentLine(line int, text string) (contentLine, bool) {
	n := nameLen(text)
	if n == 0 || n == len(text) || text[n] != ':' && text[n] != ';' {
		p.fail(line, "", "not an iCalendar property line (NAME:value): %q", csvin.Clip(text))
		return contentLine{}, false
	}
	name := strings.ToUpper(text[:n])
	text = name + text[n:]
	if name == "BEGIN" || name == "END" {
		v := strings.ToUpper(strings.TrimSpace(text[n+1:]))
		if text[n] != ':' || v == "" || nameLen(v) != len(v) {
			p.fail(line, name, "%q is not a component name", csvin.Clip(v))
			return contentLine{}, false
		}
		text = name + ":" + v
	}
	prop, err := ics.ParseProperty(ics.ContentLine(text))
	if err != nil {
		p.fail(line, name, "cannot be read: %v", err)
		return contentLine{}, false
	}
	if prop == nil {
		p.fail(line, name, "cannot be read: bad parameters or no value (NAME;PARAM=x:value)")
		return contentLine{}, false
	}
	return contentLine{line: line, text: text, name: name, prop: prop}, true
}

// structure checks that components nest and close, and records the line
// of every component and property. It returns nil after a problem that
// makes the rest of the file meaningless.
func (p *icsParser) structure(lines []contentLine) *icsComp {
	var stack []*icsComp
	var root *icsComp
	damaged := map[int]bool{} // lines the lexer could not read
	for _, pr := range p.problems {
		damaged[pr.Line] = true
	}
	next := 0 // index into lines, to attribute unreadable lines to components
	for _, cl := range lines {
		for ; next < cl.line; next++ {
			if damaged[next] && len(stack) > 0 {
				stack[len(stack)-1].damaged = true
			}
		}
		if root != nil && len(stack) == 0 {
			p.fail(cl.line, cl.name, "content after END:VCALENDAR (only one calendar per file)")
			return nil
		}
		switch cl.name {
		case "BEGIN":
			v := cl.prop.Value
			if v == "VCALENDAR" && len(stack) > 0 {
				p.fail(cl.line, "BEGIN", "BEGIN:VCALENDAR inside BEGIN:%s at line %d", stack[len(stack)-1].name, stack[len(stack)-1].begin)
				return nil
			}
			if len(stack) >= maxICSDepth {
				p.fail(cl.line, "BEGIN", "components nested more than %d deep", maxICSDepth)
				return nil
			}
			c := &icsComp{name: v, begin: cl.line}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.subs = append(top.subs, c)
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			top := stack[len(stack)-1]
			if cl.prop.Value != top.name {
				p.fail(cl.line, "END", "END:%s does not close BEGIN:%s at line %d", cl.prop.Value, top.name, top.begin)
				return nil
			}
			stack = stack[:len(stack)-1]
		default:
			top := stack[len(stack)-1]
			top.props = append(top.props, cl.line)
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		p.fail(top.begin, "END", "BEGIN:%s is never closed by END:%s", top.name, top.name)
		return nil
	}
	return root
}

// icsEvent is a VEVENT's properties with their lines.
type icsEvent struct {
	begin int
	props []ics.IANAProperty
	lines []int
}

// get returns the first property called name and its line.
func (e icsEvent) get(name string) (*ics.BaseProperty, int) {
	for i := range e.props {
		if e.props[i].IANAToken == name {
			return &e.props[i].BaseProperty, e.lines[i]
		}
	}
	return nil, 0
}

// all returns the indexes of every property called name.
func (e icsEvent) all(name string) []int {
	var idx []int
	for i := range e.props {
		if e.props[i].IANAToken == name {
			idx = append(idx, i)
		}
	}
	return idx
}

// convert turns the parsed calendar into a schedule, using root (the
// pre-scan of the same content) for line numbers.
func (p *icsParser) convert(cal *ics.Calendar, root *icsComp) kiosk.Schedule {
	cancelAll := false
	for _, cp := range cal.CalendarProperties {
		if strings.EqualFold(cp.IANAToken, "METHOD") && strings.EqualFold(strings.TrimSpace(cp.Value), "CANCEL") {
			cancelAll = true
		}
	}
	for i, c := range cal.Components {
		if tz, ok := c.(*ics.VTimezone); ok {
			p.zones.addVTimezone(tz, root.subs[i].begin)
		}
	}
	var s kiosk.Schedule
	rooms := map[string]kiosk.Room{}
	seen := map[string]int{}          // session id → line of BEGIN:VEVENT
	capacityLines := map[string]int{} // room → line of the capacity it was given
	for i, c := range cal.Components {
		ev, ok := c.(*ics.VEvent)
		pre := root.subs[i]
		if !ok || pre.damaged {
			continue
		}
		if pre.name != "VEVENT" || len(pre.props) != len(ev.Properties) {
			p.fail(pre.begin, "", "iCalendar parser: the event does not match the pre-scan")
			continue
		}
		iev := icsEvent{begin: pre.begin, props: ev.Properties, lines: pre.props}
		se, ok := p.event(iev, cancelAll, seen)
		if !ok {
			continue
		}
		room, ok := rooms[se.Room]
		if !ok {
			room = kiosk.Room{Name: se.Room, Building: se.Building}
		}
		p.roomCapacity(iev, &room, capacityLines)
		rooms[se.Room] = room
		s.Sessions = append(s.Sessions, se)
	}
	if len(p.problems) == 0 && len(s.Sessions) == 0 {
		p.fail(0, "", "no sessions: the calendar has no timed events")
	}
	if len(p.problems) > 0 {
		return kiosk.Schedule{}
	}
	for _, r := range rooms {
		s.Rooms = append(s.Rooms, r)
	}
	sort.Slice(s.Rooms, func(i, j int) bool { return s.Rooms[i].Name < s.Rooms[j].Name })
	return s
}

// singular names the event properties that may appear once.
var singular = []string{"UID", "SUMMARY", "LOCATION", "DTSTART", "DTEND", "DURATION", "STATUS", "RECURRENCE-ID", propCapacity}

// propCapacity is our property for the capacity of an event's LOCATION.
const propCapacity = "X-CHECKIN-CAPACITY"

// roomCapacity gives room the capacity the event carries, if any; events
// in one room must agree on it (lines holds where each room got its).
func (p *icsParser) roomCapacity(ev icsEvent, room *kiosk.Room, lines map[string]int) {
	prop, line := ev.get(propCapacity)
	if prop == nil {
		return
	}
	c, err := kiosk.ParseCapacity(prop.Value)
	switch {
	case err != nil:
		p.fail(line, propCapacity, "%v", err)
	case lines[room.Name] != 0 && c != room.Capacity:
		p.fail(line, propCapacity, "%d, but line %d gives room %q a capacity of %d", c, lines[room.Name], csvin.Clip(room.Name), room.Capacity)
	default:
		room.Capacity = c
		lines[room.Name] = line
	}
}

// event converts one VEVENT, reporting what is wrong with it.
func (p *icsParser) event(ev icsEvent, cancelAll bool, seen map[string]int) (kiosk.Session, bool) {
	nerr := len(p.problems)
	dtstart, startLine := ev.get("DTSTART")
	var start icsTime
	startOK := false
	if dtstart == nil {
		p.fail(ev.begin, "DTSTART", "is missing: every event needs a start")
	} else if t, err := parseICSTime(dtstart); err != nil {
		p.fail(startLine, "DTSTART", "%v", err)
	} else if t.date {
		title := "(no SUMMARY)"
		if sum, _ := ev.get("SUMMARY"); sum != nil {
			title = csvin.Clip(strings.Join(strings.Fields(sum.Value), " "))
		}
		p.warn(startLine, "DTSTART", "all-day event %q skipped: only timed events are room sessions", title)
		return kiosk.Session{}, false
	} else {
		start, startOK = t, true
	}
	for _, name := range singular {
		if idx := ev.all(name); len(idx) > 1 {
			p.fail(ev.lines[idx[1]], name, "appears more than once in the event (first at line %d)", ev.lines[idx[0]])
		}
	}
	for _, name := range []string{"RRULE", "RDATE"} {
		if _, line := ev.get(name); line != 0 {
			p.fail(line, name, "recurring events are not supported: export the series as single events")
		}
	}
	se := kiosk.Session{Status: kiosk.SessionScheduled}
	se.Title = p.required(ev, "SUMMARY", "a title")
	se.Room = p.required(ev, "LOCATION", "a room")
	se.Groups = p.groups(ev)
	if st, line := ev.get("STATUS"); st != nil {
		switch v := strings.ToUpper(strings.TrimSpace(st.Value)); v {
		case "", "TENTATIVE", "CONFIRMED":
		case "CANCELLED", "CANCELED":
			se.Status = kiosk.SessionCancelled
		default:
			p.fail(line, "STATUS", "%q is not TENTATIVE, CONFIRMED or CANCELLED", csvin.Clip(v))
		}
	}
	if cancelAll {
		se.Status = kiosk.SessionCancelled
	}
	if startOK {
		var err error
		if se.Start, err = p.zones.instant(start); err != nil {
			p.fail(startLine, "DTSTART", "%v", err)
			startOK = false
		}
	}
	end, endLine, endColumn, endOK := p.end(ev, start, startOK)
	if startOK && endOK && !end.After(se.Start) {
		p.fail(endLine, endColumn, "%s is not after DTSTART %s", end.In(p.loc).Format(time.RFC3339), se.Start.In(p.loc).Format(time.RFC3339))
	}
	if len(p.problems) != nerr {
		return kiosk.Session{}, false
	}
	se.End = end
	se.Start, se.End = se.Start.In(p.loc), se.End.In(p.loc)
	if uid, _ := ev.get("UID"); uid != nil && strings.TrimSpace(uid.Value) != "" {
		key := strings.TrimSpace(uid.Value)
		if rid, _ := ev.get("RECURRENCE-ID"); rid != nil {
			key += "\x00" + strings.TrimSpace(rid.Value)
		}
		se.ID = uidSessionID(key)
		if first, dup := seen[se.ID]; dup {
			p.fail(ev.begin, "UID", "same UID as the event at line %d", first)
			return kiosk.Session{}, false
		}
	} else {
		se.ID = SessionID(se.Start.Format(kiosk.DateLayout), se.Start.Format("15:04"), se.Room, se.Title)
		if first, dup := seen[se.ID]; dup {
			p.fail(ev.begin, "SUMMARY", "same session as the event at line %d (date, start, room and title)", first)
			return kiosk.Session{}, false
		}
	}
	seen[se.ID] = ev.begin
	return se, true
}

// end works out the end of an event from DTEND or DURATION, and the
// line and property it comes from. A DURATION is only applied when the
// start is known (startOK).
func (p *icsParser) end(ev icsEvent, start icsTime, startOK bool) (time.Time, int, string, bool) {
	dtend, endLine := ev.get("DTEND")
	dur, durLine := ev.get("DURATION")
	switch {
	case dtend != nil && dur != nil:
		p.fail(durLine, "DURATION", "an event has DTEND (line %d) or DURATION, not both", endLine)
	case dtend != nil:
		end, err := parseICSTime(dtend)
		if err != nil {
			p.fail(endLine, "DTEND", "%v", err)
			break
		}
		if end.date {
			p.fail(endLine, "DTEND", "is a date but DTSTART is a date-time")
			break
		}
		endAt, err := p.zones.instant(end)
		if err != nil {
			p.fail(endLine, "DTEND", "%v", err)
			break
		}
		return endAt, endLine, "DTEND", true
	case dur != nil:
		days, exact, err := parseICSDuration(dur.Value)
		if err != nil {
			p.fail(durLine, "DURATION", "%v", err)
			break
		}
		if !startOK {
			break
		}
		// Days are nominal (same wall time), the rest exact: RFC 5545 3.3.6.
		wall := start
		wall.wall = wall.wall.AddDate(0, 0, days)
		endAt, err := p.zones.instant(wall)
		if err != nil {
			p.fail(durLine, "DURATION", "%v", err)
			break
		}
		return endAt.Add(exact), durLine, "DURATION", true
	default:
		p.fail(ev.begin, "DTEND", "is missing (and there is no DURATION): every event needs an end")
	}
	return time.Time{}, 0, "", false
}

// required returns a cleaned text property, reporting it when missing or
// unusable.
func (p *icsParser) required(ev icsEvent, name, what string) string {
	prop, line := ev.get(name)
	if prop == nil {
		p.fail(ev.begin, name, "is missing: every event needs %s", what)
		return ""
	}
	v, ok := p.text(line, name, prop.Value)
	if ok && v == "" {
		p.fail(line, name, "is empty")
	}
	return v
}

// text folds white space (escaped newlines included) and checks length
// and control characters.
func (p *icsParser) text(line int, name, v string) (string, bool) {
	v = strings.Join(strings.Fields(v), " ")
	switch {
	case len(v) > maxText:
		p.fail(line, name, "is %d bytes long, at most %d", len(v), maxText)
		return "", false
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		p.fail(line, name, "contains a control character")
		return "", false
	}
	return v, true
}

// groups collects CATEGORIES values over every CATEGORIES line, in order,
// without duplicates.
func (p *icsParser) groups(ev icsEvent) []string {
	var out []string
	have := map[string]bool{}
	for _, i := range ev.all("CATEGORIES") {
		for _, g := range strings.Split(ev.props[i].Value, ",") {
			g, ok := p.text(ev.lines[i], "CATEGORIES", g)
			if ok && g != "" && !have[g] {
				have[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// uidSessionID derives a session id from an event's UID (and
// RECURRENCE-ID): stable across imports, same shape as SessionID.
func uidSessionID(key string) string {
	sum := sha256.Sum256([]byte("ics\x00" + key))
	return "s-" + hex.EncodeToString(sum[:8])
}

// nameLen is the length of the iCalendar name (letters, digits, '-') at
// the start of s.
func nameLen(s string) int {
	n := 0
	for n < len(s) && (s[n] == '-' || 'A' <= s[n] && s[n] <= 'Z' || 'a' <= s[n] && s[n] <= 'z' || '0' <= s[n] && s[n] <= '9') {
		n++
	}
	return n
}
