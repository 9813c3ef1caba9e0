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

// i18nOverflowJS lists what spills sideways on the page: any element that
// clips or scrolls horizontally yet is wider inside than out (text cut
// off, a scroll bar), any element reaching past the window's edges, and
// the page itself scrolling sideways. Hidden and visually-hidden (1 px)
// elements do not count.
const i18nOverflowJS = `(() => {
  const bad = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") +
    " «" + (el.textContent || "").trim().slice(0, 60) + "»";
  for (const el of document.querySelectorAll("body *")) {
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden" || el.getClientRects().length === 0) continue;
    if (el.clientWidth <= 1 && el.clientHeight <= 1) continue;
    if (el.closest("dialog:not([open]), details:not([open]) > :not(summary)")) continue;
    if (cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) {
      bad.push(name(el) + ": scrollWidth " + el.scrollWidth + " > clientWidth " + el.clientWidth);
    }
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > innerWidth + 1 || r.left < -1)) {
      bad.push(name(el) + ": spans " + Math.round(r.left) + "…" + Math.round(r.right) + " of a " + innerWidth + " px window");
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > innerWidth) bad.push("the page scrolls sideways: " + doc.scrollWidth + " > " + innerWidth);
  return bad;
})()`

// i18nRoster is the fixture's roster plus delegates whose language (and
// script) is each of the others, so that a tap shows their welcome.
func i18nRoster(t *testing.T, f *fixture) {
	t.Helper()
	g := []string{"WP1/12"}
	if _, err := f.db.ReplaceRoster(context.Background(), []kiosk.Delegate{
		{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Organization: "BNetzA", Country: "DE", Role: "head", Status: "registered", Language: "en", Groups: g, Badges: []string{"0A0B0C0D0E"}, Email: "j.mueller@example.org"},
		{ID: "D2", FamilyName: "Cancelled", GivenName: "Carla", Role: "delegate", Status: "cancelled", Language: "fr", Badges: []string{"2222222222"}},
		{ID: "D3", FamilyName: "العلي", GivenName: "فاطمة", Organization: "هيئة تنظيم الاتصالات والحكومة الرقمية", Country: "AE", Role: "head", Status: "confirmed", Language: "ar", Groups: g, Badges: []string{"0A0A0A0A03"}, Email: "f.alali@example.org"},
		{ID: "D4", FamilyName: "王", GivenName: "小明", Organization: "中华人民共和国工业和信息化部", Country: "CN", Role: "deputy_head", Status: "registered", Language: "zh", Groups: g, Badges: []string{"0A0A0A0A04"}},
		{ID: "D5", FamilyName: "Иванова", GivenName: "Мария", Organization: "Министерство цифрового развития, связи и массовых коммуникаций", Country: "RU", Role: "delegate", Status: "registered", Language: "ru", Groups: g, Badges: []string{"0A0A0A0A05"}},
		{ID: "D6", FamilyName: "García López", GivenName: "María José", Organization: "Ministerio para la Transformación Digital y de la Función Pública", Country: "ES", Role: "secretariat", Status: "registered", Language: "es", Groups: g, Badges: []string{"0A0A0A0A06"}},
	}); err != nil {
		t.Fatal(err)
	}
}

// i18nPage wraps a browser tab for the language tests.
type i18nPage struct {
	t   *testing.T
	ctx context.Context
}

func (p i18nPage) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

func (p i18nPage) str(expr string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
	return s
}

// waitJS waits until expr is true.
func (p i18nPage) waitJS(expr string) {
	p.t.Helper()
	browsertest.WaitJS(p.t, p.ctx, "wait", expr)
}

