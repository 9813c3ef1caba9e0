package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/web"
)

// seatChip returns the text of the seats chip (seats left or Full) of the
// row of session id, "" when it has none.
func (l *lobbyScreen) seatChip(id string) string {
	l.t.Helper()
	return l.eval(fmt.Sprintf(`(() => { const c = document.querySelector('.row[data-id=%q] .chip.seats, .row[data-id=%q] .chip.full'); return c ? c.className + ": " + c.textContent : ""; })()`, id, id))
}

// TestLobbySeatsLive: beside Room K's session (capacity 3) the lobby
// shows the seats left, then "Full" once three are in, then "1 seat
// left" after one goes out, as the taps happen; a room without capacity
// shows nothing of the kind, nor does a preview of another moment.
func TestLobbySeatsLive(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	f := newFixture(t)
	q := seedRoomDoors(t, f, 3, "en")
	l := openLobby(t, f, 1920, 1080, "")
	l.waitFor("seats beside Room K's session", `document.querySelector('.row[data-id="s2"] .chip.seats') !== null`)
	if got := l.seatChip("s2"); got != "chip seats: 3 seats left" {
		t.Errorf("Room K = %q, want 3 seats left", got)
	}
	if got := l.seatChip("s1"); got != "" {
		t.Errorf("Popov Room, without capacity, shows %q", got)
	}

	for _, b := range q[:3] {
		if res := tapAt(t, f, b, "Room K", "in"); res.Result != kiosk.ResultAccepted {
			t.Fatalf("tap %s: %+v", b, res)
		}
	}
	l.waitFor("Full", `(document.querySelector('.row[data-id="s2"] .chip.full') || {}).textContent === "Full"`)
	if res := tapAt(t, f, q[3], "Room K", "in"); res.Reason != kiosk.ReasonRoomFull {
		t.Fatalf("fourth tap: %+v, want room_full", res)
	}
	l.noOverflow("full")
	l.shot("lobby-seats-full")

	if res := tapAt(t, f, q[0], "Room K", "out"); res.Result != kiosk.ResultAccepted {
		t.Fatalf("out: %+v", res)
	}
	l.waitFor("1 seat left", `(document.querySelector('.row[data-id="s2"] .chip.seats') || {}).textContent === "1 seat left"`)
	if got := l.seatChip("s2"); got != "chip seats: 1 seat left" {
		t.Errorf("Room K after one out = %q", got)
	}

	// A preview of another moment has no counts of now to show.
	p := openLobby(t, f, 1920, 1080, "?at="+lobbyAt("10:30"))
	p.waitFor("preview board", `document.querySelector('.row[data-id="s2"]') !== null`)
	if got := p.seatChip("s2"); got != "" {
		t.Errorf("preview shows %q", got)
	}
}

// seedLobbySeats gives the rooms of the realistic day capacities and
// people inside at 10:00 (the fixture's clock), when the morning block
// runs: Room B 12 seats left of 40, Room C full, Room K 1 seat left,
// Room L 2 seats left; Popov Room and Room E have no capacity.
func seedLobbySeats(t testing.TB, f *fixture) {
	t.Helper()
	ctx := context.Background()
	loadLobbyDay(t, f)
	if err := f.db.ImportRoomsChecked(ctx, []kiosk.Room{
		{Name: "Popov Room", Building: "Tower"},
		{Name: "Room B", Building: "Tower", Capacity: 40},
		{Name: "Room C", Building: "Tower", Capacity: 3, Overflow: "Room B"},
		{Name: "Room E", Building: "Montbrillant"},
		{Name: "Room H", Building: "Montbrillant", Capacity: 60},
		{Name: "Room K", Building: "Varembé", Capacity: 25, Overflow: "Room L"},
		{Name: "Room L", Building: "Varembé", Capacity: 2},
	}, nil); err != nil {
		t.Fatal(err)
	}
	inside := map[string]int{"Room B": 28, "Room C": 3, "Room K": 24}
	var roster []kiosk.Delegate
	for i := range 60 {
		roster = append(roster, kiosk.Delegate{ID: fmt.Sprintf("L%d", i), GivenName: "Delegate", FamilyName: fmt.Sprint(i),
			Status: "registered", Groups: []string{"Q3/12", "Q7/12", "Q9/12"}, Badges: []string{fmt.Sprintf("C0%08X", i)}})
	}
	if _, err := f.db.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, room := range []string{"Room B", "Room C", "Room K"} {
		for range inside[room] {
			if res := tapAt(t, f, roster[n].Badges[0], room, "in"); res.Result != kiosk.ResultAccepted {
				t.Fatalf("tap %d into %s: %+v", n, room, res)
			}
			n++
		}
	}
}

// TestLobbySeatsInBrowser shows the realistic day's board at 10:00 on both
// TV shapes in English, Arabic and Chinese with seats left beside the
// sessions of rooms with a capacity, in each language's plural forms.
// Nothing may scroll sideways; screenshots are kept.
func TestLobbySeatsInBrowser(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	cats, err := web.LoadCatalogs(assets.FS())
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	seedLobbySeats(t, f)
	plural := map[string]map[int]string{ // CLDR categories of 1, 2, 12 and 60
		"en": {1: "one", 2: "other", 12: "other", 60: "other"},
		"ar": {1: "one", 2: "two", 12: "many", 60: "many"},
		"zh": {1: "other", 2: "other", 12: "other", 60: "other"},
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"landscape", 1920, 1080}, {"portrait", 1080, 1920}} {
		for _, lang := range []string{"en", "ar", "zh"} {
			t.Run(size.name+"-"+lang, func(t *testing.T) {
				seats := func(n int) string {
					return "chip seats: " + strings.ReplaceAll(cats[lang]["seats.left."+plural[lang][n]], "{n}", fmt.Sprint(n))
				}
				l := openLobby(t, f, size.w, size.h, "?lang="+lang)
				l.waitFor("seats shown", `document.querySelector(".chip.seats") !== null`)
				for id, want := range map[string]string{
					"am-q3":  seats(12),
					"am-q7":  "chip full: " + cats[lang]["seats.full"],
					"am-q9":  seats(1),
					"am-q13": seats(2),
					"am-q1":  "", // Popov Room: no capacity
					"am-q17": "", // Room E: no capacity
					"pm-q4":  "", // Room B later: the seats are for the session now
				} {
					if got := l.seatChip(id); got != want {
						t.Errorf("%s: seats %q, want %q", id, got, want)
					}
				}
				// Room H has nothing now: its seats go beside its next session.
				if got := l.seatChip("lunch-fr"); got != seats(60) {
					t.Errorf("Room H's next session: seats %q, want %q", got, seats(60))
				}
				l.noOverflow(size.name + "-" + lang)
				l.shot("lobby-seats-" + size.name + "-" + lang)
			})
		}
	}
}
