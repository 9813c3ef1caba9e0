package kiosk

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"checkin/kiosk/fold"
)

// Per-session attendance (docs/rooms.md): who was in a session's room
// during it, from the room doors' taps. The rules follow the live count of
// people inside (Occupancy), so that the report and the doors agree:
//
//   - A delegate's accepted room-door passes of the day, at every room, in
//     time order (then tap id, as Presence.Newer), make their stays: an
//     entry puts them inside that room, and their next pass anywhere (an
//     exit, or an entry at another room's door: one room at a time) or a
//     staff reset of the room's count ends it. An entry while already
//     inside (a badge tapped twice) changes nothing.
//   - A stay counts for a session held in its room when the entry or the
//     exit was for that session (the tap's session), or when it overlaps
//     the session's time. So a delegate who stays on from the session
//     before in the same room is in the next one too, and one who came in
//     during the 15 minutes before the start and left before it is listed
//     with 0 minutes.
//   - An exit from the room without an entry before it (a door without a
//     reader, a held door, an entry at another kiosk's door that this
//     store has not heard of) counts as a stay from the session's start,
//     or from the delegate's previous pass if later, to the exit; it must
//     be for the session. An exit right after an exit from the same room
//     is a badge tapped twice and changes nothing.
//   - Minutes inside: the stays' time within the session, start to end;
//     a stay not yet ended counts up to the session's end, or up to now
//     while the session still runs. Whole minutes, rounded down.
//   - Cancelled sessions have no attendees.

// SessionAttendance is what the per-session attendance report is made of,
// read in one snapshot: sessions of one local day and that day's passes.
type SessionAttendance struct {
	// Sessions are the report's, in report order (start, room, id), with
	// times in the meeting's zone.
	Sessions []Session
	// Passes are the day's room-door taps (at every room) of the
	// delegates who may have attended: a store may leave out delegates
	// with no tap for a session in the sessions' rooms that day (no stay
	// of theirs can count: an entry is always for a session). Taps not
	// accepted, not at a room door or without a delegate are ignored.
	Passes []TapRecord
	// Resets is the day's latest reset of each room's count, by room.
	Resets map[string]time.Time
	// Delegates are the roster entries the passes name, by id; a
	// delegate no longer on the roster is missing.
	Delegates map[string]*Delegate
}

// SessionAttendanceSource reads the per-session attendance report's data.
type SessionAttendanceSource interface {
	// SessionAttendance reads the data of one session's report, with the
	// passes of the day it starts on; ENOTFOUND for an unknown session.
	SessionAttendance(ctx context.Context, sessionID string) (SessionAttendance, error)
	// DaySessionAttendance reads the data of the report on every session
	// starting on a local date (none: no sessions, no error).
	DaySessionAttendance(ctx context.Context, date string) (SessionAttendance, error)
}

// Attendee is one delegate's attendance of one session.
type Attendee struct {
	DelegateID string
	// FirstIn is the first seen entry of a stay that counts for the
	// session (zero when only exits were seen); it may be before the
	// session, for one who stayed on from the session before.
	FirstIn time.Time
	// LastOut is when the last stay that counts ended (zero while it
	// goes on: still inside, or left unseen); it may be after the session.
	LastOut time.Time
	// Inside is the time inside the room within the session.
	Inside time.Duration
}

// Minutes is the time inside in whole minutes, rounded down.
func (a Attendee) Minutes() int { return int(a.Inside / time.Minute) }

// SessionRow is a line of the per-session attendance report.
type SessionRow struct {
	Session *Session
	Attendee
	// Delegate is the roster entry, nil for a delegate no longer on it;
	// Name is then the name the taps recorded.
	Delegate *Delegate
	Name     string
}

