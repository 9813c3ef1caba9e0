package kiosk

import (
	"context"
	"encoding/json"
	"time"
)

// Session statuses.
const (
	SessionScheduled = "scheduled"
	SessionCancelled = "cancelled"
)

// Room is a meeting room.
type Room struct {
	Name     string
	Building string
	Floor    string
	Capacity int // people the room holds; 0 when not known (no limit)
	// Overflow is the room to send people to when this one is full; ""
	// for none.
	Overflow string
	// Reset is the room's latest count reset by staff, as the feed carries
	// it; nil when none, and where only the count needs it.
	Reset *RoomReset
}

// Session is one meeting in the schedule.
type Session struct {
	ID       string
	Title    string
	Room     string
	Building string
	Start    time.Time // in the meeting's time zone
	End      time.Time
	Groups   []string
	Status   string
	// MovedFrom is the room the session was in before a re-import moved
	// it; "" if it never moved.
	MovedFrom string
}

// MarshalJSON renders a session as GET /api/schedule's entry (docs/http.md), with RFC 3339
// times carrying the meeting's offset.
func (s Session) MarshalJSON() ([]byte, error) {
	groups := s.Groups
	if groups == nil {
		groups = []string{}
	}
	return json.Marshal(struct {
		ID        string   `json:"id"`
		Title     string   `json:"title"`
		Room      string   `json:"room"`
		Building  string   `json:"building"`
		Start     string   `json:"start"`
		End       string   `json:"end"`
		Groups    []string `json:"groups"`
		Status    string   `json:"status"`
		MovedFrom string   `json:"moved_from,omitempty"`
	}{s.ID, s.Title, s.Room, s.Building, s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339), groups, s.Status, s.MovedFrom})
}

// Schedule is a set of rooms and sessions to import.
type Schedule struct {
	Rooms    []Room
	Sessions []Session
}

// ScheduleStore holds rooms and sessions.
type ScheduleStore interface {
	// ReplaceSchedule replaces all sessions in one transaction, adding
	// and updating rooms and keeping their floor, capacity and overflow.
	ReplaceSchedule(ctx context.Context, s Schedule) error
	// SessionsOn returns the sessions starting on a local date, by start
	// time then room, with times in loc.
	SessionsOn(ctx context.Context, date string, loc *time.Location) ([]Session, error)
}

// MeetingStore holds the meeting settings.
type MeetingStore interface {
	// Meeting returns the settings; unset fields are empty.
	Meeting(ctx context.Context) (Meeting, error)
	// SetMeeting stores the settings.
	SetMeeting(ctx context.Context, m Meeting) error
}

// SessionsFor filters sessions to those the delegate attends, cancelled
// ones included so the screen can say so.
func SessionsFor(d *Delegate, sessions []Session) []Session {
	out := []Session{}
	for _, s := range sessions {
		if d.InGroup(s.Groups) {
			out = append(out, s)
		}
	}
	return out
}
