package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

// Room doors: a tap with a room is decided by kiosk.DecideDoor against the
// day's sessions, the room's capacity and the people inside it, which the
// DB counts in memory (kiosk.Occupancy) from the presence table: every
// room-door entry and exit of the day, this kiosk's and, through the
// registry, every other kiosk's.

// roomsTTL bounds how stale cached rooms can be after another process
// changed them; changes made through this DB clear the cache at once.
const roomsTTL = time.Second

type cachedRooms struct {
	loaded time.Time
	rooms  map[string]kiosk.Room
}

// room returns a room by name (only its name when it is not in the rooms
// table: a room the schedule names).
func (db *DB) room(ctx context.Context, name string) (kiosk.Room, error) {
	now := time.Now()
	db.roomsMu.Lock()
	c := db.rooms
	db.roomsMu.Unlock()
	if c.rooms == nil || now.Sub(c.loaded) >= roomsTTL {
		list, err := readRooms(ctx, db.read)
		if err != nil {
			return kiosk.Room{}, fmt.Errorf("rooms: %w", err)
		}
		c = cachedRooms{loaded: now, rooms: make(map[string]kiosk.Room, len(list))}
		for _, r := range list {
			c.rooms[r.Name] = r
		}
		db.roomsMu.Lock()
		db.rooms = c
		db.roomsMu.Unlock()
	}
	if r, ok := c.rooms[name]; ok {
		return r, nil
	}
	return kiosk.Room{Name: name}, nil
}

// forgetRooms drops the cached rooms.
func (db *DB) forgetRooms() {
	db.roomsMu.Lock()
	db.rooms = cachedRooms{}
	db.roomsMu.Unlock()
}

// occupancyOn makes sure the in-memory count is of day, loading it
// through q (the tap writer's transaction, or the readers).
func (db *DB) occupancyOn(ctx context.Context, q sqlitedb.Querier, day string) (*kiosk.Occupancy, error) {
	if db.occ.Day() == day {
		return &db.occ, nil
	}
	db.occLoad.Lock()
	defer db.occLoad.Unlock()
	if db.occ.Day() == day {
		return &db.occ, nil
	}
	presences, err := sqlitedb.Collect(ctx, q, func(rows *sql.Rows) (p kiosk.Presence, err error) {
		var at int64
		err = rows.Scan(&p.DelegateID, &p.Day, &p.Room, &p.Direction, &at, &p.TapID, &p.Kiosk, &p.SessionID)
		p.At = fromMicros(at)
		return p, err
	}, `SELECT delegate_id, day, room, direction, at_us, tap_id, kiosk, session_id FROM presence WHERE day = ?`, day)
	if err != nil {
		return nil, fmt.Errorf("occupancy: %w", err)
	}
	resets := map[string]time.Time{}
	err = sqlitedb.Each(ctx, q, func(rows *sql.Rows) error {
		var room string
		var at int64
		if err := rows.Scan(&room, &at); err != nil {
			return err
		}
		resets[room] = fromMicros(at)
		return nil
	}, `SELECT name, reset_us FROM rooms WHERE reset_day = ?`, day)
	if err != nil {
		return nil, fmt.Errorf("occupancy: resets: %w", err)
	}
	db.occ.Load(day, presences, resets)
	return &db.occ, nil
}

// decideDoor decides a tap at a room door and fills in rec's session and
// where to go instead. It returns the presence the tap makes (nil when it
// makes none: refused, or no delegate).
func (db *DB) decideDoor(ctx context.Context, tx *sql.Tx, tap kiosk.Tap, standing kiosk.Standing, m kiosk.Meeting,
	rec *kiosk.Recorded) (*kiosk.Presence, error) {
	door, room, err := db.door(ctx, tx, rec.Day, rec.Loc, tap.Room, standing)
	if err != nil {
		return nil, err
	}
	now := tap.At.In(rec.Loc)
	rec.Result, rec.Reason, rec.Session = kiosk.DecideDoor(tap.Credential, standing, rec.Day, m, tap.Direction, now, door)
	rec.Instead = instead(rec.Reason, room, door.Sessions, now, standing.Delegate)
	if rec.Result != kiosk.ResultAccepted || standing.Delegate == nil {
		return nil, nil
	}
	p := &kiosk.Presence{DelegateID: standing.Delegate.ID, Day: rec.Day, Room: tap.Room, Direction: tap.Direction,
		At: tap.At, TapID: tap.ID, Kiosk: tap.Kiosk}
	if rec.Session != nil {
		p.SessionID = rec.Session.ID
	}
	return p, nil
}

