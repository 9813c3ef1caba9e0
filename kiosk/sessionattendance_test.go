package kiosk_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
)

var geneva = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is a time on 2026-11-23 in Geneva, "HH:MM" or "HH:MM:SS".
func at(hhmm string) time.Time {
	layout := "2006-01-02 15:04"
	if len(hhmm) > 5 {
		layout += ":05"
	}
	tm, err := time.ParseInLocation(layout, "2026-11-23 "+hhmm, geneva)
	if err != nil {
		panic(err)
	}
	return tm
}

// pass is an accepted room-door tap: "D1 in Popov 09:00 s1".
func pass(spec string) kiosk.TapRecord {
	f := strings.Fields(spec)
	if len(f) != 5 {
		panic("pass: " + spec)
	}
	session := f[4]
	if session == "-" {
		session = ""
	}
	return kiosk.TapRecord{ID: "t-" + f[3] + "-" + f[0] + "-" + f[1], At: at(f[3]), DelegateID: f[0], DelegateName: "Name of " + f[0],
		Direction: f[1], Room: f[2], SessionID: session, Result: kiosk.ResultAccepted, Gate: "door", Source: "rfid"}
}

func passes(specs ...string) []kiosk.TapRecord {
	out := make([]kiosk.TapRecord, len(specs))
	for i, s := range specs {
		out[i] = pass(s)
	}
	return out
}

