package osdp_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"checkin/badge/osdp"
)

// Wire bytes from an independent implementation: the fixtures of libosdp's
// unit tests (tests/unit-tests/test-cp-phy.c), not our own encoder.
var fixtures = []struct {
	name string
	wire []byte // without the mark
	p    osdp.Packet
}{
	{"POLL with CRC", []byte{0x53, 0x65, 0x08, 0x00, 0x04, 0x60, 0x60, 0x90},
		osdp.Packet{Addr: 0x65, CRC: true, Code: 0x60}},
	{"POLL with checksum", []byte{0x53, 0x65, 0x07, 0x00, 0x00, 0x60, 0xe1},
		osdp.Packet{Addr: 0x65, Code: 0x60}},
	{"ID with data", []byte{0x53, 0x65, 0x09, 0x00, 0x04, 0x61, 0x00, 0xd9, 0x7a},
		osdp.Packet{Addr: 0x65, CRC: true, Code: 0x61, Data: []byte{0x00}}},
	{"CHLNG data", []byte{0x53, 0x65, 0x10, 0x00, 0x04, 0x76, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0d, 0x20},
		osdp.Packet{Addr: 0x65, CRC: true, Code: 0x76, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}}},
	{"NAK reply, sequence 1", []byte{0x53, 0xe5, 0x09, 0x00, 0x05, 0x41, 0x01, 0x0e, 0x8f},
		osdp.Packet{Addr: 0x65, Reply: true, Seq: 1, CRC: true, Code: 0x41, Data: []byte{0x01}}},
	{"RMAC_I reply with SCS_14 block", []byte{0x53, 0xe5, 0x1b, 0x00, 0x0d, 0x03, 0x14, 0x01, 0x78,
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xca, 0xba},
		osdp.Packet{Addr: 0x65, Reply: true, Seq: 1, CRC: true, SCB: []byte{0x03, osdp.SCS14, 0x01}, Code: 0x78,
			Data: []byte{0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf}}},
}

var samePacket = cmpopts.EquateEmpty()

func TestCRC16CheckValue(t *testing.T) {
	// CRC-16/SPI-FUJITSU (poly 0x1021, init 0x1D0F, not reflected).
	if got := osdp.CRC16([]byte("123456789")); got != 0xE5CC {
		t.Errorf("CRC16(123456789) = %#04x, want 0xE5CC", got)
	}
}

func TestFixtures(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			got, err := osdp.Decode(f.wire)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if diff := cmp.Diff(f.p, got, samePacket); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
			enc, err := f.p.Append(nil)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if !bytes.Equal(enc, f.wire) {
				t.Errorf("encoded % x\n          want % x", enc, f.wire)
			}
		})
	}
}

