// Command gen writes the country table of package country,
// data/countries.tsv, from data/iso-codes.tsv (names from Debian's
// iso-codes) and data/un-names.tsv (the reviewed UN names that replace
// them). With -isocodes PREFIX it first refreshes data/iso-codes.tsv from
// an installed iso-codes (apt-get install iso-codes; PREFIX is /usr/share).
// It never uses the network.
//
//	go generate ./kiosk/country                            # after editing un-names.tsv
//	go run ./kiosk/country/gen -dir kiosk/country/data -isocodes /usr/share   # new iso-codes
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"checkin/kiosk/country/internal/table"
)

// moLangs maps the table's languages to iso-codes' locale folders.
var moLangs = map[string]string{"fr": "fr", "es": "es", "ar": "ar", "zh": "zh_CN", "ru": "ru"}

func main() {
	dir := flag.String("dir", "data", "the table's data folder")
	iso := flag.String("isocodes", "", "refresh iso-codes.tsv from the iso-codes installed under this prefix (/usr/share)")
	flag.Parse()
	if err := run(*dir, *iso); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, iso string) error {
	if iso != "" {
		if err := extract(dir, iso); err != nil {
			return err
		}
	}
	isoTSV, err := os.ReadFile(filepath.Join(dir, "iso-codes.tsv"))
	if err != nil {
		return err
	}
	un, err := os.ReadFile(filepath.Join(dir, "un-names.tsv"))
	if err != nil {
		return err
	}
	out, err := table.Generate(isoTSV, un)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "countries.tsv"), out, 0o644)
}

func extract(dir, prefix string) error {
	js, err := os.ReadFile(filepath.Join(prefix, "iso-codes", "json", "iso_3166-1.json"))
	if err != nil {
		return err
	}
	mo := map[string][]byte{}
	for lang, folder := range moLangs {
		b, err := os.ReadFile(filepath.Join(prefix, "locale", folder, "LC_MESSAGES", "iso_3166-1.mo"))
		if err != nil {
			return err
		}
		mo[lang] = b
	}
	version := "(unknown version)"
	if pc, err := os.ReadFile(filepath.Join(prefix, "pkgconfig", "iso-codes.pc")); err == nil {
		version = table.Version(pc)
	}
	out, err := table.Extract(js, mo, version)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "iso-codes.tsv"), out, 0o644)
}
