package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// A posting or forward entry is a number (doc or term) shifted left by
// flagBits, with the class of the word below; a hot entry has the points
// instead. While building, a record's word also has flagIDKey when it is a
// key of the id.
const (
	flagBits  = 3
	flagMask  = 1<<flagBits - 1
	classMask = 3 // classOther, classGiven or classFamily
	flagIDKey = 4
)

const (
	classOther  = 1 // organization, country, id
	classGiven  = 2
	classFamily = 3
)

// maxScore bounds Score: an exact id, and MaxQueryWords whole family-name
// words.
const maxScore = ExactID + MaxQueryWords*(10*6+1)

// points is what a word earns for a record word of the given flags: 1 to 6,
// even for a whole word (see the package documentation).
func points(flags uint32, whole bool) uint32 {
	p := (flags&classMask-1)*2 + 1
	if whole {
		p++
	}
	return p
}

// wordScore is a word's share of Score for its best points.
func wordScore(p uint32) int32 {
	return 10*int32(p) + int32(1-p%2)
}

// cand is a delegate matching the words seen so far, with its score.
type cand struct {
	doc   uint32
	score int32
}

// span is a typed word and the terms it is a prefix of: terms[lo:hi], of
// which terms[whole] (whole is lo or -1) is the word itself; hot is its
// index in hotKeys, or -1.
type span struct {
	lo, hi, whole, hot int
}

// matchWords returns the delegates whose record has, for every word, a word
// it begins, with their scores, by doc number.
func (ix *Index) matchWords(words []string) []cand {
	spans := make([]span, len(words))
	for i, w := range words {
		sp, ok := ix.span(w)
		if !ok {
			return nil
		}
		spans[i] = sp
	}
	// Start from the word with the fewest delegates: every later step is
	// bounded by the candidates it leaves.
	slices.SortStableFunc(spans, func(a, b span) int {
		return cmp.Compare(ix.size(a), ix.size(b))
	})
	var cands []cand
	rest := spans[1:]
	if len(spans) > 1 && spans[0].hot >= 0 && spans[1].hot >= 0 && ix.hotDense[spans[1].hot] == nil {
		// The first letters of two names: merge their lists at once.
		cands = intersectHotLists(ix.hotList(spans[0]), ix.hotList(spans[1]))
		rest = spans[2:]
	} else {
		cands = ix.collect(spans[0])
	}
	for _, sp := range rest {
		if len(cands) == 0 {
			return nil
		}
		cands = ix.filter(cands, sp)
	}
	ix.markExactID(cands, strings.Join(words, ""))
	return cands
}

// span returns the span of w; ok is false if no term begins with w.
func (ix *Index) span(w string) (sp span, ok bool) {
	lo := sort.SearchStrings(ix.terms, w)
	n := sort.Search(len(ix.terms)-lo, func(i int) bool {
		return !strings.HasPrefix(ix.terms[lo+i], w)
	})
	if n == 0 {
		return span{}, false
	}
	sp = span{lo: lo, hi: lo + n, whole: -1, hot: -1}
	if ix.terms[lo] == w {
		sp.whole = lo
	}
	if int(ix.postStart[sp.hi]-ix.postStart[sp.lo]) >= ix.hotMin {
		if h, ok := slices.BinarySearch(ix.hotKeys, w); ok {
			sp.hot = h
		}
	}
	return sp, true
}

// hotList returns the delegates of a hot span: doc number << flagBits |
// points, by doc number.
func (ix *Index) hotList(sp span) []uint32 {
	return ix.hotDocs[ix.hotStart[sp.hot]:ix.hotStart[sp.hot+1]]
}

// size is the number of entries to read for the delegates of sp.
func (ix *Index) size(sp span) int {
	if sp.hot >= 0 {
		return int(ix.hotStart[sp.hot+1] - ix.hotStart[sp.hot])
	}
	return int(ix.postStart[sp.hi] - ix.postStart[sp.lo])
}