// TestSessionReport: who attended a session and how long, on a day in
// Geneva: in room Popov the plenary s1 09:00–10:30 then s2 back to back
// 10:30–12:00, a cancelled session s3 14:00–15:00; in room K, k1
// 09:00–12:00. Each case gives the passes, the clock, and the rows as
// "session delegate first_in last_out minutes".
func TestSessionReport(t *testing.T) {
	sessions := []kiosk.Session{
		{ID: "s1", Title: "Plenary", Room: "Popov", Start: at("09:00"), End: at("10:30"), Status: kiosk.SessionScheduled},
		{ID: "k1", Title: "Q9/12", Room: "K", Start: at("09:00"), End: at("12:00"), Status: kiosk.SessionScheduled},
		{ID: "s2", Title: "WP1/12", Room: "Popov", Start: at("10:30"), End: at("12:00"), Status: kiosk.SessionScheduled},
		{ID: "s3", Title: "Gone", Room: "Popov", Start: at("14:00"), End: at("15:00"), Status: kiosk.SessionCancelled},
	}
	later := at("18:00")
	cases := []struct {
		name   string
		passes []kiosk.TapRecord
		resets map[string]time.Time
		now    time.Time
		want   []string
	}{
		{name: "several in and out pairs", now: later, passes: passes(
			"D1 in Popov 09:00 s1", "D1 out Popov 09:30 s1", "D1 in Popov 09:45 s1", "D1 out Popov 10:00 s1",
			"D1 in Popov 10:10 s1", "D1 out Popov 10:11:30 s1"),
			want: []string{"s1 D1 09:00:00 10:11:30 46"}},
		{name: "in without out is counted up to the session's end", now: later, passes: passes("D1 in Popov 09:40 s1"),
			want: []string{"s1 D1 09:40:00 - 50", "s2 D1 09:40:00 - 90"}}, // and stays on into s2
		{name: "in without out while the session runs is counted up to now", now: at("10:00:59"), passes: passes("D1 in Popov 09:40 s1"),
			want: []string{"s1 D1 09:40:00 - 20"}},
		{name: "out without in is counted from the start", now: later, passes: passes("D1 out Popov 10:00 s1"),
			want: []string{"s1 D1 - 10:00:00 60"}},
		{name: "out without in is counted from when last seen elsewhere", now: later,
			passes: passes("D1 in K 09:10 k1", "D1 out Popov 10:00 s1"),
			want:   []string{"k1 D1 09:10:00 10:00:00 50", "s1 D1 - 10:00:00 50"}},
		{name: "an out tapped twice counts once", now: later, passes: passes("D1 out Popov 09:30 s1", "D1 out Popov 09:50 s1"),
			want: []string{"s1 D1 - 09:30:00 30"}},
		{name: "taps of other rooms, refused taps and entrance taps are ignored", now: later, passes: append(passes(
			"D1 in K 09:00 k1", "D1 out K 11:00 k1", "D2 in Popov 09:05 s1"),
			kiosk.TapRecord{ID: "r1", At: at("09:10"), DelegateID: "D3", Direction: "in", Room: "Popov", SessionID: "s1",
				Result: kiosk.ResultRejected, Reason: kiosk.ReasonRoomFull},
			kiosk.TapRecord{ID: "e1", At: at("08:30"), DelegateID: "D2", Direction: "out", Result: kiosk.ResultAccepted},
			kiosk.TapRecord{ID: "u1", At: at("09:20"), Direction: "in", Room: "Popov", SessionID: "s1", Result: kiosk.ResultAccepted}),
			want: []string{"k1 D1 09:00:00 11:00:00 120", "s1 D2 09:05:00 - 85", "s2 D2 09:05:00 - 90"}},
		{name: "entered, left and came back", now: at("11:00"), passes: passes(
			"D1 in Popov 10:35 s2", "D1 out Popov 10:40 s2", "D1 in Popov 10:50 s2"),
			want: []string{"s2 D1 10:35:00 - 15"}},
		{name: "entered, left, came back and left", now: later, passes: passes(
			"D1 in Popov 10:35 s2", "D1 out Popov 10:40 s2", "D1 in Popov 10:50 s2", "D1 out Popov 11:50 s2"),
			want: []string{"s2 D1 10:35:00 11:50:00 65"}},
		{name: "time is clipped to the session", now: later, passes: passes(
			"D1 in Popov 08:50 s1", "D1 out Popov 09:10 s1", "D2 in K 11:30 k1", "D2 out K 12:30 -"),
			want: []string{"k1 D2 11:30:00 12:30:00 30", "s1 D1 08:50:00 09:10:00 10"}},
		{name: "came before the start and left before it", now: later, passes: passes("D1 in Popov 08:46 s1", "D1 out Popov 08:55 s1"),
			want: []string{"s1 D1 08:46:00 08:55:00 0"}},
		{name: "back to back: staying on counts for both", now: later, passes: passes("D1 in Popov 09:00 s1", "D1 out Popov 11:00 s2"),
			want: []string{"s1 D1 09:00:00 11:00:00 90", "s2 D1 09:00:00 11:00:00 30"}},
		{name: "back to back: came for the second, early", now: later, passes: passes("D1 in Popov 10:20 s2", "D1 out Popov 11:00 s2"),
			want: []string{"s1 D1 10:20:00 11:00:00 10", "s2 D1 10:20:00 11:00:00 30"}},
		{name: "entering another room ends the stay", now: later, passes: passes("D1 in Popov 09:00 s1", "D1 in K 09:20 k1"),
			want: []string{"k1 D1 09:20:00 - 160", "s1 D1 09:00:00 09:20:00 20"}},
		{name: "a badge tapped twice on the way in", now: later, passes: passes(
			"D1 in Popov 09:00 s1", "D1 in Popov 09:05 s1", "D1 out Popov 09:30 s1"),
			want: []string{"s1 D1 09:00:00 09:30:00 30"}},
		{name: "a reset of the room's count ends the stays in it", now: later,
			resets: map[string]time.Time{"Popov": at("10:00")},
			passes: passes("D1 in Popov 09:00 s1", "D2 in Popov 09:30 s1", "D2 out Popov 10:10 s1", "D3 in Popov 10:05 s1"),
			// D2's exit after the reset says they were back inside: from the reset on.
			want: []string{"s1 D1 09:00:00 10:00:00 60", "s1 D2 09:30:00 10:10:00 40", "s1 D3 10:05:00 - 25", "s2 D3 10:05:00 - 90"}},
		{name: "before the start: listed with no time", now: at("08:50"), passes: passes("D1 in Popov 08:46 s1"),
			want: []string{"s1 D1 08:46:00 - 0"}},
		{name: "in any order", now: later, passes: passes("D1 out Popov 09:30 s1", "D1 in Popov 09:00 s1"),
			want: []string{"s1 D1 09:00:00 09:30:00 30"}},
		{name: "a cancelled session has no one", now: later, passes: passes("D1 in Popov 14:00 -", "D1 out Popov 14:30 -"),
			want: nil},
		{name: "nobody", now: later, want: nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := kiosk.SessionReport(kiosk.SessionAttendance{Sessions: sessions, Passes: c.passes, Resets: c.resets}, c.now)
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%s %s %s %s %d", r.Session.ID, r.DelegateID, clock(r.FirstIn), clock(r.LastOut), r.Minutes()))
			}
			slices.Sort(got) // the order is TestSessionReportOrder's
			if !slices.Equal(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(geneva).Format("15:04:05")
}

// TestSessionReportOrder: rows come session by session in the given
// order, and within one by family name, then given name, folded (case
// and accents do not matter), then id; a delegate no longer on the roster
// goes by the name the taps recorded.
func TestSessionReportOrder(t *testing.T) {
	sessions := []kiosk.Session{
		{ID: "s2", Room: "B", Start: at("09:00"), End: at("10:00")},
		{ID: "s1", Room: "A", Start: at("09:00"), End: at("10:00")},
	}
	roster := map[string]*kiosk.Delegate{
		"D1": {ID: "D1", FamilyName: "Zimmermann", GivenName: "Anna"},
		"D2": {ID: "D2", FamilyName: "Åberg", GivenName: "Lars"},
		"D3": {ID: "D3", FamilyName: "müller", GivenName: "Zoe"},
		"D4": {ID: "D4", FamilyName: "Müller", GivenName: "Ärne"},
		"D5": {ID: "D5", FamilyName: "Müller", GivenName: "Arne"},
		"D6": {ID: "D6", FamilyName: "Abbas", GivenName: "Omar"},
	}
	var ps []kiosk.TapRecord
	for _, id := range []string{"D1", "D2", "D3", "D4", "D5", "D6", "D9"} {
		ps = append(ps, passes(id+" in A 09:00 s1", id+" in B 09:30 s2")...)
	}
	rows := kiosk.SessionReport(kiosk.SessionAttendance{Sessions: sessions, Passes: ps, Delegates: roster}, at("12:00"))
	var got []string
	for _, r := range rows {
		name := r.Name
		if r.Delegate != nil {
			name = r.Delegate.FamilyName + " " + r.Delegate.GivenName
		}
		got = append(got, r.Session.ID+" "+name)
	}
	want := []string{
		"s2 Abbas Omar", "s2 Åberg Lars", "s2 Müller Ärne", "s2 Müller Arne", "s2 müller Zoe", "s2 Name of D9", "s2 Zimmermann Anna",
		"s1 Abbas Omar", "s1 Åberg Lars", "s1 Müller Ärne", "s1 Müller Arne", "s1 müller Zoe", "s1 Name of D9", "s1 Zimmermann Anna",
	}
	if !slices.Equal(got, want) {
		t.Errorf("order:\ngot  %q\nwant %q", got, want)
	}
}

// TestWriteSessionAttendanceCSV: BOM, header, one row per attendee with
// the session's date and local times to the second, cells that a
// spreadsheet would run neutralised, and the recorded name of a delegate
// no longer on the roster.
func TestWriteSessionAttendanceCSV(t *testing.T) {
	s := kiosk.Session{ID: "s1", Title: "=HYPERLINK(\"x\")", Room: "Popov", Start: at("09:00"), End: at("10:30")}
	rows := kiosk.SessionReport(kiosk.SessionAttendance{
		Sessions: []kiosk.Session{s},
		Passes:   passes("D1 in Popov 08:59:30 s1", "D1 out Popov 10:01:15 s1", "D9 out Popov 09:45 s1"),
		Delegates: map[string]*kiosk.Delegate{"D1": {ID: "D1", FamilyName: "王", GivenName: "芳", Organization: "+CAICT",
			Country: "CN", Role: "delegate", Email: "wang@example.org"}},
	}, at("18:00"))
	var buf bytes.Buffer
	if err := kiosk.WriteSessionAttendanceCSV(&buf, rows, geneva); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), kiosk.BOM) {
		t.Errorf("no BOM: %q", buf.String()[:10])
	}
	if strings.Contains(buf.String(), "example.org") {
		t.Errorf("the report holds an e-mail address: %s", buf.String())
	}
	got, err := csv.NewReader(kiosk.StripBOM(&buf)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		kiosk.SessionAttendanceHeader,
		{"s1", `'=HYPERLINK("x")`, "Popov", "2026-11-23", "D9", "Name of D9", "", "", "", "", "", "09:45:00", "45"},
		{"s1", `'=HYPERLINK("x")`, "Popov", "2026-11-23", "D1", "王", "芳", "'+CAICT", "CN", "delegate", "08:59:30", "10:01:15", "61"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d:\ngot  %q\nwant %q", i, got[i], want[i])
		}
	}
}

