package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"checkin/kiosk"
)

// changeKinds is how the kiosk applies each kind of registry change, one
// entry a kind: a step for an upsert and one for a delete (none: that op
// changes nothing here), and what changes of the kind touch. A kind not
// here is skipped.
var changeKinds = map[string]changeKind{
	kiosk.ChangeMeeting: {
		upsert: do(func(a *applier, m *kiosk.Meeting) error {
			if err := writeMeeting(a.ctx, a.tx, *m); err != nil {
				return err
			}
			a.loc = a.db.Location(m.TimeZone) // for the sessions after it
			return nil
		}),
		schedule: true,
	},
	kiosk.ChangeDelegate: {
		upsert: upsertRows(`INSERT INTO delegates (id, family_name, given_name, organization, country, country_name, role, groups,
			valid_from, valid_to, status, language, email, latin_family_name, latin_given_name, updated_us) VALUES `,
			"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			` ON CONFLICT (id) DO UPDATE SET family_name = excluded.family_name, given_name = excluded.given_name,
			organization = excluded.organization, country = excluded.country, country_name = excluded.country_name,
			role = excluded.role, groups = excluded.groups,
			valid_from = excluded.valid_from, valid_to = excluded.valid_to, status = excluded.status,
			language = excluded.language, email = excluded.email, latin_family_name = excluded.latin_family_name,
			latin_given_name = excluded.latin_given_name, updated_us = excluded.updated_us`,
			func(args []any, a *applier, d *kiosk.Delegate) []any {
				return append(args, d.ID, d.FamilyName, d.GivenName, d.Organization, d.Country, d.CountryName, d.Role,
					strings.Join(d.Groups, ";"), d.ValidFrom, d.ValidTo, d.Status, d.Language, d.Email,
					d.LatinFamilyName, d.LatinGivenName, a.now)
			}),
		remove: deleteBy(`DELETE FROM delegates WHERE id = ?`, func(d *kiosk.Delegate) any { return d.ID }),
	},
	kiosk.ChangeBadge: {
		// A badge is stored only when its delegate is known here.
		upsert: upsertRows(`INSERT INTO badges (uid, delegate_id, source, revoked, created_us)
			SELECT v.column1, v.column2, CASE WHEN length(v.column1) = 24 THEN 'pass' ELSE 'registry' END, v.column3, v.column4
			FROM (VALUES `, "(?, ?, ?, ?)", `) v JOIN delegates d ON d.id = v.column2 WHERE true
			ON CONFLICT (uid) DO UPDATE SET delegate_id = excluded.delegate_id,
			source = CASE WHEN badges.delegate_id = excluded.delegate_id AND badges.source <> 'registry'
				THEN badges.source ELSE excluded.source END,
			revoked = excluded.revoked`,
			func(args []any, a *applier, b *kiosk.BadgeBinding) []any {
				return append(args, b.UID, b.DelegateID, b.Revoked, a.now)
			}),
		remove: deleteBy(`DELETE FROM badges WHERE uid = ?`, func(b *kiosk.BadgeBinding) any { return b.UID }),
	},
	kiosk.ChangeRoom: {
		// A count reset made here and not yet back from the registry is
		// kept: the latest reset wins.
		upsert: upsertRows(`INSERT INTO rooms (name, building, floor, capacity, overflow, reset_day, reset_us) VALUES `,
			"(?, ?, ?, ?, ?, ?, ?)",
			` ON CONFLICT (name) DO UPDATE SET building = excluded.building, floor = excluded.floor, capacity = excluded.capacity,
			overflow = excluded.overflow,
			reset_day = CASE WHEN excluded.reset_us > rooms.reset_us THEN excluded.reset_day ELSE rooms.reset_day END,
			reset_us = max(rooms.reset_us, excluded.reset_us)`,
			func(args []any, a *applier, r *kiosk.Room) []any {
				day, at := "", int64(0)
				if r.Reset != nil {
					day, at = r.Reset.Day, micros(r.Reset.At)
					a.resets = append(a.resets, *r.Reset)
				}
				return append(args, r.Name, r.Building, r.Floor, r.Capacity, r.Overflow, day, at)
			}),
		remove:   deleteBy(`DELETE FROM rooms WHERE name = ?`, func(r *kiosk.Room) any { return r.Name }),
		schedule: true,
	},
	kiosk.ChangeSession: {
		upsert: upsertRows(`INSERT INTO sessions (id, date, start_us, end_us, room, building, title, groups, status, moved_from)
			VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ` ON CONFLICT (id) DO UPDATE SET date = excluded.date,
			start_us = excluded.start_us, end_us = excluded.end_us, room = excluded.room, building = excluded.building,
			title = excluded.title, groups = excluded.groups, status = excluded.status, moved_from = excluded.moved_from`,
			func(args []any, a *applier, s *kiosk.Session) []any {
				return append(args, s.ID, kiosk.LocalDate(s.Start, a.loc), micros(s.Start), micros(s.End), s.Room, s.Building,
					s.Title, strings.Join(s.Groups, ";"), s.Status, s.MovedFrom)
			}),
		remove:   deleteBy(`DELETE FROM sessions WHERE id = ?`, func(s *kiosk.Session) any { return s.ID }),
		schedule: true,
	},
	kiosk.ChangeArrival: {
		// Another kiosk's arrival: the delegate is no longer first today.
		// A local arrival already recorded stays as it is.
		upsert: upsertRows(`INSERT INTO arrivals (delegate_id, day, tap_id, at_us, kiosk) VALUES `, "(?, ?, '', ?, ?)",
			` ON CONFLICT DO NOTHING`,
			func(args []any, _ *applier, r *kiosk.Arrival) []any {
				return append(args, r.DelegateID, r.Day, micros(r.At), r.Kiosk)
			}),
	},
	kiosk.ChangePresence: {
		// Another kiosk's room-door pass, or this kiosk's own coming back:
		// the later pass of the delegate that day wins (kiosk.Presence).
		upsert: upsertRows(presenceInsert, presenceRow, presenceLatest,
			func(args []any, a *applier, p *kiosk.Presence) []any {
				a.presences = append(a.presences, *p)
				return presenceArgs(args, p)
			}),
	},
	kiosk.ChangeKey: {
		// A key id is never reused for another key (ids are random), so an
		// upsert of a key held under that id is a repeat.
		upsert: upsertRows(`INSERT INTO pass_keys (id, public_key, origin, created_us) VALUES `, "(?, ?, 'registry', ?)",
			` ON CONFLICT (id) DO NOTHING`,
			func(args []any, a *applier, k *kiosk.PassKey) []any {
				return append(args, k.ID, k.PublicKey, a.now)
			}),
		remove: deleteBy(`DELETE FROM pass_keys WHERE id = ? AND origin = 'registry'`, func(k *kiosk.PassKey) any { return k.ID }),
		keys:   true,
	},
	kiosk.ChangePass: {
		// The newest pass of a delegate wins, in whatever order kiosks
		// learn of them. A delete changes nothing: a superseded pass stays
		// superseded.
		upsert: upsertRows(upsertPassPrefix, upsertPassRow, upsertPassSuffix,
			func(args []any, _ *applier, p *kiosk.Pass) []any { return passArgs(args, p) }),
	},
	kiosk.ChangePhoto: {
		// A delegate's photo, by hash: the bytes follow, fetched by the
		// sync client (MissingPhotos). A photo set at this desk and not yet
		// delivered wins over the feed's until the registry has it (its
		// echo then comes back), so a photo just taken is never replaced
		// by an older one in flight.
		upsert: upsertRows(`INSERT INTO delegate_photos (delegate_id, sha256, content_type, size, updated_us)
			SELECT v.column1, v.column2, v.column3, v.column4, v.column5 FROM (VALUES `, "(?, ?, ?, ?, ?)",
			`) v JOIN delegates d ON d.id = v.column1
			WHERE NOT EXISTS (SELECT 1 FROM photo_events e WHERE e.delegate_id = v.column1 AND e.synced = 0)
			ON CONFLICT (delegate_id) DO UPDATE SET sha256 = excluded.sha256, content_type = excluded.content_type,
			size = excluded.size, updated_us = excluded.updated_us WHERE delegate_photos.sha256 <> excluded.sha256`,
			func(args []any, a *applier, p *kiosk.Photo) []any {
				return append(args, p.DelegateID, p.SHA256, p.ContentType, p.Size, a.now)
			}),
		remove: deleteBy(`DELETE FROM delegate_photos WHERE delegate_id = ?1
			AND NOT EXISTS (SELECT 1 FROM photo_events e WHERE e.delegate_id = ?1 AND e.synced = 0)`,
			func(p *kiosk.Photo) any { return p.DelegateID }),
		photos: true,
	},
	kiosk.ChangeStaff: {
		// A login managed at the registry: it replaces a local login of
		// the same name, and a new password or role ends the login's
		// sessions here, as it would at the registry. A delete removes
		// only a login that came from the registry.
		upsert: do(func(a *applier, st *kiosk.StaffAccount) error {
			if _, err := a.tx.ExecContext(a.ctx, `DELETE FROM staff_sessions WHERE username = ? AND EXISTS
				(SELECT 1 FROM staff WHERE username = ? AND (role IS NOT ? OR password_hash IS NOT ?))`,
				st.Username, st.Username, st.Role, st.PasswordHash); err != nil {
				return err
			}
			_, err := a.tx.ExecContext(a.ctx, `INSERT INTO staff (username, role, password_hash, created_us, source)
				VALUES (?, ?, ?, ?, 'registry') ON CONFLICT (username) DO UPDATE SET role = excluded.role,
				password_hash = excluded.password_hash, source = 'registry'`, st.Username, st.Role, st.PasswordHash, a.now)
			return err
		}),
		remove: deleteBy(`DELETE FROM staff WHERE username = ? AND source = 'registry'`,
			func(st *kiosk.StaffAccount) any { return st.Username }),
	},
	kiosk.ChangeAPIKey: {
		// A venue system's key managed at the registry: it replaces a
		// local key of the same name. A revocation is kept with the time
		// it arrived; a new key under the name starts afresh.
		upsert: upsertRows(`INSERT INTO api_keys (name, key_hash, created_us, revoked_us, source) VALUES `,
			"(?, ?, ?, ?, 'registry')", ` ON CONFLICT (name) DO UPDATE SET source = 'registry', key_hash = excluded.key_hash,
			created_us = CASE WHEN api_keys.key_hash = excluded.key_hash THEN api_keys.created_us ELSE excluded.created_us END,
			revoked_us = CASE WHEN excluded.revoked_us = 0 THEN 0
				WHEN api_keys.key_hash = excluded.key_hash AND api_keys.revoked_us <> 0 THEN api_keys.revoked_us
				ELSE excluded.revoked_us END`,
			func(args []any, a *applier, k *kiosk.APIKey) []any {
				revoked := int64(0)
				if k.Revoked {
					revoked = a.now
				}
				return append(args, k.Name, k.Hash, a.now, revoked)
			}),
		remove: deleteBy(`DELETE FROM api_keys WHERE name = ? AND source = 'registry'`, func(k *kiosk.APIKey) any { return k.Name }),
	},
}

