package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk"
)

// The lobby is a public screen (docs/http.md): TVs have no staff
// session. TestStaffRoutesNeedSession walks every route not in
// publicRoutes; the lobby declares itself here, beside its own tests.
// lobbyDate is the day of the realistic lobby schedule.
const lobbyDate = "2026-11-22"

// lobbyAt is ?at= for a local time on lobbyDate, percent-encoded.
func lobbyAt(hhmm string) string {
	return url.QueryEscape(lobbyDate + "T" + hhmm + ":00+01:00")
}

// lobbyDay is a realistic day of SG12 in Geneva: 20 sessions in seven rooms
// of three buildings, parallel morning and afternoon blocks, lunchtime
// briefings, a management-team meeting that begins at 14:15 while the
// afternoon block runs, one cancelled session, titles in several scripts,
// and one session the next day.
func lobbyDay() []kiosk.Session {
	at := func(day int, hhmm string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", fmt.Sprintf("2026-11-%02d %s", day, hhmm), zurich)
		if err != nil {
			panic(err)
		}
		return t
	}
	type row struct {
		id, start, end, room, building, title string
		groups                                []string
		cancelled                             bool
	}
	rows := []row{
		{"brief", "08:30", "09:00", "Room H", "Montbrillant", "Newcomers' briefing", nil, false},
		{"am-q1", "09:00", "12:30", "Popov Room", "Tower", "SG12 work programme and QoS/QoE coordination", []string{"Q1/12"}, false},
		{"am-q3", "09:00", "12:30", "Room B", "Tower", "Speech transmission characteristics of terminals", []string{"Q3/12"}, false},
		{"am-q7", "09:00", "12:30", "Room C", "Tower", "Subjective assessment of speech, audio and audiovisual quality", []string{"Q7/12"}, false},
		{"am-q9", "09:00", "12:30", "Room K", "Varembé", "Perceptual-based objective methods for voice, audio and visual quality measurements in telecommunication services", []string{"Q9/12", "Q14/12"}, false},
		{"am-q13", "09:00", "12:30", "Room L", "Varembé", "QoE, QoS and performance requirements for multimedia", []string{"Q13/12"}, false},
		{"am-q17", "09:00", "12:30", "Room E", "Montbrillant", "Performance of packet-based networks and other networking technologies", []string{"Q17/12"}, false},
		{"lunch-fr", "12:45", "13:45", "Room H", "Montbrillant", "Séance d'information : méthodes de travail électroniques de l'UIT-T", nil, false},
		{"lunch-ru", "12:45", "13:45", "Room E", "Montbrillant", "Семинар: оценка качества речи в сетях 5G", nil, false},
		{"pm-wp1", "14:00", "17:30", "Popov Room", "Tower", "Working Party 1/12 plenary", []string{"WP1/12"}, false},
		{"pm-q4", "14:00", "17:30", "Room B", "Tower", "Objective methods for speech and audio evaluation in vehicles", []string{"Q4/12"}, false},
		{"pm-q10", "14:00", "17:30", "Room C", "Tower", "Conferencing and telemeeting assessment", []string{"Q10/12"}, true},
		{"pm-q14", "14:00", "17:30", "Room K", "Varembé", "Models and tools for quality assessment of packet-based video", []string{"Q14/12"}, false},
		{"pm-q19", "14:00", "17:30", "Room L", "Varembé", "视听质量与多媒体业务体验质量评估", []string{"Q19/12"}, false},
		{"pm-q15", "14:00", "17:30", "Room E", "Montbrillant", "Planning, prediction and monitoring of conversational speech quality", []string{"Q15/12"}, false},
		{"mt", "14:15", "15:00", "Room H", "Montbrillant", "اجتماع فريق الإدارة للجنة الدراسات 12", []string{"SG12-MT"}, false},
		{"jca", "15:30", "17:00", "Room H", "Montbrillant", "Rapporteurs' coordination on QoE for immersive media", []string{"Q13/12", "Q19/12", "Q14/12"}, false},
		{"eve-rg", "17:45", "18:45", "Room B", "Tower", "Regional group for Africa (SG12RG-AFR)", []string{"SG12RG-AFR"}, false},
		{"eve-lac", "17:45", "18:45", "Room K", "Varembé", "Grupo Regional para América Latina y el Caribe", []string{"SG12RG-LAC"}, false},
		{"eve-rec", "18:00", "19:30", "Room L", "Varembé", "Reception offered by the host administration", nil, false},
	}
	var out []kiosk.Session
	for _, r := range rows {
		s := kiosk.Session{ID: r.id, Title: r.title, Room: r.room, Building: r.building,
			Start: at(22, r.start), End: at(22, r.end), Groups: r.groups, Status: kiosk.SessionScheduled}
		if r.cancelled {
			s.Status = kiosk.SessionCancelled
		}
		out = append(out, s)
	}
	out = append(out, kiosk.Session{ID: "mon-plen", Title: "SG12 closing plenary", Room: "Popov Room", Building: "Tower",
		Start: at(23, "09:30"), End: at(23, "12:30"), Groups: []string{"SG12"}, Status: kiosk.SessionScheduled})
	return out
}

