package card

import "strings"

// Thai is written in visual order and needs no reordering, but its vowel
// and tone marks are positioned by the font's OpenType tables, which fpdf
// ignores: drawn as the font gives them, a tone mark over an upper vowel
// (เลื่อน) lands on the vowel, and marks over ป ฝ ฟ ฬ run into the
// consonant's tall stem. thaiMarkOffset moves those marks as the font's
// tables would. The amounts are measured on Noto Sans Thai's glyphs (Bold
// and Regular differ by less than 0.02 em): marks sit at 0.624 em, the
// upper vowels reach up to the heights below.

// thaiUpperVowelTop is how high each upper vowel (and nikhahit) reaches,
// in ems.
var thaiUpperVowelTop = map[rune]float64{
	'\u0E31': 0.79, // mai han-akat
	'\u0E34': 0.73, // sara i
	'\u0E35': 0.80, // sara ii
	'\u0E36': 0.81, // sara ue
	'\u0E37': 0.80, // sara uee
	'\u0E47': 0.86, // maitaikhu
	'\u0E4D': 0.80, // nikhahit
}

const (
	thaiMarkBottom  = 0.624                            // where marks sit by default, in ems
	thaiMarkGap     = 0.05                             // between stacked marks
	thaiStemShift   = -0.13                            // marks over a tall stem move left by this much
	thaiBelowShift  = -0.2                             // below vowels under a descender move down
	thaiToneMarks   = "\u0E48\u0E49\u0E4A\u0E4B\u0E4C" // mai ek, tho, tri, chattawa, thanthakhat
	thaiTallStems   = "ปฝฟฬ"
	thaiDescenders  = "ฎฏ"
	thaiBelowVowels = "\u0E38\u0E39\u0E3A"
	thaiSaraAm      = '\u0E33'
)

// thaiMarkOffset returns how far the mark text[i] must move from where
// the font draws it, in ems (dx to the right, dy up), or false if it is
// not a mark or stays.
func thaiMarkOffset(text []rune, i int) (dx, dy float64, move bool) {
	r := text[i]
	_, upper := thaiUpperVowelTop[r]
	tone := strings.ContainsRune(thaiToneMarks, r)
	below := strings.ContainsRune(thaiBelowVowels, r)
	if !upper && !tone && !below {
		return 0, 0, false
	}
	base := i - 1 // the consonant the mark belongs to
	for base >= 0 && isThaiMark(text[base]) {
		base--
	}
	if base >= 0 && (upper || tone) && strings.ContainsRune(thaiTallStems, text[base]) {
		dx = thaiStemShift
	}
	if base >= 0 && below && strings.ContainsRune(thaiDescenders, text[base]) {
		dy = thaiBelowShift
	}
	if tone {
		// A tone mark goes above an upper vowel before it, or above the
		// nikhahit of a sara am after it.
		top := 0.0
		if i > 0 {
			top = thaiUpperVowelTop[text[i-1]]
		}
		if i+1 < len(text) && text[i+1] == thaiSaraAm {
			top = thaiUpperVowelTop['\u0E4D']
		}
		if top > 0 {
			dy = top + thaiMarkGap - thaiMarkBottom
		}
	}
	return dx, dy, dx != 0 || dy != 0
}

func isThaiMark(r rune) bool {
	_, upper := thaiUpperVowelTop[r]
	return upper || strings.ContainsRune(thaiToneMarks+thaiBelowVowels, r)
}
