package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"checkin/kiosk"
)

var _ kiosk.SyncStore = (*DB)(nil)

const keySyncCursor = "sync.cursor"

// SyncCursor returns the sequence number of the last applied change.
func (db *DB) SyncCursor(ctx context.Context) (int64, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, keySyncCursor).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("sync cursor: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// ApplyChanges applies a page of registry changes and moves the cursor to
// next, in one transaction. A badge whose delegate this kiosk does not
// know yet is skipped: the feed serves current state, so a later change
// brings it again once its delegate is here.
func (db *DB) ApplyChanges(ctx context.Context, changes []kiosk.Change, next int64) (kiosk.Applied, error) {
	var res kiosk.Applied
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("apply changes: %w", err)
	}
	defer tx.Rollback()
	m, err := readMeeting(ctx, tx)
	if err != nil {
		return res, err
	}
	loc := db.Location(m.TimeZone)
	a := &applier{ctx: ctx, tx: tx, now: micros(db.Now())}
	for _, c := range changes {
		if a.batch(c) {
			res.Changes++
			continue
		}
		if err := a.flush(); err != nil {
			return res, fmt.Errorf("apply changes: %w", err)
		}
		if c.Kind == kiosk.ChangeMeeting && c.Op == kiosk.OpUpsert && c.Meeting != nil {
			if err := writeMeeting(ctx, tx, *c.Meeting); err != nil {
				return res, err
			}
			loc = db.Location(c.Meeting.TimeZone)
			res.ScheduleChanged = true
			continue
		}
		if err := a.apply(c, loc); err != nil {
			return res, fmt.Errorf("apply change %d (%s %s): %w", c.Seq, c.Kind, c.Op, err)
		}
		if c.Kind == kiosk.ChangeSession || c.Kind == kiosk.ChangeRoom {
			res.ScheduleChanged = true
		}
		if c.Kind == kiosk.ChangeKey {
			res.KeysChanged = true
		}
		res.Changes++
	}
	if err := a.flush(); err != nil {
		return res, fmt.Errorf("apply changes: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keySyncCursor, strconv.FormatInt(next, 10)); err != nil {
		return res, fmt.Errorf("apply changes: cursor: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("apply changes: commit: %w", err)
	}
	if res.ScheduleChanged {
		db.mu.Lock()
		db.sessions = nil
		db.mu.Unlock()
	}
	return res, nil
}

// applier applies changes inside one transaction, preparing each statement
// once per page. Runs of delegate and badge upserts (the bulk of a first
// sync) go in multi-row statements; order across kinds is kept.
type applier struct {
	ctx   context.Context
	tx    *sql.Tx
	now   int64
	stmts map[string]*sql.Stmt

	kind string // of the pending run: ChangeDelegate or ChangeBadge
	args []any
	rows int
}

// runRows is how many rows one multi-row statement carries.
const runRows = 100

const (
	delegateRow  = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	upsertPrefix = `INSERT INTO delegates (id, family_name, given_name, organization, country, role, groups,
		valid_from, valid_to, status, language, email, updated_us) VALUES `
	upsertSuffix = ` ON CONFLICT (id) DO UPDATE SET family_name = excluded.family_name, given_name = excluded.given_name,
		organization = excluded.organization, country = excluded.country, role = excluded.role, groups = excluded.groups,
		valid_from = excluded.valid_from, valid_to = excluded.valid_to, status = excluded.status,
		language = excluded.language, email = excluded.email, updated_us = excluded.updated_us`
	// A badge is stored only when its delegate is known here.
	badgePrefix = `INSERT INTO badges (uid, delegate_id, source, revoked, created_us)
		SELECT v.column1, v.column2, CASE WHEN length(v.column1) = 24 THEN 'pass' ELSE 'registry' END, v.column3, ?
		FROM (VALUES `
	badgeSuffix = `) v JOIN delegates d ON d.id = v.column2 WHERE true
		ON CONFLICT (uid) DO UPDATE SET delegate_id = excluded.delegate_id,
		source = CASE WHEN badges.delegate_id = excluded.delegate_id AND badges.source <> 'registry'
			THEN badges.source ELSE excluded.source END,
		revoked = excluded.revoked`
)

// batch adds a delegate or badge upsert to the pending run, flushing the
// run first if it is of another kind or full. It reports whether c was
// taken.
func (a *applier) batch(c kiosk.Change) bool {
	var kind string
	switch {
	case c.Op != kiosk.OpUpsert:
		return false
	case c.Kind == kiosk.ChangeDelegate && c.Delegate != nil:
		kind = kiosk.ChangeDelegate
	case c.Kind == kiosk.ChangeBadge && c.Badge != nil:
		kind = kiosk.ChangeBadge
	default:
		return false
	}
	if a.kind != kind || a.rows == runRows {
		if err := a.flush(); err != nil {
			return false // applied one by one instead, reporting the error
		}
		a.kind = kind
		if kind == kiosk.ChangeBadge {
			a.args = append(a.args, a.now)
		}
	}
	if kind == kiosk.ChangeDelegate {
		d := c.Delegate
		a.args = append(a.args, d.ID, d.FamilyName, d.GivenName, d.Organization, d.Country, d.Role,
			strings.Join(d.Groups, ";"), d.ValidFrom, d.ValidTo, d.Status, d.Language, d.Email, a.now)
	} else {
		a.args = append(a.args, c.Badge.UID, c.Badge.DelegateID, c.Badge.Revoked)
	}
	a.rows++
	return true
}

// flush writes the pending run.
func (a *applier) flush() error {
	if a.rows == 0 {
		a.kind, a.args = "", a.args[:0]
		return nil
	}
	var query string
	if a.kind == kiosk.ChangeDelegate {
		query = upsertPrefix + delegateRow + strings.Repeat(", "+delegateRow, a.rows-1) + upsertSuffix
	} else {
		query = badgePrefix + "(?, ?, ?)" + strings.Repeat(", (?, ?, ?)", a.rows-1) + badgeSuffix
	}
	_, err := a.exec(query, a.args...)
	a.kind, a.args, a.rows = "", a.args[:0], 0
	return err
}

func (a *applier) exec(query string, args ...any) (sql.Result, error) {
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

func (a *applier) apply(c kiosk.Change, loc *time.Location) error {
	var err error
	switch {
	case c.Kind == kiosk.ChangeDelegate && c.Delegate != nil && c.Op == kiosk.OpUpsert:
		d := c.Delegate
		_, err = a.exec(upsertPrefix+delegateRow+upsertSuffix, d.ID, d.FamilyName, d.GivenName, d.Organization, d.Country, d.Role, strings.Join(d.Groups, ";"),
			d.ValidFrom, d.ValidTo, d.Status, d.Language, d.Email, a.now)
	case c.Kind == kiosk.ChangeDelegate && c.Delegate != nil:
		_, err = a.exec(`DELETE FROM delegates WHERE id = ?`, c.Delegate.ID)
	case c.Kind == kiosk.ChangeBadge && c.Badge != nil && c.Op == kiosk.OpUpsert:
		b := c.Badge
		_, err = a.exec(badgePrefix+"(?, ?, ?)"+badgeSuffix, a.now, b.UID, b.DelegateID, b.Revoked)
	case c.Kind == kiosk.ChangeBadge && c.Badge != nil:
		_, err = a.exec(`DELETE FROM badges WHERE uid = ?`, c.Badge.UID)
	case c.Kind == kiosk.ChangeSession && c.Session != nil && c.Op == kiosk.OpUpsert:
		s := c.Session
		_, err = a.exec(`INSERT INTO sessions (id, date, start_us, end_us, room, building, title, groups, status, moved_from)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET date = excluded.date,
			start_us = excluded.start_us, end_us = excluded.end_us, room = excluded.room, building = excluded.building,
			title = excluded.title, groups = excluded.groups, status = excluded.status, moved_from = excluded.moved_from`,
			s.ID, kiosk.LocalDate(s.Start, loc), micros(s.Start), micros(s.End), s.Room, s.Building, s.Title,
			strings.Join(s.Groups, ";"), s.Status, s.MovedFrom)
	case c.Kind == kiosk.ChangeSession && c.Session != nil:
		_, err = a.exec(`DELETE FROM sessions WHERE id = ?`, c.Session.ID)
	case c.Kind == kiosk.ChangeKey && c.Key != nil && c.Op == kiosk.OpUpsert:
		// A key id is never reused for another key (ids are random), so an
		// upsert of a key held under that id is a repeat.
		_, err = a.exec(`INSERT INTO pass_keys (id, public_key, origin, created_us) VALUES (?, ?, 'registry', ?)
			ON CONFLICT (id) DO NOTHING`, c.Key.ID, c.Key.PublicKey, a.now)
	case c.Kind == kiosk.ChangeKey && c.Key != nil:
		_, err = a.exec(`DELETE FROM pass_keys WHERE id = ? AND origin = 'registry'`, c.Key.ID)
	case c.Kind == kiosk.ChangeRoom && c.Room != nil && c.Op == kiosk.OpUpsert:
		r := c.Room
		_, err = a.exec(`INSERT INTO rooms (name, building, floor, capacity) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET building = excluded.building, floor = excluded.floor, capacity = excluded.capacity`,
			r.Name, r.Building, r.Floor, r.Capacity)
	case c.Kind == kiosk.ChangeRoom && c.Room != nil:
		_, err = a.exec(`DELETE FROM rooms WHERE name = ?`, c.Room.Name)
	case c.Kind == kiosk.ChangeArrival && c.Arrival != nil && c.Op == kiosk.OpUpsert:
		// Another kiosk's arrival: the delegate is no longer first today.
		// A local arrival already recorded stays as it is.
		r := c.Arrival
		_, err = a.exec(`INSERT INTO arrivals (delegate_id, day, tap_id, at_us, kiosk) VALUES (?, ?, '', ?, ?)
			ON CONFLICT DO NOTHING`, r.DelegateID, r.Day, micros(r.At), r.Kiosk)
	}
	// Other kinds (keys, and kinds this version does not know) are skipped.
	return err
}

// PendingTaps returns up to limit undelivered taps, oldest first.
func (db *DB) PendingTaps(ctx context.Context, limit int) ([]kiosk.TapRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+tapColumns+` FROM taps WHERE synced = 0 ORDER BY at_us, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending taps: %w", err)
	}
	defer rows.Close()
	var out []kiosk.TapRecord
	for rows.Next() {
		t, err := scanTapRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("pending taps: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// MarkTapsDelivered marks taps as stored by the registry.
func (db *DB) MarkTapsDelivered(ctx context.Context, ids []string) error {
	return db.markIDs(ctx, `UPDATE taps SET synced = 1 WHERE synced = 0 AND id IN `, ids)
}

// MarkTapRefused parks a tap the registry refused.
func (db *DB) MarkTapRefused(ctx context.Context, id, why string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE taps SET synced = 2, sync_error = ? WHERE id = ?`, why, id)
	return err
}

// PendingBadgeEvents returns up to limit undelivered desk events.
func (db *DB) PendingBadgeEvents(ctx context.Context, limit int) ([]kiosk.BadgeEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, op, uid, delegate_id, at_us FROM badge_events
		WHERE synced = 0 ORDER BY at_us, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending badge events: %w", err)
	}
	defer rows.Close()
	var out []kiosk.BadgeEvent
	for rows.Next() {
		var e kiosk.BadgeEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.Op, &e.UID, &e.DelegateID, &at); err != nil {
			return nil, fmt.Errorf("pending badge events: %w", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// MarkBadgeEventsDelivered marks desk events as taken by the registry.
func (db *DB) MarkBadgeEventsDelivered(ctx context.Context, ids []string) error {
	return db.markIDs(ctx, `UPDATE badge_events SET synced = 1 WHERE synced = 0 AND id IN `, ids)
}

// MarkBadgeEventRefused parks a refused desk event.
func (db *DB) MarkBadgeEventRefused(ctx context.Context, id, why string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE badge_events SET synced = 2, sync_error = ? WHERE id = ?`, why, id)
	return err
}

// markIDs runs an update for a list of ids in one transaction, in chunks
// that stay under SQLite's parameter limit.
func (db *DB) markIDs(ctx context.Context, prefix string, ids []string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i := range n {
			args[i] = ids[i]
		}
		if _, err := tx.ExecContext(ctx, prefix+"(?"+strings.Repeat(",?", n-1)+")", args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return tx.Commit()
}

// Outbox counts what waits for delivery and what was refused.
func (db *DB) Outbox(ctx context.Context) (kiosk.OutboxCount, error) {
	var c kiosk.OutboxCount
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM taps WHERE synced = 0),
		(SELECT count(*) FROM badge_events WHERE synced = 0),
		(SELECT count(*) FROM taps WHERE synced = 2) + (SELECT count(*) FROM badge_events WHERE synced = 2)`).
		Scan(&c.Taps, &c.BadgeEvents, &c.Refused)
	if err != nil {
		return c, fmt.Errorf("outbox: %w", err)
	}
	return c, nil
}
