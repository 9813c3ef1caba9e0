package card

import (
	"embed"
	"fmt"
	"strings"
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
}

// descents are the faces whose letters go deeper than Latin descenders
// (0.28 em), measured on the glyphs: the tails of Arabic ي and ن, Thai
// vowel signs below the consonant. The fonts' own descender values allow
// for stacked marks no name has and would space lines too far apart.
var descents = map[string]float64{
	"NotoSansArabic-Regular": 0.5, "NotoSansArabic-Bold": 0.5,
	"NotoSansThai-Regular": 0.4, "NotoSansThai-Bold": 0.4,
}

// The chains are the order in which faces are tried for a rune. Noto Sans
// comes first, so Latin, Greek and Cyrillic (and common punctuation) use it
// even in faces that also cover them. Droid Sans Fallback draws Han and
// kana; Nanum Square, last, draws Hangul, which this Droid lacks.
var (
	regularChain = []string{
		"NotoSans-Regular", "NotoSansArabic-Regular", "NotoSansHebrew-Regular",
		"NotoSansArmenian-Regular", "NotoSansGeorgian-Regular", "NotoSansThai-Regular",
		"DroidSansFallbackFull", "NanumSquareR",
	}
	boldChain = []string{
		"NotoSans-Bold", "NotoSansArabic-Bold", "NotoSansHebrew-Bold",
		"NotoSansArmenian-Bold", "NotoSansGeorgian-Bold", "NotoSansThai-Bold",
		"DroidSansFallbackFull", // has no bold; regular CJK beside bold Latin reads fine
		"NanumSquareB",
	}
)

// fontSet holds the parsed faces, regular and bold, in fallback order.
type fontSet struct {
	regular, bold []*face
}

// loadFonts reads the embedded fonts and their character maps.
func loadFonts() (*fontSet, error) {
	faces := make(map[string]*face)
	load := func(names []string) ([]*face, error) {
		var chain []*face
		for _, name := range names {
			if f, ok := faces[name]; ok {
				chain = append(chain, f)
				continue
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
			faces[name] = f
			chain = append(chain, f)
		}
		return chain, nil
	}
	regular, err := load(regularChain)
	if err != nil {
		return nil, err
	}
	bold, err := load(boldChain)
	if err != nil {
		return nil, err
	}
	return &fontSet{regular: regular, bold: bold}, nil
}

func (fs *fontSet) chain(bold bool) []*face {
	if bold {
		return fs.bold
	}
	return fs.regular
}
