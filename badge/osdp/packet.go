// Package osdp speaks the Open Supervised Device Protocol (SIA OSDP 2.2,
// IEC 60839-11-5) of fixed access-control readers on RS-485, as the
// control panel (CP) of a kiosk. This file is the packet layer: framing,
// the control byte, the security control block and the two integrity
// checks. The poll loop, Secure Channel and card reads build on it.
//
// A packet on the wire (OSDP 2.2 §5.9; libosdp doc/protocol/packet-structure):
//
//	[0xFF mark]  SOM 0x53  ADDR  LEN_LSB LEN_MSB  CTRL  [SCB]  CODE  DATA…  [MAC ×4]  CKSUM | CRC_LSB CRC_MSB
//
// ADDR is the reader's address 0–0x7E (0x7F broadcasts); replies set its
// top bit. LEN counts every byte from SOM to the last check byte, not the
// optional mark. CTRL holds the sequence number (bits 0–1), whether a
// 16-bit CRC (bit 2) or an 8-bit checksum ends the packet, and whether a
// security control block follows (bit 3). The SCB is SEC_BLK_LEN,
// SEC_BLK_TYPE and data; types SCS_15 to SCS_18 carry a 4-byte MAC before
// the check bytes.
package osdp

import (
	"errors"
	"fmt"
)

// Framing bytes and control bits.
const (
	Mark = 0xFF // optional before SOM (OSDP 2.2): lets a receiver find the start
	SOM  = 0x53

	ctrlSeq = 0x03
	ctrlCRC = 0x04
	ctrlSCB = 0x08

	replyFlag = 0x80
	// Broadcast is the address every reader answers to.
	Broadcast = 0x7F

	headerLen = 5
	macLen    = 4
	// MaxPacket bounds a packet's LEN: readers offer at most 1,440 bytes
	// of receive buffer in osdp_PDCAP, and a longer LEN is line noise.
	MaxPacket = 1440
)

// Security block types (OSDP 2.2 Annex D): which need a MAC.
const (
	SCS11 = 0x11 // CHLNG
	SCS12 = 0x12 // CCRYPT
	SCS13 = 0x13 // SCRYPT
	SCS14 = 0x14 // RMAC_I
	SCS15 = 0x15 // command, MAC, no data encryption
	SCS16 = 0x16 // reply, MAC, no data encryption
	SCS17 = 0x17 // command, MAC, encrypted data
	SCS18 = 0x18 // reply, MAC, encrypted data
)

// Packet is one OSDP message, either direction.
type Packet struct {
	Addr  byte // 0–0x7F, without the reply flag
	Reply bool // sent by a reader (PD) to the panel
	Seq   byte // 0–3
	CRC   bool // a 16-bit CRC ends it, else an 8-bit checksum
	// SCB is the security control block as on the wire (its first byte is
	// its own length), or nil for none.
	SCB  []byte
	Code byte // command or reply code
	Data []byte
	// MAC is the 4-byte MAC of an SCS_15–SCS_18 packet, nil otherwise.
	MAC []byte
}

// hasMAC reports whether a packet with this security block carries a MAC.
func hasMAC(scb []byte) bool {
	return len(scb) >= 2 && scb[1] >= SCS15 && scb[1] <= SCS18
}

// Errors of Decode, wrapped with details; Splitter counts them by kind.
var (
	ErrFraming  = errors.New("osdp: bad framing")
	ErrChecksum = errors.New("osdp: bad CRC or checksum")
)

