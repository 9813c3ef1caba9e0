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

// UID is the canonical UID of the read (SPEC "Badge identity"): 26 and 34
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
