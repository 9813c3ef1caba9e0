package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
)

// Badge sources.
const (
	badgeFromRoster = "roster"
	badgeFromDesk   = "desk"
)

// ReplaceRoster replaces the roster in one transaction. Delegates missing
// from the new list are removed (with their badges); taps are kept. Badges
// bound at the desk, and revocations, survive the import. A delegate the
// import does not change is not rewritten, so it does not enter the
// change log. Returns a *kiosk.RosterConflictError, naming every conflict,
// when the roster gives a UID a desk bound to someone else.
//
// The work is a handful of statements whatever the roster's size: each
// step sends its rows as arrays, unnested by the server.
func (s *Store) ReplaceRoster(ctx context.Context, delegates []kiosk.Delegate) (kiosk.RosterImport, error) {
	return s.ReplaceRosterChecked(ctx, delegates, nil)
}

// ReplaceRosterChecked is ReplaceRoster that first plans the import in its
// transaction, under the change log's lock (so that no other writer comes
// between the plan and the writes), and hands the plan to check (when not
// nil) before writing anything. An error from check ends the import: the
// transaction is rolled back having written nothing, so no change enters
// the log, no sequence number is taken and no NOTIFY is sent.
func (s *Store) ReplaceRosterChecked(ctx context.Context, delegates []kiosk.Delegate, check kiosk.ImportCheck) (kiosk.RosterImport, error) {
	var res kiosk.RosterImport
	err := s.update(ctx, "replace roster", func(tx pgx.Tx, now time.Time) error {
		res = kiosk.RosterImport{}
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		if check != nil {
			p, err := planRoster(ctx, tx, delegates)
			if err != nil {
				return err
			}
			if err := check(p); err != nil {
				return err
			}
		}
		return replaceRoster(ctx, tx, delegates, now.UnixMicro(), &res)
	})
	return res, err
}

// PlanRoster works out what ReplaceRoster would do with delegates and
// writes nothing: it reads in a read-only snapshot, without the change
// log's lock, so that a dry run holds up no other writer.
func (s *Store) PlanRoster(ctx context.Context, delegates []kiosk.Delegate) (kiosk.ImportPlan, error) {
	var p kiosk.ImportPlan
	err := s.readOnly(ctx, func(tx pgx.Tx) (err error) {
		p, err = planRoster(ctx, tx, delegates)
		return err
	})
	return p, wrap("plan roster", err)
}

// planRoster reads the roster and its badges and plans the import.
func planRoster(ctx context.Context, tx pgx.Tx, delegates []kiosk.Delegate) (kiosk.ImportPlan, error) {
	rows, _ := tx.Query(ctx, `SELECT `+delegateColumns+` FROM delegates d`)
	current, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kiosk.Delegate, error) {
		d, err := scanDelegate(row)
		if err != nil {
			return kiosk.Delegate{}, err
		}
		return *d, nil
	})
	if err != nil {
		return kiosk.ImportPlan{}, err
	}
	rows, _ = tx.Query(ctx, `SELECT uid, delegate_id, source = $1, revoked FROM badges`, badgeFromRoster)
	badges, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (b kiosk.RosterBadge, err error) {
		return b, row.Scan(&b.UID, &b.DelegateID, &b.FromRoster, &b.Revoked)
	})
	if err != nil {
		return kiosk.ImportPlan{}, err
	}
	return kiosk.PlanRoster(current, badges, delegates), nil
}

