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

var _ kiosk.StaffStore = (*DB)(nil)

// AddStaff creates a login; ECONFLICT if the username exists.
func (db *Venue) AddStaff(ctx context.Context, s kiosk.Staff, hash string) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO staff (username, role, password_hash, created_us) VALUES (?, ?, ?, ?)`,
		s.Username, s.Role, hash, micros(db.Now()))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return kiosk.Errorf(kiosk.ECONFLICT, "staff user %q exists already", s.Username)
	} else if err != nil {
		return fmt.Errorf("add staff: %w", err)
	}
	return nil
}

// SetStaffPassword replaces a password hash; ENOTFOUND for no such user,
// EINVALID for a login the registry manages (change it there).
func (db *Venue) SetStaffPassword(ctx context.Context, username, hash string) error {
	if err := db.changeStaff(ctx, `UPDATE staff SET password_hash = ? WHERE username = ? AND source = 'local'`, username, hash, username); err != nil {
		return err
	}
	// A new password signs the user out everywhere.
	if _, err := db.write.ExecContext(ctx, `DELETE FROM staff_sessions WHERE username = ?`, username); err != nil {
		return fmt.Errorf("staff %s: end sessions: %w", username, err)
	}
	return nil
}

// RemoveStaff deletes a login; ENOTFOUND for no such user, EINVALID for
// a login the registry manages (remove it there).
func (db *Venue) RemoveStaff(ctx context.Context, username string) error {
	return db.changeStaff(ctx, `DELETE FROM staff WHERE username = ? AND source = 'local'`, username, username)
}

// changeStaff runs a change of a local login.
func (db *Venue) changeStaff(ctx context.Context, query, username string, args ...any) error {
	r, err := db.write.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("staff %s: %w", username, err)
	}
	if n, _ := r.RowsAffected(); n > 0 {
		return nil
	}
	var source string
	err = db.read.QueryRowContext(ctx, `SELECT source FROM staff WHERE username = ?`, username).Scan(&source)
	if errors.Is(err, sql.ErrNoRows) {
		return kiosk.Errorf(kiosk.ENOTFOUND, "no staff user %q", username)
	} else if err != nil {
		return fmt.Errorf("staff %s: %w", username, err)
	}
	return kiosk.Errorf(kiosk.EINVALID, "staff user %q is managed at the registry: change it there", username)
}

// ListStaff lists logins by username.
func (db *Venue) ListStaff(ctx context.Context) ([]kiosk.Staff, error) {
	out, err := sqlitedb.Collect(ctx, db.read, func(rows *sql.Rows) (kiosk.Staff, error) {
		var s kiosk.Staff
		var us int64
		err := rows.Scan(&s.Username, &s.Role, &us, &s.Source)
		s.Created = fromMicros(us)
		return s, err
	}, `SELECT username, role, created_us, source FROM staff ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	return out, nil
}

// StaffLogin returns a login and its hash; ENOTFOUND for no such user.
func (db *Venue) StaffLogin(ctx context.Context, username string) (kiosk.Staff, string, error) {
	var s kiosk.Staff
	var hash string
	var us int64
	err := db.read.QueryRowContext(ctx, `SELECT username, role, created_us, password_hash FROM staff WHERE username = ?`,
		username).Scan(&s.Username, &s.Role, &us, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return s, "", kiosk.Errorf(kiosk.ENOTFOUND, "no staff user %q", username)
	} else if err != nil {
		return s, "", fmt.Errorf("staff login: %w", err)
	}
	s.Created = fromMicros(us)
	return s, hash, nil
}

// Audit records a staff action.
func (db *Venue) Audit(ctx context.Context, actor, action, detail string) error {
	return insertAudit(ctx, db.write, db.Now(), actor, kiosk.AuditEntry{Action: action, Detail: detail})
}

// insertAudit records staff actions, in the transaction of the change they
// tell of where there is one.
func insertAudit(ctx context.Context, x interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, at time.Time, actor string, entries ...kiosk.AuditEntry) error {
	for _, e := range entries {
		if _, err := x.ExecContext(ctx, `INSERT INTO audit_log (at_us, actor, action, detail) VALUES (?, ?, ?, ?)`,
			micros(at), actor, e.Action, e.Detail); err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
	}
	return nil
}

// AuditLog returns the latest actions, newest first.
func (db *Venue) AuditLog(ctx context.Context, limit int) ([]kiosk.AuditEntry, error) {
	out, err := sqlitedb.Collect(ctx, db.read, func(rows *sql.Rows) (kiosk.AuditEntry, error) {
		var e kiosk.AuditEntry
		var us int64
		err := rows.Scan(&us, &e.Actor, &e.Action, &e.Detail)
		e.At = fromMicros(us)
		return e, err
	}, `SELECT at_us, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}
