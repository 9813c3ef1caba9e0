package schedule

import (
	"testing"
	"time"
)

// TestWindowsZonesLoad checks that every IANA zone the Windows-name table
// points to exists in this system's tz database.
func TestWindowsZonesLoad(t *testing.T) {
	for win, iana := range windowsZones {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%s → %s: %v", win, iana, err)
		}
	}
}
