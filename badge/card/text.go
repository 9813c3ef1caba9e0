package card

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// Field lengths, in runes, beyond which text is cut before layout. A badge
// cannot show more anyway, and the cut bounds the work on hostile input.
const (
	maxNameRunes  = 200
	maxFieldRunes = 200
	maxShortRunes = 64
)

// cleanText makes s safe to lay out: valid UTF-8 in NFC (so e + ◌̂ + ◌̃ is
// the single ễ the fonts have), control characters as spaces, format
// characters (bidi controls, soft hyphens, BOM) and U+FFFD dropped, runs of
// spaces as one, no leading or trailing space, at most limit runes. The
// zero-width non-joiner and joiner stay: they decide how Arabic letters
// join (Persian names use the non-joiner), and shapeLine drops them.
func cleanText(s string, limit int) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) > 2*limit { // spare NFC the part that is cut anyway
		s = string([]rune(s)[:2*limit])
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case r == zwnj || r == zwj:
		case unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
			continue
		}
		if space {
			n++
		}
		if n >= limit {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		n++
	}
	if strings.Trim(b.String(), "\u200C\u200D ") == "" {
		return "" // nothing visible
	}
	return b.String()
}

const (
	zwnj = '\u200C' // zero-width non-joiner
	zwj  = '\u200D' // zero-width joiner
)

// run is text drawn with one face.
type run struct {
	face *face
	text string
}

// line is one line of text ready to draw: its runs in visual order.
type line []run

// shapeLine prepares a logical line of text for drawing: Arabic letters
// take their joined forms, the line is put in visual order, and split into
// runs by the first face of chain that covers each rune. ok is false when
// some rune is covered by no face: the line would print a missing glyph.
func shapeLine(text string, chain []*face) (l line, ok bool) {
	runes := visualOrder(shapeArabic([]rune(text)))
	var cur *face
	var b strings.Builder
	for _, r := range runes {
		if r == zwnj || r == zwj {
			if cur != nil && cur.shaping != nil {
				b.WriteRune(r) // they choose conjunct or half forms
			}
			continue // Arabic: they did their work in shapeArabic
		}
		f := cur
		// Neutral characters and marks stay in the current face when it
		// has them, so a space or a vowel sign does not switch fonts.
		keep := cur != nil && cur.cov.has(r) && (!unicode.IsLetter(r) || cur == pickFace(r, chain))
		if !keep {
			if f = pickFace(r, chain); f == nil {
				return nil, false
			}
		}
		if f != cur && b.Len() > 0 {
			l = append(l, run{face: cur, text: b.String()})
			b.Reset()
		}
		cur = f
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		l = append(l, run{face: cur, text: b.String()})
	}
	return l, true
}

// pickFace returns the first face of chain that covers r, or nil.
func pickFace(r rune, chain []*face) *face {
	for _, f := range chain {
		if f.cov.has(r) {
			return f
		}
	}
	return nil
}

// renderable reports whether every rune of text can be drawn with chain.
func renderable(text string, chain []*face) bool {
	_, ok := shapeLine(text, chain)
	return ok
}

// page draws text on a PDF page, adding each face to the document the first
// time it is used: parsing a font costs milliseconds, and most badges need
// two or three of them.
type page struct {
	pdf    *fpdf.Fpdf
	fonts  *fontSet
	han    hanVariant
	loaded map[string]bool // by face name
	shaper *shaper
	ink    Colour // the text colour set last
}

func (p *page) setFace(f *face, size float64) {
	if !p.loaded[f.name] {
		// fpdf writes into the bytes it is given while subsetting (an
		// append on a slice of them in utf8FontFile.getMetrics), so each
		// document gets its own copy: shared, they would be corrupted and
		// raced on.
		p.pdf.AddUTF8FontFromBytes(f.name, "", bytes.Clone(f.data))
		p.loaded[f.name] = true
	}
	p.pdf.SetFont(f.name, "", size)
}

// chain returns the faces for regular or bold text on this page.
func (p *page) chain(bold bool) []*face { return p.fonts.chain(bold, p.han) }

// width returns the width of l in mm at size pt.
func (p *page) width(l line, size float64) float64 {
	w := 0.0
	for _, r := range l {
		if r.face.shaping != nil {
			for _, g := range p.shaper.shape(r.face, r.text) {
				w += g.advance * size * ptMM
			}
			continue
		}
		p.setFace(r.face, size)
		w += p.pdf.GetStringWidth(r.text)
	}
	return w
}

// synthBoldStroke is the width of the outline stroked around a face that
// has no bold, in ems: about what Noto Sans CJK Bold adds to the stems of
// its Regular on each side.
const synthBoldStroke = 0.045

// draw writes l with its left end at x and its baseline at y.
func (p *page) draw(l line, x, y, size float64) {
	for _, r := range l {
		p.setFace(r.face, size)
		switch {
		case r.face.shaping != nil:
			x = p.drawShaped(r, x, y, size)
		case r.face.thai:
			x = p.drawThai(r.text, x, y, size)
		case r.face.synthBold:
			p.pdf.SetDrawColor(int(p.ink.R), int(p.ink.G), int(p.ink.B))
			p.pdf.SetLineWidth(synthBoldStroke * size * ptMM)
			p.pdf.SetTextRenderingMode(2) // fill, then stroke
			p.pdf.Text(x, y, r.text)
			p.pdf.SetTextRenderingMode(0)
			x += p.pdf.GetStringWidth(r.text)
		default:
			p.pdf.Text(x, y, r.text)
			x += p.pdf.GetStringWidth(r.text)
		}
	}
}

