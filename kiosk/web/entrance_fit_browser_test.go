package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/kiosk"
	"checkin/kiosk/web/browsertest"
)

// welcomeCase is one delegate's welcome, in their language, with their
// sessions still ahead at the fixture's 10:00.
type welcomeCase struct {
	lang, name, org string
	titles, rooms   []string
}

// Made-up delegates with long names and organisations, and long session
// titles, in the three scripts whose welcomes were cut off (#13). The
// Arabic list has a Latin title too: it must be cut on its right while
// the Arabic ones are cut on their left.
var welcomeCases = []welcomeCase{
	{
		lang: "ar",
		name: "الدكتورة فاطمة الزهراء بنت عبد الله القحطاني",
		org:  "هيئة الاتصالات والفضاء والتقنية — الإدارة العامة للمعايير والتقييس الدولي والتعاون مع المنظمات الإقليمية",
		titles: []string{
			"المسألة 4/12: الطرائق الموضوعية لتقييم جودة الكلام والصوت في شبكات الاتصالات المتنقلة من الجيل الخامس وما بعده",
			"اجتماع فريق الإدارة",
			"Q9/12: Performance of packet-based networks and other networking technologies for interactive services",
			"الجلسة العامة للفرقة العاملة 2/12 بشأن جودة الخدمة وجودة التجربة للتطبيقات متعددة الوسائط",
			"إحاطة المندوبين الجدد",
			"المسألة 17/12: أداء الشبكات وجودة الخدمة في شبكات الحوسبة السحابية وإنترنت الأشياء والمدن الذكية المستدامة",
		},
		rooms: []string{"القاعة الكبرى", "قاعة الاجتماعات ب", "قاعة ك", "قاعة المؤتمرات الرئيسية", "القاعة 5", "قاعة الاجتماعات ج"},
	},
	{
		lang: "zh",
		name: "司马长风·阿依古丽·买买提",
		org:  "中华人民共和国工业和信息化部无线电管理局国际电信标准化与频谱规划研究中心（北京）第三研究室",
		titles: []string{
			"第4/12号课题：第五代移动通信网络中语音和音频质量的客观评估方法及其在多方视频会议中的应用",
			"管理小组会议",
			"第2/12工作组全体会议：多媒体应用的服务质量与体验质量",
			"新代表情况介绍会",
			"第17/12号课题：云计算、物联网和可持续智慧城市网络的性能与服务质量评估框架研究",
			"第12研究组闭幕全体会议及成果网络研讨会",
		},
		rooms: []string{"第一会议室", "日内瓦大厅", "K会议室", "蒙布里扬大楼主会议厅", "第五会议室", "C会议室"},
	},
	{
		lang: "ru",
		name: "Александра Константиновна Преображенская-Рождественская",
		org:  "Министерство цифрового развития, связи и массовых коммуникаций Российской Федерации, Департамент международного сотрудничества",
		titles: []string{
			"Вопрос 4/12: объективные методы оценки качества речи и звука в сетях подвижной связи пятого поколения и последующих",
			"Совещание руководящей группы",
			"Пленарное заседание Рабочей группы 2/12 по качеству обслуживания и восприятия мультимедийных приложений",
			"Брифинг для новых делегатов",
			"Вопрос 17/12: показатели работы сетей и качество обслуживания в облачных вычислениях и интернете вещей",
			"Заключительное пленарное заседание",
		},
		rooms: []string{"Большой зал", "Зал заседаний Б", "Зал К", "Главный конференц-зал здания Монбрийан", "Зал 5", "Зал заседаний В"},
	},
}

