package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"checkin/kiosk"
)

// doorTap is the part of a TapResult the room-door tests look at.
type doorTap struct {
	Result, Reason, Room string
	Session              *struct{ ID, Title string }
	Instead              *struct {
		Overflow string
		Next     *struct{ ID, Title, Room string }
	}
}

// tapAt taps uid at room's door (the entrance for "") going direction,
// and returns the kiosk's answer.
func tapAt(t testing.TB, f *fixture, uid, room, direction string) doorTap {
	t.Helper()
	body := fmt.Sprintf(`{"uid":%q,"room":%q,"direction":%q}`, uid, room, direction)
	resp, err := http.Post(f.url+"/api/taps", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("tap %s at %q: status %d", uid, room, resp.StatusCode)
	}
	var res doorTap
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("tap %s at %q: %v", uid, room, err)
	}
	return res
}

// doorNames are delegates' names in each screen language's script.
var doorNames = map[string][]string{
	"en": {"Amina|Haddad", "Bruno|Costa", "Wei|Chen", "Dmitri|Volkov", "Eva|Lindqvist", "Kofi|Mensah"},
	"ar": {"أمينة|حداد", "خالد|العمري", "ليلى|منصور", "يوسف|الزين", "سارة|القاسم", "عمر|الفاسي"},
	"zh": {"小明|王", "娜|李", "伟|张", "洋|刘", "静|陈", "磊|杨"},
}

// doorOrgs are their organisations.
var doorOrgs = map[string]string{"en": "Swisscom", "ar": "هيئة تنظيم الاتصالات", "zh": "中国信息通信研究院"}

// seedRoomDoors gives the fixture's Room K (where Q9/12 runs 09:00–12:30;
// the kiosk's clock is 10:00) the capacity given, with Popov Room as its
// overflow, and adds len(doorNames[lang]) delegates of Q9/12 who speak
// lang. It returns their badges. D1 (WP1/12 only) and D2 (cancelled) stay.
func seedRoomDoors(t testing.TB, f *fixture, capacity int, lang string) []string {
	t.Helper()
	ctx := context.Background()
	roster := []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "BNetzA", Country: "DE", Role: "head", Status: "registered", Language: lang, Groups: []string{"WP1/12"}, Badges: []string{"0A0B0C0D0E"}},
		{ID: "D2", FamilyName: "Cancelled", GivenName: "Carla", Role: "delegate", Status: "cancelled", Language: lang, Badges: []string{"2222222222"}},
	}
	var badges []string
	for i, name := range doorNames[lang] {
		given, family, _ := strings.Cut(name, "|")
		badge := fmt.Sprintf("D0%08X", i+1)
		badges = append(badges, badge)
		roster = append(roster, kiosk.Delegate{ID: fmt.Sprintf("Q%d", i+1), GivenName: given, FamilyName: family,
			Organization: doorOrgs[lang], Country: "CH", Role: "delegate", Status: "registered", Language: lang,
			Groups: []string{"Q9/12"}, Badges: []string{badge}})
	}
	if _, err := f.db.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	if err := f.db.ImportRoomsChecked(ctx, []kiosk.Room{
		{Name: "Room K", Building: "Varembé", Floor: "2", Capacity: capacity, Overflow: "Popov Room"},
		{Name: "Popov Room", Building: "Tower"},
	}, nil); err != nil {
		t.Fatal(err)
	}
	return badges
}

