package search

import (
	"cmp"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"checkin/kiosk"
	"checkin/kiosk/fold"
	"checkin/kiosk/translit"
)

// fullName is the index in fields of the full name, when it has one.
const fullName = 8

// field is a searched name of a record (a family, given or full name, an
// organization, a country) and the class of its words.
type field struct {
	text  string
	class uint32
	latin bool // a name: also searched by its Latin spellings (translit.Keys)
}

// fields returns the searched names of d, fs[:n]: the family and given
// names, also by their Latin spellings (package translit), the roster's
// Latin names, organization, country and e-mail. The id is searched too;
// see idWords. A word of several fields has the best class of them; the
// full name, last, gives its class only to words its parts do not have.
func (d Doc) fields() (fs [9]field, n int) {
	fs = [9]field{
		{text: d.FamilyName, class: classFamily, latin: true},
		{text: d.GivenName, class: classGiven, latin: true},
		{text: d.LatinFamilyName, class: classFamily},
		{text: d.LatinGivenName, class: classGiven},
		{text: d.Organization, class: classOther},
		{text: d.Country, class: classOther},
		{text: d.CountryName, class: classOther},
		{text: d.Email, class: classOther},
	}
	n = fullName
	// The full name has words of its own only when written without a
	// space, family name first (王小明), and ranks as the family name;
	// "Anna Müller" has the words of its parts.
	if d.FamilyName != "" && d.GivenName != "" {
		name := (&kiosk.Delegate{FamilyName: d.FamilyName, GivenName: d.GivenName}).Name()
		if name == d.FamilyName+d.GivenName {
			fs[n] = field{text: name, class: classFamily, latin: true}
			n++
		}
	}
	return fs, n
}

