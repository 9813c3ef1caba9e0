package card_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"checkin/badge/card"
)

const pass = "CK1.AQAAAABpIHaACGsxLWRlc2syAKG2yOdCPrzsLRNEMDAwNDI.aA0HV3k9XbJi0w3Lh8a2B1sRjZpX4eWcQ3vYt6uFm0sKdP9oN1rJ2yHgTfE5iBqLxCwVzU8aS7eD4bG0hM6nA"

// sample is a badge and what its text must contain.
type sample struct {
	name  string
	badge card.Badge
	want  []string // words pdftotext must find, in any order
}

// absent are words that the sample of that name must not show.
var absent = map[string][]string{
	"arabic":          {"Mhmd", "al-"},
	"hebrew":          {"Dod", "Khn"},
	"arabic no latin": {"Ahmd", "Mnsuri", "Mansouri"},
	"japanese":        {"Shan", "Tian", "Yamada"},
}

// onlyLatin are, for the samples named, all the Latin text the badge may
// have: a name without a Latin line leaves no Latin letter besides them.
var onlyLatin = map[string][]string{
	"arabic no latin": {"ITU-T Study Group 12 – Performance, QoS and QoE", "17–26 November 2026",
		"Telecommunications Regulatory Authority", "United Arab Emirates (AE)", "DELEGATE", "D00042"},
}

