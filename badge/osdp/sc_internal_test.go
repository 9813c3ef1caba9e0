package osdp

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func key(t testing.TB, s string) Key {
	var k Key
	if copy(k[:], unhex(t, s)) != KeySize {
		t.Fatalf("key %q is not 16 bytes", s)
	}
	return k
}

// The secure-channel example of the OSDP specification, Annex E (as
// libosdp's tests/unit-tests/test-sc-sia-vectors.c quotes it): SCBK-D,
// RND.A B0…B7, RND.B A0…A7.
func TestAnnexEVectors(t *testing.T) {
	rndA := [8]byte{0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7}
	rndB := [8]byte{0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7}
	k := DeriveSessionKeys(SCBKD, rndA)
	for _, c := range []struct {
		name string
		got  Key
		want string
	}{
		{"S-MAC1", k.MAC1, "5e86c676603bdee2d8beafe178637332"},
		{"S-MAC2", k.MAC2, "6fda86e857777e81132035758239172e"},
		{"S-ENC", k.Enc, "bf8dc2a8329acb8c67c6d0cd9a451682"},
		{"server (host) cryptogram", k.ServerCryptogram(rndA, rndB), "26d3356e07762d262801fc8e6665a891"},
		{"client cryptogram", k.ClientCryptogram(rndA, rndB), "fde5d2f428ec16312471ea3c02bd7796"},
		{"RMAC_I", k.InitialRMAC(k.ServerCryptogram(rndA, rndB)), "b2a30057eb98ba2229ec1f875662b524"},
	} {
		if c.got != key(t, c.want) {
			t.Errorf("%s = %x, want %s", c.name, c.got, c.want)
		}
	}
}

// NIST SP 800-38A F.2.1 (AES-128-CBC), as libosdp's test-sc.c uses it for
// the MAC and the data encryption.
const (
	nistKey = "2b7e151628aed2a6abf7158809cf4f3c"
	nistIV  = "000102030405060708090a0b0c0d0e0f"
	nistPT  = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
)

func nistSession(t *testing.T) *Session {
	k := key(t, nistKey)
	return NewSession(SessionKeys{Enc: k, MAC1: k, MAC2: k}, Key{})
}

func TestMACVector(t *testing.T) {
	// With S-MAC1 = S-MAC2 the MAC of four whole blocks is the last block
	// of their CBC encryption.
	s := nistSession(t)
	s.rmac = key(t, nistIV)
	got := s.mac(true, unhex(t, nistPT))
	if want := key(t, "3ff1caa1681fac09120eca307586e1a7"); got != want {
		t.Errorf("command MAC = %x, want %x", got, want)
	}
	if s.cmac != got {
		t.Error("the command MAC is not kept as the next reply's IV")
	}
	// A reply's MAC starts from the command's.
	s2 := nistSession(t)
	s2.cmac = key(t, nistIV)
	if got := s2.mac(false, unhex(t, nistPT)); got != key(t, "3ff1caa1681fac09120eca307586e1a7") || s2.rmac != got {
		t.Errorf("reply MAC = %x", got)
	}
}

func TestDataVectors(t *testing.T) {
	for _, c := range []struct{ plain, cipher string }{
		{"000102030405060708090a0b0c0d0e", "c5311f3d23d086ea86f5ee7f85247b40"},
		{"000102030405060708090a0b0c0d0e0f", "7df76b0c1ab899b33e42f047b91b546fe2fe5bd6c1dfcdd19124f03e1a134d3b"},
	} {
		s := nistSession(t)
		iv := key(t, nistIV)
		for i := range iv {
			s.rmac[i] = ^iv[i] // the data IV is the complement of the last R-MAC
		}
		got := s.encrypt(true, unhex(t, c.plain))
		if !bytes.Equal(got, unhex(t, c.cipher)) {
			t.Errorf("encrypt(%s) = %x, want %s", c.plain, got, c.cipher)
		}
		back, err := s.decrypt(true, got)
		if err != nil || !bytes.Equal(back, unhex(t, c.plain)) {
			t.Errorf("decrypt = %x, %v; want %s", back, err, c.plain)
		}
	}
}

