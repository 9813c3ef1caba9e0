package kiosk

import "time"

// Room-door reasons (docs/rooms.md), beside the entrance's.
const (
	ReasonNoSessionNow       = "no_session_now"        // nothing is held in the room now
	ReasonNotInSessionGroups = "not_in_session_groups" // the session has groups, the delegate is in none
	ReasonRoomFull           = "room_full"             // the room's capacity is reached
)

// DoorOpens is how long before its start a session's door admits people.
const DoorOpens = 15 * time.Minute

// Door is what a room door knows when a tap is decided there.
type Door struct {
	Room string
	// Sessions are the day's sessions; those in other rooms are ignored.
	Sessions []Session
	// Capacity is the room's, 0 for none; Inside is how many people are
	// in it now (in − out at its doors today, never below 0).
	Capacity, Inside int
	// AlreadyInside: the delegate's last pass through this room's doors
	// today was inward, so an "in" now adds no one (a badge tapped twice).
	AlreadyInside bool
}

// SessionNow finds the session held in room at now for a delegate: among
// the sessions whose door is open (from DoorOpens before the start to the
// end, cancelled ones left out), one the delegate may attend, the running
// one before the next; else the running (or next) one, which the
// delegate may not attend. nil when the room has none now.
//
// Back to back in one room, the next session's door opens while the
// current one still runs: a delegate of the next one's groups is let into
// it, everyone else into the running one.
func SessionNow(sessions []Session, room string, now time.Time, d *Delegate) (s *Session, mayAttend bool) {
	var open []*Session
	for i := range sessions {
		se := &sessions[i]
		if se.Room != room || se.Status == SessionCancelled {
			continue
		}
		if !now.Before(se.Start.Add(-DoorOpens)) && now.Before(se.End) {
			open = append(open, se)
		}
	}
	var best *Session
	for _, se := range open {
		if d != nil && d.InGroup(se.Groups) && (best == nil || earlier(se, best, now)) {
			best = se
		}
	}
	if best != nil {
		return best, true
	}
	for _, se := range open {
		if best == nil || earlier(se, best, now) {
			best = se
		}
	}
	return best, false
}

// earlier reports whether a comes before b at a door at now: a running
// session before one about to start, else the earlier start.
func earlier(a, b *Session, now time.Time) bool {
	aRuns, bRuns := !now.Before(a.Start), !now.Before(b.Start)
	if aRuns != bRuns {
		return aRuns
	}
	return a.Start.Before(b.Start)
}

// DecideDoor applies the room-door rules to a tap at door: every entrance
// rule first (Decide), then the session held in the room now, its groups
// and the room's capacity. It returns the session the tap is for, when
// there is one, also when the tap is refused.
//
// Leaving is never refused for capacity, the session or its groups: a
// delegate inside must be able to get out.
func DecideDoor(c Credential, s Standing, today string, m Meeting, direction string, now time.Time, door Door) (result, reason string, session *Session) {
	result, reason = Decide(c, s, today, m, direction)
	var d *Delegate
	if s.Known {
		d = s.Delegate
	}
	session, mayAttend := SessionNow(door.Sessions, door.Room, now, d)
	switch {
	case result != ResultAccepted, direction == DirectionOut:
		return result, reason, session
	case session == nil:
		return ResultRejected, ReasonNoSessionNow, nil
	case !mayAttend:
		return ResultRejected, ReasonNotInSessionGroups, session
	case door.Capacity > 0 && door.Inside >= door.Capacity && !door.AlreadyInside:
		return ResultRejected, ReasonRoomFull, session
	}
	return ResultAccepted, ReasonNone, session
}
