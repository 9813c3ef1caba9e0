package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// A posting or forward entry is a number (doc or term) shifted left by
// flagBits, with the flags below: the field class of the word and whether
// the word is a key of the delegate's id. A hot entry has the points
// instead of the flags.
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
	cands := ix.collect(spans[0])
	for _, sp := range spans[1:] {
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
		hot := ix.hotDocs[ix.hotStart[sp.hot]:ix.hotStart[sp.hot+1]]
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
	case sp.hot >= 0 && forward > ix.size(sp)+len(cands):
		return intersectHot(cands, ix.hotDocs[ix.hotStart[sp.hot]:ix.hotStart[sp.hot+1]])
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
	j := 0
	for _, c := range cands {
		for j < len(hot) && hot[j]>>flagBits < c.doc {
			j++
		}
		if j == len(hot) {
			break
		}
		if hot[j]>>flagBits == c.doc {
			c.score += wordScore(hot[j] & flagMask)
			out = append(out, c)
		}
	}
	return out
}

// markExactID adds ExactID to the candidates whose id key is key (the
// query's words joined).
func (ix *Index) markExactID(cands []cand, key string) {
	t, ok := slices.BinarySearch(ix.terms, key)
	if !ok || len(cands) == 0 {
		return
	}
	for _, e := range ix.posts[ix.postStart[t]:ix.postStart[t+1]] {
		if e&flagIDKey == 0 {
			continue
		}
		i, ok := slices.BinarySearchFunc(cands, e>>flagBits, func(c cand, doc uint32) int {
			return cmp.Compare(c.doc, doc)
		})
		if ok {
			cands[i].score += ExactID
		}
	}
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