// Append encodes p after b, without the mark byte.
func (p Packet) Append(b []byte) ([]byte, error) {
	switch {
	case p.Addr > Broadcast:
		return b, fmt.Errorf("osdp: address %#x is over 0x7F", p.Addr)
	case p.Seq > 3:
		return b, fmt.Errorf("osdp: sequence number %d is over 3", p.Seq)
	case p.SCB != nil && (len(p.SCB) < 2 || int(p.SCB[0]) != len(p.SCB)):
		return b, fmt.Errorf("osdp: security block of %d bytes says it has %d", len(p.SCB), firstOr0(p.SCB))
	case hasMAC(p.SCB) != (p.MAC != nil):
		return b, errors.New("osdp: a MAC goes with security blocks SCS_15 to SCS_18, and only with them")
	case p.MAC != nil && len(p.MAC) != macLen:
		return b, fmt.Errorf("osdp: MAC of %d bytes, want %d", len(p.MAC), macLen)
	}
	check := 1
	ctrl := p.Seq
	if p.CRC {
		check = 2
		ctrl |= ctrlCRC
	}
	if p.SCB != nil {
		ctrl |= ctrlSCB
	}
	n := headerLen + len(p.SCB) + 1 + len(p.Data) + len(p.MAC) + check
	if n > MaxPacket {
		return b, fmt.Errorf("osdp: packet of %d bytes, at most %d", n, MaxPacket)
	}
	addr := p.Addr
	if p.Reply {
		addr |= replyFlag
	}
	start := len(b)
	b = append(b, SOM, addr, byte(n), byte(n>>8), ctrl)
	b = append(b, p.SCB...)
	b = append(b, p.Code)
	b = append(b, p.Data...)
	b = append(b, p.MAC...)
	if p.CRC {
		c := CRC16(b[start:])
		b = append(b, byte(c), byte(c>>8)) // least significant byte first
	} else {
		b = append(b, Checksum(b[start:]))
	}
	return b, nil
}

func firstOr0(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	return int(b[0])
}

// Decode parses one whole packet starting at SOM (no mark), exactly
// len(frame) bytes long. The returned packet's slices alias frame.
func Decode(frame []byte) (Packet, error) {
	if len(frame) < headerLen+2 {
		return Packet{}, fmt.Errorf("%w: %d bytes, a packet has at least %d", ErrFraming, len(frame), headerLen+2)
	}
	if frame[0] != SOM {
		return Packet{}, fmt.Errorf("%w: starts with %#x, not SOM", ErrFraming, frame[0])
	}
	n := int(frame[2]) | int(frame[3])<<8
	if n != len(frame) {
		return Packet{}, fmt.Errorf("%w: LEN says %d bytes, the frame has %d", ErrFraming, n, len(frame))
	}
	ctrl := frame[4]
	if ctrl&^(ctrlSeq|ctrlCRC|ctrlSCB) != 0 {
		return Packet{}, fmt.Errorf("%w: reserved control bits set (%#x)", ErrFraming, ctrl)
	}
	p := Packet{Addr: frame[1] &^ replyFlag, Reply: frame[1]&replyFlag != 0, Seq: ctrl & ctrlSeq, CRC: ctrl&ctrlCRC != 0}
	check := 1
	if p.CRC {
		check = 2
	}
	body := frame[:len(frame)-check]
	if len(body) < headerLen+1 {
		return Packet{}, fmt.Errorf("%w: no room for a command or reply code", ErrFraming)
	}
	if p.CRC {
		want := CRC16(body)
		got := uint16(frame[len(frame)-2]) | uint16(frame[len(frame)-1])<<8
		if got != want {
			return Packet{}, fmt.Errorf("%w: CRC %#04x, computed %#04x", ErrChecksum, got, want)
		}
	} else if got, want := frame[len(frame)-1], Checksum(body); got != want {
		return Packet{}, fmt.Errorf("%w: checksum %#02x, computed %#02x", ErrChecksum, got, want)
	}
	rest := body[headerLen:]
	if ctrl&ctrlSCB != 0 {
		l := int(rest[0])
		if l < 2 || l >= len(rest) {
			return Packet{}, fmt.Errorf("%w: security block of %d bytes in %d", ErrFraming, l, len(rest))
		}
		p.SCB, rest = rest[:l], rest[l:]
	}
	if hasMAC(p.SCB) {
		if len(rest) < 1+macLen {
			return Packet{}, fmt.Errorf("%w: no room for the MAC", ErrFraming)
		}
		p.MAC, rest = rest[len(rest)-macLen:], rest[:len(rest)-macLen]
	}
	p.Code, p.Data = rest[0], rest[1:]
	return p, nil
}

// CRC16 is OSDP's CRC: CRC-16 with the ITU-T polynomial 0x1021, bits
// most significant first, starting from 0x1D0F (as libosdp's
// osdp_compute_crc16; in the CRC catalogue CRC-16/SPI-FUJITSU, check value
// 0xE5CC).
func CRC16(b []byte) uint16 {
	c := uint16(0x1D0F)
	for _, x := range b {
		c ^= uint16(x) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// Checksum is OSDP's 8-bit checksum: the two's complement of the sum of
// the bytes, so that all of them and it add up to 0.
func Checksum(b []byte) byte {
	var s byte
	for _, x := range b {
		s += x
	}
	return -s
}
