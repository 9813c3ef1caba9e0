package roster_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"checkin/kiosk"
	"checkin/kiosk/roster"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []kiosk.Delegate
		warn int
	}{
		{
			name: "minimal",
			in:   "id,family_name,given_name\nD1,Müller,Jürgen\n",
			want: []kiosk.Delegate{{ID: "D1", FamilyName: "Müller", GivenName: "Jürgen", Role: "delegate", Status: "registered", Language: "en"}},
		},
		{
			name: "bom semicolon quoted crlf",
			in: "\ufeffID;Family_Name;GIVEN_NAME;groups;badge_uid;country;role;status;language;valid_from;valid_to;email\r\n" +
				"D2;\"Иванов\";Пётр;\"SG12;WP1/12; Q2/12\";\"04:a1:b2:c3; 0A0B0C0D\";ru;Head;CONFIRMED;ru;2026-11-21;2026-11-23;p.ivanov@example.org\r\n",
			want: []kiosk.Delegate{{
				ID: "D2", FamilyName: "Иванов", GivenName: "Пётр", Country: "RU", Role: "head", Status: "confirmed",
				Language: "ru", Groups: []string{"SG12", "WP1/12", "Q2/12"}, Badges: []string{"04A1B2C3", "0A0B0C0D"},
				ValidFrom: "2026-11-21", ValidTo: "2026-11-23", Email: "p.ivanov@example.org",
			}},
		},
		{
			name: "unknown column warns, blank lines skipped, quoted newline",
			in:   "id,family_name,given_name,shoe_size,organization\n\nD3,王,伟,42,\"Ministry of\nCommunications\"\nD4,\"O'Brien, Jr.\",Seán,,\"\"\"Quoted\"\" Org\"\n",
			want: []kiosk.Delegate{
				{ID: "D3", FamilyName: "王", GivenName: "伟", Organization: "Ministry of Communications", Role: "delegate", Status: "registered", Language: "en"},
				{ID: "D4", FamilyName: "O'Brien, Jr.", GivenName: "Seán", Organization: `"Quoted" Org`, Role: "delegate", Status: "registered", Language: "en"},
			},
			warn: 1,
		},
		{
			name: "country_name as written, any script, with or without a code",
			in: "id,family_name,given_name,country,Country_Name\n" +
				"V1,Parolin,Pietro,VA,Holy See\n" +
				"O1,Dupont,Marie,,Organisation internationale de la Francophonie\n" +
				"P1,الأحمد,محمد,ps,\"  دولة فلسطين \"\n" +
				"K1,김,민준,KR,\n",
			want: []kiosk.Delegate{
				{ID: "V1", FamilyName: "Parolin", GivenName: "Pietro", Country: "VA", CountryName: "Holy See", Role: "delegate", Status: "registered", Language: "en"},
				{ID: "O1", FamilyName: "Dupont", GivenName: "Marie", CountryName: "Organisation internationale de la Francophonie", Role: "delegate", Status: "registered", Language: "en"},
				{ID: "P1", FamilyName: "الأحمد", GivenName: "محمد", Country: "PS", CountryName: "دولة فلسطين", Role: "delegate", Status: "registered", Language: "en"},
				{ID: "K1", FamilyName: "김", GivenName: "민준", Country: "KR", Role: "delegate", Status: "registered", Language: "en"},
			},
		},
		{
			name: "japanese, for the badge's glyph forms",
			in:   "id,family_name,given_name,country,language\nJ1,渡辺,さくら,JP,JA\n",
			want: []kiosk.Delegate{{ID: "J1", FamilyName: "渡辺", GivenName: "さくら", Country: "JP", Role: "delegate", Status: "registered", Language: "ja"}},
		},
		{
			name: "latin names",
			in: "id,family_name,given_name,country,latin_family_name,Latin_Given_Name\n" +
				"D6,Кузнецова,Дарья,RU,Kuznetsova,Daria\n" +
				"D7,المنصوري,أحمد,AE,Al Mansouri,Ahmed\n" +
				"D8,佐藤,花子,JP,Satō,\n" +
				"D9,Øvergård,Siri,NO,,\n",
			want: []kiosk.Delegate{
				{ID: "D6", FamilyName: "Кузнецова", GivenName: "Дарья", Country: "RU", LatinFamilyName: "Kuznetsova", LatinGivenName: "Daria",
					Role: "delegate", Status: "registered", Language: "en"},
				{ID: "D7", FamilyName: "المنصوري", GivenName: "أحمد", Country: "AE", LatinFamilyName: "Al Mansouri", LatinGivenName: "Ahmed",
					Role: "delegate", Status: "registered", Language: "en"},
				{ID: "D8", FamilyName: "佐藤", GivenName: "花子", Country: "JP", LatinFamilyName: "Satō", Role: "delegate", Status: "registered", Language: "en"},
				{ID: "D9", FamilyName: "Øvergård", GivenName: "Siri", Country: "NO", Role: "delegate", Status: "registered", Language: "en"},
			},
		},
		{
			name: "mononym",
			in:   "id,family_name,given_name\nD5,Sukarno,\n",
			want: []kiosk.Delegate{{ID: "D5", FamilyName: "Sukarno", Role: "delegate", Status: "registered", Language: "en"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := roster.Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, res.Delegates); diff != "" {
				t.Errorf("delegates (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != tt.warn {
				t.Errorf("got %d warnings %v, want %d", len(res.Warnings), res.Warnings, tt.warn)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	const head = "id,family_name,given_name,country,role,status,language,valid_from,valid_to,badge_uid,email,groups\n"
	tests := []struct {
		name string
		in   string
		want []string // every problem, as "LINE: column: why" prefixes
	}{
		{"empty file", "", []string{"file is empty"}},
		{"only BOM", "\ufeff \n", []string{"file is empty"}},
		{"header only", head, []string{"no delegates"}},
		{"missing required column", "id,family_name\nD1,X\n", []string{"1: given_name: required column is missing"}},
		{"duplicate header", "id,family_name,given_name,ID\nD1,X,Y,Z\n", []string{"1: id: column appears twice"}},
		{"invalid utf8", "id,family_name,given_name\nD1,M\xfcller,J\n", []string{"2: not valid UTF-8"}},
		{
			"every bad row named",
			head +
				"D1,Müller,Jürgen,DE,delegate,registered,en,,,,,\n" +
				",Empty,Id,,,,,,,,,\n" +
				"D3,,Nofamily,,,,,,,,,\n" +
				"D4,X,Y,ZZ,king,gone,de,2026-13-01,2026-11-20,GG,not-an-email,\n" +
				"D5,X,Y,,,,,2026-11-25,2026-11-20,,,\n" +
				"D1,Dup,Id,,,,,,,,,\n" +
				"D7,X,Y,,,,,,,04A1B2C3,,\n" +
				"D8,X,Y,,,,,,,04:a1:b2:c3,,\n" +
				"D9,too,few\n" +
				"D10,X,Y,,,,,,,abc,,\n",
			[]string{
				"3: id: is empty",
				"4: family_name: is empty",
				"5: role: \"king\" is not one of",
				"5: status: \"gone\" is not one of",
				"5: language: \"de\" is not one of",
				"5: valid_from: \"2026-13-01\" is not a date",
				"5: country: \"ZZ\" is not an ISO 3166-1 alpha-2 code",
				"5: email: \"not-an-email\" is not an e-mail address",
				"5: badge_uid: \"GG\": not a hex UID",
				"6: valid_to: 2026-11-20 is before valid_from 2026-11-25",
				"7: id: duplicate id \"D1\" (first on line 2)",
				"9: badge_uid: badge 04A1B2C3 is already given on line 8",
				"10: row has 3 fields, the header has 12",
				"11: badge_uid: \"abc\": not a hex UID: odd number of hex digits",
			},
		},
		{"control character", "id,family_name,given_name\nD1,Bad\x07Name,X\n", []string{"2: family_name: contains a control character"}},
		{
			"unknown country code and a bad country_name, by line and column",
			"id,family_name,given_name,country,country_name\nD1,X,Y,CH,\nD2,X,Y,XX,\nD3,X,Y,uk,United Kingdom\nD4,X,Y,,Bad\x07Name\nD5,X,Y,," + strings.Repeat("x", 257) + "\n",
			[]string{
				"3: country: \"XX\" is not an ISO 3166-1 alpha-2 code",
				"4: country: \"UK\" is not an ISO 3166-1 alpha-2 code",
				"5: country_name: contains a control character",
				"6: country_name: is 257 bytes long, at most 256",
			},
		},
		{"bare quote", "id,family_name,given_name\nD1,Bad\"Quote,X\nD2,Ok,Ok\n", []string{"2: column"}},
		{"id with slash", "id,family_name,given_name\nD/1,X,Y\n", []string{"2: id: \"D/1\" must not contain"}},
		{"latin names not latin", "id,family_name,given_name,latin_family_name,latin_given_name\n" +
			"D1,Кузнецова,Дарья,Кузнецова,Daria\nD2,王,芳,Wang,芳\nD3,X,Y,A\x07B,\n",
			[]string{
				"2: latin_family_name: \"Кузнецова\" is not in Latin letters (it has 'К')",
				"3: latin_given_name: \"芳\" is not in Latin letters",
				"4: latin_family_name: contains a control character",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := roster.Parse(strings.NewReader(tt.in))
			var errs kiosk.Problems
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v, want kiosk.Problems", err)
			}
			if len(res.Delegates) != 0 {
				t.Errorf("got %d delegates with errors, want none", len(res.Delegates))
			}
			var got []string
			for _, p := range errs {
				got = append(got, p.String())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("problem %d = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseManyErrorsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,family_name,given_name,country\n")
	for i := 0; i < 1000; i++ {
		b.WriteString("X,Y,Z,QQ\n")
	}
	_, err := roster.Parse(strings.NewReader(b.String()))
	var errs kiosk.Problems
	if !errors.As(err, &errs) || len(errs) != kiosk.MaxProblems {
		t.Fatalf("got %d problems, want %d", len(errs), kiosk.MaxProblems)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("id,family_name,given_name\nD1,Müller,Jürgen\n")
	f.Add("\ufeffid;family_name;given_name;groups\nD1;X;Y;\"A;B\"\n")
	f.Add("id,family_name,given_name,badge_uid\nD1,X,Y,04:A1\nD2,X,Y,04a1\n")
	f.Add("id,family_name,given_name\n\"D1,X,Y\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := roster.Parse(strings.NewReader(in))
		if err != nil {
			if len(res.Delegates) != 0 {
				t.Fatalf("delegates returned along with error %v", err)
			}
			var errs kiosk.Problems
			if !errors.As(err, &errs) || len(errs) == 0 || len(errs) > kiosk.MaxProblems {
				t.Fatalf("error %v is not a bounded kiosk.Problems", err)
			}
			return
		}
		ids := map[string]bool{}
		uids := map[string]bool{}
		for _, d := range res.Delegates {
			if d.ID == "" || d.FamilyName == "" || ids[d.ID] {
				t.Fatalf("bad or duplicate delegate %+v", d)
			}
			ids[d.ID] = true
			for _, u := range d.Badges {
				if uids[u] {
					t.Fatalf("badge %s given twice", u)
				}
				uids[u] = true
			}
		}
	})
}
