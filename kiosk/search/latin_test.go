package search_test

import (
	"slices"
	"testing"

	"checkin/kiosk/search"
)

// latinRoster has names in every script the desk must find by typing
// Latin letters, and names found that way only through the roster's latin
// columns (kanji, Arabic, Hebrew).
var latinRoster = []search.Doc{
	{ID: "R1", FamilyName: "Кузнецов", GivenName: "Евгений", Country: "RU", Email: "e.kuznetsov@example.ru"},
	{ID: "R2", FamilyName: "Шевчишин", GivenName: "Олексій", Country: "UA"},
	{ID: "R3", FamilyName: "王", GivenName: "芳", Country: "CN"},
	{ID: "R4", FamilyName: "Παπαδοπούλου", GivenName: "Αικατερίνη", Country: "GR"},
	{ID: "R5", FamilyName: "佐藤", GivenName: "花子", Country: "JP", LatinFamilyName: "Satō", LatinGivenName: "Hanako"},
	{ID: "R6", FamilyName: "山本", GivenName: "一郎", Country: "JP"},
	{ID: "R7", FamilyName: "المنصوري", GivenName: "أحمد", Country: "AE", LatinFamilyName: "Al Mansouri", LatinGivenName: "Ahmed"},
	{ID: "R8", FamilyName: "الزهراني", GivenName: "منى", Country: "SA"},
	{ID: "R9", FamilyName: "Սարգսյան", GivenName: "Լուսինե", Country: "AM"},
	{ID: "R10", FamilyName: "ყიფიანი", GivenName: "ნინო", Country: "GE"},
	{ID: "R11", FamilyName: "さとう", GivenName: "ゆうこ", Country: "JP"},
	{ID: "R12", FamilyName: "כהן", GivenName: "נועה", Country: "IL", LatinFamilyName: "Cohen", LatinGivenName: "Noa"},
	{ID: "R13", FamilyName: "曾", GivenName: "晓芳", Country: "CN", LatinFamilyName: "Zeng", LatinGivenName: "Xiaofang"},
	{ID: "R14", FamilyName: "Müller", GivenName: "Jonas", Country: "DE", Email: "jonas.mueller@bakom.example.ch"},
}

func TestSearchLatinSpellings(t *testing.T) {
	ix := search.Build(latinRoster)
	tests := []struct {
		q    string
		want []string // the ids found, in order
	}{
		// Cyrillic by BGN/PCGN, ICAO 9303 and GOST 7.79 spellings.
		{"kuznetsov", []string{"R1"}},
		{"kuznecov", []string{"R1"}},
		{"KUZNETSOV Evgenii", []string{"R1"}},
		{"yevgeniy kuz", []string{"R1"}},
		{"evgenij", []string{"R1"}},
		// Ukrainian by its national system, and by Russian-style spellings.
		{"shevchyshyn oleksii", []string{"R2"}},
		{"shevchishin", []string{"R2"}},
		// Chinese by pinyin, whole or by syllable; a family name by its
		// family-name reading (曾 zeng) and its common one.
		{"wang fang", []string{"R3"}},
		{"fang wang", []string{"R3"}},
		{"zeng xiaofang", []string{"R13"}},
		{"xiao fang", []string{"R13"}},
		{"ceng", []string{"R13"}},
		// Greek by ELOT 743.
		{"papadopoulou", []string{"R4"}},
		{"papadopoulou aikaterini", []string{"R4"}},
		// Kanji only through the latin columns: their readings are not
		// guessed (佐藤 is not "zuoteng").
		{"sato", []string{"R5", "R11"}},
		{"sato hanako", []string{"R5"}},
		{"zuoteng", nil},
		{"yamamoto", nil},
		// Kana by passport Hepburn and the other ways Japanese is typed.
		{"satou yuko", []string{"R11"}},
		{"satoh yuuko", []string{"R11"}},
		// Arabic and Hebrew only through the latin columns.
		{"mansouri", []string{"R7"}},
		{"ahmed al mansouri", []string{"R7"}},
		{"ahmd", nil},
		{"mnsuri", nil},
		{"zahrani", nil},
		{"cohen noa", []string{"R12"}},
		// Armenian and Georgian.
		{"sargsyan lusine", []string{"R9"}},
		{"sargsian", []string{"R9"}},
		{"qipiani nino", []string{"R10"}},
		{"kipiani", []string{"R10"}},
		// The original scripts still find them.
		{"Кузнецов", []string{"R1"}},
		{"王芳", []string{"R3"}},
		{"المنصوري", []string{"R7"}},
		// E-mail, whole or in part.
		{"e.kuznetsov@example.ru", []string{"R1"}},
		{"jonas.mueller@bakom", []string{"R14"}},
	}
	for _, tt := range tests {
		res := ix.Search(tt.q, 0, 20)
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Search(%q) = %q, want %q", tt.q, got, want)
		}
	}
	// The name as the roster spells it ranks above a transliteration
	// match elsewhere: a family name typed finds the family name first.
	res := ix.Search("sato", 0, 20)
	if len(res.Hits) != 2 || res.Hits[0].Score != res.Hits[1].Score {
		t.Errorf("sato: got %+v, want two family-name matches of equal score", res.Hits)
	}
}
