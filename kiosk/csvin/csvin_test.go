package csvin_test

import (
	"strings"
	"testing"

	"checkin/kiosk/csvin"
)

func TestOpen(t *testing.T) {
	known := []string{"id", "name"}
	tests := []struct {
		name     string
		in       string
		rows     []string // "id|name" per row
		problems []string
		warnings []string
	}{
		{name: "comma", in: "id,name\n1,a\n", rows: []string{"1|a"}},
		{name: "semicolon with commas in data", in: "ID;Name\n1;\"a, b\"\n2;c,d\n", rows: []string{"1|a, b", "2|c,d"}},
		{name: "bom crlf", in: "\ufeffid,name\r\n1,a\r\n", rows: []string{"1|a"}},
		{name: "nameless trailing columns", in: "id,name,,\n1,a,,\n", rows: []string{"1|a"},
			warnings: []string{"1: column 3 has no name", "1: column 4 has no name"}},
		{name: "trailing empty fields", in: "id,name\n1,a,\n2,b, ,\n", rows: []string{"1|a", "2|b"}},
		{name: "extra data", in: "id,name\n1,a,x\n", problems: []string{"2: row has 3 fields, the header has 2"}},
		{name: "tabs", in: "id\tname\n1\ta\n", problems: []string{"1: the header is separated by tabs"}},
		{name: "folded white space", in: "id,name\n1,\"  a \n b\t c \"\n", rows: []string{"1|a b c"}},
		{name: "blank lines", in: "id,name\n\n1,a\n\n", rows: []string{"1|a"}},
		{name: "missing required", in: "name\nx\n", problems: []string{"1: id: required column is missing"}},
		{name: "unknown column", in: "id,name,Colour\n1,a,red\n", rows: []string{"1|a"}, warnings: []string{"1: Colour: unknown column, ignored"}},
		{name: "bad quote", in: "id,name\n1,a\"b\n2,c\n", rows: []string{"2|c"}, problems: []string{`2: column 4: bare " in non-quoted-field`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := csvin.Open([]byte(tt.in), known, []string{"id"})
			var rows []string
			if len(r.Problems) == 0 {
				for {
					row, ok := r.Next()
					if !ok {
						break
					}
					rows = append(rows, row.Get("id")+"|"+row.Get("name"))
				}
			}
			check := func(what string, got []string, want []string) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s = %q, want %q", what, got, want)
				}
				for i := range got {
					if !strings.HasPrefix(got[i], want[i]) {
						t.Errorf("%s[%d] = %q, want prefix %q", what, i, got[i], want[i])
					}
				}
			}
			check("rows", rows, tt.rows)
			var probs, warns []string
			for _, p := range r.Problems {
				probs = append(probs, p.String())
			}
			for _, w := range r.Warnings {
				warns = append(warns, w.String())
			}
			check("problems", probs, tt.problems)
			check("warnings", warns, tt.warnings)
		})
	}
}
