package search_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/search"

	"github.com/google/go-cmp/cmp"
)

// roster is a small roster with the names the desk finds hard.
var roster = []search.Doc{
	{ID: "D00001", FamilyName: "Müller", GivenName: "Anna", Organization: "Deutsche Bundesbank", Country: "DE", CountryName: "Germany", Role: "delegate", Status: "confirmed"},
	{ID: "D00002", FamilyName: "Mueller", GivenName: "Hans", Organization: "Swiss National Bank", Country: "CH", CountryName: "Switzerland", Role: "delegate", Status: "confirmed"},
	{ID: "D00003", FamilyName: "Mullerson", GivenName: "Anna", Organization: "University of Oxford", Country: "GB", CountryName: "United Kingdom", Role: "head", Status: "registered"},
	{ID: "D00004", FamilyName: "Weber", GivenName: "Mulan", Organization: "Müller & Partner", Country: "AT", CountryName: "Austria", Role: "press", Status: "confirmed"},
	{ID: "D00005", FamilyName: "Silva", GivenName: "João", Organization: "Ministério das Relações Exteriores", Country: "BR", CountryName: "Brazil", Role: "delegate", Status: "confirmed"},
	{ID: "D00006", FamilyName: "Иванов", GivenName: "Алексей", Organization: "МИД России", Country: "RU", CountryName: "Russian Federation", Role: "delegate", Status: "confirmed"},
	{ID: "D00007", FamilyName: "王", GivenName: "小明", Organization: "外交部", Country: "CN", CountryName: "China", Role: "head", Status: "confirmed"},
	{ID: "D00008", FamilyName: "김", GivenName: "민준", Organization: "외교부", Country: "KR", CountryName: "Republic of Korea", Role: "delegate", Status: "confirmed"},
	{ID: "D00009", FamilyName: "O’Brien", GivenName: "Siobhán", Organization: "Department of Foreign Affairs", Country: "IE", CountryName: "Ireland", Role: "delegate", Status: "confirmed"},
	{ID: "D00010", FamilyName: "Nguyễn", GivenName: "Văn An", Organization: "Bộ Ngoại giao", Country: "VN", CountryName: "Viet Nam", Role: "delegate", Status: "confirmed"},
	{ID: "D00042", FamilyName: "Smith", GivenName: "Anna", Organization: "United Nations", Country: "US", CountryName: "United States of America", Role: "staff", Status: "cancelled"},
	{ID: "DEL-0100", FamilyName: "Anna", GivenName: "Marie", Organization: "OECD", Country: "FR", CountryName: "France", Role: "guest", Status: "confirmed"},
	{ID: "D00043", FamilyName: "Annan", GivenName: "Kofi", Organization: "Kofi Annan Foundation", Country: "GH", CountryName: "Ghana", Role: "guest", Status: "confirmed"},
	{ID: "D00420", FamilyName: "Dubois", GivenName: "Anne", Organization: "Ville de Genève", Country: "CH", CountryName: "Switzerland", Role: "delegate", Status: "confirmed"},
}

