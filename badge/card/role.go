package card

import (
	"fmt"
	"math"
	"strings"
)

// Colour is an sRGB colour.
type Colour struct{ R, G, B uint8 }

// Hex returns the colour as CSS writes it, e.g. "#1F5FA8".
func (c Colour) Hex() string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }

var (
	black = Colour{0x11, 0x18, 0x27}
	white = Colour{0xFF, 0xFF, 0xFF}
)

// roleStyle is how a role is shown: its band colour and its name in words.
type roleStyle struct {
	band  Colour
	label string
}

// roles are the roles of kiosk.Roles. The colours are told apart by hue and
// lightness, and the band always names the role too, for readers who do
// not tell the colours apart.
var roles = map[string]roleStyle{
	"delegate":    {Colour{0x1F, 0x5F, 0xA8}, "DELEGATE"},                  // blue
	"head":        {Colour{0xA3, 0x12, 0x2A}, "HEAD OF DELEGATION"},        // crimson
	"deputy_head": {Colour{0xE0, 0x8A, 0x1E}, "DEPUTY HEAD OF DELEGATION"}, // orange
	"chair":       {Colour{0x5B, 0x2A, 0x86}, "CHAIR"},                     // purple
	"secretariat": {Colour{0x00, 0x6E, 0x5F}, "SECRETARIAT"},               // teal
	"press":       {Colour{0xF5, 0xC5, 0x18}, "PRESS"},                     // yellow
	"staff":       {Colour{0x3A, 0x3F, 0x47}, "STAFF"},                     // charcoal
	"guest":       {Colour{0x8C, 0xC6, 0x3F}, "GUEST"},                     // green
}

// otherRole is the band of a role not in the list.
var otherRole = Colour{0x6B, 0x72, 0x80}

// RoleColour returns the band colour of role and the text colour to write
// on it, black or white, whichever contrasts more. An empty role is a
// delegate's; an unknown one is grey.
func RoleColour(role string) (band, text Colour) {
	band = otherRole
	if s, ok := roles[normRole(role)]; ok {
		band = s.band
	}
	if contrast(band, white) >= contrast(band, black) {
		return band, white
	}
	return band, black
}

// RoleLabel returns the role in words as the badge shows it, e.g. "HEAD OF
// DELEGATION" for "head". An unknown role is shown as given, in capitals.
func RoleLabel(role string) string {
	if s, ok := roles[normRole(role)]; ok {
		return s.label
	}
	return strings.ToUpper(strings.ReplaceAll(cleanText(role, maxShortRunes), "_", " "))
}

func normRole(role string) string {
	role = strings.ToLower(strings.TrimSpace(role))
	if role == "" {
		return "delegate"
	}
	return role
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b Colour) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c Colour) float64 {
	channel := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(c.R) + 0.7152*channel(c.G) + 0.0722*channel(c.B)
}
