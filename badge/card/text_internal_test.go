package card

import (
	"crypto/sha256"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNameTransliteration(t *testing.T) {
	tests := []struct {
		b    Badge
		want string
	}{
		{Badge{Name: "김민준", FamilyName: "김", GivenName: "민준"}, "Kim Minjun"},
		{Badge{Name: "Пётр Иванов", FamilyName: "Иванов", GivenName: "Пётр"}, "Pyotr Ivanov"},
		{Badge{Name: "Иванов Пётр"}, "Ivanov Pyotr"},
		{Badge{Name: "Anna Müller", FamilyName: "Müller", GivenName: "Anna"}, ""},
		{Badge{Name: "王小明", FamilyName: "王", GivenName: "小明"}, "Wang Xiaoming"},
		{Badge{Name: "王小明", FamilyName: "王", GivenName: "小明", Country: "TW"}, ""},
		{Badge{Name: "佐藤花子", FamilyName: "佐藤", GivenName: "花子", Country: "JP"}, ""},
		{Badge{Name: "佐藤花子", FamilyName: "佐藤", GivenName: "花子", Country: "JP",
			LatinFamilyName: "Sato", LatinGivenName: "Hanako"}, "Sato Hanako"},
		{Badge{Name: "أحمد المنصوري", FamilyName: "المنصوري", GivenName: "أحمد", Country: "AE"}, ""},
		{Badge{Name: "أحمد المنصوري", FamilyName: "المنصوري", GivenName: "أحمد", Country: "AE",
			LatinFamilyName: "Al Mansouri", LatinGivenName: "Ahmed"}, "Ahmed Al Mansouri"},
		{Badge{Name: "Дарья Кузнецова", FamilyName: "Кузнецова", GivenName: "Дарья",
			LatinFamilyName: "Kuznetcova"}, "Darya Kuznetcova"},
		{Badge{Name: "Anna Müller", FamilyName: "Müller", GivenName: "Anna", LatinFamilyName: "Mueller"}, "Anna Mueller"},
	}
	for _, tt := range tests {
		if got := latinLine(tt.b, displayName(tt.b)); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.b.Name, got, tt.want)
		}
	}
}

