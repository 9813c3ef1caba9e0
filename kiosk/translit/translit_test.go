package translit_test

import (
	"slices"
	"testing"

	"checkin/kiosk/translit"
)

func TestLatin(t *testing.T) {
	tests := []struct {
		in, country, want string
		ok                bool
	}{
		{"Anna Müller", "", "Anna Müller", true},
		{"Иванов Пётр", "RU", "Ivanov Pyotr", true},
		{"ИВАНОВ", "", "IVANOV", true},
		{"Елена Сергеевна", "", "Yelena Sergeyevna", true},
		{"Михаил Горбачёв", "", "Mikhail Gorbachov", true},
		{"Щукин Юрий", "", "Shchukin Yuriy", true},
		{"Кузнецова Дарья", "RU", "Kuznetsova Darya", true},
		{"Ђорђе Јовановић", "RS", "Đorđe Jovanović", true},
		// Ukrainian: its national system, by its letters or the country.
		{"Олексій Кравчук", "", "Oleksii Kravchuk", true},
		{"Григорій Шевчишин", "", "Hryhorii Shevchyshyn", true},
		{"Юрій Яковенко", "", "Yurii Yakovenko", true},
		{"Володимир", "UA", "Volodymyr", true},
		{"Володимир", "", "Volodimir", true},
		{"Γιώργος Παπαδόπουλος", "GR", "Giorgos Papadopoulos", true},
		{"Ευάγγελος", "", "Evangelos", true},
		{"Αύγουστος", "", "Avgoustos", true},
		{"Ντίνος Μπάκος", "", "Dinos Bakos", true},
		{"Παπαδοπούλου Αικατερίνη", "", "Papadopoulou Aikaterini", true},
		{"Արամ Խաչատրյան", "", "Aram Khachatryan", true},
		{"Ուրարտու", "", "Urartu", true},
		{"Լուսինե Սարգսյան", "AM", "Lusine Sargsyan", true},
		{"მიხეილ სააკაშვილი", "", "Mikheil Saakashvili", true},
		{"ნინო ყიფიანი", "GE", "Nino Qipiani", true},
		{"やまだ たろう", "", "Yamada Taro", true},
		{"ヤマダ タロウ", "", "Yamada Taro", true},
		{"きょうこ", "", "Kyoko", true},
		{"しんぺい", "", "Shimpei", true},
		{"まっちゃ", "", "Matcha", true},
		{"ホッカイドウ", "", "Hokkaido", true},
		{"フィリップ", "", "Firippu", true},
		{"김민준", "", "Gimminjun", true},
		{"박 서연", "", "Bak Seoyeon", true},
		{"नरेन्द्र मोदी", "", "Narendra Modi", true},
		{"राहुल गांधी", "", "Rahul Gandhi", true},
		{"प्रकाश", "", "Prakash", true},
		{"Anna Иванова-Smith", "", "Anna Ivanova-Smith", true},
		// Chinese: pinyin without tones, a name's syllables joined.
		{"王芳", "CN", "Wangfang", true},
		{"王 芳", "", "Wang Fang", true},
		{"陈 志强", "SG", "Chen Zhiqiang", true},
		{"吕 丽", "CN", "Lyu Li", true},
		// Not where pinyin is not the passport's spelling, nor for kanji.
		{"陈 志强", "TW", "", false},
		{"佐藤 花子", "JP", "", false},
		{"山田 たろう", "", "", false},
		// Never for abjads.
		{"أحمد المنصوري", "AE", "", false},
		{"محمد العلي", "", "", false},
		{"דוד כהן", "IL", "", false},
		{"Anna محمد", "", "", false},
		{"สมชาย", "", "", false},
		{"ᏣᎳᎩ", "", "", false},
	}
	for _, tt := range tests {
		got, ok := translit.Latin(tt.in, tt.country)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Latin(%q, %q): got %q, %v, want %q, %v", tt.in, tt.country, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFamily(t *testing.T) {
	tests := []struct{ in, country, want string }{
		{"김", "KR", "Kim"},
		{"이", "", "Lee"},
		{"曾", "CN", "Zeng"},
		{"单", "CN", "Shan"},
		{"欧阳", "CN", "Ouyang"},
		{"尉迟", "", "Yuchi"},
		{"王", "", "Wang"},
		{"Кузнецов", "", "Kuznetsov"},
	}
	for _, tt := range tests {
		if got, ok := translit.Family(tt.in, tt.country); got != tt.want || !ok {
			t.Errorf("Family(%q): got %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
	if got, ok := translit.Family("佐藤", "JP"); ok {
		t.Errorf("Family(佐藤, JP): got %q, want none", got)
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		in, country string
		want        []string // among the keys
		not         []string // not among them
	}{
		{"Кузнецов", "RU", []string{"kuznetsov", "kuznecov"}, nil},
		{"Евгений", "", []string{"yevgeniy", "evgenii", "evgenij"}, nil},
		{"Юлия", "", []string{"yuliya", "iuliia"}, nil},
		{"Хрущёв", "", []string{"khrushchov", "khrushchev", "xrushhov"}, nil},
		{"Шевчишин", "UA", []string{"shevchyshyn", "shevchishin"}, nil},
		{"Παπαδοπούλου", "GR", []string{"papadopoulou"}, nil},
		{"Χατζηδάκη", "", []string{"chatzidaki", "hatzidaki"}, nil},
		{"Μπαλτά", "", []string{"balta", "mpalta"}, nil},
		{"Խաչատրյան", "", []string{"khachatryan", "khachatrian"}, nil},
		{"ყიფიანი", "", []string{"qipiani", "kipiani"}, nil},
		{"さとう", "", []string{"sato", "satou", "satoh"}, nil},
		{"しょうじ", "", []string{"shoji", "syozi"}, nil},
		{"王芳", "CN", []string{"wangfang", "wang", "fang"}, nil},
		{"曾", "", []string{"zeng", "ceng"}, nil},
		{"吕", "", []string{"lyu", "lu", "lv"}, nil},
		{"陈志强", "TW", []string{"chenzhiqiang", "chen", "zhi", "qiang"}, nil},
		{"김", "", []string{"gim", "kim"}, nil},
		{"佐藤", "JP", nil, []string{"zuoteng", "zuo", "sato"}},
		{"أحمد المنصوري", "", nil, []string{"ahmd", "al mnsuri", "al-mnsuri"}},
		{"Müller", "", nil, []string{"muller"}},
	}
	for _, tt := range tests {
		got := translit.Keys(tt.in, tt.country)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Keys(%q, %q): got %q, want %q among them", tt.in, tt.country, got, w)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(got, w) {
				t.Errorf("Keys(%q, %q): got %q, want no %q", tt.in, tt.country, got, w)
			}
		}
	}
	if got := translit.Keys("أحمد المنصوري", "AE"); len(got) != 0 {
		t.Errorf("Keys of an Arabic name: got %q, want none", got)
	}
	if got := translit.Keys("佐藤", "JP"); len(got) != 0 {
		t.Errorf("Keys of kanji of Japan: got %q, want none", got)
	}
}