// newRenderer makes a Renderer with the embedded fonts.
func newRenderer(t testing.TB) *card.Renderer {
	t.Helper()
	r, err := card.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func meetingBadge(b card.Badge) card.Badge {
	b.Meeting = "ITU-T Study Group 12 – Performance, QoS and QoE"
	b.Dates = "17–26 November 2026"
	b.Pass = pass
	if b.DelegateID == "" {
		b.DelegateID = "D00042"
	}
	return b
}

var samples = []sample{
	{"latin", meetingBadge(card.Badge{GivenName: "Anna", FamilyName: "Müller", Name: "Anna Müller",
		Organization: "Federal Office of Communications OFCOM", Country: "CH", CountryName: "Switzerland", Role: "head"}),
		[]string{"Anna Müller", "OFCOM", "Switzerland (CH)", "HEAD OF DELEGATION", "Study Group 12", "November 2026", "D00042"}},
	{"portuguese", meetingBadge(card.Badge{Name: "João Conceição da Silva", Organization: "Anatel", Country: "BR", CountryName: "Brazil", Role: "delegate"}),
		[]string{"João Conceição da Silva", "Anatel", "Brazil", "DELEGATE"}},
	{"vietnamese", meetingBadge(card.Badge{FamilyName: "Nguyễn", GivenName: "Thị Minh Khai", Name: "Nguyễn Thị Minh Khai",
		Organization: "Bộ Thông tin và Truyền thông", Country: "VN", CountryName: "Viet Nam", Role: "deputy_head"}),
		[]string{"Nguyễn", "Thị Minh Khai", "Bộ Thông tin và Truyền thông", "DEPUTY HEAD OF DELEGATION"}},
	{"polish", meetingBadge(card.Badge{Name: "Łukasz Żółć", Organization: "Urząd Komunikacji Elektronicznej", Country: "PL", CountryName: "Poland", Role: "chair"}),
		[]string{"Łukasz Żółć", "Urząd Komunikacji Elektronicznej", "CHAIR"}},
	{"norwegian", meetingBadge(card.Badge{Name: "Øystein Ærø", Organization: "Nkom", Country: "NO", CountryName: "Norway", Role: "press"}),
		[]string{"Øystein Ærø", "Nkom", "PRESS"}},
	{"cyrillic", meetingBadge(card.Badge{FamilyName: "Иванов", GivenName: "Пётр", Name: "Иванов Пётр",
		Organization: "Министерство цифрового развития", Country: "RU", CountryName: "Russian Federation", Role: "delegate"}),
		[]string{"Иванов Пётр", "Ivanov Pyotr", "Министерство цифрового развития"}},
	{"greek", meetingBadge(card.Badge{Name: "Γιώργος Παπαδόπουλος", Organization: "ΕΕΤΤ", Country: "GR", CountryName: "Greece", Role: "staff"}),
		[]string{"Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos", "ΕΕΤΤ", "STAFF"}},
	{"arabic", meetingBadge(card.Badge{Name: "محمد العلي", Organization: "Telecommunications Regulatory Authority",
		Country: "AE", CountryName: "United Arab Emirates", Role: "secretariat"}),
		[]string{"محمد العلي", "Telecommunications Regulatory Authority", "SECRETARIAT"}},
	// Abjads get no automatic Latin line: a guess at the vowels is worse
	// than nothing.
	{"arabic no latin", meetingBadge(card.Badge{FamilyName: "المنصوري", GivenName: "أحمد", Name: "أحمد المنصوري",
		Organization: "Telecommunications Regulatory Authority", Country: "AE", CountryName: "United Arab Emirates", Role: "delegate"}),
		[]string{"أحمد المنصوري"}},
	// With the latin columns, their spelling is the second line.
	{"arabic latin columns", meetingBadge(card.Badge{FamilyName: "المنصوري", GivenName: "أحمد", Name: "أحمد المنصوري",
		LatinFamilyName: "Al Mansouri", LatinGivenName: "Ahmed",
		Organization: "Telecommunications Regulatory Authority", Country: "AE", CountryName: "United Arab Emirates", Role: "delegate"}),
		[]string{"أحمد المنصوري", "Ahmed Al Mansouri"}},
	{"cyrillic new", meetingBadge(card.Badge{FamilyName: "Кузнецова", GivenName: "Дарья", Name: "Дарья Кузнецова",
		Organization: "Роскомнадзор", Country: "RU", CountryName: "Russian Federation", Role: "head"}),
		[]string{"Дарья Кузнецова", "Darya Kuznetsova", "Роскомнадзор"}},
	{"pinyin", meetingBadge(card.Badge{FamilyName: "曾", GivenName: "晓芳", Name: "曾晓芳",
		Organization: "工业和信息化部", Country: "CN", CountryName: "China", Role: "delegate"}),
		[]string{"曾晓芳", "Zeng Xiaofang"}},
	{"kanji latin columns", meetingBadge(card.Badge{FamilyName: "佐藤", GivenName: "花子", Name: "佐藤花子",
		LatinFamilyName: "Sato", LatinGivenName: "Hanako", Organization: "総務省", Country: "JP", CountryName: "Japan", Role: "delegate"}),
		[]string{"佐藤花子", "Sato Hanako"}},
	{"hebrew", meetingBadge(card.Badge{Name: "דוד כהן", Organization: "Ministry of Communications", Country: "IL", CountryName: "Israel", Role: "guest"}),
		[]string{"דוד כהן", "Ministry of Communications", "GUEST"}},
	{"chinese", meetingBadge(card.Badge{FamilyName: "王", GivenName: "小明", Name: "王小明",
		Organization: "中国信息通信研究院", Country: "CN", CountryName: "China", Role: "head"}),
		[]string{"王小明", "Wang Xiaoming", "中国信息通信研究院", "China (CN)"}},
	{"japanese", meetingBadge(card.Badge{FamilyName: "山田", GivenName: "太郎", Name: "山田 太郎",
		Organization: "総務省", Country: "JP", CountryName: "Japan", Role: "delegate"}),
		[]string{"山田", "太郎", "総務省"}},
	{"kana", meetingBadge(card.Badge{Name: "やまだ たろう", Organization: "NTT", Country: "JP", CountryName: "Japan", Role: "delegate"}),
		[]string{"やまだ", "たろう", "Yamada Taro"}},
	{"korean", meetingBadge(card.Badge{FamilyName: "김", GivenName: "민준", Name: "김민준",
		Organization: "과학기술정보통신부", Country: "KR", CountryName: "Republic of Korea", Role: "delegate"}),
		[]string{"김민준", "Kim Minjun", "과학기술정보통신부"}},
	{"devanagari", meetingBadge(card.Badge{Name: "नरेन्द्र मोदी", Organization: "Department of Telecommunications",
		Country: "IN", CountryName: "India", Role: "delegate"}),
		[]string{"नरेन्द्र मोदी", "Narendra Modi", "Department of Telecommunications"}},
	// Conjuncts (प्र, र्म, क्ष, त्र, न्द), a vowel sign drawn before its
	// consonant (ि), read back as typed.
	{"devanagari conjuncts", meetingBadge(card.Badge{Name: "प्रिया शर्मा", Organization: "क्षत्रिय हिन्दी संस्थान",
		Country: "IN", CountryName: "India", Role: "head"}),
		[]string{"प्रिया शर्मा", "क्षत्रिय हिन्दी संस्थान"}},
	{"bengali", meetingBadge(card.Badge{Name: "সৌমিত্র চক্রবর্তী", Organization: "BTRC", Country: "BD", CountryName: "Bangladesh", Role: "delegate"}),
		[]string{"সৌমিত্র চক্রবর্তী", "BTRC"}},
	{"tamil", meetingBadge(card.Badge{Name: "கிருஷ்ணன் செல்வி", Organization: "TRAI", Country: "IN", CountryName: "India", Role: "delegate"}),
		[]string{"கிருஷ்ணன் செல்வி", "TRAI"}},
	// 堃 is in neither Noto Sans CJK subset: Droid Sans Fallback, bold by
	// stroking its outline.
	{"synthetic bold", meetingBadge(card.Badge{Name: "王堃", Organization: "国家无线电监测中心", Country: "CN", CountryName: "China", Role: "delegate"}),
		[]string{"王堃", "Wangkun"}},
	{"japanese forms", meetingBadge(card.Badge{Name: "渡辺 直子", Organization: "総務省 情報通信国際戦略局", Country: "JP", Language: "ja", Role: "delegate"}),
		[]string{"渡辺 直子", "総務省"}},
	{"thai", meetingBadge(card.Badge{Name: "สมชาย ใจดี", Organization: "NBTC", Country: "TH", CountryName: "Thailand", Role: "delegate"}),
		[]string{"สมชาย ใจดี", "NBTC", "Thailand"}},
	{"georgian", meetingBadge(card.Badge{Name: "მიხეილ სააკაშვილი", Organization: "ComCom", Country: "GE", CountryName: "Georgia", Role: "delegate"}),
		[]string{"მიხეილ", "Mikheil Saakashvili"}},
	{"armenian", meetingBadge(card.Badge{Name: "Արամ Խաչատրյան", Organization: "PSRC", Country: "AM", CountryName: "Armenia", Role: "delegate"}),
		[]string{"Արամ", "Aram Khachatryan"}},
	{"mixed", meetingBadge(card.Badge{Name: "Anna Иванова-Smith", Organization: "ITU/TSB", Country: "CH", CountryName: "Switzerland", Role: "secretariat"}),
		[]string{"Anna Иванова-Smith", "Anna Ivanova-Smith", "ITU/TSB"}},
	{"unrenderable", meetingBadge(card.Badge{Name: "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ", Organization: "Cherokee Nation", Country: "US", CountryName: "United States", Role: "guest", DelegateID: "D00777"}),
		[]string{"D00777", "Cherokee Nation"}},
	{"long", meetingBadge(card.Badge{Name: "Wolfeschlegelsteinhausenbergerdorff " + strings.Repeat("Hubert Blaine ", 20),
		Organization: strings.Repeat("Very Long Organization Name ", 10), Country: "US", Role: "delegate"}),
		[]string{"Wolfeschlegelsteinhausenbergerdorff", "…"}},
	// The longest UN names, whole on both layouts.
	{"un name", meetingBadge(card.Badge{Name: "Oliver Smith", Organization: "Ofcom", Country: "GB",
		CountryName: "United Kingdom of Great Britain and Northern Ireland", Role: "head"}),
		[]string{"United Kingdom of Great Britain and Northern", "Ireland (GB)"}},
	{"un name in brackets", meetingBadge(card.Badge{Name: "Ana Mamani", Organization: "Viceministerio de Telecomunicaciones",
		Country: "BO", CountryName: "Bolivia (Plurinational State of)", Role: "delegate"}),
		[]string{"Bolivia (Plurinational State of) (BO)"}},
	{"no pass", card.Badge{Name: "Ana Pérez", Role: "unknown_role", DelegateID: "D1"},
		[]string{"Ana Pérez", "UNKNOWN ROLE", "D1"}},
	{"empty", card.Badge{}, []string{"DELEGATE"}},
}

// TestRender renders every sample in both layouts and checks the PDF: one
// page of the exact size, with the expected text.
func TestRender(t *testing.T) {
	r := newRenderer(t)
	pdfinfo := lookTool(t, "pdfinfo")
	pdftotext := lookTool(t, "pdftotext")
	dir := t.TempDir()
	sizes := map[card.Layout][2]float64{card.CR80: {85.6, 54}, card.A6: {105, 148}}
	for _, l := range []card.Layout{card.CR80, card.A6} {
		for _, s := range samples {
			t.Run(string(l)+"/"+s.name, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				if err := r.Render(&buf, s.badge, l); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, string(l)+"-"+strings.ReplaceAll(s.name, " ", "-")+".pdf")
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				pages, w, h := pdfPages(t, pdfinfo, path)
				if pages != 1 {
					t.Errorf("got %d pages, want 1", pages)
				}
				want := sizes[l]
				if abs(w-want[0]) > 0.1 || abs(h-want[1]) > 0.1 {
					t.Errorf("got page %.2f × %.2f mm, want %.1f × %.1f mm", w, h, want[0], want[1])
				}
				text := pdfText(t, pdftotext, path)
				for _, word := range s.want {
					if !strings.Contains(text, word) {
						t.Errorf("text has no %q; got:\n%s", word, text)
					}
				}
				for _, word := range absent[s.name] {
					if strings.Contains(text, word) {
						t.Errorf("text has %q; got:\n%s", word, text)
					}
				}
				if known, ok := onlyLatin[s.name]; ok {
					rest := text
					for _, known := range known {
						rest = strings.ReplaceAll(rest, known, "")
					}
					if i := strings.IndexFunc(rest, func(r rune) bool { return r < 0x250 && unicode.IsLetter(r) }); i >= 0 {
						t.Errorf("text has Latin letters besides the known fields: %q; got:\n%s", rest, text)
					}
				}
			})
		}
	}
}

