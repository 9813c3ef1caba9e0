package card

import (
	"fmt"
	"strings"
	"unicode"

	qrcode "github.com/skip2/go-qrcode"

	"checkin/kiosk/translit"
)

// content is what a badge shows, cleaned, and checked against the fonts:
// every string in it can be drawn.
type content struct {
	name      string // drawn large and bold
	nameLatin string // transliteration of name on a smaller line, or ""
	org       string
	country   string
	meeting   string
	dates     string
	role      string // in words
	band, ink Colour // role band and the text on it
	id        string
	qr        [][]bool // QR modules, true is dark, no quiet zone; nil when there is no pass
	han       hanVariant
	photo     []byte // baseline JPEG in the photo box's aspect, or nil
}

// content resolves what b shows. Text a font cannot draw is replaced by its
// transliteration, or left out; a name that cannot be drawn nor
// transliterated gives way to the delegate id.
func (r *Renderer) content(b Badge) (content, error) {
	c := content{
		org:     r.drawable(cleanText(b.Organization, maxFieldRunes), false),
		country: r.drawable(countryText(b), true),
		meeting: r.drawable(cleanText(b.Meeting, maxFieldRunes), true),
		dates:   r.drawable(cleanText(b.Dates, maxShortRunes), false),
		role:    r.drawable(RoleLabel(b.Role), true),
		id:      r.drawable(cleanText(b.DelegateID, maxShortRunes), false),
		han:     hanOf(b),
	}
	c.band, c.ink = RoleColour(b.Role)
	if notice := r.drawable(cleanText(b.Notice, maxShortRunes), true); notice != "" {
		c.role, c.band, c.ink = notice, inkName, white
	}
	c.photo = preparePhoto(b.Photo)
	c.name, c.nameLatin = r.names(b)
	if c.name == "" {
		c.name = c.id
	}
	if b.Pass != "" {
		q, err := qrcode.New(b.Pass, qrcode.Medium)
		if err != nil {
			return content{}, fmt.Errorf("encode pass: %w", err)
		}
		q.DisableBorder = true // drawQR keeps the quiet zone itself
		c.qr = q.Bitmap()
	}
	return c, nil
}

// hanOf returns the forms a badge's Han characters take: Japanese for a
// delegate whose language is Japanese, whose name has kana, or who is of
// Japan; Simplified Chinese otherwise.
func hanOf(b Badge) hanVariant {
	lang := strings.ToLower(strings.TrimSpace(b.Language))
	switch {
	case lang == "ja" || strings.HasPrefix(lang, "ja-"),
		strings.EqualFold(strings.TrimSpace(b.Country), "JP"),
		hasRunes(b.Name+b.FamilyName+b.GivenName, unicode.Hiragana, unicode.Katakana):
		return hanJP
	}
	return hanSC
}

// drawable returns text if the fonts draw all of it, else its
// transliteration if they draw that, else "". (Every Han variant's chain
// has the same faces, so it draws the same runes.)
func (r *Renderer) drawable(text string, bold bool) string {
	chain := r.fonts.chain(bold, hanSC)
	if renderable(text, chain) {
		return text
	}
	if t, ok := translit.Latin(text, ""); ok && renderable(t, chain) {
		return t
	}
	return ""
}

// names returns the name to draw and its Latin spelling for the second
// line: the latin columns of the roster where given, else the automatic
// spelling of package translit ("" when the name is Latin, or its script
// has no reliable standard romanisation: Arabic, Hebrew, kanji). When the
// name itself cannot be drawn, its Latin spelling takes its place, with no
// second line.
func (r *Renderer) names(b Badge) (name, latin string) {
	name = displayName(b)
	latin = latinLine(b, name)
	chain := r.fonts.chain(true, hanSC)
	switch {
	case name != "" && renderable(name, chain):
		if latin == name {
			latin = ""
		}
		return name, latin
	case latin != "" && renderable(latin, chain):
		return latin, ""
	}
	return "", ""
}

// displayName is the name as written by the delegate or, when missing, made
// of the given and family names: family name first and no space between
// them for Chinese, Japanese and Korean, given name first otherwise.
func displayName(b Badge) string {
	if name := cleanText(b.Name, maxNameRunes); name != "" {
		return name
	}
	family := cleanText(b.FamilyName, maxNameRunes)
	given := cleanText(b.GivenName, maxNameRunes)
	switch {
	case family == "" || given == "":
		return family + given
	case hasRunes(family+given, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return family + given
	}
	return given + " " + family
}

// latinLine returns the Latin line under name: from the latin columns
// where either is given (a part without one spelled automatically where it
// can be, else left out), in the order of name; else the automatic
// spelling.
func latinLine(b Badge, name string) string {
	lf := cleanText(b.LatinFamilyName, maxNameRunes)
	lg := cleanText(b.LatinGivenName, maxNameRunes)
	if lf == "" && lg == "" {
		return nameTransliteration(b, name)
	}
	family := cleanText(b.FamilyName, maxNameRunes)
	given := cleanText(b.GivenName, maxNameRunes)
	if lf == "" {
		lf, _ = translit.Family(family, b.Country)
	}
	if lg == "" {
		lg, _ = translit.Latin(given, b.Country)
	}
	squash := func(s string) string { return strings.ReplaceAll(s, " ", "") }
	if family != "" && given != "" && squash(name) == squash(family+given) {
		return strings.TrimSpace(lf + " " + lg)
	}
	return strings.TrimSpace(lg + " " + lf)
}

// nameTransliteration returns the automatic Latin spelling of name, or ""
// when it is Latin already or cannot be spelled. When name is made of the
// family and given names, they are spelled apart, so that 김민준 with family
// name 김 is "Kim Minjun" and not "Gimminjun".
func nameTransliteration(b Badge, name string) string {
	if !translit.NeedsLatin(name) {
		return ""
	}
	family := cleanText(b.FamilyName, maxNameRunes)
	given := cleanText(b.GivenName, maxNameRunes)
	squash := func(s string) string { return strings.ReplaceAll(s, " ", "") }
	if family != "" && given != "" {
		familyFirst := squash(name) == squash(family+given)
		givenFirst := squash(name) == squash(given+family)
		if familyFirst || givenFirst {
			tf, okFamily := translit.Family(family, b.Country)
			tg, okGiven := translit.Latin(given, b.Country)
			if okFamily && okGiven {
				if familyFirst {
					return tf + " " + tg
				}
				return tg + " " + tf
			}
		}
	}
	if t, ok := translit.Latin(name, b.Country); ok {
		return t
	}
	return ""
}

func countryText(b Badge) string {
	code := strings.ToUpper(cleanText(b.Country, 8))
	name := cleanText(b.CountryName, maxFieldRunes)
	switch {
	case name != "" && code != "":
		return name + " (" + code + ")"
	case name != "":
		return name
	}
	return code
}

func hasRunes(s string, tables ...*unicode.RangeTable) bool {
	for _, r := range s {
		if unicode.In(r, tables...) {
			return true
		}
	}
	return false
}