// A changeKind is how the kiosk applies one kind of change.
type changeKind struct {
	upsert, remove step
	// What a change of the kind touches, for kiosk.Applied, when it has a
	// step for its op.
	schedule, keys, photos bool
}

// A step applies one change's value, the domain type of its kind. A value
// of another type, or none, changes nothing.
type step interface {
	apply(a *applier, v any) error
}

// applier applies changes inside one transaction, preparing each statement
// once per page. Runs of upserts of one kind (the bulk of a first sync)
// go in multi-row statements; order across kinds is kept.
type applier struct {
	ctx   context.Context
	tx    *sql.Tx
	db    *DB
	now   int64
	loc   *time.Location // the meeting's, for session dates
	stmts map[string]*sql.Stmt

	run  *insert // of the pending rows
	args []any
	rows int

	// What the page changes in the count of people inside rooms, to tell
	// the in-memory count once committed.
	presences []kiosk.Presence
	resets    []kiosk.RoomReset
}

// runRows is how many rows one multi-row statement carries.
const runRows = 100

// insert is a multi-row INSERT: prefix, rows separated by commas, suffix.
type insert struct{ prefix, row, suffix string }

type rowsStep[T any] struct {
	insert
	args func(args []any, a *applier, v *T) []any
}

// upsertRows is an upsert as one row of a multi-row statement: args
// appends the row's arguments.
func upsertRows[T any](prefix, row, suffix string, args func(args []any, a *applier, v *T) []any) step {
	return &rowsStep[T]{insert{prefix, row, suffix}, args}
}

