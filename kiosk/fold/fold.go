// Package fold folds text so that people find names as they type them.
//
// The desk types a delegate's name the way it sounds or the way the keyboard
// allows: "muller", "MUELLER", "joao", "иванов", "o brien". The roster holds
// "Müller", "João", "Иванов", "O’Brien". Fold turns both sides into the same
// search key; Variants adds the spellings a name is also known by (German
// umlauts written ae/oe/ue, apostrophes left out); Tokens and IndexTokens split
// keys into words; CompileQuery and Query.Match do search-as-you-type: every
// typed word must begin some word of the delegate's record.
//
// # What Fold does, in order
//
//  1. Unicode NFKD: precomposed letters come apart into base letter and
//     combining marks (é → e + ◌́, Ё → Е + ◌̈, أ → ا + ◌ٔ, İ → I + ◌̇),
//     compatibility forms become their plain letters (ﬁ → fi, full-width
//     Ａ → A, ｶ → カ, Arabic presentation forms → letters, ① → 1).
//  2. Full Unicode case folding (cases.Fold): ß/ẞ → ss, final sigma ς → σ,
//     Σ → σ, Ж → ж. Then NFKD again, since folding can produce decomposable
//     text. Cherokee is corrected afterwards to fold to capitals, as Unicode
//     specifies (x/text/cases folds it the wrong way: golang/go#46101).
//  3. One pass over the runes, described in the next section.
//  4. Unicode NFC. NFKD takes Hangul syllables apart into jamo (김 → ᄀ ᅵ ᆷ);
//     NFC puts them back together, so Hangul is searched syllable by
//     syllable and 김민준 folds to 김민준. It also recomposes kana with their
//     voiced marks. Nothing else composes, as no other marks are left.
//
// # The rune pass
//
//   - Non-spacing and enclosing marks (Mn, Me) are dropped. This removes
//     Latin diacritics (ü → u, ã → a, ř → r), Greek tonos and dialytika,
//     Cyrillic breve and diaeresis (й → и, ё → е), Vietnamese tone and
//     vowel marks (ễ → e, ư → u), Hebrew niqqud, Arabic harakat, shadda and
//     hamza carriers (أ إ آ → ا, ؤ → و, ئ → ي), Devanagari and Thai
//     non-spacing vowel signs, virama and tone marks. For the Brahmic and
//     Thai scripts that loses some distinctions; for finding a name among
//     delegates it only widens a match, which the desk narrows by eye.
//     Spacing marks (Mc, e.g. Devanagari ा ि ी) are kept: they are written
//     as letters and typed as such.
//   - Exception: the Japanese voiced-sound marks ◌゙ ◌゚ (U+3099, U+309A) are
//     kept and recomposed (step 4), so ガ stays ガ and is not confused with
//     カ; half-width ｶﾞ becomes ガ. A mark with no letter before it is dropped.
//   - Format characters (Cf: zero-width joiner/non-joiner, soft hyphen,
//     bidi marks, BOM) and the Arabic tatweel ـ are dropped: they are
//     invisible inside a word and must not split it.
//   - Letters with no decomposition are spelled in ASCII: ø→o, ł→l, đ→d,
//     ð→d, þ→th, æ→ae, œ→oe, ı→i, ħ→h, ŧ→t, ə→a (Azerbaijani Əliyev →
//     aliyev), ɛ→e, ɔ→o, ɓ→b, ɗ→d, ƙ→k, ƴ→y (West African letters).
//   - Arabic and Persian: ٱ → ا, ى → ي, ی → ي, ک → ك, ة → ه.
//   - Decimal digits of every script become ASCII digits (٣ ۳ ३ → 3), so
//     ids typed on any keyboard match.
//   - Letters (L), numbers (N) and spacing marks (Mc) are kept, except the
//     modifier letters used as apostrophes (ʹ ʻ ʼ ʽ ʾ ʿ). Everything else —
//     punctuation (hyphens, apostrophes ' ’, dots, commas, quotes), those
//     modifier apostrophes, symbols, white space, controls, unassigned code
//     points and invalid UTF-8 — separates words: runs of them become one
//     space, and none is left at either end.
//
// CJK ideographs, kana, Hangul and the letters of most other scripts pass
// unchanged (CJK compatibility ideographs become their unified forms by NFKD).
//
// Fold is idempotent: Fold(Fold(s)) == Fold(s). Its result is valid UTF-8
// with single spaces between words. A text with no letters or digits folds
// to "". Folded text is plain text: quotes, semicolons and dashes of
// injection-shaped input are separators like any other punctuation.
//
// # Speed
//
// ASCII text is folded byte by byte (about 0.1 µs for a name). Text in
// Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Vietnamese, kana, CJK
// ideographs and Hangul syllables is folded rune by rune through a table
// derived from the steps above on first use (about 5 ms, once), about
// 0.3 µs for a name; other text goes through the steps above (a few µs).
// Tests check that the table and the steps agree.
//
// # Not done
//
// Hiragana and katakana are not folded together; Chinese is not
// converted between traditional and simplified characters; Hangul is not
// matched jamo by jamo (typing 기 does not find 김 before the syllable is
// complete); no transliteration between scripts here (Иванов is not
// folded to "ivanov": package translit spells names in Latin letters, and
// the search index adds those spellings as keys of their own); no segmentation of text written without spaces (CJK, Thai), so
// family and given names must be indexed as separate fields to be found
// separately.
package fold

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// casers pools case folders: a cases.Caser keeps state and must not be
// shared between goroutines.
var casers = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// special spells letters that have no Unicode decomposition. Keys are the
// case-folded (lower-case) forms.
var special = map[rune]string{
	'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'æ': "ae", 'œ': "oe",
	'ı': "i", 'ħ': "h", 'ŧ': "t", 'ə': "a", 'ǝ': "a", 'ɛ': "e", 'ɔ': "o",
	'ɓ': "b", 'ɗ': "d", 'ƙ': "k", 'ƴ': "y",
	'\u0671': "\u0627", // ٱ alef wasla → ا alef
	'\u0649': "\u064A", // ى alef maksura → ي yeh
	'\u06CC': "\u064A", // ی farsi yeh → ي yeh
	'\u06A9': "\u0643", // ک keheh → ك kaf
	'\u0629': "\u0647", // ة teh marbuta → ه heh
}

