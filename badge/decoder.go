package badge

import (
	"fmt"
	"time"
)

// Reader wire formats accepted in a reader Spec's format= option.
const (
	FormatEM4100  = "em4100"
	FormatLine    = "line"
	FormatLineDec = "line-dec"
	FormatWiegand = "wiegand"
	FormatQR      = "qr"
)

// Read sources: what kind of badge a frame came from.
const (
	SourceRFID = "rfid"
	SourceQR   = "qr"
)

// MaxLine is the longest line accepted by the line-based formats. A longer
// line is rejected whole (ErrOverlong), up to and including its line end.
const MaxLine = 512

// IdleGap is the pause after which a reader loop calls Decoder.Idle: a
// QR scanner that sends no line end has finished its code.
const IdleGap = 100 * time.Millisecond

// Formats returns the names of all reader wire formats.
func Formats() []string {
	return []string{FormatEM4100, FormatLine, FormatLineDec, FormatWiegand, FormatQR}
}

// FormatSource returns the read source of a wire format: SourceQR for
// FormatQR, SourceRFID for the others.
func FormatSource(format string) string {
	if format == FormatQR {
		return SourceQR
	}
	return SourceRFID
}

// Frame is one decoded frame: either a UID or a reject.
type Frame struct {
	// UID is the canonical UID (upper-case hex, no separators) or, for
	// FormatQR, the scanned text without its AIM prefix. It is never
	// empty when Err is nil. It points into the decoder's buffers and is
	// valid only during the emit callback: copy it to keep it.
	UID []byte
	// Err is nil for a good frame, otherwise one of the sentinel errors
	// (ErrChecksum, ErrParity, ErrGarbage, ErrOverlong, ErrLength,
	// ErrBadHex, ErrBadNumber).
	Err error
}

// Decoder turns the byte stream of one reader into frames. It keeps the
// state of a frame split across reads. A Decoder is not safe for
// concurrent use; each reader owns one.
type Decoder interface {
	// Feed consumes bytes as read from the port and calls emit for every
	// complete frame and every reject, in stream order.
	Feed(p []byte, emit func(Frame))
	// Idle tells the decoder that no byte arrived for IdleGap. The qr
	// format ends a pending code on it; the others ignore it.
	Idle(emit func(Frame))
}

// NewDecoder returns a fresh decoder for a wire format (FormatEM4100, …).
func NewDecoder(format string) (Decoder, error) {
	switch format {
	case FormatEM4100:
		return &em4100Decoder{}, nil
	case FormatLine:
		return &lineDecoder{parse: parseHexLine}, nil
	case FormatLineDec:
		return &lineDecoder{parse: parseDecimalLine}, nil
	case FormatWiegand:
		return &lineDecoder{parse: parseWiegandLine}, nil
	case FormatQR:
		return &lineDecoder{parse: parseQRLine, endOnIdle: true}, nil
	}
	return nil, fmt.Errorf("unknown reader format %q (want em4100, line, line-dec, wiegand or qr)", format)
}
