package card

import "unicode"

// fpdf writes runes left to right as given. Hebrew and Arabic are read right
// to left, so a line is put into visual order before it is drawn. This is a
// reduced form of the Unicode Bidirectional Algorithm (UAX #9), enough for
// names and organizations on one line: no explicit embeddings, digits kept
// left to right, neutrals between two runs of the same direction take it,
// other neutrals the direction of the paragraph (that of its first strong
// letter).

type bidiClass int

const (
	bidiNeutral bidiClass = iota // spaces, punctuation, symbols
	bidiLTR                      // letters of left-to-right scripts, digits
	bidiRTL                      // Hebrew, Arabic and other right-to-left letters
)

func bidiClassOf(r rune) bidiClass {
	switch {
	case r >= 0x0660 && r <= 0x0669, r >= 0x06F0 && r <= 0x06F9, unicode.IsDigit(r):
		return bidiLTR // numbers keep their order inside right-to-left text
	case r >= 0x0590 && r <= 0x08FF, r >= 0xFB1D && r <= 0xFDFF, r >= 0xFE70 && r <= 0xFEFF:
		if unicode.IsLetter(r) || r == 0x061F || r == 0x060C || r == 0x061B || r == 0x05BE {
			return bidiRTL // and Arabic ? , ; and Hebrew maqaf
		}
		return bidiNeutral
	case unicode.IsLetter(r) || unicode.Is(unicode.Mc, r):
		return bidiLTR
	}
	return bidiNeutral
}

// mirrored swaps paired punctuation drawn in right-to-left runs.
var mirrored = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹',
}

// visualOrder returns a line in the order its runes are drawn, left to
// right. A mark stays after its base letter, where fonts expect it.
func visualOrder(text []rune) []rune {
	hasRTL := false
	for _, r := range text {
		if bidiClassOf(r) == bidiRTL {
			hasRTL = true
			break
		}
	}
	if !hasRTL {
		return text
	}

	// Clusters: a base rune and the marks after it, which share its class.
	type cluster struct {
		runes []rune
		class bidiClass
		level int
	}
	var cs []cluster
	for _, r := range text {
		if unicode.In(r, unicode.Mn, unicode.Me) && len(cs) > 0 {
			cs[len(cs)-1].runes = append(cs[len(cs)-1].runes, r)
			continue
		}
		cs = append(cs, cluster{runes: []rune{r}, class: bidiClassOf(r)})
	}

	base := bidiLTR
	for _, c := range cs {
		if c.class != bidiNeutral {
			base = c.class
			break
		}
	}
	// Neutrals take the direction of the strong runes on both sides when
	// they agree, else that of the paragraph.
	for i := range cs {
		if cs[i].class != bidiNeutral {
			continue
		}
		before, after := base, base
		for j := i - 1; j >= 0; j-- {
			if cs[j].class != bidiNeutral {
				before = cs[j].class
				break
			}
		}
		for j := i + 1; j < len(cs); j++ {
			if cs[j].class != bidiNeutral {
				after = cs[j].class
				break
			}
		}
		if before == after {
			cs[i].level = levelOf(before, base)
		} else {
			cs[i].level = levelOf(base, base)
		}
	}
	maxLevel := 0
	for i := range cs {
		if cs[i].class != bidiNeutral {
			cs[i].level = levelOf(cs[i].class, base)
		}
		maxLevel = max(maxLevel, cs[i].level)
	}
	// Reverse every run at or above each level, highest level first.
	for level := maxLevel; level >= 1; level-- {
		for i := 0; i < len(cs); {
			if cs[i].level < level {
				i++
				continue
			}
			j := i
			for j < len(cs) && cs[j].level >= level {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				cs[a], cs[b] = cs[b], cs[a]
			}
			i = j
		}
	}
	out := make([]rune, 0, len(text))
	for _, c := range cs {
		if c.level%2 == 1 {
			if m, ok := mirrored[c.runes[0]]; ok {
				c.runes = append([]rune{m}, c.runes[1:]...)
			}
		}
		out = append(out, c.runes...)
	}
	return out
}

// levelOf is the embedding level of a run of direction d in a paragraph of
// direction base: 0 for left to right, 1 for right to left, and 2 for left
// to right inside a right-to-left paragraph.
func levelOf(d, base bidiClass) int {
	switch {
	case d == bidiRTL:
		return 1
	case base == bidiRTL:
		return 2
	}
	return 0
}
