package postgres

import (
	"context"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
	wire "checkin/sync"
)

// changeLogLock is the transaction-level advisory lock under which the
// change log is appended (log_change in migrations/0001_init.sql takes it
// too). A transaction that reads what it then rewrites (an import, a desk
// bind's decision) or writes several logged tables takes it first: it
// sees a state no other writer changes under it, as under the SQLite
// store's single writer, and it never waits for the lock while holding
// row locks another log writer needs.
const changeLogLock = 7955998916423557230

// lockChangeLog takes changeLogLock in tx, until tx ends.
func lockChangeLog(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(changeLogLock))
	return err
}

// Head returns the newest committed change's sequence number (0 for none).
func (s *Store) Head(ctx context.Context) (int64, error) {
	var head int64
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&head); err != nil {
		return 0, wrap("head", err)
	}
	return head, nil
}

// Changes returns a page of the change feed after since. The page is read
// in one repeatable-read transaction, so that its entries and the rows
// they serve are one snapshot. Every change below one visible here is
// visible too: appends are serialised (lockChangeLog), so seq order is
// commit order.
func (s *Store) Changes(ctx context.Context, since int64, limit int) (wire.ChangesPage, error) {
	page := wire.ChangesPage{Changes: []wire.Change{}, Next: since}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return page, wrap("changes", err)
	}
	defer tx.Rollback(context.Background())
	type entry struct {
		seq             int64
		kind, key, key2 string
		op              string
	}
	rows, err := tx.Query(ctx, `SELECT seq, kind, key, key2, op FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`, since, limit+1)
	if err != nil {
		return page, wrap("changes", err)
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.seq, &e.kind, &e.key, &e.key2, &e.op); err != nil {
			rows.Close()
			return page, wrap("changes", err)
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, wrap("changes", err)
	}
	if len(entries) > limit {
		entries, page.More = entries[:limit], true
	}
	if len(entries) == 0 {
		return page, nil
	}
	hi := entries[len(entries)-1].seq
	// The current state of each entity the page's upserts name, read by
	// key (an index lookup whatever the table's size), one query a kind.
	keys := map[string]map[entityKey][]int64{} // kind → entity → entry seqs
	for _, e := range entries {
		if e.op != kiosk.OpUpsert {
			continue
		}
		if keys[e.kind] == nil {
			keys[e.kind] = map[entityKey][]int64{}
		}
		k := entityKey{e.key, e.key2}
		keys[e.kind][k] = append(keys[e.kind][k], e.seq)
	}
	data := map[int64]any{} // seq → current state, for entries whose entity exists
	for kind, entities := range keys {
		if err := loadKind(ctx, tx, kind, entities, data); err != nil {
			return page, wrap("changes: "+kind, err)
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
		if c.Data, err = jsonv2.Marshal(v); err != nil {
			return page, err
		}
		page.Changes[i] = c
	}
	page.Next = hi
	return page, nil
}

// entityKey names an entity of the feed: the log's key and key2.
type entityKey struct{ key, key2 string }