func (s *rowsStep[T]) apply(a *applier, v any) error {
	t, ok := as[T](v)
	if !ok {
		return nil
	}
	if a.run != &s.insert || a.rows == runRows {
		if err := a.flush(); err != nil {
			return err
		}
		a.run = &s.insert
	}
	a.args = s.args(a.args, a, t)
	a.rows++
	return nil
}

type deleteStep[T any] struct {
	query string
	key   func(v *T) any
}

// deleteBy is a delete by the value's key.
func deleteBy[T any](query string, key func(v *T) any) step { return &deleteStep[T]{query, key} }

func (s *deleteStep[T]) apply(a *applier, v any) error {
	t, ok := as[T](v)
	if !ok {
		return nil
	}
	return a.exec(s.query, s.key(t))
}

type funcStep[T any] func(a *applier, v *T) error

// do is a step that is not one statement.
func do[T any](fn func(a *applier, v *T) error) step { return funcStep[T](fn) }

func (fn funcStep[T]) apply(a *applier, v any) error {
	t, ok := as[T](v)
	if !ok {
		return nil
	}
	if err := a.flush(); err != nil {
		return err
	}
	return fn(a, t)
}

// as is v as a kind's domain type T; false for another type or none.
func as[T any](v any) (*T, bool) {
	t, ok := v.(*T)
	return t, ok && t != nil
}

// flush writes the pending rows.
func (a *applier) flush() error {
	if a.rows == 0 {
		return nil
	}
	r := a.run
	_, err := a.execRun(r.prefix+r.row+strings.Repeat(", "+r.row, a.rows-1)+r.suffix, a.args...)
	a.run, a.args, a.rows = nil, a.args[:0], 0
	if err != nil {
		return fmt.Errorf("pending upserts: %w", err)
	}
	return nil
}

// exec runs one statement after the pending rows.
func (a *applier) exec(query string, args ...any) error {
	if err := a.flush(); err != nil {
		return err
	}
	_, err := a.execRun(query, args...)
	return err
}

func (a *applier) execRun(query string, args ...any) (sql.Result, error) {
	if a.stmts == nil {
		a.stmts = map[string]*sql.Stmt{}
	}
	st, ok := a.stmts[query]
	if !ok {
		var err error
		if st, err = a.tx.PrepareContext(a.ctx, query); err != nil {
			return nil, err
		}
		a.stmts[query] = st
	}
	return st.ExecContext(a.ctx, args...)
}
