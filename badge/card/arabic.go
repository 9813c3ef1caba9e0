package card

import "unicode"

// Arabic letters change shape with their neighbours, which fpdf does not do
// (it has no OpenType shaping). shapeArabic does it by hand: each letter is
// replaced by its isolated, final, initial or medial presentation form
// (Unicode blocks Arabic Presentation Forms-A and -B), which the embedded
// Noto Sans Arabic maps, and lam followed by alef becomes their ligature.

// arabicForm gives a letter's isolated presentation form and how many forms
// follow it: 4 for a dual-joining letter (isolated, final, initial, medial),
// 2 for a right-joining one (isolated, final), 1 for one that never joins.
type arabicForm struct {
	isolated rune
	forms    int
}

var arabicForms = map[rune]arabicForm{
	'\u0621': {0xFE80, 1}, // hamza
	'\u0622': {0xFE81, 2}, // alef with madda
	'\u0623': {0xFE83, 2}, // alef with hamza above
	'\u0624': {0xFE85, 2}, // waw with hamza
	'\u0625': {0xFE87, 2}, // alef with hamza below
	'\u0626': {0xFE89, 4}, // yeh with hamza
	'\u0627': {0xFE8D, 2}, // alef
	'\u0628': {0xFE8F, 4}, // beh
	'\u0629': {0xFE93, 2}, // teh marbuta
	'\u062A': {0xFE95, 4}, // teh
	'\u062B': {0xFE99, 4}, // theh
	'\u062C': {0xFE9D, 4}, // jeem
	'\u062D': {0xFEA1, 4}, // hah
	'\u062E': {0xFEA5, 4}, // khah
	'\u062F': {0xFEA9, 2}, // dal
	'\u0630': {0xFEAB, 2}, // thal
	'\u0631': {0xFEAD, 2}, // reh
	'\u0632': {0xFEAF, 2}, // zain
	'\u0633': {0xFEB1, 4}, // seen
	'\u0634': {0xFEB5, 4}, // sheen
	'\u0635': {0xFEB9, 4}, // sad
	'\u0636': {0xFEBD, 4}, // dad
	'\u0637': {0xFEC1, 4}, // tah
	'\u0638': {0xFEC5, 4}, // zah
	'\u0639': {0xFEC9, 4}, // ain
	'\u063A': {0xFECD, 4}, // ghain
	'\u0641': {0xFED1, 4}, // feh
	'\u0642': {0xFED5, 4}, // qaf
	'\u0643': {0xFED9, 4}, // kaf
	'\u0644': {0xFEDD, 4}, // lam
	'\u0645': {0xFEE1, 4}, // meem
	'\u0646': {0xFEE5, 4}, // noon
	'\u0647': {0xFEE9, 4}, // heh
	'\u0648': {0xFEED, 2}, // waw
	'\u0649': {0xFEEF, 2}, // alef maksura
	'\u064A': {0xFEF1, 4}, // yeh
	'\u0671': {0xFB50, 2}, // alef wasla
	'\u0679': {0xFB66, 4}, // tteh (Urdu)
	'\u067E': {0xFB56, 4}, // peh (Persian, Urdu)
	'\u0686': {0xFB7A, 4}, // tcheh (Persian, Urdu)
	'\u0688': {0xFB88, 2}, // ddal (Urdu)
	'\u0691': {0xFB8C, 2}, // rreh (Urdu)
	'\u0698': {0xFB8A, 2}, // jeh (Persian)
	'\u06A9': {0xFB8E, 4}, // keheh (Persian, Urdu)
	'\u06AF': {0xFB92, 4}, // gaf (Persian, Urdu)
	'\u06BA': {0xFB9E, 2}, // noon ghunna (Urdu)
	'\u06BE': {0xFBAA, 4}, // heh doachashmee (Urdu)
	'\u06C1': {0xFBA6, 4}, // heh goal (Urdu)
	'\u06CC': {0xFBFC, 4}, // farsi yeh
	'\u06D2': {0xFBAE, 2}, // yeh barree (Urdu)
	'\u06D3': {0xFBB0, 2}, // yeh barree with hamza (Urdu)
}

// lamAlef maps the alef that follows a lam to the isolated form of their
// ligature; the final form is the next code point.
var lamAlef = map[rune]rune{'\u0622': 0xFEF5, '\u0623': 0xFEF7, '\u0625': 0xFEF9, '\u0627': 0xFEFB}

const tatweel = '\u0640' // joins on both sides and has no forms

// joinsForward reports whether r connects to the letter after it.
func joinsForward(r rune) bool { return r == tatweel || r == zwj || arabicForms[r].forms == 4 }

// joinsBackward reports whether r connects to the letter before it.
func joinsBackward(r rune) bool { return r == tatweel || r == zwj || arabicForms[r].forms >= 2 }

// shapeArabic replaces Arabic letters in logical order by their contextual
// presentation forms. Other runes are left alone; marks (harakat) are
// transparent: letters join across them. The zero-width non-joiner keeps
// two letters apart and the joiner joins them.
func shapeArabic(text []rune) []rune {
	hasArabic := false
	for _, r := range text {
		if _, ok := arabicForms[r]; ok {
			hasArabic = true
			break
		}
	}
	if !hasArabic {
		return text
	}
	// neighbour returns the closest rune before (step -1) or after (+1) i
	// that is not a mark, or 0.
	neighbour := func(i, step int) rune {
		for j := i + step; j >= 0 && j < len(text); j += step {
			if !unicode.Is(unicode.Mn, text[j]) {
				return text[j]
			}
		}
		return 0
	}
	out := make([]rune, 0, len(text))
	for i := 0; i < len(text); i++ {
		r := text[i]
		f, ok := arabicForms[r]
		if !ok {
			out = append(out, r)
			continue
		}
		prev := joinsForward(neighbour(i, -1))
		if lig, ok := lamAlef[nextRune(text, i)]; ok && r == '\u0644' {
			if prev {
				lig++
			}
			out = append(out, lig)
			i++
			continue
		}
		next := f.forms == 4 && joinsBackward(neighbour(i, +1))
		form := 0 // isolated
		switch {
		case f.forms == 1:
		case prev && next:
			form = 3 // medial
		case next:
			form = 2 // initial
		case prev && f.forms >= 2:
			form = 1 // final
		}
		out = append(out, f.isolated+rune(form))
	}
	return out
}

func nextRune(text []rune, i int) rune {
	if i+1 < len(text) {
		return text[i+1]
	}
	return 0
}
