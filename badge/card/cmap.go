package card

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// coverage is the set of BMP runes a font maps to a glyph, as fpdf will see
// it: one bit per code point.
type coverage [0x10000 / 64]uint64

// has reports whether r is covered. Runes outside the BMP never are: fpdf
// reads only the BMP character map.
func (c *coverage) has(r rune) bool {
	return r >= 0 && r < 0x10000 && c[r/64]&(1<<(r%64)) != 0
}

// parseCoverage reads the character map of a TrueType font. It picks the
// same subtable fpdf picks (the first Unicode one in format 4, BMP only), so
// a rune it reports as covered is one fpdf can draw. A font without TrueType
// outlines (CFF) or without such a subtable is an error: fpdf cannot embed it.
func parseCoverage(data []byte) (*coverage, error) {
	tables, err := tableDirectory(data)
	if err != nil {
		return nil, err
	}
	if _, ok := tables["glyf"]; !ok {
		return nil, errors.New("no glyf table (not TrueType outlines)")
	}
	cmap, ok := tables["cmap"]
	if !ok {
		return nil, errors.New("no cmap table")
	}
	if len(cmap) < 4 {
		return nil, errors.New("short cmap table")
	}
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := 0; i < n; i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errors.New("short cmap encoding records")
		}
		platform := binary.BigEndian.Uint16(cmap[rec:])
		encoding := binary.BigEndian.Uint16(cmap[rec+2:])
		off := int(binary.BigEndian.Uint32(cmap[rec+4:]))
		if !(platform == 3 && encoding == 1) && platform != 0 {
			continue
		}
		if off+2 > len(cmap) || binary.BigEndian.Uint16(cmap[off:]) != 4 {
			continue
		}
		return parseFormat4(cmap[off:])
	}
	return nil, errors.New("no Unicode cmap subtable in format 4")
}

// tableDirectory returns the font's tables by tag.
func tableDirectory(data []byte) (map[string][]byte, error) {
	if len(data) < 12 {
		return nil, errors.New("short font header")
	}
	if v := binary.BigEndian.Uint32(data); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("not a TrueType font (version %#x)", v)
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	tables := make(map[string][]byte, n)
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(data) {
			return nil, errors.New("short table directory")
		}
		tag := string(data[rec : rec+4])
		off := int(binary.BigEndian.Uint32(data[rec+8:]))
		size := int(binary.BigEndian.Uint32(data[rec+12:]))
		if off < 0 || size < 0 || off+size > len(data) {
			return nil, fmt.Errorf("table %q out of bounds", tag)
		}
		tables[tag] = data[off : off+size]
	}
	return tables, nil
}

// parseFormat4 decodes a format 4 (segment mapping to delta values) subtable.
func parseFormat4(t []byte) (*coverage, error) {
	if len(t) < 14 {
		return nil, errors.New("short cmap format 4 header")
	}
	segs := int(binary.BigEndian.Uint16(t[6:])) / 2
	ends := 14
	starts := ends + 2*segs + 2 // a reserved pad word follows the end codes
	deltas := starts + 2*segs
	rangeOffsets := deltas + 2*segs
	if rangeOffsets+2*segs > len(t) {
		return nil, errors.New("short cmap format 4 segments")
	}
	u16 := func(pos int) int { return int(binary.BigEndian.Uint16(t[pos:])) }
	cov := new(coverage)
	for s := 0; s < segs; s++ {
		start, end := u16(starts+2*s), u16(ends+2*s)
		delta, rangeOff := u16(deltas+2*s), u16(rangeOffsets+2*s)
		for c := start; c <= end && c != 0xFFFF; c++ {
			var glyph int
			if rangeOff == 0 {
				glyph = (c + delta) & 0xFFFF
			} else {
				pos := rangeOffsets + 2*s + rangeOff + 2*(c-start)
				if pos+2 > len(t) {
					continue
				}
				if glyph = u16(pos); glyph != 0 {
					glyph = (glyph + delta) & 0xFFFF
				}
			}
			if glyph != 0 {
				cov[c/64] |= 1 << (c % 64)
			}
		}
	}
	return cov, nil
}
