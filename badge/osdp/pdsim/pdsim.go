// Package pdsim is an OSDP peripheral device (a card reader) in software,
// to test the kiosk's control panel over a real pseudo-terminal and to
// try a kiosk without hardware. It answers as libosdp's PD does
// (src/osdp_pd.c): plain or Secure Channel, install mode with SCBK-D and
// osdp_KEYSET, sequence numbers with repeats answered from the last reply,
// card reads queued for the next poll, and a record of the LED and buzzer
// commands it was sent. Several readers may share one line (multi-drop).
package pdsim

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"checkin/badge/osdp"
)

// Reader is one simulated reader. Set Addr (and Key or Install) before
// Serve; the methods may be called at any time from any goroutine.
type Reader struct {
	Addr byte
	// Plain readers offer no secure channel.
	Plain bool
	// Key is the reader's SCBK; HasKey says whether it has one.
	Key    osdp.Key
	HasKey bool
	// Install mode: the reader accepts SCBK-D and one osdp_KEYSET.
	Install bool
	// Serial number reported in osdp_PDID.
	Serial uint32

	mu       sync.Mutex
	silent   bool
	cards    []queued // card reads to report, oldest first
	status   osdp.LocalStatus
	reported bool // status reported since it last changed
	log      []Command

	// session state, owned by Serve
	seq       int // last sequence number seen, -1 none
	lastReply []byte
	lastCode  byte
	rndA      [8]byte
	lastRndB  [8]byte
	keys      osdp.SessionKeys
	usedKey   osdp.Key
	handshake bool
	sess      *osdp.Session
}

// queued is a card read waiting for a poll: osdp_RAW or osdp_FMT.
type queued struct {
	code byte
	data []byte
}

// Command is one command the reader received and acted on.
type Command struct {
	Code   byte
	Data   []byte // decrypted
	Secure bool   // it came inside the secure channel
}

// LED returns the osdp_LED record of a command: its temporary colour and
// time in tenths of a second.
func (c Command) LED() (color byte, tenths uint16, ok bool) {
	if c.Code != osdp.CmdLED || len(c.Data) < 14 {
		return 0, 0, false
	}
	return c.Data[5], uint16(c.Data[7]) | uint16(c.Data[8])<<8, true
}

// Silence makes the reader stop answering (as if unpowered) or answer again.
func (r *Reader) Silence(on bool) {
	r.mu.Lock()
	r.silent = on
	r.mu.Unlock()
}

// SetKey switches the reader's SCBK, as a technician reprogramming it.
func (r *Reader) SetKey(k osdp.Key) {
	r.mu.Lock()
	r.Key, r.HasKey = k, true
	r.mu.Unlock()
}

// CurrentKey returns the reader's SCBK, e.g. the one a panel set.
func (r *Reader) CurrentKey() (osdp.Key, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.Key, r.HasKey
}

// SecureUp reports whether a secure channel is established.
func (r *Reader) SecureUp() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sess != nil
}

// Card queues a card read of bits (most significant first, in whole bytes)
// for the next poll, as osdp_RAW with format 1 (Wiegand) on reader 0.
func (r *Reader) Card(bits int, data []byte) {
	d := append([]byte{0, 1, byte(bits), byte(bits >> 8)}, data...)
	r.mu.Lock()
	r.cards = append(r.cards, queued{osdp.ReplyRAW, d})
	r.mu.Unlock()
}

// CardText queues a card number sent as text (osdp_FMT), as older
// readers do.
func (r *Reader) CardText(text string) {
	d := append([]byte{0, 0, byte(len(text))}, text...)
	r.mu.Lock()
	r.cards = append(r.cards, queued{osdp.ReplyFMT, d})
	r.mu.Unlock()
}

// SetStatus changes the tamper and power state reported on the next poll.
func (r *Reader) SetStatus(s osdp.LocalStatus) {
	r.mu.Lock()
	r.status, r.reported = s, false
	r.mu.Unlock()
}

