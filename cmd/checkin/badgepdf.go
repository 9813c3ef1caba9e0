package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"checkin/badge/card"
	"checkin/kiosk"
)

// badgePrinter prints badges with the card package: fonts are parsed once,
// at the first badge, not at every kiosk start.
func badgePrinter() kiosk.BadgeRenderer {
	renderer := sync.OnceValues(card.NewRenderer)
	return func(w io.Writer, d kiosk.Delegate, m kiosk.Meeting, token, layout string, photo []byte) error {
		r, err := renderer()
		if err != nil {
			return fmt.Errorf("badge fonts: %w", err)
		}
		l, err := card.ParseLayout(layout)
		if err != nil {
			return kiosk.Errorf(kiosk.EINVALID, "%v", err)
		}
		// A badge says nothing false: a cancelled registration says so
		// on the band, where the role would be, and the dates are the
		// delegate's own where they are narrower than the meeting's.
		var notice string
		if d.Status == kiosk.StatusCancelled {
			notice = "REGISTRATION CANCELLED"
		}
		// A badge is in English, as its role and dates are: the country's
		// UN name in English, or the roster's country_name as written.
		return r.Render(w, card.Badge{
			FamilyName: d.FamilyName, GivenName: d.GivenName, Name: d.Name(),
			LatinFamilyName: d.LatinFamilyName, LatinGivenName: d.LatinGivenName, Language: d.Language,
			Organization: d.Organization, Country: d.Country, CountryName: d.CountryIn("en"),
			Role: d.Role, Meeting: m.Name, Dates: badgeDates(d, m), Pass: token, DelegateID: d.ID, Notice: notice,
			Photo: photo,
		}, l)
	}
}

// badgeDates is the span a badge shows: the meeting's, or "Valid " and
// the delegate's own window where it is narrower.
func badgeDates(d kiosk.Delegate, m kiosk.Meeting) string {
	from, to := kiosk.Validity(&d, m)
	if from == m.Start && to == m.End {
		return spanDates(m.Start, m.End)
	}
	if span := spanDates(from, to); span != "" {
		return "Valid " + span
	}
	return ""
}

// spanDates writes a span of days for a badge: "21–28 November 2026".
func spanDates(first, last string) string {
	start, err1 := time.Parse(kiosk.DateLayout, first)
	end, err2 := time.Parse(kiosk.DateLayout, last)
	switch {
	case err1 != nil || err2 != nil:
		return ""
	case start.Equal(end):
		return start.Format("2 January 2006")
	case start.Year() != end.Year():
		return start.Format("2 January 2006") + " – " + end.Format("2 January 2006")
	case start.Month() != end.Month():
		return start.Format("2 January") + " – " + end.Format("2 January 2006")
	}
	return start.Format("2") + "–" + end.Format("2 January 2006")
}
