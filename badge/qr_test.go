package badge_test

import (
	"strings"
	"testing"

	"checkin/badge"
)

func TestQR(t *testing.T) {
	const tok = "CK1.eyJkIjoiRDAwMSJ9.c2ln"
	runDecodeTests(t, badge.FormatQR, []decodeTest{
		{"CRLF", []string{tok + "\r\n"}, []string{tok}},
		{"AIM prefix stripped", []string{"]Q1" + tok + "\r"}, []string{tok}},
		{"other AIM prefix", []string{"]d2" + "0104012345\n"}, []string{"0104012345"}},
		{"idle gap ends a code", []string{"]Q1" + tok, idle}, []string{tok}},
		{"idle gap then line end", []string{tok, idle, "\r\n"}, []string{tok}},
		{"no gap, no end", []string{"]Q1" + tok}, nil},
		{"split", []string{"]Q", "1CK1.", "abc\n"}, []string{"CK1.abc"}},
		{"raw text kept", []string{"hello World 04:a1\n"}, []string{"hello World 04:a1"}},
		{"bracket alone kept", []string{"]Q\n"}, []string{"]Q"}},
		{"AIM prefix only", []string{"]Q1\n"}, nil},
		{"empty", []string{"\r\n", idle}, nil},
		{"overlong", []string{strings.Repeat("Z", 600) + "\n" + tok + "\n"}, []string{"!overlong", tok}},
		{"overlong ended by idle", []string{strings.Repeat("Z", 600), idle, tok, idle}, []string{"!overlong", tok}},
		{"512 bytes", []string{strings.Repeat("Z", 512), idle}, []string{strings.Repeat("Z", 512)}},
	})
}

func FuzzQR(f *testing.F) {
	f.Add([]byte("]Q1CK1.abc.def\r\nhello\n"), 4)
	f.Add([]byte("]Q1\n]\n"+strings.Repeat("x", 520)+"\r"), 100)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		checkFrames(t, badge.FormatQR, data, abs(split))
	})
}
