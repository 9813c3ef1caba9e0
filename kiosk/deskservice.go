package kiosk

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"checkin/badge"
)

// DeskService is the registration desk's changes: binding and revoking
// badges, checking delegates in by hand, issuing passes, printing badges
// and attention notes. Each change is one store call, committed in one
// transaction with its audit entries and the badge events it queues for
// the registry, so that none is ever half done.
type DeskService struct {
	Store DeskStore
	Taps  *TapService // tap ids, the clock, and the screens that show manual check-ins

	Passes PassSigner    // nil: this kiosk cannot issue passes
	Render BadgeRenderer // nil: this kiosk cannot print badges

	// Changed, if set, is called after a bind, revoke or pass is
	// committed, so that sync delivers it now rather than at its next round.
	Changed func()
}

// BindRequest asks to bind a badge to a delegate at the desk.
type BindRequest struct {
	DelegateID string
	UID        string // in any spelling the desk may type or paste
	Replace    bool   // revoke the delegate's other RFID badges (a lost badge)
}

// Bound is a bind as committed.
type Bound struct {
	UID        string // canonical
	DelegateID string
	Revoked    []string // the badges the bind replaced; empty, never nil
}

// PassIssue is a signed pass to record, and the layout of the badge it was
// printed on ("" when it was only shown on screen).
type PassIssue struct {
	DelegateID string
	Pass       IssuedPass
	Layout     string
	// KeepCurrent records Pass only if the delegate has no pass yet, and
	// otherwise keeps (and prints) the current one.
	KeepCurrent bool
}

// MaxNoteLen bounds an attention note, in characters.
const MaxNoteLen = 500

// BadgeHeldError is the ECONFLICT of binding a UID that someone else holds.
type BadgeHeldError struct {
	UID        string
	DelegateID string // who the bind was for
	Holder     Delegate
}

// Unwrap returns the *Error the error stands for, so that ErrorCode and
// ErrorMessage see it.
func (e *BadgeHeldError) Unwrap() error {
	return Errorf(ECONFLICT, "badge %s already belongs to %s (%s)", e.UID, e.Holder.Name(), e.Holder.ID)
}

func (e *BadgeHeldError) Error() string { return e.Unwrap().Error() }

// ReplacedBy lists the badges that binding uid with Replace revokes: the
// delegate's other unrevoked RFID badges. Passes stay; only a newer pass
// replaces a pass.
func ReplacedBy(badges []BadgeInfo, uid string) []string {
	out := []string{}
	for _, b := range badges {
		if b.Revoked || b.UID == uid || IsPassUID(b.UID) {
			continue
		}
		out = append(out, b.UID)
	}
	return out
}

// CanonicalUID accepts an RFID UID in any spelling the desk may type or
// paste; EINVALID if it is none.
func CanonicalUID(raw string) (string, error) {
	uid, err := badge.CanonicalUID(raw)
	if err != nil {
		return "", Errorf(EINVALID, "uid: %v", err)
	}
	return uid, nil
}

// Bind binds a badge to a delegate and, with Replace, revokes the
// delegate's other RFID badges, all or nothing. Returns EINVALID for a
// malformed or pass UID, ENOTFOUND for an unknown delegate and a
// *BadgeHeldError when someone else holds the UID.
func (s *DeskService) Bind(ctx context.Context, actor string, req BindRequest) (Bound, error) {
	uid, err := CanonicalUID(req.UID)
	if err != nil {
		return Bound{}, err
	}
	if IsPassUID(uid) {
		return Bound{}, Errorf(EINVALID, "uid: %d-digit UIDs name QR passes; issue a pass instead", PassUIDLen)
	}
	req.UID = uid
	b, err := s.Store.DeskBind(ctx, actor, req)
	if err != nil {
		return Bound{}, err
	}
	s.changed()
	return b, nil
}