// welcome builds the tap result of c with its first n sessions, from
// 10:30 on the fixture's day, the second one cancelled.
func (c welcomeCase) welcome(n int) kiosk.TapResult {
	var ss []kiosk.Session
	for i := 0; i < n; i++ {
		start := time.Date(2026, 11, 22, 10, 30, 0, 0, zurich).Add(time.Duration(i) * time.Hour)
		s := kiosk.Session{ID: fmt.Sprintf("w%d", i), Title: c.titles[i], Room: c.rooms[i],
			Start: start, End: start.Add(50 * time.Minute), Status: kiosk.SessionScheduled}
		if i == 1 {
			s.Status = kiosk.SessionCancelled
		}
		ss = append(ss, s)
	}
	return kiosk.TapResult{ID: fmt.Sprintf("fit-%s-%d", c.lang, n), Result: kiosk.ResultAccepted, FirstToday: n%2 == 1,
		At: time.Date(2026, 11, 22, 10, 0, 0, 0, zurich), Gate: "main", Direction: "in", Language: c.lang,
		Delegate: &kiosk.PublicDelegate{ID: "F" + c.lang, Name: c.name, Organization: c.org, Role: "head", Country: "SA"},
		Sessions: ss}
}

// welcomeFitJS lists what a person would find cut off on the welcome: an
// element outside the window (the clock, headline, name, organisation,
// every session row and each of its parts), text overflowing its box other
// than into an ellipsis (one line) or a clamp (two lines), and a cut text
// whose visible part is not its logical start: its first character must
// be inside its box, on its start side for one line, and its last one
// outside (the cut is at the end). Each text's direction must follow its
// first strong letter (an Arabic title right to left, a Latin one left to
// right, whatever the page).
const welcomeFitJS = `(() => {
  const bad = [];
  const W = innerWidth, H = innerHeight;
  const label = (e) => e.id ? "#" + e.id : e.tagName.toLowerCase() + "." + String(e.className).trim().replace(/\s+/g, ".") + " " + JSON.stringify(e.textContent.slice(0, 24));
  const inWindow = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) { bad.push(label(e) + " has no box"); return; }
    if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
      bad.push(label(e) + " outside the window: [" + [r.left, r.top, r.right, r.bottom].map(Math.round) + "] of " + W + "×" + H);
  };
  const within = (e, outer) => {
    const r = e.getBoundingClientRect(), o = outer.getBoundingClientRect();
    if (r.left < o.left - 0.5 || r.right > o.right + 0.5 || r.top < o.top - 0.5 || r.bottom > o.bottom + 0.5)
      bad.push(label(e) + " sticks out of " + label(outer));
  };
  ["clock", "mark", "headline", "name", "org", "sessions-title"].forEach((id) => inWindow(document.getElementById(id)));
  const rows = [...document.querySelectorAll("#session-list > li")];
  rows.forEach((li) => {
    inWindow(li);
    for (const part of li.children) { inWindow(part); within(part, li); }
  });
  // Text wider than its box is cut: only into an ellipsis on one line or
  // a clamp of whole lines. (Taller is not judged here: glyphs of CJK
  // fonts rise above their line boxes without being cut; boxes are.)
  for (const e of document.querySelectorAll("#result *, .top *")) {
    if (e.closest("[hidden]")) continue;
    const cs = getComputedStyle(e);
    if (cs.display === "none" || cs.display === "inline") continue;
    const ellipsis = cs.textOverflow === "ellipsis" && cs.overflowX === "hidden" && (cs.whiteSpace === "nowrap" || cs.webkitLineClamp !== "none");
    if (e.scrollWidth > e.clientWidth + 1 && !ellipsis) bad.push(label(e) + " overflows sideways: " + e.scrollWidth + " > " + e.clientWidth);
  }
  const cut = [];
  for (const e of document.querySelectorAll("#name, #org, #session-list .title, #session-list .room")) {
    const texts = [];
    for (let w = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), n; (n = w.nextNode());) if (n.data.trim()) texts.push(n);
    if (!texts.length) continue;
    const strong = e.textContent.match(/[\p{L}]/u);
    const want = strong && /[\u0590-\u08FF]/.test(strong[0]) ? "rtl" : "ltr";
    const cs = getComputedStyle(e);
    if (cs.direction !== want) bad.push(label(e) + " runs " + cs.direction + ", want " + want);
    const box = e.getBoundingClientRect();
    const charRect = (text, i) => {
      const r = document.createRange();
      r.setStart(text, i); r.setEnd(text, i + (text.data.codePointAt(i) > 0xffff ? 2 : 1));
      return r.getBoundingClientRect();
    };
    const inside = (r) => {
      const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
      return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
    };
    const head = texts[0], tail = texts[texts.length - 1];
    let firstAt = 0, lastAt = tail.data.length - 1;
    while (/\s/.test(head.data[firstAt])) firstAt++;
    while (lastAt > 0 && /\s/.test(tail.data[lastAt])) lastAt--;
    const first = charRect(head, firstAt), last = charRect(tail, lastAt);
    const oneLine = cs.whiteSpace === "nowrap";
    if (oneLine ? e.scrollWidth <= e.clientWidth + 1 : inside(last)) continue; // shown whole
    cut.push(label(e));
    if (!inside(first)) bad.push(label(e) + ": its first letter is cut off");
    if (oneLine) {
      // The visible part starts at the text's logical start, at the box's
      // start edge, and the text runs on past the end edge.
      const startGap = want === "rtl" ? box.right - first.right : first.left - box.left;
      if (startGap > 2) bad.push(label(e) + ": its first letter is " + Math.round(startGap) + " px from the box's start edge");
      const past = want === "rtl" ? last.left < box.left : last.right > box.right;
      if (!past) bad.push(label(e) + ": cut at its start (last letter at " + Math.round(last.left) + "–" + Math.round(last.right) + ", box " + Math.round(box.left) + "–" + Math.round(box.right) + ")");
    } else if ((last.top + last.bottom) / 2 < box.bottom) {
      bad.push(label(e) + ": clamped, but its last line is not the one cut");
    }
  }
  return {bad: bad, cut: cut, fit: Number(getComputedStyle(document.getElementById("result")).getPropertyValue("--fit")),
    name: parseFloat(getComputedStyle(document.getElementById("name")).fontSize),
    row: rows.length ? parseFloat(getComputedStyle(rows[0]).fontSize) : 0};
})()`

