package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"checkin/kiosk"
)

var (
	_ kiosk.DeskStore    = (*DB)(nil)
	_ kiosk.SessionStore = (*DB)(nil)
)

// DeskCard returns a delegate's card for a local day; ENOTFOUND if none.
func (db *DB) DeskCard(ctx context.Context, id, day string) (kiosk.DeskCard, error) {
	var card kiosk.DeskCard
	tx, err := db.read.BeginTx(ctx, nil) // one snapshot for the whole card
	if err != nil {
		return card, fmt.Errorf("desk card: %w", err)
	}
	defer tx.Rollback()
	d, err := scanDelegate(tx.QueryRowContext(ctx, `SELECT `+delegateColumns+` FROM delegates d WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return card, kiosk.Errorf(kiosk.ENOTFOUND, "no delegate with id %q", id)
	} else if err != nil {
		return card, fmt.Errorf("desk card %s: %w", id, err)
	}
	card.Delegate = *d
	err = tx.QueryRowContext(ctx, `SELECT note FROM delegate_notes WHERE delegate_id = ?`, id).Scan(&card.Note)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return card, fmt.Errorf("desk card %s: note: %w", id, err)
	}
	if card.Badges, err = delegateBadges(ctx, tx, id); err != nil {
		return card, fmt.Errorf("desk card %s: %w", id, err)
	}
	if card.Photo, err = photoHashOf(ctx, tx, id); err != nil {
		return card, fmt.Errorf("desk card %s: photo: %w", id, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+tapColumns+` FROM taps WHERE delegate_id = ? AND day = ? ORDER BY at_us`, id, day)
	if err != nil {
		return card, fmt.Errorf("desk card %s: taps: %w", id, err)
	}
	defer rows.Close()
	card.TapsToday = []kiosk.TapRecord{}
	for rows.Next() {
		t, err := scanTapRecord(rows)
		if err != nil {
			return card, fmt.Errorf("desk card %s: taps: %w", id, err)
		}
		if t.Result == kiosk.ResultAccepted && t.Room == "" { // room doors move people within the venue
			card.Inside = t.Direction == kiosk.DirectionIn
		}
		card.TapsToday = append(card.TapsToday, t)
	}
	if err := rows.Err(); err != nil {
		return card, fmt.Errorf("desk card %s: taps: %w", id, err)
	}
	m, err := db.Meeting(ctx)
	if err != nil {
		return card, err
	}
	card.ValidToday = kiosk.ValidOn(d, day, m)
	return card, nil
}

// delegateBadges lists a delegate's badges and passes: the passes this
// desk issued (superseded ones revoked, from when the newer one was
// issued) and the delegate's newest pass if it was issued elsewhere.
func delegateBadges(ctx context.Context, tx *sql.Tx, id string) ([]kiosk.BadgeInfo, error) {
	rows, err := tx.QueryContext(ctx, `SELECT uid, source, revoked, created_us, revoked_us FROM badges WHERE delegate_id = ?1
		UNION ALL
		SELECT i.uid, 'pass', p.uid <> i.uid, i.issued_us, CASE WHEN p.uid <> i.uid THEN p.issued_us END
		FROM issued_passes i JOIN passes p ON p.delegate_id = i.delegate_id WHERE i.delegate_id = ?1
		UNION ALL
		SELECT uid, 'pass', 0, issued_us, NULL FROM passes p
		WHERE delegate_id = ?1 AND NOT EXISTS (SELECT 1 FROM issued_passes i WHERE i.uid = p.uid)
		ORDER BY 3, 4 DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("badges: %w", err)
	}
	defer rows.Close()
	out := []kiosk.BadgeInfo{}
	for rows.Next() {
		var b kiosk.BadgeInfo
		var created int64
		var revokedAt sql.NullInt64
		if err := rows.Scan(&b.UID, &b.Source, &b.Revoked, &created, &revokedAt); err != nil {
			return nil, fmt.Errorf("badges: %w", err)
		}
		b.Created = fromMicros(created)
		if revokedAt.Valid {
			t := fromMicros(revokedAt.Int64)
			b.RevokedAt = &t
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BadgeHolder returns who holds an unrevoked UID; ENOTFOUND if no one.
func (db *DB) BadgeHolder(ctx context.Context, uid string) (*kiosk.Delegate, error) {
	d, err := scanDelegate(db.read.QueryRowContext(ctx, `SELECT `+delegateColumns+`
		FROM badges b JOIN delegates d ON d.id = b.delegate_id WHERE b.uid = ? AND b.revoked = 0`, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kiosk.Errorf(kiosk.ENOTFOUND, "badge %s is not bound", uid)
	} else if err != nil {
		return nil, fmt.Errorf("badge holder %s: %w", uid, err)
	}
	return d, nil
}

// SetNote sets or, with "", clears a delegate's attention note, with its
// audit entry, in one transaction. ENOTFOUND for an unknown delegate.
func (db *DB) SetNote(ctx context.Context, delegateID, note, actor string) error {
	return db.update(ctx, "set note", func(tx *sql.Tx, now time.Time) error {
		if err := requireDelegate(ctx, tx, delegateID); err != nil {
			return err
		}
		var err error
		if note == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM delegate_notes WHERE delegate_id = ?`, delegateID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO delegate_notes (delegate_id, note, actor, updated_us) VALUES (?, ?, ?, ?)
				ON CONFLICT (delegate_id) DO UPDATE SET note = excluded.note, actor = excluded.actor, updated_us = excluded.updated_us`,
				delegateID, note, actor, micros(now))
		}
		if err != nil {
			return fmt.Errorf("note for %s: %w", delegateID, err)
		}
		return insertAudit(ctx, tx, now, actor, kiosk.AuditNote(delegateID, note))
	})
}

func requireDelegate(ctx context.Context, tx *sql.Tx, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM delegates WHERE id = ?`, id).Scan(&n); err != nil {
		return fmt.Errorf("look up delegate %s: %w", id, err)
	} else if n == 0 {
		return kiosk.Errorf(kiosk.ENOTFOUND, "no delegate with id %q", id)
	}
	return nil
}

// DeskPass records a pass issued at this desk: as the delegate's newest
// pass, which supersedes the earlier ones (here at once, elsewhere once
// the registry has it), with its token, queued for the registry, and the
// audit entries, in one transaction, and returns it. With p.KeepCurrent
// the delegate's current pass, if any, is kept and returned instead
// (CurrentPass's errors). ENOTFOUND for an unknown delegate; ECONFLICT if
// a newer pass of the delegate is known (a clock behind another kiosk's).
func (db *DB) DeskPass(ctx context.Context, actor string, p kiosk.PassIssue) (kiosk.IssuedPass, error) {
	var out kiosk.IssuedPass
	err := db.update(ctx, "record pass", func(tx *sql.Tx, now time.Time) error {
		if err := requireDelegate(ctx, tx, p.DelegateID); err != nil {
			return err
		}
		if p.KeepCurrent {
			cur, err := currentPass(ctx, tx, p.DelegateID)
			if err == nil {
				out = cur
				return insertAudit(ctx, tx, now, actor, kiosk.AuditPass(p, false)...)
			} else if kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
				return err
			}
		}
		// Signatures are deterministic: a pass issued again within the same
		// second is the same pass.
		if _, err := tx.ExecContext(ctx, `INSERT INTO issued_passes (uid, pass_id, delegate_id, token, issued_us) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (uid) DO NOTHING`, p.Pass.UID, p.Pass.ID, p.DelegateID, p.Pass.Token, micros(p.Pass.IssuedAt)); err != nil {
			return fmt.Errorf("insert pass %s: %w", p.Pass.UID, err)
		}
		newest, err := RecordPass(ctx, tx, kiosk.Pass{DelegateID: p.DelegateID, UID: p.Pass.UID, IssuedAt: p.Pass.IssuedAt})
		if err != nil {
			return err
		} else if !newest { // it would be superseded at once
			return kiosk.Errorf(kiosk.ECONFLICT, "%s holds a pass dated after %s UTC, from another kiosk: is this kiosk's clock right?",
				p.DelegateID, p.Pass.IssuedAt.UTC().Format("2006-01-02 15:04:05"))
		}
		out = p.Pass
		return insertAudit(ctx, tx, now, actor, kiosk.AuditPass(p, true)...)
	})
	return out, err
}

// CurrentPass returns a delegate's newest pass, issued at this desk, with
// its token. ENOTFOUND if the delegate has none, ECONFLICT if the newest
// was issued elsewhere.
func (db *DB) CurrentPass(ctx context.Context, delegateID string) (kiosk.IssuedPass, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return kiosk.IssuedPass{}, fmt.Errorf("current pass: %w", err)
	}
	defer tx.Rollback()
	return currentPass(ctx, tx, delegateID)
}

func currentPass(ctx context.Context, tx *sql.Tx, delegateID string) (kiosk.IssuedPass, error) {
	var p kiosk.IssuedPass
	var issued int64
	var kioskID string
	var id, token sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT p.uid, p.issued_us, p.kiosk, i.pass_id, i.token
		FROM passes p LEFT JOIN issued_passes i ON i.uid = p.uid WHERE p.delegate_id = ?`, delegateID).
		Scan(&p.UID, &issued, &kioskID, &id, &token)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return p, kiosk.Errorf(kiosk.ENOTFOUND, "delegate %q has no pass", delegateID)
	case err != nil:
		return p, fmt.Errorf("current pass of %s: %w", delegateID, err)
	case !token.Valid:
		if kioskID == "" {
			kioskID = "another kiosk"
		} else {
			kioskID = "kiosk " + kioskID
		}
		return p, kiosk.Errorf(kiosk.ECONFLICT, "the current pass of %s was issued at %s (%s UTC): show or print it there, or issue a new pass here, which replaces it",
			delegateID, kioskID, fromMicros(issued).Format("2006-01-02 15:04:05"))
	}
	p.ID, p.Token, p.IssuedAt = id.String, token.String, fromMicros(issued)
	return p, nil
}

// DeskCheckIn decides a check-in made by hand with kiosk.Decide and records
// it, with its audit entry, in one transaction. ENOTFOUND for an unknown
// delegate: no tap is recorded for no one.
func (db *DB) DeskCheckIn(ctx context.Context, actor string, tap kiosk.Tap) (kiosk.Recorded, error) {
	var rec kiosk.Recorded
	err := db.update(ctx, "record tap", func(tx *sql.Tx, now time.Time) error {
		if err := requireDelegate(ctx, tx, tap.PassDelegate); err != nil {
			return err
		}
		m, err := readMeeting(ctx, tx)
		if err != nil {
			return err
		}
		// A desk check-in is never at a room door, so it makes no presence.
		if rec, _, err = db.recordTap(ctx, tx, db.writeStmts.inTx(ctx, tx), tap, m, db.Location(m.TimeZone)); err != nil {
			return err
		}
		return insertAudit(ctx, tx, now, actor, kiosk.AuditCheckIn(rec))
	})
	return rec, err
}

// CreateSession stores a new staff session.
func (db *Venue) CreateSession(ctx context.Context, tokenHash, username string, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO staff_sessions (token_hash, username, created_us, seen_us) VALUES (?, ?, ?, ?)`,
		tokenHash, username, micros(now), micros(now))
	if err != nil {
		return fmt.Errorf("create session for %s: %w", username, err)
	}
	return nil
}

// Session returns a session with its staff member's current role.
func (db *Venue) Session(ctx context.Context, tokenHash string) (kiosk.StaffSession, error) {
	var s kiosk.StaffSession
	var created, seen, staffCreated int64
	err := db.read.QueryRowContext(ctx, `SELECT s.username, st.role, st.created_us, s.created_us, s.seen_us
		FROM staff_sessions s JOIN staff st ON st.username = s.username WHERE s.token_hash = ?`, tokenHash).
		Scan(&s.Username, &s.Role, &staffCreated, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, kiosk.Errorf(kiosk.ENOTFOUND, "no such session")
	} else if err != nil {
		return s, fmt.Errorf("session: %w", err)
	}
	s.Staff.Created, s.Created, s.Seen = fromMicros(staffCreated), fromMicros(created), fromMicros(seen)
	return s, nil
}

// TouchSession records that a session was used.
func (db *Venue) TouchSession(ctx context.Context, tokenHash string, now time.Time) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE staff_sessions SET seen_us = ? WHERE token_hash = ?`, micros(now), tokenHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func (db *Venue) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM staff_sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// ExpireSessions deletes sessions idle since idleBefore or older than createdBefore.
func (db *Venue) ExpireSessions(ctx context.Context, idleBefore, createdBefore time.Time) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM staff_sessions WHERE seen_us < ? OR created_us < ?`,
		micros(idleBefore), micros(createdBefore)); err != nil {
		return fmt.Errorf("expire sessions: %w", err)
	}
	return nil
}

// DelegatesVersion changes whenever a delegate is added, changed or
// removed: every write stamps updated_us with the time, and a removal
// changes the count. Search indexes compare it to know when to rebuild.
func (db *DB) DelegatesVersion(ctx context.Context) (string, error) {
	var n, latest int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(max(updated_us), 0) FROM delegates`).Scan(&n, &latest); err != nil {
		return "", fmt.Errorf("delegates version: %w", err)
	}
	return fmt.Sprintf("%d/%d", n, latest), nil
}

