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
	pdftotext := lookPdftotext(t)
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
				if text := badgeText(t, pdftotext, render, tc.d, m, layout); !strings.Contains(text, tc.want) {
					t.Errorf("%s badge of %s: text %q, want %q", layout, tc.d.ID, text, tc.want)
				}
			}
		})
	}
}

// TestBadgeSaysNothingFalse: a cancelled delegate's badge (printed only on
// the clerk's confirmation) says so where the role would be, and a
// delegate valid on fewer days than the meeting has those days printed.
func TestBadgeSaysNothingFalse(t *testing.T) {
	pdftotext := lookPdftotext(t)
	render := badgePrinter()
	m := kiosk.Meeting{ID: "SG12", Name: "Study Group 12", Start: "2026-11-21", End: "2026-11-28"}
	for _, tc := range []struct {
		name      string
		d         kiosk.Delegate
		want, not []string
	}{
		{"cancelled", kiosk.Delegate{ID: "C1", FamilyName: "Okonkwo", GivenName: "Adaeze", Role: "head", Status: kiosk.StatusCancelled},
			[]string{"REGISTRATION CANCELLED", "21–28 November 2026"}, []string{"HEAD OF DELEGATION"}},
		{"fewer days", kiosk.Delegate{ID: "V2", FamilyName: "Lindqvist", GivenName: "Maja", Role: "delegate", Status: kiosk.StatusConfirmed, ValidFrom: "2026-11-23", ValidTo: "2026-11-25"},
			[]string{"Valid 23–25 November 2026", "DELEGATE"}, []string{"21–28", "CANCELLED"}},
		{"from a later day", kiosk.Delegate{ID: "V3", FamilyName: "Haddad", GivenName: "Rami", Role: "delegate", Status: kiosk.StatusRegistered, ValidFrom: "2026-11-26"},
			[]string{"Valid 26–28 November 2026"}, []string{"21–28"}},
		{"whole meeting", kiosk.Delegate{ID: "V4", FamilyName: "Moreau", GivenName: "Lucie", Role: "delegate", Status: kiosk.StatusRegistered, ValidFrom: "2026-11-21", ValidTo: "2026-11-28"},
			[]string{"21–28 November 2026", "DELEGATE"}, []string{"Valid", "CANCELLED"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, layout := range []string{"cr80", "a6"} {
				text := badgeText(t, pdftotext, render, tc.d, m, layout)
				for _, w := range tc.want {
					if !strings.Contains(text, w) {
						t.Errorf("%s badge of %s: text %q, want %q", layout, tc.d.ID, text, w)
					}
				}
				for _, w := range tc.not {
					if strings.Contains(text, w) {
						t.Errorf("%s badge of %s: text %q has %q", layout, tc.d.ID, text, w)
					}
				}
			}
		})
	}
}

// lookPdftotext finds pdftotext: skipped without it, but failed in CI.
func lookPdftotext(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found; CI installs poppler-utils")
		}
		t.Skip("SKIPPED: pdftotext not found; install poppler-utils to run this test")
	}
	return path
}

// badgeText renders d's badge and reads its text back, spaces collapsed.
func badgeText(t *testing.T, pdftotext string, render kiosk.BadgeRenderer, d kiosk.Delegate, m kiosk.Meeting, layout string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := render(&buf, d, m, "", layout, nil); err != nil {
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
	return strings.Join(strings.Fields(string(out)), " ")
}
