package card

import (
	"embed"
	"fmt"
	"strings"

	"github.com/go-text/typesetting/font"
)

// The fonts are embedded so that a badge prints the same on a machine with
// no fonts installed. All are TrueType (glyf outlines), which fpdf needs.
// Sources and licences are in fonts/README.md, OFL-Noto.txt, OFL-Nanum.txt
// and LICENSE-Apache-2.0.txt.
//
//go:embed fonts/*.ttf
var fontFiles embed.FS

// face is one embedded font and the runes it can draw.
type face struct {
	name    string // fpdf family name, the file name without extension
	data    []byte
	cov     *coverage
	descent float64 // depth of its deepest common letters below the baseline, in ems
	thai    bool    // its marks need moving by hand (see thai.go)
	// shaping is the font parsed for go-text, for faces whose text is
	// shaped (indicFaces); nil for the others.
	shaping *font.Font
	// synthBold draws the regular outlines filled and stroked, for a bold
	// chain's face that has no bold.
	synthBold bool
}

// descents are the faces whose letters go deeper than Latin descenders
// (0.28 em), measured on the glyphs: the tails of Arabic ي and ن, Thai
// vowel signs below the consonant, Indic vowel signs and virama below the
// letter. The fonts' own descender values allow for stacked marks no name
// has and would space lines too far apart.
var descents = map[string]float64{
	"NotoSansArabic-Regular": 0.5, "NotoSansArabic-Bold": 0.5,
	"NotoSansThai-Regular": 0.4, "NotoSansThai-Bold": 0.4,
	"NotoSansDevanagari-Regular": 0.4, "NotoSansDevanagari-Bold": 0.4,
	"NotoSansBengali-Regular": 0.4, "NotoSansBengali-Bold": 0.4,
	"NotoSansTamil-Regular": 0.35, "NotoSansTamil-Bold": 0.35,
}

// The chains are the order in which faces are tried for a rune. Noto Sans
// comes first, so Latin, Greek and Cyrillic (and common punctuation) use it
// even in faces that also cover them. Han and kana are drawn by Noto Sans
// CJK, Japanese or Simplified Chinese first as the badge asks (cjkFaces),
// the other next, and Droid Sans Fallback for what neither subset has;
// Nanum Square, last, draws Hangul, which this Droid lacks.
var (
	regularChain = []string{
		"NotoSans-Regular", "NotoSansArabic-Regular", "NotoSansHebrew-Regular",
		"NotoSansArmenian-Regular", "NotoSansGeorgian-Regular", "NotoSansThai-Regular",
		"NotoSansDevanagari-Regular", "NotoSansBengali-Regular", "NotoSansTamil-Regular",
		cjkFace, cjkFace, "DroidSansFallbackFull", "NanumSquareR",
	}
	boldChain = []string{
		"NotoSans-Bold", "NotoSansArabic-Bold", "NotoSansHebrew-Bold",
		"NotoSansArmenian-Bold", "NotoSansGeorgian-Bold", "NotoSansThai-Bold",
		"NotoSansDevanagari-Bold", "NotoSansBengali-Bold", "NotoSansTamil-Bold",
		cjkFace, cjkFace,
		"DroidSansFallbackFull", // has no bold: drawn with synthBold
		"NanumSquareB",
	}
)

// cjkFace marks the places of the Noto Sans CJK faces in a chain: filled
// with cjkFaces in the order of the badge's Han variant.
const cjkFace = "CJK"

// cjkFaces are the Noto Sans CJK faces by variant, in the order they take
// in a chain, regular then bold.
var cjkFaces = map[hanVariant][2][]string{
	hanSC: {{"NotoSansCJKsc-Regular", "NotoSansCJKjp-Regular"}, {"NotoSansCJKsc-Bold", "NotoSansCJKjp-Bold"}},
	hanJP: {{"NotoSansCJKjp-Regular", "NotoSansCJKsc-Regular"}, {"NotoSansCJKjp-Bold", "NotoSansCJKsc-Bold"}},
}

// hanVariant is the glyph forms a badge draws Han characters in: the same
// character is written differently in Japan and in China (直, 骨, 写).
type hanVariant int

const (
	hanSC hanVariant = iota // Simplified Chinese forms, the default
	hanJP                   // Japanese forms
)

// fontSet holds the parsed faces, regular and bold, in fallback order, for
// each Han variant.
type fontSet struct {
	chains map[hanVariant][2][]*face // regular, bold
}

// loadFonts reads the embedded fonts and their character maps.
func loadFonts() (*fontSet, error) {
	faces := make(map[string]*face)
	get := func(name string) (*face, error) {
		if f, ok := faces[name]; ok {
			return f, nil
		}
		data, err := fontFiles.ReadFile("fonts/" + name + ".ttf")
		if err != nil {
			return nil, fmt.Errorf("read font %s: %w", name, err)
		}
		cov, err := parseCoverage(data)
		if err != nil {
			return nil, fmt.Errorf("parse font %s: %w", name, err)
		}
		f := &face{name: name, data: data, cov: cov, descent: max(descents[name], 0.28),
			thai: strings.HasPrefix(name, "NotoSansThai")}
		if _, ok := indicFaces[name]; ok {
			if f.shaping, err = parseShaping(data); err != nil {
				return nil, fmt.Errorf("parse font %s for shaping: %w", name, err)
			}
		}
		faces[name] = f
		return f, nil
	}
	load := func(names, cjk []string, bold bool) ([]*face, error) {
		var chain []*face
		for _, name := range names {
			if name == cjkFace {
				name, cjk = cjk[0], cjk[1:]
			}
			f, err := get(name)
			if err != nil {
				return nil, err
			}
			if bold && name == "DroidSansFallbackFull" {
				synth := *f
				synth.synthBold = true
				f = &synth
			}
			chain = append(chain, f)
		}
		return chain, nil
	}
	fs := &fontSet{chains: make(map[hanVariant][2][]*face)}
	for v, cjk := range cjkFaces {
		regular, err := load(regularChain, cjk[0], false)
		if err != nil {
			return nil, err
		}
		bold, err := load(boldChain, cjk[1], true)
		if err != nil {
			return nil, err
		}
		fs.chains[v] = [2][]*face{regular, bold}
	}
	return fs, nil
}

// chain returns the faces to try, in order, for text in the variant v.
func (fs *fontSet) chain(bold bool, v hanVariant) []*face {
	if bold {
		return fs.chains[v][1]
	}
	return fs.chains[v][0]
}

// all returns every face of every chain (a face in several chains once per
// chain).
func (fs *fontSet) all() []*face {
	var faces []*face
	for _, c := range fs.chains {
		faces = append(faces, c[0]...)
		faces = append(faces, c[1]...)
	}
	return faces
}
