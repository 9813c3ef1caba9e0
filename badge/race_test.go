//go:build race

package badge_test

const raceEnabled = true
