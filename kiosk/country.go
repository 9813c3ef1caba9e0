package kiosk

import "checkin/kiosk/country"

// ValidCountry reports whether code is an upper-case ISO 3166-1 alpha-2
// code: an officially assigned one, or XK (Kosovo, user-assigned but used
// in rosters).
func ValidCountry(code string) bool {
	return country.Valid(code)
}
