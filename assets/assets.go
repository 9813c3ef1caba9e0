// Package assets embeds the templates, stylesheets, scripts and message
// catalogues the kiosk serves. Nothing is loaded from a CDN: venues are
// often offline.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed templates static i18n
var files embed.FS

// FS returns the embedded assets: templates/, static/ and i18n/.
func FS() fs.FS { return files }

// examples are the example import files (roster.csv, schedule.csv,
// schedule.ics) that `checkin import … --example` prints and docs/imports.md
// points to; tests import each of them.
//
//go:embed examples
var examples embed.FS

// Example returns the example import file name (roster.csv, schedule.csv,
// schedule.ics).
func Example(name string) ([]byte, error) { return examples.ReadFile("examples/" + name) }
