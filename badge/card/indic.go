package card

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// glyphPUA is where fonts/build.sh maps each glyph of an Indic face: glyph g
// at U+E000+g. fpdf draws code points, not glyph ids; a shaped glyph is
// drawn as its code point here.
const glyphPUA = 0xE000

// indicFaces are the faces whose text is shaped with their OpenType tables
// (conjuncts, reordered vowel signs, marks placed by anchors) before it is
// drawn, and the script of each.
var indicFaces = map[string]language.Script{
	"NotoSansDevanagari-Regular": language.Devanagari, "NotoSansDevanagari-Bold": language.Devanagari,
	"NotoSansBengali-Regular": language.Bengali, "NotoSansBengali-Bold": language.Bengali,
	"NotoSansTamil-Regular": language.Tamil, "NotoSansTamil-Bold": language.Tamil,
}

// parseShaping parses an Indic face for the shaper.
func parseShaping(data []byte) (*font.Font, error) {
	f, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return f.Font, nil
}

// shapedGlyph is one glyph of shaped text, in ems.
type shapedGlyph struct {
	r       rune    // its code point in the Private Use Area; 0: not drawn
	dx, dy  float64 // offset from the pen position, y up
	advance float64 // how far the pen moves after it
}

// shaper shapes Indic runs for one page. go-text's faces and shaper are not
// safe for concurrent use; a page is drawn by one goroutine.
type shaper struct {
	hb     shaping.HarfbuzzShaper
	faces  map[*face]*font.Face
	shaped map[string][]shapedGlyph // by face name and text
}

func newShaper() *shaper {
	return &shaper{faces: make(map[*face]*font.Face), shaped: make(map[string][]shapedGlyph)}
}

// shape returns the glyphs of text in f, which has shaping tables. The
// text is one run of one script, left to right, that f covers; a glyph the
// font still lacks (a mark on nothing it knows) keeps its advance and has
// no code point, so it is not drawn as a box.
func (s *shaper) shape(f *face, text string) []shapedGlyph {
	key := f.name + "\x00" + text
	if g, ok := s.shaped[key]; ok {
		return g
	}
	ff, ok := s.faces[f]
	if !ok {
		ff = font.NewFace(f.shaping)
		s.faces[f] = ff
	}
	runes := []rune(text)
	upem := float64(f.shaping.Upem())
	out := s.hb.Shape(shaping.Input{
		Text: runes, RunStart: 0, RunEnd: len(runes),
		Direction: di.DirectionLTR, Face: ff,
		Size:   fixed.I(int(f.shaping.Upem())), // results in font units
		Script: indicFaces[f.name],
	})
	em := func(v fixed.Int26_6) float64 { return float64(v) / 64 / upem }
	glyphs := make([]shapedGlyph, 0, len(out.Glyphs))
	for _, g := range out.Glyphs {
		sg := shapedGlyph{dx: em(g.XOffset), dy: em(g.YOffset), advance: em(g.Advance)}
		if g.GlyphID != 0 && int(g.GlyphID) < 0xF900-glyphPUA {
			sg.r = rune(glyphPUA + int(g.GlyphID))
		}
		glyphs = append(glyphs, sg)
	}
	s.shaped[key] = glyphs
	return glyphs
}

// actualText is the marked-content operator that tells a PDF reader the
// text that the glyphs after it, up to an EMC, stand for: copy, paste and
// search then give the letters, not the Private Use Area code points.
func actualText(text string) string {
	var b strings.Builder
	b.WriteString("/Span <</ActualText <FEFF")
	for _, u := range utf16.Encode([]rune(text)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">>> BDC")
	return b.String()
}
