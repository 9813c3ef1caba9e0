package kiosk

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"checkin/badge"
)

// TapRequest is a tap as it arrives from any input path: a serial reader,
// the HTTP API, or the demo's simulated reader.
type TapRequest struct {
	UID       string `json:"uid"`
	Source    string `json:"source"`
	Gate      string `json:"gate"`
	Direction string `json:"direction"`
	// Room makes the tap a room door's (docs/rooms.md).
	Room string `json:"room,omitempty"`
}

// PassVerifier checks a QR pass offline. For a pass that fails verification
// it returns a Credential with PassInvalid set, not an error.
type PassVerifier interface {
	VerifyPass(token string) Credential
}

// TapService is the one path every tap takes: validate, decide and commit,
// attach today's sessions, then publish.
type TapService struct {
	Taps     TapStore
	Schedule ScheduleStore
	Passes   PassVerifier // nil: every QR code is an invalid pass

	Publish func(TapResult)                // may be nil
	Observe func(TapResult, time.Duration) // may be nil; for metrics
	Now     func() time.Time
	NewID   func() string
	Kiosk   string
}

// Tap processes one tap and returns its result once it is durable.
// Returns EINVALID for a malformed request.
func (s *TapService) Tap(ctx context.Context, req TapRequest) (TapResult, error) {
	start := time.Now()
	tap, err := s.newTap(req)
	if err != nil {
		return TapResult{}, err
	}
	return s.record(ctx, tap, start)
}

// handTap validates a check-in desk staff make by hand for a delegate in
// person (no badge at hand) and turns it into a Tap for the desk. The
// entrance rules still decide it. An unknown delegate is the store's to
// find.
func (s *TapService) handTap(delegateID, gate, direction string) (Tap, error) {
	if gate == "" {
		gate = SourceDesk
	}
	if direction == "" {
		direction = DirectionIn
	}
	switch {
	case direction != DirectionIn && direction != DirectionOut:
		return Tap{}, Errorf(EINVALID, "direction must be %q or %q, not %q", DirectionIn, DirectionOut, badge.Clip(direction))
	case !ValidLabel(gate):
		return Tap{}, Errorf(EINVALID, "gate must be 1 to %d printable characters", MaxLabel)
	}
	return Tap{
		ID:         s.NewID(),
		Source:     SourceDesk,
		Gate:       gate,
		Direction:  direction,
		Kiosk:      s.Kiosk,
		At:         s.Now().UTC().Truncate(time.Microsecond),
		Credential: Credential{PassDelegate: delegateID},
	}, nil
}

// record decides and commits a tap, then answers and publishes it.
func (s *TapService) record(ctx context.Context, tap Tap, start time.Time) (TapResult, error) {
	rec, err := s.Taps.RecordTap(ctx, tap)
	if err != nil {
		return TapResult{}, fmt.Errorf("record tap: %w", err)
	}
	return s.answer(ctx, rec, start), nil
}

// answer turns a committed tap into its result, with the delegate's
// sessions today, and publishes it.
func (s *TapService) answer(ctx context.Context, rec Recorded, start time.Time) TapResult {
	res := TapResult{
		ID:         rec.ID,
		Result:     rec.Result,
		Reason:     rec.Reason,
		FirstToday: rec.FirstToday,
		At:         rec.At,
		Sessions:   []Session{},
		Gate:       rec.Gate,
		Direction:  rec.Direction,
		Room:       rec.Room,
		Session:    rec.Session,
		Instead:    rec.Instead,
	}
	if rec.Delegate != nil {
		res.Delegate = rec.Delegate.Public()
		res.Language = rec.Delegate.Language
		if rec.Result == ResultAccepted && rec.Direction == DirectionIn && rec.Room == "" {
			res.Sessions = s.sessionsToday(ctx, rec)
		}
	}
	if rec.Loc != nil {
		res.At = res.At.In(rec.Loc)
	}
	if s.Observe != nil {
		s.Observe(res, time.Since(start))
	}
	if s.Publish != nil {
		s.Publish(res)
	}
	return res
}

// sessionsToday lists the delegate's sessions today. A failure here must not
// fail an entry that is already committed, so it yields no sessions.
func (s *TapService) sessionsToday(ctx context.Context, rec Recorded) []Session {
	if s.Schedule == nil || rec.Loc == nil {
		return []Session{}
	}
	all, err := s.Schedule.SessionsOn(ctx, rec.Day, rec.Loc)
	if err != nil {
		return []Session{}
	}
	return SessionsFor(rec.Delegate, all)
}

// newTap validates a request and turns it into a Tap with an id and time.
func (s *TapService) newTap(req TapRequest) (Tap, error) {
	if req.Source == "" {
		req.Source = SourceRFID
	}
	if req.Gate == "" {
		req.Gate = "main"
	}
	if req.Direction == "" {
		req.Direction = DirectionIn
	}
	switch {
	case req.Source != SourceRFID && req.Source != SourceQR && req.Source != SourceKeyboard:
		return Tap{}, Errorf(EINVALID, "source must be %q, %q or %q, not %q", SourceRFID, SourceQR, SourceKeyboard, badge.Clip(req.Source))
	case req.Direction != DirectionIn && req.Direction != DirectionOut:
		return Tap{}, Errorf(EINVALID, "direction must be %q or %q, not %q", DirectionIn, DirectionOut, badge.Clip(req.Direction))
	case !ValidLabel(req.Gate):
		return Tap{}, Errorf(EINVALID, "gate must be 1 to %d printable characters", MaxLabel)
	case req.Room != "" && !ValidLabel(req.Room):
		return Tap{}, Errorf(EINVALID, "room must be 1 to %d printable characters", MaxLabel)
	case req.UID == "":
		return Tap{}, Errorf(EINVALID, "uid is empty")
	case len(req.UID) > badge.MaxUIDInput:
		return Tap{}, Errorf(EINVALID, "uid is %d bytes, at most %d", len(req.UID), badge.MaxUIDInput)
	}
	tap := Tap{
		ID:        s.NewID(),
		Source:    req.Source,
		Gate:      req.Gate,
		Direction: req.Direction,
		Room:      req.Room,
		Kiosk:     s.Kiosk,
		At:        s.Now().UTC().Truncate(time.Microsecond), // as stored
	}
	if req.Source == SourceQR {
		if s.Passes == nil || !utf8.ValidString(req.UID) {
			tap.Credential = Credential{UID: "", PassInvalid: true}
		} else {
			tap.Credential = s.Passes.VerifyPass(req.UID)
		}
		return tap, nil
	}
	uid, err := badge.CanonicalUID(req.UID)
	if err != nil {
		if errors.Is(err, badge.ErrEmptyUID) {
			return Tap{}, Errorf(EINVALID, "uid is empty")
		}
		return Tap{}, Errorf(EINVALID, "uid: %v", err)
	}
	tap.UID = uid
	return tap, nil
}
