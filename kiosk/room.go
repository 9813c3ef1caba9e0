package kiosk

import (
	"fmt"
	"strings"
)

// MaxCapacity is the largest capacity a room may be given: a stadium, not
// a typo's extra zeros.
const MaxCapacity = 100000

// ParseCapacity reads a room's capacity: a whole number from 0 to
// MaxCapacity; "" is 0 (not known).
func ParseCapacity(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > MaxCapacity {
			return 0, fmt.Errorf("%q is not a whole number from 0 to %d", clip(s), MaxCapacity)
		}
		n = n*10 + int(c-'0')
	}
	if n > MaxCapacity {
		return 0, fmt.Errorf("%q is not a whole number from 0 to %d", clip(s), MaxCapacity)
	}
	return n, nil
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// OverflowError is a rooms import naming, as a room's overflow, a room
// that is neither in the file nor known: it is EINVALID, and nothing is
// written.
type OverflowError struct {
	Rooms []Room // the rooms of the file whose overflow is unknown
}

func (e *OverflowError) Error() string {
	r := e.Rooms[0]
	msg := fmt.Sprintf("room %q overflows to %q, which is neither in the file nor known", r.Name, r.Overflow)
	if len(e.Rooms) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(e.Rooms)-1)
	}
	return msg
}

// Unwrap makes the error an EINVALID domain error.
func (e *OverflowError) Unwrap() error { return &Error{Code: EINVALID, Message: e.Error()} }

// PlanRooms works out what a rooms import of next does to the rooms
// current, as the stores' ImportRooms does it: each room of the file is
// added or updated (building, floor, capacity, overflow); every other
// room stays but loses its capacity and overflow, since the file is the
// whole truth about capacities (such a room is changed when it had
// either). No room is removed. UnknownOverflow lists the rooms of the
// file whose overflow is neither in the file nor current: the import
// fails on them.
func PlanRooms(current, next []Room) ImportPlan {
	p := ImportPlan{Items: "rooms", Current: len(current)}
	known := make(map[string]bool, len(current)+len(next))
	inFile := make(map[string]bool, len(next))
	for _, r := range current {
		known[r.Name] = true
	}
	for _, r := range next {
		known[r.Name], inFile[r.Name] = true, true
	}
	for _, r := range next {
		if r.Overflow != "" && !known[r.Overflow] {
			p.UnknownOverflow = append(p.UnknownOverflow, r)
		}
	}
	after := append([]Room(nil), next...)
	for _, r := range current {
		if !inFile[r.Name] {
			r.Capacity, r.Overflow = 0, ""
			after = append(after, r)
		}
	}
	diff(&p, current, after, func(r *Room) string { return r.Name }, func(old, r *Room) bool { return *old == *r })
	return p
}

// CheckRooms is what a store's rooms import runs in its transaction before
// writing: it plans the import of next over current, refuses it with an
// *OverflowError when an overflow names an unknown room, and otherwise
// hands the plan to check (when not nil), returning check's error as it
// is.
func CheckRooms(current, next []Room, check ImportCheck) error {
	p := PlanRooms(current, next)
	if len(p.UnknownOverflow) > 0 {
		return &OverflowError{Rooms: p.UnknownOverflow}
	}
	if check != nil {
		return check(p)
	}
	return nil
}
