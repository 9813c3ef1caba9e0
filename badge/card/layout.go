package card

import (
	"bytes"

	"github.com/go-pdf/fpdf"
)

// Page sizes in mm.
const (
	cr80Width, cr80Height = 85.6, 54.0
	a6Width, a6Height     = 105.0, 148.0
)

// ptMM is one typographic point in mm.
const ptMM = 25.4 / 72

// Vertical proportions of a line of text, in ems of its font size.
const (
	lineAscent = 0.95 // top of the line to its baseline: room for stacked accents (Ễ)
	linePitch  = 1.2  // baseline to baseline
)

// qrQuietModules is the blank margin a scanner needs around the symbol.
const qrQuietModules = 4

// Ink colours.
var (
	inkName    = Colour{0x11, 0x18, 0x27}
	inkText    = Colour{0x1F, 0x29, 0x37}
	inkSoft    = Colour{0x4B, 0x55, 0x63}
	inkMeeting = Colour{0x1F, 0x3A, 0x5F}
	inkRule    = Colour{0xC8, 0xCD, 0xD4}
)

func newPage(fonts *fontSet, l Layout, c content) *page {
	size := fpdf.SizeType{Wd: cr80Width, Ht: cr80Height}
	if l == A6 {
		size = fpdf.SizeType{Wd: a6Width, Ht: a6Height}
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: size})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreator("checkin", true)
	pdf.SetTitle(c.name, true)
	pdf.AddPage()
	return &page{pdf: pdf, fonts: fonts, han: c.han, loaded: make(map[string]bool), shaper: newShaper()}
}

// item is one text of a stack laid out top to bottom.
type item struct {
	text   string
	box    textBox
	colour Colour
	gap    float64 // mm above it, unless it comes first
}

// stack is a column of texts fitted in a box.
type stack struct {
	items  []item
	blocks []block
}

// layoutStack fits the non-empty items in width × height: every item as
// large as its box allows, then all smaller together until the column is
// short enough. What still overflows at the smallest sizes is dropped from
// the bottom, so nothing is drawn outside the box.
func (p *page) layoutStack(items []item, height float64) stack {
	var s stack
	for _, it := range items {
		if it.text != "" {
			s.items = append(s.items, it)
		}
	}
	scale := 1.0
	for range 16 {
		s.blocks = s.blocks[:0]
		for _, it := range s.items {
			box := it.box
			box.max = max(box.min, box.max*scale)
			s.blocks = append(s.blocks, p.fit(it.text, box))
		}
		if s.height() <= height {
			return s
		}
		scale *= 0.92
	}
	for len(s.items) > 1 && s.height() > height {
		s.items = s.items[:len(s.items)-1]
		s.blocks = s.blocks[:len(s.blocks)-1]
	}
	return s
}

func (s stack) height() float64 {
	h := 0.0
	for i, b := range s.blocks {
		if i > 0 {
			h += s.items[i].gap
		}
		h += blockHeight(b)
	}
	return h
}

// blockHeight is the height of b from the top of its first line to the
// bottom of the descenders of its last.
func blockHeight(b block) float64 {
	if len(b.lines) == 0 {
		return 0
	}
	descent := 0.0
	for _, r := range b.lines[len(b.lines)-1] {
		descent = max(descent, r.face.descent)
	}
	return (lineAscent + float64(len(b.lines)-1)*linePitch + descent) * b.size * ptMM
}

// drawStack draws s from top, each line left-aligned at x or, if centre,
// centred in width.
func (p *page) drawStack(s stack, x, top, width float64, centre bool) {
	y := top
	for i, b := range s.blocks {
		if i > 0 {
			y += s.items[i].gap
		}
		p.setTextColour(s.items[i].colour)
		baseline := y + lineAscent*b.size*ptMM
		for _, l := range b.lines {
			lx := x
			if centre {
				lx = x + (width-p.width(l, b.size))/2
			}
			p.draw(l, lx, baseline, b.size)
			baseline += linePitch * b.size * ptMM
		}
		y += blockHeight(b)
	}
}

func (p *page) setTextColour(c Colour) {
	p.ink = c
	p.pdf.SetTextColor(int(c.R), int(c.G), int(c.B))
}
func (p *page) setFillColour(c Colour) { p.pdf.SetFillColor(int(c.R), int(c.G), int(c.B)) }

// drawRule draws a thin horizontal line.
func (p *page) drawRule(x1, x2, y float64) {
	p.pdf.SetDrawColor(int(inkRule.R), int(inkRule.G), int(inkRule.B))
	p.pdf.SetLineWidth(0.25)
	p.pdf.Line(x1, y, x2, y)
}

