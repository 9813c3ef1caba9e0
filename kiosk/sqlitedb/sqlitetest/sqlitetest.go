// Package sqlitetest helps tests of the SQLite stores: a database that is
// full, as on a full disk, and what a database holds, row by row.
package sqlitetest

import (
	"database/sql"
	"fmt"
	"testing"
)

// Fill makes the database behind writer (a pool of one connection, as
// sqlitedb's Writer) full: from now on a write that needs a new page fails
// with SQLite's own "database or disk is full", as on a full disk, until
// room(true) gives it space again (room(false) takes it away again).
func Fill(t testing.TB, writer *sql.DB) (room func(free bool)) {
	t.Helper()
	var pages int
	if err := writer.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	room = func(free bool) {
		t.Helper()
		n := pages
		if free {
			n = 1 << 30
		}
		if _, err := writer.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, n)); err != nil {
			t.Fatal(err)
		}
	}
	room(false)
	return room
}

// Rows runs query on db and returns every row's values, for tests that
// compare what a database holds.
func Rows(t testing.TB, db *sql.DB, query string) [][]any {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
