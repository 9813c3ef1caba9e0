package translit

import (
	"slices"
	"strings"

	pinyin "github.com/mozillazg/go-pinyin"
)

// Chinese characters are read through the dictionary of
// github.com/mozillazg/go-pinyin (about 41,000 characters, each with its
// readings, the commonest first); only its table is used, and its tones
// are taken off here.

// readings returns the toneless pinyin readings of a Han character, the
// commonest first, with ü written as v; nil when the dictionary has none.
func readings(r rune) []string {
	raw, ok := pinyin.PinyinDict[int(r)]
	if !ok {
		return nil
	}
	var out []string
	for _, p := range strings.Split(raw, ",") {
		p = untone.Replace(p)
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

var untone = strings.NewReplacer(
	"ā", "a", "á", "a", "ǎ", "a", "à", "a",
	"ē", "e", "é", "e", "ě", "e", "è", "e", "ê", "e",
	"ī", "i", "í", "i", "ǐ", "i", "ì", "i",
	"ō", "o", "ó", "o", "ǒ", "o", "ò", "o",
	"ū", "u", "ú", "u", "ǔ", "u", "ù", "u",
	"ǖ", "v", "ǘ", "v", "ǚ", "v", "ǜ", "v", "ü", "v",
	"ń", "n", "ň", "n", "ǹ", "n", "ḿ", "m",
)

// passportV writes ü (v) as Chinese passports do: yu after l and n (吕
// Lyu, 女 Nyu); after j, q, x and y pinyin writes it u already.
func passportV(p string) string { return strings.ReplaceAll(p, "v", "yu") }

// hanWord spells Han characters in pinyin, by the commonest reading of
// each, joined as in a passport (小明 → xiaoming). A character the
// dictionary lacks is left out.
func hanWord(word []rune) string {
	var b strings.Builder
	for _, r := range word {
		if rs := readings(r); len(rs) > 0 {
			b.WriteString(passportV(rs[0]))
		}
	}
	return b.String()
}

// hanSurnames are family names whose reading as a family name is not the
// character's commonest reading (曾 is Zeng as a name, ceng otherwise),
// and the compound family names with such a character.
var hanSurnames = map[string]string{
	"单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao",
	"查": "zha", "盖": "ge", "乐": "yue", "秘": "bi", "缪": "miao", "翟": "zhai",
	"覃": "qin", "召": "shao", "种": "chong", "员": "yun", "重": "chong", "卜": "bu",
	"薄": "bo", "句": "gou", "隗": "wei", "繁": "po", "藏": "zang", "六": "lu",
	"折": "she", "便": "pian", "阚": "kan", "能": "nai", "长孙": "zhangsun",
	"尉迟": "yuchi", "万俟": "moqi", "澹台": "tantai", "单于": "chanyu",
}

// hanSurname spells a family name in Han characters: a family name of the
// table whole, or its first character from the table and the rest as
// hanWord does.
func hanSurname(s string) (string, bool) {
	if v, ok := hanSurnames[s]; ok {
		return v, true
	}
	runes := []rune(s)
	if v, ok := hanSurnames[string(runes[0])]; ok {
		return v + hanWord(runes[1:]), true
	}
	return hanWord(runes), hanWord(runes) != ""
}

// maxHanJoined bounds the joined spellings of one run of characters, made
// of every reading of each (a name of three characters with three readings
// each would otherwise have 27).
const maxHanJoined = 8

// hanKeys returns the search keys of the Han characters of s besides the
// joined commonest readings that spell gives: each syllable alone in every
// reading, the joined spellings of other readings (up to maxHanJoined a
// run), family-name readings, and ü also as u and as v.
func hanKeys(s string) []string {
	var keys []string
	add := func(k string) {
		if k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	vs := func(p string) []string {
		if !strings.Contains(p, "v") {
			return []string{p}
		}
		return []string{passportV(p), strings.ReplaceAll(p, "v", "u"), p}
	}
	runes := []rune(s)
	for i := 0; i < len(runes); {
		if scriptOf(runes[i]) != scriptHan {
			i++
			continue
		}
		j := i
		for j < len(runes) && scriptOf(runes[j]) == scriptHan {
			j++
		}
		run := runes[i:j]
		i = j
		joined := []string{""}
		for k, r := range run {
			var forms []string
			for _, p := range readings(r) {
				forms = append(forms, vs(p)...)
			}
			if k == 0 {
				if v, ok := hanSurnames[string(r)]; ok && !slices.Contains(forms, v) {
					forms = append([]string{v}, forms...)
				}
			}
			if len(forms) == 0 {
				continue
			}
			var next []string
			for _, f := range forms {
				add(f)
				for _, p := range joined {
					if len(next) < maxHanJoined {
						next = append(next, p+f)
					}
				}
			}
			joined = next
		}
		if v, ok := hanSurnames[string(run)]; ok {
			add(v)
		}
		if len(run) > 1 {
			for _, p := range joined {
				add(p)
			}
		}
	}
	return keys
}