func ids(hits []search.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := search.Build(roster)
	tests := []struct {
		name  string
		query string
		want  []string // ids, best first
	}{
		{"family name", "muller", []string{"D00001", "D00003", "D00004"}},
		{"family prefix", "mul", []string{"D00001", "D00003", "D00004"}},
		{"umlaut typed", "Müller", []string{"D00002", "D00001", "D00003", "D00004"}},
		{"umlaut typed, ue finds nobody", "Müllers", []string{"D00003"}},
		{"ue typed", "mueller", []string{"D00002", "D00001", "D00004"}},
		{"ue upper", "MUELLER", []string{"D00002", "D00001", "D00004"}},
		{"upper", "MÜLLER", []string{"D00002", "D00001", "D00003", "D00004"}},
		{"given then family", "anna muller", []string{"D00001", "D00003"}},
		{"family then given", "muller anna", []string{"D00001", "D00003"}},
		{"prefixes in any order", "an mü", []string{"D00001", "D00003"}},
		{"given name", "anna", []string{"DEL-0100", "D00043", "D00001", "D00003", "D00042"}},
		{"tilde", "João", []string{"D00005"}},
		{"tilde left out", "joao", []string{"D00005"}},
		{"tilde upper", "JOÃO SILVA", []string{"D00005"}},
		{"cyrillic", "Иванов", []string{"D00006"}},
		{"cyrillic lower", "иванов", []string{"D00006"}},
		{"cyrillic upper", "ИВАНОВ", []string{"D00006"}},
		{"cyrillic prefix and given", "алекс иван", []string{"D00006"}},
		{"chinese family", "王", []string{"D00007"}},
		{"chinese full name", "王小明", []string{"D00007"}},
		{"chinese full name prefix", "王小", []string{"D00007"}},
		{"chinese given", "小明", []string{"D00007"}},
		{"hangul family", "김", []string{"D00008"}},
		{"hangul full name", "김민준", []string{"D00008"}},
		{"hangul given", "민준", []string{"D00008"}},
		{"apostrophe left out", "obrien", []string{"D00009"}},
		{"apostrophe as space", "o brien", []string{"D00009"}},
		{"ascii apostrophe", "O'Brien", []string{"D00009"}},
		{"typographic apostrophe", "O’Brien", []string{"D00009"}},
		{"fada left out", "siobhan obri", []string{"D00009"}},
		{"vietnamese", "nguyen", []string{"D00010"}},
		{"vietnamese full", "Nguyễn Văn An", []string{"D00010"}},
		{"id", "D00042", []string{"D00042"}},
		{"id lower", "d00042", []string{"D00042"}},
		{"id digits", "00042", []string{"D00042"}},
		{"id digits prefix", "0004", []string{"D00043", "D00042"}},
		{"id with dash", "DEL-0100", []string{"DEL-0100"}},
		{"id with dash joined", "del0100", []string{"DEL-0100"}},
		{"id with dash spaced", "del 0100", []string{"DEL-0100"}},
		{"id number", "0100", []string{"DEL-0100"}},
		{"leading zeros needed", "42", nil},
		{"cancelled found", "smith", []string{"D00042"}},
		{"country name", "germ", []string{"D00001"}},
		{"country name words", "republic korea", []string{"D00008"}},
		{"country code", "gh", []string{"D00043"}},
		{"organization", "bundesb", []string{"D00001"}},
		{"organization and name", "oxford anna", []string{"D00003"}},
		{"role not searched", "press", nil},
		{"status not searched", "cancelled", nil},
		{"miss", "xyz", nil},
		{"one word misses", "muller xyz", nil},
		{"not infix", "ller", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Search(tt.query, 0, 0)
			if diff := cmp.Diff(tt.want, ids(got.Hits), cmp.Comparer(func(a, b []string) bool {
				return slices.Equal(a, b)
			})); diff != "" && !(len(tt.want) == 0 && len(got.Hits) == 0) {
				t.Errorf("Search(%q) ids (-want +got):\n%s", tt.query, diff)
			}
			if got.Total != len(tt.want) {
				t.Errorf("Search(%q).Total = %d, want %d", tt.query, got.Total, len(tt.want))
			}
		})
	}
}

func TestSearchHitCarriesDoc(t *testing.T) {
	ix := search.Build(roster)
	got := ix.Search("smith", 0, 0)
	if len(got.Hits) != 1 {
		t.Fatalf("Search(smith) = %d hits, want 1", len(got.Hits))
	}
	if diff := cmp.Diff(roster[10], got.Hits[0].Doc); diff != "" {
		t.Errorf("hit doc (-want +got):\n%s", diff)
	}
	if got.Hits[0].Status != "cancelled" {
		t.Errorf("hit status = %q, want cancelled", got.Hits[0].Status)
	}
}