// AllDelegates calls fn for every delegate, in id order, from one snapshot,
// and returns the version of that snapshot.
func (db *DB) AllDelegates(ctx context.Context, fn func(*kiosk.Delegate)) (string, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("all delegates: %w", err)
	}
	defer tx.Rollback()
	var n, latest int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(updated_us), 0) FROM delegates`).Scan(&n, &latest); err != nil {
		return "", fmt.Errorf("all delegates: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+delegateColumns+` FROM delegates d ORDER BY d.id`)
	if err != nil {
		return "", fmt.Errorf("all delegates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDelegate(rows)
		if err != nil {
			return "", fmt.Errorf("all delegates: %w", err)
		}
		fn(d)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("all delegates: %w", err)
	}
	return fmt.Sprintf("%d/%d", n, latest), nil
}

// DeskBind binds a badge at the desk and, with req.Replace, revokes the
// delegate's other RFID badges, with the audit entry and the badge events
// for the registry, in one transaction. ENOTFOUND for an unknown delegate;
// a *kiosk.BadgeHeldError when someone else holds the UID, after
// committing only the refusal's audit entry.
func (db *DB) DeskBind(ctx context.Context, actor string, req kiosk.BindRequest) (kiosk.Bound, error) {
	b := kiosk.Bound{UID: req.UID, DelegateID: req.DelegateID, Revoked: []string{}}
	var held *kiosk.BadgeHeldError
	err := db.update(ctx, "bind badge", func(tx *sql.Tx, now time.Time) error {
		err := db.bindBadge(ctx, tx, req.DelegateID, req.UID, now)
		if errors.As(err, &held) {
			return insertAudit(ctx, tx, now, actor, kiosk.AuditBindRefused(held))
		} else if err != nil {
			return err
		}
		if req.Replace {
			badges, err := delegateBadges(ctx, tx, req.DelegateID)
			if err != nil {
				return err
			}
			for _, uid := range kiosk.ReplacedBy(badges, req.UID) {
				if err := db.revokeBadge(ctx, tx, uid, now); err != nil {
					return err
				}
				b.Revoked = append(b.Revoked, uid)
			}
		}
		return insertAudit(ctx, tx, now, actor, kiosk.AuditBind(b))
	})
	if err == nil && held != nil {
		err = held
	}
	if err != nil {
		return kiosk.Bound{}, err
	}
	return b, nil
}

// DeskRevoke revokes a UID with its audit entry and badge event, in one
// transaction. ENOTFOUND if the UID was never bound.
func (db *DB) DeskRevoke(ctx context.Context, actor, uid string) error {
	return db.update(ctx, "revoke badge", func(tx *sql.Tx, now time.Time) error {
		if err := db.revokeBadge(ctx, tx, uid, now); err != nil {
			return err
		}
		return insertAudit(ctx, tx, now, actor, kiosk.AuditRevoke(uid))
	})
}

// update runs fn in one write transaction, with the time taken once, and
// commits it if fn succeeds. what names the change in errors.
func (db *DB) update(ctx context.Context, what string, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx, db.Now()); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// bindBadge binds uid to a delegate and queues the bind. ENOTFOUND for an
// unknown delegate, a *kiosk.BadgeHeldError when someone else holds the
// UID unrevoked. Binding a revoked UID reissues it; a UID the delegate
// holds already stays as it is.
func (db *DB) bindBadge(ctx context.Context, tx *sql.Tx, delegateID, uid string, now time.Time) error {
	if err := requireDelegate(ctx, tx, delegateID); err != nil {
		return err
	}
	var revoked bool
	holder, err := scanDelegate(tx.QueryRowContext(ctx, sqlBadge, uid), &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && revoked:
	case err != nil:
		return fmt.Errorf("look up badge %s: %w", uid, err)
	case holder.ID == delegateID:
		return nil
	default:
		return &kiosk.BadgeHeldError{UID: uid, DelegateID: delegateID, Holder: *holder}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO badges (uid, delegate_id, source, created_us) VALUES (?, ?, ?, ?)
		ON CONFLICT (uid) DO UPDATE SET delegate_id = excluded.delegate_id, source = excluded.source,
			revoked = 0, created_us = excluded.created_us, revoked_us = NULL`,
		uid, delegateID, badgeFromDesk, micros(now)); err != nil {
		return fmt.Errorf("bind %s: %w", uid, err)
	}
	return db.queueBadgeEvent(ctx, tx, kiosk.BadgeBind, uid, delegateID, now)
}

