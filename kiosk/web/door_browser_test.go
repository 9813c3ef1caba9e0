package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/web"
	"checkin/kiosk/web/browsertest"
)

// doorScreen is a room-door page in Chromium.
type doorScreen struct {
	t   *testing.T
	ctx context.Context
	f   *fixture
}

func openDoor(t *testing.T, f *fixture, w, h int, query string) *doorScreen {
	t.Helper()
	ctx := browsertest.New(t, w, h)
	d := &doorScreen{t: t, ctx: ctx, f: f}
	before := f.server.Hub.Len()
	d.navigate(query)
	f.waitSubscribed(t, before+1)
	return d
}

// navigate opens the door page at query and waits until it shows the
// room.
func (d *doorScreen) navigate(query string) {
	d.t.Helper()
	if err := chromedp.Do(d.ctx, chromedp.Navigate(d.f.url+"/door"+query), chromedp.WaitVisible("#room-name")); err != nil {
		d.t.Fatal(err)
	}
	// Every result shown is recorded, so that a test can tell what the
	// screen never showed.
	d.eval(`(() => {
  window.shown = [];
  const rec = () => window.shown.push(document.getElementById("headline").textContent + "|" + document.getElementById("name").textContent);
  new MutationObserver(rec).observe(document.getElementById("result"), { subtree: true, childList: true, characterData: true });
  return "";
})()`)
}

