package fold_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"checkin/kiosk/fold"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"umlaut", "Müller", "muller"},
		{"umlaut upper", "MÜLLER", "muller"},
		{"umlaut decomposed", "Mu\u0308ller", "muller"},
		{"plain", "muller", "muller"},
		{"sharp s", "Weiß", "weiss"},
		{"capital sharp s", "WEIẞ", "weiss"},
		{"tilde", "João", "joao"},
		{"tilde upper", "JOÃO", "joao"},
		{"cyrillic", "Иванов", "иванов"},
		{"cyrillic upper", "ИВАНОВ", "иванов"},
		{"cyrillic lower", "иванов", "иванов"},
		{"yo", "Ёлкин", "елкин"},
		{"short i", "Андрей", "андреи"},
		{"greek tonos and final sigma", "Ελένη Παπαδοπούλου", "ελενη παπαδοπουλου"},
		{"greek final sigma", "Νίκος", "νικοσ"},
		{"greek upper", "ΝΊΚΟΣ", "νικοσ"},
		{"vietnamese", "Nguyễn Văn An", "nguyen van an"},
		{"vietnamese d", "Đặng Thị Ngọc", "dang thi ngoc"},
		{"polish l", "Łukasz", "lukasz"},
		{"danish o", "Øster", "oster"},
		{"czech", "Dvořák", "dvorak"},
		{"turkish dotted I", "İstanbul", "istanbul"},
		{"turkish upper", "ISTANBUL", "istanbul"},
		{"turkish dotless i", "Işık", "isik"},
		{"icelandic", "Þórður Guðmundsson", "thordur gudmundsson"},
		{"ligatures", "Æsa Œuvre", "aesa oeuvre"},
		{"maltese", "Ħamrun", "hamrun"},
		{"azerbaijani schwa", "Əliyev", "aliyev"},
		{"hausa hooked d", "Ɗanjuma", "danjuma"},
		{"arabic hamza alef", "أحمد", "احمد"},
		{"arabic plain", "احمد", "احمد"},
		{"arabic alef variants", "إيمان آمنة", "ايمان امنه"},
		{"arabic harakat", "مُحَمَّد", "محمد"},
		{"arabic tatweel", "محـــمد", "محمد"},
		{"arabic alef maksura", "مصطفى", "مصطفي"},
		{"persian yeh keheh", "کریمی", "كريمي"},
		{"arabic-indic digits", "٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"devanagari digits", "१२३", "123"},
		{"hangul", "김민준", "김민준"},
		{"hangul name", "이 서연", "이 서연"},
		{"cjk", "王芳", "王芳"},
		{"cherokee capital", "ᏣᎳᎩ", "ᏣᎳᎩ"},
		{"cherokee small", "ꮳꮃꭹ", "ᏣᎳᎩ"},
		{"cjk compatibility ideograph", "\uF900", "\u8C48"},
		{"katakana voiced", "ガルシア", "ガルシア"},
		{"half-width katakana", "ｶﾞﾙｼｱ", "ガルシア"},
		{"full-width latin", "ＭＵＬＬＥＲ", "muller"},
		{"ligature fi", "ﬁnn", "finn"},
		{"typographic apostrophe", "O’Brien", "o brien"},
		{"ascii apostrophe", "O'Brien", "o brien"},
		{"modifier apostrophe", "Oʼbrien", "o brien"},
		{"okina", "Hawaiʻi", "hawai i"},
		{"hyphen", "Jean-Pierre", "jean pierre"},
		{"non-breaking hyphen", "Jean‑Pierre", "jean pierre"},
		{"soft hyphen joins", "Mül\u00ADler", "muller"},
		{"zero width non-joiner joins", "Abdol\u200Chossein", "abdolhossein"},
		{"dots and commas", "Smith, J.R.", "smith j r"},
		{"white space", "  Anna \t\n  Maria  ", "anna maria"},
		{"no-break space", "Anna\u00A0Maria", "anna maria"},
		{"id", "DEL-000123", "del 000123"},
		{"empty", "", ""},
		{"only punctuation", " -- ' ’ ., ;; ", ""},
		{"sql quote", "' OR 1=1 --", "or 1 1"},
		{"sql drop", `"; DROP TABLE delegates; --`, "drop table delegates"},
		{"html", `<script>alert("x")</script>`, "script alert x script"},
		{"invalid utf-8", "a\xffb", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fold.Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFoldSameKey checks that the spellings people type reach the spelling
// in the roster.
func TestFoldSameKey(t *testing.T) {
	tests := [][]string{
		{"Müller", "MÜLLER", "muller", "Muller"},
		{"João", "JOÃO", "joao", "Joao"},
		{"Иванов", "ИВАНОВ", "иванов"},
		{"Ёлкин", "елкин", "ЕЛКИН"},
		{"Ελένη Παπαδοπούλου", "ελενη παπαδοπουλου", "ΕΛΕΝΗ ΠΑΠΑΔΟΠΟΥΛΟΥ"},
		{"Nguyễn Văn An", "nguyen van an", "NGUYEN VAN AN"},
		{"Łukasz", "lukasz", "LUKASZ"},
		{"Øster", "oster"},
		{"Dvořák", "dvorak"},
		{"İstanbul", "ISTANBUL", "istanbul"},
		{"أحمد", "احمد", "إحمد"},
		{"O’Brien", "O'Brien", "o brien"},
		{"Jean-Pierre", "jean pierre", "JEAN PIERRE"},
	}
	for _, group := range tests {
		want := fold.Fold(group[0])
		for _, s := range group[1:] {
			if got := fold.Fold(s); got != want {
				t.Errorf("Fold(%q) = %q, want %q (as Fold(%q))", s, got, want, group[0])
			}
		}
	}
}

func TestFoldHangulNotJamo(t *testing.T) {
	for _, in := range []string{"김민준", "박지성", "이서연"} {
		got := fold.Fold(in)
		if want := norm.NFC.String(in); got != want {
			t.Errorf("Fold(%q) = %q (% x), want NFC input %q", in, got, got, want)
		}
		for _, r := range got {
			if r >= 0x1100 && r <= 0x11FF {
				t.Errorf("Fold(%q) = %q contains jamo %U", in, got, r)
			}
		}
	}
}

func TestVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Müller", []string{"muller", "mueller"}},
		{"MÜLLER", []string{"muller", "mueller"}},
		{"Mu\u0308ller", []string{"muller", "mueller"}},
		{"Jürgen Müller-Lüdenscheidt", []string{"jurgen muller ludenscheidt", "juergen mueller luedenscheidt"}},
		{"Größe", []string{"grosse", "groesse"}},
		{"Weiß", []string{"weiss"}},
		{"Mueller", []string{"mueller"}},
		{"João", []string{"joao"}},
		{"O’Brien", []string{"o brien", "obrien"}},
		{"D'Alembert", []string{"d alembert", "dalembert"}},
		{"Jean-Pierre", []string{"jean pierre"}},
		{"", nil},
		{" -- ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := fold.Variants(tt.in)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Variants(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Jürgen Müller", []string{"jurgen", "muller"}},
		{"Jean-Pierre  Dupont", []string{"jean", "pierre", "dupont"}},
		{"' OR 1=1 --", []string{"or", "1", "1"}},
		{`"; DROP TABLE delegates`, []string{"drop", "table", "delegates"}},
		{"", nil},
		{"...", nil},
	}
	for _, tt := range tests {
		got := fold.Tokens(tt.in)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIndexTokens(t *testing.T) {
	got := fold.IndexTokens("Müller", "Jürgen", "Deutsche Bundesbank", "DE", "D-0042")
	want := []string{"muller", "mueller", "jurgen", "juergen", "deutsche", "bundesbank", "de", "d", "0042"}
	if !slices.Equal(got, want) {
		t.Errorf("IndexTokens = %q, want %q", got, want)
	}
}

func TestMatchQuery(t *testing.T) {
	mueller := fold.IndexTokens("Müller", "Jürgen", "Deutsche Bundesbank", "Germany", "DEL-0042")
	jeanPierre := fold.IndexTokens("Dupont", "Jean-Pierre", "OECD", "France", "DEL-0007")
	ivanov := fold.IndexTokens("Иванов", "Алексей", "МИД России", "Russian Federation", "DEL-0100")
	mueller2 := fold.IndexTokens("Mueller", "Anna", "", "Switzerland", "DEL-0200")
	obrien := fold.IndexTokens("O’Brien", "Siobhán", "Department of Foreign Affairs", "Ireland", "DEL-0300")
	kim := fold.IndexTokens("김", "민준", "외교부", "Republic of Korea", "DEL-0400")
	tests := []struct {
		name  string
		query string
		doc   []string
		want  bool
	}{
		{"prefix", "mul", mueller, true},
		{"full", "muller", mueller, true},
		{"upper", "MÜLLER", mueller, true},
		{"umlaut variant", "muel", mueller, true},
		{"umlaut variant full", "MUELLER", mueller, true},
		{"umlaut query finds ue roster", "Müller", mueller2, true},
		{"given and family", "jurgen muller", mueller, true},
		{"family and given", "muller jurgen", mueller, true},
		{"given prefix", "jü mü", mueller, true},
		{"organization", "bundesb", mueller, true},
		{"country", "germ", mueller, true},
		{"id", "del-0042", mueller, true},
		{"id digits", "0042", mueller, true},
		{"hyphenated reversed", "pierre jean", jeanPierre, true},
		{"hyphenated", "Jean-Pierre", jeanPierre, true},
		{"cyrillic prefix", "иван", ivanov, true},
		{"cyrillic upper", "ИВАНОВ АЛЕКСЕЙ", ivanov, true},
		{"apostrophe", "o'brien", obrien, true},
		{"apostrophe left out", "obri", obrien, true},
		{"fada", "siobhan", obrien, true},
		{"hangul", "김 민", kim, true},
		{"no match", "xyz", mueller, false},
		{"one word does not match", "muller xyz", mueller, false},
		{"not infix", "ller", mueller, false},
		{"wrong person", "muller", jeanPierre, false},
		{"empty", "", mueller, false},
		{"spaces", "   ", mueller, false},
		{"punctuation", "--'.", mueller, false},
		{"injection", "' OR 1=1 --", mueller, false},
		{"empty doc", "mul", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matchQuery(tt.query, tt.doc); got != tt.want {
				t.Errorf("MatchQuery(%q, %q) = %v, want %v", tt.query, tt.doc, got, tt.want)
			}
		})
	}
}

func TestCompileQueryEmpty(t *testing.T) {
	for _, q := range []string{"", " ", "-", "’", "\u200B"} {
		if !fold.CompileQuery(q).Empty() {
			t.Errorf("CompileQuery(%q).Empty() = false, want true", q)
		}
	}
	if fold.CompileQuery("a").Empty() {
		t.Error(`CompileQuery("a").Empty() = true, want false`)
	}
}

func checkFolded(t *testing.T, in, got string) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Errorf("Fold(%q) = %q: invalid UTF-8", in, got)
	}
	if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") {
		t.Errorf("Fold(%q) = %q: leading or trailing space", in, got)
	}
	if strings.Contains(got, "  ") {
		t.Errorf("Fold(%q) = %q: double space", in, got)
	}
	if again := fold.Fold(got); again != got {
		t.Errorf("Fold(%q) = %q, but Fold of that = %q: not idempotent", in, got, again)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"Müller", "João", "Иванов", "Ёлкин", "Ελένη Παπαδοπούλου", "Nguyễn Văn An",
		"Łukasz", "İstanbul", "أحمد", "مُحَمَّد", "김민준", "王芳", "ｶﾞﾙｼｱ", "O’Brien",
		"Jean-Pierre", "' OR 1=1 --", `"; DROP TABLE`, "a\xffb", "ᾳ", "゛a゛",
		"क्षत्रिय", "ভোলা", "ヷ", "カ\u3099", "가\u11A8", "ⅻ ¼ ⑴", "สมชาย", "שָׁלוֹם", "\u0345", "\uFB01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := fold.Fold(s)
		checkFolded(t, s, got)
		if slow := fold.FoldSlow(s); got != slow {
			t.Errorf("Fold(%q) = %q, but the slow path gives %q", s, got, slow)
		}
		for _, v := range fold.Variants(s) {
			checkFolded(t, s, v)
		}
		matchQuery(s, fold.IndexTokens(s))
	})
}

