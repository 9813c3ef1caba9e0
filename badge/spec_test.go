package badge_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"checkin/badge"
)

func TestParseSpec(t *testing.T) {
	def := func(port string) badge.Spec {
		return badge.Spec{Port: port, Format: "em4100", Baud: 9600, Gate: "main", Direction: "in", Role: "entrance"}
	}
	tests := []struct {
		in   string
		want badge.Spec
	}{
		{"/dev/ttyUSB0", def("/dev/ttyUSB0")},
		{"/dev/pts/3,format=qr,baud=115200,gate=hall-B,direction=out,role=desk",
			badge.Spec{Port: "/dev/pts/3", Format: "qr", Baud: 115200, Gate: "hall-B", Direction: "out", Role: "desk"}},
		{"/dev/ttyUSB1,role=room,room=Popov Room,direction=out", func() badge.Spec {
			s := def("/dev/ttyUSB1")
			s.Role, s.Room, s.Direction = "room", "Popov Room", "out"
			return s
		}()},
		{"/dev/ttyUSB2,room=Salle C,role=room", func() badge.Spec {
			s := def("/dev/ttyUSB2")
			s.Role, s.Room = "room", "Salle C"
			return s
		}()},
		{"/dev/ttyACM0, role=desk , format=line-dec", func() badge.Spec {
			s := def("/dev/ttyACM0")
			s.Role, s.Format = "desk", "line-dec"
			return s
		}()},
		{"usb:0403:6001", def("usb:0403:6001")},
		{"usb:10c4:EA60:A7X9:01,format=wiegand", func() badge.Spec {
			s := def("usb:10c4:EA60:A7X9:01")
			s.Format = "wiegand"
			return s
		}()},
		{"/dev/ttyUSB0,format=osdp,address=2,scbk=00112233445566778899aabbccddeeff,baud=115200",
			badge.Spec{Port: "/dev/ttyUSB0", Format: "osdp", Baud: 115200, Gate: "main", Direction: "in", Role: "entrance",
				Address: 2, SCBK: "00112233445566778899AABBCCDDEEFF"}},
		{"/dev/ttyUSB0,format=osdp,scbk=install", badge.Spec{Port: "/dev/ttyUSB0", Format: "osdp", Baud: 9600, Gate: "main",
			Direction: "in", Role: "entrance", SCBK: "install"}},
		{"/dev/ttyUSB0,format=osdp,address=126,secure=off", badge.Spec{Port: "/dev/ttyUSB0", Format: "osdp", Baud: 9600, Gate: "main",
			Direction: "in", Role: "entrance", Address: 126, SecureOff: true}},
	}
	for _, tt := range tests {
		got, err := badge.ParseSpec(tt.in)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSpec(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseSpecErrors(t *testing.T) {
	tests := []struct {
		in      string
		mention string // the error must name the bad key or value
	}{
		{"", "PORT"},
		{",format=qr", "PORT"},
		{"/dev/ttyUSB0,format=morse", "morse"},
		{"/dev/ttyUSB0,baud=fast", "baud"},
		{"/dev/ttyUSB0,baud=0", "baud"},
		{"/dev/ttyUSB0,gate=", "gate"},
		{"/dev/ttyUSB0,gate=a b", "gate"},
		{"/dev/ttyUSB0,direction=up", "direction"},
		{"/dev/ttyUSB0,role=admin", "role"},
		{"/dev/ttyUSB0,role=room", "room=NAME"},
		{"/dev/ttyUSB0,room=K", "role=room only"},
		{"/dev/ttyUSB0,role=room,room=", "room="},
		{"/dev/ttyUSB0,role=room,room=K\x01", "room="},
		{"/dev/ttyUSB0,speed=9600", "speed"},
		{"/dev/ttyUSB0,format", "format"},
		{"/dev/ttyUSB0,", `""`},
		{"/dev/ttyUSB0,=qr", "=qr"},
		{"/dev/ttyUSB0,format=qr,format=line", "twice"},
		{"usb:", "usb:"},
		{"usb:0403", "usb:VID:PID"},
		{"usb:403:6001", "VID"},
		{"usb:0403:60G1", "PID"},
		{"usb:0403:6001:", "SERIAL"},
		{"/dev/ttyUSB0,format=osdp,address=127", "address"},
		{"/dev/ttyUSB0,format=osdp,address=-1", "address"},
		{"/dev/ttyUSB0,format=osdp,scbk=0011", "scbk"},
		{"/dev/ttyUSB0,format=osdp,secure=on", "secure"},
		{"/dev/ttyUSB0,format=osdp,secure=off,scbk=install", "contradict"},
		{"/dev/ttyUSB0,address=1", "format=osdp only"},
		{"/dev/ttyUSB0,format=qr,scbk=install", "format=osdp only"},
	}
	for _, tt := range tests {
		_, err := badge.ParseSpec(tt.in)
		if err == nil {
			t.Errorf("ParseSpec(%q): got nil error, want one", tt.in)
			continue
		}
		if !errors.Is(err, badge.ErrBadSpec) {
			t.Errorf("ParseSpec(%q) error %v: want ErrBadSpec", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("ParseSpec(%q) error %q: want it to mention %q", tt.in, err, tt.mention)
		}
	}
}

func TestSpecErrorHidesKey(t *testing.T) {
	_, err := badge.ParseSpec("/dev/ttyUSB0,format=osdp,scbk=00112233445566778899AABBCCDDEEFF,gate=no way")
	if err == nil || strings.Contains(err.Error(), "0011") || !strings.Contains(err.Error(), "scbk=…") {
		t.Errorf("error %v: want the key hidden", err)
	}
}

func TestSpecName(t *testing.T) {
	for in, want := range map[string]string{
		"/dev/ttyUSB0":                       "/dev/ttyUSB0",
		"/dev/ttyUSB0,format=osdp,address=3": "/dev/ttyUSB0@3",
		"usb:0403:6001,format=osdp":          "usb:0403:6001@0",
	} {
		s, err := badge.ParseSpec(in)
		if err != nil || s.Name() != want {
			t.Errorf("Name of %q = %q, %v; want %q", in, s.Name(), err, want)
		}
	}
}

func TestSpecUSB(t *testing.T) {
	s, err := badge.ParseSpec("usb:10c4:ea60:ABC")
	if err != nil {
		t.Fatal(err)
	}
	id, ok := s.USB()
	if !ok || id != (badge.USBID{VID: "10C4", PID: "EA60", Serial: "ABC"}) {
		t.Errorf("USB() = %+v, %v, want 10C4:EA60:ABC, true", id, ok)
	}
	if !id.Matches("10c4", "Ea60", "ABC") || id.Matches("10c4", "ea60", "abd") || id.Matches("10c5", "ea60", "ABC") {
		t.Errorf("Matches: VID/PID must compare case-insensitively, serial exactly")
	}
	if _, ok := (badge.Spec{Port: "/dev/ttyUSB0"}).USB(); ok {
		t.Errorf("USB() of a path: got ok, want not")
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"/dev/ttyUSB0", "usb:0403:6001:X,format=qr,baud=115200", "a,gate=b,role=desk,direction=out", ",,=", "usb::",
		"/dev/ttyS1,format=osdp,address=7,scbk=install", "p,format=osdp,secure=off", "p,role=room,room=Room K,direction=out"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := badge.ParseSpec(in)
		if err != nil {
			return
		}
		if s.Port == "" || s.Baud <= 0 || s.Gate == "" {
			t.Fatalf("ParseSpec(%q) = %+v: incomplete", in, s)
		}
		if _, err := badge.NewDecoder(s.Format); err != nil && s.Format != badge.FormatOSDP {
			t.Fatalf("ParseSpec(%q): format %q has no decoder", in, s.Format)
		}
		// The spelled-out form parses to the same spec.
		again, err := badge.ParseSpec(s.String())
		if err != nil || again != s {
			t.Fatalf("round trip %q -> %q -> %+v, %v", in, s.String(), again, err)
		}
	})
}
