// Package translit spells names written in other scripts in Latin letters:
// the line printed under a name on a badge, and the keys the desk search
// finds it by when staff type it in Latin letters.
//
// Tables are the product's own, written by hand (scripts.go, han.go).
//
// # The printed spelling (Latin, Family)
//
// One standard per script, and only for scripts whose standard
// romanisation is what the delegate's passport most likely shows:
//
//   - Cyrillic: BGN/PCGN for Russian (Кузнецов Пётр → Kuznetsov Pyotr),
//     the Ukrainian national system of 2010 for Ukrainian (Володимир →
//     Volodymyr; a text with ї є ґ, or і without ў, or a delegate of
//     Ukraine), and the national Latin alphabets of Serbian and Macedonian
//     for their letters.
//   - Greek: ELOT 743 (the transcription of Greek passports; ISO 843 alike).
//   - Armenian: the ASCII scheme of Armenian passports.
//   - Georgian: the national system of 2002 without its apostrophes.
//   - Japanese kana: passport Hepburn, long vowels not marked.
//   - Chinese: Hanyu Pinyin without tones, syllables of a name joined,
//     family names by their family-name reading (曾 Zeng, 单 Shan), ü as
//     yu after l and n, as Chinese passports write it (吕 Lyu). Not for
//     delegates of Japan (kanji: their readings cannot be guessed),
//     Korea (hanja), Taiwan, Hong Kong and Macao (passports there use
//     Wade–Giles or Cantonese spellings pinyin would contradict), and not
//     for a text with kana in it (a Japanese name).
//   - Hangul: Revised Romanization, with the customary spelling of common
//     family names (김 Kim); Devanagari: a simple Hindi scheme.
//
// Never for abjads (Arabic, Persian, Urdu, Hebrew, Syriac, Thaana): their
// short vowels are not written, and a guess such as "Ahmd al-Mnsuri" for
// أحمد المنصوري is worse than nothing. Such names are printed and
// searched in Latin only through the roster's latin_family_name and
// latin_given_name columns. Thai, Khmer, other Brahmic scripts and kanji
// are not spelled either.
//
// # Search keys (Keys)
//
// A desk types what it hears or what another document shows, so a name is
// found by the spellings of several schemes, each a key: Cyrillic by
// BGN/PCGN, ICAO 9303 (the machine-readable zone of passports: Юлия →
// Iuliia) and GOST 7.79 B in ASCII (Кузнецов → kuznecov), plus the
// Ukrainian national system for Ukrainian; Greek by ELOT 743 and with χ as
// h and μπ, ντ always mp, nt (Χατζής → hatzis); Armenian also with -ian
// for -yan; Georgian also with ყ as k; kana also with long vowels written
// (satou), as oh (satoh) and in Kunrei-shiki (si, ti, tu, hu, sya);
// Chinese by every reading of each character (多音字), each syllable also
// alone, and ü also as u and v. Keys exist only where the printed spelling
// does (Chinese also for Taiwan, Hong Kong and Macao, where pinyin is at
// worst one more key).
package translit

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Latin returns the standard Latin spelling of s (see the package
// documentation), and whether s has one: false when any letter of s is in
// a script that is not spelled (an abjad, kanji, Thai…). Latin letters,
// digits, spaces and punctuation pass through. country is the delegate's
// ISO 3166-1 alpha-2 code, or "".
func Latin(s, country string) (string, bool) {
	return spell(s, newContext(s, country), 0, false)
}

// Family is Latin for a family name given on its own, which some scripts
// spell apart: 김 is Kim, not Gim; 曾 is Zeng, not Ceng.
func Family(s, country string) (string, bool) {
	t := strings.TrimSpace(norm.NFC.String(s))
	if v, ok := hangulSurnames[t]; ok {
		return v, true
	}
	c := newContext(s, country)
	if c.print && isHan(t) {
		if v, ok := hanSurname(t); ok {
			return capitalise(v), true
		}
	}
	return spell(s, c, 0, false)
}

// NeedsLatin reports whether s has a letter outside the Latin script.
func NeedsLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && scriptOf(r) != scriptLatin {
			return true
		}
	}
	return false
}