// door gathers what a room door knows when a tap is decided there.
func (db *DB) door(ctx context.Context, q sqlitedb.Querier, day string, loc *time.Location, name string,
	standing kiosk.Standing) (kiosk.Door, kiosk.Room, error) {
	sessions, err := db.SessionsOn(ctx, day, loc)
	if err != nil {
		return kiosk.Door{}, kiosk.Room{}, err
	}
	room, err := db.room(ctx, name)
	if err != nil {
		return kiosk.Door{}, kiosk.Room{}, err
	}
	occ, err := db.occupancyOn(ctx, q, day)
	if err != nil {
		return kiosk.Door{}, kiosk.Room{}, err
	}
	door := kiosk.Door{Room: name, Sessions: sessions, Capacity: room.Capacity, Inside: occ.Inside(name)}
	if standing.Delegate != nil {
		door.AlreadyInside = occ.IsInside(standing.Delegate.ID, name)
	}
	return door, room, nil
}

// instead says where a delegate refused at a room door may go: the
// overflow room of a full room, and their next session today.
func instead(reason string, room kiosk.Room, sessions []kiosk.Session, now time.Time, d *kiosk.Delegate) *kiosk.Instead {
	switch reason {
	case kiosk.ReasonRoomFull, kiosk.ReasonNotInSessionGroups, kiosk.ReasonNoSessionNow:
	default:
		return nil
	}
	var in kiosk.Instead
	if reason == kiosk.ReasonRoomFull {
		in.Overflow = room.Overflow
	}
	if d != nil {
		in.Next = kiosk.NextSession(sessions, "", now, d)
		if in.Next != nil && in.Next.Room == room.Name && reason == kiosk.ReasonRoomFull {
			in.Next = nil // the same full room later is no alternative
		}
	}
	if in.Overflow == "" && in.Next == nil {
		return nil
	}
	return &in
}

// A delegate's latest room-door pass of a day is kept (kiosk.Presence.Newer):
// the upsert for the tap path (one row) and for the feed (many rows).
const (
	presenceInsert = `INSERT INTO presence (delegate_id, day, room, direction, at_us, tap_id, kiosk, session_id) VALUES `
	presenceRow    = "(?, ?, ?, ?, ?, ?, ?, ?)"
	presenceLatest = ` ON CONFLICT (delegate_id, day) DO UPDATE SET room = excluded.room,
	direction = excluded.direction, at_us = excluded.at_us, tap_id = excluded.tap_id, kiosk = excluded.kiosk,
	session_id = excluded.session_id
	WHERE excluded.at_us > presence.at_us OR (excluded.at_us = presence.at_us AND excluded.tap_id > presence.tap_id)`

	sqlUpsertPresence = presenceInsert + presenceRow + presenceLatest
)

// UpsertPresencesSQL is the latest-wins upsert of n presence rows (the
// arguments of presenceArgs each), for the registry's ingest.
func UpsertPresencesSQL(n int) string {
	return presenceInsert + presenceRow + strings.Repeat(", "+presenceRow, n-1) + presenceLatest
}

func presenceArgs(args []any, p *kiosk.Presence) []any {
	return append(args, p.DelegateID, p.Day, p.Room, p.Direction, micros(p.At), p.TapID, p.Kiosk, p.SessionID)
}

// RoomStatuses returns every room's status now: its capacity, the people
// inside and the session held in it.
func (db *DB) RoomStatuses(ctx context.Context, now time.Time) ([]kiosk.RoomStatus, error) {
	_, loc, sessions, occ, err := db.today(ctx, now)
	if err != nil {
		return nil, err
	}
	rooms, err := readRooms(ctx, db.read)
	if err != nil {
		return nil, fmt.Errorf("rooms: %w", err)
	}
	return kiosk.RoomStatuses(rooms, sessions, occ, now.In(loc)), nil
}

// RoomStatus returns one room's status now; a room neither in the rooms
// table nor in today's sessions is ENOTFOUND.
func (db *DB) RoomStatus(ctx context.Context, name string, now time.Time) (kiosk.RoomStatus, error) {
	_, loc, sessions, occ, err := db.today(ctx, now)
	if err != nil {
		return kiosk.RoomStatus{}, err
	}
	var r kiosk.Room
	err = db.read.QueryRowContext(ctx, `SELECT name, building, floor, capacity, overflow FROM rooms WHERE name = ?`, name).
		Scan(&r.Name, &r.Building, &r.Floor, &r.Capacity, &r.Overflow)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		r = kiosk.Room{Name: name}
		found := false
		for _, s := range sessions {
			if s.Room == name {
				r.Building, found = s.Building, true
				break
			}
		}
		if !found {
			return kiosk.RoomStatus{}, kiosk.Errorf(kiosk.ENOTFOUND, "no room %q", name)
		}
	case err != nil:
		return kiosk.RoomStatus{}, fmt.Errorf("room %q: %w", name, err)
	}
	return kiosk.RoomStatusOf(r, sessions, occ, now.In(loc)), nil
}