// idWords returns the searched words of an id: its own ("DEL-00042" →
// del, 00042), the id joined (del00042) and split between letters and
// digits ("D00042" → d, 00042); and its keys, the words a query must be to
// be the id: the joined id and its last run of digits. Words may repeat.
// folded is fold.Fold(id).
func idWords(id string) (words []string, keys [2]string, folded string) {
	vs := fold.Variants(id)
	if len(vs) == 0 {
		return nil, keys, ""
	}
	folded = vs[0] // fold.Fold(id)
	words = make([]string, 0, 8)
	for _, v := range vs {
		words = append(words, strings.Fields(v)...)
	}
	joined := strings.ReplaceAll(folded, " ", "")
	words = append(words, joined)
	// Split between letters and digits; folded words are already split
	// at spaces.
	start := 0
	for i := 1; i <= len(folded); i++ {
		if i == len(folded) || folded[i] == ' ' || folded[i-1] != ' ' && isDigit(folded[i-1]) != isDigit(folded[i]) {
			if folded[start] != ' ' {
				words = append(words, folded[start:i])
			}
			start = i
			if i < len(folded) && folded[i] == ' ' {
				start++
			}
		}
	}
	return words, [2]string{joined, lastDigits(folded)}, folded
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// lastDigits returns the last run of digits of a folded text, "" if none.
func lastDigits(s string) string {
	end := len(s)
	for end > 0 && !isDigit(s[end-1]) {
		end--
	}
	start := end
	for start > 0 && isDigit(s[start-1]) {
		start--
	}
	return s[start:end]
}

// builder numbers the words of records in the order first seen, and keeps
// the records' words end to end.
type builder struct {
	termNum map[string]uint32
	terms   []string
	names   map[nameKey]name // names and organizations repeat: fold each once
	keyNum  map[string]uint32
	keys    []string // the distinct search keys of names, by number

	words     []uint32 // term number << flagBits | flags, record after record
	wordStart []uint32 // the words of record i are words[wordStart[i]:wordStart[i+1]]
}

// name is a folded name: the number of its search key, and the numbers of
// its words.
type name struct {
	key  uint32
	nums []uint32
}

// nameKey is a text to fold, and for a name the country its Latin
// spellings depend on (translit.Keys).
type nameKey struct {
	text, country string
	latin         bool
}

// name returns the folded text of f, with the words of its Latin
// spellings when it is a name.
func (b *builder) name(f field, country string) name {
	k := nameKey{text: f.text, latin: f.latin && translit.NeedsLatin(f.text)}
	if k.latin {
		k.country = country
	}
	if n, ok := b.names[k]; ok {
		return n
	}
	// The words of every variant, as fold.IndexTokens(text); the first
	// variant is the search key.
	var key string
	var n name
	add := func(v string) {
		for _, w := range strings.Fields(v) {
			if t := b.term(w); !slices.Contains(n.nums, t) {
				n.nums = append(n.nums, t)
			}
		}
	}
	for i, v := range fold.Variants(f.text) {
		if i == 0 {
			key = v
		}
		add(v)
	}
	if k.latin {
		for _, l := range translit.Keys(f.text, country) {
			for _, v := range fold.Variants(l) {
				add(v)
			}
		}
	}
	num, ok := b.keyNum[key]
	if !ok {
		num = uint32(len(b.keys))
		b.keyNum[key] = num
		b.keys = append(b.keys, key)
	}
	n.key = num
	b.names[k] = n
	return n
}

func (b *builder) term(t string) uint32 {
	n, ok := b.termNum[t]
	if !ok {
		n = uint32(len(b.terms))
		b.termNum[t] = n
		b.terms = append(b.terms, t)
	}
	return n
}

// add appends the record of d: its words, each with its class and whether
// it is a key of the id. It returns the
// numbers of the search keys of the family and given names, and the search
// key of the id, which order records.
func (b *builder) add(d *Doc) (family, given uint32, id string) {
	start := len(b.words)
	// A record has a dozen words, looked up by a linear search; a map
	// takes over for a record with many (a roster with a pasted essay for
	// an organization), so that it does not cost their square.
	var index map[uint32]int
	put := func(n, flags uint32, upgrade bool) {
		var i int
		if index != nil {
			var ok bool
			if i, ok = index[n]; !ok {
				i = -1
			}
		} else {
			i = slices.IndexFunc(b.words[start:], func(e uint32) bool { return e>>flagBits == n })
		}
		if i < 0 {
			b.words = append(b.words, n<<flagBits|flags)
			switch {
			case index != nil:
				index[n] = len(b.words) - 1 - start
			case len(b.words)-start > 64:
				index = make(map[uint32]int)
				for j, e := range b.words[start:] {
					index[e>>flagBits] = j
				}
			}
			return
		}
		e := &b.words[start+i]
		if upgrade && flags&classMask > *e&classMask {
			*e = *e&^classMask | flags&classMask
		}
		*e |= flags & flagIDKey
	}
	fs, nf := d.fields()
	for i, f := range fs[:nf] {
		n := b.name(f, d.Country)
		for _, num := range n.nums {
			put(num, f.class, i != fullName)
		}
		switch i { // fields begins with the family and given names
		case 0:
			family = n.key
		case 1:
			given = n.key
		}
	}
	words, keys, id := idWords(d.ID)
	for i, w := range words {
		if slices.Contains(words[:i], w) {
			continue
		}
		flags := uint32(classOther)
		if w == keys[0] || w == keys[1] {
			flags |= flagIDKey
		}
		put(b.term(w), flags, false)
	}
	b.wordStart = append(b.wordStart, uint32(len(b.words)))
	return family, given, id
}

// defaultHotMin is the number of postings from which a prefix is hot: its
// delegates are listed ahead of time. Below it, sorting the postings at
// search time takes well under a millisecond; the lists of the hot prefixes
// of 100,000 delegates take about 9 MB.
const defaultHotMin = 4096

// Build returns the index of docs, which it copies: the caller may reuse
// the slice. It panics with 2^29 docs or distinct words, which no roster
// comes near.
func Build(docs []Doc) *Index {
	return build(docs, defaultHotMin)
}

// build is Build with the hot prefixes those of at least hotMin postings.
func build(docs []Doc, hotMin int) *Index {
	const maxNum = 1 << (32 - flagBits)
	if len(docs) >= maxNum {
		panic("search: too many delegates")
	}
	b := builder{
		termNum:   make(map[string]uint32, len(docs)*3), // ids have two or three words of their own
		terms:     make([]string, 0, len(docs)*3),
		names:     make(map[nameKey]name),
		keyNum:    make(map[string]uint32),
		words:     make([]uint32, 0, len(docs)*12),
		wordStart: make([]uint32, 1, len(docs)+1),
	}
	names := make([]uint64, len(docs)) // family name key << 32 | given name key
	id := make([]string, len(docs))
	for i := range docs {
		family, given, fid := b.add(&docs[i])
		names[i], id[i] = uint64(family)<<32|uint64(given), fid
	}
	if len(b.terms) >= maxNum {
		panic("search: too many distinct words")
	}

	// Doc numbers follow the tie-break order, so that ranking ties need no
	// comparison at search time. The records and the dictionary are sorted
	// at the same time: they are the slowest steps.
	var wg sync.WaitGroup
	byRank := make([]int, len(docs)) // input positions in tie-break order
	wg.Go(func() {
		// Compare names by the rank of their keys: there are far fewer
		// names than delegates.
		order := make([]uint32, len(b.keys))
		for i := range order {
			order[i] = uint32(i)
		}
		slices.SortFunc(order, func(x, y uint32) int { return strings.Compare(b.keys[x], b.keys[y]) })
		rank := make([]uint64, len(order))
		for r, k := range order {
			rank[k] = uint64(r)
		}
		for i, n := range names {
			names[i] = rank[n>>32]<<32 | rank[n&(1<<32-1)]
			byRank[i] = i
		}
		slices.SortFunc(byRank, func(x, y int) int {
			if c := cmp.Compare(names[x], names[y]); c != 0 {
				return c
			}
			if c := strings.Compare(id[x], id[y]); c != 0 {
				return c
			}
			if c := strings.Compare(docs[x].ID, docs[y].ID); c != 0 {
				return c
			}
			return cmp.Compare(x, y)
		})
	})
	// Sort the dictionary and renumber the words.
	type numbered struct {
		term string
		num  uint32
	}
	order := make([]numbered, len(b.terms))
	for i, t := range b.terms {
		order[i] = numbered{t, uint32(i)}
	}
	slices.SortFunc(order, func(x, y numbered) int { return strings.Compare(x.term, y.term) })
	renum := make([]uint32, len(order))
	terms := make([]string, len(order))
	for t, o := range order {
		renum[o.num] = uint32(t)
		terms[t] = o.term
	}
	wg.Wait()

	ix := &Index{
		hotMin:    hotMin,
		docs:      make([]Doc, len(docs)),
		terms:     terms,
		postStart: make([]uint32, len(terms)+1),
		fwdStart:  make([]uint32, len(docs)+1),
		fwd:       make([]uint32, 0, len(b.words)),
	}
	for d, i := range byRank {
		ix.docs[d] = docs[i]
		for _, e := range b.words[b.wordStart[i]:b.wordStart[i+1]] {
			t := renum[e>>flagBits]
			if e&flagIDKey != 0 {
				ix.idKeys = append(ix.idKeys, uint64(t)<<32|uint64(d))
			}
			ix.fwd = append(ix.fwd, t<<flagBits|e&classMask)
			ix.postStart[t+1]++
		}
		ix.fwdStart[d+1] = uint32(len(ix.fwd))
	}
	slices.Sort(ix.idKeys)
	for t := range terms {
		ix.postStart[t+1] += ix.postStart[t]
	}
	// Postings are filled in doc order, so each list is increasing.
	ix.posts = make([]uint32, len(ix.fwd))
	next := slices.Clone(ix.postStart[:len(terms)])
	for d := range ix.docs {
		for _, e := range ix.fwd[ix.fwdStart[d]:ix.fwdStart[d+1]] {
			t := e >> flagBits
			ix.posts[next[t]] = uint32(d)<<flagBits | e&classMask
			next[t]++
		}
	}
	if len(docs) > 0 {
		ix.avgFwd = (len(ix.fwd) + len(docs) - 1) / len(docs)
	}
	ix.listHot()
	return ix
}

// listHot lists the delegates of the hot prefixes.
func (ix *Index) listHot() {
	// Find the hot prefixes. walk visits the prefixes one rune longer than
	// the n bytes that the terms[lo:hi] share. Visiting a prefix before
	// the longer ones keeps them sorted.
	var spans []span
	size := 0 // their postings, more than their delegates
	var walk func(lo, hi, n int)
	walk = func(lo, hi, n int) {
		i := lo
		for i < hi && len(ix.terms[i]) == n {
			i++ // the shared prefix itself
		}
		for i < hi {
			_, width := utf8.DecodeRuneInString(ix.terms[i][n:])
			p := ix.terms[i][:n+width]
			j := i + sort.Search(hi-i, func(k int) bool { return !strings.HasPrefix(ix.terms[i+k], p) })
			if volume := int(ix.postStart[j] - ix.postStart[i]); volume >= ix.hotMin {
				sp := span{lo: i, hi: j, whole: -1}
				if ix.terms[i] == p {
					sp.whole = i
				}
				ix.hotKeys = append(ix.hotKeys, p)
				spans = append(spans, sp)
				size += volume
				walk(i, j, n+width)
			}
			i = j
		}
	}
	walk(0, len(ix.terms), 0)

	// List their delegates, by doc number, each once with its best points.
	ix.hotStart = make([]uint32, 1, len(spans)+1)
	ix.hotDocs = make([]uint32, 0, size)
	ix.hotCount = make([][7]int32, len(spans))
	ix.hotDense = make([][]uint8, len(spans))
	best := make([]uint8, len(ix.docs))          // zero between prefixes
	seen := make([]uint64, (len(ix.docs)+63)/64) // a bit per doc in best
	for h, sp := range spans {
		ix.scan(sp, func(doc, pts uint32) {
			best[doc] = max(best[doc], uint8(pts))
			seen[doc/64] |= 1 << (doc % 64)
		})
		for w, set := range seen {
			for set != 0 {
				doc := w*64 + bits.TrailingZeros64(set)
				ix.hotDocs = append(ix.hotDocs, uint32(doc)<<flagBits|uint32(best[doc]))
				ix.hotCount[h][best[doc]]++
				best[doc] = 0
				set &= set - 1
			}
			seen[w] = 0
		}
		ix.hotStart = append(ix.hotStart, uint32(len(ix.hotDocs)))
		if list := ix.hotList(span{hot: h}); len(list)*8 >= len(ix.docs) {
			dense := make([]uint8, len(ix.docs))
			for _, e := range list {
				dense[e>>flagBits] = uint8(e & flagMask)
			}
			ix.hotDense[h] = dense
		}
	}
}