// Revoke revokes a badge by its UID (any spelling) and returns the
// canonical UID. Revoking a revoked UID changes nothing. Returns EINVALID
// for a malformed UID, ENOTFOUND for one never bound, and for a QR pass
// (a new pass supersedes it; passes recorded as badges before passes had a
// kind of their own can still be revoked).
func (s *DeskService) Revoke(ctx context.Context, actor, uid string) (string, error) {
	uid, err := CanonicalUID(uid)
	if err != nil {
		return "", err
	}
	err = s.Store.DeskRevoke(ctx, actor, uid)
	if IsPassUID(uid) && ErrorCode(err) == ENOTFOUND {
		return "", Errorf(ENOTFOUND, "%s is not a badge: to withdraw a QR pass, issue a new pass, which supersedes it everywhere", uid)
	} else if err != nil {
		return "", err
	}
	s.changed()
	return uid, nil
}

// CheckIn records a pass through a gate that desk staff made for a
// delegate in person (no badge at hand), decided by the entrance rules,
// and shows it on the screens. Gate and direction default to the desk
// and "in". Returns EINVALID for a bad gate or direction, ENOTFOUND for
// an unknown delegate.
func (s *DeskService) CheckIn(ctx context.Context, actor, delegateID, gate, direction string) (TapResult, error) {
	start := time.Now()
	tap, err := s.Taps.handTap(delegateID, gate, direction)
	if err != nil {
		return TapResult{}, err
	}
	rec, err := s.Store.DeskCheckIn(ctx, actor, tap)
	if err != nil {
		return TapResult{}, fmt.Errorf("check in %s by hand: %w", delegateID, err)
	}
	return s.Taps.answer(ctx, rec, start), nil
}

// IssuePass signs and records a new pass for a delegate, superseding the
// delegate's earlier passes. Returns EUNAVAILABLE without a signer and
// ENOTFOUND for an unknown delegate.
func (s *DeskService) IssuePass(ctx context.Context, actor, delegateID string) (IssuedPass, error) {
	return s.recordPass(ctx, actor, delegateID, false)
}

// CurrentPass returns the delegate's current pass, to show again, and
// issues one only when the delegate has none: showing a pass twice, or a
// viewer's second request, never breaks the pass already handed out.
// Returns EUNAVAILABLE without a signer, ENOTFOUND for an unknown
// delegate, and ECONFLICT when the current pass was issued at another
// kiosk (its token stays there: issue a new one to replace it).
func (s *DeskService) CurrentPass(ctx context.Context, actor, delegateID string) (IssuedPass, error) {
	return s.recordPass(ctx, actor, delegateID, true)
}

func (s *DeskService) recordPass(ctx context.Context, actor, delegateID string, keep bool) (IssuedPass, error) {
	p, err := s.signPass(delegateID)
	if err != nil {
		return IssuedPass{}, err
	}
	got, err := s.Store.DeskPass(ctx, actor, PassIssue{DelegateID: delegateID, Pass: p, KeepCurrent: keep})
	if err != nil {
		return IssuedPass{}, err
	}
	if got.UID == p.UID {
		s.changed()
	}
	return got, nil
}

// Why a badge needs the clerk's confirmation before it is printed.
const (
	PrintCancelled   = "cancelled"     // the registration is cancelled
	PrintNotYetValid = "not_yet_valid" // valid only from a later day
	PrintExpired     = "expired"       // valid only until an earlier day
)

// ConfirmPrintError is the ECONFLICT of printing, unconfirmed, the badge of
// a delegate whom the entrance would turn away today: the clerk must be
// told why and confirm.
type ConfirmPrintError struct {
	DelegateID string
	Reason     string // PrintCancelled, PrintNotYetValid or PrintExpired
	Date       string // the first valid day (PrintNotYetValid) or the last (PrintExpired)
}

func (e *ConfirmPrintError) Unwrap() error {
	var why string
	switch e.Reason {
	case PrintCancelled:
		why = "registration cancelled"
	case PrintNotYetValid:
		why = "valid only from " + e.Date
	default:
		why = "no longer valid after " + e.Date
	}
	return Errorf(ECONFLICT, "badge of %s not printed: %s; confirm to print it anyway", e.DelegateID, why)
}

