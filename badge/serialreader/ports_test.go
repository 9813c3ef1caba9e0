package serialreader_test

import (
	"testing"

	"checkin/badge"
	"checkin/badge/serialreader"
)

// TestListPorts runs the real enumerator: it must work on a machine
// without USB serial ports (an empty list, no error).
func TestListPorts(t *testing.T) {
	ports, err := serialreader.ListPorts()
	if err != nil {
		t.Fatalf("ListPorts: %v", err)
	}
	for _, p := range ports {
		if p.Path == "" {
			t.Errorf("port without a path: %+v", p)
		}
		if _, err := badge.ParseSpec(p.ReaderArg()); err != nil {
			t.Errorf("ReaderArg %q of %+v does not parse: %v", p.ReaderArg(), p, err)
		}
	}
	t.Logf("%d serial ports", len(ports))
}

func TestReaderArg(t *testing.T) {
	tests := []struct {
		port serialreader.PortInfo
		want string
	}{
		{serialreader.PortInfo{Path: "/dev/ttyS0"}, "/dev/ttyS0"},
		{serialreader.PortInfo{Path: "/dev/ttyUSB0", IsUSB: true, VID: "0403", PID: "6001", SerialNumber: "A7X9QK"}, "usb:0403:6001:A7X9QK"},
		{serialreader.PortInfo{Path: "/dev/ttyACM0", IsUSB: true, VID: "10C4", PID: "EA60"}, "usb:10C4:EA60"},
		{serialreader.PortInfo{Path: "/dev/ttyACM1", IsUSB: true, VID: "10C4", PID: "EA60", SerialNumber: "has, comma"}, "usb:10C4:EA60"},
		{serialreader.PortInfo{Path: "/dev/ttyACM2", IsUSB: true, VID: "", PID: ""}, "/dev/ttyACM2"},
	}
	for _, tt := range tests {
		if got := tt.port.ReaderArg(); got != tt.want {
			t.Errorf("ReaderArg(%+v) = %q, want %q", tt.port, got, tt.want)
		}
	}
}
