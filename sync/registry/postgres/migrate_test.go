package postgres

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"checkin/sync/registry/postgres/pgtest"
)

// Three registries starting at the same moment on an empty database
// migrate it once; a database with a migration the binary lacks is refused.
func TestMigrateOnceAndRefuseNewer(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	stores := make([]*Store, 3)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(ctx, url, nil, nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("registry %d: %v", i, err)
		}
		stores[i].Close()
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM checkin_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := len(migrationNames()); n != want {
		t.Fatalf("%d migrations recorded, want %d", n, want)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO checkin_migrations (name) VALUES ('9999_from_the_future.sql')`); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, url, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "newer than this checkin") || !strings.Contains(err.Error(), "9999_from_the_future.sql") {
		t.Fatalf("open of a newer database: %v, want a refusal naming the migration", err)
	}
}
