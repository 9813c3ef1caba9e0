package search

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"checkin/kiosk/fold"
	"checkin/kiosk/translit"
)

// refDoc is a delegate as the brute-force reference sees it: its tokens,
// and the class of each (see the package documentation), found without the
// index.
type refDoc struct {
	doc                Doc
	pos                int
	tokens             []string
	class              map[string]uint32
	idKeys             []string
	family, given, fid string
}

func newRefDoc(d Doc, pos int) refDoc {
	r := refDoc{doc: d, pos: pos, tokens: d.Tokens(), class: make(map[string]uint32)}
	set := func(text string, class uint32) {
		for _, t := range fold.IndexTokens(text) {
			r.class[t] = max(r.class[t], class)
		}
	}
	set(d.FamilyName, classFamily)
	set(d.GivenName, classGiven)
	set(d.LatinFamilyName, classFamily)
	set(d.LatinGivenName, classGiven)
	for _, k := range translit.Keys(d.FamilyName, d.Country) {
		set(k, classFamily)
	}
	for _, k := range translit.Keys(d.GivenName, d.Country) {
		set(k, classGiven)
	}
	for _, text := range []string{d.Organization, d.Country, d.CountryName, d.ID, d.Email} {
		set(text, classOther)
	}
	r.fid = fold.Fold(d.ID)
	set(strings.ReplaceAll(r.fid, " ", ""), classOther)
	set(splitDigits(r.fid), classOther)
	for _, t := range r.tokens {
		if r.class[t] == 0 { // only the full name, 王小明, has it
			r.class[t] = classFamily
		}
	}
	if k := strings.ReplaceAll(r.fid, " ", ""); k != "" {
		r.idKeys = append(r.idKeys, k)
	}
	if k := lastDigits(r.fid); k != "" {
		r.idKeys = append(r.idKeys, k)
	}
	r.family, r.given = fold.Fold(d.FamilyName), fold.Fold(d.GivenName)
	return r
}

// splitDigits puts a space between letters and digits of a folded text:
// "d00042" → "d 00042".
func splitDigits(s string) string {
	var b strings.Builder
	prev := byte(' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if prev != ' ' && c != ' ' && isDigit(prev) != isDigit(c) {
			b.WriteByte(' ')
		}
		b.WriteByte(c)
		prev = c
	}
	return b.String()
}

// score returns the reference score of the query words, and whether they
// match.
func (r *refDoc) score(words []string) (int, bool) {
	score := 0
	for _, w := range words {
		var best uint32
		for _, t := range r.tokens {
			if strings.HasPrefix(t, w) {
				best = max(best, points(r.class[t], t == w))
			}
		}
		if best == 0 {
			return 0, false
		}
		score += int(wordScore(best))
	}
	if slices.Contains(r.idKeys, strings.Join(words, "")) {
		score += ExactID
	}
	return score, true
}

type refHit struct {
	r     *refDoc
	score int
}

// reference searches docs one by one.
func reference(refs []refDoc, q string) []refHit {
	var hits []refHit
	alts := queryWords(q)
	for i := range refs {
		r := &refs[i]
		best, found := 0, false
		for _, words := range alts {
			if s, ok := r.score(words); ok {
				best, found = max(best, s), true
			}
		}
		if found {
			hits = append(hits, refHit{r, best})
		}
	}
	slices.SortFunc(hits, func(a, b refHit) int {
		return cmp.Or(
			cmp.Compare(b.score, a.score),
			strings.Compare(a.r.family, b.r.family),
			strings.Compare(a.r.given, b.r.given),
			strings.Compare(a.r.fid, b.r.fid),
			strings.Compare(a.r.doc.ID, b.r.doc.ID),
			cmp.Compare(a.r.pos, b.r.pos),
		)
	})
	return hits
}

