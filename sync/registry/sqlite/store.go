// Package sqlite is the registry's storage on SQLite: the venue's tables
// (kiosk/sqlite.Venue, shared with kiosks) plus its own schema: a
// trigger-fed change log, kiosk tokens and desk events.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	gosync "sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"checkin/kiosk"
	ksqlite "checkin/kiosk/sqlite"
	"checkin/kiosk/sqlitedb"
	wire "checkin/sync"
	"checkin/sync/registry"
)

//go:embed migrations/*.sql
var migrations embed.FS

var _ registry.Admin = (*Store)(nil)

// Store is the registry's database.
type Store struct {
	*ksqlite.Venue // meeting, roster, schedule, staff: as on a kiosk

	write, read *sql.DB

	mu    gosync.Mutex
	stmts map[string]*sql.Stmt // prepared on the writer, by query text

	ingest *registry.GroupCommit // check-ins of deliveries that arrive together, in one transaction
}

// Close stops the check-in writer after what it was handed is committed,
// then closes the database.
func (s *Store) Close() error {
	s.ingest.Close()
	return s.Venue.Close()
}

// prepared returns query prepared once on the writer connection. Multi-row
// ingest statements would otherwise be parsed on every batch (measured:
// 29-39k events/s with, 21-26k without, BenchmarkIngest). It must be
// called outside a transaction: the writer has a single connection.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.write.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

// Open opens (creating or upgrading) the registry database at path. A
// kiosk's database (a roster imported into the directory before the
// registry first ran) is taken over: what it holds enters the change log.
func Open(path string, now func() time.Time) (*Store, error) {
	base := sqlitedb.New(path, ksqlite.VenueSchema(), registrySchema())
	if now != nil {
		base.Now = now
	}
	venue := ksqlite.NewVenue(base)
	if err := venue.Open(); err != nil {
		return nil, err
	}
	s := &Store{Venue: venue}
	s.ingest = registry.NewGroupCommit(s.commitCheckins)
	s.write, s.read = base.Writer, base.Readers
	return s, nil
}

// Migration is the name of the registry's first migration: a data
// directory that has it is a registry's.
const Migration = "registry_0001_changes.sql"

// IsRegistry reports whether the database file at path is a registry's
// (it changes nothing, and a missing file is not).
func IsRegistry(path string) (bool, error) {
	return sqlitedb.Migrated(path, Migration)
}

func registrySchema() fs.FS {
	s, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // an embedded folder: cannot fail
	}
	return s
}