// welcomeFit is what welcomeFitJS returns.
type welcomeFit struct {
	Bad  []string `json:"bad"`
	Cut  []string `json:"cut"`
	Fit  float64  `json:"fit"`
	Name float64  `json:"name"` // the name's font size, px
	Row  float64  `json:"row"`  // a session row's font size, px
}

// TestEntranceWelcomeFits shows welcomes in Arabic, Chinese and Russian
// with 1 to 6 sessions, long names, organisations and titles, on both
// screen sizes of the venues: nothing may be cut off or spill out of its
// box, long text ends in an ellipsis at its logical end, and the type
// stays large enough to read from two metres. The Arabic welcome with six
// sessions is kept as a screenshot at both sizes.
func TestEntranceWelcomeFits(t *testing.T) {
	t.Parallel() // long, and mostly waiting on the browser
	for _, size := range [][2]int{{1920, 1080}, {1366, 768}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			f := newFixture(t)
			ctx := browsertest.New(t, w, h)
			if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/?lang=ar"), chromedp.WaitVisible("#idle h1")); err != nil {
				t.Fatal(err)
			}
			f.waitSubscribed(t, 1)
			for _, c := range welcomeCases {
				for n := 1; n <= 6; n++ {
					res := c.welcome(n)
					f.server.PublishTap(res)
					browsertest.WaitJS(t, ctx, fmt.Sprintf("%s welcome with %d sessions", c.lang, n), fmt.Sprintf(
						`document.body.className === "accepted" && document.getElementById("name").textContent === %q && document.getElementById("session-list").children.length === %d`,
						res.Delegate.Name, n))
					got, err := chromedp.Run(ctx, chromedp.Evaluate[welcomeFit](welcomeFitJS))
					if err != nil {
						t.Fatal(err)
					}
					for _, b := range got.Bad {
						t.Errorf("%s, %d sessions: %s", c.lang, n, b)
					}
					t.Logf("%s, %d sessions: fit %.3f, name %.0f px, rows %.0f px, cut: %s", c.lang, n, got.Fit, got.Name, got.Row, strings.Join(got.Cut, "; "))
					// Read from two metres: the smallest the rows may get
					// is 22 px on the small screen, 30 px on the large one.
					if minRow := float64(h) / 35; got.Row < minRow {
						t.Errorf("%s, %d sessions: rows in %.0f px type, want at least %.0f", c.lang, n, got.Row, minRow)
					}
					if c.lang == "ar" && n == 6 {
						browsertest.Screenshot(t, ctx, fmt.Sprintf("entrance-welcome-ar-6-%dx%d", w, h))
					}
				}
			}
		})
	}
}

