// Package pgtest gives each test a database of its own on a real
// PostgreSQL server, dropped when the test ends.
//
// The server is CHECKIN_TEST_PG (a postgres:// URL of a role that may
// create databases), by default postgres://postgres@127.0.0.1:5432/postgres.
// Without a server a test skips, loudly; with CI=true it fails instead, as
// the serial and browser tests do: CI installs and starts PostgreSQL.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultURL is the server tests use when CHECKIN_TEST_PG is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL returns the URL of the test server's maintenance database.
func ServerURL() string {
	if u := os.Getenv("CHECKIN_TEST_PG"); u != "" {
		return u
	}
	return DefaultURL
}

// unavailable skips the test, or fails it in CI.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("PostgreSQL is required in CI (CHECKIN_TEST_PG=%s): %v", ServerURL(), err)
	}
	t.Skipf("SKIPPED: no PostgreSQL server (%v); set CHECKIN_TEST_PG or start one to run this test", err)
}

// Connect opens a connection to the test server's maintenance database.
func Connect(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		unavailable(t, err)
	}
	return conn
}

// NewDatabase creates an empty database for this test and returns its URL;
// the database is dropped (its connections ended) when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	conn := Connect(t)
	defer conn.Close(context.Background())
	b := make([]byte, 6)
	rand.Read(b)
	name := "checkin_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), ServerURL())
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(ServerURL())
	if err != nil {
		t.Fatalf("CHECKIN_TEST_PG: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Exec runs a statement on the test server's maintenance database.
func Exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	conn := Connect(t)
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// Name returns the database name of a URL made by NewDatabase.
func Name(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return ""
	}
	return fmt.Sprint(u.Path[1:])
}
