package kiosk

import (
	"context"
	"time"
)

// Stats are the day's attendance figures, without personal data.
type Stats struct {
	Day       string         `json:"day"`
	Arrivals  int            `json:"arrivals"` // delegates who entered today
	Inside    int            `json:"inside"`   // delegates whose last pass today was an entry
	Delegates int            `json:"delegates"`
	ByHour    []HourCount    `json:"by_hour"`
	ByRole    map[string]int `json:"by_role"`
	ByCountry map[string]int `json:"by_country"`
	Gates     []GateCount    `json:"gates"`
	Taps      TapCounts      `json:"taps"`
	// Sessions are the day's sessions with their counts; the kiosk's
	// /api/stats fills them in (SessionCountStore).
	Sessions []SessionCount `json:"sessions"`
}

// HourCount is arrivals in one local hour ("08:00").
type HourCount struct {
	Hour     string `json:"hour"`
	Arrivals int    `json:"arrivals"`
}

// GateCount is accepted entries and exits at a gate today.
type GateCount struct {
	Gate string `json:"gate"`
	In   int    `json:"in"`
	Out  int    `json:"out"`
}

// TapCounts counts today's taps by outcome.
type TapCounts struct {
	Accepted int            `json:"accepted"`
	Rejected map[string]int `json:"rejected"`
}

// StatsStore computes attendance figures.
type StatsStore interface {
	// Stats returns the figures of a local day.
	Stats(ctx context.Context, day string) (Stats, error)
}

// SessionCount is one of the day's sessions with how many came to it.
type SessionCount struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Room  string    `json:"room"`
	Start time.Time `json:"start"` // in the meeting's zone
	End   time.Time `json:"end"`
	// Attended is how many delegates came in through its door: an
	// accepted room-door entry for it, at any kiosk this store knows of.
	Attended int `json:"attended"`
	// Inside is how many people are in its room now, while it is the
	// room's session (SessionNow: its door is open, the running one
	// first); 0 otherwise. The sum over a day's sessions is the people in
	// rooms with a session now, as GET /api/rooms counts them.
	Inside int `json:"inside"`
}

// SessionCountStore counts attendance per session.
type SessionCountStore interface {
	// SessionCounts returns the sessions starting on a local day, in
	// start order, cancelled ones left out, with their counts at now.
	SessionCounts(ctx context.Context, day string, now time.Time) ([]SessionCount, error)
}
