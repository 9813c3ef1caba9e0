package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"checkin/kiosk"
)

// uniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
const uniqueViolation = "23505"

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == uniqueViolation
}

// AddStaff creates a login; ECONFLICT if the username exists.
func (s *Store) AddStaff(ctx context.Context, st kiosk.Staff, hash string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO staff (username, role, password_hash, created_us) VALUES ($1, $2, $3, $4)`,
		st.Username, st.Role, hash, s.now().UnixMicro())
	if isUniqueViolation(err) {
		return kiosk.Errorf(kiosk.ECONFLICT, "staff user %q exists already", st.Username)
	}
	return wrap("add staff", err)
}

// SetStaffPassword replaces a password hash and ends the user's sessions,
// in one transaction; ENOTFOUND for no such user, EINVALID for a login
// the registry does not manage itself (one received from elsewhere).
func (s *Store) SetStaffPassword(ctx context.Context, username, hash string) error {
	return s.update(ctx, "staff "+username, func(tx pgx.Tx, _ time.Time) error {
		if err := changeStaff(ctx, tx, `UPDATE staff SET password_hash = $2 WHERE username = $1 AND source = 'local'`,
			username, hash); err != nil {
			return err
		}
		// A new password signs the user out everywhere.
		if _, err := tx.Exec(ctx, `DELETE FROM staff_sessions WHERE username = $1`, username); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// RemoveStaff deletes a login; ENOTFOUND for no such user, EINVALID for a
// login the registry does not manage itself.
func (s *Store) RemoveStaff(ctx context.Context, username string) error {
	return s.update(ctx, "staff "+username, func(tx pgx.Tx, _ time.Time) error {
		return changeStaff(ctx, tx, `DELETE FROM staff WHERE username = $1 AND source = 'local'`, username)
	})
}

// changeStaff runs a change of a local login ($1 is its username) and
// tells why nothing changed.
func changeStaff(ctx context.Context, tx pgx.Tx, query, username string, args ...any) error {
	tag, err := tx.Exec(ctx, query, append([]any{username}, args...)...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	var source string
	err = tx.QueryRow(ctx, `SELECT source FROM staff WHERE username = $1`, username).Scan(&source)
	if errors.Is(err, pgx.ErrNoRows) {
		return kiosk.Errorf(kiosk.ENOTFOUND, "no staff user %q", username)
	} else if err != nil {
		return err
	}
	return kiosk.Errorf(kiosk.EINVALID, "staff user %q is managed at the registry: change it there", username)
}

// ListStaff lists logins by username (in byte order, as on SQLite).
func (s *Store) ListStaff(ctx context.Context) ([]kiosk.Staff, error) {
	rows, _ := s.pool.Query(ctx, `SELECT username, role, created_us, source FROM staff ORDER BY username COLLATE "C"`)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kiosk.Staff, error) {
		var st kiosk.Staff
		var us int64
		err := row.Scan(&st.Username, &st.Role, &us, &st.Source)
		st.Created = timeOf(us)
		return st, err
	})
	if err != nil {
		return nil, wrap("list staff", err)
	}
	return out, nil
}

// StaffLogin returns a login and its hash; ENOTFOUND for no such user.
func (s *Store) StaffLogin(ctx context.Context, username string) (kiosk.Staff, string, error) {
	var st kiosk.Staff
	var hash string
	var us int64
	err := s.pool.QueryRow(ctx, `SELECT username, role, created_us, password_hash FROM staff WHERE username = $1`,
		username).Scan(&st.Username, &st.Role, &us, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, "", kiosk.Errorf(kiosk.ENOTFOUND, "no staff user %q", username)
	} else if err != nil {
		return st, "", wrap("staff login", err)
	}
	st.Created = timeOf(us)
	return st, hash, nil
}

// Audit records a staff action.
func (s *Store) Audit(ctx context.Context, actor, action, detail string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (at_us, actor, action, detail) VALUES ($1, $2, $3, $4)`,
		s.now().UnixMicro(), actor, action, detail)
	return wrap("audit "+action, err)
}

// AuditLog returns the latest actions, newest first; a negative limit is
// none, as on SQLite.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]kiosk.AuditEntry, error) {
	var lim *int
	if limit >= 0 {
		lim = &limit
	}
	rows, _ := s.pool.Query(ctx, `SELECT at_us, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT $1`, lim)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kiosk.AuditEntry, error) {
		var e kiosk.AuditEntry
		var us int64
		err := row.Scan(&us, &e.Actor, &e.Action, &e.Detail)
		e.At = timeOf(us)
		return e, err
	})
	if err != nil {
		return nil, wrap("audit log", err)
	}
	return out, nil
}

// CreateSession stores a new staff session.
func (s *Store) CreateSession(ctx context.Context, tokenHash, username string, now time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO staff_sessions (token_hash, username, created_us, seen_us) VALUES ($1, $2, $3, $3)`,
		tokenHash, username, now.UnixMicro())
	return wrap("create session for "+username, err)
}

// Session returns a session with its staff member's current role;
// ENOTFOUND if there is none.
func (s *Store) Session(ctx context.Context, tokenHash string) (kiosk.StaffSession, error) {
	var ss kiosk.StaffSession
	var created, seen, staffCreated int64
	err := s.pool.QueryRow(ctx, `SELECT s.username, st.role, st.created_us, s.created_us, s.seen_us
		FROM staff_sessions s JOIN staff st ON st.username = s.username WHERE s.token_hash = $1`, tokenHash).
		Scan(&ss.Username, &ss.Role, &staffCreated, &created, &seen)
	if errors.Is(err, pgx.ErrNoRows) {
		return ss, kiosk.Errorf(kiosk.ENOTFOUND, "no such session")
	} else if err != nil {
		return ss, wrap("session", err)
	}
	ss.Staff.Created, ss.Created, ss.Seen = timeOf(staffCreated), timeOf(created), timeOf(seen)
	return ss, nil
}

// TouchSession records that a session was used.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, now time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE staff_sessions SET seen_us = $1 WHERE token_hash = $2`, now.UnixMicro(), tokenHash)
	return wrap("touch session", err)
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE token_hash = $1`, tokenHash)
	return wrap("delete session", err)
}

// ExpireSessions deletes sessions idle since idleBefore or older than createdBefore.
func (s *Store) ExpireSessions(ctx context.Context, idleBefore, createdBefore time.Time) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE seen_us < $1 OR created_us < $2`,
		idleBefore.UnixMicro(), createdBefore.UnixMicro())
	return wrap("expire sessions", err)
}
