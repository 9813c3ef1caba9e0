package serialreader

import (
	"errors"
	"strings"
	"testing"

	"checkin/badge"
)

func TestResolveUSB(t *testing.T) {
	ports := []PortInfo{
		{Path: "/dev/ttyS0"},
		{Path: "/dev/ttyUSB0", IsUSB: true, VID: "0403", PID: "6001", SerialNumber: "AAA"},
		{Path: "/dev/ttyUSB1", IsUSB: true, VID: "0403", PID: "6001", SerialNumber: "BBB"},
		{Path: "/dev/ttyACM0", IsUSB: true, VID: "10C4", PID: "EA60"},
	}
	tests := []struct {
		port    string
		want    string
		waiting bool   // not present
		errText string // otherwise an error containing this
	}{
		{"usb:0403:6001:BBB", "/dev/ttyUSB1", false, ""},
		{"usb:10c4:ea60", "/dev/ttyACM0", false, ""},
		{"usb:10C4:EA60", "/dev/ttyACM0", false, ""},
		{"usb:0403:6001", "", false, "2 serial ports match"},
		{"usb:0403:6001:CCC", "", true, ""},
		{"usb:1234:5678", "", true, ""},
	}
	for _, tt := range tests {
		spec, err := badge.ParseSpec(tt.port)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := spec.USB()
		got, err := resolveUSB(id, ports)
		switch {
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("resolveUSB(%s) = %q, %v; want %q", tt.port, got, err, tt.want)
		case tt.waiting && (!errors.Is(err, errNotPresent) || stateOf(err) != StateWaiting):
			t.Errorf("resolveUSB(%s) error %v: want not present (waiting)", tt.port, err)
		case tt.errText != "" && (err == nil || !strings.Contains(err.Error(), tt.errText) || stateOf(err) != StateError):
			t.Errorf("resolveUSB(%s) error %v: want an error state mentioning %q", tt.port, err, tt.errText)
		}
	}
}
