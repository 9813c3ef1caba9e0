// Package sqlite is the registry's storage on SQLite: the kiosk schema plus
// a trigger-fed change log, kiosk tokens and desk events.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"checkin/kiosk"
	ksqlite "checkin/kiosk/sqlite"
	wire "checkin/sync"
	"checkin/sync/registry"
)

//go:embed migrations/*.sql
var migrations embed.FS

var _ registry.Store = (*Store)(nil)

// Store is the registry's database.
type Store struct {
	*ksqlite.DB // roster, schedule, meeting: as on a kiosk

	write, read *sql.DB
}

// Open opens (creating or upgrading) the registry database at path.
func Open(path string, now func() time.Time) (*Store, error) {
	db := ksqlite.NewDB(path)
	if now != nil {
		db.Now = now
	}
	if err := db.Open(); err != nil {
		return nil, err
	}
	if err := db.MigrateFS(context.Background(), migrations, "migrations/*.sql"); err != nil {
		db.Close()
		return nil, fmt.Errorf("registry schema %s: %w", path, err)
	}
	s := &Store{DB: db}
	s.write, s.read = db.Conns()
	return s, nil
}

// HashToken returns how a token is stored.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// AddToken stores a kiosk's token (its hash), replacing any earlier one.
func (s *Store) AddToken(ctx context.Context, kioskID, token string) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO kiosk_tokens (kiosk, token_hash, created_us) VALUES (?, ?, ?)
		ON CONFLICT (kiosk) DO UPDATE SET token_hash = excluded.token_hash, created_us = excluded.created_us`,
		kioskID, HashToken(token), s.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// RevokeToken removes a kiosk's token. ENOTFOUND if it has none.
func (s *Store) RevokeToken(ctx context.Context, kioskID string) error {
	r, err := s.write.ExecContext(ctx, `DELETE FROM kiosk_tokens WHERE kiosk = ?`, kioskID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return kiosk.Errorf(kiosk.ENOTFOUND, "kiosk %q has no token", kioskID)
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

// KioskForToken returns the kiosk a token belongs to, or EUNAUTHORIZED.
func (s *Store) KioskForToken(ctx context.Context, token string) (string, error) {
	var k string
	err := s.read.QueryRowContext(ctx, `SELECT kiosk FROM kiosk_tokens WHERE token_hash = ?`, HashToken(token)).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return "", kiosk.Errorf(kiosk.EUNAUTHORIZED, "unknown or revoked token")
	} else if err != nil {
		return "", fmt.Errorf("check token: %w", err)
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

// changesQuery joins each log entry to its entity's current state.
const changesQuery = `SELECT c.seq, c.kind, c.key, c.key2, c.op,
	d.id, d.family_name, d.given_name, d.organization, d.country, d.role, d.groups,
	d.valid_from, d.valid_to, d.status, d.language, d.email,
	b.uid, b.delegate_id, b.revoked,
	r.name, r.building, r.floor, r.capacity,
	s.id, s.title, s.room, s.building, s.start_us, s.end_us, s.groups, s.status,
	a.at_us, a.kiosk
