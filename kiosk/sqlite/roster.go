package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

// Badge sources.
const (
	badgeFromRoster = "roster"
	badgeFromDesk   = "desk"
)

const delegateColumns = `d.id, d.family_name, d.given_name, d.organization, d.country, d.country_name, d.role,
	d.groups, d.valid_from, d.valid_to, d.status, d.language, d.email, d.latin_family_name, d.latin_given_name`

type scanner interface{ Scan(dest ...any) error }

func scanDelegate(s scanner, extra ...any) (*kiosk.Delegate, error) {
	var d kiosk.Delegate
	var groups string
	dest := append([]any{&d.ID, &d.FamilyName, &d.GivenName, &d.Organization, &d.Country, &d.CountryName, &d.Role,
		&groups, &d.ValidFrom, &d.ValidTo, &d.Status, &d.Language, &d.Email, &d.LatinFamilyName, &d.LatinGivenName}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	if groups != "" {
		d.Groups = strings.Split(groups, ";")
	}
	return &d, nil
}

// ReplaceRoster replaces the roster in one transaction. Delegates missing
// from the new list are removed (with their badges); taps are kept. Badges
// bound at the desk, and revocations, survive the import.
func (db *Venue) ReplaceRoster(ctx context.Context, delegates []kiosk.Delegate) (kiosk.RosterImport, error) {
	return db.ReplaceRosterChecked(ctx, delegates, nil)
}

// PlanRoster works out what ReplaceRoster would do with delegates and
// writes nothing. It reads in a read transaction, so that a dry run on a
// running kiosk holds up neither its taps nor the feed.
func (db *Venue) PlanRoster(ctx context.Context, delegates []kiosk.Delegate) (kiosk.ImportPlan, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return kiosk.ImportPlan{}, fmt.Errorf("plan roster: %w", err)
	}
	defer tx.Rollback()
	p, err := planRoster(ctx, tx, delegates)
	if err != nil {
		return p, fmt.Errorf("plan roster: %w", err)
	}
	return p, nil
}

// planRoster reads the roster and its badges and plans the import.
func planRoster(ctx context.Context, tx *sql.Tx, delegates []kiosk.Delegate) (kiosk.ImportPlan, error) {
	current, err := sqlitedb.Collect(ctx, tx, func(rows *sql.Rows) (kiosk.Delegate, error) {
		d, err := scanDelegate(rows)
		if err != nil {
			return kiosk.Delegate{}, err
		}
		return *d, nil
	}, `SELECT `+delegateColumns+` FROM delegates d`)
	if err != nil {
		return kiosk.ImportPlan{}, err
	}
	badges, err := sqlitedb.Collect(ctx, tx, func(rows *sql.Rows) (b kiosk.RosterBadge, err error) {
		return b, rows.Scan(&b.UID, &b.DelegateID, &b.FromRoster, &b.Revoked)
	}, `SELECT uid, delegate_id, source = ?, revoked FROM badges`, badgeFromRoster)
	if err != nil {
		return kiosk.ImportPlan{}, err
	}
	return kiosk.PlanRoster(current, badges, delegates), nil
}

