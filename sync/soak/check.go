package soak

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"checkin/kiosk"
)

// Tally compares the taps kiosks acknowledged with the registry's
// attendance report.
type Tally struct {
	Acknowledged int // taps answered 200 with an id
	AtRegistry   int // rows in the registry's report
	// Lost are acknowledged taps the registry does not have: must be none.
	Lost []string
	// Duplicates are tap ids the registry has more than once: must be none.
	Duplicates []string
	// Unacknowledged are taps the registry has that no kiosk acknowledged:
	// taps whose answer was lost on the way (a kiosk killed as it
	// answered). Kept, as they should be; not an error.
	Unacknowledged int
}

// OK reports whether nothing was lost and nothing is there twice.
func (t Tally) OK() bool { return len(t.Lost) == 0 && len(t.Duplicates) == 0 }

// Compare tallies acknowledged tap ids against the ids of the registry's
// report (one per row, as many times as they appear).
func Compare(acknowledged, registry []string) Tally {
	t := Tally{Acknowledged: len(acknowledged), AtRegistry: len(registry)}
	seen := make(map[string]int, len(registry))
	for _, id := range registry {
		seen[id]++
		if seen[id] == 2 {
			t.Duplicates = append(t.Duplicates, id)
		}
	}
	acked := make(map[string]bool, len(acknowledged))
	for _, id := range acknowledged {
		if acked[id] {
			continue // a kiosk cannot answer the same id twice; counted once all the same
		}
		acked[id] = true
		if seen[id] == 0 {
			t.Lost = append(t.Lost, id)
		}
	}
	for id := range seen {
		if !acked[id] {
			t.Unacknowledged++
		}
	}
	slices.Sort(t.Lost)
	slices.Sort(t.Duplicates)
	return t
}

// ReportIDs reads the tap ids of an attendance report (`checkin export
// checkins`, UTF-8 with a BOM): the id column of every row after the header.
func ReportIDs(r io.Reader) ([]string, error) {
	cr := csv.NewReader(kiosk.StripBOM(r))
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("attendance report: %w", err)
	}
	col := slices.Index(header, "id")
	if col < 0 {
		return nil, fmt.Errorf("attendance report: no id column in %q", header)
	}
	var ids []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return ids, nil
		} else if err != nil {
			return nil, fmt.Errorf("attendance report: %w", err)
		}
		ids = append(ids, rec[col])
	}
}

// Percentile returns the p-th percentile (0–100, nearest rank) of ds, 0
// for none.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(math.Ceil(float64(len(s))*p/100)) - 1
	return s[min(max(rank, 0), len(s)-1)]
}
