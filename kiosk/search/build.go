package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"checkin/kiosk"
	"checkin/kiosk/fold"
)

// field is a searched name of a record (a family, given or full name, an
// organization, a country) and the class of its words.
type field struct {
	text  string
	class uint32
	// extra marks the full name: its words count only where the names
	// themselves do not have them.
	extra bool
}

// fields returns the searched names of d, in the order their words are
// classed. The id is searched too; see idWords.
func (d Doc) fields() []field {
	fs := []field{
		{text: d.FamilyName, class: classFamily},
		{text: d.GivenName, class: classGiven},
		{text: d.Organization, class: classOther},
		{text: d.Country, class: classOther},
		{text: d.CountryName, class: classOther},
	}
	// The full name has words of its own only when written without a
	// space, family name first (王小明); "Anna Müller" has the words of
	// its parts, and the anna is a given name.
	if d.FamilyName != "" && d.GivenName != "" {
		name := (&kiosk.Delegate{FamilyName: d.FamilyName, GivenName: d.GivenName}).Name()
		if name != d.GivenName+" "+d.FamilyName {
			fs = append(fs, field{text: name, class: classFamily, extra: true})
		}
	}
	return fs
}

// idWords returns the searched words of an id: its own ("DEL-00042" →
// del, 00042), the id joined (del00042) and split between letters and
// digits ("D00042" → d, 00042); and its keys, the words a query must be to
// be the id: the joined id and its last run of digits. Words may repeat.
// folded is fold.Fold(id).
func idWords(id string) (words []string, keys [2]string, folded string) {
	vs := fold.Variants(id)
	for _, v := range vs {
		words = append(words, strings.Fields(v)...)
	}
	if len(vs) > 0 {
		folded = vs[0] // fold.Fold(id)
	}
	joined := strings.ReplaceAll(folded, " ", "")
	if joined != "" {
		words = append(words, joined)
	}
	words = append(words, strings.Fields(splitDigits(folded))...)
	return words, [2]string{joined, lastDigits(folded)}, folded
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
	names   map[string]name // names and organizations repeat: fold each once

	words     []uint32 // term number << flagBits | flags, record after record
	wordStart []uint32 // the words of record i are words[wordStart[i]:wordStart[i+1]]
}

// name is a folded name: its search key and the numbers of its words.
type name struct {
	key  string
	nums []uint32
}

// name returns the folded text.
func (b *builder) name(text string) name {
	if n, ok := b.names[text]; ok {
		return n
	}
	toks := fold.IndexTokens(text)
	n := name{key: fold.Fold(text), nums: make([]uint32, len(toks))}
	for i, t := range toks {
		n.nums[i] = b.term(t)
	}
	b.names[text] = n
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

// add appends the record of d: its words, each with the best class of the
// fields it occurs in and whether it is a key of the id. It returns the
// search keys of the family name, given name and id, which order records.
func (b *builder) add(d *Doc) (family, given, id string) {
	start := len(b.words)
	put := func(n, flags uint32, extra bool) {
		i := slices.IndexFunc(b.words[start:], func(e uint32) bool { return e>>flagBits == n })
		if i < 0 {
			b.words = append(b.words, n<<flagBits|flags)
			return
		}
		e := &b.words[start+i]
		*e |= flags & flagIDKey
		if !extra && *e&classMask < flags&classMask {
			*e = *e&^classMask | flags&classMask
		}
	}
	for i, f := range d.fields() {
		n := b.name(f.text)
		for _, num := range n.nums {
			put(num, f.class, f.extra)
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

// Build returns the index of docs. It panics with more than 2^29 docs or
// distinct words, which no roster comes near.
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
		termNum:   make(map[string]uint32, len(docs)*3),
		names:     make(map[string]name),
		words:     make([]uint32, 0, len(docs)*12),
		wordStart: make([]uint32, 1, len(docs)+1),
	}
	family := make([]string, len(docs))
	given := make([]string, len(docs))
	id := make([]string, len(docs))
	for i := range docs {
		family[i], given[i], id[i] = b.add(&docs[i])
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
		for i := range byRank {
			byRank[i] = i
		}
		slices.SortFunc(byRank, func(x, y int) int {
			if c := strings.Compare(family[x], family[y]); c != 0 {
				return c
			}
			if c := strings.Compare(given[x], given[y]); c != 0 {
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
			ix.fwd = append(ix.fwd, t<<flagBits|e&flagMask)
			ix.postStart[t+1]++
		}
		ix.fwdStart[d+1] = uint32(len(ix.fwd))
	}
	for t := range terms {
		ix.postStart[t+1] += ix.postStart[t]
	}
	// Postings are filled in doc order, so each list is increasing.
	ix.posts = make([]uint32, len(ix.fwd))
	next := slices.Clone(ix.postStart[:len(terms)])
	for d := range ix.docs {
		for _, e := range ix.fwd[ix.fwdStart[d]:ix.fwdStart[d+1]] {
			t := e >> flagBits
			ix.posts[next[t]] = uint32(d)<<flagBits | e&flagMask
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
	ix.hotStart = []uint32{0}
	best := make([]uint8, len(ix.docs)) // points by doc, zero between prefixes
	// walk visits the prefixes one rune longer than n bytes of
	// terms[lo:hi], which share their first n bytes. Visiting a prefix
	// before the longer ones keeps hotKeys sorted.
	var walk func(lo, hi, n int)
	walk = func(lo, hi, n int) {
		i := lo
		for i < hi && len(ix.terms[i]) == n {
			i++ // the shared prefix itself
		}
		for i < hi {
			_, size := utf8.DecodeRuneInString(ix.terms[i][n:])
			p := ix.terms[i][:n+size]
			j := i + sort.Search(hi-i, func(k int) bool { return !strings.HasPrefix(ix.terms[i+k], p) })
			if int(ix.postStart[j]-ix.postStart[i]) >= ix.hotMin {
				sp := span{lo: i, hi: j, whole: -1}
				if ix.terms[i] == p {
					sp.whole = i
				}
				ix.scan(sp, func(doc, p uint32) { best[doc] = max(best[doc], uint8(p)) })
				for doc, p := range best {
					if p != 0 {
						ix.hotDocs = append(ix.hotDocs, uint32(doc)<<flagBits|uint32(p))
						best[doc] = 0
					}
				}
				ix.hotKeys = append(ix.hotKeys, p)
				ix.hotStart = append(ix.hotStart, uint32(len(ix.hotDocs)))
				walk(i, j, n+size)
			}
			i = j
		}
	}
	walk(0, len(ix.terms), 0)
}