// FuzzSessionReport: whatever passes come, in whatever order, each
// delegate is listed once per session, with no more time inside than the
// session has had by now, their first entry no later than their last
// exit, and the same report for the passes in another order.
func FuzzSessionReport(f *testing.F) {
	f.Add([]byte{0, 0, 0, 50, 0, 0, 1, 90, 1, 1, 0, 60, 1, 0, 1, 140})
	f.Add([]byte{2, 0, 1, 10, 2, 0, 1, 20, 2, 1, 4, 30, 2, 0, 2, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		sessions := []kiosk.Session{
			{ID: "s1", Room: "Popov", Start: at("09:00"), End: at("10:30")},
			{ID: "k1", Room: "K", Start: at("09:00"), End: at("12:00")},
			{ID: "s2", Room: "Popov", Start: at("10:30"), End: at("12:00")},
		}
		rooms := []string{"Popov", "K"}
		var ps []kiosk.TapRecord
		for i := 0; i+4 <= len(data) && i < 400; i += 4 {
			b := data[i : i+4]
			p := kiosk.TapRecord{ID: fmt.Sprintf("t%03d", i), DelegateID: fmt.Sprint("D", b[0]%3), Room: rooms[b[1]%2],
				Direction: kiosk.DirectionIn, Result: kiosk.ResultAccepted, At: at("08:00").Add(time.Duration(b[3]) * 2 * time.Minute)}
			if b[2]&1 == 1 {
				p.Direction = kiosk.DirectionOut
			}
			if s, _ := kiosk.SessionNow(sessions, p.Room, p.At, nil); s != nil {
				p.SessionID = s.ID
			}
			if b[2]&2 != 0 {
				p.SessionID = "" // a tap for no session
			}
			ps = append(ps, p)
		}
		var resets map[string]time.Time
		if len(data)%5 == 0 {
			resets = map[string]time.Time{"Popov": at("10:00")}
		}
		for _, now := range []time.Time{at("10:00"), at("18:00")} {
			var seen []kiosk.TapRecord
			for _, p := range ps {
				if !p.At.After(now) {
					seen = append(seen, p)
				}
			}
			rows := kiosk.SessionReport(kiosk.SessionAttendance{Sessions: sessions, Passes: seen, Resets: resets}, now)
			key := map[string]bool{}
			for _, r := range rows {
				k := r.Session.ID + " " + r.DelegateID
				if key[k] {
					t.Fatalf("%s listed twice", k)
				}
				key[k] = true
				end := r.Session.End
				if now.Before(end) {
					end = now
				}
				had := end.Sub(r.Session.Start)
				if r.Inside < 0 || r.Inside > max(had, 0) {
					t.Fatalf("%s: %v inside, the session has had %v", k, r.Inside, had)
				}
				if !r.FirstIn.IsZero() && !r.LastOut.IsZero() && r.FirstIn.After(r.LastOut) {
					t.Fatalf("%s: first in %v after last out %v", k, r.FirstIn, r.LastOut)
				}
			}
			reversed := slices.Clone(seen)
			slices.Reverse(reversed)
			again := kiosk.SessionReport(kiosk.SessionAttendance{Sessions: sessions, Passes: reversed, Resets: resets}, now)
			if !slices.EqualFunc(rows, again, func(a, b kiosk.SessionRow) bool {
				return a.Session.ID == b.Session.ID && a.Attendee.DelegateID == b.Attendee.DelegateID && a.Inside == b.Inside &&
					a.FirstIn.Equal(b.FirstIn) && a.LastOut.Equal(b.LastOut)
			}) {
				t.Fatalf("another order, another report:\n%+v\n%+v", rows, again)
			}
		}
	})
}
