package soak

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestArrivals(t *testing.T) {
	const n = 20000
	window, rush := 100*time.Minute, 45*time.Minute
	a := Arrivals(n, window, rush, 0.6, rand.New(rand.NewPCG(1, 2)))
	if len(a) != n {
		t.Fatalf("%d arrivals, want %d", len(a), n)
	}
	if !slices.IsSorted(a) {
		t.Error("arrivals are not in order")
	}
	if a[0] < 0 || a[n-1] >= window {
		t.Errorf("arrivals from %v to %v, outside [0, %v)", a[0], a[n-1], window)
	}
	inRush := 0
	for _, d := range a {
		if d < rush {
			inRush++
		}
	}
	if inRush != 12000 {
		t.Errorf("%d arrivals in the rush, want 60%% = 12000", inRush)
	}
	// The rush peaks at two fifths: the 9 minutes around minute 18 see
	// more than the first 9 and the last 9 minutes of the rush.
	count := func(from, to time.Duration) int {
		c := 0
		for _, d := range a {
			if d >= from && d < to {
				c++
			}
		}
		return c
	}
	peak, first, last := count(13*time.Minute+30*time.Second, 22*time.Minute+30*time.Second), count(0, 9*time.Minute), count(36*time.Minute, rush)
	if peak <= first || peak <= last {
		t.Errorf("rush does not peak: %d in the first 9 minutes, %d around minute 18, %d in the last 9", first, peak, last)
	}
	// Triangular with its mode at two fifths: two fifths of the rush
	// (4800) arrive before the peak.
	if c := count(0, 18*time.Minute); c < 4800-300 || c > 4800+300 {
		t.Errorf("%d arrivals before the peak, want about 40%% of the rush (4800)", c)
	}
	// After the rush: evenly spread, about 8000/55 a minute.
	for m := 45; m < 100; m += 11 {
		c := count(time.Duration(m)*time.Minute, time.Duration(m+1)*time.Minute)
		if c < 100 || c > 200 {
			t.Errorf("%d arrivals in minute %d after the rush, want about 145", c, m)
		}
	}
	if again := Arrivals(n, window, rush, 0.6, rand.New(rand.NewPCG(1, 2))); !slices.Equal(a, again) {
		t.Error("the same seed gives other arrivals")
	}
}

func TestArrivalsEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	if a := Arrivals(0, time.Minute, 30*time.Second, 0.6, rng); len(a) != 0 {
		t.Errorf("no delegates: %v", a)
	}
	a := Arrivals(10, time.Minute, time.Minute, 0.6, rng)
	if len(a) != 10 || a[9] >= time.Minute {
		t.Errorf("rush as long as the window: %v", a)
	}
	a = Arrivals(7, time.Minute, 0, 0.6, rng)
	if len(a) != 7 || a[0] < 0 {
		t.Errorf("no rush: %v", a)
	}
}
