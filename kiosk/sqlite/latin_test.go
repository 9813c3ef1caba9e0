package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"checkin/kiosk"
	"checkin/kiosk/roster"
)

// TestLatinNamesRoundTrip: a roster CSV with the latin columns, imported
// into a database file, closed and opened again, gives back every name as
// written; a re-import that changes only a latin column is an update, and
// a page of the change feed carries them too.
func TestLatinNamesRoundTrip(t *testing.T) {
	const csv = "id,family_name,given_name,country,email,latin_family_name,latin_given_name\n" +
		"L1,Кузнецова,Дарья,RU,d.kuznetsova@example.org,Kuznetsova,Daria\n" +
		"L2,المنصوري,أحمد,AE,,Al Mansouri,Ahmed\n" +
		"L3,佐藤,花子,JP,,Sato,Hanako\n" +
		"L4,Παπαδοπούλου,Ελένη,GR,,,\n"
	res, err := roster.Parse(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kiosk.db")
	ctx := context.Background()
	db, _ := openDB(t, path)
	if _, err := db.ReplaceRoster(ctx, res.Delegates); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, _ = openDB(t, path)
	var got []kiosk.Delegate
	if _, err := db.AllDelegates(ctx, func(d *kiosk.Delegate) { got = append(got, *d) }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res.Delegates, got); diff != "" {
		t.Errorf("delegates after a reopen (-imported +read):\n%s", diff)
	}
	d, err := db.Delegate(ctx, "L2")
	if err != nil {
		t.Fatal(err)
	}
	if d.LatinFamilyName != "Al Mansouri" || d.LatinGivenName != "Ahmed" || d.LatinName() != "Ahmed Al Mansouri" {
		t.Errorf("L2 = %q %q (%q), want Al Mansouri, Ahmed", d.LatinFamilyName, d.LatinGivenName, d.LatinName())
	}

	again := append([]kiosk.Delegate(nil), res.Delegates...)
	again[3].LatinFamilyName = "Papadopoulou"
	imp, err := db.ReplaceRoster(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Updated != 1 || imp.Unchanged != 3 {
		t.Errorf("re-import = %+v, want 1 updated, 3 unchanged", imp)
	}

	// From the registry's feed: the latin columns are applied, and cleared.
	fed := again[0]
	fed.LatinFamilyName, fed.LatinGivenName = "Kuznetcova", ""
	if _, err := db.ApplyChanges(ctx, []kiosk.Change{{Seq: 1, Kind: kiosk.ChangeDelegate, Op: kiosk.OpUpsert, Value: &fed}}, 1); err != nil {
		t.Fatal(err)
	}
	if d, err := db.Delegate(ctx, "L1"); err != nil || d.LatinFamilyName != "Kuznetcova" || d.LatinGivenName != "" {
		t.Errorf("L1 after the feed = %+v, %v, want Kuznetcova and no given name", d, err)
	}
}
