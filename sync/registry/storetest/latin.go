package storetest

import (
	"context"
	"reflect"
	"testing"

	"checkin/kiosk"
)

// testLatinNames: the roster's latin columns are kept and fed; an import
// that changes only them updates the delegate and feeds it again, one
// that changes nothing feeds nothing, and clearing them clears them.
func testLatinNames(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	importRoster(t, s)
	h := head(t, s)

	r := roster()
	r[2].LatinFamilyName, r[2].LatinGivenName = "Ivanova", "Anna" // D3: only the latin columns change
	r[3].LatinFamilyName, r[3].LatinGivenName = "", ""            // D4: cleared
	res, err := s.ReplaceRoster(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if want := (kiosk.RosterImport{Updated: 2, Unchanged: 2, Badges: 1}); res != want {
		t.Errorf("import = %+v, want %+v", res, want)
	}
	cs := feed(t, s, h)
	got := map[string]kiosk.Delegate{}
	for _, c := range cs {
		if d, ok := c.Value.(*kiosk.Delegate); ok && c.Op == kiosk.OpUpsert {
			got[d.ID] = *d
		}
	}
	if len(got) != 2 {
		t.Errorf("fed delegates %v, want D3 and D4", got)
	}
	for _, want := range []kiosk.Delegate{r[2], r[3]} {
		want.Badges = nil
		if d := got[want.ID]; !reflect.DeepEqual(d, want) {
			t.Errorf("fed %s = %+v\nwant %+v", want.ID, d, want)
		}
	}
	h = head(t, s)
	if _, err := s.ReplaceRoster(ctx, r); err != nil {
		t.Fatal(err)
	}
	unchanged(t, s, h, "the same roster again")
}