func TestDisplayName(t *testing.T) {
	tests := []struct {
		b    Badge
		want string
	}{
		{Badge{Name: " Anna  Müller ", FamilyName: "x"}, "Anna Müller"},
		{Badge{FamilyName: "Müller", GivenName: "Anna"}, "Anna Müller"},
		{Badge{FamilyName: "王", GivenName: "小明"}, "王小明"},
		{Badge{FamilyName: "김", GivenName: "민준"}, "김민준"},
		{Badge{FamilyName: "Müller"}, "Müller"},
		{Badge{}, ""},
	}
	for _, tt := range tests {
		if got := displayName(tt.b); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Anna \t Müller\n", "Anna Müller"},
		{"Nguye\u0302\u0303n", "Nguyễn"}, // decomposed: NFC composes it
		{"a\x00b\x1bc", "a b c"},
		{"bad\xff\xfeutf8", "badutf8"},
		{"\u202eevil\u202c\u00ad", "evil"},
		{"a b", "a b"},
		{"a\ufffdb", "ab"},
		{"山田\u3000太郎", "山田 太郎"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in, 100); got != tt.want {
			t.Errorf("cleanText(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	long := cleanText(strings.Repeat("ab ", 5000), 50)
	if n := utf8.RuneCountInString(long); n > 50 {
		t.Errorf("got %d runes, want at most 50", n)
	}
}

func TestShapeArabic(t *testing.T) {
	tests := []struct{ in, want string }{
		// meem initial, hah medial, meem medial, dal final
		{"محمد", "\uFEE3\uFEA4\uFEE4\uFEAA"},
		// alef isolated, lam-alef... : ال is alef + lam initial; علي: ain initial, lam medial, yeh final
		{"العلي", "\uFE8D\uFEDF\uFECC\uFEE0\uFEF2"},
		// lam + alef ligature, isolated then final
		{"لا", "\uFEFB"},
		{"سلام", "\uFEB3\uFEFC\uFEE1"},
		// a right-joining letter does not join the next one
		{"دار", "\uFEA9\uFE8D\uFEAD"},
		// the zero-width non-joiner separates, the joiner joins
		{"م\u200Cم", "\uFEE1\u200C\uFEE1"},
		{"م\u200D", "\uFEE3\u200D"},
		// harakat are transparent
		{"مُحَمَّد", "\uFEE3\u064F\uFEA4\u064E\uFEE4\u064E\u0651\uFEAA"},
		{"abc", "abc"},
	}
	for _, tt := range tests {
		if got := string(shapeArabic([]rune(tt.in))); got != tt.want {
			t.Errorf("shapeArabic(%q): got %+q, want %+q", tt.in, got, tt.want)
		}
	}
}

func TestVisualOrder(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Anna Müller", "Anna Müller"},
		{"דוד כהן", "ןהכ דוד"},
		{"דוד (כהן)", "(ןהכ) דוד"},
		{"דוד 123", "123 דוד"},
		{"ITU דוד כהן", "ITU ןהכ דוד"},
		{"דוד ITU Geneva", "ITU Geneva דוד"},
		{"שָׁלוֹם", "םוֹלשָׁ"}, // marks stay after their letter
	}
	for _, tt := range tests {
		if got := string(visualOrder([]rune(tt.in))); got != tt.want {
			t.Errorf("visualOrder(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFonts checks that every embedded font parses as TrueType and that the
// chains cover the scripts the package documentation promises.
func TestFonts(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fontFiles.ReadDir("fonts")
	if err != nil {
		t.Fatal(err)
	}
	used := make(map[string]bool)
	for _, f := range fs.all() {
		used[f.name+".ttf"] = true
	}
	total := 0
	for _, e := range entries {
		if !used[e.Name()] {
			t.Errorf("%s is embedded but in no chain", e.Name())
		}
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		total += int(info.Size())
	}
	t.Logf("%d fonts, %d bytes", len(entries), total)
	texts := []string{
		"Anna Müller", "Nguyễn Thị Minh Khai", "Łukasz Żółć", "Øystein", "João",
		"Иванов Пётр", "Γιώργος", "Արամ", "მიხეილ", "דוד כהן", "สมชาย",
		"王小明", "山田 太郎", "やまだ", "ヤマダ", "김민준", "प्रिया शर्मा", "অনন্যা", "தமிழ்",
		string(shapeArabic([]rune("محمد العلي لا"))), "…–’«»",
	}
	for _, bold := range []bool{false, true} {
		for _, text := range texts {
			if !renderable(text, fs.chain(bold, hanSC)) {
				t.Errorf("bold %v: %q is not covered", bold, text)
			}
		}
		for _, text := range []string{"प्रिया", "অনন্যা", "தமிழ்"} {
			l, _ := shapeLine(text, fs.chain(bold, hanSC))
			if len(l) != 1 || l[0].face.shaping == nil {
				t.Errorf("bold %v: %q is not drawn by one face that shapes it: %v", bold, text, l)
			}
		}
	}
}

func TestFallback(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		b           Badge
		name, latin string
	}{
		{Badge{Name: "Иванов Пётр"}, "Иванов Пётр", "Ivanov Pyotr"},
		{Badge{Name: "王小明"}, "王小明", "Wangxiaoming"},
		{Badge{Name: "山田太郎", Country: "JP"}, "山田太郎", ""},
		{Badge{Name: "محمد العلي"}, "محمد العلي", ""},
		// Devanagari is shaped and drawn, with its transliteration under it.
		{Badge{Name: "नरेन्द्र मोदी", DelegateID: "D1"}, "नरेन्द्र मोदी", "Narendra Modi"},
		// Neither drawn nor transliterated: the delegate id stands in.
		{Badge{Name: "ᏣᎳᎩ", DelegateID: "D00777"}, "D00777", ""},
		{Badge{Name: "\U0001F600 𠀋", DelegateID: "D2"}, "D2", ""},
		{Badge{Name: "ᏣᎳᎩ"}, "", ""},
	}
	for _, tt := range tests {
		c, err := r.content(tt.b)
		if err != nil {
			t.Fatal(err)
		}
		if c.name != tt.name || c.nameLatin != tt.latin {
			t.Errorf("%q: got %q, %q, want %q, %q", tt.b.Name, c.name, c.nameLatin, tt.name, tt.latin)
		}
	}
	// Other fields: drawn, else transliterated (no script that translit
	// spells lacks a font now), else left out.
	c, err := r.content(Badge{Organization: "भारत सरकार", Meeting: "ᏣᎳᎩ meeting"})
	if err != nil {
		t.Fatal(err)
	}
	if c.org != "भारत सरकार" || c.meeting != "" {
		t.Errorf("got organization %q, meeting %q, want %q, %q", c.org, c.meeting, "भारत सरकार", "")
	}
}

func TestThaiMarkOffset(t *testing.T) {
	text := []rune("เลื่อน ปิ่น น้ำ")
	moved := map[int]bool{}
	for i := range text {
		if _, _, ok := thaiMarkOffset(text, i); ok {
			moved[i] = true
		}
	}
	// ่ over ื (3); ิ over ป (8) and ่ over it (9); ้ before ำ (13).
	for _, i := range []int{3, 8, 9, 13} {
		if !moved[i] {
			t.Errorf("mark %d (%q) not moved", i, text[i])
		}
	}
	if len(moved) != 4 {
		t.Errorf("got %d marks moved, want 4: %v", len(moved), moved)
	}
}

// TestFontsNotModified checks that rendering leaves the shared font bytes
// alone: fpdf writes into the bytes it is given, so each PDF gets a copy.
func TestFontsNotModified(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	before := make(map[*face][32]byte)
	for _, f := range r.fonts.all() {
		before[f] = sha256.Sum256(f.data)
	}
	names := []string{"Anna Müller", "Иванов Пётр", "محمد العلي", "דוד כהן", "Արամ", "მიხეილ", "เลื่อน", "王小明", "김민준", "क्षत्रिय", "渡辺 さくら", "𠮷田"}
	for _, name := range names {
		for _, l := range []Layout{CR80, A6} {
			b := Badge{Name: name, Organization: name, Meeting: name, Pass: "CK1.x"}
			if err := r.Render(io.Discard, b, l); err != nil {
				t.Fatal(err)
			}
		}
	}
	for f, sum := range before {
		if sha256.Sum256(f.data) != sum {
			t.Errorf("%s was modified by rendering", f.name)
		}
	}
}

// TestHanFaces: Han characters take bold Noto Sans CJK in the badge's
// variant, the other variant's face for what its subset lacks, and Droid
// Sans Fallback with a synthetic bold for what neither has; kana, a
// language of ja, or Japan pick the Japanese forms.
func TestHanFaces(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	faces := func(text string, v hanVariant) []string {
		l, ok := shapeLine(text, fs.chain(true, v))
		if !ok {
			t.Fatalf("%q is not covered", text)
		}
		var out []string
		for _, r := range l {
			name := r.face.name
			if r.face.synthBold {
				name += "+synthBold"
			}
			out = append(out, name)
		}
		return out
	}
	for _, tc := range []struct {
		text string
		v    hanVariant
		want []string
	}{
		{"欧阳娜娜", hanSC, []string{"NotoSansCJKsc-Bold"}},
		{"渡辺", hanJP, []string{"NotoSansCJKjp-Bold"}},
		{"渡辺", hanSC, []string{"NotoSansCJKsc-Bold", "NotoSansCJKjp-Bold"}}, // 辺 is not Chinese
		{"王堃", hanSC, []string{"NotoSansCJKsc-Bold", "DroidSansFallbackFull+synthBold"}},
	} {
		if got := faces(tc.text, tc.v); !slices.Equal(got, tc.want) {
			t.Errorf("%q in variant %d: faces %q, want %q", tc.text, tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct {
		b    Badge
		want hanVariant
	}{
		{Badge{Name: "王芳", Country: "CN", Language: "zh"}, hanSC},
		{Badge{Name: "直子", Language: "ja"}, hanJP},
		{Badge{Name: "直子", Language: "JA-jp"}, hanJP},
		{Badge{Name: "渡辺 さくら"}, hanJP},
		{Badge{FamilyName: "山本", GivenName: "カオル"}, hanJP},
		{Badge{Name: "山本直", Country: "jp"}, hanJP},
		{Badge{Name: "山本直", Country: "TW"}, hanSC},
	} {
		if got := hanOf(tc.b); got != tc.want {
			t.Errorf("%+v: variant %d, want %d", tc.b, got, tc.want)
		}
	}
}
