package schedule_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/schedule"
)

var zurich, _ = time.LoadLocation("Europe/Zurich")

func TestParseCSV(t *testing.T) {
	in := "Date;Start;End;Room;Title;Groups;Building;Status\n" +
		"2026-11-24;09:00;12:30;Popov Room;\"WP1/12, Q2/12\";\"WP1/12;Q2/12\";Tower;\n" +
		"2026-11-24;14:00;17:30;Room K;Closing plenary;;Montbrillant;cancelled\n" +
		"2026-03-29;01:00;04:00;Room K;Across DST;;;\n" +
		"2026-11-24;23:00;24:00;Room K;Late;;;\n"
	s, warns, err := schedule.ParseCSV(strings.NewReader(in), zurich)
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	if len(s.Sessions) != 4 || len(s.Rooms) != 2 {
		t.Fatalf("got %d sessions, %d rooms, want 4, 2", len(s.Sessions), len(s.Rooms))
	}
	first := s.Sessions[0]
	if first.Title != "WP1/12, Q2/12" || len(first.Groups) != 2 || first.Building != "Tower" ||
		first.Start.Format(time.RFC3339) != "2026-11-24T09:00:00+01:00" || first.Status != "scheduled" {
		t.Errorf("first session = %+v", first)
	}
	if s.Sessions[1].Status != "cancelled" {
		t.Errorf("status = %q, want cancelled", s.Sessions[1].Status)
	}
	if d := s.Sessions[2].End.Sub(s.Sessions[2].Start); d != 2*time.Hour {
		t.Errorf("01:00-04:00 on spring-forward day lasts %v, want 2h", d)
	}
	if got := s.Sessions[3].End.Format(time.RFC3339); got != "2026-11-25T00:00:00+01:00" {
		t.Errorf("24:00 end = %s", got)
	}
	again, _, _ := schedule.ParseCSV(strings.NewReader(in), zurich)
	if again.Sessions[0].ID != first.ID {
		t.Errorf("session ids not stable across imports")
	}
}

func TestParseCSVRejects(t *testing.T) {
	const head = "date,start,end,room,title,groups,building,status\n"
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"missing columns", "date,start,end,room\n", []string{"1: title: required", "1: groups: required"}},
		{"no rows", head, []string{"no sessions"}},
		{
			"bad rows",
			head +
				"2026-11-31,09:00,10:00,A,T,,,\n" +
				"2026-11-24,9h,10:00,A,T,,,\n" +
				"2026-11-24,10:00,09:00,A,T,,,\n" +
				"2026-11-24,09:00,25:00,,T,,,\n" +
				"2026-11-24,09:00,10:00,A,T,,,maybe\n" +
				"2026-11-24,09:00,10:00,A,Same,,,\n" +
				"2026-11-24,09:00,10:00,A,Same,,,\n",
			[]string{
				"2: date: \"2026-11-31\" is not a date",
				"3: start: \"9h\" is not a time",
				"4: end: 09:00 is not after start 10:00",
				"5: end: \"25:00\" is not a time",
				"5: room: is empty",
				"6: status: \"maybe\" is not one of",
				"8: title: same session as line 7",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := schedule.ParseCSV(strings.NewReader(tt.in), zurich)
			var probs kiosk.Problems
			if !errors.As(err, &probs) {
				t.Fatalf("err = %v, want kiosk.Problems", err)
			}
			if len(s.Sessions) != 0 {
				t.Errorf("sessions returned with errors")
			}
			if len(probs) != len(tt.want) {
				t.Fatalf("got %d problems %v, want %d", len(probs), probs, len(tt.want))
			}
			for i, p := range probs {
				if !strings.HasPrefix(p.String(), tt.want[i]) {
					t.Errorf("problem %d = %q, want prefix %q", i, p.String(), tt.want[i])
				}
			}
		})
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("date,start,end,room,title,groups\n2026-11-24,09:00,12:30,Popov,WP1,\"WP1/12;Q2/12\"\n")
	f.Add("date;start;end;room;title;groups;building;status\n2026-03-29;02:30;03:00;K;T;;;cancelled\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, _, err := schedule.ParseCSV(strings.NewReader(in), zurich)
		if err != nil {
			if len(s.Sessions) != 0 {
				t.Fatalf("sessions with error")
			}
			return
		}
		for _, se := range s.Sessions {
			if !se.End.After(se.Start) || se.Room == "" || se.Title == "" || se.ID == "" {
				t.Fatalf("invalid session %+v", se)
			}
		}
	})
}