func loadLobbyDay(t testing.TB, f *fixture) {
	t.Helper()
	if err := f.db.ReplaceSchedule(context.Background(), kiosk.Schedule{Sessions: lobbyDay()}); err != nil {
		t.Fatal(err)
	}
}

// TestLobbyRoutes checks the lobby page as the server renders it, before
// any script runs: the right sessions, states and language are in the HTML.
func TestLobbyRoutes(t *testing.T) {
	f := newFixture(t)
	// The fixture's clock is 10:00 on 22 November: Q9/12 (09:00–12:30)
	// runs, the WP1/12 plenary (14:00) is next.
	scenarios := []scenario{
		{name: "lobby", method: "GET", path: "/lobby", status: 200,
			want: []string{`<html lang="en" dir="ltr">`, "ITU-T SG12", "Today&#39;s meetings", "Sunday 22 November", `id="clock" dir="ltr">10:00<`,
				`class="row now" data-id="s2"`, `class="row next" data-id="s1"`, "WP1/12 plenary", "Popov Room", "Tower", "Q9/12", "Room K",
				"/static/lobby.css", "/static/lobby.js", `rel="icon" href="/static/favicon.svg"`, `"timezone":"Europe/Zurich"`, `"lobby.now":"Now"`},
			absent: []string{`class="preview-tag"`, `class="empty"`}},
		{name: "arabic", method: "GET", path: "/lobby?lang=ar", status: 200,
			want: []string{`<html lang="ar" dir="rtl">`, "اجتماعات اليوم", "الأحد 22 تشرين الثاني/نوفمبر", "الآن", "التالي", `dir="ltr">09:00–12:30<`}},
		{name: "chinese", method: "GET", path: "/lobby?lang=zh", status: 200,
			want: []string{`<html lang="zh" dir="ltr">`, "今日会议", "11月22日 星期日", "正在进行"}},
		{name: "french", method: "GET", path: "/lobby?lang=fr&date=2026-12-01", status: 200,
			want: []string{`<html lang="fr" dir="ltr">`, "Mardi 1er décembre", "Aucune réunion ce jour-là"}},
		{name: "russian", method: "GET", path: "/lobby?lang=ru", status: 200, want: []string{"Воскресенье, 22 ноября", "Сейчас"}},
		{name: "spanish", method: "GET", path: "/lobby?lang=es", status: 200, want: []string{"Domingo, 22 de noviembre", "A continuación"}},
		{name: "unknown lang falls back", method: "GET", path: "/lobby?lang=xx", status: 200, want: []string{`<html lang="en" dir="ltr">`, "Today&#39;s meetings"}},
		{name: "building filter", method: "GET", path: "/lobby?building=tower", status: 200,
			want:   []string{`data-id="s1"`, "Building: tower"},
			absent: []string{`data-id="s2"`, "Q9/12"}},
		{name: "building with nothing that day", method: "GET", path: "/lobby?building=Tower&date=2026-11-23", status: 200, want: []string{`class="empty"`, "No meetings on this day"}},
		{name: "another day", method: "GET", path: "/lobby?date=2026-11-23", status: 200,
			want: []string{`"pinned":true`, "Monday 23 November", ">Meetings<", "No meetings on this day"}},
		{name: "at previews", method: "GET", path: "/lobby?at=" + lobbyAt("14:10"), status: 200,
			want:   []string{`class="row now" data-id="s1"`, `id="clock" dir="ltr">14:10<`, `class="preview-tag"`, `"at":1795353000000`},
			absent: []string{`data-id="s2"`}}, // ended at 12:30
		{name: "at with a raw plus", method: "GET", path: "/lobby?at=2026-11-22T14:10:00+01:00", status: 200, want: []string{`class="row now" data-id="s1"`, "14:10<"}},
		{name: "at in UTC", method: "GET", path: "/lobby?at=2026-11-22T13:10Z", status: 200, want: []string{"14:10<"}},
		{name: "at local without offset", method: "GET", path: "/lobby?at=2026-11-22T14:10", status: 200, want: []string{"14:10<"}},
		{name: "at sets the day", method: "GET", path: "/lobby?at=2026-11-23T10:00:00%2B01:00", status: 200, want: []string{"Monday 23 November", "No meetings today"}},
		{name: "day over", method: "GET", path: "/lobby?at=" + lobbyAt("18:00"), status: 200, want: []string{"Today&#39;s meetings have ended"}},
		{name: "pinned day with at", method: "GET", path: "/lobby?date=2026-11-22&at=2026-11-21T10:00Z", status: 200,
			want: []string{`class="row day" data-id="s2"`, "Schedule"}},
		{name: "bad date", method: "GET", path: "/lobby?date=22.11.2026", status: 400,
			want:   []string{`<html lang="en" dir="ltr">`, "This screen&#39;s address needs correcting", "“\u206822.11.2026\u2069” is not a date", "YYYY-MM-DD", "for example \u20682026-11-22\u2069", `href="/lobby?lang=en"`},
			absent: []string{"No meetings", "/static/lobby.js"}},
		{name: "bad date json", method: "GET", path: "/lobby?date=2026-13-01", status: 400},
		{name: "bad at", method: "GET", path: "/lobby?at=tea-time&lang=fr", status: 400,
			want: []string{`<html lang="fr" dir="ltr">`, "« \u2068tea-time\u2069 » n&#39;est pas un instant", "\u20682026-11-22T14:00\u2069"}},
		{name: "bad at date only", method: "GET", path: "/lobby?at=2026-11-22", status: 400},
		{name: "lobby by POST", method: "POST", path: "/lobby", body: "{}", status: 405},
		{name: "static css", method: "GET", path: "/static/lobby.css", status: 200, want: []string{"Noto Sans CJK SC"}},
		{name: "static js", method: "GET", path: "/static/lobby.js", status: 200, want: []string{"EventSource"}},
		{name: "favicon", method: "GET", path: "/static/favicon.svg", status: 200, want: []string{"<svg"}},
	}
	for _, sc := range scenarios {
		sc.run(t, f.url)
	}
}