// drawShaped draws a run of a face with shaping tables glyph by glyph, at
// the places the shaper gave them, and returns where it ends. The glyphs
// are marked as standing for the run's text, which a reader then copies
// and searches in their place. The face is set.
func (p *page) drawShaped(r run, x, y, size float64) float64 {
	em := size * ptMM
	p.pdf.RawWriteStr(actualText(r.text))
	for _, g := range p.shaper.shape(r.face, r.text) {
		if g.r != 0 {
			p.pdf.Text(x+g.dx*em, y-g.dy*em, string(g.r))
		}
		x += g.advance * em
	}
	p.pdf.RawWriteStr("EMC")
	return x
}

// drawThai writes Thai text with the marks that need it moved (see
// thaiMarkOffset) and returns where the text ends. The face is set.
func (p *page) drawThai(text string, x, y, size float64) float64 {
	runes := []rune(text)
	em := size * ptMM
	start := 0
	for i := range runes {
		dx, dy, move := thaiMarkOffset(runes, i)
		if !move {
			continue
		}
		before := string(runes[start:i])
		p.pdf.Text(x, y, before)
		x += p.pdf.GetStringWidth(before)
		p.pdf.Text(x+dx*em, y-dy*em, string(runes[i])) // marks have no width
		start = i + 1
	}
	rest := string(runes[start:])
	p.pdf.Text(x, y, rest)
	return x + p.pdf.GetStringWidth(rest)
}

// block is text laid out in lines at one size.
type block struct {
	lines []line
	size  float64 // pt
}

// textBox is where and how a text is laid out.
type textBox struct {
	width    float64 // mm
	max, min float64 // font size range, pt
	lines    int     // at most
	bold     bool
}

// fit lays out text (clean and renderable with the box's chain) as large as
// the box allows: one line if it fits at the largest size, else two lines
// (when allowed) if that is clearly larger, shrinking down to the smallest
// size. Text that does not fit even then is cut with an ellipsis, so
// nothing is ever drawn outside the box.
func (p *page) fit(text string, box textBox) block {
	chain := p.chain(box.bold)
	if text == "" {
		return block{size: box.max}
	}
	one, _ := shapeLine(text, chain)
	oneSize := box.width / p.width(one, 1)
	if oneSize >= box.max {
		return block{lines: []line{one}, size: box.max}
	}
	if box.lines >= 2 {
		first, second, twoSize := p.bestBreak(text, chain, box.width)
		if twoSize > oneSize*1.15 {
			size := min(roundDown(twoSize), box.max)
			if size >= box.min {
				return block{lines: []line{first, second}, size: size}
			}
			// Two lines at the smallest size: as much as fits on the
			// first, the rest cut to fit on the second.
			breaks := breakPoints(text)
			cut := breaks[0]
			for _, at := range breaks[1:] {
				head, _ := shapeLine(strings.TrimSpace(text[:at]), chain)
				if p.width(head, box.min) > box.width {
					break
				}
				cut = at
			}
			l1 := p.truncate(strings.TrimSpace(text[:cut]), chain, box.width, box.min)
			l2 := p.truncate(strings.TrimSpace(text[cut:]), chain, box.width, box.min)
			return block{lines: []line{l1, l2}, size: box.min}
		}
	}
	if size := roundDown(oneSize); size >= box.min {
		return block{lines: []line{one}, size: min(size, box.max)}
	}
	return block{lines: []line{p.truncate(text, chain, box.width, box.min)}, size: box.min}
}

// roundDown rounds a font size down to a quarter point.
func roundDown(size float64) float64 {
	return float64(int(size*4)) / 4
}

// bestBreak splits text in two lines so that the longer is as short as
// possible, and returns them with the size at which they fill width.
func (p *page) bestBreak(text string, chain []*face, width float64) (line, line, float64) {
	var first, second line
	best, bestScore := 0.0, 0.0
	for _, at := range breakPoints(text) {
		a, _ := shapeLine(strings.TrimSpace(text[:at]), chain)
		b, _ := shapeLine(strings.TrimSpace(text[at:]), chain)
		w := max(p.width(a, 1), p.width(b, 1))
		if w == 0 {
			continue
		}
		// A break after a hyphen splits a double name (Ivanova-Smith):
		// take it only if it gives a clearly larger size than a space.
		score := width / w
		if text[at-1] == '-' {
			score *= 0.9
		}
		if score > bestScore {
			first, second, best, bestScore = a, b, width/w, score
		}
	}
	return first, second, best
}

// breakPoints returns the byte offsets where text may go to a second line:
// at spaces, after hyphens, and between CJK characters, which are written
// without spaces.
func breakPoints(text string) []int {
	var at []int
	prev := rune(0)
	for i, r := range text {
		switch {
		case i == 0:
		case r == ' ', prev == '-' && r != ' ':
			at = append(at, i)
		case isWide(prev) && isWide(r):
			at = append(at, i)
		}
		prev = r
	}
	return at
}

// isWide reports whether r is a Han, kana or Hangul character.
func isWide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// truncate returns text as one line no wider than width at size, cut and
// ended with an ellipsis if needed.
func (p *page) truncate(text string, chain []*face, width, size float64) line {
	l, _ := shapeLine(text, chain)
	if p.width(l, size) <= width {
		return l
	}
	runes := []rune(text)
	lo, hi := 0, len(runes) // the longest prefix that fits is in [lo, hi)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		c, _ := shapeLine(strings.TrimSpace(string(runes[:mid]))+"…", chain)
		if p.width(c, size) <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	l, _ = shapeLine(strings.TrimSpace(string(runes[:lo]))+"…", chain)
	return l
}
