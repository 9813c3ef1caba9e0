package badge_test

import (
	"fmt"
	"strings"
	"testing"

	"checkin/badge"
)

// wiegand returns the binary digits of a Wiegand read of n bits (26 or
// 34) carrying data, with correct parity unless bad.
func wiegand(data uint64, n int, bad bool) string {
	half := (n - 2) / 2
	d := fmt.Sprintf("%0*b", n-2, data)
	lead := strings.Count(d[:half], "1") % 2
	trail := 1 - strings.Count(d[half:], "1")%2
	if bad {
		trail ^= 1
	}
	return fmt.Sprintf("%d%s%d", lead, d, trail)
}

// TestWiegandHelper pins the test helper to a worked H10301 example:
// facility 1, card 1 has one set bit in each half, so the even leading
// parity is 1 and the odd trailing parity is 0.
func TestWiegandHelper(t *testing.T) {
	const want = "1" + "00000001" + "0000000000000001" + "0"
	if got := wiegand(0x010001, 26, false); got != want {
		t.Errorf("wiegand(0x010001, 26) = %q, want %q", got, want)
	}
}

func TestWiegand(t *testing.T) {
	w26 := wiegand(0x1A2B3C, 26, false)
	w34 := wiegand(0x12345678, 34, false)
	runDecodeTests(t, badge.FormatWiegand, []decodeTest{
		{"26 bits", []string{w26 + "\r\n"}, []string{"1A2B3C"}},
		{"26 bits prefixed", []string{"W26:" + w26 + "\n"}, []string{"1A2B3C"}},
		{"34 bits", []string{w34 + "\n"}, []string{"12345678"}},
		{"34 bits prefixed", []string{"W34:" + w34 + "\r"}, []string{"12345678"}},
		{"lower-case prefix", []string{"w26:" + w26 + "\n"}, []string{"1A2B3C"}},
		{"zero data", []string{wiegand(0, 26, false) + "\n"}, []string{"000000"}},
		{"all ones", []string{wiegand(0xFFFFFFFF, 34, false) + "\n"}, []string{"FFFFFFFF"}},
		{"split", []string{w26[:10], w26[10:] + "\r", "\n"}, []string{"1A2B3C"}},
		{"bad trailing parity", []string{wiegand(0x1A2B3C, 26, true) + "\n"}, []string{"!parity"}},
		{"bad leading parity", []string{flip(w34, 0) + "\n"}, []string{"!parity"}},
		{"flipped data bit", []string{flip(w26, 5) + "\n"}, []string{"!parity"}},
		{"prefix mismatch", []string{"W34:" + w26 + "\n"}, []string{"!length"}},
		{"unknown prefix", []string{"W37:" + w26 + "\n"}, []string{"!length"}},
		{"wrong length", []string{"1010\n"}, []string{"!length"}},
		{"not binary", []string{strings.Replace(w26, "0", "2", 1) + "\n"}, []string{"!bad_number"}},
		{"hex is not wiegand", []string{"1A2B3C\n"}, []string{"!bad_number"}},
		{"empty lines", []string{"\n\r\n"}, nil},
		{"overlong", []string{strings.Repeat("0", 513) + "\n" + w26 + "\n"}, []string{"!overlong", "1A2B3C"}},
	})
}

func flip(s string, i int) string {
	b := []byte(s)
	b[i] ^= 1 // '0' <-> '1'
	return string(b)
}

func FuzzWiegand(f *testing.F) {
	f.Add([]byte("W26:"+wiegand(0x1A2B3C, 26, false)+"\r\n"), 9)
	f.Add([]byte(wiegand(0x12345678, 34, true)+"\n1\n"), 0)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		checkFrames(t, badge.FormatWiegand, data, abs(split))
	})
}
