package serialreader

import (
	"maps"
	"time"

	"checkin/badge/osdp"
)

// Reader states.
const (
	StateOpen    = "open"    // the port is open and being read
	StateWaiting = "waiting" // the device is not there (yet): unplugged, no such path, no matching USB port
	StateError   = "error"   // the port failed: read error, permission denied, busy…; for OSDP also a refused secure channel

	// OSDP readers, once their port is open, are online or offline.
	StateOnline  = osdp.StateOnline  // answering polls (inside the secure channel unless secure=off)
	StateOffline = osdp.StateOffline // the port is open but the reader does not answer
)

// Up reports whether a reader in this state can read badges.
func Up(state string) bool { return state == StateOpen || state == StateOnline }

// ReaderState is a snapshot of one reader, as shown in /healthz and in
// `event: reader`.
type ReaderState struct {
	Reader    string            `json:"reader"`               // the spec's PORT, naming the reader
	Port      string            `json:"port,omitempty"`       // resolved device path, when known
	Format    string            `json:"format"`               // wire format
	Gate      string            `json:"gate"`                 // gate name
	Direction string            `json:"direction"`            // "in" or "out"
	Role      string            `json:"role"`                 // "entrance", "desk" or "room"
	Room      string            `json:"room,omitempty"`       // role=room: the room whose door it is at
	State     string            `json:"state"`                // StateOpen, StateWaiting or StateError
	LastError string            `json:"last_error,omitempty"` // why the reader is not open, or last went down
	LastRead  time.Time         `json:"last_read,omitzero"`   // time of the last read (after hold-off)
	Reads     uint64            `json:"reads"`                // reads delivered to OnRead
	Rejects   map[string]uint64 `json:"rejects"`              // rejected frames by reason (badge.Reason…)
	Since     time.Time         `json:"since"`                // when State last changed

	// OSDP readers only.
	Address      *int        `json:"address,omitempty"`       // OSDP address
	Secure       string      `json:"secure,omitempty"`        // secure channel: off, connecting, up, refused
	Tamper       bool        `json:"tamper,omitempty"`        // the reader reports its tamper switch open
	PowerFailure bool        `json:"power_failure,omitempty"` // the reader reports a power failure
	LastNAK      string      `json:"last_nak,omitempty"`      // the last NAK it sent, in words
	Device       string      `json:"device,omitempty"`        // its identity (osdp_PDID)
	OSDP         *osdp.Stats `json:"osdp,omitempty"`          // line counters
}

// clone returns a copy that shares no map with s.
func (s ReaderState) clone() ReaderState {
	s.Rejects = maps.Clone(s.Rejects)
	if s.OSDP != nil {
		st := *s.OSDP
		s.OSDP = &st
	}
	return s
}
