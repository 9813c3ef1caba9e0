package fold

import (
	"sync"
	"unicode/utf8"
)

// The fast path. Most names are in scripts where folding a text is folding
// each of its runes on its own: the runes below fold without regard to their
// neighbours (their marks are dropped, so NFC composes nothing). For them
// Fold looks each rune up in a table built from foldSlow the first time a
// non-ASCII text is folded; a text with any other rune takes the slow path.
// The fuzz target checks that both paths agree.

const (
	kindSlow = iota // the rune may depend on its neighbours: use foldSlow
	kindDrop        // the rune disappears (marks, format characters)
	kindSep         // the rune separates words
	kindText        // the rune becomes text
	kindSelf        // the rune stays as it is
)

type entry struct {
	kind uint8
	text string // for kindText; no leading or trailing space
}

// tabled are the ranges folded through the table.
var tabled = []struct{ lo, hi rune }{
	{0x0080, 0x06FF}, // Latin-1 to Latin Extended-B, IPA, marks, Greek, Cyrillic, Armenian, Hebrew, Arabic
	{0x1E00, 0x1FFF}, // Latin Extended Additional (Vietnamese), Greek Extended
	{0x2000, 0x206F}, // General Punctuation: spaces, dashes, quotes, zero-width characters
	{0x3040, 0x3098}, // Hiragana up to the voiced-sound marks
	{0x309D, 0x30FF}, // Hiragana iteration marks, Katakana
}

var (
	tableOnce sync.Once
	table     [][]entry // parallel to tabled
)

func buildTable() {
	table = make([][]entry, len(tabled))
	for i, rg := range tabled {
		t := make([]entry, rg.hi-rg.lo+1)
		for r := rg.lo; r <= rg.hi; r++ {
			t[r-rg.lo] = classify(r)
		}
		table[i] = t
	}
}

// classify folds r alone and between two letters and keeps the result if
// the two agree.
func classify(r rune) entry {
	alone := foldSlow(string(r))
	between := foldSlow("a" + string(r) + "b")
	switch {
	case alone == "" && between == "ab":
		return entry{kind: kindDrop}
	case alone == "" && between == "a b":
		return entry{kind: kindSep}
	case alone == string(r) && between == "a"+alone+"b":
		return entry{kind: kindSelf}
	case alone != "" && between == "a"+alone+"b":
		return entry{kind: kindText, text: alone}
	}
	return entry{kind: kindSlow}
}

// selfRange reports whether r is a CJK unified ideograph or a Hangul
// syllable: these fold to themselves (Hangul after NFKD and NFC), and no
// rune that composes with them under NFC is on the fast path.
func selfRange(r rune) bool {
	return 0x4E00 <= r && r <= 0x9FFF || 0xAC00 <= r && r <= 0xD7A3
}

func lookup(r rune) entry {
	if selfRange(r) {
		return entry{kind: kindSelf}
	}
	for i, rg := range tabled {
		if rg.lo <= r && r <= rg.hi {
			return table[i][r-rg.lo]
		}
	}
	return entry{kind: kindSlow}
}

// foldFast folds s through the table; ok is false when s has a rune that
// needs the slow path (or invalid UTF-8).
func foldFast(s string) (folded string, ok bool) {
	tableOnce.Do(buildTable)
	b := make([]byte, 0, len(s)+len(s)/4)
	space := false
	for _, r := range s {
		var e entry
		if r < utf8.RuneSelf {
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				e.kind = kindSelf
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
				e.kind = kindSelf
			default:
				e.kind = kindSep
			}
		} else {
			if r == utf8.RuneError {
				return "", false
			}
			e = lookup(r)
		}
		switch e.kind {
		case kindSlow:
			return "", false
		case kindDrop:
			continue
		case kindSep:
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		if e.kind == kindSelf {
			b = utf8.AppendRune(b, r)
		} else {
			b = append(b, e.text...)
		}
	}
	return string(b), true
}
