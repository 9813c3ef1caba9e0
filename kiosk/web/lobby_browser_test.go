package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"checkin/kiosk"
	"checkin/kiosk/web/browsertest"
)

// lobbyOverflowJS lists, for every page of the board in turn, each element
// that scrolls horizontally (overflow-x not visible and content wider
// than its box), text that spills out of its cell, a document wider than
// the window, and a page taller than the board.
const lobbyOverflowJS = `(() => {
  const bad = [];
  const name = (e) => e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().replace(/\s+/g, ".") : "") + (e.dataset && e.dataset.id ? "#" + e.dataset.id : "");
  const check = (label) => {
    for (const e of document.querySelectorAll("*")) {
      const cs = getComputedStyle(e);
      if (cs.display === "none" || cs.display === "inline") continue;
      if (cs.overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1) bad.push(label + name(e) + " scrolls: " + e.scrollWidth + " > " + e.clientWidth);
    }
    for (const e of document.querySelectorAll(".time, .chip, .clock, .room, .sec-h, .pager, .badge, h1")) {
      if (e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1) bad.push(label + name(e) + " spills: " + e.scrollWidth + " > " + e.clientWidth);
    }
    if (document.documentElement.scrollWidth > innerWidth) bad.push(label + "document " + document.documentElement.scrollWidth + " > " + innerWidth);
  };
  const board = document.getElementById("board");
  const pages = [...document.querySelectorAll(".page")];
  const shown = pages.findIndex((p) => !p.hidden);
  if (!pages.length) check("");
  pages.forEach((p, i) => {
    pages.forEach((q, j) => { q.hidden = i !== j; });
    check("page " + (i + 1) + ": ");
    const rows = p.querySelectorAll(".row").length;
    if (p.offsetHeight > board.clientHeight && rows > 1) bad.push("page " + (i + 1) + " taller than the board: " + p.offsetHeight + " > " + board.clientHeight);
  });
  pages.forEach((q, j) => { q.hidden = j !== shown; });
  return bad;
})()`

// lobbyScreen is a lobby page in Chromium.
type lobbyScreen struct {
	t   *testing.T
	ctx context.Context
	f   *fixture
}

func openLobby(t *testing.T, f *fixture, w, h int, query string) *lobbyScreen {
	t.Helper()
	ctx := browsertest.New(t, w, h)
	before := f.server.Hub.Len()
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/lobby"+query), chromedp.WaitVisible("#clock")); err != nil {
		t.Fatal(err)
	}
	f.waitSubscribed(t, before+1)
	return &lobbyScreen{t: t, ctx: ctx, f: f}
}

