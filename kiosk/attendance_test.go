package kiosk_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
)

// roll is an attendance source held in memory: delegates in id order with
// their arrivals.
type roll []struct {
	d        kiosk.Delegate
	arrivals []kiosk.Arrival
}

func (r roll) Attendance(_ context.Context, days func([]string) error, row func(*kiosk.Delegate, []kiosk.Arrival) error) error {
	var seen []string
	for _, e := range r {
		for _, a := range e.arrivals {
			seen = append(seen, a.Day)
		}
	}
	slices.Sort(seen)
	if err := days(slices.Compact(seen)); err != nil {
		return err
	}
	for _, e := range r {
		if err := row(&e.d, e.arrivals); err != nil {
			return err
		}
	}
	return nil
}

func TestAttendanceDays(t *testing.T) {
	m := kiosk.Meeting{Start: "2026-12-30", End: "2027-01-02"}
	tests := []struct {
		name    string
		m       kiosk.Meeting
		arrived []string
		want    string
	}{
		{"meeting across new year", m, nil, "2026-12-30 2026-12-31 2027-01-01 2027-01-02"},
		{"arrival before the meeting is a column too", m, []string{"2026-12-29", "2027-01-01"}, "2026-12-29 2026-12-30 2026-12-31 2027-01-01 2027-01-02"},
		{"no dates: the days someone came", kiosk.Meeting{}, []string{"2026-05-02", "2026-05-04"}, "2026-05-02 2026-05-04"},
		{"dates years apart are not thousands of columns", kiosk.Meeting{Start: "2020-01-01", End: "2029-12-31"}, []string{"2026-05-02"}, "2026-05-02"},
		{"end before start", kiosk.Meeting{Start: "2026-05-04", End: "2026-05-02"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(kiosk.AttendanceDays(tt.m, tt.arrived), " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAttendanceCSV: names in several scripts survive the round trip (BOM,
// then encoding/csv); times are HH:MM in the meeting's zone, also across
// a DST change; cells a spreadsheet would run are neutralised.
func TestAttendanceCSV(t *testing.T) {
	m := kiosk.Meeting{TimeZone: "America/New_York", Start: "2026-10-31", End: "2026-11-02"}
	ny, _ := time.LoadLocation(m.TimeZone)
	src := roll{
		{kiosk.Delegate{ID: "A1", FamilyName: "Nguyễn", GivenName: "Thị Minh Khai", Organization: "=cmd|' /C calc'!A0",
			Country: "VN", Role: "head", Status: "confirmed"},
			[]kiosk.Arrival{
				{DelegateID: "A1", Day: "2026-10-31", At: time.Date(2026, 10, 31, 8, 5, 0, 0, ny)},
				{DelegateID: "A1", Day: "2026-11-01", At: time.Date(2026, 11, 1, 8, 5, 0, 0, ny)}, // after the DST change
			}},
		{kiosk.Delegate{ID: "A2", FamilyName: "佐藤", GivenName: "花子", LatinFamilyName: "Sato", LatinGivenName: "Hanako",
			Organization: "総務省", Country: "JP", Role: "delegate", Status: "registered"}, nil},
		{kiosk.Delegate{ID: "A3", FamilyName: "Παπαδοπούλου", GivenName: "Ελένη", Organization: "-EETT", Country: "GR",
			Role: "guest", Status: "cancelled"},
			[]kiosk.Arrival{{DelegateID: "A3", Day: "2026-11-02", At: time.Date(2026, 11, 2, 13, 59, 0, 0, time.UTC)}}},
	}
	var buf bytes.Buffer
	if err := kiosk.WriteAttendanceCSV(context.Background(), &buf, src, m); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), kiosk.BOM+"id,") {
		t.Fatalf("report starts %q, want the BOM then the header", buf.String()[:10])
	}
	rows, err := csv.NewReader(kiosk.StripBOM(&buf)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		append(slices.Clone(kiosk.AttendanceHeader), "2026-10-31", "2026-11-01", "2026-11-02", "days_present"),
		{"A1", "Nguyễn", "Thị Minh Khai", "", "", "'=cmd|' /C calc'!A0", "VN", "head", "confirmed", "08:05", "08:05", "", "2"},
		{"A2", "佐藤", "花子", "Sato", "Hanako", "総務省", "JP", "delegate", "registered", "", "", "", "0"},
		{"A3", "Παπαδοπούλου", "Ελένη", "", "", "'-EETT", "GR", "guest", "cancelled", "", "", "08:59", "1"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d:\ngot  %q\nwant %q", i, rows[i], want[i])
		}
	}
}
