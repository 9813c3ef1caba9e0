// Package demo generates the built-in demo meeting: an ITU-T Study Group 12
// week in Geneva with a few hundred fictional delegates, shifted so that it is
// running on a given day.
//
// The output is the roster and schedule CSV files of docs/imports.md, ready for the
// ordinary importers, plus badge UIDs worth tapping. Generation is
// deterministic: the same day gives byte-identical files, and the delegates
// and their badges are the same whatever the day (only dates move).
package demo

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"time"
)

// Days is the length of the demo meeting in calendar days.
const Days = 8

// TodayIs is the meeting day (1-based) that Generate makes of its today.
const TodayIs = 2

// Registration is where and from when badges are collected on the first day;
// it is not a session, so it is not in the schedule.
const (
	RegistrationOpens = "08:30"
	RegistrationPlace = "Montbrillant building entrance"
)

// Meeting describes the generated demo meeting.
type Meeting struct {
	ID       string
	Name     string
	TimeZone string // IANA name
	// Start and End are the first and last days (inclusive), as civil
	// dates at 00:00 UTC.
	Start, End time.Time
}

// Sample is a badge UID worth trying, with what it should do at the entrance
// today.
type Sample struct {
	UID  string
	Name string // the delegate's name, or a description for an unknown card
	// Expect is "accepted", "registration_cancelled", "not_valid_today",
	// "revoked_badge" or "unknown_badge".
	Expect string
}

// Expectations of a Sample.
const (
	ExpectAccepted  = "accepted"
	ExpectCancelled = "registration_cancelled"
	ExpectNotToday  = "not_valid_today"
	ExpectRevoked   = "revoked_badge"
	ExpectUnknown   = "unknown_badge"
)

// Generated is the demo meeting with its roster and schedule.
type Generated struct {
	Meeting     Meeting
	RosterCSV   []byte // docs/imports.md roster CSV, comma-delimited, with header
	ScheduleCSV []byte // docs/imports.md schedule CSV: date,start,end,room,title,groups,building,status
	// FirstScheduleCSV is the schedule as first published, with a session
	// still in the room it later moved out of: importing it and then
	// ScheduleCSV marks the move as a venue's re-import would (moved_from),
	// rather than by a note in the title.
	FirstScheduleCSV []byte
	// RoomsCSV is the rooms file (docs/imports.md: room,building,floor,
	// capacity,overflow): the meeting rooms' seats, for room doors and the
	// lobby's seats left.
	RoomsCSV []byte
	// Revoked are roster badges reported lost: the demo revokes them at the
	// desk after importing the roster, so one can be tried (a Sample).
	Revoked []string
	Samples []Sample
	UIDs    []string // every badge UID bound in the roster, for the simulated reader
}

// RosterHeader is the header row of Generated.RosterCSV.
var RosterHeader = []string{"id", "family_name", "given_name", "organization", "country", "role",
	"groups", "valid_from", "valid_to", "status", "badge_uid", "language", "email"}

// ScheduleHeader is the header row of Generated.ScheduleCSV.
var ScheduleHeader = []string{"date", "start", "end", "room", "title", "groups", "building", "status"}

// The PRNG seeds: fixed, so that the delegates and their badges never change.
const (
	seed1 = 0x5612_2017_0919
	seed2 = 0x5612_2017_0928
)

// Generate returns the demo meeting shifted so that today (its year, month
// and day; the clock and location are ignored) is the meeting's second day, a
// full working day. It panics only if the embedded data files are broken,
// which the package tests rule out.
func Generate(today time.Time) Generated {
	d, err := loadData()
	if err != nil {
		panic("demo: " + err.Error())
	}
	y, m, dd := today.Date()
	start := time.Date(y, m, dd-(TodayIs-1), 0, 0, 0, 0, time.UTC)
	mt := Meeting{
		ID:       "itu-t-sg12-demo",
		Name:     "ITU-T Study Group 12 – Performance, QoS and QoE (demo meeting)",
		TimeZone: "Europe/Zurich",
		Start:    start,
		End:      start.AddDate(0, 0, Days-1),
	}

	rng := rand.New(rand.NewPCG(seed1, seed2))
	people := generatePeople(d, rng)
	g := Generated{
		Meeting:          mt,
		RosterCSV:        rosterCSV(people, start),
		ScheduleCSV:      scheduleCSV(start, false),
		FirstScheduleCSV: scheduleCSV(start, true),
		RoomsCSV:         roomsCSV(),
	}
	for _, p := range people {
		g.UIDs = append(g.UIDs, p.uids...)
	}
	g.Samples = samples(people, rng)
	for _, s := range g.Samples {
		if s.Expect == ExpectRevoked {
			g.Revoked = append(g.Revoked, s.UID)
		}
	}
	return g
}

// day returns the civil date of meeting day n (1-based) as YYYY-MM-DD.
func day(start time.Time, n int) string {
	return start.AddDate(0, 0, n-1).Format(time.DateOnly)
}

// writeCSV renders records as RFC 4180 CSV with LF line ends. Unlike
// encoding/csv it also quotes fields that contain ';', so that a reader
// guessing the delimiter, or a spreadsheet in a ';' locale, cannot split the
// groups and badge_uid lists.
func writeCSV(records [][]string) []byte {
	var b bytes.Buffer
	for _, rec := range records {
		for i, f := range rec {
			if i > 0 {
				b.WriteByte(',')
			}
			if f != strings.TrimSpace(f) || strings.ContainsAny(f, ",;\"\r\n") {
				b.WriteByte('"')
				b.WriteString(strings.ReplaceAll(f, `"`, `""`))
				b.WriteByte('"')
			} else {
				b.WriteString(f)
			}
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}