// TestLobbyStates checks the rules of Now/Next on the realistic day, in
// the server's rendering: what runs in the latest slot is "now", a
// session stays "now" for its first 25 minutes even when a later one has
// begun, then is "in progress"; the next slot is "next"; ended sessions go.
func TestLobbyStates(t *testing.T) {
	f := newFixture(t)
	loadLobbyDay(t, f)
	rowClass := regexp.MustCompile(`<li class="([^"]*)" data-id="([^"]*)"`)
	states := func(at string) map[string]string {
		t.Helper()
		body, status := getBody(t, f.url+"/lobby?at="+lobbyAt(at))
		if status != 200 {
			t.Fatalf("at %s: status %d", at, status)
		}
		got := map[string]string{}
		for _, m := range rowClass.FindAllStringSubmatch(body, -1) {
			got[m[2]] = strings.TrimPrefix(m[1], "row ")
		}
		return got
	}
	for _, tc := range []struct {
		at   string
		want map[string]string
	}{
		{"08:45", map[string]string{"brief": "now", "am-q1": "next", "am-q17": "next", "lunch-fr": "later", "pm-q10": "later cancelled"}},
		{"09:10", map[string]string{"am-q1": "now", "am-q9": "now", "lunch-fr": "next", "lunch-ru": "next", "pm-wp1": "later"}},
		{"14:10", map[string]string{"pm-wp1": "now", "pm-q10": "now cancelled", "mt": "next", "jca": "later"}},
		{"14:20", map[string]string{"pm-wp1": "now", "pm-q4": "now", "mt": "now", "jca": "next"}},
		{"14:45", map[string]string{"pm-wp1": "running", "pm-q19": "running", "mt": "now", "jca": "next", "pm-q10": "running cancelled"}},
		{"15:10", map[string]string{"pm-wp1": "now", "jca": "next"}}, // the 14:15 one ended: 14:00 is the latest slot again
		{"18:50", map[string]string{"eve-rec": "now"}},
	} {
		got := states(tc.at)
		for id, want := range tc.want {
			if got[id] != want {
				t.Errorf("at %s: %s is %q, want %q", tc.at, id, got[id], want)
			}
		}
	}
	if got := states("14:20"); got["brief"] != "" || got["am-q1"] != "" || got["lunch-fr"] != "" {
		t.Errorf("at 14:20 ended sessions are shown: %v", got)
	}
	if got := states("09:10"); len(got) != 19 {
		t.Errorf("at 09:10 %d rows, want 19 (all but the briefing)", len(got))
	}
	body, _ := getBody(t, f.url+"/lobby?at="+lobbyAt("14:45"))
	if !strings.Contains(body, `<span class="chip running">`) || !strings.Contains(body, "In progress") {
		t.Errorf("at 14:45 the 14:00 sessions lack the In progress chip")
	}
	if !strings.Contains(body, `<span class="chip cancelled">`) || !strings.Contains(body, ">Cancelled</span>") {
		t.Errorf("the cancelled session lacks its chip")
	}
}