// Keys returns the Latin spellings of s that a desk may type, in lower
// case: the standard one and those of the other schemes of its scripts
// (see the package documentation), each once. Runs of a script that is not
// spelled are left out. A text with no letter outside the Latin script, or
// none that is spelled, has no keys.
func Keys(s, country string) []string {
	if !NeedsLatin(s) {
		return nil
	}
	c := newContext(s, country)
	c.print = c.han // keys: pinyin wherever a Han name may be Chinese
	var keys []string
	add := func(k string) {
		k = strings.ToLower(k)
		if strings.TrimSpace(k) != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for v := range maxVariants {
		k, _ := spell(s, c, v, true)
		add(k)
	}
	if t := strings.TrimSpace(norm.NFC.String(s)); hangulSurnames[t] != "" {
		add(hangulSurnames[t])
	}
	if c.han {
		for _, k := range hanKeys(s) {
			add(k)
		}
	}
	return keys
}

// context is what spelling a text depends on beyond its letters.
type context struct {
	ukrainian bool // Cyrillic is Ukrainian
	han       bool // Han characters may be read as Chinese (no kana, not Japan or Korea)
	print     bool // and pinyin may be printed (not Taiwan, Hong Kong, Macao)
}

func newContext(s, country string) context {
	country = strings.ToUpper(country)
	var c context
	hasKana, hasI, hasBelarusian := false, false, false
	for _, r := range s {
		switch {
		case r == 'ї' || r == 'Ї' || r == 'є' || r == 'Є' || r == 'ґ' || r == 'Ґ':
			c.ukrainian = true
		case r == 'і' || r == 'І':
			hasI = true
		case r == 'ў' || r == 'Ў':
			hasBelarusian = true
		case scriptOf(r) == scriptKana:
			hasKana = true
		}
	}
	c.ukrainian = c.ukrainian || hasI && !hasBelarusian || country == "UA"
	switch country {
	case "JP", "KR", "KP":
	default:
		c.han = !hasKana
	}
	switch country {
	case "TW", "HK", "MO":
	default:
		c.print = c.han
	}
	return c
}

// maxVariants is the most schemes any script has for its keys.
const maxVariants = 4

// spell spells s by variant v of each script's schemes (the last one a
// script has, when it has fewer; 0 is the standard). With skip, runs of
// scripts that are not spelled are left out rather than failing.
func spell(s string, c context, v int, skip bool) (string, bool) {
	var out strings.Builder
	runes := []rune(norm.NFC.String(s))
	ok := true
	for i := 0; i < len(runes); {
		sc := scriptOf(runes[i])
		j := i + 1
		for j < len(runes) && (scriptOf(runes[j]) == sc || sc != scriptLatin && isMark(runes[j])) {
			j++
		}
		word := runes[i:j]
		i = j
		switch sc {
		case scriptLatin:
			out.WriteString(string(word))
		case scriptCyrillic:
			scheme := min(v, len(cyrillicSchemes)-1)
			if c.ukrainian && v == 0 {
				scheme = cyrUkrainian
			} else if !c.ukrainian && scheme == cyrUkrainian {
				scheme = cyrGOST
			}
			out.WriteString(withCase(word, func(w []rune) string { return cyrillicWord(w, scheme) }))
		case scriptGreek:
			out.WriteString(withCase(word, func(w []rune) string { return greekWord(w, min(v, 1)) }))
		case scriptArmenian:
			out.WriteString(withCase(word, func(w []rune) string { return armenianWord(w, min(v, 1)) }))
		case scriptGeorgian:
			out.WriteString(capitalise(georgianWord(word, min(v, 1))))
		case scriptKana:
			out.WriteString(capitalise(kanaWord(word, min(v, 3))))
		case scriptHangul:
			out.WriteString(capitalise(hangulWord(word)))
		case scriptDevanagari:
			out.WriteString(capitalise(devanagariWord(word)))
		case scriptHan:
			if c.print {
				out.WriteString(capitalise(hanWord(word)))
				break
			}
			fallthrough
		default:
			if !skip {
				return "", false
			}
			ok = false
			out.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(out.String()), " "), ok
}

type script int

const (
	scriptLatin script = iota // Latin, and anything not a letter
	scriptCyrillic
	scriptGreek
	scriptArmenian
	scriptGeorgian
	scriptKana
	scriptHangul
	scriptDevanagari
	scriptHan
	scriptOther // abjads (Arabic, Hebrew…), Thai and every script without a table
)

func scriptOf(r rune) script {
	switch {
	case r < 0x0250 || unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Armenian, r):
		return scriptArmenian
	case unicode.Is(unicode.Georgian, r):
		return scriptGeorgian
	case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 'ー':
		return scriptKana
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	case unicode.Is(unicode.Devanagari, r):
		return scriptDevanagari
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.IsLetter(r) || isMark(r):
		return scriptOther
	}
	return scriptLatin
}

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) }

func isHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if scriptOf(r) != scriptHan {
			return false
		}
	}
	return true
}