// TestDoorRoutes checks the room-door page as the server renders it: the
// room, its place and language, the data its script starts from; and the
// pages for an address without a room (400) or with an unknown one (404).
func TestDoorRoutes(t *testing.T) {
	f := newFixture(t)
	seedRoomDoors(t, f, 3, "en")
	scenarios := []scenario{
		{name: "door", method: "GET", path: "/door?room=Room%20K", status: 200,
			want: []string{`<html lang="en" dir="ltr">`, `<title>Room K · ITU-T SG12</title>`, `id="room-name" dir="auto">Room K<`, "<bdi>Varembé</bdi> · <bdi>Floor 2</bdi>",
				"/static/entrance.css", "/static/door.css", "/static/clock.js", "/static/fit.js", "/static/door.js", `<script id="config" type="application/json">`,
				`"room":"Room K"`, `"seats_left":3`, `"overflow":"Popov Room"`, `"title":"Q9/12"`, `"timezone":"Europe/Zurich"`,
				`"seats.left.one":"{n} seat left"`, `"reason.room_full":"This room is full"`, `"door.go_overflow"`, "Tap your badge"},
			absent: []string{`"lobby.`, `"desk.`, "j.mueller"}},
		{name: "arabic", method: "GET", path: "/door?room=Room%20K&lang=ar", status: 200,
			want: []string{`<html lang="ar" dir="rtl">`, "<bdi>Varembé</bdi> · <bdi>الطابق 2</bdi>", `"seats.left.two":"مقعدان شاغران"`, `"lang":"ar"`, `"dir":"rtl"`}},
		{name: "chinese", method: "GET", path: "/door?room=Room%20K&lang=zh", status: 200,
			want: []string{`<html lang="zh" dir="ltr">`, "<bdi>Varembé</bdi> · <bdi>2楼</bdi>"}},
		{name: "a room of the schedule only", method: "GET", path: "/door?room=Popov%20Room", status: 200,
			want: []string{`"seats_left":null`, `"next":{"id":"s1"`, "Tower"}},
		{name: "door by HEAD", method: "HEAD", path: "/door?room=Room%20K", status: 200},
		{name: "no room", method: "GET", path: "/door", status: 400,
			want:   []string{`<html lang="en" dir="ltr">`, "Which room is this screen for?", "add ?room=", `href="/door?lang=en&amp;room=Room&#43;K"`, `href="/door?lang=en&amp;room=Popov&#43;Room"`},
			absent: []string{"/static/door.js"}},
		{name: "blank room", method: "GET", path: "/door?room=%20%20&lang=fr", status: 400,
			want: []string{`<html lang="fr" dir="ltr">`, "Pour quelle salle est cet écran ?"}},
		{name: "unknown room", method: "GET", path: "/door?room=Room%20Z", status: 404,
			want:   []string{"No such room", "This kiosk knows no room “\u2068Room Z\u2069”", "Door screens of the rooms there are:", `href="/door?lang=en&amp;room=Room&#43;K"`},
			absent: []string{"/static/door.js", `"seats_left"`}},
		{name: "unknown room in Arabic", method: "GET", path: "/door?room=Room%20k&lang=ar", status: 404,
			want: []string{`<html lang="ar" dir="rtl">`, "لا توجد قاعة بهذا الاسم", "«\u2068Room k\u2069»", `href="/door?lang=ar&amp;room=Room&#43;K"`}},
		{name: "a room's name is text", method: "GET", path: "/door?room=%3Cscript%3Ealert(1)%3C/script%3E", status: 404,
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, absent: []string{"<script>alert"}},
		{name: "a long name is clipped", method: "GET", path: "/door?room=" + strings.Repeat("R", 500), status: 404,
			want: []string{strings.Repeat("R", 59) + "…"}, absent: []string{strings.Repeat("R", 60)}},
		{name: "door by POST", method: "POST", path: "/door?room=Room%20K", body: "{}", status: 405},
		{name: "static door js", method: "GET", path: "/static/door.js", status: 200, want: []string{"EventSource", "Intl.PluralRules"}},
	}
	for _, sc := range scenarios {
		sc.run(t, f.url)
	}
}

// TestDoorPageHeaders: the door page runs no inline script and cannot be
// framed, like every page.
func TestDoorPageHeaders(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/door?room=Room%20K", "/door", "/door?room=nowhere"} {
		resp, err := http.Get(f.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, got)
		}
	}
}
