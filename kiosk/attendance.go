package kiosk

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// AttendanceSource is the roster with each delegate's arrivals.
type AttendanceSource interface {
	// Attendance reads the roster and its arrivals in one snapshot. It
	// calls days once, with the local dates on which anyone on the roster
	// arrived (sorted), then row for each delegate of the roster in id
	// order with their arrivals (the first accepted entry of each local
	// day, seen at any kiosk this store knows of) in day order; a delegate
	// never seen has none. An error from days or row ends the reading.
	Attendance(ctx context.Context, days func([]string) error, row func(*Delegate, []Arrival) error) error
}

// AttendanceHeader is the per-delegate report's columns before its day
// columns (one per day, headed by the ISO date) and AttendanceTotal.
var AttendanceHeader = []string{"id", "family_name", "given_name", "latin_family_name", "latin_given_name",
	"organization", "country", "role", "status"}

// AttendanceTotal is the per-delegate report's last column: the number of
// days the delegate arrived.
const AttendanceTotal = "days_present"

// maxMeetingDays bounds the day columns a meeting's dates give: dates
// years apart are a typo, and a report with thousands of empty columns
// helps nobody (the days someone arrived are columns all the same).
const maxMeetingDays = 366

// AttendanceDays returns the report's day columns: every day of the
// meeting (Start to End), and any other day on which someone arrived
// (a meeting without dates, a delegate valid before it), sorted.
func AttendanceDays(m Meeting, arrived []string) []string {
	days := slices.Clone(arrived)
	first, err1 := time.Parse(DateLayout, m.Start)
	last, err2 := time.Parse(DateLayout, m.End)
	if err1 == nil && err2 == nil && !last.Before(first) && last.Sub(first) < maxMeetingDays*24*time.Hour {
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			days = append(days, d.Format(DateLayout))
		}
	}
	slices.Sort(days)
	return slices.Compact(days)
}

// WriteAttendanceCSV writes the per-delegate attendance report, BOM
// first: one row per delegate of the roster (absentees too), with the
// time (HH:MM in the meeting's zone) of their first accepted entry on each
// day of the meeting and the number of days they came. Every cell is
// neutralised against formula injection (SafeCells).
func WriteAttendanceCSV(ctx context.Context, w io.Writer, src AttendanceSource, m Meeting) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("export attendance: %w", err)
	}
	loc := m.Location()
	cw := csv.NewWriter(w)
	var days []string
	column := map[string]int{} // day → index in days
	err := src.Attendance(ctx, func(arrived []string) error {
		days = AttendanceDays(m, arrived)
		for i, d := range days {
			column[d] = i
		}
		header := append(slices.Clone(AttendanceHeader), days...)
		return cw.Write(append(header, AttendanceTotal))
	}, func(d *Delegate, arrivals []Arrival) error {
		row := []string{d.ID, d.FamilyName, d.GivenName, d.LatinFamilyName, d.LatinGivenName,
			d.Organization, d.Country, d.Role, d.Status}
		cells := make([]string, len(days))
		for _, a := range arrivals {
			if i, ok := column[a.Day]; ok {
				cells[i] = a.At.In(loc).Format("15:04")
			}
		}
		row = append(append(row, cells...), strconv.Itoa(len(arrivals)))
		return cw.Write(SafeCells(row))
	})
	if err != nil {
		return fmt.Errorf("export attendance: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// AttendanceRows gathers the rows of a roster joined with its arrivals
// (one row per arrival, ordered by delegate) into one call of Row per
// delegate: the stores' Attendance read it that way.
type AttendanceRows struct {
	Row func(*Delegate, []Arrival) error

	cur      *Delegate
	arrivals []Arrival
}

// Add takes the next joined row: d, and its arrival (nil for a delegate
// never seen).
func (g *AttendanceRows) Add(d *Delegate, a *Arrival) error {
	if g.cur == nil || d.ID != g.cur.ID {
		if err := g.Done(); err != nil {
			return err
		}
		g.cur = d
	}
	if a != nil {
		g.arrivals = append(g.arrivals, *a)
	}
	return nil
}

// Done hands over the last delegate.
func (g *AttendanceRows) Done() error {
	if g.cur == nil {
		return nil
	}
	d, arrivals := g.cur, g.arrivals
	g.cur, g.arrivals = nil, nil
	return g.Row(d, arrivals)
}
