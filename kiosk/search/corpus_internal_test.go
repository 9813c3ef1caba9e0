package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// A generated roster for tests and benchmarks: names as a large meeting
// sees them, in many scripts, with the surnames of each culture repeating
// as they do in life and a share of rarer names made of syllables.

type culture struct {
	weight    int
	families  []string
	givens    []string
	countries []string
	syllables []string // for rarer names; nil: none
	suffixes  []string
}

var cultures = []culture{
	{
		weight:    10,
		families:  strings.Fields("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Köhler Weiß Groß Jäger Möller Günther Böhm Mueller"),
		givens:    strings.Fields("Anna Lena Jürgen Björn Uwe Klaus Sabine Jörg Günter Hans-Peter Käthe Lukas Felix Sophie Marie Paul Leon Jonas Mia Hannah Ursula Dieter"),
		countries: strings.Fields("DE AT CH"),
		syllables: strings.Fields("bach berg brand dorf feld hau kamp mann ober stein wald wies lin gart haus kir"),
		suffixes:  []string{"", "er", "mann", "ing"},
	},
	{
		weight:    8,
		families:  strings.Fields("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier Dupont Lambert Bonnet François"),
		givens:    strings.Fields("Jean-Pierre Marie-Claire Anne-Sophie François Zoë Chloé Renée Hélène Léa Théo Mathéo Gaëlle Noël Benoît Cécile Amélie Jérôme Stéphane Étienne Inès"),
		countries: strings.Fields("FR BE CH CA SN CI"),
		syllables: strings.Fields("bo cha de fon gi la mar ne pe ro sau ti vil"),
		suffixes:  []string{"", "et", "eau", "ier"},
	},
	{
		weight:    12,
		families:  strings.Fields("García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Suárez Silva Santos Oliveira Souza Pereira Costa Carvalho Gonçalves Araújo Magalhães"),
		givens:    strings.Fields("José João María Ángel Sofía Lucía Martín Mateo Santiago Valentina Camila Héctor Raúl Inês Conceição Gonçalo Tomás Mónica Jesús Begoña Ana Luis Carlos"),
		countries: strings.Fields("ES MX AR CO PE CL PT BR"),
		syllables: strings.Fields("al ba ca do es fe gal ja lo ma ne pa que ri sal ta va za"),
		suffixes:  []string{"ez", "es", "o", "a", "ira"},
	},
	{
		weight:    12,
		families:  strings.Fields("Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson White Harris Clark Lewis Walker Hall Young O’Brien O'Connor O’Neill McDonald MacLeod Murphy Kelly Ryan Byrne Walsh"),
		givens:    strings.Fields("James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Siobhán Seán Niamh Aoife Emma Olivia Noah Liam Anna"),
		countries: strings.Fields("US GB IE AU NZ CA"),
		syllables: strings.Fields("ash brook craw ford ham ley mor ston ton well wood har win den"),
		suffixes:  []string{"", "son", "ley", "s"},
	},
	{
		weight:    10,
		families:  strings.Fields("Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dvořák Novák Svoboda Černý Procházka Horváth Nagy Szabó Tóth Kovács Jovanović Petrović Nikolić Đorđević Popescu Ionescu Sørensen Jensen Nielsen Hansen Andersson Johansson Karlsson Virtanen Mäkinen Hämäläinen Jónsdóttir Guðmundsson Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın"),
		givens:    strings.Fields("Łukasz Małgorzata Agnieszka Piotr Tomáš Jiří Zuzana Petra László Zsófia Miloš Ioana Søren Ingrid Astrid Sven Björk Sigríður Þóra Ömer Çağla Şebnem Ayşe Mehmet"),
		countries: strings.Fields("PL CZ HU RS RO DK SE FI IS TR"),
		syllables: strings.Fields("bor dra go ja ko le mi no pa ra sto ve zy ły ši čo"),
		suffixes:  []string{"ski", "ić", "escu", "sen", "nen", "ová"},
	},
	{
		weight:    5,
		families:  strings.Fields("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý"),
		givens:    []string{"Văn An", "Thị Ngọc", "Minh Anh", "Đức Thắng", "Thu Hà", "Quang Huy", "Hồng Nhung", "Bảo Ngọc", "Tuấn Anh", "Thanh Hương"},
		countries: []string{"VN"},
	},
	{
		weight:    8,
		families:  strings.Fields("Okafor Adeyemi Mensah Diallo Traoré Ndiaye Mwangi Kenyatta Ochieng Banda Phiri Dlamini Nkosi Abubakar Ɗanjuma Osei Asante Kamara Koné Coulibaly"),
		givens:    strings.Fields("Kwame Chidi Ngozi Amara Aminata Moussa Fatoumata Oluwaseun Chiamaka Thabo Zanele Kofi Abena Ibrahim Wanjiru"),
		countries: strings.Fields("NG GH SN ML KE ZA CI"),
		syllables: strings.Fields("a ba chi da ke ko la ma nde o si tu wa ye"),
		suffixes:  []string{"", "e", "i", "u"},
	},
	{
		weight:    6,
		families:  strings.Fields("Singh Kumar Sharma Patel Gupta Das Rahman Chowdhury Khan Hussain Iyer Reddy Nair Banerjee Mukherjee"),
		givens:    strings.Fields("Priya Arjun Anjali Rahul Deepika Vikram Aisha Imran Fatima Sanjay"),
		countries: strings.Fields("IN PK BD LK"),
		syllables: strings.Fields("an bha cha dev ga ja kri la na pra ra sri va"),
		suffixes:  []string{"", "an", "ani"},
	},
	{
		weight:    9,
		families:  strings.Fields("Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Шевченко Бондаренко Коваленко Ткаченко Кравченко Олійник Јовановић Петровић Иванова Смирнова"),
		givens:    strings.Fields("Александр Дмитрий Максим Сергей Андрей Алексей Иван Анна Мария Елена Ольга Наталья Татьяна Юлия Ирина Екатерина Артём Николай Юрій Олена"),
		countries: strings.Fields("RU UA BY KZ RS BG"),
		syllables: strings.Fields("бо ва го да ер жу за ки ло ми не по ра со ту ша"),
		suffixes:  []string{"ов", "ев", "ин", "енко", "ова"},
	},
	{
		weight:    3,
		families:  strings.Fields("Παπαδόπουλος Παπαδοπούλου Γεωργίου Νικολάου Οικονόμου Καραγιάννης Βασιλείου Δημητρίου Ιωάννου Κωνσταντίνου Αθανασίου Χριστοδούλου"),
		givens:    strings.Fields("Γιώργος Δημήτρης Νίκος Ελένη Μαρία Αικατερίνη Σοφία Κώστας Ιωάννης Αθανάσιος Χρήστος Βασιλική"),
		countries: strings.Fields("GR CY"),
	},
	{
		weight:    7,
		families:  []string{"محمد", "أحمد", "علي", "حسن", "حسين", "عبد الله", "الشمري", "العتيبي", "القحطاني", "المصري", "الحسيني", "خوري", "حداد", "إبراهيم", "يوسف", "منصور", "سالم", "الزهراني"},
		givens:    []string{"فاطمة", "عائشة", "مريم", "خالد", "عمر", "يوسف", "ليلى", "نور", "زينب", "سارة", "محمد", "أحمد", "عبد الرحمن", "مصطفى"},
		countries: strings.Fields("SA EG AE JO LB MA DZ IQ"),
	},
	{
		weight:    2,
		families:  strings.Fields("کریمی حسینی رضایی محمدی احمدی موسوی جعفری"),
		givens:    strings.Fields("علی زهرا رضا مریم حسین"),
		countries: strings.Fields("IR AF"),
	},
	{
		weight:    2,
		families:  strings.Fields("כהן לוי מזרחי פרץ ביטון אברהם פרידמן"),
		givens:    strings.Fields("נועה דוד יוסף שרה מיכל אורי"),
		countries: []string{"IL"},
	},
	{
		weight:    10,
		families:  strings.Fields("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 欧阳 司马"),
		givens:    strings.Fields("小明 伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 志强 国华 晓东 海燕 子涵"),
		countries: strings.Fields("CN SG HK"),
	},
	{
		weight:    5,
		families:  strings.Fields("佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 さとう たなか カトウ ヤマモト"),
		givens:    strings.Fields("翔太 陽菜 結衣 大翔 蓮 美咲 健太 ゆい はると さくら ハナ ケンジ"),
		countries: []string{"JP"},
	},
	{
		weight:    5,
		families:  strings.Fields("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권"),
		givens:    strings.Fields("민준 서연 서준 지우 하은 도윤 지호 수아 예준 지민 현우 유진 민서 준서"),
		countries: []string{"KR"},
	},
	{
		weight:    1,
		families:  strings.Fields("शर्मा वर्मा गुप्ता सिंह สมชาย สมศรี"),
		givens:    strings.Fields("प्रिया अर्जुन राहुल มาลี"),
		countries: strings.Fields("IN TH"),
	},
}