// scan calls f with the doc and points of every posting of sp's terms.
func (ix *Index) scan(sp span, f func(doc, points uint32)) {
	start, end := ix.postStart[sp.lo], ix.postStart[sp.hi]
	wholeEnd := start // the whole word, if a term, is the first
	if sp.whole >= 0 {
		wholeEnd = ix.postStart[sp.whole+1]
	}
	for i, e := range ix.posts[start:end] {
		f(e>>flagBits, points(e, start+uint32(i) < wholeEnd))
	}
}

// collect returns the delegates having a term of sp, by doc number, scored
// by their best points.
func (ix *Index) collect(sp span) []cand {
	if sp.hot >= 0 {
		hot := ix.hotList(sp)
		out := make([]cand, len(hot))
		for i, e := range hot {
			out[i] = cand{doc: e >> flagBits, score: wordScore(e & flagMask)}
		}
		return out
	}
	// Not hot, so few postings: sort them, best points first for each
	// delegate.
	keys := make([]uint64, 0, ix.size(sp))
	ix.scan(sp, func(doc, p uint32) {
		keys = append(keys, uint64(doc)<<32|uint64(flagMask-p))
	})
	slices.Sort(keys)
	out := make([]cand, 0, len(keys))
	for i, k := range keys {
		doc := uint32(k >> 32)
		if i > 0 && doc == out[len(out)-1].doc {
			continue
		}
		out = append(out, cand{doc: doc, score: wordScore(flagMask - uint32(k))})
	}
	return out
}

// filter keeps the candidates having a term of sp and adds its score,
// reading whichever is shorter: the candidates' words, or sp's delegates.
func (ix *Index) filter(cands []cand, sp span) []cand {
	forward := len(cands) * ix.avgFwd
	switch {
	case sp.hot >= 0 && ix.hotDense[sp.hot] != nil:
		return intersectDense(cands, ix.hotDense[sp.hot])
	case sp.hot >= 0 && ix.size(sp) < len(cands)*64: // seek gallops: a few steps a candidate
		return intersectHot(cands, ix.hotList(sp))
	case sp.hot < 0 && forward > 4*ix.size(sp)+len(cands): // collect sorts
		return intersect(cands, ix.collect(sp))
	}
	return ix.filterForward(cands, sp)
}

// filterForward keeps the candidates having a term of sp, reading each
// candidate's words.
func (ix *Index) filterForward(cands []cand, sp span) []cand {
	out := cands[:0]
	for _, c := range cands {
		var best uint32
		for _, e := range ix.fwd[ix.fwdStart[c.doc]:ix.fwdStart[c.doc+1]] {
			t := int(e >> flagBits)
			if sp.lo <= t && t < sp.hi {
				best = max(best, points(e, t == sp.whole))
			}
		}
		if best != 0 {
			c.score += wordScore(best)
			out = append(out, c)
		}
	}
	return out
}

// intersect keeps the candidates that are also in with (both by doc
// number), adding their scores.
func intersect(cands, with []cand) []cand {
	out := cands[:0]
	j := 0
	for _, c := range cands {
		for j < len(with) && with[j].doc < c.doc {
			j++
		}
		if j == len(with) {
			break
		}
		if with[j].doc == c.doc {
			c.score += with[j].score
			out = append(out, c)
		}
	}
	return out
}

// intersectHot is intersect with a hot prefix's delegates.
func intersectHot(cands []cand, hot []uint32) []cand {
	out := cands[:0]
	if len(hot) > 8*len(cands) {
		// Few candidates: skip through the list.
		j := 0
		for _, c := range cands {
			if j = seek(hot, j, c.doc); j == len(hot) {
				break
			}
			if hot[j]>>flagBits == c.doc {
				c.score += wordScore(hot[j] & flagMask)
				out = append(out, c)
			}
		}
		return out
	}
	// Merge without branching on the data, which no branch predictor can
	// guess: out[k] is written at every step and kept when both lists have
	// the delegate. It is cands[i] or before; when it is cands[i] and
	// cands[i] is read again, it was written unchanged.
	out = cands[:len(cands)]
	i, j, k := 0, 0, 0
	for i < len(cands) && j < len(hot) {
		c, h := cands[i], hot[j]
		doc := h >> flagBits
		both := b2i(c.doc == doc)
		out[k] = cand{doc: c.doc, score: c.score + int32(both)*wordScore(h&flagMask)}
		k += both
		i += b2i(c.doc <= doc)
		j += b2i(doc <= c.doc)
	}
	return out[:k]
}