FROM changes c
LEFT JOIN delegates d ON c.kind = 'delegate' AND d.id = c.key
LEFT JOIN badges b ON c.kind = 'badge' AND b.uid = c.key
LEFT JOIN rooms r ON c.kind = 'room' AND r.name = c.key
LEFT JOIN sessions s ON c.kind = 'session' AND s.id = c.key
LEFT JOIN arrivals a ON c.kind = 'arrival' AND a.delegate_id = c.key AND a.day = c.key2
WHERE c.seq > ? ORDER BY c.seq LIMIT ?`

// Changes returns a page of the change feed after since, in one read
// transaction so that the page is a consistent snapshot.
func (s *Store) Changes(ctx context.Context, since int64, limit int) (wire.ChangesPage, error) {
	page := wire.ChangesPage{Changes: []wire.Change{}, Next: since}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return page, fmt.Errorf("changes: %w", err)
	}
	defer tx.Rollback()
	m, err := s.meetingIn(ctx, tx)
	if err != nil {
		return page, err
	}
	loc := m.Location()
	rows, err := tx.QueryContext(ctx, changesQuery, since, limit+1)
	if err != nil {
		return page, fmt.Errorf("changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if len(page.Changes) == limit {
			page.More = true
			break
		}
		c, err := scanChange(rows, m, loc)
		if err != nil {
			return page, fmt.Errorf("changes: %w", err)
		}
		page.Changes = append(page.Changes, c)
		page.Next = c.Seq
	}
	return page, rows.Err()
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

func scanChange(rows *sql.Rows, m kiosk.Meeting, loc *time.Location) (wire.Change, error) {
	var c wire.Change
	var key, key2 string
	var d struct {
		id, family, given, org, country, role, groups, from, to, status, lang, email sql.NullString
	}
	var b struct {
		uid, delegate sql.NullString
		revoked       sql.NullBool
	}
	var r struct {
		name, building, floor sql.NullString
		capacity              sql.NullInt64
	}
	var se struct {
		id, title, room, building, groups, status sql.NullString
		start, end                                sql.NullInt64
	}
	var a struct {
		at    sql.NullInt64
		kiosk sql.NullString
	}
	if err := rows.Scan(&c.Seq, &c.Kind, &key, &key2, &c.Op,
		&d.id, &d.family, &d.given, &d.org, &d.country, &d.role, &d.groups, &d.from, &d.to, &d.status, &d.lang, &d.email,
		&b.uid, &b.delegate, &b.revoked,
		&r.name, &r.building, &r.floor, &r.capacity,
		&se.id, &se.title, &se.room, &se.building, &se.start, &se.end, &se.groups, &se.status,
		&a.at, &a.kiosk); err != nil {
		return c, err
	}
	// An upsert whose entity is gone since is served as what it now is:
	// a delete (the log holds a later delete entry too).
	var data any
	switch c.Kind {
	case kiosk.ChangeMeeting:
		c.Op = kiosk.OpUpsert
		data = wire.MeetingData{ID: m.ID, Name: m.Name, TimeZone: m.TimeZone, Start: m.Start, End: m.End}
	case kiosk.ChangeDelegate:
		if c.Op == kiosk.OpUpsert && d.id.Valid {
			data = wire.DelegateData{ID: d.id.String, FamilyName: d.family.String, GivenName: d.given.String,
				Organization: d.org.String, Country: d.country.String, Role: d.role.String, Groups: split(d.groups.String),
				ValidFrom: d.from.String, ValidTo: d.to.String, Status: d.status.String, Language: d.lang.String, Email: d.email.String}
		} else {
			c.Op, data = kiosk.OpDelete, wire.DelegateData{ID: key}
		}
	case kiosk.ChangeBadge:
		if c.Op == kiosk.OpUpsert && b.uid.Valid {
			data = wire.BadgeData{UID: b.uid.String, DelegateID: b.delegate.String, Revoked: b.revoked.Bool}
		} else {
			c.Op, data = kiosk.OpDelete, wire.BadgeData{UID: key}
		}
	case kiosk.ChangeRoom:
		if c.Op == kiosk.OpUpsert && r.name.Valid {
			data = wire.RoomData{Name: r.name.String, Building: r.building.String, Floor: r.floor.String, Capacity: int(r.capacity.Int64)}
		} else {
			c.Op, data = kiosk.OpDelete, wire.RoomData{Name: key}
		}
	case kiosk.ChangeSession:
		if c.Op == kiosk.OpUpsert && se.id.Valid {
			data = wire.SessionData{ID: se.id.String, Title: se.title.String, Room: se.room.String, Building: se.building.String,
				Start: time.UnixMicro(se.start.Int64).In(loc), End: time.UnixMicro(se.end.Int64).In(loc),
				Groups: split(se.groups.String), Status: se.status.String}
		} else {
			c.Op, data = kiosk.OpDelete, wire.SessionData{ID: key}
		}
	case kiosk.ChangeArrival:
		if a.at.Valid {
			data = wire.ArrivalData{DelegateID: key, Day: key2, At: time.UnixMicro(a.at.Int64).UTC(), Kiosk: a.kiosk.String}
		} else {
			c.Op, data = kiosk.OpDelete, wire.ArrivalData{DelegateID: key, Day: key2}
		}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return c, err
	}
	c.Data = raw
	return c, nil
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}