// Commands returns the commands received so far, polls and handshakes
// left out.
func (r *Reader) Commands() []Command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Command(nil), r.log...)
}

// Serve answers the commands on conn addressed to any of readers until
// ctx is done or conn fails. Bytes that are not good packets are skipped,
// as on a real bus.
func Serve(ctx context.Context, conn io.ReadWriter, readers ...*Reader) error {
	return ServeAt(ctx, conn, 0, readers...)
}

// ServeAt is Serve on a line of baud bits per second: each reply waits for
// the time the command and the reply take on a half-duplex RS-485 wire (10
// bits a byte), which a pseudo-terminal does not, so that throughput
// measured over it is what a real line allows. Zero means no wait.
func ServeAt(ctx context.Context, conn io.ReadWriter, baud int, readers ...*Reader) error {
	byAddr := make(map[byte]*Reader)
	for _, r := range readers {
		r.seq = -1
		byAddr[r.Addr] = r
	}
	var spl osdp.Splitter
	buf := make([]byte, 512)
	var werr error
	for ctx.Err() == nil {
		n, err := conn.Read(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("pdsim read: %w", err)
		}
		spl.Feed(buf[:n], func(p osdp.Packet, err error) {
			if err != nil || p.Reply || werr != nil {
				return
			}
			r := byAddr[p.Addr]
			if r == nil {
				return
			}
			if reply := r.handle(p); reply != nil {
				if baud > 0 {
					cmdWire, _ := p.Append(nil)
					time.Sleep(time.Duration(10*(len(cmdWire)+1+len(reply))) * time.Second / time.Duration(baud))
				}
				_, werr = conn.Write(reply)
			}
		})
		if werr != nil {
			return fmt.Errorf("pdsim write: %w", werr)
		}
	}
	return nil
}

// handle answers one command, or returns nil to stay silent.
func (r *Reader) handle(p osdp.Packet) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.silent {
		return nil
	}
	seq := int(p.Seq)
	switch {
	case seq == 0: // the panel restarts: so does the session (libosdp phy_check_packet)
		r.sess, r.handshake = nil, false
	case seq == r.seq && r.lastReply != nil && p.Code == r.lastCode:
		return r.lastReply // a repeat: the same reply, byte for byte
	case r.seq >= 0 && seq != r.seq%3+1:
		return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakSequence}, nil)
	}
	r.seq = seq
	r.lastCode = p.Code

	secure := false
	if r.sess != nil && p.SCB != nil && p.SCB[1] >= osdp.SCS15 {
		opened, err := r.sess.Open(p)
		if err != nil {
			r.sess = nil
			return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakSCRequired}, nil)
		}
		p, secure = opened, true
	} else if r.sess != nil && p.Code != osdp.CmdCHLNG {
		return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakSCRequired}, nil)
	}

	switch p.Code {
	case osdp.CmdPOLL:
		if len(r.cards) > 0 {
			c := r.cards[0]
			r.cards = r.cards[1:]
			return r.reply(p, c.code, c.data, nil)
		}
		if !r.reported && r.status != (osdp.LocalStatus{}) {
			return r.lstatr(p)
		}
		return r.reply(p, osdp.ReplyACK, nil, nil)
	case osdp.CmdID:
		s := r.Serial
		return r.reply(p, osdp.ReplyPDID, []byte{0xCA, 0xFE, 0x01, 7, 1, byte(s), byte(s >> 8), byte(s >> 16), byte(s >> 24), 1, 2, 3}, nil)
	case osdp.CmdCAP:
		sc := byte(1)
		if r.Plain {
			sc = 0
		}
		return r.reply(p, osdp.ReplyPDCAP, []byte{
			3, 1, 0, // card data format
			4, 4, 1, // reader LED control
			5, 2, 1, // reader audible output
			osdp.CapCheckCharacter, 1, 0,
			osdp.CapSecurity, sc, 1,
			10, 0, 1, // receive buffer 256
		}, nil)
	case osdp.CmdLSTAT:
		return r.lstatr(p)
	case osdp.CmdLED, osdp.CmdBUZ:
		r.log = append(r.log, Command{Code: p.Code, Data: append([]byte(nil), p.Data...), Secure: secure})
		return r.reply(p, osdp.ReplyACK, nil, nil)
	case osdp.CmdCHLNG:
		return r.challenge(p)
	case osdp.CmdSCRYPT:
		return r.scrypt(p)
	case osdp.CmdKEYSET:
		if !secure || len(p.Data) != 18 || p.Data[0] != 1 || p.Data[1] != osdp.KeySize {
			return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakSCRequired}, nil)
		}
		r.log = append(r.log, Command{Code: p.Code, Data: append([]byte(nil), p.Data...), Secure: true})
		reply := r.reply(p, osdp.ReplyACK, nil, nil)
		// As libosdp: the new key counts once the ACK is out, and the
		// session ends with it.
		copy(r.Key[:], p.Data[2:])
		r.HasKey, r.Install, r.sess = true, false, nil
		return reply
	}
	return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakUnknown}, nil)
}

