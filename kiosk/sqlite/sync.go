package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

var _ kiosk.SyncStore = (*DB)(nil)

const (
	keySyncCursor = "sync.cursor"
	// The name the registry gave this kiosk, after the hash of the token
	// it was given for and a space: another token may name another kiosk.
	keyKioskName = "sync.kiosk"
)

// KioskName returns the name the registry gave the kiosk of a token (by
// its hash), as last learnt; "" if never, or for another token.
func (db *DB) KioskName(ctx context.Context, tokenHash string) (string, error) {
	v, err := db.setting(ctx, keyKioskName)
	if err != nil {
		return "", fmt.Errorf("kiosk name: %w", err)
	}
	hash, name, _ := strings.Cut(v, " ")
	if hash != tokenHash {
		return "", nil
	}
	return name, nil
}

// SetKioskName keeps the name the registry gave the kiosk of a token.
func (db *DB) SetKioskName(ctx context.Context, tokenHash, name string) error {
	if err := db.putSetting(ctx, keyKioskName, tokenHash+" "+name); err != nil {
		return fmt.Errorf("kiosk name: %w", err)
	}
	return nil
}

// SyncCursor returns the sequence number of the last applied change.
func (db *DB) SyncCursor(ctx context.Context) (int64, error) {
	v, err := db.setting(ctx, keySyncCursor)
	if err != nil {
		return 0, fmt.Errorf("sync cursor: %w", err)
	} else if v == "" {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// ApplyChanges applies a page of registry changes and moves the cursor to
// next, in one transaction, each change as its kind's entry in changeKinds
// says. A badge whose delegate this kiosk does not know yet is skipped: the
// feed serves current state, so a later change brings it again once its
// delegate is here.
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
	a := &applier{ctx: ctx, tx: tx, db: db, now: micros(db.Now()), loc: db.Location(m.TimeZone)}
	for _, c := range changes {
		k := changeKinds[c.Kind]
		s := k.remove
		if c.Op == kiosk.OpUpsert {
			s = k.upsert
		}
		if s == nil { // a kind or op this kiosk has nothing to do for
			res.Changes++
			continue
		}
		if err := s.apply(a, c.Value); err != nil {
			return res, fmt.Errorf("apply change %d (%s %s): %w", c.Seq, c.Kind, c.Op, err)
		}
		res.ScheduleChanged = res.ScheduleChanged || k.schedule
		res.KeysChanged = res.KeysChanged || k.keys
		res.PhotosChanged = res.PhotosChanged || k.photos
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
		db.forgetRooms()
	}
	db.countApplied(a)
	return res, nil
}

// countApplied tells the in-memory count of people inside rooms what a
// committed page changed, and the listeners which rooms.
func (db *DB) countApplied(a *applier) {
	var rooms []string
	for _, p := range a.presences {
		rooms = append(rooms, db.occ.Pass(p)...)
	}
	for _, r := range a.resets {
		if db.occ.Reset(r.Room, r.Day, r.At) {
			rooms = append(rooms, r.Room)
		}
	}
	db.occupancyChanged(rooms)
}

// PendingTaps returns up to limit undelivered taps, oldest first.
func (db *DB) PendingTaps(ctx context.Context, limit int) ([]kiosk.TapRecord, error) {
	return pending(ctx, db, "taps", scanTapRow, `SELECT `+tapColumns+` FROM taps WHERE synced = 0 ORDER BY at_us, id LIMIT ?`, limit)
}

// pending reads up to limit entries of an outbox, oldest first.
func pending[T any](ctx context.Context, db *DB, what string, scan func(*sql.Rows) (T, error), query string, limit int) ([]T, error) {
	out, err := sqlitedb.Collect(ctx, db.read, scan, query, limit)
	if err != nil {
		return nil, fmt.Errorf("pending %s: %w", what, err)
	}
	return out, nil
}

// MarkTapsDelivered marks taps as stored by the registry.
func (db *DB) MarkTapsDelivered(ctx context.Context, ids []string) error {
	return db.markDelivered(ctx, tapsOutbox, ids)
}

// MarkTapRefused parks a tap the registry refused.
func (db *DB) MarkTapRefused(ctx context.Context, id, why string) error {
	return db.markRefused(ctx, tapsOutbox, id, why)
}

// PendingBadgeEvents returns up to limit undelivered desk events.
func (db *DB) PendingBadgeEvents(ctx context.Context, limit int) ([]kiosk.BadgeEvent, error) {
	return pending(ctx, db, "badge events", scanBadgeEvent,
		`SELECT id, op, uid, delegate_id, at_us FROM badge_events WHERE synced = 0 ORDER BY at_us, id LIMIT ?`, limit)
}

func scanBadgeEvent(rows *sql.Rows) (kiosk.BadgeEvent, error) {
	var e kiosk.BadgeEvent
	var at int64
	err := rows.Scan(&e.ID, &e.Op, &e.UID, &e.DelegateID, &at)
	e.At = fromMicros(at)
	return e, err
}

// MarkBadgeEventsDelivered marks desk events as taken by the registry.
func (db *DB) MarkBadgeEventsDelivered(ctx context.Context, ids []string) error {
	return db.markDelivered(ctx, badgeEventsOutbox, ids)
}

// MarkBadgeEventRefused parks a refused desk event.
func (db *DB) MarkBadgeEventRefused(ctx context.Context, id, why string) error {
	return db.markRefused(ctx, badgeEventsOutbox, id, why)
}

// PendingRoomResets returns up to limit undelivered room count resets.
func (db *DB) PendingRoomResets(ctx context.Context, limit int) ([]kiosk.RoomReset, error) {
	return pending(ctx, db, "room resets", func(rows *sql.Rows) (kiosk.RoomReset, error) {
		var r kiosk.RoomReset
		var at int64
		err := rows.Scan(&r.ID, &r.Room, &r.Day, &at, &r.By)
		r.At = fromMicros(at)
		return r, err
	}, `SELECT id, room, day, at_us, staff FROM room_resets WHERE synced = 0 ORDER BY at_us, id LIMIT ?`, limit)
}

// MarkRoomResetsDelivered marks room resets as taken by the registry.
func (db *DB) MarkRoomResetsDelivered(ctx context.Context, ids []string) error {
	return db.markDelivered(ctx, roomResetsOutbox, ids)
}

// MarkRoomResetRefused parks a refused room reset.
func (db *DB) MarkRoomResetRefused(ctx context.Context, id, why string) error {
	return db.markRefused(ctx, roomResetsOutbox, id, why)
}

// An outbox is a table whose rows are also entries waiting for the
// registry (synced 0), delivered (1) or refused and set aside (2, with
// sync_error): its name and its key column.
type outbox struct{ table, key string }

var (
	tapsOutbox        = outbox{"taps", "id"}
	badgeEventsOutbox = outbox{"badge_events", "id"}
	passesOutbox      = outbox{"issued_passes", "uid"}
	photoEventsOutbox = outbox{"photo_events", "id"}
	roomResetsOutbox  = outbox{"room_resets", "id"}
)

// markDelivered marks entries of an outbox as delivered.
func (db *DB) markDelivered(ctx context.Context, o outbox, ids []string) error {
	return db.markIDs(ctx, `UPDATE `+o.table+` SET synced = 1 WHERE synced = 0 AND `+o.key+` IN `, ids)
}

// markRefused sets an entry of an outbox aside, with why.
func (db *DB) markRefused(ctx context.Context, o outbox, id, why string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE `+o.table+` SET synced = 2, sync_error = ? WHERE `+o.key+` = ?`, why, id)
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
		(SELECT count(*) FROM issued_passes WHERE synced = 0),
		(SELECT count(*) FROM photo_events WHERE synced = 0),
		(SELECT count(*) FROM taps WHERE synced = 2) + (SELECT count(*) FROM badge_events WHERE synced = 2) +
		(SELECT count(*) FROM issued_passes WHERE synced = 2) + (SELECT count(*) FROM photo_events WHERE synced = 2)`).
		Scan(&c.Taps, &c.BadgeEvents, &c.Passes, &c.Photos, &c.Refused)
	if err != nil {
		return c, fmt.Errorf("outbox: %w", err)
	}
	return c, nil
}
