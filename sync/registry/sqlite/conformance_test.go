package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"checkin/sync/registry"
	regsqlite "checkin/sync/registry/sqlite"
	"checkin/sync/registry/storetest"
)

// TestConformance runs the registry store suite against SQLite, the
// reference: each sub-test gets a database in a directory of its own.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) registry.Admin {
		s, err := regsqlite.Open(filepath.Join(t.TempDir(), "checkin.db"), now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		return s
	})
}
