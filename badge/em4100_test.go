package badge_test

import (
	"fmt"
	"testing"

	"checkin/badge"
)

// emFrame builds an EM4100 frame for 10 hex data characters; a non-zero
// flip corrupts the checksum.
func emFrame(data string, flip byte) string {
	var sum byte
	for i := 0; i < 10; i += 2 {
		var b byte
		fmt.Sscanf(data[i:i+2], "%02X", &b)
		sum ^= b
	}
	return fmt.Sprintf("\x02%s%02X\x03", data, sum^flip)
}

func TestEM4100(t *testing.T) {
	good := emFrame("0A00B1C2D3", 0)
	runDecodeTests(t, badge.FormatEM4100, []decodeTest{
		{"frame", []string{good}, []string{"0A00B1C2D3"}},
		{"checksum value", []string{"\x020A00B1C2D3AA\x03"}, []string{"0A00B1C2D3"}},
		{"lower case", []string{"\x020a00b1c2d3aa\x03"}, []string{"0A00B1C2D3"}},
		{"split across reads", []string{good[:3], good[3:11], good[11:]}, []string{"0A00B1C2D3"}},
		{"byte by byte", splitBytes(good), []string{"0A00B1C2D3"}},
		{"repeated", []string{good + good + good}, []string{"0A00B1C2D3", "0A00B1C2D3", "0A00B1C2D3"}},
		{"bad checksum", []string{emFrame("0A00B1C2D3", 0x10)}, []string{"!checksum"}},
		{"garbage then frame", []string{"\x00\xffxyz" + good}, []string{"!garbage", "0A00B1C2D3"}},
		{"garbage counted once per run", []string{"abc", "def", good, "ghi"}, []string{"!garbage", "0A00B1C2D3", "!garbage"}},
		{"cut short by STX", []string{"\x020A00B" + good}, []string{"!garbage", "0A00B1C2D3"}},
		{"non-hex in frame", []string{"\x020A00Z1C2D3AA\x03" + good}, []string{"!garbage", "0A00B1C2D3"}},
		{"short frame", []string{"\x020A00B1\x03"}, []string{"!length"}},
		{"long frame", []string{"\x020A00B1C2D3AA00\x03" + good}, []string{"!length", "0A00B1C2D3"}},
		{"CR LF before ETX", []string{good[:13] + "\r\n\x03"}, []string{"0A00B1C2D3"}},
		{"CR LF between frames", []string{good + "\r\n" + good}, []string{"0A00B1C2D3", "0A00B1C2D3"}},
		{"partial frame pending", []string{good[:8]}, nil},
		{"idle ignored", []string{good[:8], idle, good[8:]}, []string{"0A00B1C2D3"}},
		{"empty", []string{""}, nil},
	})
}

func FuzzEM4100(f *testing.F) {
	f.Add([]byte(emFrame("0A00B1C2D3", 0)), 5)
	f.Add([]byte(emFrame("0A00B1C2D3", 1)+"\x00"+emFrame("1234567890", 0)), 17)
	f.Add([]byte("\x02\x02\x03\x03\r\n"), 2)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		checkFrames(t, badge.FormatEM4100, data, abs(split))
	})
}

func splitBytes(s string) []string {
	out := make([]string, len(s))
	for i := range s {
		out[i] = s[i : i+1]
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -(n + 1)
	}
	return n
}