func TestSearchRanking(t *testing.T) {
	docs := []search.Doc{
		{ID: "F", FamilyName: "Zed", GivenName: "Ola", Organization: "Bergen University"},
		{ID: "E", FamilyName: "Zed", GivenName: "Ola", Organization: "Berg Institute"},
		{ID: "D", FamilyName: "Zed", GivenName: "Bergitta"},
		{ID: "C", FamilyName: "Zed", GivenName: "Berg"},
		{ID: "B", FamilyName: "Bergman", GivenName: "Ola"},
		{ID: "A", FamilyName: "Berg", GivenName: "Ola"},
		{ID: "BERG", FamilyName: "Young", GivenName: "Ola"},
		{ID: "X", FamilyName: "Berg", GivenName: "Anna"},
		{ID: "Y", FamilyName: "Berg", GivenName: "Annabel"},
		{ID: "Z", FamilyName: "Bergman", GivenName: "Anna"},
		{ID: "A2", FamilyName: "BERG", GivenName: "Ola"}, // same keys as A: input order
	}
	ix := search.Build(docs)
	tests := []struct {
		query      string
		want       []string
		wantScores []int
	}{
		// Exact id; whole family name (ties by given name, id, input
		// order); family prefix; whole given name; given prefix; whole
		// organization word; organization prefix.
		{"berg", []string{"BERG", "X", "Y", "A", "A2", "Z", "B", "C", "D", "E", "F"},
			[]int{1021, 61, 61, 61, 61, 50, 50, 41, 30, 21, 10}},
		// More whole words beat prefixes.
		{"berg anna", []string{"X", "Y", "Z"}, []int{102, 91, 91}},
		{"anna berg", []string{"X", "Y", "Z"}, []int{102, 91, 91}},
	}
	for _, tt := range tests {
		got := ix.Search(tt.query, 0, 0)
		var scores []int
		for _, h := range got.Hits {
			scores = append(scores, h.Score)
		}
		if !slices.Equal(ids(got.Hits), tt.want) || !slices.Equal(scores, tt.wantScores) {
			t.Errorf("Search(%q) = %v %v, want %v %v", tt.query, ids(got.Hits), scores, tt.want, tt.wantScores)
		}
	}
}

func TestSearchTies(t *testing.T) {
	// Same names: by folded id, then id, then input order.
	docs := []search.Doc{
		{ID: "b-2", FamilyName: "Berg", GivenName: "Ola", Organization: "first b-2"},
		{ID: "B-2", FamilyName: "Berg", GivenName: "Ola"},
		{ID: "A-9", FamilyName: "BERG", GivenName: "OLA"},
		{ID: "b-2", FamilyName: "Berg", GivenName: "Ola", Organization: "second b-2"},
	}
	got := search.Build(docs).Search("berg ola", 0, 0)
	var order []string
	for _, h := range got.Hits {
		order = append(order, h.ID+" "+h.Organization)
	}
	want := []string{"A-9 ", "B-2 ", "b-2 first b-2", "b-2 second b-2"}
	if !slices.Equal(order, want) {
		t.Errorf("Search(berg ola) = %q, want %q", order, want)
	}
}

func TestSearchNothing(t *testing.T) {
	ix := search.Build(roster)
	for _, q := range []string{"", " ", "\t\n", "-", "'", "’", "--", ".,;", "%", "_", "*", `"`, "\x00", "\xff", "\u200B"} {
		got := ix.Search(q, 0, 0)
		if got.Total != 0 || got.Hits == nil || len(got.Hits) != 0 {
			t.Errorf("Search(%q) = %+v, want Total 0 and no hits", q, got)
		}
	}
}

func TestSearchJunk(t *testing.T) {
	ix := search.Build(roster)
	long := strings.Repeat("müller ", 2000) // 16 kB
	tests := []struct {
		query string
		same  string // the query it is, as text
	}{
		{"' OR 1=1 --", "or 1 1"},
		{"muller' OR '1'='1", "muller or 1 1"},
		{"mül%", "mül"},
		{"an_na", "an na"},
		{"mul*", "mul"},
		{`"anna"`, "anna"},
		{"müller\x00", "müller"},
		{"mül\x00anna", "mül anna"},
		{"müller\xff\xfe", "müller"},
		{"a\xffb", "a b"},
		{"; DROP TABLE delegates; --", "drop table delegates"},
		{long, "müller"},
		{strings.Repeat("a ", 5000), "a"},
		{strings.Repeat("x", 10_000), ""},
		{"anna " + strings.Repeat("z", 300), "anna"}, // cut at 200 bytes: the z word is cut short but is still a word
	}
	for _, tt := range tests {
		got := ix.Search(tt.query, 0, 0)
		want := ix.Search(tt.same, 0, 0)
		if tt.query == "anna "+strings.Repeat("z", 300) {
			want = search.Result{Hits: []search.Hit{}} // no record has a z word
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Search(%.40q) (-want +got):\n%s", tt.query, diff)
		}
	}
}