// randomQuery types what the desk might: prefixes of one to three words of
// a delegate's record, in any order and case, sometimes with its accents,
// sometimes a word no one has.
func randomQuery(rng *rand.Rand, docs []Doc) string {
	d := docs[rng.IntN(len(docs))]
	texts := []string{d.FamilyName, d.GivenName, d.Organization, d.CountryName, d.Country, d.ID,
		d.FamilyName + d.GivenName} // the full name of CJK names
	var words []string
	for range 1 + rng.IntN(3) {
		fields := strings.FieldsFunc(texts[rng.IntN(len(texts))], func(r rune) bool { return r == ' ' || r == '-' })
		if len(fields) == 0 {
			continue
		}
		w := fields[rng.IntN(len(fields))]
		n := utf8.RuneCountInString(w)
		cut := 1 + rng.IntN(n)
		if rng.IntN(3) == 0 {
			cut = n
		}
		w = string([]rune(w)[:cut])
		switch rng.IntN(5) {
		case 0:
			w = strings.ToUpper(w)
		case 1:
			w = fold.Fold(w)
		}
		words = append(words, w)
	}
	switch rng.IntN(12) {
	case 0:
		words = append(words, "qzx")
	case 1:
		return string(rune('a' + rng.IntN(26)))
	case 2:
		return strings.ToLower(d.ID)
	}
	rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	return strings.Join(words, " ")
}