func (d *doorScreen) eval(js string) string {
	d.t.Helper()
	s, err := chromedp.Run(d.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		d.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

func (d *doorScreen) text(id string) string {
	d.t.Helper()
	return d.eval(`document.getElementById(` + fmt.Sprintf("%q", id) + `).textContent`)
}

// expect checks the text of the element with id now.
func (d *doorScreen) expect(id, want string) {
	d.t.Helper()
	if got := d.text(id); got != want {
		d.t.Errorf("#%s = %q, want %q", id, got, want)
	}
}

// waitText waits until the element with id says want.
func (d *doorScreen) waitText(id, want string) {
	d.t.Helper()
	browsertest.WaitJS(d.t, d.ctx, "#"+id+" = "+want, `document.getElementById(`+fmt.Sprintf("%q", id)+`).textContent === `+fmt.Sprintf("%q", want))
}

// doorFitJS lists what does not fit: the panel shown reaching past main or
// the window, a document wider than the window, and the texts that are
// not to be cut (room, session, seats, headline, name, the way to go)
// clipped or spilling.
const doorFitJS = `(() => {
  const bad = [];
  const main = document.querySelector("main").getBoundingClientRect();
  for (const p of document.querySelectorAll(".panel:not([hidden])")) {
    const r = p.getBoundingClientRect();
    if (r.top < main.top - 1 || r.bottom > main.bottom + 1 || r.bottom > innerHeight) bad.push(p.id + " runs past main: " + Math.round(r.top) + "–" + Math.round(r.bottom) + " in " + Math.round(main.top) + "–" + Math.round(main.bottom));
  }
  if (document.documentElement.scrollWidth > innerWidth) bad.push("document " + document.documentElement.scrollWidth + " > " + innerWidth);
  for (const id of ["room-name", "now-title", "now-head", "seats-pill", "overflow", "prompt-line", "headline", "name", "action", "where", "session-list"]) {
    const e = document.getElementById(id) || document.querySelector("." + id);
    if (!e || e.offsetParent === null || e.closest("[hidden]")) continue;
    const r = e.getBoundingClientRect();
    // Clipped: text cut off by a box that hides its overflow (a line
    // more than shown, or wider). Glyphs reaching a little past their
    // line box are not a cut line.
    const cs = getComputedStyle(e);
    const slack = parseFloat(cs.fontSize) * 0.4;
    if (cs.overflow !== "visible" && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + slack)) bad.push(id + " clipped: " + e.scrollWidth + "×" + e.scrollHeight + " in " + e.clientWidth + "×" + e.clientHeight);
    if (r.left < -1 || r.right > innerWidth + 1) bad.push(id + " spills: " + Math.round(r.left) + "–" + Math.round(r.right));
  }
  for (const e of document.querySelectorAll("#session-list .title, #session-list .room")) {
    if (e.scrollWidth > e.clientWidth + 1) bad.push("session " + e.className + " cut: " + JSON.stringify(e.textContent));
  }
  return bad;
})()`

func (d *doorScreen) fits(label string) {
	d.t.Helper()
	bad, err := chromedp.Run(d.ctx, chromedp.Evaluate[[]string](doorFitJS))
	if err != nil {
		d.t.Fatal(err)
	}
	for _, b := range bad {
		d.t.Errorf("%s: %s", label, b)
	}
	for _, p := range browsertest.ContrastProblems(d.t, d.ctx) {
		d.t.Errorf("%s: contrast: %s", label, p)
	}
}

// TestDoorScreenInBrowser drives the door screen of Room K (capacity 3,
// overflow Popov Room; Q9/12 runs there 09:00–12:30 and the kiosk's clock
// is 10:00): the room and its session with the seats left, a welcome for
// an accepted tap at its door while taps at the entrance and at another
// room are ignored, Full and the overflow room once three are in, a
// goodbye, the next session of a delegate who is not in the session's
// groups, the desk for an unknown badge, and the return to the room.
func TestDoorScreenInBrowser(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	f := newFixture(t)
	q := seedRoomDoors(t, f, 3, "en")
	d := openDoor(t, f, 1920, 1080, "?room=Room%20K")
	if got := d.eval(`document.documentElement.lang + " " + document.documentElement.dir + " " + document.body.className`); got != "en ltr idle" {
		t.Errorf("html lang, dir and body class = %q", got)
	}
	d.expect("room-name", "Room K")
	d.expect("place", "Varembé · Floor 2")
	d.expect("now-label", "Now")
	d.expect("now-time", "09:00–12:30")
	d.expect("now-title", "Q9/12")
	d.expect("seats-text", "3 seats left")
	d.expect("clock", "10:00")
	d.expect("prompt", "Tap your badge")
	d.fits("idle")
	browsertest.Screenshot(t, d.ctx, "door-test-idle")

	// Taps at the entrance and at another room's door are not this door's.
	if res := tapAt(t, f, "0A0B0C0D0E", "", "in"); res.Result != kiosk.ResultAccepted {
		t.Fatalf("entrance tap: %+v", res)
	}
	if res := tapAt(t, f, q[0], "Popov Room", "in"); res.Reason != kiosk.ReasonNoSessionNow {
		t.Fatalf("tap at Popov Room: %+v", res)
	}
	if res := tapAt(t, f, q[1], "Room K", "in"); res.Result != kiosk.ResultAccepted || res.Session == nil || res.Session.ID != "s2" {
		t.Fatalf("tap at Room K: %+v", res)
	}
	browsertest.WaitJS(t, d.ctx, "welcome", `document.body.className === "accepted"`)
	d.expect("headline", "Welcome")
	d.expect("name", "Bruno Costa")
	d.expect("org", "SwisscomDelegate")
	d.expect("mark", "✓")
	d.expect("sessions-title", "You are checked in to")
	if got := d.text("session-list"); !strings.Contains(got, "09:00–12:30") || !strings.Contains(got, "Q9/12") {
		t.Errorf("session entered = %q", got)
	}
	if got := d.eval(`window.shown.join(" / ")`); strings.Contains(got, "Jürgen") || strings.Contains(got, "Amina") || strings.Contains(got, "recognise") || strings.Contains(got, "No session") {
		t.Errorf("the door screen showed taps of the entrance or another room: %s", got)
	}
	d.waitText("seats-text", "2 seats left") // the room under the result is live too
	d.fits("welcome")
	browsertest.Screenshot(t, d.ctx, "door-test-welcome")

	// Two more fill the room: the room says Full and where to go instead;
	// the next one is refused and sent to the overflow room.
	for _, b := range q[2:4] {
		if res := tapAt(t, f, b, "Room K", "in"); res.Result != kiosk.ResultAccepted {
			t.Fatalf("tap %s: %+v", b, res)
		}
	}
	d.waitText("seats-text", "Full")
	d.expect("seats-mark", "✕")
	d.expect("overflow", "Overflow room: Popov Room")
	if res := tapAt(t, f, q[4], "Room K", "in"); res.Reason != kiosk.ReasonRoomFull || res.Instead == nil || res.Instead.Overflow != "Popov Room" {
		t.Fatalf("fourth tap: %+v, want room_full with the overflow room", res)
	}
	browsertest.WaitJS(t, d.ctx, "refused", `document.body.className === "rejected"`)
	d.waitText("name", "Eva Lindqvist")
	d.expect("headline", "This room is full")
	d.expect("action", "Please go to the overflow room")
	d.expect("where", "Popov Room")
	d.expect("mark", "✕")
	d.fits("room full")
	browsertest.Screenshot(t, d.ctx, "door-test-full")

	// Leaving: goodbye, and a seat is free again.
	if res := tapAt(t, f, q[1], "Room K", "out"); res.Result != kiosk.ResultAccepted {
		t.Fatalf("out: %+v", res)
	}
	browsertest.WaitJS(t, d.ctx, "goodbye", `document.getElementById("headline").textContent === "Goodbye"`)
	d.expect("name", "Bruno Costa")
	if got := d.eval(`String(document.getElementById("sessions").hidden)`); got != "true" {
		t.Errorf("a goodbye lists a session")
	}
	d.waitText("seats-text", "1 seat left")

	// Not in the session's groups: where the delegate's own session is.
	if res := tapAt(t, f, "0A0B0C0D0E", "Room K", "in"); res.Reason != kiosk.ReasonNotInSessionGroups || res.Instead == nil || res.Instead.Next == nil || res.Instead.Next.ID != "s1" {
		t.Fatalf("D1 at Room K: %+v, want not_in_session_groups with the next session", res)
	}
	d.waitText("headline", "This session is not on your programme")
	d.expect("name", "Jürgen Müller")
	d.expect("action", "")
	d.expect("sessions-title", "Your next session")
	if got := d.text("session-list"); !strings.Contains(got, "14:00–17:30") || !strings.Contains(got, "WP1/12 plenary") || !strings.Contains(got, "Popov Room") {
		t.Errorf("next session = %q", got)
	}
	d.fits("next session")
	browsertest.Screenshot(t, d.ctx, "door-test-not-in-groups")

	// An unknown badge goes to the desk, as at the entrance.
	if res := tapAt(t, f, "DEADBEEF", "Room K", "in"); res.Reason != kiosk.ReasonUnknownBadge {
		t.Fatalf("unknown badge: %+v", res)
	}
	d.waitText("headline", "We don't recognise this badge")
	d.expect("name", "")
	d.expect("action", "Please go to the registration desk")

	// Back to the room by itself once the refusal has been shown (9 s).
	time.Sleep(5 * time.Second)
	browsertest.WaitJS(t, d.ctx, "back to idle", `document.body.className === "idle" && !document.getElementById("idle").hidden`)
	d.expect("seats-text", "1 seat left")
}

// TestDoorScreenKeepsUp: the session shown follows the schedule (an
// `event: schedule` re-reads the room) and a room whose sessions are over
// says so.
func TestDoorScreenKeepsUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	seedRoomDoors(t, f, 0, "en")
	d := openDoor(t, f, 1366, 768, "?room=Room%20K")
	d.expect("now-title", "Q9/12")
	if got := d.eval(`String(document.getElementById("seats").hidden)`); got != "true" {
		t.Errorf("a room without capacity shows seats: %q", d.text("seats"))
	}

	day := []kiosk.Session{
		{ID: "k1", Title: "Q9/12 — video quality models", Room: "Room K", Start: time.Date(2026, 11, 22, 9, 30, 0, 0, zurich), End: time.Date(2026, 11, 22, 11, 0, 0, 0, zurich), Groups: []string{"Q9/12"}, Status: "scheduled"},
		{ID: "k2", Title: "Q14/12 drafting", Room: "Room K", Start: time.Date(2026, 11, 22, 11, 30, 0, 0, zurich), End: time.Date(2026, 11, 22, 12, 30, 0, 0, zurich), Groups: []string{"Q14/12"}, Status: "scheduled"},
	}
	if err := f.db.ReplaceSchedule(context.Background(), kiosk.Schedule{Sessions: day}); err != nil {
		t.Fatal(err)
	}
	f.server.PublishSchedule()
	d.waitText("now-title", "Q9/12 — video quality models")
	d.expect("now-time", "09:30–11:00")

	// Between two sessions the door shows the next one.
	later := time.Date(2026, 11, 22, 11, 5, 0, 0, zurich)
	f.now.Store(&later)
	f.server.PublishSchedule()
	d.waitText("now-title", "Q14/12 drafting")
	d.expect("now-label", "Next")

	// After the last one, the day is over in this room.
	evening := time.Date(2026, 11, 22, 18, 0, 0, 0, zurich)
	f.now.Store(&evening)
	f.server.PublishSchedule()
	d.waitText("now-label", "No more sessions in this room today")
	d.expect("now-title", "")
	d.fits("day over")
}

// TestDoorScreenshots shows the door screen on both screen shapes in
// English, Arabic and Chinese, with delegates of those languages: the
// room with one seat left, a welcome, a refusal to the overflow room, a
// delegate sent to their next session, and the room when full. Nothing
// may be clipped or run off the screen; screenshots are kept.
func TestDoorScreenshots(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	cats, err := web.LoadCatalogs(assets.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"landscape", 1920, 1080}, {"portrait", 1080, 1920}} {
		for _, lang := range []string{"en", "ar", "zh"} {
			t.Run(size.name+"-"+lang, func(t *testing.T) {
				msg := func(key string) string { return cats[lang][key] }
				f := newFixture(t)
				q := seedRoomDoors(t, f, 3, lang)
				// A title as long as schedules have them.
				if err := f.db.ReplaceSchedule(context.Background(), kiosk.Schedule{Sessions: []kiosk.Session{
					{ID: "s1", Title: "WP1/12 plenary", Room: "Popov Room", Building: "Tower", Start: time.Date(2026, 11, 22, 14, 0, 0, 0, zurich), End: time.Date(2026, 11, 22, 17, 30, 0, 0, zurich), Groups: []string{"WP1/12"}, Status: "scheduled"},
					{ID: "s2", Title: doorTitles[lang], Room: "Room K", Building: "Varembé", Start: time.Date(2026, 11, 22, 9, 0, 0, 0, zurich), End: time.Date(2026, 11, 22, 12, 30, 0, 0, zurich), Groups: []string{"Q9/12"}, Status: "scheduled"},
				}}); err != nil {
					t.Fatal(err)
				}
				for _, b := range q[:2] {
					tapAt(t, f, b, "Room K", "in")
				}
				d := openDoor(t, f, size.w, size.h, "?room=Room%20K&lang="+lang)
				name := "door-" + size.name + "-" + lang
				dir := map[bool]string{true: "rtl", false: "ltr"}[lang == "ar"]
				if got := d.eval(`document.documentElement.lang + " " + document.documentElement.dir`); got != lang+" "+dir {
					t.Errorf("html lang dir = %q", got)
				}
				d.expect("seats-text", strings.ReplaceAll(msg("seats.left.one"), "{n}", "1"))
				d.expect("now-label", msg("door.now"))
				d.fits("idle")
				browsertest.Screenshot(t, d.ctx, name+"-idle")

				tapAt(t, f, q[2], "Room K", "in")
				d.waitText("headline", msg("entrance.welcome_first"))
				if got := d.eval(`document.documentElement.lang + " " + document.documentElement.dir`); got != lang+" "+dir {
					t.Errorf("html lang dir under a result = %q", got)
				}
				d.fits("welcome")
				browsertest.Screenshot(t, d.ctx, name+"-welcome")

				tapAt(t, f, q[3], "Room K", "in")
				d.waitText("headline", msg("reason.room_full"))
				d.expect("action", msg("door.go_overflow"))
				d.expect("where", "Popov Room")
				d.fits("room full")
				browsertest.Screenshot(t, d.ctx, name+"-full")

				tapAt(t, f, "0A0B0C0D0E", "Room K", "in")
				d.waitText("headline", msg("reason.not_in_session_groups"))
				d.expect("sessions-title", msg("door.your_next"))
				d.fits("next session")
				browsertest.Screenshot(t, d.ctx, name+"-next")

				// A screen switched on now shows the room full (no tap follows:
				// its stream need not be up).
				d.navigate("?room=Room%20K&lang=" + lang)
				d.expect("seats-text", msg("seats.full"))
				d.expect("overflow", strings.ReplaceAll(msg("door.overflow"), "{room}", "Popov Room"))
				d.fits("idle full")
				browsertest.Screenshot(t, d.ctx, name+"-idle-full")
			})
		}
	}
}