func TestSearchQueryLimits(t *testing.T) {
	ix := search.Build(roster)
	// Words past the eighth are not matched.
	nine := "anna anna anna anna anna anna anna anna xyz"
	if got := ix.Search(nine, 0, 0); got.Total != 5 {
		t.Errorf("Search(%q).Total = %d, want 5 (the ninth word ignored)", nine, got.Total)
	}
	eight := "anna anna anna anna anna anna anna xyz"
	if got := ix.Search(eight, 0, 0); got.Total != 0 {
		t.Errorf("Search(%q).Total = %d, want 0", eight, got.Total)
	}
	// Only the first MaxQueryBytes bytes are read; a character is not cut.
	q := strings.Repeat(" ", search.MaxQueryBytes-1) + "ж"
	if got := ix.Search(q, 0, 0); got.Total != 0 {
		t.Errorf("Search(199 spaces + ж).Total = %d, want 0", got.Total)
	}
}

func TestSearchPaging(t *testing.T) {
	docs := search.GenerateDocs(600, 7)
	ix := search.Build(docs)
	all := ix.Search("a", 0, search.MaxLimit)
	if all.Total <= search.MaxLimit {
		t.Fatalf("Search(a).Total = %d, want more than a page", all.Total)
	}
	if len(all.Hits) != search.MaxLimit {
		t.Errorf("len(Hits) = %d, want %d", len(all.Hits), search.MaxLimit)
	}
	// Pages of 7 put together are the pages of 100 put together.
	var big, small []string
	for off := 0; off < all.Total; off += search.MaxLimit {
		big = append(big, ids(ix.Search("a", off, search.MaxLimit).Hits)...)
	}
	for off := 0; off < all.Total; off += 7 {
		r := ix.Search("a", off, 7)
		if r.Total != all.Total {
			t.Fatalf("Total at offset %d = %d, want %d", off, r.Total, all.Total)
		}
		small = append(small, ids(r.Hits)...)
	}
	if len(big) != all.Total || !slices.Equal(big, small) {
		t.Errorf("paging by 7 and by 100 differ (%d and %d hits)", len(small), len(big))
	}
	seen := make(map[string]bool)
	for _, id := range big {
		if seen[id] {
			t.Fatalf("%s on two pages", id)
		}
		seen[id] = true
	}

	tests := []struct {
		offset, limit int
		wantLen       int
		wantFirst     int // index in big
	}{
		{0, 0, search.DefaultLimit, 0},
		{0, -5, search.DefaultLimit, 0},
		{0, 1000, search.MaxLimit, 0},
		{-10, 3, 3, 0},
		{5, 3, 3, 5},
		{all.Total - 2, 10, 2, all.Total - 2},
		{all.Total, 10, 0, 0},
		{all.Total + 100, 10, 0, 0},
	}
	for _, tt := range tests {
		got := ix.Search("a", tt.offset, tt.limit)
		if got.Total != all.Total || len(got.Hits) != tt.wantLen {
			t.Errorf("Search(a, %d, %d) = Total %d, %d hits; want %d, %d", tt.offset, tt.limit, got.Total, len(got.Hits), all.Total, tt.wantLen)
			continue
		}
		if tt.wantLen > 0 && got.Hits[0].ID != big[tt.wantFirst] {
			t.Errorf("Search(a, %d, %d) starts with %s, want %s", tt.offset, tt.limit, got.Hits[0].ID, big[tt.wantFirst])
		}
	}
}

func TestSearchConcurrent(t *testing.T) {
	docs := search.GenerateDocs(2000, 3)
	ix := search.Build(docs)
	queries := search.BenchQueries(docs, 200, 3)
	want := make([]search.Result, len(queries))
	for i, q := range queries {
		want[i] = ix.Search(q, 0, 10)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range queries {
				i := (i + g*25) % len(queries)
				if got := ix.Search(queries[i], 0, 10); !cmp.Equal(got, want[i]) {
					t.Errorf("concurrent Search(%q) differs", queries[i])
				}
			}
		})
	}
	wg.Wait()
}

