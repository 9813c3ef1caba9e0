// Package roster parses the pre-registration list (roster CSV) into
// delegates, reporting every bad row with its line and column.
package roster

import (
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"checkin/badge"
	"checkin/kiosk"
	"checkin/kiosk/csvin"
)

// Result is a successfully parsed roster.
type Result struct {
	Delegates []kiosk.Delegate
	Warnings  []kiosk.Problem
	Lines     map[string]int // delegate id → line, for later messages
}

// Column names of the roster CSV.
const (
	colID           = "id"
	colFamilyName   = "family_name"
	colGivenName    = "given_name"
	colOrganization = "organization"
	colCountry      = "country"
	colCountryName  = "country_name"
	colRole         = "role"
	colGroups       = "groups"
	colValidFrom    = "valid_from"
	colValidTo      = "valid_to"
	colStatus       = "status"
	colBadgeUID     = "badge_uid"
	colLanguage     = "language"
	colEmail        = "email"
	// Additions to the contract's columns (docs/imports.md): the name in Latin letters as the
	// delegate's passport or the registration system spells it.
	colLatinFamilyName = "latin_family_name"
	colLatinGivenName  = "latin_given_name"
)

// Columns are the roster CSV's columns, in the order of the example file
// (assets/examples/roster.csv), with what each means.
var Columns = []csvin.Column{
	csvin.Required(colID, "the delegate's registry id, unique (no spaces or '/')"),
	csvin.Required(colFamilyName, "family name, in any script (Latin with diacritics, Cyrillic, Arabic, Chinese…); a single name goes here"),
	csvin.Required(colGivenName, "given name(s), in any script; the column is required, the value may be empty for a single name"),
	csvin.Optional(colLatinFamilyName, "the family name in Latin letters as the passport spells it: the badge's second line, and found by the desk search"),
	csvin.Optional(colLatinGivenName, "the given name in Latin letters, as latin_family_name"),
	csvin.Optional(colOrganization, "administration, Sector Member, academia…"),
	csvin.Optional(colCountry, "ISO 3166-1 alpha-2 code (CH, CN, XK…); badges and the desk show the UN name"),
	csvin.Optional(colCountryName, "overrides the country's name for this delegate, shown as written (\"Holy See\", \"European Union\")"),
	csvin.Optional(colRole, "one of "+strings.Join(kiosk.Roles, ", ")+" (default delegate)"),
	csvin.Optional(colGroups, "';'-separated meetings the delegate attends, e.g. SG12;WP1/12;Q2/12"),
	csvin.Optional(colValidFrom, "first day the badge opens the doors, YYYY-MM-DD (default: the meeting's first)"),
	csvin.Optional(colValidTo, "last day, YYYY-MM-DD, inclusive (default: the meeting's last)"),
	csvin.Optional(colStatus, "registered (default), confirmed or cancelled (a cancelled delegate is refused at the doors)"),
	csvin.Optional(colBadgeUID, "RFID badge UID(s), any accepted spelling (04:A1:B2…, lower case), several separated by ';'"),
	csvin.Optional(colLanguage, "the delegate's language: one of "+strings.Join(kiosk.RosterLanguages, " ")+" (default en; a ja delegate is greeted in the screen's own language, and the badge prints Han in Japanese forms)"),
	csvin.Optional(colEmail, "e-mail address; shown to staff only, never on public screens"),
}

var knownColumns, requiredColumns = csvin.Names(Columns)

// Field length limits: generous for real names, fatal for garbage.
const (
	maxIDLen    = 64
	maxTextLen  = 256
	maxGroups   = 64
	maxBadges   = 16
	maxGroupLen = 64
)

// Parse reads a roster CSV per docs/imports.md (see package csvin for the file
// rules). A family name is required; an empty given name is allowed for
// people with one name. On any bad row it returns kiosk.Problems naming
// every one, and no delegates.
func Parse(r io.Reader) (Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Result{}, fmt.Errorf("read roster: %w", err)
	}
	rd := csvin.Open(data, knownColumns, requiredColumns)
	res := Result{Lines: map[string]int{}}
	if len(rd.Problems) == 0 {
		res.Delegates = parseRows(rd, res.Lines)
	}
	res.Warnings = rd.Warnings
	if len(rd.Problems) > 0 {
		return Result{Warnings: rd.Warnings}, rd.Problems
	}
	return res, nil
}

func parseRows(rd *csvin.Reader, lines map[string]int) []kiosk.Delegate {
	var out []kiosk.Delegate
	badges := map[string]int{} // uid → line
	for {
		row, ok := rd.Next()
		if !ok {
			break
		}
		d, ok := delegate(rd, row)
		if !ok {
			continue
		}
		if first, dup := lines[d.ID]; dup {
			rd.Fail(row.Line(colID), colID, "duplicate id %q (first on line %d)", d.ID, first)
		} else {
			lines[d.ID] = row.Line(colID)
		}
		for _, uid := range d.Badges {
			if first, dup := badges[uid]; dup {
				rd.Fail(row.Line(colBadgeUID), colBadgeUID, "badge %s is already given on line %d", uid, first)
			} else {
				badges[uid] = row.Line(colBadgeUID)
			}
		}
		out = append(out, d)
	}
	if len(rd.Problems) == 0 && len(out) == 0 {
		rd.Fail(0, "", "no delegates: the file has a header but no rows")
	}
	return out
}