// drawQR draws the QR modules side mm wide with the top left corner at x,
// y, on a white quiet zone. The modules are vector squares, sharp at any
// printer resolution, filled as one path: adjacent squares filled apart
// show hairline seams on screen.
func (p *page) drawQR(modules [][]bool, x, y, side float64) {
	n := len(modules)
	mod := side / float64(n)
	quiet := qrQuietModules * mod
	p.setFillColour(white)
	p.pdf.Rect(x-quiet, y-quiet, side+2*quiet, side+2*quiet, "F")
	p.setFillColour(Colour{})
	for row, line := range modules {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			end := col
			for end < len(line) && line[end] {
				end++
			}
			x0, x1 := x+float64(col)*mod, x+float64(end)*mod
			y0, y1 := y+float64(row)*mod, y+float64(row+1)*mod
			p.pdf.MoveTo(x0, y0)
			p.pdf.LineTo(x1, y0)
			p.pdf.LineTo(x1, y1)
			p.pdf.LineTo(x0, y1)
			p.pdf.ClosePath()
			col = end
		}
	}
	p.pdf.DrawPath("F")
}

// drawBand fills the role band across the page and writes the role on one
// line, as large as fits between maxSize and minSize: left-aligned at x or
// centred in width, vertically centred.
func (p *page) drawBand(c content, top, height, x, width, maxSize, minSize float64, centre bool) {
	pageWidth, _ := p.pdf.GetPageSize()
	p.setFillColour(c.band)
	p.pdf.Rect(0, top, pageWidth, height, "F")
	b := p.fit(c.role, textBox{width: width, max: maxSize, min: minSize, lines: 1, bold: true})
	if len(b.lines) == 0 {
		return
	}
	l := b.lines[0]
	if centre {
		x += (width - p.width(l, b.size)) / 2
	}
	p.setTextColour(c.ink)
	p.draw(l, x, capBaseline(top, height, b.size), b.size)
}

// capBaseline is the baseline that centres capitals (about 0.72 em high)
// of size pt in a band.
func capBaseline(top, height, size float64) float64 {
	return top + height/2 + 0.36*size*ptMM
}

// drawCR80 lays out the card: meeting and dates at the top, the name and
// organization on the left, the QR code on the right, and the role band at
// the bottom with the delegate id at its right end.
func (p *page) drawCR80(c content) {
	const (
		w, h       = cr80Width, cr80Height
		margin     = 4.0
		ruleY      = 12.2
		bandHeight = 9.5
		bandTop    = h - bandHeight
		qrSide     = 24.0
		gutter     = 3.5
	)
	header := p.layoutStack([]item{
		{text: c.meeting, colour: inkMeeting, box: textBox{width: w - 2*margin, max: 7.5, min: 5, lines: 1, bold: true}},
		{text: c.dates, colour: inkSoft, gap: 0.2, box: textBox{width: w - 2*margin, max: 6.5, min: 5, lines: 1}},
	}, ruleY-3.4)
	p.drawStack(header, margin, 3.0, w-2*margin, false)
	if len(header.blocks) > 0 {
		p.drawRule(margin, w-margin, ruleY)
	}

	// The delegate id sits in the band, right-aligned; the role takes the
	// rest of the band.
	idBox := textBox{width: 28, max: 6.5, min: 5, lines: 1}
	idBlock := p.fit(c.id, idBox)
	idWidth := 0.0
	if len(idBlock.lines) == 1 {
		idWidth = p.width(idBlock.lines[0], idBlock.size)
	}
	roleWidth := w - 2*margin
	if idWidth > 0 {
		roleWidth -= idWidth + 4
	}
	p.drawBand(c, bandTop, bandHeight, margin, roleWidth, 11, 6, false)
	if idWidth > 0 {
		p.setTextColour(c.ink)
		p.draw(idBlock.lines[0], w-margin-idWidth, capBaseline(bandTop, bandHeight, idBlock.size), idBlock.size)
	}

	textRight := w - margin
	if c.qr != nil {
		x := w - margin - qrSide
		y := (ruleY+bandTop)/2 - qrSide/2
		p.drawQR(c.qr, x, y, qrSide)
		textRight = x - gutter
	}
	top, bottom := ruleY+2.0, bandTop-1.5
	left := margin
	if c.photo != nil {
		ph := min(26.0, bottom-top)
		if p.drawPhoto(c.photo, margin, top+(bottom-top-ph)/2, ph*photoAspect, ph) {
			left += ph*photoAspect + gutter
		}
	}
	width := textRight - left
	body := p.layoutStack([]item{
		{text: c.name, colour: inkName, box: textBox{width: width, max: 16, min: 7, lines: 2, bold: true}},
		{text: c.nameLatin, colour: inkSoft, gap: 0.4, box: textBox{width: width, max: 8, min: 5, lines: 1}},
		{text: c.org, colour: inkText, gap: 2.0, box: textBox{width: width, max: 8.5, min: 5.5, lines: 2}},
		{text: c.country, colour: inkText, gap: 0.8, box: textBox{width: width, max: 7.5, min: 5.5, lines: 2, bold: true}}, // two lines: "United Kingdom of Great Britain and Northern Ireland (GB)"
	}, bottom-top)
	p.drawStack(body, left, top+(bottom-top-body.height())/2, width, false)
}