// revokeBadge revokes uid and queues the revocation. ENOTFOUND if it was
// never bound; a revoked UID stays as it is.
func (db *DB) revokeBadge(ctx context.Context, tx *sql.Tx, uid string, now time.Time) error {
	r, err := tx.ExecContext(ctx, `UPDATE badges SET revoked = 1, revoked_us = ? WHERE uid = ? AND revoked = 0`, micros(now), uid)
	if err != nil {
		return fmt.Errorf("revoke %s: %w", uid, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM badges WHERE uid = ?`, uid).Scan(&exists); err != nil {
			return fmt.Errorf("revoke %s: %w", uid, err)
		} else if exists == 0 {
			return kiosk.Errorf(kiosk.ENOTFOUND, "badge %s is not bound", uid)
		}
		return nil // already revoked
	}
	return db.queueBadgeEvent(ctx, tx, kiosk.BadgeRevoke, uid, "", now)
}

// queueBadgeEvent records a desk's bind or revoke for the registry, in the
// transaction that makes it.
func (db *DB) queueBadgeEvent(ctx context.Context, tx *sql.Tx, op, uid, delegateID string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO badge_events (id, op, uid, delegate_id, at_us) VALUES (?, ?, ?, ?, ?)`,
		db.NewID(), op, uid, delegateID, micros(at))
	if err != nil {
		return fmt.Errorf("queue %s %s: %w", op, uid, err)
	}
	return nil
}