func TestSearchReference(t *testing.T) {
	docs := generateDocs(3000, 11)
	// Ids that are also other records' words, and repeated keys.
	docs[5].ID = "ANNA"
	docs[6].ID = "d-000007"
	docs[7].FamilyName, docs[7].GivenName = docs[8].FamilyName, docs[8].GivenName
	refs := make([]refDoc, len(docs))
	for i, d := range docs {
		refs[i] = newRefDoc(d, i)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	queries := []string{"a", "d", "m", "mu", "Müller", "o'brien", "王", "김", "ив", "d0000", "00001", "anna"}
	for range 400 {
		queries = append(queries, randomQuery(rng, docs))
	}
	found, pages := 0, 0
	for _, q := range queries {
		n := len(reference(refs, q))
		if n > 0 {
			found++
		}
		if n > MaxLimit {
			pages++
		}
	}
	if found < len(queries)*2/3 || pages < 10 {
		t.Fatalf("%d of %d queries find someone, %d more than a page: want most, and some", found, len(queries), pages)
	}
	t.Logf("%d of %d queries find someone, %d more than a page", found, len(queries), pages)
	for _, hotMin := range []int{defaultHotMin, 16, 1 << 30} {
		ix := build(docs, hotMin)
		if hotMin == 16 {
			// Hot words alone, and an id that is a hot word, are paged
			// from the hot lists.
			if len(ix.hotKeys) < 100 {
				t.Fatalf("hotMin 16: %d hot prefixes, want many", len(ix.hotKeys))
			}
			if sp, _ := ix.span("anna"); sp.hot < 0 || len(ix.exactID("anna")) != 1 {
				t.Fatalf("hotMin 16: anna not a hot id word")
			}
		}
		for _, q := range queries {
			want := reference(refs, q)
			var got []Hit
			total := -1
			for off := 0; ; off += MaxLimit {
				res := ix.Search(q, off, MaxLimit)
				if total >= 0 && res.Total != total {
					t.Fatalf("hotMin %d: Search(%q) Total changed from %d to %d", hotMin, q, total, res.Total)
				}
				total = res.Total
				got = append(got, res.Hits...)
				if len(res.Hits) < MaxLimit {
					break
				}
			}
			if total != len(want) || len(got) != len(want) {
				t.Errorf("hotMin %d: Search(%q) Total %d, %d hits; reference %d", hotMin, q, total, len(got), len(want))
				continue
			}
			for i := range want {
				if got[i].Doc != want[i].r.doc || got[i].Score != want[i].score {
					t.Errorf("hotMin %d: Search(%q) hit %d = %s %d, reference %s %d", hotMin, q, i,
						got[i].ID, got[i].Score, want[i].r.doc.ID, want[i].score)
					break
				}
			}
		}
	}
	// fold.CompileQuery(q).Match agrees with the reference on which delegates match.
	for _, q := range queries[:100] {
		want := reference(refs, q)
		matched := make(map[int]bool)
		for _, h := range want {
			matched[h.r.pos] = true
		}
		for i := range refs {
			if got := fold.CompileQuery(q).Match(refs[i].tokens); got != matched[i] {
				t.Errorf("fold.MatchQuery(%q, %s) = %v, reference %v", q, docs[i].ID, got, matched[i])
			}
		}
	}
}

func TestHotKeysSorted(t *testing.T) {
	ix := build(generateDocs(2000, 5), 16)
	if !slices.IsSorted(ix.hotKeys) {
		t.Error("hotKeys not sorted")
	}
	for h, key := range ix.hotKeys {
		sp, ok := ix.span(key)
		if !ok || sp.hot != h {
			t.Errorf("span(%q) = %+v, want hot %d", key, sp, h)
		}
		if int(ix.postStart[sp.hi]-ix.postStart[sp.lo]) < ix.hotMin {
			t.Errorf("%q has fewer than %d postings", key, ix.hotMin)
		}
	}
}

func FuzzSearch(f *testing.F) {
	docs := generateDocs(400, 9)
	docs = append(docs, Doc{ID: "D00042", FamilyName: "Müller", GivenName: "Anna", Organization: "Deutsche Bundesbank", Country: "DE", CountryName: "Germany"},
		Doc{ID: "DEL-1", FamilyName: "O’Brien", GivenName: "Siobhán"}, Doc{ID: "X", FamilyName: "王", GivenName: "小明"})
	refs := make([]refDoc, len(docs))
	for i, d := range docs {
		refs[i] = newRefDoc(d, i)
	}
	indexes := []*Index{build(docs, defaultHotMin), build(docs, 8)}
	for _, q := range []string{"", "a", "mü", "MUELLER anna", "o'brien", "王小明", "d00042", "00042", "' OR 1=1 --", "%", "\x00", "\xff\xfe", strings.Repeat("ab ", 100)} {
		f.Add(q, 0, 20)
	}
	f.Add("a", -3, 1000)
	f.Add("d", 50, -1)
	f.Fuzz(func(t *testing.T, q string, offset, limit int) {
		want := reference(refs, q)
		for _, ix := range indexes {
			res := ix.Search(q, offset, limit)
			if res.Total != len(want) {
				t.Fatalf("Search(%q).Total = %d, reference %d", q, res.Total, len(want))
			}
			if len(res.Hits) > res.Total || len(res.Hits) > MaxLimit || res.Hits == nil {
				t.Fatalf("Search(%q, %d, %d) = %d hits of %d", q, offset, limit, len(res.Hits), res.Total)
			}
			// Within the limits, a hit is what fold.CompileQuery(q).Match matches.
			within := true
			for _, v := range fold.Variants(clipQuery(q)) {
				within = within && len(strings.Fields(v)) <= MaxQueryWords
			}
			for _, h := range res.Hits {
				if within && !fold.CompileQuery(clipQuery(q)).Match(h.Tokens()) {
					t.Fatalf("Search(%q) hit %s does not match", q, h.ID)
				}
			}
			start := min(max(offset, 0), len(want))
			for i, h := range res.Hits {
				if w := want[start+i]; h.Doc != w.r.doc || h.Score != w.score {
					t.Fatalf("Search(%q, %d, %d) hit %d = %s %d, reference %s %d", q, offset, limit, i, h.ID, h.Score, w.r.doc.ID, w.score)
				}
			}
		}
	})
}

func TestIDWords(t *testing.T) {
	tests := []struct {
		id    string
		words []string
		keys  [2]string
	}{
		{"D00042", []string{"d00042", "d00042", "d", "00042"}, [2]string{"d00042", "00042"}},
		{"DEL-2026-0042", []string{"del", "2026", "0042", "del20260042", "del", "2026", "0042"}, [2]string{"del20260042", "0042"}},
		{"A1b2", []string{"a1b2", "a1b2", "a", "1", "b", "2"}, [2]string{"a1b2", "2"}},
		{"Ж12-Ё", []string{"ж12", "е", "ж12е", "ж", "12", "е"}, [2]string{"ж12е", "12"}},
		{"42", []string{"42", "42", "42"}, [2]string{"42", "42"}},
		{"ABC", []string{"abc", "abc", "abc"}, [2]string{"abc", ""}},
		{"--", nil, [2]string{}},
		{"", nil, [2]string{}},
	}
	for _, tt := range tests {
		words, keys, folded := idWords(tt.id)
		if !slices.Equal(words, tt.words) || keys != tt.keys || folded != fold.Fold(tt.id) {
			t.Errorf("idWords(%q) = %q, %q, %q; want %q, %q, %q", tt.id, words, keys, folded, tt.words, tt.keys, fold.Fold(tt.id))
		}
		// The split words are those of the simple rule.
		if len(words) > 0 {
			want := strings.Fields(splitDigits(folded))
			if got := words[len(words)-len(want):]; !slices.Equal(got, want) {
				t.Errorf("idWords(%q) split = %q, want %q", tt.id, got, want)
			}
		}
	}
}