// pair returns the two ends of one session, as after a handshake.
func pair(t testing.TB) (cp, pd *Session) {
	rndA := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	rndB := [8]byte{9, 10, 11, 12, 13, 14, 15, 16}
	k := DeriveSessionKeys(SCBKD, rndA)
	rmac := k.InitialRMAC(k.ServerCryptogram(rndA, rndB))
	return NewSession(k, rmac), NewSession(k, rmac)
}

func TestSealOpenChain(t *testing.T) {
	cp, pd := pair(t)
	exchange := func(cmd, reply Packet) {
		t.Helper()
		wire, err := cp.Seal(nil, cmd)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(wire)
		if err != nil {
			t.Fatal(err)
		}
		if got, err = pd.Open(got); err != nil {
			t.Fatalf("PD opens command %#x: %v", cmd.Code, err)
		}
		if got.Code != cmd.Code || !bytes.Equal(got.Data, cmd.Data) {
			t.Fatalf("command %x % x arrived as %x % x", cmd.Code, cmd.Data, got.Code, got.Data)
		}
		wire, err = pd.Seal(nil, reply)
		if err != nil {
			t.Fatal(err)
		}
		if got, err = Decode(wire); err != nil {
			t.Fatal(err)
		}
		if got, err = cp.Open(got); err != nil {
			t.Fatalf("CP opens reply %#x: %v", reply.Code, err)
		}
		if got.Code != reply.Code || !bytes.Equal(got.Data, reply.Data) {
			t.Fatalf("reply %x % x arrived as %x % x", reply.Code, reply.Data, got.Code, got.Data)
		}
	}
	for i := range 5 {
		exchange(Packet{Addr: 1, Seq: byte(i%3 + 1), CRC: true, Code: 0x60},
			Packet{Addr: 1, Reply: true, Seq: byte(i%3 + 1), CRC: true, Code: 0x40})
		exchange(Packet{Addr: 1, Seq: 2, CRC: true, Code: 0x69, Data: bytes.Repeat([]byte{7}, 14)},
			Packet{Addr: 1, Reply: true, Seq: 2, CRC: i%2 == 0, Code: 0x50, Data: []byte{0, 1, 26, 0, 1, 2, 3, 4}})
	}

	// A flipped data bit breaks the MAC; so does a replay.
	wire, _ := cp.Seal(nil, Packet{Addr: 1, Seq: 1, CRC: true, Code: 0x60})
	p, _ := Decode(wire)
	p.Data = nil
	p.Code ^= 1
	if _, err := pd.Open(p); err == nil {
		t.Error("a changed command passed the MAC check")
	}
}

