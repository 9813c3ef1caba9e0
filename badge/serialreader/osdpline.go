package serialreader

import (
	"context"
	"fmt"
	"time"

	"checkin/badge"
	"checkin/badge/osdp"
)

// osdpReadTimeout bounds each read of an OSDP line: how late a missing
// reply is noticed beyond the reply timeout.
const osdpReadTimeout = 10 * time.Millisecond

// osdpLine runs one RS-485 port with one or more OSDP readers on it (one
// --reader each, told apart by address): one poll loop for all, reopened
// with backoff when the port goes away.
type osdpLine struct {
	m     *Manager
	specs []badge.Spec
	idx   []int // the readers' indexes in Manager.states
	holds []*badge.Holdoff
	rejs  []*rejectLog
	bus   *osdp.Bus
	line  badge.Decoder // reads osdp_FMT text
}

func (l *osdpLine) run(ctx context.Context) {
	backoff := minBackoff
	for ctx.Err() == nil {
		port, path, err := openPort(l.specs[0], osdpReadTimeout)
		if err == nil {
			backoff = minBackoff
			for _, i := range l.idx {
				l.m.setState(i, StateOffline, path, osdp.NoReplyYet)
			}
			stop := context.AfterFunc(ctx, func() { port.Close() })
			l.bus.Conn = port
			err = l.bus.Run(ctx)
			stop()
			port.Close()
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				continue
			}
			err = fmt.Errorf("read reader %s: %w", path, err)
		}
		for _, i := range l.idx {
			l.m.setState(i, stateOf(err), path, err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// card handles a card read from reader i (osdp_RAW): a bad Wiegand
// parity is a reject; a good read goes on to read.
func (l *osdpLine) card(i int, c osdp.CardRead) {
	uid, err := c.UID()
	l.read(i, c.Reader, uid, err)
}

// text handles a card number sent as text (osdp_FMT), read by the rules
// of format=line: hex, separators allowed.
func (l *osdpLine) text(i int, head byte, text string) {
	var uid string
	err := badge.ErrLength
	l.line.Feed([]byte(text+"\n"), func(f badge.Frame) { uid, err = string(f.UID), f.Err })
	l.read(i, head, uid, err)
}

// read passes a good read through the hold-off to OnRead, with the
// feedback to send to the reader head that read it once the tap is
// decided; a bad one is counted and logged.
func (l *osdpLine) read(i int, head byte, uid string, err error) {
	now := l.m.now()
	if err != nil {
		reason := badge.RejectReason(err)
		l.m.countReject(l.idx[i], reason)
		l.rejs[i].note(reason, now)
		return
	}
	if !l.holds[i].Tap([]byte(uid), now) {
		return
	}
	l.m.countRead(l.idx[i], now)
	if l.m.OnRead == nil {
		return
	}
	spec := l.specs[i]
	l.m.OnRead(Read{
		Reader:    spec.Name(),
		UID:       uid,
		Source:    badge.SourceRFID,
		Gate:      spec.Gate,
		Direction: spec.Direction,
		Role:      spec.Role,
		Room:      spec.Room,
		At:        now,
		Feedback:  func(accepted bool) { l.bus.Feedback(i, head, accepted) },
	})
}
