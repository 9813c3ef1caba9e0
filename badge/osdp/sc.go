package osdp

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"errors"
	"fmt"
)

// Secure Channel (OSDP 2.2 Annex D; libosdp doc/protocol/secure-channel
// and src/osdp_sc.c). The handshake:
//
//	CP → osdp_CHLNG   SCS_11  RND.A (8)
//	PD ← osdp_CCRYPT  SCS_12  cUID (8), RND.B (8), client cryptogram (16)
//	CP → osdp_SCRYPT  SCS_13  server cryptogram (16)
//	PD ← osdp_RMAC_I  SCS_14  initial R-MAC (16)
//
// after which every packet carries SCS_15/16 (MAC only, no data) or
// SCS_17/18 (MAC and encrypted data) and a 4-byte MAC. The third SCB byte
// of SCS_11 to SCS_13 says which key: 0 the default install key SCBK-D,
// 1 the reader's own SCBK; that of SCS_14 is 1 when the PD accepted the
// server cryptogram.

// KeySize is the size of an SCBK and of every session key (AES-128).
const KeySize = 16

// Key is a secure-channel base key (SCBK) or a session key.
type Key [KeySize]byte

// SCBKD is the default base key of readers in install mode (OSDP 2.2
// D.8: the bytes 0x30 to 0x3F); it is used only to set a reader's own key.
var SCBKD = Key{0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F}

// eom marks the end of a message before its zero padding, in both the
// MAC's last block and encrypted data (D.3: 0x80 then 0x00 up to 16 bytes).
const eom = 0x80

// SessionKeys are the three keys a session derives from the SCBK and the
// CP's random number.
type SessionKeys struct {
	Enc, MAC1, MAC2 Key
}

// DeriveSessionKeys derives S-ENC, S-MAC1 and S-MAC2: each is the SCBK's
// AES encryption of a block 0x01, 0x82 / 0x01 / 0x02, then the first six
// bytes of RND.A, then zeros (D.5; libosdp osdp_compute_session_keys).
func DeriveSessionKeys(scbk Key, rndA [8]byte) SessionKeys {
	b := newBlock(scbk)
	derive := func(second byte) Key {
		var k Key
		k[0], k[1] = 0x01, second
		copy(k[2:8], rndA[:6])
		b.Encrypt(k[:], k[:])
		return k
	}
	return SessionKeys{Enc: derive(0x82), MAC1: derive(0x01), MAC2: derive(0x02)}
}

// ClientCryptogram is the PD's proof in osdp_CCRYPT: S-ENC over RND.A then
// RND.B.
func (k SessionKeys) ClientCryptogram(rndA, rndB [8]byte) Key {
	return k.ecb(k.Enc, rndA, rndB)
}

// ServerCryptogram is the CP's proof in osdp_SCRYPT: S-ENC over RND.B then
// RND.A.
func (k SessionKeys) ServerCryptogram(rndA, rndB [8]byte) Key {
	return k.ecb(k.Enc, rndB, rndA)
}

// InitialRMAC is the value of osdp_RMAC_I: the server cryptogram encrypted
// with S-MAC1 and then with S-MAC2. It is the first IV of the MAC chain.
func (k SessionKeys) InitialRMAC(serverCryptogram Key) Key {
	out := serverCryptogram
	newBlock(k.MAC1).Encrypt(out[:], out[:])
	newBlock(k.MAC2).Encrypt(out[:], out[:])
	return out
}

func (k SessionKeys) ecb(key Key, first, second [8]byte) Key {
	var out Key
	copy(out[:8], first[:])
	copy(out[8:], second[:])
	newBlock(key).Encrypt(out[:], out[:])
	return out
}

func newBlock(k Key) cipher.Block {
	b, err := aes.NewCipher(k[:])
	if err != nil {
		panic(err) // a 16-byte key is always valid
	}
	return b
}

// Session is an established secure channel: the session keys and the two
// ends of the MAC chain. Each command's MAC starts from the last reply's
// MAC (first: RMAC_I) and each reply's from its command's, so both ends
// must see every packet; a lost or bad one ends the session.
type Session struct {
	enc, mac1, mac2 cipher.Block
	cmac, rmac      Key // last command MAC, last reply MAC
}

// NewSession starts the MAC chain of a session at the initial R-MAC.
func NewSession(keys SessionKeys, rmacI Key) *Session {
	return &Session{enc: newBlock(keys.Enc), mac1: newBlock(keys.MAC1), mac2: newBlock(keys.MAC2), rmac: rmacI}
}

// ErrMAC is returned when a packet's MAC or encrypted data does not check
// out: the session is over.
var ErrMAC = errors.New("osdp: secure channel MAC or data check failed")