// FuzzSecureOpen feeds arbitrary packets to the secure-channel path of a
// panel and a reader: MAC check and decryption must refuse, never panic
// or return data that did not check out.
func FuzzSecureOpen(f *testing.F) {
	cp, _ := pair(f)
	for _, p := range []Packet{
		{Addr: 1, Seq: 1, CRC: true, Code: 0x60},
		{Addr: 1, Seq: 2, CRC: true, Code: 0x69, Data: bytes.Repeat([]byte{7}, 14)},
		{Addr: 1, Reply: true, Seq: 2, Code: 0x50, Data: []byte{0, 1, 26, 0, 1, 2, 3, 4}},
	} {
		wire, err := cp.Seal(nil, p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(wire)
	}
	f.Fuzz(func(t *testing.T, wire []byte) {
		p, err := Decode(wire)
		if err != nil {
			return
		}
		cp, pd := pair(t)
		for _, s := range []*Session{cp, pd} {
			got, err := s.Open(p)
			if err == nil && hasMAC(p.SCB) && (p.SCB[1] == SCS17 || p.SCB[1] == SCS18) && len(got.Data) >= len(p.Data) && len(p.Data) > 0 {
				t.Fatalf("decrypted %d bytes into %d", len(p.Data), len(got.Data))
			}
		}
	})
}

// A session between our panel and libosdp 3.2's reader (its pd program
// over a socat pty, --trace), SCBK 00112233…FF: every byte below is from
// the wire, without the 0xFF mark. Our panel must produce the commands
// byte for byte, and open the reader's replies, including the LSTATR
// libosdp sends as SCS_15 with plain data.
func TestLibOSDPTranscript(t *testing.T) {
	scbk := key(t, "00112233445566778899aabbccddeeff")
	var rndA, rndB [8]byte
	copy(rndA[:], unhex(t, "dced0c75097a9623"))
	copy(rndB[:], unhex(t, "0bc42fb4827b8482"))
	keys := DeriveSessionKeys(scbk, rndA)
	if got := keys.ClientCryptogram(rndA, rndB); got != key(t, "d9929abbc840c28a60f0d8f002c164f3") {
		t.Fatalf("client cryptogram %x, libosdp's reader sent d9929abbc840c28a60f0d8f002c164f3", got)
	}
	server := keys.ServerCryptogram(rndA, rndB)
	if server != key(t, "db00779af02ff67fc8989e5e45cbdddf") {
		t.Fatalf("server cryptogram %x differs from our panel's on the wire", server)
	}
	rmac := keys.InitialRMAC(server)
	if rmac != key(t, "244962ec7741ab885004444236700a2f") {
		t.Fatalf("RMAC_I %x, libosdp's reader sent 244962ec7741ab885004444236700a2f", rmac)
	}
	cp, pd := NewSession(keys, rmac), NewSession(keys, rmac)
	for _, step := range []struct {
		seq         byte
		code        byte
		cmd, reply  string
		replyCode   byte
		replyData   []byte
		pdSealsSame bool // our reader simulator would send the same bytes
	}{
		{2, CmdLSTAT, "53010e000e021564d6201570b81b", "538110000e02154800000ab2a590ac90", ReplyLSTATR, []byte{0, 0}, false},
		{3, CmdPOLL, "53010e000f021560f7cc56733b29", "53810e000f0216407d12f1869096", ReplyACK, nil, true},
		{1, CmdPOLL, "53010e000d021560347378c5dfbe", "53810e000d0216403781aecaa1a9", ReplyACK, nil, true},
		{2, CmdPOLL, "53010e000e0215608f2ee0e79910", "53810e000e0216403ef21221de04", ReplyACK, nil, true},
	} {
		wire, err := cp.Seal(nil, Packet{Addr: 1, Seq: step.seq, CRC: true, Code: step.code})
		if err != nil {
			t.Fatal(err)
		}
		if want := unhex(t, step.cmd); !bytes.Equal(wire, want) {
			t.Fatalf("command %#x: we send % x\n libosdp's panel-side trace has % x", step.code, wire, want)
		}
		cmd, err := Decode(wire)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pd.Open(cmd); err != nil {
			t.Fatalf("simulator opens command %#x: %v", step.code, err)
		}
		replyWire := unhex(t, step.reply)
		if step.pdSealsSame {
			ours, err := pd.Seal(nil, Packet{Addr: 1, Reply: true, Seq: step.seq, CRC: true, Code: step.replyCode})
			if err != nil || !bytes.Equal(ours, replyWire) {
				t.Fatalf("simulator reply % x, libosdp's % x (%v)", ours, replyWire, err)
			}
		} else {
			pd.mac(false, replyWire[:len(replyWire)-2-macLen]) // keep the simulator's chain in step
		}
		reply, err := Decode(replyWire)
		if err != nil {
			t.Fatal(err)
		}
		opened, err := cp.Open(reply)
		if err != nil {
			t.Fatalf("open libosdp's reply to %#x: %v", step.code, err)
		}
		if opened.Code != step.replyCode || !bytes.Equal(opened.Data, step.replyData) {
			t.Fatalf("reply %#x % x, want %#x % x", opened.Code, opened.Data, step.replyCode, step.replyData)
		}
	}
}
