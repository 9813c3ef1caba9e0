package main

import (
	"flag"
	"fmt"
	"strings"

	"checkin/assets"
	"checkin/kiosk/csvin"
)

// importFormat is an import file's format as --help lists it: every
// column (or iCalendar property) the parser reads, from the parser's own
// table, and the example file in assets/examples.
type importFormat struct {
	intro   string
	columns []csvin.Column
	example string // file name in assets/examples
	flag    string // the flag that prints the example
}

// csvRules are the file rules every import CSV follows (package csvin).
const csvRules = "UTF-8 (a BOM is fine), ',' or ';' between columns (told from the header), a header row with\n" +
	"names in any case (unknown columns are ignored with a warning), quotes as in RFC 4180"

// help lists the format's columns, one a line: name, whether it is
// required, and what it means.
func (f importFormat) help() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", f.intro)
	for _, c := range f.columns {
		req := "optional"
		if c.Required {
			req = "required"
		}
		fmt.Fprintf(&b, "  %-18s %-8s  %s\n", c.Name, req, c.Meaning)
	}
	fmt.Fprintf(&b, "Example: assets/examples/%s in the source; --%s prints it.\n", f.example, f.flag)
	return b.String()
}

// addExampleFlag adds the flag that prints the format's example file.
func (f importFormat) addExampleFlag(fs *flag.FlagSet) *bool {
	return fs.Bool(f.flag, false, "print the example "+f.example+" (every column) and exit")
}

// printExample writes the format's example file to standard output.
func (f importFormat) printExample(e *env) error {
	body, err := assets.Example(f.example)
	if err != nil {
		return fmt.Errorf("example %s: %w", f.example, err)
	}
	_, err = e.stdout.Write(body)
	return err
}