// SessionReport works out who attended each session of a, with times
// counted up to now for sessions still running. Rows come session by
// session in a.Sessions' order, and within a session by family name, then
// given name (folded: case, accents and scripts' variants do not matter,
// as in the desk's search), then delegate id.
func SessionReport(a SessionAttendance, now time.Time) []SessionRow {
	// One copy of the passes that count, in delegate then time order (then
	// tap id, as Presence.Newer); each delegate's are a run of it.
	ps := make([]TapRecord, 0, len(a.Passes))
	for _, p := range a.Passes {
		if p.Result == ResultAccepted && p.Room != "" && p.DelegateID != "" {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(x, y TapRecord) int {
		if c := strings.Compare(x.DelegateID, y.DelegateID); c != 0 {
			return c
		}
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	byDelegate := map[string][]TapRecord{}
	atRoom := map[string][]string{} // room → delegates with a pass at its doors
	var rooms []string              // the rooms of one delegate's passes: a few
	for i := 0; i < len(ps); {
		id := ps[i].DelegateID
		j := i
		rooms = rooms[:0]
		for ; j < len(ps) && ps[j].DelegateID == id; j++ {
			if r := ps[j].Room; !slices.Contains(rooms, r) {
				rooms = append(rooms, r)
				atRoom[r] = append(atRoom[r], id)
			}
		}
		byDelegate[id] = ps[i:j:j]
		i = j
	}
	var rows []SessionRow
	for i := range a.Sessions {
		s := &a.Sessions[i]
		if s.Status == SessionCancelled {
			continue
		}
		first := len(rows)
		keys := map[string]string{}
		for _, id := range atRoom[s.Room] {
			at, ok := attend(*s, byDelegate[id], a.Resets[s.Room], now)
			if !ok {
				continue
			}
			at.DelegateID = id
			row := SessionRow{Session: s, Attendee: at, Delegate: a.Delegates[id]}
			if row.Delegate == nil {
				ps := byDelegate[id]
				row.Name = ps[len(ps)-1].DelegateName
				keys[id] = fold.Fold(row.Name) + "\x00\x00" + id
			} else {
				keys[id] = fold.Fold(row.Delegate.FamilyName) + "\x00" + fold.Fold(row.Delegate.GivenName) + "\x00" + id
			}
			rows = append(rows, row)
		}
		slices.SortFunc(rows[first:], func(x, y SessionRow) int { return strings.Compare(keys[x.DelegateID], keys[y.DelegateID]) })
	}
	return rows
}

// attend works out one delegate's attendance of s from their passes of
// the day in time order, the latest reset of s's room that day (zero for
// none) and now. It reports false when no stay counts for s.
func attend(s Session, passes []TapRecord, reset, now time.Time) (Attendee, bool) {
	end := s.End
	if now.Before(end) {
		end = now
	}
	var a Attendee
	attended := false
	// count adds a stay in s's room from from to to; seen: its entry was
	// seen; tagged: one of its taps was for s; ended: it is over.
	count := func(from, to time.Time, seen, tagged, ended bool) {
		in := overlap(from, to, s.Start, end)
		if !tagged && in <= 0 {
			return
		}
		attended = true
		a.Inside += in
		if seen && a.FirstIn.IsZero() {
			a.FirstIn = from
		}
		a.LastOut = time.Time{}
		if ended {
			a.LastOut = to
		}
	}
	var inside, tagged bool // in s's room; a tap of the stay was for s
	var since time.Time     // the stay's start
	var known time.Time     // until when the delegate's whereabouts are known
	var prev *TapRecord
	for i := range passes {
		p := &passes[i]
		if inside && !reset.IsZero() && !since.After(reset) && reset.Before(p.At) {
			count(since, reset, true, tagged, true) // the room's count was emptied
			inside, known = false, reset
		}
		mine := p.SessionID == s.ID
		switch {
		case p.Room == s.Room && p.Direction == DirectionIn:
			if !inside {
				inside, tagged, since = true, false, p.At
			}
			tagged = tagged || mine
		case inside:
			count(since, p.At, true, tagged || mine, true)
			inside = false
		case p.Room == s.Room && mine && !(prev != nil && prev.Room == s.Room && prev.Direction == DirectionOut):
			// Out without in: inside since the start, or since last seen.
			from := s.Start
			if known.After(from) {
				from = known
			}
			if from.After(p.At) {
				from = p.At
			}
			count(from, p.At, false, true, true)
		}
		prev, known = p, p.At
	}
	if inside {
		if !reset.IsZero() && !since.After(reset) {
			count(since, reset, true, tagged, true)
		} else {
			count(since, end, true, tagged, false) // goes on: up to the end, or now
		}
	}
	return a, attended
}

// overlap is how long [a, b) and [c, d) have in common.
func overlap(a, b, c, d time.Time) time.Duration {
	if c.After(a) {
		a = c
	}
	if d.Before(b) {
		b = d
	}
	if !b.After(a) {
		return 0
	}
	return b.Sub(a)
}

// SessionAttendanceHeader is the per-session attendance report's header.
var SessionAttendanceHeader = []string{"session_id", "session_title", "room", "date", "delegate_id",
	"family_name", "given_name", "organization", "country", "role", "first_in", "last_out", "minutes_inside"}

// sessionTimeLayout is first_in's and last_out's: local time in the
// meeting's zone, to the second (the session's date is its own column).
const sessionTimeLayout = "15:04:05"

// WriteSessionAttendanceCSV writes the per-session attendance report, BOM
// first: one row per delegate who attended each session, times (HH:MM:SS)
// in loc, every cell neutralised against formula injection (SafeCells).
// A delegate no longer on the roster has the name the taps recorded as
// family name.
func WriteSessionAttendanceCSV(w io.Writer, rows []SessionRow, loc *time.Location) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("export session attendance: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(SessionAttendanceHeader); err != nil {
		return fmt.Errorf("export session attendance: %w", err)
	}
	clock := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(sessionTimeLayout)
	}
	for _, r := range rows {
		s := r.Session
		d := r.Delegate
		if d == nil {
			d = &Delegate{FamilyName: r.Name}
		}
		if err := cw.Write(SafeCells([]string{s.ID, s.Title, s.Room, LocalDate(s.Start, loc), r.DelegateID,
			d.FamilyName, d.GivenName, d.Organization, d.Country, d.Role,
			clock(r.FirstIn), clock(r.LastOut), strconv.Itoa(r.Minutes())})); err != nil {
			return fmt.Errorf("export session attendance: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export session attendance: %w", err)
	}
	return nil
}
