package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// withCase spells a word of a cased script with spell, which works on lower
// case, and gives the result the case of the word: ИВАНОВ → IVANOV,
// Пётр → Pyotr.
func withCase(word []rune, spell func([]rune) string) string {
	lower := make([]rune, len(word))
	upper, letters := 0, 0
	for i, r := range word {
		lower[i] = unicode.ToLower(r)
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	s := spell(lower)
	switch {
	case letters > 1 && upper == letters:
		return strings.ToUpper(s)
	case letters > 0 && unicode.IsUpper(word[0]):
		return capitalise(s)
	}
	return s
}

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	for i, r := range s {
		if unicode.IsLetter(r) {
			return s[:i] + string(unicode.ToUpper(r)) + s[i+utf8.RuneLen(r):]
		}
	}
	return s
}

// Cyrillic schemes, by their index in cyrillicSchemes: cyrBGN (BGN/PCGN
// for Russian: Иванов Пётр → Ivanov Pyotr, Елена → Yelena, with the
// letters of Ukrainian, Belarusian, Serbian and Macedonian added as their
// own national schemes spell them), cyrICAO (ICAO Doc 9303, the
// machine-readable zone of passports: Юлия → Iuliia, Пётр → Petr), cyrGOST
// (GOST 7.79-2000 system B without its apostrophes: Кузнецов → Kuznecov,
// Хрущёв → Xrushhyov) and cyrUkrainian (the Ukrainian national system of
// 2010: Володимир → Volodymyr, Григорій → Hryhorii).
const (
	cyrBGN = iota
	cyrICAO
	cyrGOST
	cyrUkrainian
)

var cyrillicSchemes = [...]map[rune]string{
	cyrBGN: {
		'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo",
		'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
		'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
		'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
		'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
		'є': "ye", 'і': "i", 'ї': "yi", 'ґ': "g", 'ў': "w",
	},
	cyrICAO: {
		'ё': "e", 'й': "i", 'ъ': "ie", 'ю': "iu", 'я': "ia", 'є': "ie", 'ї': "i", 'ў': "u",
	},
	cyrGOST: {
		'й': "j", 'х': "x", 'ц': "c", 'щ': "shh", 'є': "ye", 'ї': "yi", 'ў': "u",
	},
	cyrUkrainian: {
		'г': "h", 'и': "y", 'й': "i", 'є': "ie", 'ї': "i", 'ю': "iu", 'я': "ia", 'ь': "",
	},
}

// South Slavic letters, spelled alike by every scheme.
var cyrillicSouthSlavic = map[rune]string{
	'ђ': "đ", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "ć", 'џ': "dž",
	'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
}

func cyrillicWord(word []rune, scheme int) string {
	var b strings.Builder
	for i, r := range word {
		prev := rune(0)
		if i > 0 {
			prev = word[i-1]
		}
		afterVowel := i == 0 || strings.ContainsRune("аеёиоуыэюяъьйєії", prev)
		s, ok := cyrillicSchemes[scheme][r]
		if !ok {
			s, ok = cyrillicSchemes[cyrBGN][r]
		}
		if !ok {
			s = cyrillicSouthSlavic[r]
		}
		switch scheme {
		case cyrBGN:
			switch {
			case r == 'е' && afterVowel:
				s = "ye"
			case r == 'ё' && strings.ContainsRune("жчшщц", prev):
				s = "o"
			}
		case cyrGOST:
			switch {
			case r == 'ё' && strings.ContainsRune("жчшщц", prev):
				s = "o"
			case r == 'ё':
				s = "yo"
			case r == 'ю':
				s = "yu"
			case r == 'я':
				s = "ya"
			}
		case cyrUkrainian:
			// Є Ї Й Ю Я are ye yi y yu ya at the start of a word, and зг
			// is zgh (Згурський → Zghurskyi).
			initial := map[rune]string{'є': "ye", 'ї': "yi", 'й': "y", 'ю': "yu", 'я': "ya"}
			if i == 0 && initial[r] != "" {
				s = initial[r]
			} else if r == 'г' && prev == 'з' {
				s = "gh"
			}
		}
		b.WriteString(s)
	}
	return b.String()
}

