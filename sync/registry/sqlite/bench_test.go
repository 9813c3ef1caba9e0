package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"checkin/kiosk"
	wire "checkin/sync"
)

// BenchmarkChanges: full pages of the change feed of a 10k roster (10k
// delegates, then their 10k badges), read in turn as a first sync does.
func BenchmarkChanges(b *testing.B) {
	s := openStore(b)
	ctx := context.Background()
	many := make([]kiosk.Delegate, 10_000)
	for i := range many {
		many[i] = roster[0]
		many[i].ID, many[i].Badges = fmt.Sprintf("D%06d", i), []string{fmt.Sprintf("%010X", i)}
	}
	if _, err := s.ReplaceRoster(ctx, many); err != nil {
		b.Fatal(err)
	}
	head, _ := s.Head(ctx)
	since := int64(0)
	b.ReportAllocs()
	for b.Loop() {
		page, err := s.Changes(ctx, since, wire.MaxPage)
		if err != nil || len(page.Changes) != wire.MaxPage {
			b.Fatalf("%d changes, %v", len(page.Changes), err)
		}
		if since = page.Next; since >= head {
			since = 0
		}
	}
}
