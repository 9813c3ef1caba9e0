package badge

// EM4100 frame bytes (RDM6300 style): STX, 10 hex data, 2 hex checksum, ETX.
const (
	stx = 0x02
	etx = 0x03

	em4100DataLen  = 10
	em4100FrameLen = 12 // data + checksum, without STX/ETX
)

const (
	emIdle  = iota // between frames: expect STX; CR/LF tolerated
	emFrame        // inside a frame, after STX
	emSkip         // after garbage: drop bytes until the next STX
)

// em4100Decoder decodes STX-framed EM4100 reads. Garbage outside a frame
// is reported once per run and skipped up to the next STX; a frame cut
// short by a new STX is garbage and the new frame starts at once.
type em4100Decoder struct {
	state int
	n     int
	buf   [em4100FrameLen]byte
}

func (d *em4100Decoder) Feed(p []byte, emit func(Frame)) {
	for _, c := range p {
		switch d.state {
		case emIdle, emSkip:
			switch {
			case c == stx:
				d.state, d.n = emFrame, 0
			case d.state == emSkip:
			case c == '\r' || c == '\n':
				// Some readers end a frame with CR LF; harmless.
			default:
				d.state = emSkip
				emit(Frame{Err: ErrGarbage})
			}
		case emFrame:
			d.frameByte(c, emit)
		}
	}
}

func (d *em4100Decoder) frameByte(c byte, emit func(Frame)) {
	switch {
	case c == stx:
		// A new frame cuts this one short: report it and resync here.
		d.n = 0
		emit(Frame{Err: ErrGarbage})
	case d.n < em4100FrameLen && hexValue(c) >= 0:
		d.buf[d.n] = upperHex(c)
		d.n++
	case c == etx && d.n == em4100FrameLen:
		d.state = emIdle
		d.check(emit)
	case c == etx:
		d.state = emIdle
		emit(Frame{Err: ErrLength})
	case d.n == em4100FrameLen && (c == '\r' || c == '\n'):
		// CR LF before ETX, seen on some USB readers.
	case d.n == em4100FrameLen && hexValue(c) >= 0:
		d.state = emSkip
		emit(Frame{Err: ErrLength})
	default:
		d.state = emSkip
		emit(Frame{Err: ErrGarbage})
	}
}

func (d *em4100Decoder) check(emit func(Frame)) {
	var sum byte
	for i := 0; i < em4100DataLen; i += 2 {
		sum ^= hexByte(d.buf[i], d.buf[i+1])
	}
	if sum != hexByte(d.buf[10], d.buf[11]) {
		emit(Frame{Err: ErrChecksum})
		return
	}
	emit(Frame{UID: d.buf[:em4100DataLen]})
}

// Idle does nothing: an EM4100 frame is delimited by STX/ETX.
func (d *em4100Decoder) Idle(emit func(Frame)) {}

// hexValue returns the value of a hex digit, or -1.
func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return -1
}

// upperHex upper-cases a hex digit.
func upperHex(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - ('a' - 'A')
	}
	return c
}

// hexByte decodes two valid hex digits.
func hexByte(hi, lo byte) byte {
	return byte(hexValue(hi)<<4 | hexValue(lo))
}