// Greek: variant 0 is ELOT 743 (Γιώργος Παπαδόπουλος → Giorgos
// Papadopoulos); variant 1 writes χ as h and μπ, ντ as mp, nt everywhere
// (Χατζής → Hatzis, Μπάκος → Mpakos), as many Greeks write their names.
var greek = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i",
	'θ': "th", 'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x",
	'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y",
	'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
	'ά': "a", 'έ': "e", 'ή': "i", 'ί': "i", 'ό': "o", 'ύ': "y", 'ώ': "o",
	'ϊ': "i", 'ϋ': "y", 'ΐ': "i", 'ΰ': "y",
}

func greekWord(word []rune, v int) string {
	var b strings.Builder
	at := func(i int) rune {
		if i < 0 || i >= len(word) {
			return 0
		}
		return word[i]
	}
	for i := 0; i < len(word); i++ {
		r, next := word[i], at(i+1)
		switch {
		case r == 'ο' && (next == 'υ' || next == 'ύ'):
			b.WriteString("ou")
			i++
		case (r == 'α' || r == 'ε' || r == 'η') && (next == 'υ' || next == 'ύ'):
			// αυ ευ ηυ sound v before a vowel or a voiced consonant, f otherwise.
			b.WriteString(greek[r])
			if strings.ContainsRune("αάεέηήιίοόυύωώβγδζλμνρ", at(i+2)) {
				b.WriteString("v")
			} else {
				b.WriteString("f")
			}
			i++
		case r == 'γ' && next == 'γ':
			b.WriteString("ng")
			i++
		case r == 'γ' && next == 'ξ':
			b.WriteString("nx")
			i++
		case r == 'γ' && next == 'χ':
			b.WriteString("nch")
			i++
		case r == 'χ' && v == 1:
			b.WriteString("h")
		case r == 'μ' && next == 'π' && i == 0 && v == 0:
			b.WriteString("b")
			i++
		case r == 'ν' && next == 'τ' && i == 0 && v == 0:
			b.WriteString("d")
			i++
		default:
			b.WriteString(greek[r])
		}
	}
	return b.String()
}

// Armenian: variant 0 is the common ASCII scheme of Armenian passports
// (Արամ Խաչատրյան → Aram Khachatryan); variant 1 writes the ending -յան
// as -ian and an initial ե as e (Khachatrian, Erevan).
var armenian = map[rune]string{
	'ա': "a", 'բ': "b", 'գ': "g", 'դ': "d", 'ե': "e", 'զ': "z", 'է': "e",
	'ը': "y", 'թ': "t", 'ժ': "zh", 'ի': "i", 'լ': "l", 'խ': "kh", 'ծ': "ts",
	'կ': "k", 'հ': "h", 'ձ': "dz", 'ղ': "gh", 'ճ': "ch", 'մ': "m", 'յ': "y",
	'ն': "n", 'շ': "sh", 'ո': "o", 'չ': "ch", 'պ': "p", 'ջ': "j", 'ռ': "r",
	'ս': "s", 'վ': "v", 'տ': "t", 'ր': "r", 'ց': "ts", 'ւ': "v", 'փ': "p",
	'ք': "k", 'օ': "o", 'ֆ': "f", 'և': "ev",
}

func armenianWord(word []rune, v int) string {
	var b strings.Builder
	for i := 0; i < len(word); i++ {
		r := word[i]
		switch {
		case r == 'ո' && i+1 < len(word) && word[i+1] == 'ւ':
			b.WriteString("u")
			i++
		case r == 'ո' && i == 0:
			b.WriteString("vo")
		case r == 'ե' && i == 0 && v == 0:
			b.WriteString("ye")
		case r == 'յ' && v == 1 && i > 0 && string(word[i:]) == "յան":
			b.WriteString("i")
		default:
			b.WriteString(armenian[r])
		}
	}
	return b.String()
}

// Georgian: variant 0 is the national system of 2002 without its
// apostrophes, as in passports (მიხეილ სააკაშვილი → Mikheil
// Saakashvili); variant 1 writes ყ as k, as older documents do.
var georgian = map[rune]string{
	'ა': "a", 'ბ': "b", 'გ': "g", 'დ': "d", 'ე': "e", 'ვ': "v", 'ზ': "z",
	'თ': "t", 'ი': "i", 'კ': "k", 'ლ': "l", 'მ': "m", 'ნ': "n", 'ო': "o",
	'პ': "p", 'ჟ': "zh", 'რ': "r", 'ს': "s", 'ტ': "t", 'უ': "u", 'ფ': "p",
	'ქ': "k", 'ღ': "gh", 'ყ': "q", 'შ': "sh", 'ჩ': "ch", 'ც': "ts", 'ძ': "dz",
	'წ': "ts", 'ჭ': "ch", 'ხ': "kh", 'ჯ': "j", 'ჰ': "h",
}