// pdfPages returns the page count and the size of the first page in mm.
func pdfPages(t *testing.T, pdfinfo, path string) (pages int, w, h float64) {
	t.Helper()
	out, err := exec.Command(pdfinfo, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	pages, _ = strconv.Atoi(string(m[1]))
	m = regexp.MustCompile(`(?m)^Page size:\s+([\d.]+) x ([\d.]+) pts`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page size:\n%s", out)
	}
	wp, _ := strconv.ParseFloat(string(m[1]), 64)
	hp, _ := strconv.ParseFloat(string(m[2]), 64)
	return pages, wp * 25.4 / 72, hp * 25.4 / 72
}

// pdfText returns the text of a PDF with line breaks as spaces, twice:
// as extracted, and in NFKC without bidi controls, which turns Arabic
// presentation forms back into letters.
func pdfText(t *testing.T, pdftotext, path string) string {
	t.Helper()
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	plain := strings.Map(func(r rune) rune {
		if r >= 0x202A && r <= 0x202E {
			return -1
		}
		return r
	}, norm.NFKC.String(text))
	return text + "\n" + plain
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// lookTool finds a command-line tool a test needs. CI installs it, so
// there its absence fails the test; elsewhere the test is skipped, loudly.
func lookTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found in PATH; CI must install it (.ci/run: poppler-utils, zbar-tools)", name)
	}
	t.Skipf("SKIPPED: %s not found in PATH; install poppler-utils and zbar-tools to run this test", name)
	return ""
}