// intersectDense keeps the candidates that a hot prefix has, given its
// points by doc number, adding their scores.
func intersectDense(cands []cand, pts []uint8) []cand {
	k := 0
	for _, c := range cands {
		// As in intersectHot, without a branch: cands[k] is c or before.
		p := uint32(pts[c.doc])
		has := b2i(p != 0)
		cands[k] = cand{doc: c.doc, score: c.score + int32(has)*wordScore(p)}
		k += has
	}
	return cands[:k]
}

// intersectHotLists returns the delegates of two hot prefixes that have
// both, scored.
func intersectHotLists(a, b []uint32) []cand {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b) > 8*len(a) {
		out := make([]cand, 0, len(a))
		j := 0
		for _, e := range a {
			doc := e >> flagBits
			if j = seek(b, j, doc); j == len(b) {
				break
			}
			if b[j]>>flagBits == doc {
				out = append(out, cand{doc: doc, score: wordScore(e&flagMask) + wordScore(b[j]&flagMask)})
			}
		}
		return out
	}
	out := make([]cand, len(a)) // see intersectHot
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		dx, dy := x>>flagBits, y>>flagBits
		out[k] = cand{doc: dx, score: wordScore(x&flagMask) + wordScore(y&flagMask)}
		k += b2i(dx == dy)
		i += b2i(dx <= dy)
		j += b2i(dy <= dx)
	}
	return out[:k]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// seek returns the first index from j of hot whose doc number is doc or
// more, or len(hot). It gallops: the shorter list of an intersection
// skips through the longer one in steps that double.
func seek(hot []uint32, j int, doc uint32) int {
	if j == len(hot) || hot[j]>>flagBits >= doc {
		return j
	}
	// hot[j] is before doc: find a step that is not.
	step := 1
	for j+step < len(hot) && hot[j+step]>>flagBits < doc {
		j += step
		step *= 2
	}
	end := min(j+step, len(hot)) // hot[end] is doc or after, or the end
	return j + 1 + sort.Search(end-j-1, func(i int) bool { return hot[j+1+i]>>flagBits >= doc })
}

// markExactID adds ExactID to the candidates whose id key is key (the
// query's words joined).
func (ix *Index) markExactID(cands []cand, key string) {
	for _, doc := range ix.exactID(key) {
		i, ok := slices.BinarySearchFunc(cands, doc, func(c cand, doc uint32) int {
			return cmp.Compare(c.doc, doc)
		})
		if ok {
			cands[i].score += ExactID
		}
	}
}

// exactID returns the delegates that have key as a key of their id, by doc
// number.
func (ix *Index) exactID(key string) []uint32 {
	t, ok := slices.BinarySearch(ix.terms, key)
	if !ok {
		return nil
	}
	lo := sort.Search(len(ix.idKeys), func(i int) bool { return ix.idKeys[i]>>32 >= uint64(t) })
	var docs []uint32
	for _, k := range ix.idKeys[lo:] {
		if k>>32 != uint64(t) {
			break
		}
		docs = append(docs, uint32(k))
	}
	return docs
}

// mergeMax merges two candidate lists by doc number, keeping the better
// score of a delegate in both.
func mergeMax(a, b []cand) []cand {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]cand, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].doc < b[j].doc:
			out = append(out, a[i])
			i++
		case a[i].doc > b[j].doc:
			out = append(out, b[j])
			j++
		default:
			out = append(out, cand{doc: a[i].doc, score: max(a[i].score, b[j].score)})
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
