package serialreader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"go.bug.st/serial"

	"checkin/badge"
)

// Port timing.
const (
	readTimeout = 50 * time.Millisecond // lets the loop notice the qr idle gap
	minBackoff  = 100 * time.Millisecond
	maxBackoff  = 2 * time.Second
)

// reader runs one serial reader. Its fields belong to its goroutine.
type reader struct {
	m        *Manager
	idx      int
	spec     badge.Spec
	dec      badge.Decoder
	hold     *badge.Holdoff
	rejects  *rejectLog
	emitFunc func(badge.Frame) // r.emit, bound once: no allocation per Feed
}

// run opens, reads and reopens the port until ctx is done.
func (r *reader) run(ctx context.Context) {
	backoff := minBackoff
	for ctx.Err() == nil {
		port, path, err := openPort(r.spec, readTimeout)
		if err == nil {
			backoff = minBackoff
			r.m.setState(r.idx, StateOpen, path, "")
			err = r.readLoop(ctx, port)
			port.Close()
			if ctx.Err() != nil {
				return // our own Close, not a disconnect
			}
			err = fmt.Errorf("read reader %s: %w", path, err)
		}
		r.m.setState(r.idx, stateOf(err), path, err.Error())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// openPort resolves a spec's port (re-enumerating USB ports for
// usb:VID:PID) and opens it with a read timeout.
func openPort(spec badge.Spec, timeout time.Duration) (serial.Port, string, error) {
	path := spec.Port
	if id, ok := spec.USB(); ok {
		ports, err := ListPorts()
		if err != nil {
			return nil, "", fmt.Errorf("open reader %s: %w", spec.Port, err)
		}
		if path, err = resolveUSB(id, ports); err != nil {
			return nil, "", fmt.Errorf("open reader %s: %w", spec.Port, err)
		}
	}
	// Never set InitialStatusBits: pseudo-terminals reject modem-line ioctls.
	port, err := serial.Open(path, &serial.Mode{BaudRate: spec.Baud})
	if err != nil {
		return nil, path, fmt.Errorf("open reader %s: %w", path, err)
	}
	if err := port.SetReadTimeout(timeout); err != nil {
		port.Close()
		return nil, path, fmt.Errorf("open reader %s: %w", path, err)
	}
	return port, path, nil
}

// readLoop feeds the decoder until the port fails or ctx is done. A read
// timeout returns (0, nil): it is how the idle gap and held-back reject
// logs are noticed.
func (r *reader) readLoop(ctx context.Context, port serial.Port) error {
	stop := context.AfterFunc(ctx, func() { port.Close() })
	defer stop()
	buf := make([]byte, 256)
	var last time.Time // last byte received
	pending := false   // bytes received since the last Idle
	for {
		n, err := port.Read(buf)
		if err != nil {
			return err
		}
		now := time.Now()
		if pending && now.Sub(last) >= badge.IdleGap {
			pending = false
			r.dec.Idle(r.emitFunc)
		}
		if n == 0 {
			r.rejects.flush(r.m.now())
			continue
		}
		last, pending = now, true
		r.dec.Feed(buf[:n], r.emitFunc)
	}
}

// emit handles one decoded frame: count and log a reject, or pass a new
// tap through the hold-off to OnRead.
func (r *reader) emit(f badge.Frame) {
	now := r.m.now()
	if f.Err != nil {
		reason := badge.RejectReason(f.Err)
		r.m.countReject(r.idx, reason)
		r.rejects.note(reason, now)
		return
	}
	if !r.hold.Tap(f.UID, now) {
		return
	}
	r.m.countRead(r.idx, now)
	if r.m.OnRead != nil {
		r.m.OnRead(Read{
			Reader:    r.spec.Port,
			UID:       string(f.UID),
			Source:    r.spec.Source(),
			Gate:      r.spec.Gate,
			Direction: r.spec.Direction,
			Role:      r.spec.Role,
			Room:      r.spec.Room,
			At:        now,
		})
	}
}

// stateOf tells a device that is not there (waiting) from a failure (error).
func stateOf(err error) string {
	var pe *serial.PortError
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, errNotPresent):
		return StateWaiting
	case errors.As(err, &pe) && pe.Code() == serial.PortNotFound:
		return StateWaiting
	}
	return StateError
}