func (l *lobbyScreen) eval(js string) string {
	l.t.Helper()
	s, err := chromedp.Run(l.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		l.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

// waitFor polls a JS expression until it is true.
func (l *lobbyScreen) waitFor(what, js string) {
	l.t.Helper()
	browsertest.WaitJS(l.t, l.ctx, what, js)
}

// shot waits for the page's fade-in to end, then keeps a screenshot.
func (l *lobbyScreen) shot(name string) {
	l.t.Helper()
	l.waitFor("fade-in over", `[...document.querySelectorAll(".page:not([hidden])")].every((p) => p.getAnimations().every((a) => a.playState !== "running"))`)
	browsertest.Screenshot(l.t, l.ctx, name)
}

func (l *lobbyScreen) rowClass(id string) string {
	l.t.Helper()
	return l.eval(fmt.Sprintf(`(document.querySelector('.row[data-id=%q]') || {className: ""}).className`, id))
}

func (l *lobbyScreen) noOverflow(label string) {
	l.t.Helper()
	bad, err := chromedp.Run(l.ctx, chromedp.Evaluate[[]string](lobbyOverflowJS))
	if err != nil {
		l.t.Fatal(err)
	}
	for _, b := range bad {
		l.t.Errorf("%s: %s", label, b)
	}
}

// TestLobbyInBrowser shows the realistic day on both TV shapes in
// English, Arabic and Chinese at 14:20, when the 14:00 block is still
// "now" (its first 25 minutes) although the 14:15 meeting has begun.
// Nothing may scroll sideways on any page; screenshots are kept.
func TestLobbyInBrowser(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	f := newFixture(t)
	loadLobbyDay(t, f)
	for _, size := range []struct {
		name string
		w, h int
	}{{"landscape", 1920, 1080}, {"portrait", 1080, 1920}} {
		for _, lang := range []string{"en", "ar", "zh"} {
			t.Run(size.name+"-"+lang, func(t *testing.T) {
				l := openLobby(t, f, size.w, size.h, "?lang="+lang+"&at="+lobbyAt("14:20"))
				if got := l.eval(`document.documentElement.lang + " " + document.documentElement.dir`); lang == "ar" && got != "ar rtl" || lang != "ar" && got != lang+" ltr" {
					t.Errorf("html lang/dir = %q", got)
				}
				for _, id := range []string{"pm-wp1", "pm-q4", "mt"} {
					if got := l.rowClass(id); got != "row now" {
						t.Errorf("%s class = %q, want row now", id, got)
					}
				}
				if got := l.rowClass("pm-q10"); !strings.Contains(got, "cancelled") {
					t.Errorf("cancelled session class = %q", got)
				}
				if got := l.eval(`document.querySelector('.row[data-id="pm-q10"] .chip.cancelled').textContent`); got == "" {
					t.Errorf("cancelled session has no word")
				}
				if got := l.rowClass("am-q1"); got != "" {
					t.Errorf("ended session shown: %q", got)
				}
				if got := l.eval(`document.getElementById("clock").textContent`); got != "14:20" {
					t.Errorf("clock = %q, want the frozen 14:20", got)
				}
				// The highlighted rows are on the page shown first.
				if got := l.eval(`String(document.querySelector('.page:not([hidden]) .row.now[data-id="pm-wp1"]') !== null)`); got != "true" {
					t.Errorf("the now rows are not on the first page shown")
				}
				l.noOverflow(size.name + "-" + lang)
				l.shot("lobby-" + size.name + "-" + lang)
				pages := l.eval(`String(document.querySelectorAll(".page").length)`)
				t.Logf("%s %s: %s pages, pager %q", size.name, lang, pages, l.eval(`document.getElementById("pager").textContent`))
				if pages != "1" {
					if got := l.eval(`document.getElementById("pager").textContent`); !strings.HasPrefix(got, "1 / "+pages) {
						t.Errorf("pager = %q with %s pages", got, pages)
					}
					// Turn to the last page by hand (Page Up from the first) for the screenshot.
					if err := chromedp.Do(l.ctx, chromedp.KeyEvent(kb.PageUp)); err != nil {
						t.Fatal(err)
					}
					l.waitFor("last page", `document.getElementById("pager").textContent.startsWith("`+pages+` / `+pages+`")`)
					l.shot("lobby-" + size.name + "-" + lang + "-last-page")
				}
			})
		}
	}
}

// TestLobbyMoments walks through the day: the morning block, a meeting
// "in progress" after its first 25 minutes, the end of the day, a day
// without meetings, and the building filter, with a screenshot of each.
func TestLobbyMoments(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	f := newFixture(t)
	loadLobbyDay(t, f)
	l := openLobby(t, f, 1920, 1080, "?at="+lobbyAt("09:10"))
	if got := l.rowClass("am-q9"); got != "row now" {
		t.Errorf("09:10: Q9/12 class = %q", got)
	}
	if got := l.rowClass("lunch-fr"); got != "row next" {
		t.Errorf("09:10: lunch briefing class = %q", got)
	}
	l.noOverflow("09:10")
	l.shot("lobby-landscape-en-morning")
	// The board turns its pages by itself.
	if n := l.eval(`String(document.querySelectorAll(".page").length)`); n != "1" {
		l.waitForSlow("page 2 shown", `document.getElementById("pager").textContent.startsWith("2 / ")`, 15*time.Second)
		l.shot("lobby-landscape-en-morning-page-2")
	} else {
		t.Errorf("the morning fits one page: paging is not exercised")
	}

	for _, tc := range []struct{ name, query, check string }{
		{"in-progress", "?at=" + lobbyAt("14:45"), `document.querySelector('.row.running[data-id="pm-wp1"] .chip.running') !== null && document.querySelector('.row.now[data-id="mt"]') !== null`},
		{"ended", "?at=" + lobbyAt("20:00"), `document.querySelector(".empty").textContent === "Today's meetings have ended"`},
		{"no-meetings-ar", "?lang=ar&at=2026-11-24T10:00:00%2B01:00", `document.querySelector(".empty").textContent === "لا توجد اجتماعات اليوم"`},
		{"building-tower-portrait", "?building=Tower&at=" + lobbyAt("11:00"), `document.querySelectorAll(".row").length === 7 && !document.querySelector('.row[data-id="am-q9"]')`},
		{"other-day-zh", "?lang=zh&date=2026-11-23", `document.querySelector(".row.day") !== null && document.getElementById("date").textContent === "11月23日 星期一"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, h := 1920, 1080
			if strings.HasSuffix(tc.name, "portrait") {
				w, h = 1080, 1920
			}
			l := openLobby(t, f, w, h, tc.query)
			l.waitFor(tc.name, tc.check)
			l.noOverflow(tc.name)
			l.shot("lobby-" + tc.name)
		})
	}
}

func (l *lobbyScreen) waitForSlow(what, js string, d time.Duration) {
	l.t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, err := chromedp.Run(l.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("%s: %s still false after %s (err %v)", what, js, d, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLobbyLive changes the schedule under a running screen: a re-import
// that renames a session and moves another to a new room shows within
// seconds, the moved one marked "Room changed"; then the event stream
// dies and the screen keeps its board with a "reconnecting" badge.
func TestLobbyLive(t *testing.T) {
	f := newFixture(t)
	loadLobbyDay(t, f)
	l := openLobby(t, f, 1920, 1080, "?at="+lobbyAt("14:20"))
	// The page refetches when its stream opens; let that settle first.
	l.waitFor("first board", `document.querySelector('.row[data-id="pm-q4"]') !== null`)

	day := lobbyDay()
	for i := range day {
		switch day[i].ID {
		case "pm-wp1":
			day[i].Title = "Working Party 1/12 plenary — opening of the afternoon"
		case "pm-q4":
			day[i].Room, day[i].Building = "Room H", "Montbrillant" // moved
		}
	}
	day = append(day, kiosk.Session{ID: "late", Title: "Added late: ad hoc group on AI for QoE", Room: "Room C", Building: "Tower",
		Start: time.Date(2026, 11, 22, 16, 0, 0, 0, zurich), End: time.Date(2026, 11, 22, 17, 0, 0, 0, zurich), Groups: []string{"Q19/12"}, Status: "scheduled"})
	if err := f.db.ReplaceSchedule(context.Background(), kiosk.Schedule{Sessions: day}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	f.server.PublishSchedule()
	l.waitFor("renamed session", `document.getElementById("board").textContent.includes("opening of the afternoon")`)
	t.Logf("schedule change shown in %s", time.Since(start).Round(time.Millisecond))
	l.waitFor("added session", `document.querySelector('.row[data-id="late"]') !== null`)
	if got := l.rowClass("pm-q4"); got != "row now moved" {
		t.Errorf("moved session class = %q, want row now moved", got)
	}
	if got := l.eval(`document.querySelector('.row[data-id="pm-q4"] .room').textContent`); !strings.Contains(got, "Room H") || !strings.Contains(got, "Room B") {
		t.Errorf("moved session room = %q, want the new room and the old one struck", got)
	}
	if got := l.eval(`document.querySelector('.row[data-id="pm-q4"] .chip.moved').textContent`); got != "Room changed" {
		t.Errorf("moved chip = %q", got)
	}
	l.noOverflow("after change")
	l.shot("lobby-room-changed")

	// A screen opened after the move (a TV switched on later) knows of it
	// too: the kiosk marked the session moved_from at the import.
	fresh := openLobby(t, f, 1920, 1080, "?at="+lobbyAt("14:20"))
	fresh.waitFor("moved on a fresh screen", `document.querySelector('.row[data-id="pm-q4"] .chip.moved') !== null`)
	if got := fresh.eval(`document.querySelector('.row[data-id="pm-q4"] .room').textContent`); !strings.Contains(got, "Room B") {
		t.Errorf("fresh screen: moved session room = %q, want the old room shown struck", got)
	}

	// Network loss: the stream ends and cannot come back; the board stays.
	f.server.Hub.Close()
	l.waitFor("reconnecting badge", `!document.getElementById("offline").hidden`)
	if got := l.eval(`String(document.querySelectorAll(".row").length)`); got == "0" {
		t.Errorf("board emptied on network loss")
	}
	l.shot("lobby-reconnecting")
}

// TestLobbyRollsOver leaves a screen running over midnight: the date, the
// title and the sessions turn to the next day by themselves.
func TestLobbyRollsOver(t *testing.T) {
	f := newFixture(t)
	loadLobbyDay(t, f)
	f.run(time.Date(2026, 11, 22, 23, 59, 57, 0, zurich))
	l := openLobby(t, f, 1920, 1080, "")
	// Read together with the clock: on a loaded machine the page may come
	// up after midnight already, and then there is no "before" to check.
	if got := l.eval(`document.getElementById("clock").textContent + " " + document.getElementById("date").textContent`); strings.HasPrefix(got, "23:59 ") && got != "23:59 Sunday 22 November" {
		t.Errorf("clock and date before midnight = %q", got)
	} else if !strings.HasPrefix(got, "23:59 ") {
		t.Logf("the page came up at %q, after midnight", got)
	}
	l.waitFor("next day", `document.getElementById("date").textContent === "Monday 23 November" && document.querySelector('.row[data-id="mon-plen"]') !== null`)
	if got := l.rowClass("mon-plen"); got != "row next" {
		t.Errorf("after midnight the 09:30 plenary is %q, want row next", got)
	}
	if got := l.eval(`document.getElementById("clock").textContent`); got != "00:00" {
		t.Errorf("clock after midnight = %q", got)
	}
}

// TestLobbyAddressErrorInBrowser shows the page of a lobby address with an
// unknown building on a TV, in Arabic: it says what is wrong, in contrast
// enough to read, and nothing runs off the screen.
func TestLobbyAddressErrorInBrowser(t *testing.T) {
	f := newFixture(t)
	ctx := browsertest.New(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/lobby?building=%D8%A7%D9%84%D9%85%D8%A8%D9%86%D9%89%20%D8%A7%D9%84%D8%B4%D8%B1%D9%82%D9%8A&date=2026-11-31&lang=ar"), chromedp.WaitVisible("#problems")); err != nil {
		t.Fatal(err)
	}
	got := browsertest.Text(t, ctx, "#problems")
	for _, want := range []string{"ليس تاريخاً", "لا يوجد مبنى باسم", "المبنى الشرقي"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems = %q, want %q in it", got, want)
		}
	}
	for _, p := range browsertest.ContrastProblems(t, ctx) {
		t.Errorf("contrast: %s", p)
	}
	(&lobbyScreen{t: t, ctx: ctx, f: f}).noOverflow("error page")
	browsertest.Screenshot(t, ctx, "lobby-error-ar")
}

// TestLobbyGroupsNotRepeated: a title that already begins with its group
// ("Q3/12: Speech…" in Q3/12, as ITU schedules and the demo have them) is
// shown without the group before it, by the server's page and by lobby.js;
// other groups stay.
func TestLobbyGroupsNotRepeated(t *testing.T) {
	f := newFixture(t)
	start := time.Date(2026, 11, 22, 14, 0, 0, 0, zurich)
	if err := f.db.ReplaceSchedule(context.Background(), kiosk.Schedule{Sessions: []kiosk.Session{
		{ID: "q3", Title: "Q3/12: Speech transmission characteristics of terminals", Room: "Popov Room", Start: start, End: start.Add(time.Hour), Groups: []string{"Q3/12", "Q14/12"}, Status: "scheduled"},
		{ID: "wp1", Title: "wp1/12 plenary", Room: "Room B", Start: start, End: start.Add(time.Hour), Groups: []string{"WP1/12"}, Status: "scheduled"},
		{ID: "mt", Title: "SG12 management team meeting", Room: "Room K", Start: start, End: start.Add(time.Hour), Groups: []string{"SG12-MT"}, Status: "scheduled"},
		{ID: "q31", Title: "Q3/123 is not Q3/12", Room: "Room L", Start: start, End: start.Add(time.Hour), Groups: []string{"Q3/12"}, Status: "scheduled"},
	}}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"q3": "Q14/12", "wp1": "", "mt": "SG12-MT", "q31": "Q3/12"}

	body, _ := getBody(t, f.url+"/lobby?at="+lobbyAt("14:10"))
	for id, groups := range want {
		row := regexp.MustCompile(`data-id="` + id + `"[^\n]*?</li>`).FindString(body)
		got := ""
		if m := regexp.MustCompile(`<bdi class="groups" dir="ltr">([^<]*)</bdi>`).FindStringSubmatch(row); m != nil {
			got = m[1]
		}
		if row == "" || got != groups {
			t.Errorf("server page: row %s shows groups %q, want %q (row %q)", id, got, groups, row)
		}
	}

	l := openLobby(t, f, 1920, 1080, "?at="+lobbyAt("14:10"))
	for id, groups := range want {
		got := l.eval(`(() => { const g = document.querySelector('.row[data-id="` + id + `"] .groups'); return g ? g.textContent : ""; })()`)
		if got != groups {
			t.Errorf("lobby.js: row %s shows groups %q, want %q", id, got, groups)
		}
	}
}