// AddToken stores a kiosk's token (its hash). A token the kiosk held
// before stops working, and, as when it is revoked, the kiosk's pass keys
// are withdrawn: whoever held the old token may have announced them.
func (s *Store) AddToken(ctx context.Context, kioskID, token string) error {
	return s.update(ctx, "add token", func(tx *sql.Tx, now time.Time) error {
		revoked, err := revokeToken(ctx, tx, kioskID, now)
		if err != nil {
			return err
		}
		if revoked {
			if err := withdrawKeys(ctx, tx, kioskID, now); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO kiosk_tokens (kiosk, token_hash, created_us) VALUES (?, ?, ?)`,
			kioskID, kiosk.HashSecret(token), now.UnixMicro())
		return err
	})
}

// RevokeToken removes a kiosk's token and withdraws its pass keys at every
// kiosk (the feed carries their deletes), in one transaction. ENOTFOUND if
// it has none.
func (s *Store) RevokeToken(ctx context.Context, kioskID string) error {
	return s.update(ctx, "revoke token", func(tx *sql.Tx, now time.Time) error {
		revoked, err := revokeToken(ctx, tx, kioskID, now)
		if err != nil {
			return err
		} else if !revoked {
			return kiosk.Errorf(kiosk.ENOTFOUND, "kiosk %q has no token", kioskID)
		}
		return withdrawKeys(ctx, tx, kioskID, now)
	})
}

// revokeToken removes a kiosk's token, if it has one, and remembers its
// hash as revoked.
func revokeToken(ctx context.Context, tx *sql.Tx, kioskID string, now time.Time) (bool, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO revoked_tokens (token_hash, kiosk, revoked_us)
		SELECT token_hash, kiosk, ? FROM kiosk_tokens WHERE kiosk = ? ON CONFLICT DO NOTHING`, now.UnixMicro(), kioskID); err != nil {
		return false, err
	}
	r, err := tx.ExecContext(ctx, `DELETE FROM kiosk_tokens WHERE kiosk = ?`, kioskID)
	if err != nil {
		return false, err
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// update runs fn in one write transaction with the time taken once.
func (s *Store) update(ctx context.Context, what string, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx, s.Now()); err != nil {
		if kiosk.ErrorCode(err) != kiosk.EINTERNAL {
			return err
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// TokenKiosks lists the kiosks that hold tokens, with when they were made.
func (s *Store) TokenKiosks(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT kiosk, created_us FROM kiosk_tokens ORDER BY kiosk`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var k string
		var us int64
		if err := rows.Scan(&k, &us); err != nil {
			return nil, err
		}
		out[k] = time.UnixMicro(us).UTC()
	}
	return out, rows.Err()
}

// KioskForToken returns the kiosk a token belongs to, or EUNAUTHORIZED,
// also wrapping registry.ErrRevokedToken for a token revoked or replaced.
func (s *Store) KioskForToken(ctx context.Context, token string) (string, error) {
	var k string
	var live bool
	err := s.read.QueryRowContext(ctx, `SELECT kiosk, true FROM kiosk_tokens WHERE token_hash = ?1
		UNION ALL SELECT kiosk, false FROM revoked_tokens WHERE token_hash = ?1`, kiosk.HashSecret(token)).Scan(&k, &live)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", kiosk.Errorf(kiosk.EUNAUTHORIZED, "unknown token")
	case err != nil:
		return "", fmt.Errorf("check token: %w", err)
	case !live:
		return "", fmt.Errorf("%w: %w", registry.ErrRevokedToken, kiosk.Errorf(kiosk.EUNAUTHORIZED, "revoked token"))
	}
	return k, nil
}

// Head returns the newest change's sequence number (0 for none).
func (s *Store) Head(ctx context.Context) (int64, error) {
	var head sql.NullInt64
	if err := s.read.QueryRowContext(ctx, `SELECT max(seq) FROM changes`).Scan(&head); err != nil {
		return 0, fmt.Errorf("head: %w", err)
	}
	return head.Int64, nil
}

// Changes returns a page of the change feed after since, in one read
// transaction so that the page is a consistent snapshot. The log entries
// are read first, then each kind's current rows for the page's range in a
// query of its own (narrow rows read faster than one wide join).
func (s *Store) Changes(ctx context.Context, since int64, limit int) (wire.ChangesPage, error) {
	page := wire.ChangesPage{Changes: []wire.Change{}, Next: since}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return page, fmt.Errorf("changes: %w", err)
	}
	defer tx.Rollback()
	type entry struct {
		seq             int64
		kind, key, key2 string
		op              string
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, kind, key, key2, op FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, since, limit+1)
	if err != nil {
		return page, fmt.Errorf("changes: %w", err)
	}
	var entries []entry
	kinds := map[string]bool{}
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.seq, &e.kind, &e.key, &e.key2, &e.op); err != nil {
			rows.Close()
			return page, fmt.Errorf("changes: %w", err)
		}
		entries = append(entries, e)
		kinds[e.kind] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("changes: %w", err)
	}
	if len(entries) > limit {
		entries, page.More = entries[:limit], true
	}
	if len(entries) == 0 {
		return page, nil
	}
	hi := entries[len(entries)-1].seq
	data := map[int64]any{} // seq → current state, for entries whose entity exists
	for kind := range kinds {
		if err := s.loadKind(ctx, tx, kind, since, hi, data); err != nil {
			return page, fmt.Errorf("changes: %s: %w", kind, err)
		}
	}
	page.Changes = make([]wire.Change, len(entries))
	for i, e := range entries {
		c := wire.Change{Seq: e.seq, Kind: e.kind, Op: kiosk.OpUpsert}
		v, ok := data[e.seq]
		if e.op != kiosk.OpUpsert || !ok {
			// Deleted, or an upsert whose entity is gone since (the log
			// holds a later delete too): served as what it now is.
			c.Op, v = kiosk.OpDelete, deletedKey(e.kind, e.key, e.key2)
		}
		if c.Data, err = jsonv2.Marshal(v); err != nil { // v2: several times faster on a first sync
			return page, err
		}
		page.Changes[i] = c
	}
	page.Next = hi
	return page, nil
}

func (s *Store) meetingIn(ctx context.Context, tx *sql.Tx) (kiosk.Meeting, error) {
	m := kiosk.Meeting{TimeZone: kiosk.DefaultTimeZone}
	rows, err := tx.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'meeting.%'`)
	if err != nil {
		return m, fmt.Errorf("meeting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return m, err
		}
		switch strings.TrimPrefix(k, "meeting.") {
		case "id":
			m.ID = v
		case "name":
			m.Name = v
		case "timezone":
			m.TimeZone = v
		case "start":
			m.Start = v
		case "end":
			m.End = v
		}
	}
	return m, rows.Err()
}