func georgianWord(word []rune, v int) string {
	var b strings.Builder
	for _, r := range word {
		if r >= 0x1C90 && r <= 0x1CBF { // Mtavruli capitals
			r -= 0x1C90 - 0x10D0
		}
		if r == 'ყ' && v == 1 {
			b.WriteString("k")
			continue
		}
		b.WriteString(georgian[r])
	}
	return b.String()
}

// Kana: variant 0 is Hepburn as in Japanese passports (やまだ たろう →
// Yamada Taro): long vowels are not marked (ou, oo → o; uu → u; ー
// dropped) and ん is m before b, m, p. The other variants are search
// keys: 1 writes long vowels as the kana do (さとう → satou), 2 writes ou
// and oo as oh (satoh), 3 is Kunrei-shiki (し si, ち ti, つ tu, ふ hu,
// じ zi, しゃ sya; long vowels not marked).
var kana = map[rune]string{
	'あ': "a", 'い': "i", 'う': "u", 'え': "e", 'お': "o",
	'か': "ka", 'き': "ki", 'く': "ku", 'け': "ke", 'こ': "ko",
	'さ': "sa", 'し': "shi", 'す': "su", 'せ': "se", 'そ': "so",
	'た': "ta", 'ち': "chi", 'つ': "tsu", 'て': "te", 'と': "to",
	'な': "na", 'に': "ni", 'ぬ': "nu", 'ね': "ne", 'の': "no",
	'は': "ha", 'ひ': "hi", 'ふ': "fu", 'へ': "he", 'ほ': "ho",
	'ま': "ma", 'み': "mi", 'む': "mu", 'め': "me", 'も': "mo",
	'や': "ya", 'ゆ': "yu", 'よ': "yo",
	'ら': "ra", 'り': "ri", 'る': "ru", 'れ': "re", 'ろ': "ro",
	'わ': "wa", 'ゐ': "i", 'ゑ': "e", 'を': "o", 'ん': "n",
	'が': "ga", 'ぎ': "gi", 'ぐ': "gu", 'げ': "ge", 'ご': "go",
	'ざ': "za", 'じ': "ji", 'ず': "zu", 'ぜ': "ze", 'ぞ': "zo",
	'だ': "da", 'ぢ': "ji", 'づ': "zu", 'で': "de", 'ど': "do",
	'ば': "ba", 'び': "bi", 'ぶ': "bu", 'べ': "be", 'ぼ': "bo",
	'ぱ': "pa", 'ぴ': "pi", 'ぷ': "pu", 'ぺ': "pe", 'ぽ': "po",
	'ゔ': "vu", 'ぁ': "a", 'ぃ': "i", 'ぅ': "u", 'ぇ': "e", 'ぉ': "o",
	'ゃ': "ya", 'ゅ': "yu", 'ょ': "yo", 'ゎ': "wa", 'ゕ': "ka", 'ゖ': "ke",
}

// kunrei is how Kunrei-shiki writes the Hepburn syllables it spells
// otherwise.
var kunrei = map[string]string{
	"shi": "si", "chi": "ti", "tsu": "tu", "fu": "hu", "ji": "zi",
	"sha": "sya", "shu": "syu", "sho": "syo", "cha": "tya", "chu": "tyu", "cho": "tyo",
	"ja": "zya", "ju": "zyu", "jo": "zyo",
}

