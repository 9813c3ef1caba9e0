package card

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"checkin/badge"
)

// Layout is a badge format.
type Layout string

// The layouts.
const (
	CR80 Layout = "cr80" // ID-1 card 85.6 × 54 mm, landscape
	A6   Layout = "a6"   // 105 × 148 mm portrait, for a badge holder
)

// Errors callers can branch on.
var (
	// ErrUnknownLayout is returned for a layout other than CR80 and A6.
	ErrUnknownLayout = errors.New("unknown badge layout")
	// ErrPassTooLong is returned for a pass longer than a kiosk accepts
	// (badge.MaxUIDInput bytes): its QR code would be refused, and too
	// dense to scan at badge size.
	ErrPassTooLong = errors.New("pass too long for a badge QR code")
)

// ParseLayout returns the layout named s: "cr80" or "a6" in any case, and
// "" for CR80.
func ParseLayout(s string) (Layout, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", string(CR80):
		return CR80, nil
	case string(A6):
		return A6, nil
	}
	return "", fmt.Errorf("%w %q (want %q or %q)", ErrUnknownLayout, s, CR80, A6)
}

// Badge is what a badge shows.
type Badge struct {
	FamilyName, GivenName string // any script; either may be empty
	Name                  string // display name as the delegate writes it (already ordered, e.g. "王小明" or "Anna Müller")
	Organization          string
	Country               string // ISO alpha-2, e.g. "CH"
	CountryName           string // e.g. "Switzerland" (may be empty)
	Role                  string // delegate head deputy_head chair secretariat press staff guest
	Meeting               string // meeting title, e.g. "ITU-T Study Group 12"
	Dates                 string // e.g. "17–26 November 2026"
	Pass                  string // CK1.… QR token to encode (may be empty: no QR)
	DelegateID            string

	// Language is the delegate's language as the roster has it ("ja",
	// "en", …; may be empty). "ja" draws Han characters in their Japanese
	// forms, as do a name with kana and a Country of JP.
	Language string

	// Notice, when set, says the badge is not what it looks like (e.g.
	// "REGISTRATION CANCELLED"): drawn on the band in place of the role,
	// white on black, so the badge cannot pass for a valid one.
	Notice string

	// Photo is the delegate's photo as JPEG or PNG bytes, or nil. It is
	// drawn in a passport-shaped box left of the name, cropped to fill it;
	// bytes that are not such an image leave the box out.
	Photo []byte

	// LatinFamilyName and LatinGivenName are the name as the delegate's
	// passport or the registration system spells it in Latin letters: the
	// second line when given, instead of the automatic one.
	LatinFamilyName, LatinGivenName string
}

// Renderer renders badges with fonts parsed once. It is safe for
// concurrent use.
type Renderer struct {
	fonts *fontSet
}

// NewRenderer returns a Renderer with the embedded fonts loaded.
func NewRenderer() (*Renderer, error) {
	fonts, err := loadFonts()
	if err != nil {
		return nil, fmt.Errorf("load badge fonts: %w", err)
	}
	return &Renderer{fonts: fonts}, nil
}

// Render writes a one-page PDF for b in layout l to w. Nothing is written
// unless the whole PDF was made.
func (r *Renderer) Render(w io.Writer, b Badge, l Layout) error {
	if r.fonts == nil {
		return errors.New("render badge: Renderer not made by NewRenderer")
	}
	if l != CR80 && l != A6 {
		return fmt.Errorf("render badge: %w %q", ErrUnknownLayout, string(l))
	}
	if len(b.Pass) > badge.MaxUIDInput {
		return fmt.Errorf("render badge: %w: %d bytes, at most %d", ErrPassTooLong, len(b.Pass), badge.MaxUIDInput)
	}
	var buf bytes.Buffer
	if err := r.render(&buf, b, l); err != nil {
		return fmt.Errorf("render badge %s: %w", l, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write badge: %w", err)
	}
	return nil
}

// render builds the PDF. fpdf panics on some inputs it was not written for
// (runes outside the BMP, for one); the text is filtered so that none
// reaches it, and the recover turns any panic left into an error rather
// than crashing the desk.
func (r *Renderer) render(w io.Writer, b Badge, l Layout) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("internal error: %v", v)
		}
	}()
	c, err := r.content(b)
	if err != nil {
		return err
	}
	p := newPage(r.fonts, l, c)
	switch l {
	case CR80:
		p.drawCR80(c)
	case A6:
		p.drawA6(c)
	}
	return p.pdf.Output(w)
}