func BenchmarkFold(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"ascii", "Jean-Pierre Dupont"},
		{"latin", "Jürgen Müller-Lüdenscheidt"},
		{"cyrillic", "Алексей Иванов"},
		{"hangul", "김민준"},
		{"slow path", "ｶﾞﾙｼｱ ⑴"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fold.Fold(bb.in)
			}
		})
	}
}

func BenchmarkMatchQuery(b *testing.B) {
	doc := fold.IndexTokens("Müller", "Jürgen", "Deutsche Bundesbank", "Germany", "DEL-0042")
	b.Run("MatchQuery", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			matchQuery("mül jür", doc)
		}
	})
	b.Run("compiled", func(b *testing.B) {
		q := fold.CompileQuery("mül jür")
		b.ReportAllocs()
		for b.Loop() {
			q.Match(doc)
		}
	})
}

// TestFastPath checks that the runes the fast path folds as themselves do
// so in the slow path too, alone and between neighbours.
func TestFastPath(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		if !fold.SelfRange(r) {
			continue
		}
		s := string(r)
		if got := fold.FoldSlow(s); got != s {
			t.Fatalf("FoldSlow(%q) = %q, want itself", s, got)
		}
		if got, want := fold.FoldSlow("a"+s+"가"+s+"b"), "a"+s+"가"+s+"b"; got != want {
			t.Fatalf("FoldSlow(%q) = %q, want itself", want, got)
		}
	}
	for _, s := range []string{"Jürgen Müller-Lüdenscheidt", "Алексей Иванов", "김민준", "王芳", "Ελένη Παπαδοπούλου", "أحمد", "Nguyễn Văn An"} {
		got, ok := fold.FoldFast(s)
		if !ok {
			t.Errorf("FoldFast(%q) took the slow path", s)
		}
		if want := fold.FoldSlow(s); got != want {
			t.Errorf("FoldFast(%q) = %q, FoldSlow = %q", s, got, want)
		}
	}
}

