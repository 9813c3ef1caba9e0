package registry

import "checkin/kiosk"

// Outcomes of desk events at the registry, as kept with each event.
const (
	OutcomeApplied   = "applied"
	OutcomeDisplaced = "displaced" // applied, taking the UID from a later bind
	OutcomeLost      = "lost"      // a bind that lost to an earlier one
	OutcomeStale     = "stale"     // older than the state it would change
	OutcomeUnknown   = "unknown_delegate"
)

// BadgeRow is a badge as the registry holds it when a desk event comes.
type BadgeRow struct {
	Exists    bool
	Revoked   bool
	Holder    string // its delegate
	BoundUS   int64  // when a desk bound it (0: from the roster)
	RevokedUS int64  // when it was revoked, if it was
}

// DecideBadgeEvent is the rule every store applies to a desk event made
// at atUS (its trusted time, TrustedTime): two binds of one UID resolve to
// the earlier, whatever order they arrive in; a roster badge (bound at 0)
// keeps its holder; a revoke older than the bind it would undo is stale,
// and so is a bind older than the revoke it would undo (a desk that was
// offline cannot bring a revoked badge back with a bind made before).
// known tells whether a bind's delegate is on the roster. write says
// whether the store must then apply the event to the badge (a revoke:
// mark it revoked at atUS; a bind: make it the delegate's, bound at atUS).
func DecideBadgeEvent(op, delegateID string, known bool, b BadgeRow, atUS int64) (outcome, heldBy string, write bool) {
	held := b.Exists && !b.Revoked
	if op == kiosk.BadgeRevoke {
		if !held || atUS < b.BoundUS {
			return OutcomeStale, b.Holder, false
		}
		return OutcomeApplied, "", true
	}
	switch {
	case !known:
		return OutcomeUnknown, "", false
	case b.Exists && b.Revoked && atUS < b.RevokedUS:
		return OutcomeStale, b.Holder, false
	case held && b.Holder == delegateID:
		return OutcomeApplied, "", false
	case held && atUS >= b.BoundUS:
		return OutcomeLost, b.Holder, false
	case held:
		return OutcomeDisplaced, b.Holder, true
	}
	return OutcomeApplied, "", true
}
