package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
	wire "checkin/sync"
)

// feedKinds is how the change feed serves each kind, one entry a kind: the
// query that reads the current rows of a page's upserts (the change log c
// joined to the kind's table), how a row becomes the kind's data, and the
// data of a delete entry (its key fields, from the log's key and key2).
// Entries of a kind not here are served as deletes with empty data.
var feedKinds = map[string]feedKind{
	kiosk.ChangeMeeting: {
		meeting: true,
		query:   `SELECT c.seq FROM changes c`,
		scan: func(r *sql.Rows, m *feedMeeting) (seq int64, data any, err error) {
			err = r.Scan(&seq)
			return seq, wire.MeetingData{ID: m.ID, Name: m.Name, TimeZone: m.TimeZone, Start: m.Start, End: m.End}, err
		},
	},
	kiosk.ChangeDelegate: {
		query: `SELECT c.seq, d.id, d.family_name, d.given_name, d.organization, d.country, d.country_name, d.role, d.groups,
			d.valid_from, d.valid_to, d.status, d.language, d.email, d.latin_family_name, d.latin_given_name
			FROM changes c JOIN delegates d ON d.id = c.key`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var d wire.DelegateData
			var groups string
			err = r.Scan(&seq, &d.ID, &d.FamilyName, &d.GivenName, &d.Organization, &d.Country, &d.CountryName, &d.Role, &groups,
				&d.ValidFrom, &d.ValidTo, &d.Status, &d.Language, &d.Email, &d.LatinFamilyName, &d.LatinGivenName)
			d.Groups = split(groups)
			return seq, d, err
		},
		deleted: func(key, _ string) any { return wire.DelegateData{ID: key} },
	},
	kiosk.ChangeBadge: {
		query: `SELECT c.seq, b.uid, b.delegate_id, b.revoked FROM changes c JOIN badges b ON b.uid = c.key`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var b wire.BadgeData
			err = r.Scan(&seq, &b.UID, &b.DelegateID, &b.Revoked)
			return seq, b, err
		},
		deleted: func(key, _ string) any { return wire.BadgeData{UID: key} },
	},
	kiosk.ChangeKey: {
		query: `SELECT c.seq, k.id, k.public_key FROM changes c JOIN pass_keys k ON k.id = c.key`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var k wire.KeyData
			err = r.Scan(&seq, &k.ID, &k.PublicKey)
			return seq, k, err
		},
		deleted: func(key, _ string) any { return wire.KeyData{ID: key} },
	},
	kiosk.ChangePass: {
		query: `SELECT c.seq, p.delegate_id, p.uid, p.issued_us, p.kiosk FROM changes c JOIN passes p ON p.delegate_id = c.key`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var p wire.PassData
			var issued int64
			err = r.Scan(&seq, &p.DelegateID, &p.UID, &issued, &p.Kiosk)
			p.IssuedAt = wire.FormatTime(time.UnixMicro(issued).UTC())
			return seq, p, err
		},
		deleted: func(key, _ string) any { return wire.PassData{DelegateID: key} },
	},
	kiosk.ChangePhoto: {
		query: `SELECT c.seq, p.delegate_id, p.sha256, p.content_type, p.size FROM changes c JOIN delegate_photos p ON p.delegate_id = c.key`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var p wire.PhotoData
			err = r.Scan(&seq, &p.DelegateID, &p.SHA256, &p.ContentType, &p.Size)
			return seq, p, err
		},
		deleted: func(key, _ string) any { return wire.PhotoData{DelegateID: key} },
	},
	kiosk.ChangeStaff: {
		query: `SELECT c.seq, s.username, s.role, s.password_hash FROM changes c JOIN staff s ON s.username = c.key`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var st wire.StaffData
			err = r.Scan(&seq, &st.Username, &st.Role, &st.PasswordHash)
			return seq, st, err
		},
		deleted: func(key, _ string) any { return wire.StaffData{Username: key} },
	},
	kiosk.ChangeAPIKey: {
		query: `SELECT c.seq, k.name, k.key_hash, k.revoked_us <> 0 FROM changes c JOIN api_keys k ON k.name = c.key`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var k wire.APIKeyData
			err = r.Scan(&seq, &k.Name, &k.Hash, &k.Revoked)
			return seq, k, err
		},
		deleted: func(key, _ string) any { return wire.APIKeyData{Name: key} },
	},
	kiosk.ChangeRoom: {
		query: `SELECT c.seq, r.name, r.building, r.floor, r.capacity, r.overflow, r.reset_day, r.reset_us
			FROM changes c JOIN rooms r ON r.name = c.key`,
		scan: func(rows *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var r wire.RoomData
			var reset int64
			err = rows.Scan(&seq, &r.Name, &r.Building, &r.Floor, &r.Capacity, &r.Overflow, &r.ResetDay, &reset)
			if r.ResetDay != "" {
				r.ResetAt = wire.FormatTime(time.UnixMicro(reset).UTC())
			}
			return seq, r, err
		},
		deleted: func(key, _ string) any { return wire.RoomData{Name: key} },
	},
	kiosk.ChangeSession: {
		meeting: true,
		query: `SELECT c.seq, s.id, s.title, s.room, s.building, s.start_us, s.end_us, s.groups, s.status, s.moved_from
			FROM changes c JOIN sessions s ON s.id = c.key`,
		scan: func(r *sql.Rows, m *feedMeeting) (seq int64, data any, err error) {
			var start, end int64
			var se wire.SessionData
			var groups string
			err = r.Scan(&seq, &se.ID, &se.Title, &se.Room, &se.Building, &start, &end, &groups, &se.Status, &se.MovedFrom)
			se.Start, se.End = wire.FormatTime(time.UnixMicro(start).In(m.loc)), wire.FormatTime(time.UnixMicro(end).In(m.loc))
			se.Groups = split(groups)
			return seq, se, err
		},
		deleted: func(key, _ string) any { return wire.SessionData{ID: key} },
	},
	kiosk.ChangePresence: {
		query: `SELECT c.seq, p.delegate_id, p.day, p.room, p.direction, p.at_us, p.tap_id, p.kiosk, p.session_id FROM changes c
			JOIN presence p ON p.delegate_id = c.key AND p.day = c.key2`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var at int64
			var p wire.PresenceData
			err = r.Scan(&seq, &p.DelegateID, &p.Day, &p.Room, &p.Direction, &at, &p.TapID, &p.Kiosk, &p.SessionID)
			p.At = wire.FormatTime(time.UnixMicro(at).UTC())
			return seq, p, err
		},
		deleted: func(key, key2 string) any { return wire.PresenceData{DelegateID: key, Day: key2} },
	},
	kiosk.ChangeArrival: {
		query: `SELECT c.seq, a.delegate_id, a.day, a.at_us, a.kiosk FROM changes c
			JOIN arrivals a ON a.delegate_id = c.key AND a.day = c.key2`,
		scan: func(r *sql.Rows, _ *feedMeeting) (seq int64, data any, err error) {
			var at int64
			var a wire.ArrivalData
			err = r.Scan(&seq, &a.DelegateID, &a.Day, &at, &a.Kiosk)
			a.At = wire.FormatTime(time.UnixMicro(at).UTC())
			return seq, a, err
		},
		deleted: func(key, key2 string) any { return wire.ArrivalData{DelegateID: key, Day: key2} },
	},
}

// A feedKind is how the change feed serves one kind.
type feedKind struct {
	meeting bool   // scan needs the meeting
	query   string // selects c.seq first, then what scan reads
	scan    func(r *sql.Rows, m *feedMeeting) (seq int64, data any, err error)
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

// loadKind reads the current rows of one kind for the log entries in
// (lo, hi] into data, by entry seq.
func (s *Store) loadKind(ctx context.Context, tx *sql.Tx, kind string, lo, hi int64, data map[int64]any) error {
	k, ok := feedKinds[kind]
	if !ok {
		return nil // a kind this registry does not serve: entries become deletes
	}
	var m feedMeeting
	if k.meeting {
		var err error
		if m.Meeting, err = s.meetingIn(ctx, tx); err != nil {
			return err
		}
		m.loc = m.Location()
	}
	const where = ` WHERE c.seq > ? AND c.seq <= ? AND c.kind = ? AND c.op = 'upsert'`
	return sqlitedb.Each(ctx, tx, func(r *sql.Rows) error {
		seq, v, err := k.scan(r, &m)
		if err != nil {
			return err
		}
		data[seq] = v
		return nil
	}, k.query+where, lo, hi, kind)
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}
