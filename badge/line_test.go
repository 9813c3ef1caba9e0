package badge_test

import (
	"strings"
	"testing"

	"checkin/badge"
)

func TestLine(t *testing.T) {
	runDecodeTests(t, badge.FormatLine, []decodeTest{
		{"LF", []string{"04A1B2C3D4E5F6\n"}, []string{"04A1B2C3D4E5F6"}},
		{"CR", []string{"04a1b2c3\r"}, []string{"04A1B2C3"}},
		{"CRLF is one line end", []string{"04A1B2C3\r\n05A1B2C3\r\n"}, []string{"04A1B2C3", "05A1B2C3"}},
		{"CRLF split across reads", []string{"04A1B2C3\r", "\n", "05A1B2C3\r", "\n"}, []string{"04A1B2C3", "05A1B2C3"}},
		{"LF CR is two line ends", []string{"04A1B2C3\n\r"}, []string{"04A1B2C3"}},
		{"separators", []string{"04:a1-b2 c3\n"}, []string{"04A1B2C3"}},
		{"0x prefix", []string{"0x0a1b2c3d\n"}, []string{"0A1B2C3D"}},
		{"split line", []string{"04A1", "B2C3", "\n"}, []string{"04A1B2C3"}},
		{"empty lines", []string{"\n\r\n\r\r\n  \n"}, nil},
		{"no line end yet", []string{"04A1B2C3"}, nil},
		{"idle does not end a line", []string{"04A1B2C3", idle, "\n"}, []string{"04A1B2C3"}},
		{"odd digits", []string{"04A1B\n"}, []string{"!length"}},
		{"not hex", []string{"04G1\n"}, []string{"!bad_hex"}},
		{"tab", []string{"\t04A1\n"}, []string{"!bad_hex"}},
		{"separators only", []string{":-:\n"}, []string{"!bad_hex"}},
		{"0x only", []string{"0x \n"}, []string{"!bad_hex"}},
		{"too many digits", []string{strings.Repeat("AB", 33) + "\n"}, []string{"!length"}},
		{"longest UID", []string{strings.Repeat("AB", 32) + "\n"}, []string{strings.Repeat("AB", 32)}},
		{"over MaxUIDInput", []string{strings.Repeat("A ", 129) + "\n"}, []string{"!length"}},
		{"512 bytes is a line", []string{strings.Repeat(" ", 510) + "AB\n"}, []string{"!length"}},
		{"overlong dropped whole", []string{strings.Repeat("A", 513) + "BB\n04A1B2C3\n"}, []string{"!overlong", "04A1B2C3"}},
		{"overlong across reads", []string{strings.Repeat("A", 300), strings.Repeat("A", 300), "\r\n04A1B2C3\n"}, []string{"!overlong", "04A1B2C3"}},
	})
}

// TestLineMatchesCanonicalUID checks that the allocation-free line parser
// follows CanonicalUID's rules.
func TestLineMatchesCanonicalUID(t *testing.T) {
	for _, s := range []string{"04A1B2C3D4E5F6", "04:a1:b2:c3", "0x0a1b2c3d", "  0A1B2C3D4E ", "04A1B", "0x", "0X12", "0", "ä0"} {
		checkLineMatches(t, s)
	}
}

func checkLineMatches(t *testing.T, s string) {
	t.Helper()
	if strings.ContainsAny(s, "\r\n") || len(s) > badge.MaxLine {
		return
	}
	got := decode(t, badge.FormatLine, s+"\n")
	want, err := badge.CanonicalUID(s)
	switch {
	case err == nil && (len(got) != 1 || got[0] != want):
		t.Fatalf("line %q: got %q, want %q as CanonicalUID", s, got, want)
	case err != nil && len(got) == 1 && !strings.HasPrefix(got[0], "!"):
		t.Fatalf("line %q: got %q, want a reject as CanonicalUID: %v", s, got, err)
	case err != nil && len(got) == 0 && strings.Trim(s, " ") != "":
		t.Fatalf("line %q: ignored, want a reject as CanonicalUID: %v", s, err)
	}
}

func FuzzLine(f *testing.F) {
	f.Add([]byte("04A1B2C3D4E5F6\r\n04:a1:b2\n"), 3)
	f.Add([]byte("0x0A\r\r\n\n04G1\n"), 0)
	f.Add([]byte(strings.Repeat("A", 520)+"\n0102\n"), 515)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		checkFrames(t, badge.FormatLine, data, abs(split))
		checkLineMatches(t, string(data))
	})
}

func TestLineDec(t *testing.T) {
	runDecodeTests(t, badge.FormatLineDec, []decodeTest{
		{"small", []string{"12345\r\n"}, []string{"00003039"}},
		{"zero", []string{"0\n"}, []string{"00000000"}},
		{"leading zeros", []string{"0012345678\n"}, []string{"00BC614E"}},
		{"32 bits", []string{"4294967295\n"}, []string{"FFFFFFFF"}},
		{"33 bits", []string{"4294967296\n"}, []string{"0100000000"}},
		{"64 bits", []string{"18446744073709551615\n"}, []string{"FFFFFFFFFFFFFFFF"}},
		{"overflow", []string{"18446744073709551616\n"}, []string{"!length"}},
		{"spaces around", []string{"  12345\t\r\n"}, []string{"00003039"}},
		{"split", []string{"123", "45\r", "\n"}, []string{"00003039"}},
		{"not a number", []string{"12a45\n"}, []string{"!bad_number"}},
		{"sign", []string{"-12345\n"}, []string{"!bad_number"}},
		{"inner space", []string{"123 45\n"}, []string{"!bad_number"}},
		{"empty lines", []string{"\r\n \n"}, nil},
		{"overlong", []string{strings.Repeat("1", 600) + "\n12345\n"}, []string{"!overlong", "00003039"}},
	})
}

func FuzzLineDec(f *testing.F) {
	f.Add([]byte("12345\r\n4294967296\n"), 2)
	f.Add([]byte("99999999999999999999999\n12a\n\r\n"), 7)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		checkFrames(t, badge.FormatLineDec, data, abs(split))
	})
}