var countryNames = map[string]string{
	"DE": "Germany", "AT": "Austria", "CH": "Switzerland", "FR": "France", "BE": "Belgium",
	"CA": "Canada", "SN": "Senegal", "CI": "Côte d’Ivoire", "ES": "Spain", "MX": "Mexico",
	"AR": "Argentina", "CO": "Colombia", "PE": "Peru", "CL": "Chile", "PT": "Portugal",
	"BR": "Brazil", "US": "United States of America", "GB": "United Kingdom", "IE": "Ireland",
	"AU": "Australia", "NZ": "New Zealand", "PL": "Poland", "CZ": "Czechia", "HU": "Hungary",
	"RS": "Serbia", "RO": "Romania", "DK": "Denmark", "SE": "Sweden", "FI": "Finland",
	"IS": "Iceland", "TR": "Türkiye", "VN": "Viet Nam", "NG": "Nigeria", "GH": "Ghana",
	"ML": "Mali", "KE": "Kenya", "ZA": "South Africa", "IN": "India", "PK": "Pakistan",
	"BD": "Bangladesh", "LK": "Sri Lanka", "RU": "Russian Federation", "UA": "Ukraine",
	"BY": "Belarus", "KZ": "Kazakhstan", "BG": "Bulgaria", "GR": "Greece", "CY": "Cyprus",
	"SA": "Saudi Arabia", "EG": "Egypt", "AE": "United Arab Emirates", "JO": "Jordan",
	"LB": "Lebanon", "MA": "Morocco", "DZ": "Algeria", "IQ": "Iraq", "IR": "Iran",
	"AF": "Afghanistan", "IL": "Israel", "CN": "China", "SG": "Singapore", "HK": "Hong Kong",
	"JP": "Japan", "KR": "Republic of Korea", "TH": "Thailand",
}

