package badge

// lineParser turns one line (without its line end, never empty) into a
// UID appended to dst, or returns a sentinel error. A nil UID with a nil
// error means "nothing here" (a blank line) and is ignored silently.
type lineParser func(line, dst []byte) ([]byte, error)

// lineDecoder splits a byte stream into lines ended by CR, LF or CRLF and
// hands each to its parser. A line longer than MaxLine is rejected once
// with ErrOverlong and dropped up to its line end.
type lineDecoder struct {
	parse     lineParser
	endOnIdle bool // qr: an idle gap ends the pending line

	buf      [MaxLine]byte
	n        int
	overlong bool // dropping the rest of an overlong line
	lastCR   bool // the previous byte was CR: a following LF is not a new line
	out      [2 * maxUIDBytes]byte
}

func (d *lineDecoder) Feed(p []byte, emit func(Frame)) {
	for _, c := range p {
		if c == '\r' || c == '\n' {
			crlf := c == '\n' && d.lastCR
			d.lastCR = c == '\r'
			if !crlf {
				d.endLine(emit)
			}
			continue
		}
		d.lastCR = false
		if d.overlong {
			continue
		}
		if d.n == MaxLine {
			d.overlong, d.n = true, 0
			emit(Frame{Err: ErrOverlong})
			continue
		}
		d.buf[d.n] = c
		d.n++
	}
}

// Idle ends a pending line when the format is ended by an idle gap (qr).
func (d *lineDecoder) Idle(emit func(Frame)) {
	if d.endOnIdle {
		d.endLine(emit)
	}
}

func (d *lineDecoder) endLine(emit func(Frame)) {
	if d.overlong {
		d.overlong = false
		return
	}
	if d.n == 0 {
		return
	}
	line := d.buf[:d.n]
	d.n = 0
	uid, err := d.parse(line, d.out[:0])
	switch {
	case err != nil:
		emit(Frame{Err: err})
	case len(uid) > 0:
		emit(Frame{UID: uid})
	}
}

// trimSpaces removes spaces and tabs at both ends of a line.
func trimSpaces(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// parseHexLine parses a hex UID exactly as CanonicalUID does (optional
// 0x prefix, ':', '-' and ' ' separators, any case, an even number of
// digits) without allocating. A line of spaces only is blank.
func parseHexLine(line, dst []byte) ([]byte, error) {
	if len(line) > MaxUIDInput {
		return nil, ErrLength
	}
	blank := true // spaces only
	if len(line) > 2 && line[0] == '0' && (line[1] == 'x' || line[1] == 'X') {
		line, blank = line[2:], false
	}
	for _, c := range line {
		switch {
		case hexValue(c) >= 0:
			if len(dst) == 2*maxUIDBytes {
				return nil, ErrLength
			}
			dst = append(dst, upperHex(c))
			blank = false
		case c == ':' || c == '-':
			blank = false
		case c == ' ':
		default:
			return nil, ErrBadHex
		}
	}
	switch {
	case blank:
		return nil, nil
	case len(dst) == 0:
		return nil, ErrBadHex
	case len(dst)%2 != 0:
		return nil, ErrLength
	}
	return dst, nil
}

// parseDecimalLine parses a decimal card number and appends it as
// big-endian hex, zero-padded to whole bytes and at least 4 bytes.
func parseDecimalLine(line, dst []byte) ([]byte, error) {
	line = trimSpaces(line)
	if len(line) == 0 {
		return nil, nil
	}
	var v uint64
	for _, c := range line {
		if c < '0' || c > '9' {
			return nil, ErrBadNumber
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return nil, ErrLength
		}
		v = v*10 + d
	}
	n := 4
	for n < 8 && v>>(8*n) != 0 {
		n++
	}
	return appendHex(dst, v, 2*n), nil
}

// appendHex appends the low digits hex digits of v, upper case.
func appendHex(dst []byte, v uint64, digits int) []byte {
	const hex = "0123456789ABCDEF"
	for i := digits - 1; i >= 0; i-- {
		dst = append(dst, hex[(v>>(4*i))&0xF])
	}
	return dst
}

// parseWiegandLine parses a Wiegand 26 or 34 bit read printed as binary
// digits, optionally prefixed "W26:" or "W34:" (AppendWiegandUID).
func parseWiegandLine(line, dst []byte) ([]byte, error) {
	line = trimSpaces(line)
	if len(line) == 0 {
		return nil, nil
	}
	want := 0
	if len(line) >= 4 && (line[0] == 'W' || line[0] == 'w') && line[3] == ':' {
		switch string(line[1:3]) {
		case "26":
			want = 26
		case "34":
			want = 34
		default:
			return nil, ErrLength
		}
		line = line[4:]
	}
	for _, c := range line {
		if c != '0' && c != '1' {
			return nil, ErrBadNumber
		}
	}
	if want != 0 && len(line) != want {
		return nil, ErrLength
	}
	return AppendWiegandUID(dst, len(line), func(i int) int { return int(line[i] - '0') })
}

// AppendWiegandUID appends the UID of a Wiegand read of n bits, 26 or 34,
// with bit(i) the i-th bit as sent (0 or 1): the data bits without parity
// as upper-case hex. The leading bit is even parity over the first half of
// the data bits, the trailing bit odd parity over the second half
// (ErrParity); other lengths are ErrLength. Serial bridges (format
// wiegand) and OSDP readers (osdp_RAW) share it.
func AppendWiegandUID(dst []byte, n int, bit func(i int) int) ([]byte, error) {
	if n != 26 && n != 34 {
		return nil, ErrLength
	}
	half := (n - 2) / 2
	var lead, trail int
	var v uint64
	for i := range n {
		b := bit(i)
		if i <= half {
			lead += b
		} else {
			trail += b
		}
		if i > 0 && i < n-1 {
			v = v<<1 | uint64(b)
		}
	}
	if lead%2 != 0 || trail%2 != 1 {
		return nil, ErrParity
	}
	return appendHex(dst, v, (n-2)/4), nil
}

// parseQRLine returns the scanned text without its AIM symbology
// identifier ("]" and two characters, such as "]Q1").
func parseQRLine(line, _ []byte) ([]byte, error) {
	if len(line) >= 3 && line[0] == ']' {
		line = line[3:]
	}
	if len(line) == 0 {
		return nil, nil
	}
	return line, nil
}
