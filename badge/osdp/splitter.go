package osdp

import "fmt"

// A Splitter cuts the bytes read from a bus into packets: a packet split
// across reads is put together, bytes before a SOM are skipped (and
// counted, marks aside), and after a bad packet the search for the next
// SOM starts at the byte after the bad one's SOM, since that "SOM" may
// have been noise inside a reply. The zero value is ready.
type Splitter struct {
	buf     []byte
	Skipped int // bytes that were not part of any packet, marks not counted
}

// Feed adds bytes read from the bus and calls fn for every whole packet
// found, or with the error of every bad one (ErrFraming or ErrChecksum,
// wrapped). A packet's slices are its own: fn may keep them.
func (s *Splitter) Feed(data []byte, fn func(Packet, error)) {
	s.buf = append(s.buf, data...)
	for {
		i := 0
		for i < len(s.buf) && s.buf[i] != SOM {
			if s.buf[i] != Mark {
				s.Skipped++
			}
			i++
		}
		s.buf = s.buf[i:]
		if len(s.buf) < headerLen {
			s.compact()
			return
		}
		n := int(s.buf[2]) | int(s.buf[3])<<8
		if n < headerLen+2 || n > MaxPacket {
			fn(Packet{}, fmt.Errorf("%w: LEN %d is out of range", ErrFraming, n))
			s.skipSOM()
			continue
		}
		if len(s.buf) < n {
			s.compact()
			return // wait for the rest
		}
		frame := append([]byte(nil), s.buf[:n]...)
		p, err := Decode(frame)
		if err != nil {
			fn(Packet{}, err)
			s.skipSOM()
			continue
		}
		s.buf = s.buf[n:]
		fn(p, nil)
	}
}

// skipSOM drops the SOM a bad packet began with, counted as skipped.
func (s *Splitter) skipSOM() {
	s.buf = s.buf[1:]
	s.Skipped++
}

// compact moves what is left to the front of the buffer, so that a long
// session does not grow it.
func (s *Splitter) compact() {
	if cap(s.buf) > 4*MaxPacket && len(s.buf) < MaxPacket {
		s.buf = append([]byte(nil), s.buf...)
	}
}

// Reset forgets a partial packet: the poll loop calls it when a reply did
// not come in time, so that a false SOM with a long LEN cannot hold up the
// next reply.
func (s *Splitter) Reset() {
	s.Skipped += len(s.buf)
	s.buf = s.buf[:0]
}
