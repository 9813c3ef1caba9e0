package serialreader

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"

	"checkin/badge"
)

// PortInfo describes one serial port found on this machine.
type PortInfo struct {
	Path         string // device path, such as /dev/ttyUSB0
	IsUSB        bool   // a USB serial device; the fields below are set only then
	VID          string // USB vendor id, 4 upper-case hex digits
	PID          string // USB product id, 4 upper-case hex digits
	SerialNumber string // USB serial number, may be empty
	Manufacturer string // USB manufacturer string
	Product      string // USB product string
}

// ListPorts lists the serial ports of this machine, sorted by path. A
// machine without serial ports gives an empty list and no error.
func ListPorts() ([]PortInfo, error) {
	details, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	// The enumerator leaves Name empty for ports without sysfs details;
	// its order is that of serial.GetPortsList, so recover them from it.
	var paths []string
	for _, d := range details {
		if d.Name == "" {
			paths, _ = serial.GetPortsList()
			break
		}
	}
	ports := make([]PortInfo, 0, len(details))
	for i, d := range details {
		p := PortInfo{Path: d.Name}
		if p.Path == "" && len(paths) == len(details) {
			p.Path = paths[i]
		}
		if p.Path == "" {
			continue
		}
		if d.IsUSB {
			p.IsUSB = true
			p.VID, p.PID = strings.ToUpper(d.VID), strings.ToUpper(d.PID)
			p.SerialNumber, p.Manufacturer, p.Product = d.SerialNumber, d.Manufacturer, d.Product
		}
		ports = append(ports, p)
	}
	sort.Slice(ports, func(i, j int) bool { return ports[i].Path < ports[j].Path })
	return ports, nil
}

// ReaderArg returns the --reader PORT to paste for this port:
// usb:VID:PID:SERIAL for a USB device with a usable serial number (found
// again after a re-plug, even among identical readers), usb:VID:PID for
// one without, else the device path.
func (p PortInfo) ReaderArg() string {
	if !p.IsUSB {
		return p.Path
	}
	usb := "usb:" + p.VID + ":" + p.PID
	if _, err := badge.ParseSpec(usb); err != nil {
		return p.Path
	}
	if p.SerialNumber != "" && !strings.ContainsAny(p.SerialNumber, ", \t") {
		withSerial := usb + ":" + p.SerialNumber
		if s, err := badge.ParseSpec(withSerial); err == nil && s.Port == withSerial {
			return withSerial
		}
	}
	return usb
}

// errNotPresent marks an open failure because the device is not there:
// the reader is waiting rather than in error.
var errNotPresent = errors.New("no matching USB serial port")

// resolveUSB returns the path of the one port matching id.
func resolveUSB(id badge.USBID, ports []PortInfo) (string, error) {
	var found []string
	for _, p := range ports {
		if p.IsUSB && id.Matches(p.VID, p.PID, p.SerialNumber) {
			found = append(found, p.Path)
		}
	}
	switch len(found) {
	case 0:
		return "", errNotPresent
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%d serial ports match USB id %s (%s): add :SERIAL", len(found), id, strings.Join(found, ", "))
}
