// Package card renders printable delegate badges as one-page PDFs.
//
// A badge shows, from most to least prominent: the delegate's name, large
// (shrunk to fit the width, on up to two lines, never clipped; text that
// does not fit even at the smallest size ends in an ellipsis), a Latin
// transliteration of a name in another script on a smaller line, the
// organization and the country, the role in words on a band of the role's
// colour (RoleColour, RoleLabel: colour is never the only cue), the
// meeting title and dates, the signed pass as a QR code, and the delegate
// id.
//
// # Layouts
//
// CR80 is an ID-1 card, 85.6 × 54 mm, landscape, for card printers: meeting
// at the top, name and organization on the left, a 24 mm QR code on the
// right, role band at the bottom with the delegate id at its right end.
// A6 is 105 × 148 mm, portrait, for a badge holder: everything centred, a
// 44 mm QR code with the id under it, a tall role band at the bottom. Both
// keep a quiet zone of four modules around the QR code (go-qrcode, error
// correction level M), which is drawn as vector squares rather than an
// image, so it stays sharp at any printer resolution. Without a pass there
// is no QR code and the text takes the room.
//
// # Fonts
//
// fpdf draws UTF-8 text with TrueType fonts, one rune to one glyph, with no
// OpenType shaping. The fonts are embedded (go:embed) so a badge prints the
// same on a machine with no fonts; about 7.3 MB in all:
//
//	NotoSans-Regular, -Bold                  Latin (with Vietnamese), Greek, Cyrillic   OFL 1.1
//	NotoSansArabic-Regular, -Bold            Arabic, Persian, Urdu letters             OFL 1.1
//	NotoSansHebrew, NotoSansArmenian,
//	NotoSansGeorgian, NotoSansThai (each
//	Regular and Bold)                                                                  OFL 1.1
//	DroidSansFallbackFull                    Han, kana (no bold)                       Apache 2.0
//	NanumSquareR, NanumSquareB               Hangul                                    OFL 1.1
//
// Their licences are in fonts/. Text is split into runs by the first font
// that covers each rune (Noto Sans first), so a line may mix scripts, and
// widths are measured per font. Only the fonts a badge uses are added to
// its PDF, and only the glyphs it uses are embedded (subsets of a few kB).
//
// # Text
//
// All text is cleaned first: invalid UTF-8, control and format characters
// are dropped, it is put in NFC (decomposed ễ becomes the precomposed
// letter the fonts have), and cut to a length no badge can show. Then:
//
//   - Arabic is shaped by hand: each letter takes its isolated, initial,
//     medial or final presentation form (Unicode Presentation Forms-A and
//     -B), and lam-alef becomes its ligature.
//   - Lines with Hebrew or Arabic letters are put into visual order by a
//     reduced bidirectional algorithm (see bidi.go); digits and Latin words
//     inside them keep their order.
//   - Thai marks that the font would place by OpenType are moved by hand: a
//     tone mark above an upper vowel or a sara am, marks away from the tall
//     stems of ป ฝ ฟ ฬ, below vowels under ฎ ฏ.
//
// A rune no font covers is never drawn as a box or "?": a field that
// cannot be drawn whole is replaced by its transliteration if that can be,
// else left out; a name is replaced by its transliteration, else by the
// delegate id.
//
// # Transliteration
//
// A name with letters outside the Latin script gets a Latin spelling on a
// second line: the roster's latin_family_name and latin_given_name (the
// passport's or the registration system's spelling, Badge.LatinFamilyName
// and LatinGivenName) where given, else the automatic spelling of package
// checkin/kiosk/translit, one standard per script: Cyrillic after
// BGN/PCGN (Иванов Пётр → Ivanov Pyotr; Ukrainian after its national
// system), Greek after ELOT 743, Armenian and Georgian as in passports,
// kana in passport Hepburn, Chinese in pinyin without tones (曾晓芳 → Zeng
// Xiaofang; not for delegates of Japan, Korea, Taiwan, Hong Kong or
// Macao), Hangul in Revised Romanization (김 → Kim), Devanagari in a
// simple Hindi scheme. Arabic, Hebrew and other abjads get no automatic
// line: their short vowels are not written, and a consonant skeleton
// (أحمد → "Ahmd") is worse than nothing; nor do kanji. When the family and
// given names are given and make up the name, they are spelled apart
// (김민준 → Kim Minjun, not Gimminjun).
//
// # Not handled
//
//   - Kanji (Japanese names) and hanja: drawn, but not transliterated (their
//     readings cannot be guessed), so there is no automatic second line,
//     and a Japanese name mixing kanji and kana has none either.
//   - Devanagari is not drawn (conjuncts and vowel signs need shaping): its
//     transliteration is the name. Other Brahmic scripts (Bengali, Tamil,
//     Telugu…), Khmer, Myanmar, Lao, Ethiopic, Sinhala, Tibetan, Cherokee
//     and others have no font and no table: such a name gives way to the
//     delegate id.
//   - Runes outside the Basic Multilingual Plane (CJK extension B and
//     beyond, emoji): fpdf reads only the BMP character map.
//   - Arabic harakat and Hebrew niqqud are drawn where the font puts them
//     by default, not placed by anchors; Thai ฐ and ญ keep their tails above
//     a below vowel. Nastaliq (Urdu) is drawn in Naskh-style Noto Sans Arabic.
//   - Explicit bidi embeddings and overrides are stripped, not honoured.
package card
