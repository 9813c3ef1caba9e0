package kiosk

import (
	"fmt"
	"slices"
	"strings"
)

// ImportPlan is what an import would change, worked out before anything
// is written: the items the file adds, changes and removes, by id. Every
// import (roster, schedule, and those to come) plans the same way, so
// that one --dry-run prints it and one rule asks for --replace.
type ImportPlan struct {
	Items   string // what is imported, plural: "delegates", "sessions"
	Current int    // items before the import
	// Added and Changed are in the file's order, Removed sorted.
	Added, Changed, Removed []string
	Kept                    int // items the import leaves as they are
	// RemovalLimit is the percentage of the current items the import may
	// remove without being told to; 0 for no limit.
	RemovalLimit int
	// Format is the file's format ("csv", "ics"); PreviousFormat that of
	// the import the current items came from ("" when not known).
	Format, PreviousFormat string
	// BadgeConflicts (a roster's) are badges the file gives a delegate
	// that a desk bound to another: the import would fail on them.
	BadgeConflicts []BadgeConflict
	// UnknownOverflow (a rooms import's) are rooms of the file whose
	// overflow room is neither in the file nor known: the import would
	// fail on them.
	UnknownOverflow []Room
}

// ImportCheck is called with an import's plan inside the import's
// transaction, before anything is written. An error from it ends the
// import with nothing written, and the import returns that error.
type ImportCheck func(ImportPlan) error

// MaxRemovedPercent is the share of the roster an import may remove
// without being told to (--replace): a file that drops more is more often
// a partial export or the wrong file than a real change. (A schedule has
// no such limit: a session moved to another room or rescheduled in a CSV
// file is one removed and one added, and that is everyday work.)
const MaxRemovedPercent = 10

// Sweeping says why an import needs the operator's explicit say-so, or ""
// when it does not: it removes more than RemovalLimit percent of the
// current items, or it replaces items imported from another format (a
// schedule's session ids differ between ICS and CSV, so every session
// would be removed and added anew).
func (p ImportPlan) Sweeping() string {
	var why []string
	if n := len(p.Removed); p.RemovalLimit > 0 && p.Current > 0 && n*100 > p.Current*p.RemovalLimit {
		why = append(why, fmt.Sprintf("it would remove %d of the %d %s (%d%%; more than %d%%)",
			n, p.Current, p.Items, (n*100+p.Current/2)/p.Current, p.RemovalLimit))
	}
	if p.Current > 0 && p.PreviousFormat != "" && p.Format != "" && p.PreviousFormat != p.Format {
		why = append(why, fmt.Sprintf("the current %d %s were imported from %s and this file is %s: it replaces them all",
			p.Current, p.Items, strings.ToUpper(p.PreviousFormat), strings.ToUpper(p.Format)))
	}
	return strings.Join(why, "; ")
}

// planIDs is how many ids a plan's summary names of each kind.
const planIDs = 5

// Summary says in one line what the plan does, as it would happen
// ("sessions: would add 12, change 3, remove 40 (first removed: S12, …),
// keep 900") or as it happened ("sessions: added 12, …, kept 900").
func (p ImportPlan) Summary(dryRun bool) string {
	verbs := []string{"added", "changed", "removed", "kept"}
	if dryRun {
		verbs = []string{"would add", "change", "remove", "keep"}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %d, %s %d, %s %d", p.Items, verbs[0], len(p.Added), verbs[1], len(p.Changed), verbs[2], len(p.Removed))
	if len(p.Removed) > 0 {
		fmt.Fprintf(&b, " (first removed: %s)", FirstIDs(p.Removed))
	}
	fmt.Fprintf(&b, ", %s %d", verbs[3], p.Kept)
	return b.String()
}

// Firsts names the first ids added and changed, a line each ("first
// added: D1, D2"), for the lines after Summary; none when there are none.
func (p ImportPlan) Firsts() []string {
	var lines []string
	if len(p.Added) > 0 {
		lines = append(lines, "first added: "+FirstIDs(p.Added))
	}
	if len(p.Changed) > 0 {
		lines = append(lines, "first changed: "+FirstIDs(p.Changed))
	}
	return lines
}

// FirstIDs names the first few of ids, with "…" when there are more.
func FirstIDs(ids []string) string {
	if len(ids) <= planIDs {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:planIDs], ", ") + ", …"
}