// TestFastPathRandom compares the fast and slow paths on random mixtures of
// the runes the fast path handles, the marks that follow them and runes that
// need the slow path.
func TestFastPathRandom(t *testing.T) {
	var pool []rune
	for r := rune(0x20); r < 0x7F; r++ {
		pool = append(pool, r)
	}
	for r := rune(0x80); r <= 0x6FF; r++ {
		pool = append(pool, r)
	}
	for r := rune(0x1E00); r <= 0x206F; r++ {
		pool = append(pool, r)
	}
	for r := rune(0x3040); r <= 0x30FF; r++ {
		pool = append(pool, r)
	}
	pool = append(pool, '가', '각', '\u1100', '\u1161', '\u11A8', '王', '\u0900', '\u093E', '\u09C7', '\u09BE',
		'\u0E34', '\uFF76', '\uFF9E', '\u2474', '\uFB01', '\uAB9A', '\u13CA', '\uFFFD')
	rng := rand.New(rand.NewPCG(1, 2))
	n := 100000
	if testing.Short() {
		n = 20000
	}
	buf := make([]rune, 0, 8)
	for range n {
		buf = buf[:0]
		for range 1 + rng.IntN(6) {
			buf = append(buf, pool[rng.IntN(len(pool))])
		}
		s := string(buf)
		if got, want := fold.Fold(s), fold.FoldSlow(s); got != want {
			t.Fatalf("Fold(%q) = %q, slow path %q", s, got, want)
		}
		checkFolded(t, s, fold.Fold(s))
	}
}

func TestFoldConcurrent(t *testing.T) {
	names := []string{"Müller", "Иванов", "ｶﾞﾙｼｱ", "김민준", "O’Brien", "Jean-Pierre"}
	want := make([]string, len(names))
	for i, n := range names {
		want[i] = fold.Fold(n)
	}
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				k := (g + i) % len(names)
				if got := fold.Fold(names[k]); got != want[k] {
					t.Errorf("Fold(%q) = %q, want %q", names[k], got, want[k])
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}

// matchQuery reports whether every folded word of query is a prefix of some
// token of doc, in any order ("mul" and "MUELLER" find Müller, "pierre jean"
// finds Jean-Pierre, "иван" finds Иванов). The query's variants are tried
// too, so "Müller" typed at the desk also finds a roster entry spelled
// "Mueller". doc is the folded tokens of a delegate's names, organization,
// country and id (see IndexTokens). An empty query, or one of only
// punctuation and spaces, matches nothing. To test one query against many
// delegates, the product uses CompileQuery once and Query.Match.
func matchQuery(query string, doc []string) bool {
	return fold.CompileQuery(query).Match(doc)
}
