// Package search finds delegates as the registration desk types: an
// in-memory index over names, organizations, countries and ids, built once
// and then searched by any number of goroutines without locks.
//
// # Matching
//
// A delegate matches when every typed word is a prefix of some word of the
// delegate's record, in any order ("muller anna" and "anna muller" both find
// Anna Müller). Words are the search keys of package fold, so Müller is found
// by muller, MÜLLER, mueller and MUELLER, João by joao, Иванов by иванов and
// ИВАНОВ, Nguyễn by nguyen and O’Brien by "obrien" and "o brien". A roster
// that spells the name Mueller is found by mueller and Müller but not by
// muller: fold cannot tell that its ue is an umlaut (Manuel, Samuel).
//
// The record's words are Doc.Tokens: those of the family and given names,
// of the full name as kiosk.Delegate.Name writes it (family name first
// without a space for CJK names, so 王小明 is found by 王, by 小明 and by
// 王小明; Hangul likewise, 김민준 by 김), of the organization, the country
// code and name, the e-mail address (the desk is for staff only), and the
// id. The family and given names are also found by their Latin spellings
// (package translit: Кузнецов by kuznetsov and kuznecov, 王芳 by "wang
// fang" and wangfang, Παπαδοπούλου by papadopoulou, さとう by sato and
// satou), and by the roster's latin_family_name and latin_given_name,
// which rank as the family and given names: the only way to find by Latin
// letters a name in kanji (佐藤 is "Sato" only if the roster says so) or in
// Arabic or Hebrew, whose spelling is never guessed. The id is also indexed joined ("D-00042" is
// found by "d00042") and split between letters and digits ("D00042" is
// found by "00042" and by "000"); leading zeros are not dropped ("42" does
// not find D00042, so that a number typed short does not list every id
// containing it). Role and status are not searched (typing "ch" should not
// list every chair); they are carried on each hit for display. Cancelled
// delegates are found like everyone else: the desk must see them.
//
// A query without letters or digits (empty, spaces, punctuation) matches
// nothing. Anything else is just text, folded like a name: quotes, %, _, *,
// NUL bytes and invalid UTF-8 separate words. Only the first MaxQueryBytes
// bytes of a query are read and only its first MaxQueryWords words are
// matched (more would only narrow the list, and names are shorter); a word
// typed twice counts once.
//
// # Ranking
//
// Each typed word earns points for the best word of the record it begins:
//
//	                 whole word   prefix
//	family name          6          5      (and a CJK full name, 王小明)
//	given name           4          3
//	anything else        2          1      (organization, country, id)
//
// Score = ExactID (1000) if the query is the delegate's id, plus 10 × the
// sum of the points, plus 1 for each word whose best match is a whole word.
// Hits come by Score, highest first: an exact id first; then a whole family
// name before a family-name prefix, before the given name, before the
// organization and country; with the same fields, more whole words before
// prefixes. Equal scores are ordered by folded family name, then folded
// given name, then folded id, then id, then position in Build's input: the
// order is total and deterministic, so paging is stable.
//
// The query is the id when, with spaces left out, its search key equals the
// id's (so "d00042", "D 00042" and "d-00042" are the id D-00042) or equals
// the id's last run of digits (so "00042" is the id D00042).
//
// # How it works
//
// Build sorts the delegates into tie-break order, so that a delegate's
// number is its rank among equal scores. Every distinct word of every
// record goes into a sorted dictionary; each word has a posting list of the
// delegates whose record has it, with the field it came from. The lists
// are stored end to end in dictionary order, so the postings of all words
// beginning with a typed prefix are one run, found by two binary searches,
// whose length is known before reading it. Each delegate also has a forward
// list of its words. A prefix with many postings (4,096 or more: "a", "m",
// "mi", "d"…) is hot: Build lists its delegates, each once with
// its best points and by number, and counts them by points; a prefix that
// an eighth of the delegates have ("d", "m", "of"…) also keeps its points
// in a byte per delegate. Of 100,000 generated delegates, about 230
// prefixes are hot; their lists take about 9 MB, and the 35 bytes per
// delegate 3.5 MB.
//
// A query of one hot word, the first letter or two typed, is paged from its
// list: the counts by score tell which ranks each score holds, and the list
// is read, in number order, only up to the last hit of the page. Otherwise
// Search starts from the word with the fewest delegates (its hot list, or
// its postings sorted: they are fewer than 4,096), and each further
// word keeps the candidates that have it: by a look-up of each in its bytes
// per delegate, by merging with its list (skipping through it when it is
// much longer), or by reading the candidates' forward lists, whichever
// reads less. Variants of
// the query (umlauts written ae/oe/ue, apostrophes left out) are searched
// alike and merged by best score; the page is then chosen as above, the
// counts by score taken in one pass over the matches. Only the page is
// sorted.
//
// # Speed
//
// For 100,000 generated delegates in many scripts (BenchmarkSearch100k,
// BenchmarkBuild100k, on two busy cores): Build takes 1.3 to 1.7 s (0.6 to
// 1.1 s before names were also indexed by their Latin spellings) and keeps
// about 48 MB (41 MB before), 13 MB of it the Docs; a query takes about
// 0.02 ms at the median and 0.2 to 0.4 ms at the 99th percentile, as
// before.
package search

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"checkin/kiosk"
	"checkin/kiosk/fold"
	"checkin/kiosk/translit"
)

