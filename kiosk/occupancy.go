package kiosk

import (
	"encoding/json"
	"sync"
	"time"
)

// Presence is where a delegate last passed a room door on a local day:
// the latest accepted room-door tap of the delegate that day, at any
// kiosk. A delegate is in one room at a time, so entering another room
// takes them out of the first, and a badge tapped twice in a row at a
// door counts once.
type Presence struct {
	DelegateID string
	Day        string
	Room       string
	Direction  string
	At         time.Time
	TapID      string
	Kiosk      string
	SessionID  string
}

// Newer reports whether p replaces q as the delegate's presence: the
// later pass wins, and of two at the same moment the greater tap id, so
// that every kiosk and the registry settle on the same one whatever the
// order they hear of them.
func (p Presence) Newer(q Presence) bool {
	if !p.At.Equal(q.At) {
		return p.At.After(q.At)
	}
	return p.TapID > q.TapID
}

// RoomReset is a staff action that empties a room's count (after an
// evacuation, say): passes at its doors up to At no longer count.
type RoomReset struct {
	ID   string
	Room string
	Day  string
	At   time.Time
	By   string // the staff login
}

// Occupancy counts the people inside each room on one local day from the
// delegates' presences and the rooms' resets. It is safe for concurrent
// use; a store keeps one and feeds it every presence it commits.
type Occupancy struct {
	mu     sync.Mutex
	day    string
	last   map[string]Presence  // by delegate
	resets map[string]time.Time // by room: the latest reset of the day
	inside map[string]int       // by room
}

// Load replaces what o knows with a day's presences and resets.
func (o *Occupancy) Load(day string, presences []Presence, resets map[string]time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.day = day
	o.last = make(map[string]Presence, len(presences))
	o.resets = make(map[string]time.Time, len(resets))
	for room, at := range resets {
		o.resets[room] = at
	}
	for _, p := range presences {
		if q, ok := o.last[p.DelegateID]; p.Day == day && (!ok || p.Newer(q)) {
			o.last[p.DelegateID] = p
		}
	}
	o.recount()
}

// recount counts every room again; o.mu is held.
func (o *Occupancy) recount() {
	o.inside = map[string]int{}
	for _, p := range o.last {
		if o.counts(p) {
			o.inside[p.Room]++
		}
	}
}

// counts reports whether p puts its delegate inside its room: an entry
// after the room's last reset. o.mu is held.
func (o *Occupancy) counts(p Presence) bool {
	return p.Direction == DirectionIn && p.At.After(o.resets[p.Room])
}

// Day returns the day o counts, "" before Load or after Forget.
func (o *Occupancy) Day() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.day
}

// Forget drops what o knows, so that the store loads it again.
func (o *Occupancy) Forget() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.day = ""
}

// Pass records a presence if it is of o's day and newer than the
// delegate's; it returns the rooms whose count changed (none, one or two).
func (o *Occupancy) Pass(p Presence) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.day == "" || p.Day != o.day {
		return nil
	}
	q, had := o.last[p.DelegateID]
	if had && !p.Newer(q) {
		return nil
	}
	o.last[p.DelegateID] = p
	var changed []string
	if had && o.counts(q) {
		o.inside[q.Room]--
		changed = append(changed, q.Room)
	}
	if o.counts(p) {
		o.inside[p.Room]++
		if len(changed) == 0 || changed[0] != p.Room {
			changed = append(changed, p.Room)
		} else {
			changed = changed[:0] // out and back into the same room
		}
	}
	return changed
}

// Reset empties room as of at, if that is later than its last reset and
// of o's day; it reports whether the count may have changed.
func (o *Occupancy) Reset(room, day string, at time.Time) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.day == "" || day != o.day || !at.After(o.resets[room]) {
		return false
	}
	o.resets[room] = at
	o.recount()
	return true
}

// Inside returns how many people are in room.
func (o *Occupancy) Inside(room string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.inside[room]
}

// IsInside reports whether delegate's last pass put them inside room.
func (o *Occupancy) IsInside(delegateID, room string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	p, ok := o.last[delegateID]
	return ok && p.Room == room && o.counts(p)
}

// RoomStatus is a room as GET /api/rooms and the `room` event give it.
type RoomStatus struct {
	Room
	// Inside is how many people are in the room now.
	Inside int
	// Session is the session whose door is open now (DoorOpens before its
	// start to its end), nil if none; Next the room's next one today.
	Session, Next *Session
}

// SeatsLeft returns the seats left and whether the room has a capacity.
func (r RoomStatus) SeatsLeft() (int, bool) {
	if r.Capacity <= 0 {
		return 0, false
	}
	return max(r.Capacity-r.Inside, 0), true
}

// MarshalJSON renders a room as GET /api/rooms does (docs/http.md): seats_left is null for a room with
// no capacity.
func (r RoomStatus) MarshalJSON() ([]byte, error) {
	var seats *int
	if n, ok := r.SeatsLeft(); ok {
		seats = &n
	}
	return json.Marshal(struct {
		Name      string   `json:"name"`
		Building  string   `json:"building"`
		Floor     string   `json:"floor"`
		Capacity  int      `json:"capacity"`
		Overflow  string   `json:"overflow"`
		Inside    int      `json:"inside"`
		SeatsLeft *int     `json:"seats_left"`
		Full      bool     `json:"full"`
		Session   *Session `json:"session"`
		Next      *Session `json:"next"`
	}{r.Name, r.Building, r.Floor, r.Capacity, r.Overflow, r.Inside, seats, seats != nil && *seats == 0, r.Session, r.Next})
}

// RoomStatuses puts together each room's status at now from the day's
// sessions and occupancy. Rooms that only sessions name are included
// (without capacity).
func RoomStatuses(rooms []Room, sessions []Session, occ *Occupancy, now time.Time) []RoomStatus {
	out := make([]RoomStatus, 0, len(rooms))
	known := make(map[string]bool, len(rooms))
	for _, r := range rooms {
		known[r.Name] = true
		out = append(out, RoomStatusOf(r, sessions, occ, now))
	}
	for _, s := range sessions {
		if !known[s.Room] {
			known[s.Room] = true
			out = append(out, RoomStatusOf(Room{Name: s.Room, Building: s.Building}, sessions, occ, now))
		}
	}
	return out
}

// RoomStatusOf is one room's status at now.
func RoomStatusOf(r Room, sessions []Session, occ *Occupancy, now time.Time) RoomStatus {
	st := RoomStatus{Room: r, Inside: occ.Inside(r.Name)}
	st.Session, _ = SessionNow(sessions, r.Name, now, nil)
	st.Next = NextSession(sessions, r.Name, now, nil)
	return st
}

// NextSession returns the first session in room (any room if "") that
// starts after now, not cancelled, which d may attend (any, for d nil);
// nil if none.
func NextSession(sessions []Session, room string, now time.Time, d *Delegate) *Session {
	var best *Session
	for i := range sessions {
		s := &sessions[i]
		if room != "" && s.Room != room || s.Status == SessionCancelled || !s.Start.After(now) {
			continue
		}
		if d != nil && !d.InGroup(s.Groups) {
			continue
		}
		if best == nil || s.Start.Before(best.Start) {
			best = s
		}
	}
	return best
}
