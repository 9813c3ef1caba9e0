package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/roster"
)

// TestCountryNameFromCSV: a roster's country_name goes through the CSV
// into the database file as written, survives a reopen, changes with a
// re-import, and is what the delegate's country is called; without it the
// country is named by its UN name.
func TestCountryNameFromCSV(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kiosk.db")
	db, _ := openDB(t, path)
	importCSV := func(csv string) kiosk.RosterImport {
		t.Helper()
		res, err := roster.Parse(strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		n, err := db.ReplaceRoster(ctx, res.Delegates)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	importCSV("id,family_name,given_name,country,country_name\n" +
		"V1,Parolin,Pietro,VA,Holy See\n" +
		"E1,Borrell,Josep,,European Union\n" +
		"K1,김,민준,KR,\n" +
		"P1,الأحمد,محمد,PS,دولة فلسطين\n")
	db.Close()
	db, _ = openDB(t, path)
	for _, tc := range []struct{ id, country, override, en, fr string }{
		{"V1", "VA", "Holy See", "Holy See", "Holy See"},
		{"E1", "", "European Union", "European Union", "European Union"},
		{"K1", "KR", "", "Republic of Korea", "République de Corée"},
		{"P1", "PS", "دولة فلسطين", "دولة فلسطين", "دولة فلسطين"},
	} {
		d, err := db.Delegate(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Country != tc.country || d.CountryName != tc.override {
			t.Errorf("%s: country %q, country_name %q; want %q, %q", tc.id, d.Country, d.CountryName, tc.country, tc.override)
		}
		if got := d.CountryIn("en"); got != tc.en {
			t.Errorf("%s: CountryIn(en) = %q, want %q", tc.id, got, tc.en)
		}
		if got := d.CountryIn("fr"); got != tc.fr {
			t.Errorf("%s: CountryIn(fr) = %q, want %q", tc.id, got, tc.fr)
		}
	}
	// A change of country_name alone is a change; dropping it names the
	// country again.
	got := importCSV("id,family_name,given_name,country,country_name\n" +
		"V1,Parolin,Pietro,VA,\n" +
		"E1,Borrell,Josep,,European Union\n" +
		"K1,김,민준,KR,\n" +
		"P1,الأحمد,محمد,PS,State of Palestine (observer)\n")
	if want := (kiosk.RosterImport{Updated: 2, Unchanged: 2}); got != want {
		t.Errorf("re-import: %+v, want %+v", got, want)
	}
	if d, _ := db.Delegate(ctx, "V1"); d.CountryName != "" || d.CountryIn("ru") != "Святой Престол" {
		t.Errorf("V1 after re-import: country_name %q, ru %q", d.CountryName, d.CountryIn("ru"))
	}
	if d, _ := db.Delegate(ctx, "P1"); d.CountryIn("zh") != "State of Palestine (observer)" {
		t.Errorf("P1 after re-import: %q", d.CountryIn("zh"))
	}
}

// TestCountryNameFromFeed: a delegate change from the registry carries
// country_name into the kiosk's database, and a later one without it
// clears it.
func TestCountryNameFromFeed(t *testing.T) {
	db, _ := newDB(t)
	seed(t, db)
	ctx := context.Background()
	page := []kiosk.Change{change(1, kiosk.ChangeDelegate, kiosk.OpUpsert,
		&kiosk.Delegate{ID: "O1", FamilyName: "Dupont", Country: "FR", CountryName: "Organisation internationale de la Francophonie"})}
	if _, err := db.ApplyChanges(ctx, page, 1); err != nil {
		t.Fatal(err)
	}
	d, err := db.Delegate(ctx, "O1")
	if err != nil || d.CountryName != "Organisation internationale de la Francophonie" || d.Country != "FR" {
		t.Fatalf("O1 from the feed: %+v, %v", d, err)
	}
	page = []kiosk.Change{change(2, kiosk.ChangeDelegate, kiosk.OpUpsert, &kiosk.Delegate{ID: "O1", FamilyName: "Dupont", Country: "FR"})}
	if _, err := db.ApplyChanges(ctx, page, 2); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.Delegate(ctx, "O1"); d.CountryName != "" || d.CountryIn("en") != "France" {
		t.Errorf("O1 without country_name: %q, %q", d.CountryName, d.CountryIn("en"))
	}
}