// TestWriteSamples writes every sample as PDF into $CARD_SAMPLES, to be
// looked at (pdftoppm -png -r 150).
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("CARD_SAMPLES")
	if dir == "" {
		t.Skip("set CARD_SAMPLES to a folder to write sample badges")
	}
	r := newRenderer(t)
	for _, l := range []card.Layout{card.CR80, card.A6} {
		for _, s := range samples {
			var buf bytes.Buffer
			if err := r.Render(&buf, s.badge, l); err != nil {
				t.Fatalf("%s %s: %v", l, s.name, err)
			}
			path := filepath.Join(dir, string(l)+"-"+strings.ReplaceAll(s.name, " ", "-")+".pdf")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestParseLayout(t *testing.T) {
	tests := []struct {
		in   string
		want card.Layout
		err  bool
	}{
		{"", card.CR80, false},
		{"cr80", card.CR80, false},
		{"CR80", card.CR80, false},
		{"a6", card.A6, false},
		{"A6", card.A6, false},
		{"a4", "", true},
		{"cr 80", "", true},
	}
	for _, tt := range tests {
		got, err := card.ParseLayout(tt.in)
		if tt.err {
			if !errors.Is(err, card.ErrUnknownLayout) || !strings.Contains(err.Error(), strconv.Quote(tt.in)) {
				t.Errorf("ParseLayout(%q): got error %v, want ErrUnknownLayout naming the value", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseLayout(%q): got %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	var buf bytes.Buffer
	r := newRenderer(t)
	if err := r.Render(&buf, card.Badge{Name: "A"}, "a4"); !errors.Is(err, card.ErrUnknownLayout) {
		t.Errorf("layout a4: got %v, want ErrUnknownLayout", err)
	}
	if err := r.Render(&buf, card.Badge{Pass: strings.Repeat("x", 257)}, card.CR80); !errors.Is(err, card.ErrPassTooLong) {
		t.Errorf("long pass: got %v, want ErrPassTooLong", err)
	}
	if buf.Len() != 0 {
		t.Errorf("failed renders wrote %d bytes", buf.Len())
	}
}

func TestRoleColour(t *testing.T) {
	seen := make(map[card.Colour]string)
	for _, role := range []string{"delegate", "head", "deputy_head", "chair", "secretariat", "press", "staff", "guest"} {
		band, text := card.RoleColour(role)
		if other, ok := seen[band]; ok {
			t.Errorf("%s and %s share colour %s", role, other, band.Hex())
		}
		seen[band] = role
		if c := contrast(band, text); c < 4.5 {
			t.Errorf("%s: text %s on %s has contrast %.1f, want ≥ 4.5", role, text.Hex(), band.Hex(), c)
		}
		if card.RoleLabel(role) == "" {
			t.Errorf("%s has no label", role)
		}
	}
	if band, _ := card.RoleColour(""); band != mustBand("delegate") {
		t.Errorf("empty role: got %s, want the delegate colour", band.Hex())
	}
	if got := card.RoleLabel("deputy_head"); got != "DEPUTY HEAD OF DELEGATION" {
		t.Errorf("got %q", got)
	}
}

func mustBand(role string) card.Colour {
	band, _ := card.RoleColour(role)
	return band
}

// contrast is the WCAG 2 contrast ratio, computed here independently.
func contrast(a, b card.Colour) float64 {
	lum := func(c card.Colour) float64 {
		f := func(v uint8) float64 {
			s := float64(v) / 255
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*f(c.R) + 0.7152*f(c.G) + 0.0722*f(c.B)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestRenderConcurrent renders from several goroutines with one Renderer
// (run with -race).
func TestRenderConcurrent(t *testing.T) {
	r := newRenderer(t)
	var wg sync.WaitGroup
	errs := make(chan error, len(samples))
	for _, s := range samples {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := r.Render(&buf, s.badge, card.CR80); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestQRScans renders a badge, rasterises it as a printer would, and reads
// the QR code back with zbarimg.
func TestQRScans(t *testing.T) {
	zbarimg := lookTool(t, "zbarimg") // zbar-tools
	pdftoppm := lookTool(t, "pdftoppm")
	dir := t.TempDir()
	r := newRenderer(t)
	for _, l := range []card.Layout{card.CR80, card.A6} {
		var buf bytes.Buffer
		if err := r.Render(&buf, samples[0].badge, l); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, string(l)+".pdf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(pdftoppm, "-png", "-r", "300", "-singlefile", path, filepath.Join(dir, string(l))).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		out, err := exec.Command(zbarimg, "--raw", "-q", "-Sbinary", filepath.Join(dir, string(l)+".png")).Output()
		if err != nil {
			t.Fatalf("%s: zbarimg found no code: %v", l, err)
		}
		if got := strings.TrimSuffix(string(out), "\n"); got != pass {
			t.Errorf("%s: got %q, want %q", l, got, pass)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Anna Müller", "OFCOM")
	f.Add("محمد العلي", "هيئة تنظيم الاتصالات")
	f.Add("王小明", "中国信息通信研究院")
	f.Add("\x00\xff\xfe\U0001F600 \u202e\u200d", "\t\n\r")
	f.Add(strings.Repeat("Ω", 300), "")
	f.Add("ล้ำ ‍ि", "ﻻ لا ")
	r := newRenderer(f)
	f.Fuzz(func(t *testing.T, name, org string) {
		for _, l := range []card.Layout{card.CR80, card.A6} {
			var buf bytes.Buffer
			b := card.Badge{Name: name, Organization: org, FamilyName: org, GivenName: name, Role: name, DelegateID: org, Pass: "CK1.x"}
			if err := r.Render(&buf, b, l); err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
				t.Fatalf("%s: output does not start with %%PDF: %q", l, buf.Bytes()[:min(buf.Len(), 16)])
			}
		}
	})
}

func TestRenderHostile(t *testing.T) {
	r := newRenderer(t)
	inputs := []string{
		"",
		"\x00\x01\x02\x1b[31m",
		"\xff\xfe\xfd",
		strings.Repeat("界", 10000),
		strings.Repeat("a", 10000),
		strings.Repeat("محمد ", 2000),
		"𠀋𠀌 \U0001F600",
		"\u202e\u2066evil\u2069",
		"\u0301\u0301\u0301",
		"ـــ",
	}
	for _, in := range inputs {
		for _, l := range []card.Layout{card.CR80, card.A6} {
			b := card.Badge{Name: in, GivenName: in, FamilyName: in, Organization: in, Country: in, CountryName: in,
				Role: in, Meeting: in, Dates: in, DelegateID: in}
			var buf bytes.Buffer
			if err := r.Render(&buf, b, l); err != nil {
				t.Errorf("%.20q %s: %v", in, l, err)
				continue
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
				t.Errorf("%.20q %s: not a PDF", in, l)
			}
		}
	}
}

func BenchmarkRender(b *testing.B) {
	r := newRenderer(b)
	cases := []sample{samples[0], samples[5], samples[7], samples[9]}
	for _, s := range samples {
		switch s.name {
		case "chinese", "japanese", "devanagari":
			cases = append(cases, s)
		}
	}
	photo := samples[0]
	photo.name, photo.badge.Photo = "latin with photo", portrait(b, 640, 480, false)
	for _, s := range append(cases, photo) {
		b.Run(s.name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := r.Render(&buf, s.badge, card.CR80); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