func (e *ConfirmPrintError) Error() string { return e.Unwrap().Error() }

// PrintWarning returns why d's badge needs a confirmation today, or nil.
// The entrance's rules decide (Decide): cancelled first, then the
// validity window, which defaults to the meeting's.
func PrintWarning(d *Delegate, m Meeting, today string) *ConfirmPrintError {
	from, to := Validity(d, m)
	switch {
	case d.Status == StatusCancelled:
		return &ConfirmPrintError{DelegateID: d.ID, Reason: PrintCancelled}
	case from != "" && today < from:
		return &ConfirmPrintError{DelegateID: d.ID, Reason: PrintNotYetValid, Date: from}
	case to != "" && today > to:
		return &ConfirmPrintError{DelegateID: d.ID, Reason: PrintExpired, Date: to}
	}
	return nil
}

// PrintBadge prints a delegate's badge as PDF in a layout ("cr80" or
// "a6"), carrying the delegate's current pass, or a new one when the
// delegate has none, which is recorded only once the badge is rendered.
// The badge of a cancelled delegate, or of one not valid today, is printed
// only when confirm is set: without it, a *ConfirmPrintError (ECONFLICT)
// says why. Returns EINVALID for another layout, EUNAVAILABLE without a
// renderer or signer, ENOTFOUND for an unknown delegate, and ECONFLICT
// when the current pass was issued at another kiosk.
func (s *DeskService) PrintBadge(ctx context.Context, actor, delegateID, layout string, confirm bool) ([]byte, error) {
	if layout != "cr80" && layout != "a6" {
		return nil, Errorf(EINVALID, "layout must be cr80 or a6, not %q", badge.Clip(layout))
	}
	if s.Render == nil {
		return nil, Errorf(EUNAVAILABLE, "this kiosk cannot print badges")
	}
	d, err := s.Store.Delegate(ctx, delegateID)
	if err != nil {
		return nil, err
	}
	m, err := s.Store.Meeting(ctx)
	if err != nil {
		return nil, err
	}
	if w := PrintWarning(d, m, LocalDate(s.Taps.Now(), m.Location())); w != nil && !confirm {
		return nil, w
	}
	fresh, err := s.signPass(delegateID)
	if err != nil {
		return nil, err
	}
	p, err := s.Store.CurrentPass(ctx, delegateID)
	if ErrorCode(err) == ENOTFOUND {
		p, err = fresh, nil
	} else if err != nil {
		return nil, err
	}
	// The photo on file, if any: a badge prints without one.
	photo, _, err := s.Photo(ctx, delegateID)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	pdf, err := s.render(d, m, p.Token, layout, photo)
	if err != nil {
		return nil, err
	}
	got, err := s.Store.DeskPass(ctx, actor, PassIssue{DelegateID: delegateID, Pass: fresh, Layout: layout, KeepCurrent: true})
	if err != nil {
		return nil, err
	}
	if got.UID == fresh.UID {
		s.changed()
	}
	if got.UID != p.UID { // another request gave the delegate a pass meanwhile: print that one
		return s.render(d, m, got.Token, layout, photo)
	}
	return pdf, nil
}

func (s *DeskService) render(d *Delegate, m Meeting, token, layout string, photo []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.Render(&buf, *d, m, token, layout, photo); err != nil {
		return nil, fmt.Errorf("badge for %s: %w", d.ID, err)
	}
	return buf.Bytes(), nil
}

// SetNote sets a delegate's attention note, trimmed, or clears it with ""
// and returns it as stored. Returns EINVALID for a note longer than
// MaxNoteLen, ENOTFOUND for an unknown delegate.
func (s *DeskService) SetNote(ctx context.Context, actor, delegateID, note string) (string, error) {
	note = strings.TrimSpace(note)
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > MaxNoteLen {
		return "", Errorf(EINVALID, "note must be valid text of at most %d characters", MaxNoteLen)
	}
	if err := s.Store.SetNote(ctx, delegateID, note, actor); err != nil {
		return "", err
	}
	return note, nil
}

