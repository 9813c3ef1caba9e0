package doctor_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"checkin/kiosk/doctor"
)

func TestParseEnvFile(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
	}{
		{"shipped kiosk.env", `# checkin kiosk: every flag of ` + "`checkin kiosk --help`" + ` as CHECKIN_<FLAG>.
CHECKIN_DATA=/var/lib/checkin/kiosk
# The venue network opens the lobby (/lobby) and the desk (/desk) here; taps and the entrance
CHECKIN_ADDR=0.0.0.0:8080
#CHECKIN_KIOSK_ID=north-1
#CHECKIN_READER="usb:0403:6001,format=em4100,gate=main"
CHECKIN_LOBBY_TVS=true
CHECKIN_ENTRANCE_SCREEN=true
`, map[string]string{"CHECKIN_DATA": "/var/lib/checkin/kiosk", "CHECKIN_ADDR": "0.0.0.0:8080",
			"CHECKIN_LOBBY_TVS": "true", "CHECKIN_ENTRANCE_SCREEN": "true"}},
		{"blank lines, ; comments, spaces", "\n\n  ; a comment\n\tA = b c  \n\nB=\n", map[string]string{"A": "b c", "B": ""}},
		{"double quotes span lines", "CHECKIN_READER=\"/dev/ttyUSB0,format=em4100,gate=main\n/dev/ttyUSB1,format=qr,room=Room A\"\nX=1\n",
			map[string]string{"CHECKIN_READER": "/dev/ttyUSB0,format=em4100,gate=main\n/dev/ttyUSB1,format=qr,room=Room A", "X": "1"}},
		{"single quotes are literal", `A='a "b" \n $c'` + "\n" + `B='x` + "\n" + `y'`, map[string]string{"A": `a "b" \n $c`, "B": "x\ny"}},
		{"double-quote escapes", `A="say \"hi\" \\ \$HOME \x"`, map[string]string{"A": `say "hi" \ $HOME \x`}},
		{"backslash-newline continues", "A=one \\\ntwo\nB=\"x\\\ny\"\n", map[string]string{"A": "one two", "B": "xy"}},
		{"escape outside quotes", `A=a\ b\#c`, map[string]string{"A": `a b#c`}},
		{"quotes then more", `A="a b" 'c'd`, map[string]string{"A": "a bcd"}},
		{"a quote inside a plain value is a character", `A=x"y" z`, map[string]string{"A": `x"y" z`}},
		{"comment continues", "# one \\\nNOT=read\nA=1", map[string]string{"A": "1"}},
		{"last one wins, CRLF", "A=1\r\nA=2\r\n", map[string]string{"A": "2"}},
		{"no newline at end", "A=x", map[string]string{"A": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := doctor.ParseEnvFile("kiosk.env", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestParseEnvFileErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not an assignment", "A=1\n\nexport\n", "kiosk.env:3: \"export\" is not KEY=VALUE"},
		{"bad name", "# x\n1A=2\n", "kiosk.env:2: \"1A\" is not a valid variable name"},
		{"space in name", "MY VAR=2\n", `kiosk.env:1: "MY VAR" is not a valid variable name`},
		{"unclosed double quote", "A=1\nB=\"x\ny\nC=3\n", "kiosk.env:2: B: a double quote is not closed"},
		{"unclosed single quote", "A='x", "kiosk.env:1: A: a single quote is not closed"},
		{"line after a multi-line value", "A=\"x\ny\"\nB=2\noops\n", "kiosk.env:4: \"oops\" is not KEY=VALUE"},
		{"line after a continuation", "A=x\\\ny\nbad line\n", "kiosk.env:3: \"bad line\" is not KEY=VALUE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := doctor.ParseEnvFile("kiosk.env", []byte(tt.in))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
		})
	}
}
