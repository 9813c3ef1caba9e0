package badge

import "errors"

// Reject reasons: the label under which a rejected frame is counted
// (per reader, per reason) and logged. RejectReason maps a decoder error
// to one of them.
const (
	ReasonChecksum  = "checksum"   // EM4100 checksum mismatch
	ReasonParity    = "parity"     // Wiegand parity bit wrong
	ReasonGarbage   = "garbage"    // bytes outside a frame, or a frame cut short by a new one
	ReasonOverlong  = "overlong"   // a line longer than MaxLine bytes
	ReasonLength    = "length"     // a frame or UID of the wrong size
	ReasonBadHex    = "bad_hex"    // a character that is not hex where a hex UID is expected
	ReasonBadNumber = "bad_number" // a character that is not a decimal or binary digit
	ReasonOther     = "other"      // any error not produced by a decoder
)

// Sentinel errors carried by Frame.Err for rejected frames. Decoders emit
// them unwrapped so that a reject costs no allocation.
var (
	ErrChecksum  = errors.New("bad checksum")
	ErrParity    = errors.New("bad parity")
	ErrGarbage   = errors.New("garbage outside a frame")
	ErrOverlong  = errors.New("line longer than 512 bytes")
	ErrLength    = errors.New("wrong length")
	ErrBadHex    = errors.New("not a hex UID")
	ErrBadNumber = errors.New("not a number")
)

// RejectReason returns the reason label (ReasonChecksum, …) for an error
// emitted by a Decoder, or ReasonOther for anything else.
func RejectReason(err error) string {
	switch {
	case errors.Is(err, ErrChecksum):
		return ReasonChecksum
	case errors.Is(err, ErrParity):
		return ReasonParity
	case errors.Is(err, ErrGarbage):
		return ReasonGarbage
	case errors.Is(err, ErrOverlong):
		return ReasonOverlong
	case errors.Is(err, ErrLength):
		return ReasonLength
	case errors.Is(err, ErrBadHex):
		return ReasonBadHex
	case errors.Is(err, ErrBadNumber):
		return ReasonBadNumber
	}
	return ReasonOther
}
