package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

type tapRequest struct {
	ctx  context.Context
	tap  kiosk.Tap
	done chan tapResponse
}

type tapResponse struct {
	rec kiosk.Recorded
	err error
}

// RecordTap decides the tap against the roster and commits it before
// returning. Taps that arrive while a commit is in flight are committed
// together in the next one (group commit): one fsync for many taps.
func (db *DB) RecordTap(ctx context.Context, tap kiosk.Tap) (kiosk.Recorded, error) {
	req := tapRequest{ctx: ctx, tap: tap, done: make(chan tapResponse, 1)}
	select {
	case db.taps <- req:
	case <-db.closing:
		return kiosk.Recorded{}, ErrClosed
	case <-ctx.Done():
		return kiosk.Recorded{}, ctx.Err()
	}
	// Once handed over, the tap is committed or fails; wait for the answer
	// even if the caller gives up, so that no answer claims what did not happen.
	resp := <-req.done
	return resp.rec, resp.err
}

// runTapWriter is the single goroutine that commits taps. While taps
// cannot be written it probes every ProbeEvery that no tap comes.
func (db *DB) runTapWriter() {
	defer close(db.done)
	batch := make([]tapRequest, 0, db.MaxBatch)
	for {
		var probe <-chan time.Time
		if db.failing() {
			probe = time.After(db.ProbeEvery)
		}
		var first tapRequest
		select {
		case first = <-db.taps:
		case <-probe:
			db.probe()
			continue
		case <-db.closing:
			return
		}
		batch = append(batch[:0], first)
	drain:
		for len(batch) < db.MaxBatch {
			select {
			case req := <-db.taps:
				batch = append(batch, req)
			default:
				break drain
			}
		}
		db.commitBatch(batch)
	}
}

// commitBatch commits a batch in one transaction. If that fails for
// another reason than storage (a full disk fails every tap alike), each
// tap is retried alone so one bad tap cannot fail its neighbours. Taps
// that cannot be written get an EUNAVAILABLE error; the health report and
// the log (once a minute, see writeFailed) carry the cause.
func (db *DB) commitBatch(batch []tapRequest) {
	recs, err := db.commitTaps(batch)
	if err == nil {
		db.wrote()
		for i, req := range batch {
			req.done <- tapResponse{rec: recs[i]}
		}
		return
	}
	if _, storage := sqlitedb.StorageFailure(err); storage || len(batch) == 1 {
		failed := unavailable(db.writeFailed(err, len(batch)))
		for _, req := range batch {
			req.done <- tapResponse{err: failed}
		}
		return
	}
	for _, req := range batch {
		recs, err := db.commitTaps([]tapRequest{req})
		if err != nil {
			req.done <- tapResponse{err: unavailable(db.writeFailed(err, 1))}
			continue
		}
		db.wrote()
		req.done <- tapResponse{rec: recs[0]}
	}
}

