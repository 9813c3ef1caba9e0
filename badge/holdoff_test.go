package badge_test

import (
	"testing"
	"time"

	"checkin/badge"
)

func TestHoldoff(t *testing.T) {
	type sighting struct {
		at   time.Duration // since the start of the test
		uid  string
		want bool // a tap
	}
	tests := []struct {
		name   string
		window time.Duration
		seen   []sighting
	}{
		{"first sighting taps", 3 * time.Second, []sighting{{0, "A", true}}},
		{"held card is one tap", 3 * time.Second, []sighting{
			{0, "A", true}, {50 * time.Millisecond, "A", false}, {100 * time.Millisecond, "A", false},
			{2 * time.Second, "A", false}}},
		{"held longer than the window stays one tap", 3 * time.Second, []sighting{
			{0, "A", true}, {2 * time.Second, "A", false}, {4 * time.Second, "A", false},
			{6 * time.Second, "A", false}, {8 * time.Second, "A", false}}},
		{"absent for the window taps again", 3 * time.Second, []sighting{
			{0, "A", true}, {1 * time.Second, "A", false}, {4 * time.Second, "A", true}}},
		{"absent just under the window", 3 * time.Second, []sighting{
			{0, "A", true}, {3*time.Second - time.Millisecond, "A", false}, {6 * time.Second, "A", true}}},
		{"another card taps at once", 3 * time.Second, []sighting{
			{0, "A", true}, {10 * time.Millisecond, "B", true}, {20 * time.Millisecond, "A", false},
			{30 * time.Millisecond, "B", false}, {4 * time.Second, "A", true}}},
		{"alternating cards", 3 * time.Second, []sighting{
			{0, "A", true}, {time.Second, "B", true}, {2 * time.Second, "A", false},
			{5 * time.Second, "B", true}, {5 * time.Second, "A", true}}},
		{"zero window: every sighting taps", 0, []sighting{{0, "A", true}, {0, "A", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := badge.NewHoldoff(tt.window)
			start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			for i, s := range tt.seen {
				if got := h.Tap([]byte(s.uid), start.Add(s.at)); got != s.want {
					t.Errorf("sighting %d (%s at %v): got tap %v, want %v", i, s.uid, s.at, got, s.want)
				}
			}
		})
	}
}

func TestHoldoffNoAllocForKnownCard(t *testing.T) {
	h := badge.NewHoldoff(time.Second)
	uid := []byte("04A1B2C3")
	now := time.Now()
	h.Tap(uid, now)
	allocs := testing.AllocsPerRun(100, func() {
		now = now.Add(10 * time.Millisecond)
		h.Tap(uid, now)
	})
	if allocs != 0 {
		t.Errorf("Tap of a held card: got %v allocs, want 0", allocs)
	}
}

// TestHoldoffForgets checks that a long stream of different cards does
// not make old ones tap late: after the window every card taps again.
func TestHoldoffForgets(t *testing.T) {
	h := badge.NewHoldoff(time.Second)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 1000 {
		uid := []byte{byte(i >> 8), byte(i)}
		if !h.Tap(uid, now.Add(time.Duration(i)*10*time.Millisecond)) {
			t.Fatalf("card %d: first sighting is not a tap", i)
		}
	}
	later := now.Add(time.Hour)
	for i := range 1000 {
		if !h.Tap([]byte{byte(i >> 8), byte(i)}, later) {
			t.Fatalf("card %d: an hour later, got no tap", i)
		}
	}
}