// feedKinds is how the change feed serves each kind: the query that reads
// the current rows of the entities a page's upserts name (by key: $1 the
// keys, $2 the key2s where the kind has them), how a row becomes its
// entity's key and data, and the data of a delete entry (its key fields).
// Entries of a kind not here are served as deletes with empty data. The
// data are the SQLite store's.
var feedKinds = map[string]feedKind{
	kiosk.ChangeMeeting: {
		meeting: true,
		scan: func(r pgx.Rows, m *feedMeeting) (entityKey, any, error) {
			return entityKey{}, wire.MeetingData{ID: m.ID, Name: m.Name, TimeZone: m.TimeZone, Start: m.Start, End: m.End}, nil
		},
	},
	kiosk.ChangeDelegate: {
		query: `SELECT d.id, d.family_name, d.given_name, d.organization, d.country, d.country_name, d.role, d.groups,
			d.valid_from, d.valid_to, d.status, d.language, d.email, d.latin_family_name, d.latin_given_name
			FROM delegates d WHERE d.id = ANY($1)`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var d wire.DelegateData
			var groups string
			err := r.Scan(&d.ID, &d.FamilyName, &d.GivenName, &d.Organization, &d.Country, &d.CountryName, &d.Role, &groups,
				&d.ValidFrom, &d.ValidTo, &d.Status, &d.Language, &d.Email, &d.LatinFamilyName, &d.LatinGivenName)
			d.Groups = split(groups)
			return entityKey{key: d.ID}, d, err
		},
		deleted: func(key, _ string) any { return wire.DelegateData{ID: key} },
	},
	kiosk.ChangeBadge: {
		query: `SELECT b.uid, b.delegate_id, b.revoked FROM badges b WHERE b.uid = ANY($1)`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var b wire.BadgeData
			err := r.Scan(&b.UID, &b.DelegateID, &b.Revoked)
			return entityKey{key: b.UID}, b, err
		},
		deleted: func(key, _ string) any { return wire.BadgeData{UID: key} },
	},
	kiosk.ChangeKey: {
		query: `SELECT k.id, k.public_key FROM pass_keys k WHERE k.id = ANY($1)`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var k wire.KeyData
			err := r.Scan(&k.ID, &k.PublicKey)
			return entityKey{key: k.ID}, k, err
		},
		deleted: func(key, _ string) any { return wire.KeyData{ID: key} },
	},
	kiosk.ChangePass: {
		query: `SELECT p.delegate_id, p.uid, p.issued_us, p.kiosk FROM passes p WHERE p.delegate_id = ANY($1)`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var p wire.PassData
			var issued int64
			err := r.Scan(&p.DelegateID, &p.UID, &issued, &p.Kiosk)
			p.IssuedAt = wire.FormatTime(time.UnixMicro(issued).UTC())
			return entityKey{key: p.DelegateID}, p, err
		},
		deleted: func(key, _ string) any { return wire.PassData{DelegateID: key} },
	},
	kiosk.ChangePhoto: {
		query: `SELECT p.delegate_id, p.sha256, p.content_type, p.size FROM delegate_photos p WHERE p.delegate_id = ANY($1)`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var p wire.PhotoData
			err := r.Scan(&p.DelegateID, &p.SHA256, &p.ContentType, &p.Size)
			return entityKey{key: p.DelegateID}, p, err
		},
		deleted: func(key, _ string) any { return wire.PhotoData{DelegateID: key} },
	},
	kiosk.ChangeStaff: {
		query: `SELECT s.username, s.role, s.password_hash FROM staff s WHERE s.username = ANY($1)`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var st wire.StaffData
			err := r.Scan(&st.Username, &st.Role, &st.PasswordHash)
			return entityKey{key: st.Username}, st, err
		},
		deleted: func(key, _ string) any { return wire.StaffData{Username: key} },
	},
	kiosk.ChangeAPIKey: {
		query: `SELECT k.name, k.key_hash, k.revoked_us <> 0 FROM api_keys k WHERE k.name = ANY($1)`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var k wire.APIKeyData
			err := r.Scan(&k.Name, &k.Hash, &k.Revoked)
			return entityKey{key: k.Name}, k, err
		},
		deleted: func(key, _ string) any { return wire.APIKeyData{Name: key} },
	},
	kiosk.ChangeRoom: {
		query: `SELECT r.name, r.building, r.floor, r.capacity, r.overflow, r.reset_day, r.reset_us FROM rooms r WHERE r.name = ANY($1)`,
		scan: func(rows pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var r wire.RoomData
			var reset int64
			err := rows.Scan(&r.Name, &r.Building, &r.Floor, &r.Capacity, &r.Overflow, &r.ResetDay, &reset)
			if r.ResetDay != "" {
				r.ResetAt = wire.FormatTime(time.UnixMicro(reset).UTC())
			}
			return entityKey{key: r.Name}, r, err
		},
		deleted: func(key, _ string) any { return wire.RoomData{Name: key} },
	},
	kiosk.ChangeSession: {
		meeting: true,
		query: `SELECT s.id, s.title, s.room, s.building, s.start_us, s.end_us, s.groups, s.status, s.moved_from
			FROM sessions s WHERE s.id = ANY($1)`,
		scan: func(r pgx.Rows, m *feedMeeting) (entityKey, any, error) {
			var start, end int64
			var se wire.SessionData
			var groups string
			err := r.Scan(&se.ID, &se.Title, &se.Room, &se.Building, &start, &end, &groups, &se.Status, &se.MovedFrom)
			se.Start, se.End = wire.FormatTime(time.UnixMicro(start).In(m.loc)), wire.FormatTime(time.UnixMicro(end).In(m.loc))
			se.Groups = split(groups)
			return entityKey{key: se.ID}, se, err
		},
		deleted: func(key, _ string) any { return wire.SessionData{ID: key} },
	},
	kiosk.ChangePresence: {
		query: `SELECT p.delegate_id, p.day, p.room, p.direction, p.at_us, p.tap_id, p.kiosk, p.session_id FROM presence p
			JOIN unnest($1::text[], $2::text[]) AS k(delegate_id, day) ON p.delegate_id = k.delegate_id AND p.day = k.day`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var at int64
			var p wire.PresenceData
			err := r.Scan(&p.DelegateID, &p.Day, &p.Room, &p.Direction, &at, &p.TapID, &p.Kiosk, &p.SessionID)
			p.At = wire.FormatTime(time.UnixMicro(at).UTC())
			return entityKey{p.DelegateID, p.Day}, p, err
		},
		deleted: func(key, key2 string) any { return wire.PresenceData{DelegateID: key, Day: key2} },
	},
	kiosk.ChangeArrival: {
		query: `SELECT a.delegate_id, a.day, a.at_us, a.kiosk FROM arrivals a
			JOIN unnest($1::text[], $2::text[]) AS k(delegate_id, day) ON a.delegate_id = k.delegate_id AND a.day = k.day`,
		scan: func(r pgx.Rows, _ *feedMeeting) (entityKey, any, error) {
			var at int64
			var a wire.ArrivalData
			err := r.Scan(&a.DelegateID, &a.Day, &at, &a.Kiosk)
			a.At = wire.FormatTime(time.UnixMicro(at).UTC())
			return entityKey{a.DelegateID, a.Day}, a, err
		},
		deleted: func(key, key2 string) any { return wire.ArrivalData{DelegateID: key, Day: key2} },
	},
}