// Limits of a query and of a page.
const (
	// MaxQueryBytes is how much of a query is read; the rest is ignored.
	MaxQueryBytes = 200
	// MaxQueryWords is how many words of a query are matched.
	MaxQueryWords = 8
	// DefaultLimit is the page size when Search is given none.
	DefaultLimit = 20
	// MaxLimit is the largest page Search returns.
	MaxLimit = 100
	// ExactID is the part of a Score given for a query that is the id.
	ExactID = 1000
)

// Doc is what the index holds for one delegate. Role and Status are not
// searched; they are kept so that a list of hits can be shown as it is.
type Doc struct {
	ID           string
	FamilyName   string
	GivenName    string
	Organization string
	Country      string // ISO 3166-1 alpha-2
	CountryName  string // searched too: "Germany", or several names, "Germany Allemagne"
	CountryLabel string // the roster's country_name, shown as written ("Holy See"); "" for most
	Role         string
	Status       string
	// LatinFamilyName and LatinGivenName are the roster's latin columns,
	// searched as the family and given names.
	LatinFamilyName string
	LatinGivenName  string
	Email           string // searched as organizations are (staff only: the desk)
}

// NewDoc returns the Doc of a delegate. countryName is the name (or names)
// of d.Country to search by; the roster's country_name, if any, is searched
// as well.
func NewDoc(d *kiosk.Delegate, countryName string) Doc {
	if d.CountryName != "" {
		countryName = strings.TrimSpace(d.CountryName + " " + countryName)
	}
	return Doc{
		ID:           d.ID,
		FamilyName:   d.FamilyName,
		GivenName:    d.GivenName,
		Organization: d.Organization,
		Country:      d.Country,
		CountryName:  countryName,
		CountryLabel: d.CountryName,
		Role:         d.Role,
		Status:       d.Status,

		LatinFamilyName: d.LatinFamilyName,
		LatinGivenName:  d.LatinGivenName,
		Email:           d.Email,
	}
}

// Tokens returns the words of d that queries are matched against (see the
// package documentation): a delegate matches a query when every word of it
// is a prefix of one of these, which is fold.CompileQuery(query).Match(d.Tokens())
// for queries within MaxQueryBytes and MaxQueryWords.
func (d Doc) Tokens() []string {
	var texts []string
	fs, n := d.fields()
	for _, f := range fs[:n] {
		texts = append(texts, f.text)
		if f.latin {
			texts = append(texts, translit.Keys(f.text, d.Country)...)
		}
	}
	words, _, _ := idWords(d.ID)
	return fold.IndexTokens(append(texts, words...)...)
}

// Hit is one delegate found: its Doc, so a result list needs no database
// round trip, and its Score (see the package documentation).
type Hit struct {
	Doc
	Score int
}

// Result is a page of hits.
type Result struct {
	Total int   // delegates matched, on every page
	Hits  []Hit // the page, best first; never nil
}

// Index is a search index over delegates. It is not changed after Build, so
// any number of goroutines may Search it at once.
type Index struct {
	docs []Doc // in tie-break order: a delegate's position is its doc number

	// terms are the distinct words of all records, sorted. The postings of
	// terms[t] are posts[postStart[t]:postStart[t+1]], each a doc number
	// (increasing) << flagBits | the flags of the word in that record.
	terms     []string
	postStart []uint32
	posts     []uint32

	// The words of doc d are fwd[fwdStart[d]:fwdStart[d+1]], each a term
	// number << flagBits | its flags.
	fwdStart []uint32
	fwd      []uint32
	avgFwd   int // words per record, rounded up, to estimate forward checks

	// Hot prefixes are the words that begin terms with at least hotMin
	// postings ("a", "m", "mi", "d"…). Their delegates are listed ahead of
	// time, each once with its best points: the delegates of hotKeys[h]
	// are hotDocs[hotStart[h]:hotStart[h+1]], each a doc number
	// (increasing) << flagBits | points.
	hotMin   int
	hotKeys  []string
	hotStart []uint32
	hotDocs  []uint32
	hotCount [][7]int32 // the delegates of hotKeys[h] that have p points: hotCount[h][p]
	// hotDense[h] are the points of hotKeys[h] by doc number (0: does not
	// have it), for the prefixes that an eighth of the delegates or more
	// have ("d", "m", "of"…): filtering by them is a look-up a candidate.
	// Other prefixes have nil.
	hotDense [][]uint8

	// idKeys are the keys of the ids (see idWords), each a term number
	// << 32 | a doc number, sorted.
	idKeys []uint64
}

// Len returns the number of delegates in the index.
func (ix *Index) Len() int { return len(ix.docs) }