// Fold returns the search key of s; see the package documentation for the
// rules.
func Fold(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	if f, ok := foldFast(s); ok {
		return f
	}
	return foldSlow(s)
}

// foldSlow is Fold by the steps in the package documentation.
func foldSlow(s string) string {
	if !utf8.ValidString(s) {
		// norm passes invalid bytes through and may leave the text after
		// them unnormalized; they are separators anyway.
		s = strings.ToValidUTF8(s, " ")
	}
	t := norm.NFKD.String(s)
	c := casers.Get().(*cases.Caser)
	t = c.String(t)
	casers.Put(c)
	t = norm.NFKD.String(t)

	var b strings.Builder
	b.Grow(len(t))
	space := false // a separator is pending
	for _, r := range t {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			case 'A' <= r && r <= 'Z': // not after folding, but be safe
				r += 'a' - 'A'
			default:
				space = true
				continue
			}
		case r == '\u3099' || r == '\u309A':
			// Kana voiced-sound marks: keep them on their letter.
			if space || b.Len() == 0 {
				continue
			}
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) || r == '\u0640':
			continue
		case '\uAB70' <= r && r <= '\uABBF' || '\u13F8' <= r && r <= '\u13FD':
			// Cherokee folds to capitals (Unicode CaseFolding.txt), but
			// x/text/cases swaps the cases (golang/go#46101), which would
			// make Fold not idempotent.
			r = unicode.ToUpper(r)
		case special[r] != "":
			emit(&b, &space, special[r])
			continue
		case unicode.IsDigit(r):
			r = '0' + digitValue(r)
		case unicode.In(r, unicode.L, unicode.N, unicode.Mc):
			if isApostrophe(r) {
				space = true
				continue
			}
		default:
			space = true
			continue
		}
		if space {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

func emit(b *strings.Builder, space *bool, s string) {
	if *space {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		*space = false
	}
	b.WriteString(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is Fold for pure ASCII text: lower-case letters and digits, runs
// of anything else become one space.
func foldASCII(s string) string {
	clean := true // already lower-case words separated by single spaces
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') &&
			!(c == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' ') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}

// digitValue returns the value of a decimal digit (Nd). Unicode assigns
// decimal digits in contiguous runs from 0 to 9, so the value is the
// distance from the start of the run modulo 10.
func digitValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10
		}
	}
	return 0
}