// A feedKind is how the change feed serves one kind.
type feedKind struct {
	meeting bool   // scan needs the meeting
	query   string // "": one entity (the meeting), scanned without a row
	scan    func(r pgx.Rows, m *feedMeeting) (entityKey, any, error)
	deleted func(key, key2 string) any // nil: no key fields
}

// feedMeeting is the meeting, for the kinds whose data depends on it.
type feedMeeting struct {
	kiosk.Meeting
	loc *time.Location
}

// deletedKey is the data of a delete entry: the entity's key fields.
func deletedKey(kind, key, key2 string) any {
	if k := feedKinds[kind]; k.deleted != nil {
		return k.deleted(key, key2)
	}
	return struct{}{}
}

// loadKind reads the current state of one kind's entities into data, for
// each of their entries' seqs.
func loadKind(ctx context.Context, tx pgx.Tx, kind string, entities map[entityKey][]int64, data map[int64]any) error {
	k, ok := feedKinds[kind]
	if !ok {
		return nil // a kind this registry does not serve: entries become deletes
	}
	var m feedMeeting
	if k.meeting {
		var err error
		if m.Meeting, err = readMeeting(ctx, tx); err != nil {
			return err
		}
		m.loc = m.Location()
	}
	if k.query == "" {
		_, v, _ := k.scan(nil, &m)
		for _, seqs := range entities {
			for _, seq := range seqs {
				data[seq] = v
			}
		}
		return nil
	}
	keys, keys2 := make([]string, 0, len(entities)), make([]string, 0, len(entities))
	for e := range entities {
		keys, keys2 = append(keys, e.key), append(keys2, e.key2)
	}
	args := []any{keys}
	if strings.Contains(k.query, "$2") {
		args = append(args, keys2)
	}
	rows, err := tx.Query(ctx, k.query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		key, v, err := k.scan(rows, &m)
		if err != nil {
			return err
		}
		for _, seq := range entities[key] {
			data[seq] = v
		}
	}
	return rows.Err()
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}