// notLatin reports whether r is a letter of a script other than Latin
// (accented Latin letters are Latin: Müller, Nguyễn, Ødegård).
func notLatin(r rune) bool {
	return unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) || unicode.Is(unicode.Mn, r) && r > 0x036F
}

// delegate validates one row.
func delegate(rd *csvin.Reader, row csvin.Row) (kiosk.Delegate, bool) {
	nerr := len(rd.Problems)
	get, pos, clip := row.Get, row.Line, csvin.Clip
	text := func(column string, required bool, limit int) string {
		v := get(column)
		switch {
		case v == "" && required:
			rd.Fail(pos(column), column, "is empty")
		case len(v) > limit:
			rd.Fail(pos(column), column, "is %d bytes long, at most %d", len(v), limit)
		case strings.IndexFunc(v, unicode.IsControl) >= 0:
			rd.Fail(pos(column), column, "contains a control character")
		}
		return v
	}
	oneOf := func(column, def string, allowed []string) string {
		v := strings.ToLower(get(column))
		if v == "" {
			return def
		}
		if !slices.Contains(allowed, v) {
			rd.Fail(pos(column), column, "%q is not one of %s", clip(v), strings.Join(allowed, ", "))
		}
		return v
	}
	date := func(column string) string {
		v := get(column)
		if v != "" && !kiosk.ValidDate(v) {
			rd.Fail(pos(column), column, "%q is not a date (YYYY-MM-DD)", clip(v))
		}
		return v
	}

	d := kiosk.Delegate{
		ID:           text(colID, true, maxIDLen),
		FamilyName:   text(colFamilyName, true, maxTextLen),
		GivenName:    text(colGivenName, false, maxTextLen),
		Organization: text(colOrganization, false, maxTextLen),
		CountryName:  text(colCountryName, false, maxTextLen),
		Role:         oneOf(colRole, "delegate", kiosk.Roles),
		Status:       oneOf(colStatus, kiosk.StatusRegistered, []string{kiosk.StatusRegistered, kiosk.StatusConfirmed, kiosk.StatusCancelled}),
		Language:     oneOf(colLanguage, "en", kiosk.RosterLanguages),
		ValidFrom:    date(colValidFrom),
		ValidTo:      date(colValidTo),
		Email:        text(colEmail, false, maxTextLen),
	}
	latin := func(column string) string {
		v := text(column, false, maxTextLen)
		if i := strings.IndexFunc(v, notLatin); i >= 0 {
			r, _ := utf8.DecodeRuneInString(v[i:])
			rd.Fail(pos(column), column, "%q is not in Latin letters (it has %q): give the name as the passport spells it", clip(v), r)
		}
		return v
	}
	d.LatinFamilyName = latin(colLatinFamilyName)
	d.LatinGivenName = latin(colLatinGivenName)
	if d.ID != "" && strings.ContainsAny(d.ID, " \t/") {
		rd.Fail(pos(colID), colID, "%q must not contain spaces or '/'", clip(d.ID))
	}
	if c := strings.ToUpper(get(colCountry)); c != "" {
		if !kiosk.ValidCountry(c) {
			rd.Fail(pos(colCountry), colCountry, "%q is not an ISO 3166-1 alpha-2 code", clip(c))
		}
		d.Country = c
	}
	if d.ValidFrom != "" && d.ValidTo != "" && d.ValidFrom > d.ValidTo && kiosk.ValidDate(d.ValidFrom) && kiosk.ValidDate(d.ValidTo) {
		rd.Fail(pos(colValidTo), colValidTo, "%s is before valid_from %s", d.ValidTo, d.ValidFrom)
	}
	if d.Email != "" {
		if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email {
			rd.Fail(pos(colEmail), colEmail, "%q is not an e-mail address", clip(d.Email))
		}
	}
	for _, g := range csvin.SplitList(get(colGroups)) {
		if len(g) > maxGroupLen || strings.IndexFunc(g, unicode.IsControl) >= 0 {
			rd.Fail(pos(colGroups), colGroups, "group %q is not a valid group name", clip(g))
			continue
		}
		d.Groups = append(d.Groups, g)
	}
	if len(d.Groups) > maxGroups {
		rd.Fail(pos(colGroups), colGroups, "%d groups, at most %d", len(d.Groups), maxGroups)
	}
	for _, raw := range csvin.SplitList(get(colBadgeUID)) {
		uid, err := badge.CanonicalUID(raw)
		if err != nil {
			rd.Fail(pos(colBadgeUID), colBadgeUID, "%q: %v", clip(raw), err)
			continue
		}
		if !slices.Contains(d.Badges, uid) {
			d.Badges = append(d.Badges, uid)
		}
	}
	if len(d.Badges) > maxBadges {
		rd.Fail(pos(colBadgeUID), colBadgeUID, "%d badges, at most %d", len(d.Badges), maxBadges)
	}
	return d, len(rd.Problems) == nerr
}