var orgTemplates = []string{
	"Ministry of Foreign Affairs of %s", "Ministry of Health of %s", "Ministry of Environment, %s",
	"Permanent Mission of %s to the United Nations", "Embassy of %s", "%s Red Cross",
	"National Statistics Office of %s", "Central Bank of %s", "Parliament of %s",
}

var orgs = []string{
	"World Health Organization", "UNICEF", "UNHCR", "International Labour Organization",
	"Médecins Sans Frontières", "Université de Genève", "Universität Zürich",
	"Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ)",
	"Organización Panamericana de la Salud", "Agence Française de Développement",
	"Norwegian Refugee Council", "Amnesty International", "Asian Development Bank",
	"African Union Commission", "Министерство иностранных дел", "外交部", "외교부",
	"وزارة الخارجية", "جامعة القاهرة", "Εθνικό και Καποδιστριακό Πανεπιστήμιο Αθηνών",
	"東京大学", "서울대학교", "Reuters", "Agence France-Presse", "BBC", "Al Jazeera", "Xinhua",
	"NHK", "University of Oxford", "Sorbonne Université", "OECD", "World Bank", "",
}

// generateDocs returns n delegates, the same for the same seed. Ids are
// D000001… and, for every tenth, DEL-000010….
func generateDocs(n int, seed uint64) []Doc {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, c := range cultures {
		total += c.weight
	}
	docs := make([]Doc, n)
	for i := range docs {
		k := rng.IntN(total)
		c := &cultures[0]
		for j := range cultures {
			if k < cultures[j].weight {
				c = &cultures[j]
				break
			}
			k -= cultures[j].weight
		}
		family := pick(rng, c.families)
		if c.syllables != nil && rng.IntN(3) == 0 {
			family = syllableName(rng, c)
		}
		if c.syllables != nil && rng.IntN(12) == 0 {
			family += pick(rng, []string{" ", "-"}) + pick(rng, c.families) // García López, Müller-Schmidt
		}
		given := pick(rng, c.givens)
		if rng.IntN(10) == 0 {
			given += " " + pick(rng, c.givens)
		}
		country := pick(rng, c.countries)
		org := pick(rng, orgs)
		if rng.IntN(2) == 0 {
			org = fmt.Sprintf(pick(rng, orgTemplates), countryNames[country])
		}
		id := fmt.Sprintf("D%06d", i+1)
		if (i+1)%10 == 0 {
			id = fmt.Sprintf("DEL-%06d", i+1)
		}
		status := "confirmed"
		switch r := rng.IntN(20); {
		case r == 0:
			status = "cancelled"
		case r < 4:
			status = "registered"
		}
		docs[i] = Doc{
			ID:           id,
			FamilyName:   family,
			GivenName:    given,
			Organization: org,
			Country:      country,
			CountryName:  countryNames[country],
			Role:         pick(rng, []string{"delegate", "delegate", "delegate", "head", "deputy_head", "press", "staff", "guest"}),
			Status:       status,
		}
	}
	return docs
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

func syllableName(rng *rand.Rand, c *culture) string {
	var b strings.Builder
	for range 2 + rng.IntN(2) {
		b.WriteString(pick(rng, c.syllables))
	}
	b.WriteString(pick(rng, c.suffixes))
	s := b.String()
	r, size := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[size:]
}

// benchQueries returns n queries as the desk types them against docs: one
// to three characters of a name (the hard case), whole names, two words in
// either order, ids, organizations, countries, misses, other scripts and
// junk.
func benchQueries(docs []Doc, n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	prefix := func(s string, runes int) string {
		for j := range s {
			if runes == 0 {
				return s[:j]
			}
			runes--
		}
		return s
	}
	misses := []string{"zzqx", "xylophone", "qwerty", "ЩЪЫ", "ñandú", "ß", "999999", "D999999", "muller xyz", "山田太郎花子"}
	junk := []string{"' OR 1=1 --", "%", "_", "*", `"`, "\x00", "\xff\xfe", "a%", "; DROP TABLE delegates;", "   ", "--"}
	qs := make([]string, n)
	for i := range qs {
		d := docs[rng.IntN(len(docs))]
		name := d.FamilyName
		if rng.IntN(3) == 0 {
			name = d.GivenName
		}
		switch k := rng.IntN(20); {
		case k < 4:
			qs[i] = prefix(name, 1)
		case k < 7:
			qs[i] = prefix(name, 2)
		case k < 9:
			qs[i] = prefix(name, 3)
		case k < 11:
			qs[i] = d.FamilyName
		case k == 11:
			qs[i] = d.GivenName + " " + d.FamilyName
		case k == 12:
			qs[i] = d.FamilyName + " " + prefix(d.GivenName, 1)
		case k == 13:
			qs[i] = strings.ToLower(d.ID)
		case k == 14:
			qs[i] = prefix(d.ID, 4)
		case k == 15:
			qs[i] = prefix(d.Organization, 5)
		case k == 16:
			qs[i] = d.CountryName
		case k == 17:
			qs[i] = pick(rng, misses)
		case k == 18:
			qs[i] = pick(rng, junk)
		default:
			qs[i] = prefix(d.FamilyName, 1) + " " + prefix(d.GivenName, 1)
		}
	}
	return qs
}