// TestEntranceSaysCancelled taps delegates of six languages whose day has
// a cancelled session with a long title: the row says "cancelled" in the
// delegate's language, in words that are neither struck through nor cut
// off with the title, as well as striking the session through.
func TestEntranceSaysCancelled(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	words := map[string]string{"en": "cancelled", "fr": "annulée", "es": "cancelada", "ar": "ملغاة", "zh": "已取消", "ru": "отменено"}
	var roster []kiosk.Delegate
	for i, lang := range kiosk.Languages {
		roster = append(roster, kiosk.Delegate{ID: "C" + lang, FamilyName: "Delegate", GivenName: strings.ToUpper(lang), Role: "delegate",
			Status: "registered", Language: lang, Groups: []string{"Q5/12"}, Badges: []string{fmt.Sprintf("C0FFEE%04d", i)}})
	}
	if _, err := f.db.ReplaceRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 22, h, m, 0, 0, zurich) }
	if err := f.db.ReplaceSchedule(ctx, kiosk.Schedule{Sessions: []kiosk.Session{
		{ID: "c1", Title: "Q5/12: Resistibility of telecommunication equipment to overvoltages and overcurrents in very long titles", Room: "Room K",
			Start: at(11, 0), End: at(12, 30), Groups: []string{"Q5/12"}, Status: kiosk.SessionCancelled},
		{ID: "c2", Title: "Q5/12 drafting", Room: "Room C2", Start: at(14, 0), End: at(15, 0), Groups: []string{"Q5/12"}, Status: kiosk.SessionScheduled},
	}}); err != nil {
		t.Fatal(err)
	}
	tab := browsertest.New(t, 1366, 768)
	if err := chromedp.Do(tab, chromedp.Navigate(f.url+"/"), chromedp.WaitVisible("#idle h1")); err != nil {
		t.Fatal(err)
	}
	f.waitSubscribed(t, 1)
	for i, lang := range kiosk.Languages {
		post(t, f.url+"/api/taps", fmt.Sprintf(`{"uid":"C0FFEE%04d"}`, i))
		browsertest.WaitJS(t, tab, lang+" welcome", fmt.Sprintf(`document.documentElement.lang === %q && document.getElementById("name").textContent.includes(%q) && document.querySelectorAll("#session-list li").length === 2`,
			lang, strings.ToUpper(lang)))
		type row struct {
			Class, State, Title, Deco, StateDeco string
			Shown                                bool
		}
		got, err := chromedp.Run(tab, chromedp.Evaluate[[]row](`[...document.querySelectorAll("#session-list li")].map((li) => {
  const st = li.querySelector(".state"), title = li.querySelector(".title");
  const r = st ? st.getBoundingClientRect() : null, lr = li.getBoundingClientRect();
  return {Class: li.className, State: st ? st.textContent : "", Title: title.textContent,
    Deco: getComputedStyle(title).textDecorationLine, StateDeco: st ? getComputedStyle(st).textDecorationLine : "",
    Shown: !!r && r.width > 0 && r.left >= lr.left && r.right <= lr.right && r.right <= innerWidth && r.left >= 0};
})`))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%s: %d rows, want 2", lang, len(got))
		}
		c, s := got[0], got[1]
		if c.Class != "cancelled" || c.State != words[lang] || !c.Shown || c.Deco != "line-through" || c.StateDeco != "none" {
			t.Errorf("%s: cancelled row = %+v, want class cancelled, %q shown whole and not struck, the title struck", lang, c, words[lang])
		}
		if strings.Contains(c.Title, words[lang]) {
			t.Errorf("%s: the word is in the title %q, where an ellipsis can cut it", lang, c.Title)
		}
		if s.Class != "" || s.State != "" || s.Deco != "none" {
			t.Errorf("%s: scheduled row = %+v, want no mark", lang, s)
		}
		if lang == "ar" {
			browsertest.Screenshot(t, tab, "entrance-cancelled-ar")
		}
	}
}
