package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"checkin/kiosk"
)

// TestBadgeCountryNames: a printed badge names the country as the UN does
// (from package country's table, in English), or as the roster's
// country_name has it; read back from the PDF with pdftotext.
func TestBadgeCountryNames(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found; CI installs poppler-utils")
		}
		t.Skip("SKIPPED: pdftotext not found; install poppler-utils to run this test")
	}
	render := badgePrinter()
	m := kiosk.Meeting{ID: "SG12", Name: "Study Group 12", Start: "2026-11-21", End: "2026-11-28"}
	for _, tc := range []struct {
		name string
		d    kiosk.Delegate
		want string
	}{
		{"UN name", kiosk.Delegate{ID: "K1", FamilyName: "김", GivenName: "민준", Country: "KR"}, "Republic of Korea (KR)"},
		{"UN name in brackets", kiosk.Delegate{ID: "I1", FamilyName: "Ahmadi", GivenName: "Reza", Country: "IR"}, "Iran (Islamic Republic of) (IR)"},
		{"roster's name", kiosk.Delegate{ID: "V1", FamilyName: "Parolin", GivenName: "Pietro", Country: "VA", CountryName: "Holy See"}, "Holy See (VA)"},
		{"roster's name, no code", kiosk.Delegate{ID: "E1", FamilyName: "Borrell", GivenName: "Josep", CountryName: "European Union"}, "European Union"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, layout := range []string{"cr80", "a6"} {
				var buf bytes.Buffer
				if err := render(&buf, tc.d, m, "", layout); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(t.TempDir(), "badge.pdf")
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").Output()
				if err != nil {
					t.Fatal(err)
				}
				if text := strings.Join(strings.Fields(string(out)), " "); !strings.Contains(text, tc.want) {
					t.Errorf("%s badge of %s: text %q, want %q", layout, tc.d.ID, text, tc.want)
				}
			}
		})
	}
}
