package schedule_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/schedule"
)

// FuzzParseICS checks that ParseICS never panics, that an accepted file
// gives only usable sessions, and that a rejected one gives problems on
// lines that exist and no schedule.
func FuzzParseICS(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ics"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(calendar(event("UID:a", "DTSTART;TZID=Eastern Standard Time:20261101T013000", "DURATION:P1DT1H", "SUMMARY:S", "LOCATION:R"))))
	f.Add([]byte(calendar(vtzBlock("X"), event("DTSTART;TZID=X:20260329T023000", "DTEND;TZID=X:20260329T033000", "SUMMARY:S", "LOCATION:R"))))
	f.Add([]byte(calendar(event("UID:c", "DTSTART:20261124T090000Z", "DTEND:20261124T100000Z", "SUMMARY:S", "LOCATION:R", "X-CHECKIN-CAPACITY:40"),
		event("UID:d", "DTSTART:20261124T110000Z", "DTEND:20261124T120000Z", "SUMMARY:T", "LOCATION:R", "X-CHECKIN-CAPACITY:040"))))
	zurich, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _, err := schedule.ParseICS(bytes.NewReader(data), zurich)
		if err != nil {
			var ps kiosk.Problems
			if !errors.As(err, &ps) || len(ps) == 0 || len(ps) > kiosk.MaxProblems {
				t.Fatalf("error %v is not 1..%d problems", err, kiosk.MaxProblems)
			}
			if len(s.Sessions) != 0 || len(s.Rooms) != 0 {
				t.Fatalf("rejected file gave %d sessions", len(s.Sessions))
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, p := range ps {
				if p.Line < 0 || p.Line > lines {
					t.Fatalf("problem %v on line %d of a %d-line file", p, p.Line, lines)
				}
			}
			return
		}
		rooms := map[string]bool{}
		for _, r := range s.Rooms {
			rooms[r.Name] = true
			if r.Capacity < 0 || r.Capacity > kiosk.MaxCapacity {
				t.Fatalf("room %+v: capacity out of range", r)
			}
		}
		ids := map[string]bool{}
		for _, se := range s.Sessions {
			if !se.Start.Before(se.End) || se.Room == "" || se.Title == "" || se.ID == "" {
				t.Fatalf("bad session %+v", se)
			}
			if se.Start.Location() != zurich || !rooms[se.Room] || ids[se.ID] {
				t.Fatalf("session %+v: wrong zone, unknown room or repeated id", se)
			}
			if strings.ContainsAny(se.Title+se.Room, "\r\n") {
				t.Fatalf("session %+v has a line break", se)
			}
			ids[se.ID] = true
		}
	})
}

func vtzBlock(tzid string) string { return strings.Replace(outlookStyleZurich, "%s", tzid, 1) }