func TestBuildEmpty(t *testing.T) {
	for _, docs := range [][]search.Doc{nil, {{}}, {{ID: "-", FamilyName: "'"}}} {
		ix := search.Build(docs)
		if ix.Len() != len(docs) {
			t.Errorf("Len() = %d, want %d", ix.Len(), len(docs))
		}
		if got := ix.Search("a", 0, 0); got.Total != 0 || len(got.Hits) != 0 {
			t.Errorf("Search(a) on %d empty docs = %+v, want nothing", len(docs), got)
		}
	}
}

func TestLen(t *testing.T) {
	if got := search.Build(roster).Len(); got != len(roster) {
		t.Errorf("Len() = %d, want %d", got, len(roster))
	}
}

func TestDocTokens(t *testing.T) {
	tests := []struct {
		doc  search.Doc
		want []string
	}{
		{roster[0], []string{"muller", "mueller", "anna", "deutsche", "bundesbank", "de", "germany", "d00001", "d", "00001"}},
		// Chinese also in pinyin: every reading of each character
		// (明 is also meng), each syllable alone and joined.
		{roster[6], []string{"王", "wang", "yu", "小明", "xiaoming", "xiao", "ming", "meng", "xiaomeng", "外交部", "cn", "china",
			"王小明", "wangxiaoming", "yuxiaoming", "wangxiaomeng", "yuxiaomeng", "d00007", "d", "00007"}},
		{roster[8], []string{"o", "brien", "obrien", "siobhan", "department", "of", "foreign", "affairs", "ie", "ireland", "d00009", "d", "00009"}},
		{roster[11], []string{"anna", "marie", "oecd", "fr", "france", "del", "0100", "del0100"}},
	}
	for _, tt := range tests {
		if got := tt.doc.Tokens(); !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%s) = %q, want %q", tt.doc.ID, got, tt.want)
		}
	}
}

func TestNewDoc(t *testing.T) {
	d := &kiosk.Delegate{ID: "D1", FamilyName: "Müller", GivenName: "Anna", Organization: "BIS", Country: "CH",
		Role: "head", Status: kiosk.StatusCancelled, Groups: []string{"g"}, Email: "a@example.org",
		LatinFamilyName: "Mueller", LatinGivenName: "Anna"}
	want := search.Doc{ID: "D1", FamilyName: "Müller", GivenName: "Anna", Organization: "BIS", Country: "CH",
		CountryName: "Switzerland", Role: "head", Status: "cancelled", Email: "a@example.org",
		LatinFamilyName: "Mueller", LatinGivenName: "Anna"}
	if diff := cmp.Diff(want, search.NewDoc(d, "Switzerland")); diff != "" {
		t.Errorf("NewDoc (-want +got):\n%s", diff)
	}
}

func ExampleIndex_Search() {
	ix := search.Build([]search.Doc{
		{ID: "D00001", FamilyName: "Müller", GivenName: "Anna", Country: "DE", CountryName: "Germany"},
		{ID: "D00002", FamilyName: "Mullerson", GivenName: "Anna", Country: "GB", CountryName: "United Kingdom"},
		{ID: "D00003", FamilyName: "Weber", GivenName: "Mulan", Country: "AT", CountryName: "Austria"},
	})
	res := ix.Search("mul", 0, 10)
	fmt.Println(res.Total)
	for _, h := range res.Hits {
		fmt.Println(h.ID, h.GivenName, h.FamilyName, h.Score)
	}
	// Output:
	// 3
	// D00001 Anna Müller 50
	// D00002 Anna Mullerson 50
	// D00003 Mulan Weber 30
}

func TestBuildLongText(t *testing.T) {
	var words []string
	for i := range 20_000 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	docs := []search.Doc{
		{ID: "D1", FamilyName: "Müller", Organization: strings.Join(words, " ") + " müller"},
		{ID: "D2", FamilyName: "Weber", Organization: "w19999"},
	}
	ix := search.Build(docs)
	if got := ids(ix.Search("w1999", 0, 0).Hits); !slices.Equal(got, []string{"D1", "D2"}) {
		t.Errorf("Search(w1999) = %v, want [D1 D2]", got)
	}
	// The family name keeps its class though the organization repeats it.
	if got := ix.Search("muller", 0, 0).Hits; len(got) != 1 || got[0].Score != 61 {
		t.Errorf("Search(muller) = %+v, want D1 scored 61", got)
	}
}