// drawA6 lays out the insert: meeting and dates at the top, the name, its
// transliteration, organization and country centred below, the QR code
// with the delegate id under it, and the role band at the bottom.
func (p *page) drawA6(c content) {
	const (
		w, h       = a6Width, a6Height
		margin     = 8.0
		bandHeight = 20.0
		bandTop    = h - bandHeight
		qrSide     = 44.0
	)
	header := p.layoutStack([]item{
		{text: c.meeting, colour: inkMeeting, box: textBox{width: w - 2*margin, max: 13, min: 8, lines: 2, bold: true}},
		{text: c.dates, colour: inkSoft, gap: 1.0, box: textBox{width: w - 2*margin, max: 10, min: 7, lines: 1}},
	}, 20)
	p.drawStack(header, margin, 8, w-2*margin, true)
	ruleY := 8 + max(header.height(), 8) + 4
	if len(header.blocks) > 0 {
		p.drawRule(margin, w-margin, ruleY)
	}

	p.drawBand(c, bandTop, bandHeight, margin, w-2*margin, 22, 9, true)

	bottom := bandTop - 6.0
	idBlock := p.fit(c.id, textBox{width: w - 2*margin, max: 8.5, min: 6, lines: 1})
	idBaseline := bandTop - 4.0
	if c.qr != nil {
		quiet := qrQuietModules * qrSide / float64(len(c.qr))
		idCap := 0.75 * idBlock.size * ptMM
		y := idBaseline - idCap - quiet - qrSide
		p.drawQR(c.qr, (w-qrSide)/2, y, qrSide)
		bottom = y - quiet - 1.5
	} else if len(idBlock.lines) > 0 {
		bottom = idBaseline - 6.0
	}
	if len(idBlock.lines) == 1 {
		p.setTextColour(inkSoft)
		l := idBlock.lines[0]
		p.draw(l, (w-p.width(l, idBlock.size))/2, idBaseline, idBlock.size)
	}

	top := ruleY + 3.0
	left, width := margin, w-2*margin
	if c.photo != nil {
		ph := min(34.0, bottom-top)
		if p.drawPhoto(c.photo, margin, top+(bottom-top-ph)/2, ph*photoAspect, ph) {
			left += ph*photoAspect + 4
			width = w - margin - left
		}
	}
	body := p.layoutStack([]item{
		{text: c.name, colour: inkName, box: textBox{width: width, max: 30, min: 12, lines: 2, bold: true}},
		{text: c.nameLatin, colour: inkSoft, gap: 0.8, box: textBox{width: width, max: 13, min: 8, lines: 1}},
		{text: c.org, colour: inkText, gap: 3.5, box: textBox{width: width, max: 14, min: 8, lines: 2}},
		{text: c.country, colour: inkText, gap: 1.2, box: textBox{width: width, max: 12, min: 8, lines: 2, bold: true}},
	}, bottom-top)
	p.drawStack(body, left, top+(bottom-top-body.height())/2, width, true)
}

// drawPhoto draws a prepared photo (preparePhoto) in the box at x, y, w × h
// mm with a thin frame, and reports whether it could.
func (p *page) drawPhoto(jpg []byte, x, y, w, h float64) bool {
	opts := fpdf.ImageOptions{ImageType: "JPG"}
	if p.pdf.RegisterImageOptionsReader("photo", opts, bytes.NewReader(jpg)) == nil || p.pdf.Err() {
		p.pdf.ClearError()
		return false
	}
	p.pdf.ImageOptions("photo", x, y, w, h, false, opts, 0, "")
	p.pdf.SetDrawColor(int(inkRule.R), int(inkRule.G), int(inkRule.B))
	p.pdf.SetLineWidth(0.25)
	p.pdf.Rect(x, y, w, h, "D")
	return true
}