func (s *DeskService) signPass(delegateID string) (IssuedPass, error) {
	if s.Passes == nil {
		return IssuedPass{}, Errorf(EUNAVAILABLE, "this kiosk cannot issue passes")
	}
	return s.Passes.SignPass(delegateID)
}

func (s *DeskService) changed() {
	if s.Changed != nil {
		s.Changed()
	}
}

// The audit log's account of each desk change. The store writes it in the
// transaction that makes the change, so the log never tells of a change
// that did not happen, nor misses one that did.

// AuditBind is the audit entry of a committed bind.
func AuditBind(b Bound) AuditEntry {
	detail := b.UID + " to " + b.DelegateID
	if len(b.Revoked) > 0 {
		detail += ", replacing " + strings.Join(b.Revoked, " ")
	}
	return AuditEntry{Action: "badge.bind", Detail: detail}
}

// AuditBindRefused is the audit entry of a bind refused because someone
// else holds the badge.
func AuditBindRefused(e *BadgeHeldError) AuditEntry {
	return AuditEntry{Action: "badge.bind.refused", Detail: fmt.Sprintf("%s for %s: held by %s", e.UID, e.DelegateID, e.Holder.ID)}
}

// AuditRevoke is the audit entry of a revoke.
func AuditRevoke(uid string) AuditEntry { return AuditEntry{Action: "badge.revoke", Detail: uid} }

// AuditCheckIn is the audit entry of a check-in made by hand.
func AuditCheckIn(rec Recorded) AuditEntry {
	detail := rec.PassDelegate + " " + rec.Direction + " at " + rec.Gate + ": " + rec.Result
	if rec.Reason != "" {
		detail += " (" + rec.Reason + ")"
	}
	return AuditEntry{Action: "checkin.manual", Detail: detail}
}

// AuditPass is the audit entries of a pass recorded: its issue, unless
// it was kept (KeepCurrent, an existing pass), and the badge it was printed on.
func AuditPass(p PassIssue, issued bool) []AuditEntry {
	var out []AuditEntry
	if issued {
		out = append(out, AuditEntry{Action: "pass.issue", Detail: p.DelegateID + " " + p.Pass.ID})
	}
	if p.Layout != "" {
		out = append(out, AuditEntry{Action: "badge.print", Detail: p.DelegateID + " " + p.Layout})
	}
	return out
}

// AuditNote is the audit entry of a note set or cleared.
func AuditNote(delegateID, note string) AuditEntry {
	return AuditEntry{Action: "note.set", Detail: delegateID + ": " + note}
}

// SetPhoto checks an image taken or uploaded at the desk (CheckPhoto) and
// makes it the delegate's photo, here at once and, through the outbox, at
// the registry and every kiosk. Returns EINVALID for an image that is not
// a usable JPEG or PNG, ENOTFOUND for an unknown delegate.
func (s *DeskService) SetPhoto(ctx context.Context, actor, delegateID string, data []byte) (Photo, error) {
	p, err := NewPhoto(delegateID, data)
	if err != nil {
		return Photo{}, err
	}
	if err := s.Store.DeskPhoto(ctx, actor, p); err != nil {
		return Photo{}, err
	}
	s.changed()
	return p, nil
}

// RemovePhoto removes a delegate's photo, here and everywhere. Returns
// ENOTFOUND for an unknown delegate.
func (s *DeskService) RemovePhoto(ctx context.Context, actor, delegateID string) error {
	if err := s.Store.DeskPhoto(ctx, actor, Photo{DelegateID: delegateID}); err != nil {
		return err
	}
	s.changed()
	return nil
}

// Photo returns the bytes and content type of a delegate's photo, for the
// desk, the guard's screen and the printed badge. ENOTFOUND if the
// delegate has none on file here.
func (s *DeskService) Photo(ctx context.Context, delegateID string) (data []byte, contentType string, err error) {
	p, err := s.Store.Photo(ctx, delegateID)
	if err != nil {
		return nil, "", err
	}
	return p.Data, p.ContentType, nil
}