// mac computes the MAC of msg (D.4; libosdp osdp_compute_mac): AES-CBC with
// S-MAC1 over every block but the last, the last with S-MAC2, the IV being
// the other direction's last MAC; a message whose length is not a whole
// number of blocks gets 0x80 and zeros. The result is the new MAC of this
// direction.
func (s *Session) mac(command bool, msg []byte) Key {
	iv := s.cmac
	if command {
		iv = s.rmac
	}
	n := (len(msg) + 15) / 16
	if n == 0 {
		n = 1
	}
	var blk Key
	for i := 0; i < n; i++ {
		part := msg[min(16*i, len(msg)):min(16*i+16, len(msg))]
		blk = Key{}
		copy(blk[:], part)
		if len(part) < 16 {
			blk[len(part)] = eom
		}
		subtle.XORBytes(blk[:], blk[:], iv[:])
		if i < n-1 {
			s.mac1.Encrypt(blk[:], blk[:])
		} else {
			s.mac2.Encrypt(blk[:], blk[:])
		}
		iv = blk
	}
	if command {
		s.cmac = blk
	} else {
		s.rmac = blk
	}
	return blk
}

// dataIV is the IV for a direction's data: the complement of the MAC the
// other side sent last (D.6).
func (s *Session) dataIV(command bool) []byte {
	iv := s.cmac
	if command {
		iv = s.rmac
	}
	for i := range iv {
		iv[i] = ^iv[i]
	}
	return iv[:]
}

// encrypt pads data with 0x80 and zeros to whole blocks and encrypts it
// with S-ENC in CBC mode.
func (s *Session) encrypt(command bool, data []byte) []byte {
	out := make([]byte, (len(data)/16+1)*16)
	copy(out, data)
	out[len(data)] = eom
	cipher.NewCBCEncrypter(s.enc, s.dataIV(command)).CryptBlocks(out, out)
	return out
}

// decrypt reverses encrypt, checking the padding.
func (s *Session) decrypt(command bool, data []byte) ([]byte, error) {
	if len(data) == 0 {
		return data, nil // no data should have been SCS_15/16; tolerated as libosdp does
	}
	if len(data)%16 != 0 {
		return nil, fmt.Errorf("%w: %d bytes of encrypted data, want whole 16-byte blocks", ErrMAC, len(data))
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(s.enc, s.dataIV(command)).CryptBlocks(out, data)
	i := len(out) - 1
	for i > 0 && out[i] == 0 {
		i--
	}
	if out[i] != eom {
		return nil, fmt.Errorf("%w: no end-of-message mark in the decrypted data", ErrMAC)
	}
	return out[:i], nil
}

// Seal appends p to b as a secure-channel packet: SCS_15/SCS_17 for a
// command, SCS_16/SCS_18 for a reply (17 and 18 when there is data, which
// is then encrypted), with its MAC. p.SCB and p.MAC are set here.
func (s *Session) Seal(b []byte, p Packet) ([]byte, error) {
	command := !p.Reply
	typ := byte(SCS15)
	switch {
	case command && len(p.Data) > 0:
		typ = SCS17
	case !command && len(p.Data) == 0:
		typ = SCS16
	case !command:
		typ = SCS18
	}
	p.SCB = []byte{2, typ}
	if len(p.Data) > 0 {
		p.Data = s.encrypt(command, p.Data)
	}
	p.MAC = make([]byte, macLen)
	start := len(b)
	b, err := p.Append(b)
	if err != nil {
		return b, err
	}
	check := 1
	if p.CRC {
		check = 2
	}
	end := len(b) - check - macLen
	m := s.mac(command, b[start:end])
	copy(b[end:], m[:macLen])
	if p.CRC {
		c := CRC16(b[start : len(b)-2])
		b[len(b)-2], b[len(b)-1] = byte(c), byte(c>>8)
	} else {
		b[len(b)-1] = Checksum(b[start : len(b)-1])
	}
	return b, nil
}

// AppendFrame appends the mark byte and p to b: sealed in s when a session
// is up and p has no security block of its own (handshake packets bring
// theirs), plain otherwise.
func AppendFrame(b []byte, p Packet, s *Session) ([]byte, error) {
	b = append(b, Mark)
	if s != nil && p.SCB == nil {
		return s.Seal(b, p)
	}
	return p.Append(b)
}

// Open checks the MAC of a secure-channel packet received from the other
// end and returns it with its data decrypted. A packet without a MAC, or
// whose MAC or padding is wrong, is an error wrapping ErrMAC: the caller
// ends the session.
func (s *Session) Open(p Packet) (Packet, error) {
	if !hasMAC(p.SCB) {
		return Packet{}, fmt.Errorf("%w: plain packet (code %#02x) inside a secure channel", ErrMAC, p.Code)
	}
	// The type says only whether the data is encrypted (17, 18) or not
	// (15, 16), whatever the direction: libosdp's reader answers in
	// SCS_15 with plain data (seen against libosdp 3.2 over a pty), and
	// its panel accepts any of the four both ways (osdp_phy_decode_packet).
	command := !p.Reply
	wire, err := p.Append(nil)
	if err != nil {
		return Packet{}, fmt.Errorf("%w: %v", ErrMAC, err)
	}
	check := 1
	if p.CRC {
		check = 2
	}
	m := s.mac(command, wire[:len(wire)-check-macLen])
	if subtle.ConstantTimeCompare(m[:macLen], p.MAC) != 1 {
		return Packet{}, fmt.Errorf("%w: MAC mismatch on code %#02x", ErrMAC, p.Code)
	}
	if typ := p.SCB[1]; typ == SCS17 || typ == SCS18 {
		data, err := s.decrypt(command, p.Data)
		if err != nil {
			return Packet{}, err
		}
		p.Data = data
	}
	return p, nil
}