func kanaWord(word []rune, v int) string {
	var syl []string // one romanised syllable per kana
	for _, r := range word {
		if r >= 'ァ' && r <= 'ヶ' {
			r -= 'ァ' - 'ぁ' // katakana to hiragana
		}
		n := len(syl)
		switch {
		case r == 'ゃ' || r == 'ゅ' || r == 'ょ':
			// Contracted sounds: き+ゃ → kya, し+ゃ → sha.
			if n > 0 && strings.HasSuffix(syl[n-1], "i") && len(syl[n-1]) > 1 {
				stem := strings.TrimSuffix(syl[n-1], "i")
				if stem == "sh" || stem == "ch" || stem == "j" {
					syl[n-1] = stem + kana[r][1:]
				} else {
					syl[n-1] = stem + kana[r]
				}
				continue
			}
			syl = append(syl, kana[r])
		case r == 'ぁ' || r == 'ぃ' || r == 'ぅ' || r == 'ぇ' || r == 'ぉ':
			// Extended katakana: フ+ァ → fa, テ+ィ → ti, ウ+ィ → wi.
			if n > 0 && syl[n-1] != "" && syl[n-1] != "n" {
				stem := strings.TrimRight(syl[n-1], "aiueo")
				if stem == "" {
					stem = "w"
				}
				syl[n-1] = stem + kana[r]
				continue
			}
			syl = append(syl, kana[r])
		case r == 'ゝ' || r == 'ゞ' || r == 'ヽ' || r == 'ヾ':
			if n > 0 {
				syl = append(syl, syl[n-1])
			}
		case r == 'ー':
			// long vowel: not written in passport Hepburn
		default:
			syl = append(syl, kana[r]) // っ spells "" and is handled below
		}
	}
	if v == 3 {
		for i, s := range syl {
			if k, ok := kunrei[s]; ok {
				syl[i] = k
			}
		}
	}
	var b strings.Builder
	for i, s := range syl {
		next := ""
		if i+1 < len(syl) {
			next = syl[i+1]
		}
		switch {
		case s == "" && next != "": // っ doubles the next consonant
			if strings.HasPrefix(next, "ch") && v != 3 {
				b.WriteString("t")
			} else if !strings.ContainsAny(next[:1], "aiueo") {
				b.WriteString(next[:1])
			}
		case s == "n" && next != "" && strings.ContainsAny(next[:1], "bmp") && v != 3:
			b.WriteString("m")
		default:
			b.WriteString(s)
		}
	}
	out := b.String()
	switch v {
	case 1:
	case 2:
		out = strings.NewReplacer("ou", "oh", "oo", "oh").Replace(out)
	default:
		out = strings.NewReplacer("ou", "o", "oo", "o", "uu", "u").Replace(out)
	}
	return out
}

// Hangul: Revised Romanization, computed from the jamo of each syllable
// (김민준 → Gimminjun; written as separate family and given names, 김 민준 →
// Kim Minjun, see Family). Sound changes across syllables are
// not applied, as RR prescribes for personal names, except that ㄹㄹ is ll.
var (
	hangulInitial = []string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	hangulVowel   = []string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	hangulFinal   = []string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
)

func hangulWord(word []rune) string {
	var b strings.Builder
	for i, r := range word {
		if r < 0xAC00 || r > 0xD7A3 {
			continue // a lone jamo: not a name
		}
		s := int(r - 0xAC00)
		initial, vowel, final := s/588, s%588/28, s%28
		if initial == 5 && i > 0 && hangulFinalOf(word[i-1]) == 8 {
			b.WriteString("l") // ㄹㄹ is ll
		} else {
			b.WriteString(hangulInitial[initial])
		}
		b.WriteString(hangulVowel[vowel])
		b.WriteString(hangulFinal[final])
	}
	return b.String()
}

func hangulFinalOf(r rune) int {
	if r < 0xAC00 || r > 0xD7A3 {
		return -1
	}
	return int(r-0xAC00) % 28
}

// hangulSurnames are the spellings most bearers of the commonest Korean
// family names use, instead of their Revised Romanization (김 is Kim, not
// Gim). Used only for a family name given on its own.
var hangulSurnames = map[string]string{
	"김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "강": "Kang",
	"조": "Cho", "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh",
	"서": "Seo", "신": "Shin", "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song",
	"류": "Ryu", "유": "Yoo", "홍": "Hong", "전": "Jeon", "고": "Ko", "문": "Moon",
	"양": "Yang", "손": "Son", "배": "Bae", "백": "Baek", "노": "Noh", "하": "Ha",
}