// waitText waits until the text of sel contains want.
func (p i18nPage) waitText(sel, want string) string {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := chromedp.Run(p.ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err == nil && strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("text of %s = %q (err %v), want it to contain %q", sel, got, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkLang checks <html lang dir>.
func (p i18nPage) checkLang(where, lang string) {
	p.t.Helper()
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	if got := p.str(`document.documentElement.lang + " " + document.documentElement.dir`); got != lang+" "+dir {
		p.t.Errorf("%s: <html lang dir> = %q, want %q", where, got, lang+" "+dir)
	}
}

// checkNoOverflow fails on anything that spills sideways (i18nOverflowJS).
func (p i18nPage) checkNoOverflow(where string) {
	p.t.Helper()
	bad, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](i18nOverflowJS))
	if err != nil {
		p.t.Fatalf("%s: overflow check: %v", where, err)
	}
	for _, b := range bad {
		p.t.Errorf("%s: %s", where, b)
	}
}

// checkSide checks that the search column is on the start side of the
// page: on the left in a left-to-right language, on the right in Arabic.
func (p i18nPage) checkSide(where, lang string) {
	p.t.Helper()
	got := p.str(`(() => {
	  const s = document.querySelector(".search-col").getBoundingClientRect();
	  const c = document.querySelector(".card-col").getBoundingClientRect();
	  const b = document.querySelector(".staff-top .brand").getBoundingClientRect();
	  const o = document.querySelector('[data-testid="logout"]').getBoundingClientRect();
	  const side = (r) => (r.left + r.right) / 2 < innerWidth / 2 ? "left" : "right";
	  return [s.left < c.left ? "left" : "right", side(b), side(o), s.right >= innerWidth - 1 ? "edge" : s.left <= 1 ? "edge" : "inside"].join(" ");
	})()`)
	want := "left left right edge" // search, brand, log out
	if lang == "ar" {
		want = "right right left edge"
	}
	if got != want {
		p.t.Errorf("%s: search column, brand and log out are on the %q, want %q", where, got, want)
	}
}

// TestStaffScreensInLanguages signs in and walks the staff screens (login,
// desk with a card open, dashboard, audit) in the six languages at both
// screen sizes: <html lang dir>, nothing spilling sideways, the Arabic
// layout mirrored (search on the right). Arabic and Chinese screens are
// kept as screenshots.
func TestStaffScreensInLanguages(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	cats, err := web.LoadCatalogs(assets.FS())
	if err != nil {
		t.Fatal(err)
	}
	sizes := []struct{ w, h int }{{1366, 768}, {1920, 1080}}
	for si, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			f := staffFixture(t)
			i18nRoster(t, f)
			// Some arrivals for the dashboard, and a refusal.
			for _, uid := range []string{"0A0B0C0D0E", "0A0A0A0A03", "0A0A0A0A04", "0A0A0A0A05", "0A0A0A0A06", "2222222222", "DEADBEEF"} {
				post(t, f.url+"/api/taps", `{"uid":"`+uid+`"}`)
			}
			p := i18nPage{t: t, ctx: browsertest.New(t, size.w, size.h)}
			shot := func(name, lang string) {
				// Arabic and Chinese, and the longest words (Russian) at the desk.
				if lang == "ar" || lang == "zh" || (lang == "ru" && name == "desk") {
					browsertest.Screenshot(t, p.ctx, fmt.Sprintf("staff-%s-%s-%dx%d", name, lang, size.w, size.h))
				}
			}

			// Signed out: the login form in every language.
			for _, lang := range kiosk.Languages {
				where := "login " + lang
				p.do(chromedp.Navigate(f.url+"/login?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`[data-testid="username"]`)))
				p.checkLang(where, lang)
				if got, want := p.str(`document.querySelector(".login-card h1").textContent`), cats[lang]["login.title"]; got != want {
					t.Errorf("%s: heading %q, want %q", where, got, want)
				}
				p.checkNoOverflow(where)
				shot("login", lang)
			}

			// The language is remembered through the sign-in (cookie).
			p.do(chromedp.Navigate(f.url+"/login?lang=ar"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="username"]`)),
				chromedp.SendKeys(chromedp.CSS(`[data-testid="username"]`), "ada"),
				chromedp.SendKeys(chromedp.CSS(`[data-testid="password"]`), "admin password 1\r"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="search"]`)))
			p.checkLang("desk after an Arabic sign-in", "ar")

			// The card open at the desk: a delegate of the page's language
			// where the roster has one.
			type shown struct{ id, name string }
			cards := map[string]shown{"ar": {"D3", "فاطمة العلي"}, "zh": {"D4", "王小明"}, "ru": {"D5", "Мария Иванова"}}
			for li, lang := range kiosk.Languages {
				card, ok := cards[lang]
				if !ok {
					card.id, card.name = "D1", "Jürgen Müller"
				}
				where := "desk " + lang
				p.do(chromedp.Navigate(f.url+"/desk?lang="+lang+"#"+card.id), chromedp.WaitVisible(chromedp.CSS(`[data-testid="card"]`)))
				p.waitText(`[data-testid="card-name"]`, card.name)
				p.checkLang(where, lang)
				p.checkSide(where, lang)
				// Every delegate in the list (all ids start with D).
				p.do(chromedp.SendKeys(chromedp.CSS(`[data-testid="search"]`), "d"))
				p.waitJS(`document.querySelectorAll('[data-testid="result"]').length === 6`)
				p.waitText(`[data-testid="total"]`, "6")
				// Bind a badge: a message with a name and a UID inside a
				// sentence of the page's language.
				uid := fmt.Sprintf("04AB%02X%02X11", si, li)
				p.do(chromedp.Click(chromedp.CSS(`[data-testid="bind"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="bind-uid"]`)),
					chromedp.SendKeys(chromedp.CSS(`[data-testid="bind-uid"]`), uid+"\r"))
				p.waitJS(`document.querySelector('[data-testid="bind-status"]').matches(".flash.ok:not([hidden])")`)
				status := p.waitText(`[data-testid="bind-status"]`, uid)
				if !strings.Contains(status, card.name) {
					t.Errorf("%s: bind status %q does not name %s", where, status, card.name)
				}
				if want := strings.SplitN(cats[lang]["desk.bound"], " ", 2)[0]; !strings.Contains(status, want) {
					t.Errorf("%s: bind status %q is not in the page's language (want %q)", where, status, want)
				}
				p.waitText(`[data-testid="badges"]`, uid)
				if lang == "ar" {
					if got := p.str(`getComputedStyle(document.querySelector(".card-name")).textAlign`); got != "right" {
						t.Errorf("%s: card name aligned %s, want right", where, got)
					}
				}
				p.checkNoOverflow(where)
				shot("desk", lang)

				where = "dashboard " + lang
				p.do(chromedp.Navigate(f.url+"/desk/dashboard?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`[data-testid="arrivals"]`)))
				p.waitJS(`document.getElementById("updated").textContent !== ` + jsString(cats[lang]["dash.loading"]))
				p.waitText(`[data-testid="arrivals"]`, "5")
				// A tap seen live (the page may take a moment to subscribe).
				p.waitJS(`document.querySelector('[data-testid="live"]').dataset.state === "live"`)
				for try := 0; ; try++ {
					post(t, f.url+"/api/taps", `{"uid":"0A0A0A0A0`+fmt.Sprint(3+li%4)+`"}`)
					ok, _ := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.querySelectorAll('[data-testid="recent-tap"]').length > 0`, chromedp.WithPollingTimeout(2*time.Second)))
					if ok {
						break
					}
					if try == 2 {
						t.Fatalf("%s: a tap never reached the latest taps", where)
					}
				}
				p.checkLang(where, lang)
				p.checkNoOverflow(where)
				shot("dashboard", lang)

				where = "audit " + lang
				p.do(chromedp.Navigate(f.url+"/desk/audit?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit"]`)))
				p.checkLang(where, lang)
				if got, want := p.str(`document.querySelector(".page h1").textContent`), cats[lang]["audit.title"]; got != want {
					t.Errorf("%s: heading %q, want %q", where, got, want)
				}
				p.checkNoOverflow(where)
				shot("audit", lang)
			}

			// The language menu opens and offers the six languages, each
			// named in itself.
			p.do(chromedp.Navigate(f.url+"/desk?lang=zh"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="search"]`)),
				chromedp.Click(chromedp.CSS(`[data-testid="lang-switch"] summary`)))
			if got := p.str(`[...document.querySelectorAll('[data-testid="lang-switch"] a')].map((a) => a.textContent + "=" + a.getAttribute("href")).join(" ")`); got != "English=?lang=en Français=?lang=fr Español=?lang=es العربية=?lang=ar 中文=?lang=zh Русский=?lang=ru" {
				t.Errorf("language menu = %q", got)
			}
			p.checkNoOverflow("desk zh, language menu open")
			shot("desk-langs", "zh")
		})
	}
}

// i18nOneStream waits until the page just opened is the only one on the
// event stream (the previous tab's stream has closed), so that the next
// tap reaches it.
func i18nOneStream(t *testing.T, f *fixture) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.server.Hub.Len() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages on the event stream, want 1", f.server.Hub.Len())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// jsString quotes s for a script.
func jsString(s string) string {
	return fmt.Sprintf("%q", s)
}

// TestEntranceInLanguages: the entrance speaks the screen's language while
// idle and each delegate's own language on their tap, mirrored for Arabic
// (the time of a session on the right), without spilling sideways.
func TestEntranceInLanguages(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	cats, err := web.LoadCatalogs(assets.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct{ w, h int }{{1920, 1080}, {1366, 768}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			f := newFixture(t)
			i18nRoster(t, f)
			browser := browsertest.New(t, size.w, size.h)
			p := i18nPage{t: t}
			// open shows a screen in a tab of its own, the previous tab
			// closed: a page left by navigating keeps its event stream
			// open for a while (Chromium's back-forward cache), and the
			// next tap must reach the screen on show.
			closeTab := func() {}
			open := func(url string) {
				t.Helper()
				closeTab()
				ctx, cancel := chromedp.NewContext(browser)
				p.ctx, closeTab = ctx, cancel
				p.do(chromedp.EmulateViewport(int64(size.w), int64(size.h)), chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#idle h1")))
				i18nOneStream(t, f)
			}
			t.Cleanup(func() { closeTab() })
			shot := func(name string) {
				browsertest.Screenshot(t, p.ctx, fmt.Sprintf("entrance-%s-%dx%d", name, size.w, size.h))
			}
			welcome := func(where, lang, key, name string) {
				t.Helper()
				p.waitJS(`document.body.className === "accepted" && document.getElementById("name").textContent === ` + jsString(name))
				p.checkLang(where, lang)
				if got, want := p.str(`document.getElementById("headline").textContent`), cats[lang][key]; got != want {
					t.Errorf("%s: headline %q, want %q", where, got, want)
				}
				if got, want := p.str(`document.getElementById("sessions-title").textContent`), cats[lang]["entrance.sessions_today"]; got != want {
					t.Errorf("%s: sessions title %q, want %q", where, got, want)
				}
				// The session line mirrors: time at the start, room at the end.
				got := p.str(`(() => {
				  const li = document.querySelector("#session-list li");
				  if (!li) return "no session";
				  const t = li.querySelector(".time").getBoundingClientRect(), r = li.querySelector(".room").getBoundingClientRect();
				  return t.left < r.left ? "time left" : "time right";
				})()`)
				if want := map[bool]string{true: "time right", false: "time left"}[lang == "ar"]; got != want {
					t.Errorf("%s: session line has its %s, want %s", where, got, want)
				}
				p.checkNoOverflow(where)
			}

			for _, lang := range []string{"ar", "zh"} {
				where := "entrance " + lang + " idle"
				open(f.url + "/?lang=" + lang)
				p.checkLang(where, lang)
				if got, want := p.str(`document.getElementById("prompt").textContent`), cats[lang]["entrance.tap"]; got != want {
					t.Errorf("%s: prompt %q, want %q", where, got, want)
				}
				p.checkNoOverflow(where)
				shot("idle-" + lang)
			}

			// An Arabic screen: an Arabic delegate, then a Chinese one.
			open(f.url + "/?lang=ar")
			post(t, f.url+"/api/taps", `{"uid":"0A0A0A0A03"}`)
			welcome("entrance ar, Arabic delegate", "ar", "entrance.welcome_first", "فاطمة العلي")
			shot("welcome-ar")
			post(t, f.url+"/api/taps", `{"uid":"0A0A0A0A04"}`)
			welcome("entrance ar, Chinese delegate", "zh", "entrance.welcome_first", "王小明")
			shot("welcome-zh")

			// A Chinese screen: the Arabic delegate again, mirrored.
			open(f.url + "/?lang=zh")
			post(t, f.url+"/api/taps", `{"uid":"0A0A0A0A03"}`)
			welcome("entrance zh, Arabic delegate", "ar", "entrance.welcome_back", "فاطمة العلي")
			shot("welcome-back-ar-on-zh")
			// A rejection in the delegate's language, the way to the desk
			// pointing the right way.
			post(t, f.url+"/api/taps", `{"uid":"2222222222"}`)
			p.waitJS(`document.body.className === "rejected"`)
			p.checkLang("entrance zh, cancelled French delegate", "fr")
			if got, want := p.str(`document.getElementById("headline").textContent`), cats["fr"]["reason.registration_cancelled"]; got != want {
				t.Errorf("rejection headline %q, want %q", got, want)
			}
			p.checkNoOverflow("entrance zh, rejection")
		})
	}
}