// RosterBadge is a badge as a roster plan needs it: whom it is bound to,
// whether the roster bound it (rather than a desk), and whether it was
// revoked.
type RosterBadge struct {
	UID, DelegateID     string
	FromRoster, Revoked bool
}

// PlanRoster works out what replacing the roster current (with its badges)
// by next does, as the stores' ReplaceRoster does it: a delegate is
// changed if any of its fields differs, if the file gives it a badge not
// bound to it now, or drops a roster badge it has (badges a desk bound
// stay). A badge the file gives one delegate that a desk bound to another
// (and did not revoke) is a conflict, on which the import would fail.
func PlanRoster(current []Delegate, badges []RosterBadge, next []Delegate) ImportPlan {
	p := ImportPlan{Items: "delegates", Current: len(current), RemovalLimit: MaxRemovedPercent}
	holder := make(map[string]string, len(badges)) // uid → delegate
	deskHeld := map[string]string{}                // uid → delegate, bound at a desk, not revoked
	fromRoster := map[string][]string{}            // delegate → roster uids
	for _, b := range badges {
		holder[b.UID] = b.DelegateID
		if b.FromRoster {
			fromRoster[b.DelegateID] = append(fromRoster[b.DelegateID], b.UID)
		} else if !b.Revoked {
			deskHeld[b.UID] = b.DelegateID
		}
	}
	for _, d := range next {
		for _, uid := range d.Badges {
			if by, ok := deskHeld[uid]; ok && by != d.ID {
				p.BadgeConflicts = append(p.BadgeConflicts, BadgeConflict{UID: uid, DelegateID: d.ID, HeldBy: by})
			}
		}
	}
	diff(&p, current, next, func(d *Delegate) string { return d.ID }, func(old, d *Delegate) bool {
		return sameRosterFields(old, d) && !badgesChange(d, holder, fromRoster[d.ID])
	})
	return p
}

// diff fills in p's added, changed, removed and kept items, matching the
// current and the next items by id.
func diff[T any](p *ImportPlan, current, next []T, id func(*T) string, same func(old, new *T) bool) {
	now := make(map[string]*T, len(current))
	for i := range current {
		now[id(&current[i])] = &current[i]
	}
	inFile := make(map[string]bool, len(next))
	for i := range next {
		item := &next[i]
		key := id(item)
		inFile[key] = true
		old, ok := now[key]
		switch {
		case !ok:
			p.Added = append(p.Added, key)
		case !same(old, item):
			p.Changed = append(p.Changed, key)
		default:
			p.Kept++
		}
	}
	for key := range now {
		if !inFile[key] {
			p.Removed = append(p.Removed, key)
		}
	}
	slices.Sort(p.Removed)
}

// sameRosterFields compares what a roster row sets of a delegate.
func sameRosterFields(a, b *Delegate) bool {
	return a.FamilyName == b.FamilyName && a.GivenName == b.GivenName && a.Organization == b.Organization &&
		a.Country == b.Country && a.CountryName == b.CountryName && a.Role == b.Role &&
		slices.Equal(a.Groups, b.Groups) && a.ValidFrom == b.ValidFrom && a.ValidTo == b.ValidTo &&
		a.Status == b.Status && a.Language == b.Language && a.Email == b.Email &&
		a.LatinFamilyName == b.LatinFamilyName && a.LatinGivenName == b.LatinGivenName
}

// badgesChange reports whether the file binds d a badge held by anyone
// else (or no one), or drops a roster badge d has.
func badgesChange(d *Delegate, holder map[string]string, rosterUIDs []string) bool {
	for _, uid := range d.Badges {
		if holder[uid] != d.ID {
			return true
		}
	}
	for _, uid := range rosterUIDs {
		if !slices.Contains(d.Badges, uid) {
			return true
		}
	}
	return false
}

// PlanSchedule works out what replacing the sessions current (imported
// from previousFormat, "" if not known) by next, from a file in format,
// does. A session is matched by id; it is changed if its title, room,
// building, times, groups or status differ.
func PlanSchedule(current []Session, previousFormat string, next []Session, format string) ImportPlan {
	p := ImportPlan{Items: "sessions", Current: len(current), Format: format, PreviousFormat: previousFormat}
	diff(&p, current, next, func(s *Session) string { return s.ID }, func(old, s *Session) bool {
		return old.Title == s.Title && old.Room == s.Room && old.Building == s.Building && old.Start.Equal(s.Start) &&
			old.End.Equal(s.End) && slices.Equal(old.Groups, s.Groups) && old.Status == s.Status
	})
	return p
}
