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
// # Photo
//
// Badge.Photo (JPEG or PNG bytes) is drawn in a passport-shaped box (35:45)
// left of the name: 26 mm high on CR80, 34 mm on A6, where the text moves
// right and keeps its sizes (the name never goes below 7 pt on CR80, 12 pt
// on A6); the QR code stays where it was. The photo is cropped around its
// centre to fill the box, never stretched, and embedded as a 400-pixel-high
// JPEG (300 dpi at A6). Bytes that are no such image leave the box out,
// with no error.
//
// # Notice and dates
//
// Badge.Notice ("REGISTRATION CANCELLED") takes the role's place on the
// band, white on black, so a badge printed on the clerk's confirmation
// cannot pass for a valid one. Badge.Dates is the caller's: the binary
// prints the delegate's own valid_from–valid_to ("Valid 23–25 November
// 2026") where it is narrower than the meeting.
//
// # Fonts
//
// fpdf draws UTF-8 text with TrueType fonts, one rune to one glyph, with no
// OpenType shaping. The fonts are embedded (go:embed) so a badge prints the
// same on a machine with no fonts; 19.0 MB in all (7.3 MB before the CJK
// subsets and the Indic faces):
//
//	NotoSans-Regular, -Bold                  Latin (with Vietnamese), Greek, Cyrillic   OFL 1.1    1.0 MB
//	NotoSansArabic-Regular, -Bold            Arabic, Persian, Urdu letters             OFL 1.1    0.5 MB
//	NotoSansHebrew, NotoSansArmenian,
//	NotoSansGeorgian, NotoSansThai (each
//	Regular and Bold)                                                                  OFL 1.1    0.3 MB
//	NotoSansDevanagari, NotoSansBengali,
//	NotoSansTamil (each Regular and Bold)    shaped (see below)                        OFL 1.1    1.0 MB
//	NotoSansCJKjp-Regular, -Bold             Han in Japanese forms, kana:              OFL 1.1    5.1 MB
//	                                         code page 932 (JIS X 0208 + NEC/IBM)
//	NotoSansCJKsc-Regular, -Bold             Han in Simplified Chinese forms:          OFL 1.1    5.6 MB
//	                                         GB 2312 + Big5 level 1
//	DroidSansFallbackFull                    Han outside both subsets (no bold:        Apache 2.0 4.0 MB
//	                                         a synthetic one, fill and stroke)
//	NanumSquareR, NanumSquareB               Hangul                                    OFL 1.1    1.5 MB
//
// Their licences are in fonts/, and fonts/build.sh says exactly how the
// CJK subsets (Noto Sans CJK is CFF; they are converted to TrueType
// outlines) and the Indic faces were made from Debian's packages. Text is
// split into runs by the first font that covers each rune (Noto Sans
// first), so a line may mix scripts, and widths are measured per font.
// Only the fonts a badge uses are added to its PDF, and only the glyphs it
// uses are embedded (subsets of a few kB).
//
// Han characters take their Japanese forms (直, 骨, 辺 as written in Japan)
// for a delegate whose language is ja, whose name has kana, or of Japan,
// and their Simplified Chinese forms otherwise: the variant's face first,
// the other's for what its subset lacks, then Droid Sans Fallback.
//
// Devanagari, Bengali and Tamil are shaped with go-text/typesetting (a port
// of HarfBuzz) into glyphs and positions: conjuncts (क्ष, प्र), vowel signs
// drawn before their consonant (ि), marks placed by the font's anchors.
// fpdf draws code points, not glyphs, so fonts/build.sh maps every glyph
// of those faces at U+E000 + its id, and each glyph is drawn at its shaped
// place through that code point. Each shaped run is marked with its text
// (an ActualText span), so copying, searching and pdftotext give the
// letters as typed, not Private Use Area code points.
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
//   - Brahmic scripts other than Devanagari, Bengali and Tamil (Telugu,
//     Gurmukhi, Gujarati, Kannada, Malayalam…), Khmer, Myanmar, Lao,
//     Ethiopic, Sinhala, Tibetan, Cherokee and others have no font: such a
//     name gives way to its transliteration where package translit has one,
//     else to the delegate id. Bengali and Tamil names get no automatic
//     Latin line.
//   - Traditional Chinese forms: a delegate of Taiwan, Hong Kong or Macao
//     gets the Simplified Chinese face (which has the common traditional
//     characters of Big5 level 1, drawn in its own forms).
//   - Han characters in neither subset are drawn by Droid Sans Fallback,
//     in its own forms, with a synthetic bold.
//   - Runes outside the Basic Multilingual Plane (CJK extension B and
//     beyond, emoji): fpdf reads only the BMP character map.
//   - Arabic harakat and Hebrew niqqud are drawn where the font puts them
//     by default, not placed by anchors; Thai ฐ and ญ keep their tails above
//     a below vowel. Nastaliq (Urdu) is drawn in Naskh-style Noto Sans Arabic.
//   - Explicit bidi embeddings and overrides are stripped, not honoured.
package card