// doorTitles are session titles of a realistic length in each language.
var doorTitles = map[string]string{
	"en": "Q9/12: Perceptual-based objective methods for voice, audio and visual quality",
	"ar": "المسألة 9/12: طرائق موضوعية قائمة على الإدراك لقياس جودة الصوت والصورة",
	"zh": "第9/12号课题：基于感知的语音、音频和视频质量客观评估方法",
}

// TestDoorAddressErrorInBrowser: a door screen opened at a room the kiosk
// does not know says so, legibly, with the rooms there are.
func TestDoorAddressErrorInBrowser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	seedRoomDoors(t, f, 3, "en")
	ctx := browsertest.New(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/door?room=Salle%20Z&lang=ar"), chromedp.WaitVisible("#problems")); err != nil {
		t.Fatal(err)
	}
	if got := browsertest.Text(t, ctx, "#title"); got != "لا توجد قاعة بهذا الاسم" {
		t.Errorf("title = %q", got)
	}
	if got := browsertest.Text(t, ctx, "#rooms"); !strings.Contains(got, "Room K") || !strings.Contains(got, "Popov Room") {
		t.Errorf("rooms = %q", got)
	}
	for _, p := range browsertest.ContrastProblems(t, ctx) {
		t.Errorf("contrast: %s", p)
	}
	browsertest.Screenshot(t, ctx, "door-unknown-room-ar")
}
