package main

import (
	"slices"
	"testing"
)

// TestReadersFromEnvironment: CHECKIN_READER holds several readers, one a
// line (an EnvironmentFile's quoted value over several lines, where a room
// name may hold spaces) or, the old form, separated by spaces.
func TestReadersFromEnvironment(t *testing.T) {
	tests := []struct {
		env  string
		want []string
	}{
		{"/dev/ttyUSB0 /dev/ttyUSB1,format=line", []string{"/dev/ttyUSB0", "/dev/ttyUSB1,format=line"}},
		{"/dev/ttyUSB0,role=room,room=Salle K 會議室\n  /dev/ttyUSB1,format=qr\n\n", []string{"/dev/ttyUSB0,role=room,room=Salle K 會議室", "/dev/ttyUSB1,format=qr"}},
		{"\n/dev/ttyACM0,format=line,room=Popov Room,role=room\r\n", []string{"/dev/ttyACM0,format=line,room=Popov Room,role=room"}},
	}
	for _, tt := range tests {
		fs := newFlagSet("kiosk", "kiosk", nil)
		var readers stringList
		fs.Var(&readers, "reader", "")
		getenv := func(k string) string {
			if k == "CHECKIN_READER" {
				return tt.env
			}
			return ""
		}
		if _, err := parseFlags(fs, nil, getenv); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(readers, tt.want) {
			t.Errorf("CHECKIN_READER=%q: readers %q, want %q", tt.env, readers, tt.want)
		}
	}
	// A flag on the command line wins over the variable.
	fs := newFlagSet("kiosk", "kiosk", nil)
	var readers stringList
	fs.Var(&readers, "reader", "")
	if _, err := parseFlags(fs, []string{"--reader", "/dev/x"}, func(string) string { return "/dev/y\n/dev/z" }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(readers, []string{"/dev/x"}) {
		t.Errorf("flag and variable: %q", readers)
	}
}