// Search returns the page of delegates matching q that starts at offset
// (after the offset best) and holds at most limit hits. A negative offset is
// 0; a limit of 0 or less is DefaultLimit, and limits over MaxLimit are
// MaxLimit. Total counts all matches, whatever the page.
func (ix *Index) Search(q string, offset, limit int) Result {
	offset = max(offset, 0)
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)

	alts := queryWords(q)
	// The first letters typed match tens of thousands: a hot word alone
	// is paged from its list, which is read only up to the page's end.
	if len(alts) == 1 && len(alts[0]) == 1 {
		if sp, ok := ix.span(alts[0][0]); ok && sp.hot >= 0 {
			return ix.pageHot(sp, alts[0][0], offset, limit)
		}
	}
	var matched []cand
	for _, words := range alts {
		matched = mergeMax(matched, ix.matchWords(words))
	}
	buckets := make([]bucket, maxScore+1)
	for _, c := range matched {
		buckets[c.score].n++
	}
	return ix.page(buckets, len(matched), func(i int) cand { return matched[i] }, offset, limit)
}

// pageHot is Search for the hot word w alone, of span sp.
func (ix *Index) pageHot(sp span, w string, offset, limit int) Result {
	hot := ix.hotDocs[ix.hotStart[sp.hot]:ix.hotStart[sp.hot+1]]
	buckets := make([]bucket, maxScore+1)
	for p, n := range ix.hotCount[sp.hot] {
		buckets[wordScore(uint32(p))].n += n
	}
	exact := ix.exactID(w)
	for _, doc := range exact { // they have w, so they are in the list
		if i, ok := slices.BinarySearchFunc(hot, doc, func(e, doc uint32) int { return cmp.Compare(e>>flagBits, doc) }); ok {
			s := wordScore(hot[i] & flagMask)
			buckets[s].n--
			buckets[s+ExactID].n++
		}
	}
	match := func(i int) cand {
		c := cand{doc: hot[i] >> flagBits, score: wordScore(hot[i] & flagMask)}
		if len(exact) > 0 && slices.Contains(exact, c.doc) {
			c.score += ExactID
		}
		return c
	}
	return ix.page(buckets, len(hot), match, offset, limit)
}

// queryWords returns the distinct words of each variant of q (see
// fold.Variants), within MaxQueryBytes and MaxQueryWords. A query without
// letters or digits has none.
func queryWords(q string) [][]string {
	var alts [][]string
	for _, v := range fold.Variants(clipQuery(q)) {
		words := strings.Fields(v)
		if len(words) > MaxQueryWords {
			words = words[:MaxQueryWords]
		}
		// A word typed twice asks nothing more, and must not count twice.
		var distinct []string
		for _, w := range words {
			if !slices.Contains(distinct, w) {
				distinct = append(distinct, w)
			}
		}
		alts = append(alts, distinct)
	}
	return alts
}

// clipQuery returns the first MaxQueryBytes bytes of q, less the first bytes of
// a character cut in two: they would be invalid UTF-8 and, as such, a
// separator, but the cut should be clean.
func clipQuery(q string) string {
	if len(q) <= MaxQueryBytes {
		return q
	}
	cut := MaxQueryBytes
	for cut > MaxQueryBytes-utf8.UTFMax && !utf8.RuneStart(q[cut]) {
		cut--
	}
	return q[:cut]
}

// bucket is the matches of one score: n of them, of which the page holds
// the from-th to the to-th (by doc number); seen counts them while paging.
type bucket struct {
	n, from, to, seen int32
}

// page returns the hits ranked offset to offset+limit of the total matches
// match(0), match(1)…, which are by doc number; buckets[s].n is the number
// with score s. It reads matches only up to the last hit of the page.
func (ix *Index) page(buckets []bucket, total int, match func(int) cand, offset, limit int) Result {
	if offset >= total {
		return Result{Total: total, Hits: []Hit{}}
	}
	end := min(offset+limit, total)

	// Ranks are by score, then by doc number. Walking scores from the
	// best gives each score's ranks, and so which of its delegates (the
	// first, second… by doc number) are on the page.
	rank := 0
	for s := len(buckets) - 1; s >= 0 && rank < end; s-- {
		b := &buckets[s]
		n := int(b.n)
		if n == 0 {
			continue
		}
		if lo, hi := max(offset, rank)-rank, min(end, rank+n)-rank; lo < hi {
			b.from, b.to = int32(lo), int32(hi)
		}
		rank += n
	}
	onPage := make([]cand, 0, end-offset)
	for i := range total {
		c := match(i)
		b := &buckets[c.score]
		if b.from == b.to {
			continue
		}
		if b.from <= b.seen && b.seen < b.to {
			onPage = append(onPage, c)
			if len(onPage) == end-offset {
				break
			}
		}
		b.seen++
	}
	slices.SortFunc(onPage, func(a, b cand) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.doc, b.doc)
	})
	hits := make([]Hit, len(onPage))
	for i, c := range onPage {
		hits[i] = Hit{Doc: ix.docs[c.doc], Score: int(c.score)}
	}
	return Result{Total: total, Hits: hits}
}