func (r *Reader) lstatr(p osdp.Packet) []byte {
	r.reported = true
	return r.reply(p, osdp.ReplyLSTATR, []byte{b2i(r.status.Tamper), b2i(r.status.PowerFailure)}, nil)
}

func b2i(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (r *Reader) challenge(p osdp.Packet) []byte {
	if r.Plain || len(p.Data) != 8 || len(p.SCB) < 3 {
		return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakSCUnsup}, nil)
	}
	// SCBK-D only in install mode; otherwise the reader's own key,
	// whatever the panel asked for (libosdp osdp_phy_decode_packet).
	key, which := r.Key, byte(1)
	if p.SCB[2] == 0 && r.Install || !r.HasKey {
		if !r.Install {
			return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakSCUnsup}, nil)
		}
		key, which = osdp.SCBKD, 0
	}
	copy(r.rndA[:], p.Data)
	var rndB [8]byte
	if _, err := rand.Read(rndB[:]); err != nil {
		return nil
	}
	r.keys, r.usedKey, r.handshake = osdp.DeriveSessionKeys(key, r.rndA), key, true
	client := r.keys.ClientCryptogram(r.rndA, rndB)
	cuid := []byte{0xCA, 0xFE, 0x01, 1, byte(r.Serial), byte(r.Serial >> 8), byte(r.Serial >> 16), byte(r.Serial >> 24)}
	data := append(append(cuid, rndB[:]...), client[:]...)
	r.lastRndB = rndB
	return r.reply(p, osdp.ReplyCCRYPT, data, []byte{3, osdp.SCS12, which})
}

func (r *Reader) scrypt(p osdp.Packet) []byte {
	if !r.handshake || len(p.Data) != 16 {
		return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakSCRequired}, nil)
	}
	r.handshake = false
	want := r.keys.ServerCryptogram(r.rndA, r.lastRndB)
	if subtle.ConstantTimeCompare(want[:], p.Data) != 1 {
		return r.reply(p, osdp.ReplyNAK, []byte{osdp.NakSCUnsup}, nil)
	}
	rmac := r.keys.InitialRMAC(want)
	reply := r.reply(p, osdp.ReplyRMACI, rmac[:], []byte{3, osdp.SCS14, 1})
	r.sess = osdp.NewSession(r.keys, rmac)
	return reply
}

// reply encodes a reply to p, sealed when a session is up and this is not
// a handshake reply, and keeps it for a repeat.
func (r *Reader) reply(p osdp.Packet, code byte, data, scb []byte) []byte {
	out := osdp.Packet{Addr: p.Addr, Reply: true, Seq: p.Seq, CRC: p.CRC, SCB: scb, Code: code, Data: data}
	wire, err := osdp.AppendFrame(nil, out, r.sess)
	if err != nil {
		panic(errors.Join(errors.New("pdsim: encode reply"), err))
	}
	r.lastReply = wire
	return wire
}