// isApostrophe reports whether r is a modifier letter used as an apostrophe
// or a transliteration of hamza/ayin (ʹ ʻ ʼ ʽ ʾ ʿ). Punctuation apostrophes
// (' ’ ‘ `) are not letters and separate words anyway.
func isApostrophe(r rune) bool {
	switch r {
	case '\u02B9', '\u02BB', '\u02BC', '\u02BD', '\u02BE', '\u02BF':
		return true
	}
	return false
}

// elidable reports whether r is an apostrophe that Variants also leaves out
// (O’Brien → obrien, D'Alembert → dalembert).
func elidable(r rune) bool {
	switch r {
	case '\'', '`', '\u2018', '\u2019', '\u201B', '\u2032', '\u00B4', '\uFF07':
		return true
	}
	return isApostrophe(r)
}

// Variants returns the search keys of s: first Fold(s), then, when s has a
// German umlaut (ä ö ü, any case, precomposed or not), the key of the
// ae/oe/ue spelling (Müller → "muller", "mueller"; ß is ss in both), and,
// when s has an apostrophe, the keys with the apostrophe left out instead of
// separating words (O’Brien → "o brien", "obrien"). The keys are distinct;
// the empty key is never returned, so a text without letters or digits has
// no variants.
func Variants(s string) []string {
	keys := make([]string, 0, 4)
	add := func(k string) {
		if k == "" {
			return
		}
		for _, have := range keys {
			if have == k {
				return
			}
		}
		keys = append(keys, k)
	}
	add(Fold(s))
	if isASCII(s) && !strings.ContainsAny(s, "'`") {
		return keys
	}
	bases := []string{s}
	if n := norm.NFC.String(s); strings.ContainsAny(n, "äöüÄÖÜ") {
		bases = append(bases, umlauts.Replace(n))
	}
	for _, base := range bases {
		add(Fold(base))
		if strings.IndexFunc(base, elidable) >= 0 {
			add(Fold(strings.Map(func(r rune) rune {
				if elidable(r) {
					return -1
				}
				return r
			}, base)))
		}
	}
	return keys
}

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue")

// Tokens returns the words of Fold(s), in order. A text without letters or
// digits has no tokens.
func Tokens(s string) []string {
	return strings.Fields(Fold(s))
}

// IndexTokens returns the distinct tokens of every variant of every text:
// what to store for a delegate whose family and given names, organization,
// country and id are texts. Pass each name part as its own text, so that
// scripts written without spaces still have each part as a word.
func IndexTokens(texts ...string) []string {
	var toks []string
	seen := make(map[string]struct{})
	for _, t := range texts {
		for _, v := range Variants(t) {
			for _, w := range strings.Fields(v) {
				if _, ok := seen[w]; !ok {
					seen[w] = struct{}{}
					toks = append(toks, w)
				}
			}
		}
	}
	return toks
}

// Query is a compiled search: the words of every variant of what was typed.
// Compile once, then Match against many delegates.
type Query struct {
	alts [][]string
}

// CompileQuery folds a typed query. A query without letters or digits
// (empty, only spaces or punctuation) is empty and matches nothing.
func CompileQuery(q string) Query {
	var alts [][]string
	for _, v := range Variants(q) {
		alts = append(alts, strings.Fields(v))
	}
	return Query{alts: alts}
}

// Empty reports whether the query has no words and so matches nothing.
func (q Query) Empty() bool { return len(q.alts) == 0 }

// Match reports whether, for some variant of the query, every word is a
// prefix of some token of doc, in any order. doc must be folded tokens, as
// returned by IndexTokens or Tokens. An empty query matches nothing.
func (q Query) Match(doc []string) bool {
	for _, words := range q.alts {
		if matchAll(words, doc) {
			return true
		}
	}
	return false
}

func matchAll(words, doc []string) bool {
	if len(words) == 0 {
		return false
	}
outer:
	for _, w := range words {
		for _, d := range doc {
			if strings.HasPrefix(d, w) {
				continue outer
			}
		}
		return false
	}
	return true
}