// TestLobbyEscapes checks that titles and rooms from an import are text,
// never markup, in the page and in its config.
func TestLobbyEscapes(t *testing.T) {
	f := newFixture(t)
	start := time.Date(2026, 11, 22, 14, 0, 0, 0, zurich)
	if err := f.db.ReplaceSchedule(context.Background(), kiosk.Schedule{Sessions: []kiosk.Session{
		{ID: "x", Title: `</script><script>alert(1)</script>`, Room: `<b>Room</b>`, Building: `"Tower"`, Start: start, End: start.Add(time.Hour), Status: "scheduled"},
	}}); err != nil {
		t.Fatal(err)
	}
	body, _ := getBody(t, f.url+"/lobby")
	for _, bad := range []string{"<script>alert", "<b>Room"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	if !strings.Contains(body, "&lt;b&gt;Room&lt;/b&gt;") {
		t.Errorf("room not shown as text")
	}
}

// TestLobbyCatalogues checks that every lobby message exists in all six
// languages, with the same placeholders, and nothing else.
func TestLobbyCatalogues(t *testing.T) {
	read := func(lang string) map[string]string {
		data, err := fs.ReadFile(assets.FS(), "i18n/lobby/"+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		return m
	}
	en := read("en")
	placeholder := regexp.MustCompile(`\{[a-z]+\}`)
	for _, lang := range kiosk.Languages {
		cat := read(lang)
		for k, v := range en {
			got, ok := cat[k]
			if !ok || strings.TrimSpace(got) == "" {
				t.Errorf("%s: %s missing", lang, k)
				continue
			}
			want := placeholder.FindAllString(v, -1)
			have := placeholder.FindAllString(got, -1)
			slices.Sort(want)
			slices.Sort(have)
			if !slices.Equal(want, have) {
				t.Errorf("%s: %s has placeholders %v, want %v", lang, k, have, want)
			}
		}
		for k := range cat {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: %s is not in English", lang, k)
			}
			if !strings.HasPrefix(k, "lobby.") {
				t.Errorf("%s: %s lacks the lobby. prefix", lang, k)
			}
		}
	}
}

func getBody(t testing.TB, url string) (string, int) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), resp.StatusCode
}

// TestLobbyAddressErrors: a lobby address with a bad date or moment, or a
// building the schedule does not know, gets a page in the requested
// language that says what is wrong (400 for a malformed value, 404 for an
// unknown building), lists the buildings there are and links to a board
// that works; never an empty board that says there are no meetings.
func TestLobbyAddressErrors(t *testing.T) {
	f := newFixture(t)
	scenarios := []scenario{
		{name: "unknown building", method: "GET", path: "/lobby?building=Varemb%C3%A9", status: 404,
			want: []string{`<html lang="en" dir="ltr">`, "There is no building “\u2068Varembé\u2069” in this meeting&#39;s schedule.",
				"Buildings in the schedule:", `href="/lobby?building=Tower&amp;lang=en"`, `href="/lobby?lang=en"`},
			absent: []string{"No meetings today", `class="empty"`}},
		{name: "unknown building in Russian", method: "GET", path: "/lobby?building=Zentrum&lang=ru", status: 404,
			want: []string{`<html lang="ru" dir="ltr">`, "Адрес этого экрана нужно исправить", "В расписании этого мероприятия нет здания «\u2068Zentrum\u2069».", "Здания в расписании:"}},
		{name: "unknown building in Chinese", method: "GET", path: "/lobby?building=%E4%B8%9C%E6%A5%BC&lang=zh", status: 404,
			want: []string{`<html lang="zh" dir="ltr">`, "本次会议日程中没有名为“\u2068东楼\u2069”的楼宇。"}},
		{name: "bad date in Arabic", method: "GET", path: "/lobby?date=2026-13-01&lang=ar", status: 400,
			want:   []string{`<html lang="ar" dir="rtl">`, "يجب تصحيح عنوان هذه الشاشة", "«\u20682026-13-01\u2069» ليس تاريخاً", `href="/lobby?lang=ar"`},
			absent: []string{"لا توجد اجتماعات"}},
		{name: "bad date and unknown building", method: "GET", path: "/lobby?date=tomorrow&building=Annex&lang=es", status: 400,
			want: []string{"«\u2068tomorrow\u2069» no es una fecha", "El programa de esta reunión no tiene ningún edificio «\u2068Annex\u2069»."}},
		{name: "a building's name is text", method: "GET", path: "/lobby?building=%3Cscript%3Ealert(1)%3C/script%3E", status: 404,
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, absent: []string{"<script>alert"}},
		{name: "a long value is clipped", method: "GET", path: "/lobby?building=" + strings.Repeat("B", 500), status: 404,
			want: []string{strings.Repeat("B", 59) + "…"}, absent: []string{strings.Repeat("B", 60)}},
		{name: "known building any case", method: "GET", path: "/lobby?building=TOWER", status: 200, want: []string{`data-id="s1"`}},
	}
	for _, sc := range scenarios {
		sc.run(t, f.url)
	}
}
