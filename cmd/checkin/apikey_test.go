package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"checkin/kiosk"
	"checkin/sync/registry/postgres/pgtest"
)

func TestAPIKeyUsage(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"apikey", "--help"}, 0, "checkin apikey add|revoke (--data DIR | --db URL) --name NAME", ""},
		{[]string{"apikey", "add", "--help"}, 0, "", "-name"},
		{[]string{"apikey", "list", "--help"}, 0, "", "-db"},
		{[]string{"apikey", "revoke", "-h"}, 0, "", "-name"},
		{[]string{"apikey"}, 2, "", "say add, list or revoke"},
		{[]string{"apikey", "rotate"}, 2, "", "say add, list or revoke"},
		{[]string{"apikey", "add", "--name", "lockers"}, 2, "", "--data DIR or --db postgres://… is required"},
		{[]string{"apikey", "add", "--data", data}, 2, "", "--name must be"},
		{[]string{"apikey", "add", "--data", data, "--name", "e lockers"}, 2, "", "--name must be"},
		{[]string{"apikey", "revoke", "--data", data, "--name", strings.Repeat("x", 65)}, 2, "", "--name must be"},
		{[]string{"apikey", "add", "--data", data, "--name", "lockers", "extra"}, 2, "", `unexpected argument "extra"`},
		{[]string{"apikey", "add", "--data", data, "--db", "postgres://x@127.0.0.1/y", "--name", "lockers"}, 2, "", "not both"},
		{[]string{"apikey", "list", "--data", data, "--bogus"}, 2, "", "flag provided but not defined"},
	} {
		code, stdout, stderr := run(t, nil, "", tc.args...)
		if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("checkin %v: %d %q %q, want %d, stdout ~%q, stderr ~%q", tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
		if tc.code == 2 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 && !strings.Contains(stderr, "Usage:") {
			t.Errorf("checkin %v: error of more than one line: %q", tc.args, stderr)
		}
	}
}

// TestAPIKeyCommands: on a kiosk's data directory (a kiosk that runs
// alone), add prints the key once and keeps only its hash; list shows
// names, times and revocations, never a key; revoke by name.
func TestAPIKeyCommands(t *testing.T) {
	data := t.TempDir()
	code, stdout, stderr := run(t, nil, "", "apikey", "add", "--data", data, "--name", "lockers")
	key := strings.TrimSpace(stdout)
	if code != 0 || !strings.HasPrefix(key, "cka_") || strings.Contains(key, "\n") || !strings.Contains(stderr, "shown only now") {
		t.Fatalf("add: %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, nil, "", "apikey", "add", "--data", data, "--name", "lockers")
	again := strings.TrimSpace(stdout)
	if code != 0 || again == key || !strings.Contains(stderr, "no longer works") {
		t.Errorf("add again: %d %q %q, want a new key replacing the first", code, stdout, stderr)
	}
	if code, _, stderr := run(t, nil, "", "apikey", "add", "--data", data, "--name", "printers"); code != 0 {
		t.Fatalf("add printers: %d %q", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"apikey", "revoke", "--data", data, "--name", "printers"}, 0, "api key printers revoked"},
		{[]string{"apikey", "revoke", "--data", data, "--name", "printers"}, 0, "revoked"},
		{[]string{"apikey", "revoke", "--data", data, "--name", "doors"}, 2, `no api key "doors"`},
	} {
		code, stdout, stderr := run(t, nil, "", tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.out) {
			t.Errorf("checkin %v: %d %q %q, want %d ~%q", tc.args, code, stdout, stderr, tc.code, tc.out)
		}
	}
	code, stdout, _ = run(t, nil, "", "apikey", "list", "--data", data)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[1], "lockers ") || !strings.HasPrefix(lines[2], "printers ") ||
		!strings.Contains(lines[1], " - ") || strings.Contains(lines[2], " - ") {
		t.Errorf("list: %d\n%s\nwant lockers working, printers revoked", code, stdout)
	}
	for _, secret := range []string{key, again, kiosk.HashSecret(again)} {
		if strings.Contains(stdout, secret) {
			t.Errorf("list shows a key or its hash: %s", stdout)
		}
	}

	// At rest: the hash, never the key, in any of the database's files.
	files, _ := filepath.Glob(filepath.Join(data, dbFile+"*"))
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if bytes.Contains(all, []byte(key)) || bytes.Contains(all, []byte(again)) {
		t.Error("a key is in the database")
	}
	if !bytes.Contains(all, []byte(kiosk.HashSecret(again))) {
		t.Error("the key's hash is not in the database")
	}
}

// TestAPIKeyCommandsPostgres: the same commands on the registry's
// PostgreSQL database.
func TestAPIKeyCommandsPostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	code, stdout, stderr := run(t, nil, "", "apikey", "add", "--db", db, "--name", "lockers")
	if key := strings.TrimSpace(stdout); code != 0 || !strings.HasPrefix(key, "cka_") {
		t.Fatalf("add: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, stderr := run(t, nil, "", "apikey", "revoke", "--db", db, "--name", "lockers"); code != 0 || !strings.Contains(stdout, "revoked") {
		t.Errorf("revoke: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, nil, "", "apikey", "list", "--db", db); code != 0 || !strings.Contains(stdout, "lockers") || strings.Contains(stdout, " - ") {
		t.Errorf("list: %d %q, want lockers revoked", code, stdout)
	}
	if code, _, stderr := run(t, nil, "", "apikey", "revoke", "--db", db, "--name", "doors"); code != 2 || !strings.Contains(stderr, `no api key "doors"`) {
		t.Errorf("revoke doors: %d %q", code, stderr)
	}
}
