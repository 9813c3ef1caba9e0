// Package country names countries and areas as the United Nations does,
// in its six languages, by ISO 3166-1 alpha-2 code: "Republic of Korea",
// not "South Korea" or "Korea, Republic of"; "Iran (Islamic Republic
// of)"; "Holy See". Badges, the desk and the screens all name countries
// through it.
//
// Source, and why: the table (data/countries.tsv, generated) starts from
// Debian's iso-codes (the ISO 3166-1 short names with their fr, es, ar,
// zh_CN and ru translations): it is maintained, has every code, and is
// installed offline with apt-get install iso-codes. ISO's short names are
// list forms ("Korea, Republic of", "Bolivia, Plurinational State of")
// and its translations are community work, so the names the UN writes
// differently (its UNTERM short names, the names of the UN M49 table and of
// UN lists of participants) are reviewed by hand in data/un-names.tsv and
// replace them, row by row, in all six languages. The UN M49 table itself
// is not packaged anywhere we can fetch offline. Not CLDR
// (golang.org/x/text/language/display, the browser's Intl): its names are
// colloquial ("South Korea", "Russia", "Vatican City").
//
// The table's column source says which rows were reviewed ("un") and which
// are iso-codes as is ("iso"). To change a name, edit data/un-names.tsv and
// run go generate ./kiosk/country; for a new iso-codes release, apt-get
// install iso-codes and run go run ./kiosk/country/gen -dir
// kiosk/country/data -isocodes /usr/share. Neither needs the network.
package country

//go:generate go run ./gen

import (
	_ "embed"
	"slices"
	"sync"

	"checkin/kiosk/country/internal/table"
)

//go:embed data/countries.tsv
var tsv []byte

// Langs are the languages names are given in: the six UN languages.
var Langs = table.Langs

var countries = sync.OnceValue(func() map[string][6]string {
	rows, err := table.Parse(tsv, 8)
	if err != nil {
		panic("country: data/countries.tsv: " + err.Error()) // embedded, and checked by the tests
	}
	m := make(map[string][6]string, len(rows))
	for _, r := range rows {
		m[r.Code] = r.Names
	}
	return m
})

// Valid reports whether code is an upper-case ISO 3166-1 alpha-2 code of
// the table (every officially assigned code, and XK).
func Valid(code string) bool {
	_, ok := countries()[code]
	return ok
}

// Name returns the UN name of code in lang (one of Langs; English for any
// other), or "" for a code not in the table.
func Name(code, lang string) string {
	names, ok := countries()[code]
	if !ok {
		return ""
	}
	i := slices.Index(table.Langs, lang)
	if i < 0 {
		i = 0
	}
	return names[i]
}

// Names returns the names of code in the six languages, in the order of
// Langs, or nil for a code not in the table.
func Names(code string) []string {
	names, ok := countries()[code]
	if !ok {
		return nil
	}
	return names[:]
}

// All returns every code's name in lang (English for a language not in
// Langs): code → name.
func All(lang string) map[string]string {
	i := max(slices.Index(table.Langs, lang), 0)
	out := make(map[string]string, len(countries()))
	for code, names := range countries() {
		out[code] = names[i]
	}
	return out
}
