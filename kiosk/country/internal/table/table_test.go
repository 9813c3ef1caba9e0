package table_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"checkin/kiosk/country/internal/table"
)

// mo builds a little-endian .mo catalogue of pairs (msgid, msgstr).
func mo(pairs ...string) []byte {
	n := len(pairs) / 2
	head := 28
	orig, trans := head, head+8*n
	strs := trans + 8*n
	var body []byte
	tab := make([]byte, 16*n)
	for i := range n {
		for j, s := range []string{pairs[2*i], pairs[2*i+1]} {
			at := 8*i + 8*n*j
			binary.LittleEndian.PutUint32(tab[at:], uint32(len(s)))
			binary.LittleEndian.PutUint32(tab[at+4:], uint32(strs+len(body)))
			body = append(body, s...)
			body = append(body, 0)
		}
	}
	out := make([]byte, head)
	binary.LittleEndian.PutUint32(out[0:], 0x950412de)
	binary.LittleEndian.PutUint32(out[8:], uint32(n))
	binary.LittleEndian.PutUint32(out[12:], uint32(orig))
	binary.LittleEndian.PutUint32(out[16:], uint32(trans))
	return append(append(out, tab...), body...)
}

func TestExtractAndGenerate(t *testing.T) {
	js := []byte(`{"3166-1":[{"alpha_2":"KR","name":"Korea, Republic of"},{"alpha_2":"CH","name":"Switzerland"}]}`)
	cats := map[string][]byte{
		"fr": mo("", "header", "Switzerland", "Suisse", "Korea, Republic of", "Corée, République de"),
		"es": mo("Switzerland", "Suiza", "Korea, Republic of", "Corea, República de"),
		"ar": mo("Switzerland", "سويسرا", "Korea, Republic of", "كوريا، جمهوريّة كوريا"),
		"zh": mo("Switzerland", "瑞士"),
		"ru": mo("Switzerland", "Швейцария"),
	}
	iso, err := table.Extract(js, cats, "9.9")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(iso), "CH\tSwitzerland\tSuisse\tSuiza\tسويسرا\t瑞士\tШвейцария\n") ||
		!strings.Contains(string(iso), "KR\tKorea, Republic of\tCorée, République de\t") ||
		!strings.Contains(string(iso), "iso-codes 9.9:") {
		t.Fatalf("extract:\n%s", iso)
	}
	// Without a UN row for KR, its missing zh and ru names are an error.
	if _, err := table.Generate(iso, []byte("code\ten\tfr\tes\tar\tzh\tru\n")); err == nil || !strings.Contains(err.Error(), "KR has no zh name") {
		t.Fatalf("Generate without KR's names: err = %v", err)
	}
	un := "# reviewed\ncode\ten\tfr\tes\tar\tzh\tru\n" +
		"KR\tRepublic of Korea\tRépublique de Corée\tRepública de Corea\tجمهورية كوريا\t大韩民国\tРеспублика Корея\n" +
		"XK\tKosovo\tKosovo\tKosovo\tكوسوفو\t科索沃\tКосово\n"
	out, err := table.Generate(iso, []byte(un))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := table.Parse(out, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Code != "CH" || rows[1].Code != "KR" || rows[2].Code != "XK" {
		t.Fatalf("rows = %+v", rows)
	}
	if rows[0].Source != table.SourceISO || rows[1].Source != table.SourceUN || rows[1].Names[0] != "Republic of Korea" {
		t.Errorf("rows = %+v", rows)
	}
	// A UN row must give all six names.
	if _, err := table.Generate(iso, []byte("code\ten\tfr\tes\tar\tzh\tru\nKR\tRepublic of Korea\t\t\t\t\t\n")); err == nil {
		t.Error("a UN row without its other names was accepted")
	}
}

func TestParseRejectsBadRows(t *testing.T) {
	for _, in := range []string{
		"code\ten\tfr\tes\tar\tzh\tru\nKR\tonly two\n",
		"code\ten\tfr\tes\tar\tzh\tru\nkr\ta\tb\tc\td\te\tf\n",
		"code\ten\tfr\tes\tar\tzh\tru\nKR\ta\tb\tc\td\te\tf\nKR\ta\tb\tc\td\te\tf\n",
	} {
		if _, err := table.Parse([]byte(in), 7); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
	if _, err := table.ParseMO([]byte("not a catalogue at all")); err == nil {
		t.Error("ParseMO accepted garbage")
	}
}
