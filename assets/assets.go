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
