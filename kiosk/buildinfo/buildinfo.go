// Package buildinfo says which build of checkin is running: the version,
// the commit and the build date, as `checkin --version`, /healthz and the
// Debian package give them.
package buildinfo

import (
	"fmt"
	"runtime/debug"
)

// Info is one build of checkin.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"build_date"` // RFC 3339, UTC
}

// Resolve completes what the linker was given (-X main.version=… and so
// on): a plain `go build` or `go run` still knows its commit and the
// commit's time from the Go toolchain's VCS stamp.
func Resolve(version, commit, date string) Info {
	i := Info{Version: version, Commit: commit, Date: date}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, at string
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if i.Commit == "" && rev != "" {
			i.Commit = rev
			if dirty {
				i.Commit += "-dirty"
			}
		}
		if i.Date == "" {
			i.Date = at
		}
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	if i.Commit == "" {
		i.Commit = "unknown"
	}
	if i.Date == "" {
		i.Date = "unknown"
	}
	return i
}

// String is the line `checkin --version` prints after the program's name.
func (i Info) String() string {
	return fmt.Sprintf("%s (commit %s, built %s)", i.Version, i.Commit, i.Date)
}