func replaceRoster(ctx context.Context, tx pgx.Tx, delegates []kiosk.Delegate, now int64, res *kiosk.RosterImport) error {
	existing, err := rosterIDs(ctx, tx)
	if err != nil {
		return err
	}
	if err := upsertDelegates(ctx, tx, delegates, existing, now, res); err != nil {
		return err
	}
	keep := make(map[string]bool, len(delegates))
	for _, d := range delegates {
		keep[d.ID] = true
	}
	var gone []string
	for id := range existing {
		if !keep[id] {
			gone = append(gone, id)
		}
	}
	if len(gone) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM delegates WHERE id = ANY($1::text[])`, gone); err != nil {
			return fmt.Errorf("remove delegates: %w", err)
		}
		res.Removed = len(gone)
	}
	return replaceRosterBadges(ctx, tx, delegates, now, res)
}

// rosterIDs returns the ids of the delegates on the roster.
func rosterIDs(ctx context.Context, tx pgx.Tx) (map[string]bool, error) {
	rows, _ := tx.Query(ctx, `SELECT id FROM delegates`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

// upsertDelegates inserts new delegates and updates changed ones; an
// unchanged one is left as it is. The counts are those of the SQLite
// store, one per roster row: a row is added if its id was not on the
// roster before the import, updated if it changed the stored row, and
// unchanged otherwise. A roster that names an id twice (the roster
// parser refuses it) is applied in rounds, its k-th occurrences in the
// k-th, so that the last one wins and each is counted as there.
func upsertDelegates(ctx context.Context, tx pgx.Tx, delegates []kiosk.Delegate, existing map[string]bool, now int64, res *kiosk.RosterImport) error {
	seen := make(map[string]int, len(delegates))
	var rounds [][]*kiosk.Delegate
	for i := range delegates {
		d := &delegates[i]
		k := seen[d.ID]
		seen[d.ID] = k + 1
		if k == len(rounds) {
			rounds = append(rounds, make([]*kiosk.Delegate, 0, len(delegates)))
		}
		rounds[k] = append(rounds[k], d)
	}
	for _, round := range rounds {
		cols := make([][]string, 15)
		for c := range cols {
			cols[c] = make([]string, len(round))
		}
		for i, d := range round {
			for c, v := range []string{d.ID, d.FamilyName, d.GivenName, d.Organization, d.Country, d.CountryName, d.Role,
				strings.Join(d.Groups, ";"), d.ValidFrom, d.ValidTo, d.Status, d.Language, d.Email,
				d.LatinFamilyName, d.LatinGivenName} {
				cols[c][i] = v
			}
		}
		rows, _ := tx.Query(ctx, upsertDelegatesSQL,
			cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], cols[9], cols[10], cols[11],
			cols[12], cols[13], cols[14], now)
		updated, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("upsert delegates: %w", err)
		}
		before, changed := 0, 0
		for _, d := range round {
			if existing[d.ID] {
				before++
			}
		}
		for _, id := range updated {
			if existing[id] {
				changed++
			}
		}
		res.Added += len(round) - before
		res.Updated += changed
		res.Unchanged += before - changed
	}
	return nil
}

// upsertDelegatesSQL updates the delegates whose row differs and inserts
// the new ones, in one statement, returning the ids it updated. Unchanged
// rows are not touched at all: an INSERT … ON CONFLICT DO UPDATE … WHERE
// would still lock (and so write) each of them, which made an unchanged
// 100k roster take seconds. The roster's ids are unique within a call.
const upsertDelegatesSQL = `WITH u AS MATERIALIZED (
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
			$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
			AS u(id, family_name, given_name, organization, country, country_name, role, groups, valid_from, valid_to, status, language, email,
			latin_family_name, latin_given_name)
	), updated AS (
		UPDATE delegates d SET family_name = u.family_name, given_name = u.given_name,
			organization = u.organization, country = u.country, country_name = u.country_name, role = u.role, groups = u.groups,
			valid_from = u.valid_from, valid_to = u.valid_to, status = u.status, language = u.language,
			email = u.email, latin_family_name = u.latin_family_name, latin_given_name = u.latin_given_name,
			updated_us = $16
		FROM u
		WHERE d.id = u.id AND (d.family_name, d.given_name, d.organization, d.country, d.country_name, d.role, d.groups,
			d.valid_from, d.valid_to, d.status, d.language, d.email, d.latin_family_name, d.latin_given_name)
			IS DISTINCT FROM (u.family_name, u.given_name, u.organization, u.country, u.country_name, u.role, u.groups,
			u.valid_from, u.valid_to, u.status, u.language, u.email, u.latin_family_name, u.latin_given_name)
		RETURNING d.id
	), inserted AS (
		INSERT INTO delegates (id, family_name, given_name, organization, country, country_name, role, groups,
			valid_from, valid_to, status, language, email, latin_family_name, latin_given_name, updated_us)
		SELECT u.*, $16::bigint FROM u WHERE NOT EXISTS (SELECT 1 FROM delegates d WHERE d.id = u.id)
	)
	SELECT id FROM updated`

// replaceRosterBadges makes the roster's badges match the file while
// keeping desk bindings and revocations. A roster UID held at the desk by
// someone else is a conflict; all of them are reported together.
func replaceRosterBadges(ctx context.Context, tx pgx.Tx, delegates []kiosk.Delegate, now int64, res *kiosk.RosterImport) error {
	type badgeRow struct {
		delegateID string
		source     string
		revoked    bool
	}
	current := map[string]badgeRow{}
	var uid string
	var b badgeRow
	rows, _ := tx.Query(ctx, `SELECT uid, delegate_id, source, revoked FROM badges`)
	if _, err := pgx.ForEachRow(rows, []any{&uid, &b.delegateID, &b.source, &b.revoked}, func() error {
		current[uid] = b
		return nil
	}); err != nil {
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
	var drop []string
	for uid, b := range current {
		if b.source == badgeFromRoster && wanted[uid] == "" {
			drop = append(drop, uid)
		}
	}
	var moveUIDs, moveTo, addUIDs, addTo []string
	for uid, id := range wanted {
		b, ok := current[uid]
		switch {
		case ok && b.delegateID == id:
			// Same binding: keep it, including a desk revocation.
		case ok:
			// Moved to another delegate, or a revoked UID reissued.
			moveUIDs, moveTo = append(moveUIDs, uid), append(moveTo, id)
		default:
			addUIDs, addTo = append(addUIDs, uid), append(addTo, id)
		}
	}
	res.Badges = len(wanted)
	if len(drop) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM badges WHERE uid = ANY($1::text[])`, drop); err != nil {
			return fmt.Errorf("replace roster badges: %w", err)
		}
	}
	if len(moveUIDs) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE badges b SET delegate_id = m.delegate_id, source = $3, revoked = false,
			created_us = $4, revoked_us = NULL
			FROM unnest($1::text[], $2::text[]) AS m(uid, delegate_id) WHERE b.uid = m.uid`,
			moveUIDs, moveTo, badgeFromRoster, now); err != nil {
			return fmt.Errorf("replace roster badges: %w", err)
		}
	}
	if len(addUIDs) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO badges (uid, delegate_id, source, created_us)
			SELECT u.uid, u.delegate_id, $3, $4 FROM unnest($1::text[], $2::text[]) AS u(uid, delegate_id)`,
			addUIDs, addTo, badgeFromRoster, now); err != nil {
			return fmt.Errorf("replace roster badges: %w", err)
		}
	}
	return nil
}

// CountDelegates returns the number of delegates on the roster.
func (s *Store) CountDelegates(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM delegates`).Scan(&n); err != nil {
		return 0, wrap("count delegates", err)
	}
	return n, nil
}