// Devanagari: a simple Hindi-oriented scheme without diacritics (नरेन्द्र
// मोदी → Narendra Modi): consonants carry an inherent a that a vowel sign
// replaces and the virama removes. As in Hindi speech, the inherent a is
// silent at the end of a word (unless after a conjunct, or the word has one
// syllable) and between a vowel and a consonant with a vowel (सरकार →
// Sarkar), taken from the right.
var (
	devanagariConsonant = map[rune]string{
		'क': "k", 'ख': "kh", 'ग': "g", 'घ': "gh", 'ङ': "n", 'च': "ch", 'छ': "chh",
		'ज': "j", 'झ': "jh", 'ञ': "n", 'ट': "t", 'ठ': "th", 'ड': "d", 'ढ': "dh",
		'ण': "n", 'त': "t", 'थ': "th", 'द': "d", 'ध': "dh", 'न': "n", 'प': "p",
		'फ': "ph", 'ब': "b", 'भ': "bh", 'म': "m", 'य': "y", 'र': "r", 'ल': "l",
		'ळ': "l", 'व': "v", 'श': "sh", 'ष': "sh", 'स': "s", 'ह': "h",
	}
	devanagariNukta = map[rune]string{'क': "q", 'ख': "kh", 'ग': "gh", 'ज': "z", 'ड': "r", 'ढ': "rh", 'फ': "f", 'य': "y"}
	devanagariVowel = map[rune]string{
		'अ': "a", 'आ': "a", 'इ': "i", 'ई': "i", 'उ': "u", 'ऊ': "u", 'ऋ': "ri",
		'ए': "e", 'ऐ': "ai", 'ओ': "o", 'औ': "au", 'ऑ': "o",
	}
	devanagariSign = map[rune]string{
		'ा': "a", 'ि': "i", 'ी': "i", 'ु': "u", 'ू': "u", 'ृ': "ri", 'े': "e",
		'ै': "ai", 'ो': "o", 'ौ': "au", 'ॉ': "o", 'ॅ': "e",
	}
)

// akshara is a consonant (possibly of a conjunct) or a vowel of a
// Devanagari word, as spelled.
type akshara struct {
	consonant string // "" for an independent vowel
	vowel     string // "" after a virama
	inherent  bool   // vowel is the inherent a
	conjunct  bool   // the consonant follows a virama
	after     string // anusvara, visarga, digits and the like
}

func devanagariWord(word []rune) string {
	var units []akshara
	last := func() *akshara {
		if len(units) == 0 {
			units = append(units, akshara{})
		}
		return &units[len(units)-1]
	}
	for i, r := range word {
		switch {
		case devanagariConsonant[r] != "":
			c := devanagariConsonant[r]
			if i+1 < len(word) && word[i+1] == '\u093C' && devanagariNukta[r] != "" {
				c = devanagariNukta[r]
			}
			conjunct := i > 0 && word[i-1] == '\u094D'
			units = append(units, akshara{consonant: c, vowel: "a", inherent: true, conjunct: conjunct})
		case r == '\u094D': // virama
			last().vowel, last().inherent = "", false
		case devanagariSign[r] != "":
			last().vowel, last().inherent = devanagariSign[r], false
		case devanagariVowel[r] != "":
			units = append(units, akshara{vowel: devanagariVowel[r]})
		case r == 'ं' || r == 'ँ':
			if i+1 < len(word) && strings.ContainsRune("पफबभम", word[i+1]) {
				last().after += "m"
			} else {
				last().after += "n"
			}
		case r == 'ः':
			last().after += "h"
		case r >= '०' && r <= '९':
			last().after += string('0' + r - '०')
		case r == '।' || r == '॥':
			last().after += "."
		}
	}
	syllables := 0
	for _, u := range units {
		if u.vowel != "" {
			syllables++
		}
	}
	if n := len(units); n > 0 && units[n-1].inherent && !units[n-1].conjunct && syllables > 1 && units[n-1].after == "" {
		units[n-1].vowel = ""
	}
	for i := len(units) - 2; i >= 1; i-- {
		u, prev, next := units[i], units[i-1], units[i+1]
		if u.inherent && !u.conjunct && u.after == "" && prev.vowel != "" && next.consonant != "" && next.vowel != "" {
			units[i].vowel = ""
		}
	}
	var b strings.Builder
	for _, u := range units {
		b.WriteString(u.consonant + u.vowel + u.after)
	}
	return b.String()
}
