package postgres_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"checkin/sync/registry"
	"checkin/sync/registry/postgres"
	"checkin/sync/registry/postgres/pgtest"
	"checkin/sync/registry/storetest"
)

// TestConformance runs the registry store suite against PostgreSQL: each
// sub-test gets a database of its own (pgtest), dropped when it ends.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) registry.Admin {
		s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t), now, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		// Registered after NewDatabase's cleanup, so it runs first: the
		// store closes before its database is dropped.
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		return s
	})
}
