package serialreader

import (
	"errors"
	"io/fs"
	"time"

	"go.bug.st/serial"

	"checkin/badge"
)

// Open opens a reader's port as a Manager does (resolving usb:VID:PID
// among this machine's ports), with a read timeout, for a tool that
// listens to a reader on its own (checkin doctor). It returns the device
// path it opened, or tried to.
func Open(spec badge.Spec, timeout time.Duration) (serial.Port, string, error) {
	return openPort(spec, timeout)
}

// NotPresent reports whether an error of Open means the device is not
// there: no such path, or no matching USB port.
func NotPresent(err error) bool { return stateOf(err) == StateWaiting }

// PermissionDenied reports whether an error of Open means this user may
// not open the device (not in the dialout group).
func PermissionDenied(err error) bool {
	var pe *serial.PortError
	return errors.Is(err, fs.ErrPermission) || (errors.As(err, &pe) && pe.Code() == serial.PermissionDenied)
}

// Busy reports whether an error of Open means another program holds the
// device.
func Busy(err error) bool {
	var pe *serial.PortError
	return errors.As(err, &pe) && pe.Code() == serial.PortBusy
}
