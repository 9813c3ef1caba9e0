package osdp

import (
	"fmt"
	"math/big"
	"strings"

	"checkin/badge"
)

// Reply codes that carry card reads.
const (
	ReplyRAW = 0x50 // osdp_RAW: the card's bits as read
	ReplyFMT = 0x51 // osdp_FMT: the card's number as text
)

// A CardRead is the data of an osdp_RAW reply (OSDP 2.2 §7.10): which of
// the reader's heads read it, the format code (0 raw bits, 1 Wiegand),
// and the bits, most significant first, in whole bytes (the last padded
// with zeros).
type CardRead struct {
	Reader byte
	Format byte
	Bits   int
	Data   []byte
}

// ParseRAW reads the data of an osdp_RAW reply: reader number, format
// code, bit count (least significant byte first), then the bits.
func ParseRAW(data []byte) (CardRead, error) {
	if len(data) < 4 {
		return CardRead{}, fmt.Errorf("osdp_RAW: %d bytes, want at least 4", len(data))
	}
	c := CardRead{Reader: data[0], Format: data[1], Bits: int(data[2]) | int(data[3])<<8, Data: data[4:]}
	if c.Bits == 0 {
		return CardRead{}, fmt.Errorf("osdp_RAW: no bits")
	}
	if want := (c.Bits + 7) / 8; len(c.Data) != want {
		return CardRead{}, fmt.Errorf("osdp_RAW: %d bits in %d bytes, want %d bytes", c.Bits, len(c.Data), want)
	}
	return c, nil
}

// bit is the i-th bit read, 0 or 1.
func (c CardRead) bit(i int) int {
	return int(c.Data[i/8]>>(7-i%8)) & 1
}

// UID is the canonical UID of the read (docs/readers.md "Badge identity"): 26 and 34
// bits by the Wiegand rules, parity checked (badge.ErrParity); other
// lengths as the bits' value in hex, zero-padded to whole bytes.
func (c CardRead) UID() (string, error) {
	if c.Bits == 26 || c.Bits == 34 {
		uid, err := badge.AppendWiegandUID(nil, c.Bits, c.bit)
		return string(uid), err
	}
	v := new(big.Int).SetBytes(c.Data)
	v.Rsh(v, uint(8*len(c.Data)-c.Bits)) // the padding after the last bit
	digits := 2 * ((c.Bits + 7) / 8)
	h := strings.ToUpper(v.Text(16))
	return strings.Repeat("0", digits-len(h)) + h, nil
}

// ParseFMT reads the data of an osdp_FMT reply (OSDP 2.1 §7.11,
// deprecated in 2.2.2 but still sent by older readers): reader number,
// read direction, character count, then the card number as ASCII
// characters. The caller reads the text by the line rules.
func ParseFMT(data []byte) (reader byte, text string, err error) {
	if len(data) < 3 {
		return 0, "", fmt.Errorf("osdp_FMT: %d bytes, want at least 3", len(data))
	}
	if n := int(data[2]); n != len(data)-3 || n == 0 {
		return 0, "", fmt.Errorf("osdp_FMT: says %d characters, has %d", n, len(data)-3)
	}
	return data[0], string(data[3:]), nil
}