func TestMACPacketRoundTrip(t *testing.T) {
	p := osdp.Packet{Addr: 2, Seq: 3, CRC: true, SCB: []byte{0x02, osdp.SCS17}, Code: 0x69,
		Data: bytes.Repeat([]byte{0xAB}, 16), MAC: []byte{1, 2, 3, 4}}
	wire, err := p.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := osdp.Decode(wire)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got, samePacket); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestAppendRefuses(t *testing.T) {
	for name, p := range map[string]osdp.Packet{
		"address":        {Addr: 0x80, Code: 0x60},
		"sequence":       {Seq: 4, Code: 0x60},
		"SCB length":     {SCB: []byte{0x05, osdp.SCS15}, Code: 0x60, MAC: []byte{1, 2, 3, 4}},
		"MAC missing":    {SCB: []byte{0x02, osdp.SCS15}, Code: 0x60},
		"MAC not wanted": {SCB: []byte{0x02, osdp.SCS11}, Code: 0x76, MAC: []byte{1, 2, 3, 4}},
		"too long":       {Code: 0x60, Data: make([]byte, osdp.MaxPacket)},
	} {
		if _, err := p.Append(nil); err == nil {
			t.Errorf("%s: encoded %+v", name, p)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	poll := fixtures[0].wire
	flip := func(i int, x byte) []byte {
		b := append([]byte(nil), poll...)
		b[i] ^= x
		return b
	}
	for name, tc := range map[string]struct {
		frame []byte
		want  error
	}{
		"short":         {poll[:5], osdp.ErrFraming},
		"no SOM":        {flip(0, 0x01), osdp.ErrFraming},
		"LEN":           {flip(2, 0x01), osdp.ErrFraming},
		"reserved bits": {flip(4, 0x40), osdp.ErrFraming},
		"CRC":           {flip(7, 0x01), osdp.ErrChecksum},
		"data":          {flip(5, 0x01), osdp.ErrChecksum},
		"checksum":      {append(fixtures[1].wire[:6:6], 0x00), osdp.ErrChecksum},
	} {
		if _, err := osdp.Decode(tc.frame); !errors.Is(err, tc.want) {
			t.Errorf("%s: % x: err = %v, want %v", name, tc.frame, err, tc.want)
		}
	}
}

// TestSplitter feeds a bus's bytes in every split: marks, noise, a packet
// with a bad CRC and a false SOM inside noise, then good packets.
func TestSplitter(t *testing.T) {
	bad := append([]byte(nil), fixtures[2].wire...)
	bad[len(bad)-1] ^= 0xFF // ID with a bad CRC
	var stream []byte
	stream = append(stream, 0x00, 0x13, 0x37)       // noise
	stream = append(stream, osdp.Mark)              // a mark
	stream = append(stream, fixtures[0].wire...)    // POLL
	stream = append(stream, 0x53, 0x01, 0xFF, 0xFF) // a false SOM, LEN out of range
	stream = append(stream, bad...)                 // refused
	stream = append(stream, osdp.Mark, osdp.Mark)   // marks
	stream = append(stream, fixtures[5].wire...)    // RMAC_I
	stream = append(stream, fixtures[1].wire...)    // POLL, checksum
	want := []byte{0x60, 0x78, 0x60}

	for split := 1; split <= len(stream); split++ {
		var s osdp.Splitter
		var codes []byte
		var errs int
		for i := 0; i < len(stream); i += split {
			s.Feed(stream[i:min(i+split, len(stream))], func(p osdp.Packet, err error) {
				if err != nil {
					errs++
					return
				}
				codes = append(codes, p.Code)
			})
		}
		if !bytes.Equal(codes, want) || errs != 2 {
			t.Fatalf("reads of %d bytes: codes % x, %d errors; want % x and 2 errors", split, codes, errs, want)
		}
	}
}

func TestSplitterReset(t *testing.T) {
	var s osdp.Splitter
	var got []byte
	feed := func(b []byte) {
		s.Feed(b, func(p osdp.Packet, err error) {
			if err == nil {
				got = append(got, p.Code)
			}
		})
	}
	feed([]byte{0x53, 0x01, 0x00, 0x04, 0x04}) // a SOM whose LEN (1024) will never come
	feed(fixtures[0].wire)
	if len(got) != 0 {
		t.Fatalf("a packet came out of a half-read one: % x", got)
	}
	s.Reset() // the reply timed out
	feed(fixtures[0].wire)
	if !bytes.Equal(got, []byte{0x60}) {
		t.Errorf("after Reset: % x, want the POLL", got)
	}
}

// FuzzDecode: any bytes decode to a packet that encodes back to the same
// bytes, or to an error; never a panic.
func FuzzDecode(f *testing.F) {
	for _, fx := range fixtures {
		f.Add(fx.wire)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		p, err := osdp.Decode(frame)
		if err != nil {
			return
		}
		again, err := p.Append(nil)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", p, err)
		}
		if !bytes.Equal(again, frame) {
			t.Fatalf("% x decoded and encoded as % x", frame, again)
		}
	})
}

// FuzzSplitter: any stream, in any split, gives the same packets and never
// panics.
func FuzzSplitter(f *testing.F) {
	f.Add(append(append([]byte{0xFF}, fixtures[0].wire...), fixtures[5].wire...), uint8(3))
	f.Fuzz(func(t *testing.T, stream []byte, split uint8) {
		whole := collect(stream, len(stream)+1)
		if parts := collect(stream, int(split)%16+1); !bytes.Equal(whole, parts) {
			t.Fatalf("whole % x, in reads of %d % x", whole, int(split)%16+1, parts)
		}
	})
}

func collect(stream []byte, split int) []byte {
	var s osdp.Splitter
	var out []byte
	for i := 0; i < len(stream); i += split {
		s.Feed(stream[i:min(i+split, len(stream))], func(p osdp.Packet, err error) {
			if err == nil {
				out = append(append(out, p.Code), p.Data...)
			}
		})
	}
	return out
}
