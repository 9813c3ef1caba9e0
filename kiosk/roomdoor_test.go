package kiosk_test

import (
	"testing"
	"time"

	"checkin/kiosk"
)

// TestDecideDoor: the room-door rules, on a day in Geneva with room
// "Popov": SG12 plenary 09:30–12:30, then Q2/12 back to back 12:30–13:30,
// a cancelled session 14:00–15:00, WP1/12 15:00–17:00; another room
// holds a session meanwhile.
func TestDecideDoor(t *testing.T) {
	geneva, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	at := func(hhmm string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-23 "+hhmm, geneva)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	sessions := []kiosk.Session{
		{ID: "plenary", Title: "SG12 plenary", Room: "Popov", Start: at("09:30"), End: at("12:30"), Groups: []string{"SG12"}},
		{ID: "q2", Title: "Q2/12", Room: "Popov", Start: at("12:30"), End: at("13:30"), Groups: []string{"Q2/12"}},
		{ID: "gone", Title: "Cancelled", Room: "Popov", Start: at("14:00"), End: at("15:00"), Status: kiosk.SessionCancelled},
		{ID: "wp1", Title: "WP1/12", Room: "Popov", Start: at("15:00"), End: at("17:00"), Groups: []string{"WP1/12", "Q2/12"}},
		{ID: "open", Title: "Open briefing", Room: "Popov", Start: at("17:30"), End: at("18:00")},
		{ID: "elsewhere", Title: "Q9/12", Room: "C2", Start: at("09:30"), End: at("17:30"), Groups: []string{"Q9/12"}},
	}
	meeting := kiosk.Meeting{Start: "2026-11-23", End: "2026-11-27"}
	sg12 := &kiosk.Delegate{ID: "A", Groups: []string{"SG12"}}
	q2 := &kiosk.Delegate{ID: "B", Groups: []string{"sg12", "q2/12"}} // groups compare without case
	q9 := &kiosk.Delegate{ID: "C", Groups: []string{"Q9/12"}}
	cancelled := &kiosk.Delegate{ID: "D", Groups: []string{"SG12"}, Status: kiosk.StatusCancelled}
	known := func(d *kiosk.Delegate) kiosk.Standing { return kiosk.Standing{Known: true, Delegate: d} }
	door := kiosk.Door{Room: "Popov", Sessions: sessions, Capacity: 3}
	full := door
	full.Inside = 3
	fullAgain := full
	fullAgain.AlreadyInside = true
	overfull := door
	overfull.Inside = 5 // more came in through a door that did not count them

	tests := []struct {
		name      string
		standing  kiosk.Standing
		direction string
		now       string
		door      kiosk.Door
		result    string
		reason    string
		session   string
	}{
		{"in the session", known(sg12), "in", "10:00", door, "accepted", "", "plenary"},
		{"15 minutes early", known(sg12), "in", "09:15", door, "accepted", "", "plenary"},
		{"16 minutes early", known(sg12), "in", "09:14", door, "rejected", "no_session_now", ""},
		{"another room, its own session", known(q9), "in", "17:00", kiosk.Door{Room: "C2", Sessions: sessions}, "accepted", "", "elsewhere"},
		{"after the last", known(sg12), "in", "18:00", door, "rejected", "no_session_now", ""},
		{"not in the groups", known(q9), "in", "10:00", door, "rejected", "not_in_session_groups", "plenary"},
		{"in one of several groups", known(q2), "in", "15:30", door, "accepted", "", "wp1"},
		{"session without groups is for all", known(q9), "in", "17:40", door, "accepted", "", "open"},
		{"back to back: the running one for its groups", known(sg12), "in", "12:20", door, "accepted", "", "plenary"},
		{"back to back: in both groups, the running one", known(q2), "in", "12:20", door, "accepted", "", "plenary"},
		{"back to back: the next, its own only", known(&kiosk.Delegate{ID: "E", Groups: []string{"Q2/12"}}), "in", "12:20", door, "accepted", "", "q2"},
		{"back to back: the next once the first ended", known(sg12), "in", "12:30", door, "rejected", "not_in_session_groups", "q2"},
		{"cancelled session is not held", known(sg12), "in", "14:10", door, "rejected", "no_session_now", ""},
		{"window of the next after a cancelled one", known(q2), "in", "14:45", door, "accepted", "", "wp1"},
		{"full", known(sg12), "in", "10:00", full, "rejected", "room_full", "plenary"},
		{"over full", known(sg12), "in", "10:00", overfull, "rejected", "room_full", "plenary"},
		{"full, but already inside", known(sg12), "in", "10:00", fullAgain, "accepted", "", "plenary"},
		{"one seat left", known(sg12), "in", "10:00", kiosk.Door{Room: "Popov", Sessions: sessions, Capacity: 3, Inside: 2}, "accepted", "", "plenary"},
		{"no capacity: never full", known(sg12), "in", "10:00", kiosk.Door{Room: "Popov", Sessions: sessions, Inside: 900}, "accepted", "", "plenary"},
		{"leaving a full room", known(sg12), "out", "10:00", full, "accepted", "", "plenary"},
		{"leaving when no session", known(sg12), "out", "19:00", full, "accepted", "", ""},
		{"leaving another group's session", known(q9), "out", "10:00", door, "accepted", "", "plenary"},
		{"entrance rules first: cancelled", known(cancelled), "in", "10:00", door, "rejected", "registration_cancelled", "plenary"},
		{"entrance rules first: unknown", kiosk.Standing{}, "in", "10:00", door, "rejected", "unknown_badge", "plenary"},
		{"entrance rules first: revoked beats full", kiosk.Standing{Known: true, Revoked: true, Delegate: sg12}, "in", "10:00", full, "rejected", "revoked_badge", "plenary"},
		{"entrance rules first: not valid today", known(&kiosk.Delegate{ID: "F", Groups: []string{"SG12"}, ValidFrom: "2026-11-24"}), "in", "10:00", door, "rejected", "not_valid_today", "plenary"},
		{"validity beats capacity", known(&kiosk.Delegate{ID: "F", Groups: []string{"SG12"}, ValidTo: "2026-11-22"}), "in", "10:00", full, "rejected", "not_valid_today", "plenary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			result, reason, s := kiosk.DecideDoor(kiosk.Credential{UID: "0A"}, tt.standing, "2026-11-23", meeting, tt.direction, at(tt.now), tt.door)
			id := ""
			if s != nil {
				id = s.ID
			}
			if result != tt.result || reason != tt.reason || id != tt.session {
				t.Errorf("DecideDoor = %s/%q session %q, want %s/%q session %q", result, reason, id, tt.result, tt.reason, tt.session)
			}
		})
	}
}
