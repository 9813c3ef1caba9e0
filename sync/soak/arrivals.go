package soak

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Arrivals returns when each of n delegates taps in, as offsets from the
// start of a window of length window, in order: a morning rush in which
// rushShare of them arrive within the first rush of the window (rising to
// a peak at two fifths of it and tailing off, as a queue at the doors
// before the opening session does), and the others spread evenly over the
// rest of the window.
func Arrivals(n int, window, rush time.Duration, rushShare float64, rng *rand.Rand) []time.Duration {
	if n <= 0 || window <= 0 {
		return nil
	}
	rush = min(max(rush, 0), window)
	inRush := int(math.Round(float64(n) * min(max(rushShare, 0), 1)))
	if rush == 0 {
		inRush = 0
	}
	if rush == window {
		inRush = n
	}
	out := make([]time.Duration, 0, n)
	for range inRush {
		out = append(out, time.Duration(triangular(rng, 0.4)*float64(rush)))
	}
	for range n - inRush {
		out = append(out, rush+time.Duration(rng.Float64()*float64(window-rush)))
	}
	slices.Sort(out)
	return out
}

// triangular draws from [0, 1) with a density rising linearly to its peak
// at mode and falling linearly to 0 at 1.
func triangular(rng *rand.Rand, mode float64) float64 {
	u := rng.Float64()
	var x float64
	if u < mode {
		x = math.Sqrt(u * mode)
	} else {
		x = 1 - math.Sqrt((1-u)*(1-mode))
	}
	return min(x, math.Nextafter(1, 0))
}