// today returns the local day at now, the meeting's zone, the day's
// sessions and its occupancy.
func (db *DB) today(ctx context.Context, now time.Time) (string, *time.Location, []kiosk.Session, *kiosk.Occupancy, error) {
	m, err := readMeeting(ctx, db.read)
	if err != nil {
		return "", nil, nil, nil, err
	}
	loc := db.Location(m.TimeZone)
	day := kiosk.LocalDate(now, loc)
	sessions, err := db.SessionsOn(ctx, day, loc)
	if err != nil {
		return "", nil, nil, nil, err
	}
	occ, err := db.occupancyOn(ctx, db.read, day)
	if err != nil {
		return "", nil, nil, nil, err
	}
	return day, loc, sessions, occ, nil
}

// ResetRoom empties a room's count as of at (staff, after an evacuation):
// stored with its audit entry in one transaction and queued for the
// registry, which passes it to every kiosk.
func (db *DB) ResetRoom(ctx context.Context, actor, name string, at time.Time) (kiosk.RoomReset, error) {
	m, err := readMeeting(ctx, db.read)
	if err != nil {
		return kiosk.RoomReset{}, err
	}
	r := kiosk.RoomReset{ID: db.NewID(), Room: name, Day: kiosk.LocalDate(at, db.Location(m.TimeZone)), At: at.UTC().Truncate(time.Microsecond), By: actor}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return kiosk.RoomReset{}, fmt.Errorf("reset room: %w", err)
	}
	defer tx.Rollback()
	if _, err := writeRoomReset(ctx, tx, r); err != nil {
		return kiosk.RoomReset{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO room_resets (id, room, day, at_us, staff) VALUES (?, ?, ?, ?, ?)`,
		r.ID, r.Room, r.Day, micros(r.At), r.By); err != nil {
		return kiosk.RoomReset{}, fmt.Errorf("reset room: queue: %w", err)
	}
	if err := insertAudit(ctx, tx, r.At, actor, kiosk.AuditEntry{Action: "room.reset", Detail: fmt.Sprintf("%s: %d inside", name, db.occ.Inside(name))}); err != nil {
		return kiosk.RoomReset{}, err
	}
	if err := tx.Commit(); err != nil {
		return kiosk.RoomReset{}, fmt.Errorf("reset room: commit: %w", err)
	}
	db.forgetRooms()
	db.roomReset(r)
	return r, nil
}

// ApplyRoomResets stores room count resets made at a kiosk (the
// registry's side of POST /sync/v1/rooms/reset), each audited as made by
// its staff login at that kiosk, in one transaction. A reset no later than
// the room's last one changes nothing (a repeat, or overtaken): it is not
// counted or audited again. Returns how many were new.
func (db *Venue) ApplyRoomResets(ctx context.Context, kioskID string, resets []kiosk.RoomReset) (int, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("room resets: %w", err)
	}
	defer tx.Rollback()
	n := 0
	for _, r := range resets {
		newer, err := writeRoomReset(ctx, tx, r)
		if err != nil {
			return 0, err
		}
		if !newer {
			continue
		}
		n++
		if err := insertAudit(ctx, tx, r.At, r.By+"@"+kioskID, kiosk.AuditEntry{Action: "room.reset", Detail: r.Room}); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("room resets: commit: %w", err)
	}
	return n, nil
}

// writeRoomReset stores a reset in the room's row (created when only the
// schedule named the room); the latest reset wins. It reports whether r
// was newer than the room's last reset.
func writeRoomReset(ctx context.Context, tx *sql.Tx, r kiosk.RoomReset) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO rooms (name, reset_day, reset_us) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET reset_day = excluded.reset_day, reset_us = excluded.reset_us
		WHERE excluded.reset_us > rooms.reset_us`, r.Room, r.Day, micros(r.At))
	if err != nil {
		return false, fmt.Errorf("reset room %q: %w", r.Room, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// roomReset tells the in-memory count and the listeners of a reset.
func (db *DB) roomReset(r kiosk.RoomReset) {
	if db.occ.Reset(r.Room, r.Day, r.At) {
		db.occupancyChanged([]string{r.Room})
	}
}

// occupancyChanged tells OnOccupancy which rooms' counts changed.
func (db *DB) occupancyChanged(rooms []string) {
	if len(rooms) > 0 && db.OnOccupancy != nil {
		db.OnOccupancy(rooms)
	}
}

// DecideAtDoor decides a tap at a room door at now as RecordTap would
// under meeting m, recording nothing: for benchmarks of the decision (as
// LookupBadge is for the entrance's) and for previews.
func (db *DB) DecideAtDoor(ctx context.Context, m kiosk.Meeting, c kiosk.Credential, room, direction string, now time.Time) (result, reason string, session *kiosk.Session, err error) {
	standing, err := lookupStanding(ctx, db.readStmts, c)
	if err != nil {
		return "", "", nil, err
	}
	loc := db.Location(m.TimeZone)
	day := kiosk.LocalDate(now, loc)
	door, _, err := db.door(ctx, db.read, day, loc, room, standing)
	if err != nil {
		return "", "", nil, err
	}
	result, reason, session = kiosk.DecideDoor(c, standing, day, m, direction, now.In(loc), door)
	return result, reason, session, nil
}