func (db *DB) commitTaps(batch []tapRequest) ([]kiosk.Recorded, error) {
	// The batch outlives any one caller's context: it is committed as a unit.
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	m, err := readMeeting(ctx, tx)
	if err != nil {
		return nil, err
	}
	loc := db.Location(m.TimeZone)
	st := db.writeStmts.inTx(ctx, tx)
	recs := make([]kiosk.Recorded, len(batch))
	var rooms []string // whose count changed
	committed := false
	defer func() {
		if !committed && len(rooms) > 0 {
			db.occ.Forget() // counted taps that are not stored: count again
		}
	}()
	for i, req := range batch {
		var p *kiosk.Presence
		if recs[i], p, err = db.recordTap(ctx, tx, st, req.tap, m, loc); err != nil {
			return nil, fmt.Errorf("tap %s: %w", req.tap.ID, err)
		}
		if p != nil {
			// Counted now, so that the next tap of the batch sees it.
			rooms = append(rooms, db.occ.Pass(*p)...)
			if _, err := st.presence.ExecContext(ctx, presenceArgs(nil, p)...); err != nil {
				return nil, fmt.Errorf("tap %s: presence: %w", req.tap.ID, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	committed = true
	db.occupancyChanged(rooms)
	return recs, nil
}

// tapStmts are the statements of the tap path, prepared once: parsing SQL
// costs more than running these indexed lookups.
type tapStmts struct {
	badge, passHolder, newestPass, arrival, insertTap, learnPass, presence *sql.Stmt
}

const (
	sqlBadge = `SELECT ` + delegateColumns + `, b.revoked
		FROM badges b JOIN delegates d ON d.id = b.delegate_id WHERE b.uid = ?`
	sqlPassHolder = `SELECT ` + delegateColumns + ` FROM delegates d WHERE d.id = ?`
	sqlNewestPass = `SELECT uid, issued_us FROM passes WHERE delegate_id = ?`
	sqlArrival    = `INSERT INTO arrivals (delegate_id, day, tap_id, at_us, kiosk)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
	sqlInsertTap = `INSERT INTO taps (id, at_us, day, uid, source, gate, direction, kiosk,
		delegate_id, delegate_name, result, reason, first_today, room, session_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

func prepareTapStmts(ctx context.Context, db *sql.DB, write bool) (*tapStmts, error) {
	var s tapStmts
	var err error
	if s.badge, err = db.PrepareContext(ctx, sqlBadge); err != nil {
		return nil, err
	}
	if s.passHolder, err = db.PrepareContext(ctx, sqlPassHolder); err != nil {
		return nil, err
	}
	if s.newestPass, err = db.PrepareContext(ctx, sqlNewestPass); err != nil {
		return nil, err
	}
	if !write {
		return &s, nil
	}
	if s.arrival, err = db.PrepareContext(ctx, sqlArrival); err != nil {
		return nil, err
	}
	if s.insertTap, err = db.PrepareContext(ctx, sqlInsertTap); err != nil {
		return nil, err
	}
	if s.learnPass, err = db.PrepareContext(ctx, sqlUpsertPass); err != nil {
		return nil, err
	}
	if s.presence, err = db.PrepareContext(ctx, sqlUpsertPresence); err != nil {
		return nil, err
	}
	return &s, nil
}

// inTx binds the statements to a transaction.
func (s *tapStmts) inTx(ctx context.Context, tx *sql.Tx) *tapStmts {
	return &tapStmts{badge: tx.StmtContext(ctx, s.badge), passHolder: tx.StmtContext(ctx, s.passHolder),
		newestPass: tx.StmtContext(ctx, s.newestPass), arrival: tx.StmtContext(ctx, s.arrival),
		insertTap: tx.StmtContext(ctx, s.insertTap), learnPass: tx.StmtContext(ctx, s.learnPass),
		presence: tx.StmtContext(ctx, s.presence)}
}

// recordTap decides a tap and writes it in tx; at a room door it also
// returns the presence the tap makes, for the caller to count and store.
func (db *DB) recordTap(ctx context.Context, tx *sql.Tx, st *tapStmts, tap kiosk.Tap, m kiosk.Meeting,
	loc *time.Location) (kiosk.Recorded, *kiosk.Presence, error) {
	standing, err := lookupStanding(ctx, st, tap.Credential)
	if err != nil {
		return kiosk.Recorded{}, nil, err
	}
	day := kiosk.LocalDate(tap.At, loc)
	rec := kiosk.Recorded{Tap: tap, Delegate: standing.Delegate, Day: day, Loc: loc}
	var presence *kiosk.Presence
	if tap.Room != "" {
		if presence, err = db.decideDoor(ctx, tx, tap, standing, m, &rec); err != nil {
			return kiosk.Recorded{}, nil, fmt.Errorf("room door: %w", err)
		}
	} else {
		rec.Result, rec.Reason = kiosk.Decide(tap.Credential, standing, day, m, tap.Direction)
	}

	var delegateID, name string
	if d := standing.Delegate; d != nil {
		delegateID, name = d.ID, d.Name()
	}
	if isPass(tap.Credential) && standing.Known && !standing.Revoked {
		// A pass shown here is heard of here: older ones of the delegate
		// are superseded from now on, before the registry says so.
		p := kiosk.Pass{DelegateID: delegateID, UID: tap.UID, IssuedAt: tap.PassIssued}
		if _, err := st.learnPass.ExecContext(ctx, passArgs(nil, &p)...); err != nil {
			return kiosk.Recorded{}, nil, fmt.Errorf("learn pass: %w", err)
		}
	}
	// An entry at a room door is not an arrival at the venue.
	if rec.Result == kiosk.ResultAccepted && tap.Direction == kiosk.DirectionIn && tap.Room == "" {
		r, err := st.arrival.ExecContext(ctx, delegateID, day, tap.ID, micros(tap.At), tap.Kiosk)
		if err != nil {
			return kiosk.Recorded{}, nil, fmt.Errorf("record arrival: %w", err)
		}
		n, _ := r.RowsAffected()
		rec.FirstToday = n == 1
	}
	var sessionID string
	if rec.Session != nil {
		sessionID = rec.Session.ID
	}
	if _, err := st.insertTap.ExecContext(ctx, tap.ID, micros(tap.At), day, tap.UID, tap.Source, tap.Gate, tap.Direction, tap.Kiosk,
		delegateID, name, rec.Result, rec.Reason, rec.FirstToday, tap.Room, sessionID); err != nil {
		return kiosk.Recorded{}, nil, fmt.Errorf("insert tap: %w", err)
	}
	return rec, presence, nil
}

// lookupStanding finds what a credential is bound to.
func lookupStanding(ctx context.Context, st *tapStmts, c kiosk.Credential) (kiosk.Standing, error) {
	if c.PassInvalid {
		return kiosk.Standing{}, nil
	}
	if c.PassDelegate != "" {
		d, err := scanDelegate(st.passHolder.QueryRowContext(ctx, c.PassDelegate))
		if errors.Is(err, sql.ErrNoRows) {
			return kiosk.Standing{}, nil
		} else if err != nil {
			return kiosk.Standing{}, fmt.Errorf("look up pass holder: %w", err)
		}
		revoked := false
		if isPass(c) {
			if revoked, err = passSuperseded(ctx, st, c, d.ID); err != nil {
				return kiosk.Standing{}, err
			}
		}
		return kiosk.Standing{Known: true, Revoked: revoked, Delegate: d}, nil
	}
	var revoked bool
	d, err := scanDelegate(st.badge.QueryRowContext(ctx, c.UID), &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return kiosk.Standing{}, nil
	} else if err != nil {
		return kiosk.Standing{}, fmt.Errorf("look up badge: %w", err)
	}
	return kiosk.Standing{Known: true, Revoked: revoked, Delegate: d}, nil
}

// passSuperseded reports whether a validly signed pass of a delegate is
// no longer good: a newer pass of the delegate is known here (issued here,
// announced by the registry, or shown here), or, for passes recorded as
// badges before passes had a kind of their own, it was revoked at a desk.
// Otherwise a pass stands on its signature.
func passSuperseded(ctx context.Context, st *tapStmts, c kiosk.Credential, delegateID string) (bool, error) {
	var revoked bool
	holder, err := scanDelegate(st.badge.QueryRowContext(ctx, c.UID), &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, fmt.Errorf("look up pass: %w", err)
	case revoked || holder.ID != delegateID:
		return true, nil
	}
	var newest kiosk.Pass
	var issued int64
	err = st.newestPass.QueryRowContext(ctx, delegateID).Scan(&newest.UID, &issued)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("look up newest pass: %w", err)
	}
	newest.IssuedAt = fromMicros(issued)
	return newest.Newer(kiosk.Pass{UID: c.UID, IssuedAt: c.PassIssued}), nil
}

// isPass tells a verified QR pass from an RFID UID and from a check-in
// by hand (which names its delegate, with no UID).
func isPass(c kiosk.Credential) bool { return c.PassDelegate != "" && c.UID != "" && !c.PassInvalid }

// LookupBadge returns the standing of an RFID UID without recording a tap,
// for the desk and for benchmarks of the decision path.
func (db *DB) LookupBadge(ctx context.Context, uid string) (kiosk.Standing, error) {
	return lookupStanding(ctx, db.readStmts, kiosk.Credential{UID: uid})
}

// tapColumns are the columns scanTapRecord reads, in order.
const tapColumns = `id, at_us, delegate_id, delegate_name, uid, source, gate, direction, result, reason, kiosk, first_today,
	room, session_id`

// scanTapRow is scanTapRecord for sqlitedb.Collect.
func scanTapRow(rows *sql.Rows) (kiosk.TapRecord, error) { return scanTapRecord(rows) }

func scanTapRecord(s scanner) (kiosk.TapRecord, error) {
	var t kiosk.TapRecord
	var at int64
	err := s.Scan(&t.ID, &at, &t.DelegateID, &t.DelegateName, &t.UID, &t.Source, &t.Gate,
		&t.Direction, &t.Result, &t.Reason, &t.Kiosk, &t.FirstToday, &t.Room, &t.SessionID)
	t.At = fromMicros(at)
	return t, err
}

// Taps calls fn for each tap in time order, only those of one local date
// unless date is "". A tap is first_today if the kiosk that made it said
// so, or if it is the delegate's arrival of the day as this database
// knows it: at the registry, the earliest accepted entry across kiosks.
func (db *Venue) Taps(ctx context.Context, date string, fn func(kiosk.TapRecord) error) error {
	query := `SELECT id, at_us, delegate_id, delegate_name, uid, source, gate, direction, result, reason, kiosk,
		first_today OR EXISTS (SELECT 1 FROM arrivals a WHERE a.delegate_id = t.delegate_id AND a.day = t.day AND a.tap_id = t.id),
		room, session_id
		FROM taps t`
	var args []any
	if date != "" {
		query += ` WHERE day = ?`
		args = append(args, date)
	}
	rows, err := db.read.QueryContext(ctx, query+` ORDER BY at_us, id`, args...)
	if err != nil {
		return fmt.Errorf("list taps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTapRecord(rows)
		if err != nil {
			return fmt.Errorf("list taps: %w", err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return rows.Err()
}
