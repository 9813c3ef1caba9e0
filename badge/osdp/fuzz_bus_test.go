package osdp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"checkin/badge/osdp"
)

// fuzzLine answers each command the bus writes with the next chunk of
// the fuzz input (its first byte is the chunk's length), as a reader
// gone wrong would.
type fuzzLine struct {
	mu      sync.Mutex
	script  []byte
	pending []byte
}

func (l *fuzzLine) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.script) > 0 {
		n := min(int(l.script[0]), len(l.script)-1)
		l.pending = append(l.pending, l.script[1:1+n]...)
		l.script = l.script[1+n:]
	}
	return len(p), nil
}

func (l *fuzzLine) Read(p []byte) (int, error) {
	l.mu.Lock()
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	l.mu.Unlock()
	if n == 0 {
		time.Sleep(100 * time.Microsecond)
	}
	return n, nil
}

func reply(seq byte, code byte, data ...byte) []byte {
	wire, err := osdp.Packet{Addr: 1, Reply: true, Seq: seq, CRC: true, Code: code, Data: data}.Append(nil)
	if err != nil {
		panic(err)
	}
	return append([]byte{byte(len(wire))}, wire...)
}

// FuzzBusReplies runs the panel against arbitrary replies, plain and with
// a secure channel required: it must never panic, never report a card
// read that did not parse, and never go online in Secure Channel without
// a handshake.
func FuzzBusReplies(f *testing.F) {
	var good []byte
	good = append(good, reply(0, osdp.ReplyPDID, 0xCA, 0xFE, 1, 1, 1, 0, 0, 0, 0, 1, 2, 3)...)
	good = append(good, reply(1, osdp.ReplyPDCAP, 8, 1, 0, 9, 1, 1)...)
	good = append(good, reply(2, osdp.ReplyLSTATR, 1, 0)...)
	good = append(good, reply(3, osdp.ReplyRAW, 0, 1, 26, 0, 0x80, 0x98, 0x1C, 0xC0)...)
	good = append(good, reply(1, osdp.ReplyNAK, 4)...)
	f.Add(good, false)
	f.Add(good, true)
	f.Add([]byte{5, 0x53, 0x81, 0xFF, 0xFF, 0x04}, false)
	f.Fuzz(func(t *testing.T, script []byte, secure bool) {
		bus := &osdp.Bus{
			Conn:         &fuzzLine{script: script},
			Readers:      []osdp.ReaderConfig{{Addr: 1, Secure: secure, Keys: []osdp.Key{{1}}}},
			PollInterval: -1,
			ReplyTimeout: time.Millisecond,
			OnCard: func(i int, c osdp.CardRead) {
				if (c.Bits+7)/8 != len(c.Data) {
					t.Fatalf("card read of %d bits in %d bytes", c.Bits, len(c.Data))
				}
			},
			OnStatus: func(i int, s osdp.Status) {
				if secure && s.State == osdp.StateOnline && s.Secure != osdp.SecureUp {
					t.Fatalf("online with secure channel %q", s.Secure)
				}
			},
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		if err := bus.Run(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
