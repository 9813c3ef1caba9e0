package demo_test

import (
	"bytes"
	"maps"
	"slices"
	"testing"

	"checkin/kiosk/demo"
	"checkin/kiosk/roster"
)

func TestCrowd(t *testing.T) {
	const n = 3000
	c := demo.GenerateCrowd(n, 7)
	if again := demo.GenerateCrowd(n, 7); !bytes.Equal(c.RosterCSV, again.RosterCSV) {
		t.Error("the same seed gives another crowd")
	}
	if len(c.IDs) != n || len(c.UIDs) != n {
		t.Fatalf("%d ids and %d UIDs, want %d", len(c.IDs), len(c.UIDs), n)
	}
	res, err := roster.Parse(bytes.NewReader(c.RosterCSV))
	if err != nil {
		t.Fatalf("the roster importer refuses the crowd: %v", err)
	}
	if len(res.Delegates) != n {
		t.Fatalf("importer reads %d delegates, want %d", len(res.Delegates), n)
	}
	scripts := map[string]bool{}
	uids := map[string]bool{}
	for i, d := range res.Delegates {
		if d.ID != c.IDs[i] || len(d.Badges) != 1 || d.Badges[0] != c.UIDs[i] {
			t.Fatalf("delegate %d = %s %v, want %s with badge %s", i, d.ID, d.Badges, c.IDs[i], c.UIDs[i])
		}
		if uids[c.UIDs[i]] {
			t.Fatalf("badge %s given twice", c.UIDs[i])
		}
		uids[c.UIDs[i]] = true
		scripts[scriptOf(d.FamilyName)] = true
	}
	for _, want := range []string{"Latin", "Cyrillic", "Arabic", "Han"} {
		if !scripts[want] {
			t.Errorf("no %s family name among %d delegates (scripts: %v)", want, n, slices.Sorted(maps.Keys(scripts)))
		}
	}
}
