package country_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"checkin/kiosk/country"
	"checkin/kiosk/country/internal/table"
)

// TestTableIsGenerated: the committed table is what the generator makes of
// the committed inputs (run go generate ./kiosk/country after editing
// data/un-names.tsv).
func TestTableIsGenerated(t *testing.T) {
	iso, err := os.ReadFile("data/iso-codes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	un, err := os.ReadFile("data/un-names.tsv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := table.Generate(iso, un)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("data/countries.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("data/countries.tsv is not what data/iso-codes.tsv and data/un-names.tsv give: run go generate ./kiosk/country")
	}
}

// TestExtractMatchesInstalledISOCodes: when the iso-codes release the
// extract was made from is installed, extracting again gives the same file.
func TestExtractMatchesInstalledISOCodes(t *testing.T) {
	const prefix = "/usr/share"
	pc, err := os.ReadFile(filepath.Join(prefix, "pkgconfig", "iso-codes.pc"))
	if err != nil {
		t.Skip("iso-codes is not installed (apt-get install iso-codes): extract not checked")
	}
	committed, err := os.ReadFile("data/iso-codes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	version := table.Version(pc)
	if !bytes.Contains(committed, []byte("iso-codes "+version+":")) {
		t.Skipf("installed iso-codes %s is not the release of data/iso-codes.tsv: extract not checked", version)
	}
	js, err := os.ReadFile(filepath.Join(prefix, "iso-codes", "json", "iso_3166-1.json"))
	if err != nil {
		t.Fatal(err)
	}
	mo := map[string][]byte{}
	for lang, folder := range map[string]string{"fr": "fr", "es": "es", "ar": "ar", "zh": "zh_CN", "ru": "ru"} {
		if mo[lang], err = os.ReadFile(filepath.Join(prefix, "locale", folder, "LC_MESSAGES", "iso_3166-1.mo")); err != nil {
			t.Fatal(err)
		}
	}
	got, err := table.Extract(js, mo, version)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Fatal("extracting the installed iso-codes does not give data/iso-codes.tsv")
	}
}

// unNames pins the names the UN writes, in en fr es ar zh ru.
var unNames = map[string][6]string{
	"MK": {"North Macedonia", "Macédoine du Nord", "Macedonia del Norte", "مقدونيا الشمالية", "北马其顿", "Северная Македония"},
	"KR": {"Republic of Korea", "République de Corée", "República de Corea", "جمهورية كوريا", "大韩民国", "Республика Корея"},
	"KP": {"Democratic People's Republic of Korea", "République populaire démocratique de Corée", "República Popular Democrática de Corea",
		"جمهورية كوريا الشعبية الديمقراطية", "朝鲜民主主义人民共和国", "Корейская Народно-Демократическая Республика"},
	"RU": {"Russian Federation", "Fédération de Russie", "Federación de Rusia", "الاتحاد الروسي", "俄罗斯联邦", "Российская Федерация"},
	"IR": {"Iran (Islamic Republic of)", "Iran (République islamique d')", "Irán (República Islámica del)", "إيران (جمهورية - الإسلامية)",
		"伊朗伊斯兰共和国", "Иран (Исламская Республика)"},
	"PS": {"State of Palestine", "État de Palestine", "Estado de Palestina", "دولة فلسطين", "巴勒斯坦国", "Государство Палестина"},
	"BO": {"Bolivia (Plurinational State of)", "Bolivie (État plurinational de)", "Bolivia (Estado Plurinacional de)",
		"بوليفيا (دولة - المتعددة القوميات)", "多民族玻利维亚国", "Боливия (Многонациональное Государство)"},
	"VE": {"Venezuela (Bolivarian Republic of)", "Venezuela (République bolivarienne du)", "Venezuela (República Bolivariana de)",
		"فنزويلا (جمهورية - البوليفارية)", "委内瑞拉玻利瓦尔共和国", "Венесуэла (Боливарианская Республика)"},
	"TR": {"Türkiye", "Türkiye", "Türkiye", "تركيا", "土耳其", "Турция"},
	"CI": {"Côte d'Ivoire", "Côte d'Ivoire", "Côte d'Ivoire", "كوت ديفوار", "科特迪瓦", "Кот-д'Ивуар"},
	"CZ": {"Czechia", "Tchéquie", "Chequia", "تشيكيا", "捷克", "Чехия"},
	"MD": {"Republic of Moldova", "République de Moldova", "República de Moldova", "جمهورية مولدوفا", "摩尔多瓦共和国", "Республика Молдова"},
	"TZ": {"United Republic of Tanzania", "République-Unie de Tanzanie", "República Unida de Tanzanía", "جمهورية تنزانيا المتحدة",
		"坦桑尼亚联合共和国", "Объединенная Республика Танзания"},
	"GB": {"United Kingdom of Great Britain and Northern Ireland", "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
		"Reino Unido de Gran Bretaña e Irlanda del Norte", "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية", "大不列颠及北爱尔兰联合王国",
		"Соединенное Королевство Великобритании и Северной Ирландии"},
	"US": {"United States of America", "États-Unis d'Amérique", "Estados Unidos de América", "الولايات المتحدة الأمريكية", "美利坚合众国",
		"Соединенные Штаты Америки"},
	"VN": {"Viet Nam", "Viet Nam", "Viet Nam", "فييت نام", "越南", "Вьетнам"},
	"LA": {"Lao People's Democratic Republic", "République démocratique populaire lao", "República Democrática Popular Lao",
		"جمهورية لاو الديمقراطية الشعبية", "老挝人民民主共和国", "Лаосская Народно-Демократическая Республика"},
	"SY": {"Syrian Arab Republic", "République arabe syrienne", "República Árabe Siria", "الجمهورية العربية السورية", "阿拉伯叙利亚共和国",
		"Сирийская Арабская Республика"},
	"FM": {"Micronesia (Federated States of)", "Micronésie (États fédérés de)", "Micronesia (Estados Federados de)",
		"ميكرونيزيا (ولايات - الموحدة)", "密克罗尼西亚联邦", "Микронезия (Федеративные Штаты)"},
	"NL": {"Netherlands (Kingdom of the)", "Pays-Bas (Royaume des)", "Países Bajos (Reino de los)", "هولندا (مملكة -)", "荷兰王国",
		"Нидерланды (Королевство)"},
	"VA": {"Holy See", "Saint-Siège", "Santa Sede", "الكرسي الرسولي", "教廷", "Святой Престол"},
	"CD": {"Democratic Republic of the Congo", "République démocratique du Congo", "República Democrática del Congo",
		"جمهورية الكونغو الديمقراطية", "刚果民主共和国", "Демократическая Республика Конго"},
	"CH": {"Switzerland", "Suisse", "Suiza", "سويسرا", "瑞士", "Швейцария"}, // as iso-codes has it
}

func TestUNNames(t *testing.T) {
	for code, want := range unNames {
		for i, lang := range country.Langs {
			if got := country.Name(code, lang); got != want[i] {
				t.Errorf("Name(%s, %s) = %q, want %q", code, lang, got, want[i])
			}
		}
		if got := country.Names(code); len(got) != 6 || got[0] != want[0] || got[5] != want[5] {
			t.Errorf("Names(%s) = %q", code, got)
		}
	}
}

// TestNoListForms: no English name is ISO's inverted list form
// ("Korea, Republic of"), which the UN never prints.
func TestNoListForms(t *testing.T) {
	for code, name := range country.All("en") {
		if strings.HasSuffix(name, " of") || strings.HasSuffix(name, " of the") || strings.Contains(name, ", The ") {
			t.Errorf("%s: %q is a list form", code, name)
		}
	}
}

func TestValid(t *testing.T) {
	for code, want := range map[string]bool{"CH": true, "XK": true, "VA": true, "PS": true, "ZZ": false, "ch": false, "": false, "CHE": false, "UK": false} {
		if got := country.Valid(code); got != want {
			t.Errorf("Valid(%q) = %v, want %v", code, got, want)
		}
	}
	if n := len(country.All("en")); n < 250 {
		t.Errorf("%d codes, want every ISO 3166-1 code (249) and XK", n)
	}
}

func TestNameOtherLanguageAndUnknownCode(t *testing.T) {
	if got := country.Name("KR", "de"); got != "Republic of Korea" {
		t.Errorf("Name(KR, de) = %q, want the English name", got)
	}
	if got := country.Name("ZZ", "en"); got != "" {
		t.Errorf("Name(ZZ) = %q, want \"\"", got)
	}
	if got := country.Names("ZZ"); got != nil {
		t.Errorf("Names(ZZ) = %q, want nil", got)
	}
	for code, name := range country.All("ar") {
		if strings.ContainsRune(name, '\u0651') {
			t.Errorf("%s: Arabic %q has a shadda", code, name)
		}
	}
}