// ReplaceRosterChecked is ReplaceRoster that first plans the import in its
// transaction and hands the plan to check (when not nil) before writing
// anything; an error from check is returned as it is, nothing written.
func (db *Venue) ReplaceRosterChecked(ctx context.Context, delegates []kiosk.Delegate, check kiosk.ImportCheck) (kiosk.RosterImport, error) {
	var res kiosk.RosterImport
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("replace roster: %w", err)
	}
	defer tx.Rollback()
	if check != nil {
		p, err := planRoster(ctx, tx, delegates)
		if err != nil {
			return res, fmt.Errorf("replace roster: %w", err)
		}
		if err := check(p); err != nil {
			return res, err
		}
	}

	now := micros(db.Now())
	existing, err := stringSet(ctx, tx, `SELECT id FROM delegates`)
	if err != nil {
		return res, fmt.Errorf("replace roster: %w", err)
	}
	if err := upsertDelegates(ctx, tx, delegates, existing, now, &res); err != nil {
		return res, fmt.Errorf("replace roster: %w", err)
	}
	keep := make(map[string]bool, len(delegates))
	for _, d := range delegates {
		keep[d.ID] = true
	}
	for id := range existing {
		if keep[id] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM delegates WHERE id = ?`, id); err != nil {
			return res, fmt.Errorf("replace roster: remove %s: %w", id, err)
		}
		res.Removed++
	}
	if err := replaceRosterBadges(ctx, tx, delegates, now, &res); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("replace roster: commit: %w", err)
	}
	return res, nil
}

func upsertDelegates(ctx context.Context, tx *sql.Tx, delegates []kiosk.Delegate, existing map[string]bool, now int64, res *kiosk.RosterImport) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO delegates (id, family_name, given_name, organization,
		country, country_name, role, groups, valid_from, valid_to, status, language, email, latin_family_name, latin_given_name, updated_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET family_name = excluded.family_name, given_name = excluded.given_name,
			organization = excluded.organization, country = excluded.country, country_name = excluded.country_name,
			role = excluded.role, groups = excluded.groups, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
			status = excluded.status, language = excluded.language, email = excluded.email,
			latin_family_name = excluded.latin_family_name, latin_given_name = excluded.latin_given_name,
			updated_us = excluded.updated_us
		WHERE (family_name, given_name, organization, country, country_name, role, groups, valid_from, valid_to, status, language, email,
			latin_family_name, latin_given_name)
			<> (excluded.family_name, excluded.given_name, excluded.organization, excluded.country, excluded.country_name, excluded.role,
			excluded.groups, excluded.valid_from, excluded.valid_to, excluded.status, excluded.language, excluded.email,
			excluded.latin_family_name, excluded.latin_given_name)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range delegates {
		r, err := stmt.ExecContext(ctx, d.ID, d.FamilyName, d.GivenName, d.Organization, d.Country, d.CountryName, d.Role,
			strings.Join(d.Groups, ";"), d.ValidFrom, d.ValidTo, d.Status, d.Language, d.Email,
			d.LatinFamilyName, d.LatinGivenName, now)
		if err != nil {
			return fmt.Errorf("delegate %s: %w", d.ID, err)
		}
		n, _ := r.RowsAffected()
		switch {
		case !existing[d.ID]:
			res.Added++
		case n > 0:
			res.Updated++
		default:
			res.Unchanged++
		}
	}
	return nil
}

type badgeRow struct {
	delegateID string
	source     string
	revoked    bool
}

// replaceRosterBadges makes the roster's badges match the file while keeping
// desk bindings and revocations. A roster UID held at the desk by someone
// else is a conflict; all of them are reported together.
func replaceRosterBadges(ctx context.Context, tx *sql.Tx, delegates []kiosk.Delegate, now int64, res *kiosk.RosterImport) error {
	current := map[string]badgeRow{}
	rows, err := tx.QueryContext(ctx, `SELECT uid, delegate_id, source, revoked FROM badges`)
	if err != nil {
		return fmt.Errorf("replace roster badges: %w", err)
	}
	for rows.Next() {
		var uid string
		var b badgeRow
		if err := rows.Scan(&uid, &b.delegateID, &b.source, &b.revoked); err != nil {
			rows.Close()
			return fmt.Errorf("replace roster badges: %w", err)
		}
		current[uid] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("replace roster badges: %w", err)
	}

	wanted := map[string]string{} // uid → delegate id
	var conflicts []kiosk.BadgeConflict
	for _, d := range delegates {
		for _, uid := range d.Badges {
			wanted[uid] = d.ID
			if b, ok := current[uid]; ok && b.source == badgeFromDesk && !b.revoked && b.delegateID != d.ID {
				conflicts = append(conflicts, kiosk.BadgeConflict{UID: uid, DelegateID: d.ID, HeldBy: b.delegateID})
			}
		}
	}
	if len(conflicts) > 0 {
		return &kiosk.RosterConflictError{Conflicts: conflicts}
	}
	for uid, b := range current {
		if b.source == badgeFromRoster && wanted[uid] == "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM badges WHERE uid = ?`, uid); err != nil {
				return fmt.Errorf("replace roster badges: %w", err)
			}
		}
	}
	move, err := tx.PrepareContext(ctx, `UPDATE badges SET delegate_id = ?, source = ?, revoked = 0,
		created_us = ?, revoked_us = NULL WHERE uid = ?`)
	if err != nil {
		return fmt.Errorf("replace roster badges: %w", err)
	}
	defer move.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO badges (uid, delegate_id, source, created_us) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("replace roster badges: %w", err)
	}
	defer insert.Close()
	for uid, id := range wanted {
		b, ok := current[uid]
		switch {
		case ok && b.delegateID == id:
			// Same binding: keep it, including a desk revocation.
		case ok:
			// Moved to another delegate, or a revoked UID reissued.
			if _, err := move.ExecContext(ctx, id, badgeFromRoster, now, uid); err != nil {
				return fmt.Errorf("replace roster badges: %w", err)
			}
		default:
			if _, err := insert.ExecContext(ctx, uid, id, badgeFromRoster, now); err != nil {
				return fmt.Errorf("replace roster badges: %w", err)
			}
		}
		res.Badges++
	}
	return nil
}

func stringSet(ctx context.Context, tx *sql.Tx, query string, args ...any) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		set[s] = true
	}
	return set, rows.Err()
}

// Delegate returns a delegate with their active badges, or ENOTFOUND.
func (db *Venue) Delegate(ctx context.Context, id string) (*kiosk.Delegate, error) {
	d, err := scanDelegate(db.read.QueryRowContext(ctx, `SELECT `+delegateColumns+` FROM delegates d WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kiosk.Errorf(kiosk.ENOTFOUND, "no delegate with id %q", id)
	} else if err != nil {
		return nil, fmt.Errorf("get delegate %s: %w", id, err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT uid FROM badges WHERE delegate_id = ? AND revoked = 0 ORDER BY created_us, uid`, id)
	if err != nil {
		return nil, fmt.Errorf("get badges of %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid string
		if err := rows.Scan(&uid); err != nil {
			return nil, fmt.Errorf("get badges of %s: %w", id, err)
		}
		d.Badges = append(d.Badges, uid)
	}
	return d, rows.Err()
}

// CountDelegates returns the number of delegates on the roster.
func (db *Venue) CountDelegates(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM delegates`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count delegates: %w", err)
	}
	return n, nil
}
