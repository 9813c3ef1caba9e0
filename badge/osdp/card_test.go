package osdp_test

import (
	"errors"
	"testing"

	"checkin/badge"
	"checkin/badge/osdp"
)

// TestRAWFromLibOSDP: the "present card" packet of libosdp's conformance
// notes (doc: poke send_buffer), a 75-bit raw read.
func TestRAWFromLibOSDP(t *testing.T) {
	payload := []byte{0x00, 0x00, 0x4b, 0x00, 0x09, 0xa4, 0x49, 0x4a, 0xa3, 0x27, 0x4c, 0xd5, 0x2b, 0xc0}
	p := osdp.Packet{Addr: 0, Reply: true, Seq: 3, CRC: true, Code: osdp.ReplyRAW, Data: payload}
	wire, err := p.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	if wire[2] != 0x16 || wire[4] != 0x07 { // LEN 22 and CTRL as in the notes
		t.Errorf("header % x, want LEN 16 00 and CTRL 07", wire[:5])
	}
	c, err := osdp.ParseRAW(payload)
	if err != nil {
		t.Fatal(err)
	}
	if c.Reader != 0 || c.Format != 0 || c.Bits != 75 {
		t.Errorf("read %+v", c)
	}
	uid, err := c.UID()
	// 75 bits: the 80 bits 09A4494AA3274CD52BC0 shifted right by the 5
	// padding bits, in whole bytes (10).
	if err != nil || uid != "004D224A55193A66A95E" {
		t.Errorf("UID = %q, %v", uid, err)
	}
}

// bitsOf packs a string of 0 and 1 MSB first, as a reader sends it.
func bitsOf(s string) []byte {
	out := make([]byte, (len(s)+7)/8)
	for i, c := range s {
		if c == '1' {
			out[i/8] |= 0x80 >> (i % 8)
		}
	}
	return out
}

func raw(bits string) []byte {
	return append([]byte{0x00, 0x01, byte(len(bits)), byte(len(bits) >> 8)}, bitsOf(bits)...)
}

// TestRAWWiegand: 26 and 34 bits follow the Wiegand rules of a serial
// bridge, so a card has one UID whichever reader read it.
func TestRAWWiegand(t *testing.T) {
	for _, tc := range []struct {
		bits, uid string
		err       error
	}{
		// Facility 0x12, card 0x3456: even parity over 000100100011, odd over 010001010110.
		{"0" + "000100100011" + "010001010110" + "0", "123456", nil},
		{"1" + "000100100011" + "010001010110" + "0", "", badge.ErrParity},
		{"0" + "0000000000000000" + "0000000000000001" + "0", "00000001", nil},
	} {
		c, err := osdp.ParseRAW(raw(tc.bits))
		if err != nil {
			t.Fatal(err)
		}
		uid, err := c.UID()
		if uid != tc.uid || !errors.Is(err, tc.err) {
			t.Errorf("%s: UID %q, %v; want %q, %v", tc.bits, uid, err, tc.uid, tc.err)
		}
	}
}

func TestParseRAWRefuses(t *testing.T) {
	for name, data := range map[string][]byte{
		"short":      {0x00, 0x00, 0x1a},
		"no bits":    {0x00, 0x00, 0x00, 0x00},
		"bytes":      {0x00, 0x00, 0x1a, 0x00, 0x01, 0x02},
		"extra byte": append(raw("0000000000000000000000000000000000"), 0xff),
	} {
		if c, err := osdp.ParseRAW(data); err == nil {
			t.Errorf("%s: parsed %+v", name, c)
		}
	}
}

// FuzzRAW: any reply data gives a read with a UID or an error.
func FuzzRAW(f *testing.F) {
	f.Add(raw("00001001000110100010101100111100"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := osdp.ParseRAW(data)
		if err != nil {
			return
		}
		uid, err := c.UID()
		if err == nil && len(uid) != 2*((c.Bits+7)/8) && c.Bits != 26 && c.Bits != 34 {
			t.Fatalf("%d bits gave UID %q", c.Bits, uid)
		}
	})
}

func TestParseFMT(t *testing.T) {
	head, text, err := osdp.ParseFMT([]byte{1, 0, 8, '0', '4', 'A', '1', 'B', '2', 'C', '3'})
	if err != nil || head != 1 || text != "04A1B2C3" {
		t.Errorf("ParseFMT = %d, %q, %v", head, text, err)
	}
	for _, bad := range [][]byte{nil, {0, 0}, {0, 0, 0}, {0, 0, 5, '1'}} {
		if _, _, err := osdp.ParseFMT(bad); err == nil {
			t.Errorf("ParseFMT(% x): no error", bad)
		}
	}
}

func FuzzFMT(f *testing.F) {
	f.Add([]byte{0, 0, 4, 'C', 'A', 'F', 'E'})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, text, err := osdp.ParseFMT(data)
		if err == nil && (len(text) == 0 || len(text) != len(data)-3) {
			t.Fatalf("ParseFMT(% x) = %q", data, text)
		}
	})
}
