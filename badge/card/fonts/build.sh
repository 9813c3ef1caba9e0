#!/bin/sh
# build.sh makes the badge fonts that are not copied unmodified from a
# Debian package (see README.md): the CJK subsets and the Indic fonts with
# glyph code points. It is a developer's tool, run by hand after a font
# package changes; the fonts it writes are committed, and nothing runs it at
# build or test time.
#
# Needs Debian 12's fonts-noto-cjk (1:20220127+repack1-1), fonts-noto-core
# (20201225-1) and python3-fonttools (4.38.0):
#
#	apt-get install -y fonts-noto-cjk fonts-noto-core python3-fonttools
#	sh badge/card/fonts/build.sh
#
# CJK. fpdf embeds only TrueType (glyf) outlines and Noto Sans CJK is CFF,
# so each face is subset to the characters names and organisations use, and
# its cubic outlines are converted to quadratic ones (cu2qu, at most 1 unit
# of 1000 off the curve). OpenType layout tables, hinting and glyph names go:
# fpdf uses none of them.
#   NotoSansCJKjp-*: Noto Sans CJK JP, Windows code page 932 (JIS X 0208 with
#     the NEC and IBM extensions, which have the name kanji 髙 﨑 德 that JIS X
#     0208 lacks), all kana, CJK punctuation.
#   NotoSansCJKsc-*: Noto Sans CJK SC, GB 2312 and Big5 level 1 (the 5,401
#     common traditional hanzi, drawn in SC forms), all kana, punctuation.
# A Han character in neither falls back to Droid Sans Fallback (doc.go).
#
# Indic. The Noto Sans Devanagari, Bengali and Tamil faces keep every table
# (go-text shapes with their GSUB and GPOS), and get one more character map
# entry per glyph: glyph g at U+E000+g, in the Private Use Area. fpdf draws
# code points, not glyph ids; the shaped glyphs are drawn through these.
set -eu
cd "$(dirname "$0")"
/usr/bin/python3 - <<'EOF'
import os
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-%s.ttc"
INDIC = "/usr/share/fonts/truetype/noto/NotoSans%s-%s.ttf"
PUA = 0xE000

def double_byte(codec, lead, trail):
    """The characters of a double-byte code page, by its byte ranges."""
    chars = set()
    for a in lead:
        for b in trail:
            try:
                s = bytes([a, b]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                chars.add(ord(s))
    return chars

common = set(range(0x3000, 0x3100)) | set(range(0x31F0, 0x3200)) | set(range(0xFF01, 0xFFA0)) | {0x20, 0xA0}
jp = double_byte("cp932", list(range(0x81, 0xA0)) + list(range(0xE0, 0xFD)),
                 list(range(0x40, 0x7F)) + list(range(0x80, 0xFD))) | common
big5_level1 = set()
for a in range(0xA4, 0xC7):
    for b in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
        if (a, b) >= (0xA4, 0x40) and (a, b) <= (0xC6, 0x7E):
            try:
                big5_level1.add(ord(bytes([a, b]).decode("big5")))
            except UnicodeDecodeError:
                pass
sc = double_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF)) | big5_level1 | common

def to_truetype(font):
    """Replaces the CFF outlines of font with quadratic glyf ones."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements", "maxPoints", "maxContours",
                  "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"

def cjk(family, weight, chars, out):
    coll = TTCollection(CJK % weight)
    font = next(f for f in coll.fonts if f["name"].getDebugName(1) == family)
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.desubroutinize = True
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    s = subset.Subsetter(opts)
    s.populate(unicodes=chars)
    s.subset(font)
    to_truetype(font)
    font.save(out)
    print(out, len(font.getGlyphOrder()), "glyphs", os.path.getsize(out), "bytes")

def indic(script, weight):
    out = "NotoSans%s-%s.ttf" % (script, weight)
    font = TTFont(INDIC % (script, weight))
    n = len(font.getGlyphOrder())
    assert n < 0xF900 - PUA, "too many glyphs for the Private Use Area"
    order = font.getGlyphOrder()
    for table in font["cmap"].tables:
        if table.isUnicode():
            for g in range(1, n):
                table.cmap[PUA + g] = order[g]
    font.save(out)
    print(out, n, "glyphs", os.path.getsize(out), "bytes")

for weight in ("Regular", "Bold"):
    cjk("Noto Sans CJK JP", weight, jp, "NotoSansCJKjp-%s.ttf" % weight)
    cjk("Noto Sans CJK SC", weight, sc, "NotoSansCJKsc-%s.ttf" % weight)
    for script in ("Devanagari", "Bengali", "Tamil"):
        indic(script, weight)
EOF
