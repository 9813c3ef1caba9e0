package kiosk

import (
	"context"
	"time"
)

// Staff roles: desk staff bind badges and check people in; admins also
// manage staff and read the audit log.
const (
	RoleDesk  = "desk"
	RoleAdmin = "admin"
)

// Staff is a staff login (without its password hash).
type Staff struct {
	Username string
	Role     string
	Created  time.Time
	// Source says where a kiosk's login comes from: StaffLocal (made with
	// `checkin staff add` in its data directory) or StaffFromRegistry
	// (managed at the registry, received through the change feed).
	Source string
}

// Where a staff login comes from.
const (
	StaffLocal        = "local"
	StaffFromRegistry = "registry"
)

// StaffAccount is a staff login as the registry hands it to every kiosk:
// the password's argon2id hash, never the password.
type StaffAccount struct {
	Username     string
	Role         string
	PasswordHash string
}

// AuditEntry is one staff action.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
}

// StaffStore holds staff logins and the audit log.
type StaffStore interface {
	// AddStaff creates a login; ECONFLICT if the username exists.
	AddStaff(ctx context.Context, s Staff, hash string) error
	// SetStaffPassword replaces a password hash; ENOTFOUND for no such user.
	SetStaffPassword(ctx context.Context, username, hash string) error
	// RemoveStaff deletes a login; ENOTFOUND for no such user.
	RemoveStaff(ctx context.Context, username string) error
	// ListStaff lists logins by username.
	ListStaff(ctx context.Context) ([]Staff, error)
	// StaffLogin returns a login and its hash; ENOTFOUND for no such user.
	StaffLogin(ctx context.Context, username string) (Staff, string, error)
	// Audit records a staff action.
	Audit(ctx context.Context, actor, action, detail string) error
	// AuditLog returns the latest actions, newest first.
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)
}

// ValidUsername reports whether s can be a staff username: 1 to 64 of
// letters, digits and . _ - @.
func ValidUsername(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@') {
			return false
		}
	}
	return true
}
