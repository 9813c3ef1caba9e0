package buildinfo

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	// What the linker was given is kept as it is.
	i := Resolve("0.16.0", "abc123", "2026-12-04T03:00:00Z")
	if i != (Info{"0.16.0", "abc123", "2026-12-04T03:00:00Z"}) {
		t.Errorf("Resolve with every field: %+v", i)
	}
	if got, want := i.String(), "0.16.0 (commit abc123, built 2026-12-04T03:00:00Z)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// Nothing given: never empty, so /healthz and --version always say
	// something (a test binary carries no VCS stamp).
	i = Resolve("", "", "")
	if i.Version != "dev" || i.Commit == "" || i.Date == "" {
		t.Errorf("Resolve with nothing: %+v", i)
	}
	if strings.Contains(i.String(), "()") {
		t.Errorf("String() = %q", i.String())
	}
}
