package kiosk

import "context"

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
