package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// person is one generated roster row before it is written out.
type person struct {
	id       string
	family   string
	given    string
	sex      string // "m" or "f", for gendered family names
	org      string
	orgKind  string // admin, regulator, operator, industry, academia, press, itu
	country  string
	role     string
	groups   []string
	from, to int // meeting days (1-based, inclusive); 0 = the whole meeting
	status   string
	lang     string
	email    string
	uids     []string
	featured bool
}

// workingParty is one of SG12's working parties with the Questions it runs.
type workingParty struct {
	Name      string
	Questions []int
}

// workingParties of SG12. Q1/12 and Q2/12 report to the plenary.
var workingParties = []workingParty{
	{"WP1/12", []int{3, 4, 5, 6, 7, 10}},
	{"WP2/12", []int{9, 14, 15, 16, 19}},
	{"WP3/12", []int{8, 11, 12, 13, 17, 18}},
}

// question returns the group name of Question n, e.g. "Q4/12".
func question(n int) string { return "Q" + strconv.Itoa(n) + "/12" }

// Groups outside the Question structure.
const (
	groupSG12       = "SG12"
	groupManagement = "SG12-MT" // the study group's management team
	groupBSG        = "BSG"     // bridging the standardization gap training
	groupNewcomers  = "newcomers"
)

// How many people of each kind outside the national delegations.
const (
	numSecretariat = 10
	numCancelled   = 8
)

// Organization templates, filled with a country's name or city.
var (
	adminTemplates = []string{
		"Ministry of Communications, %s",
		"Ministry of Digital Affairs, %s",
		"Ministry of Information and Communication Technology, %s",
		"Ministry of Transport and Communications, %s",
	}
	regulatorTemplates = []string{
		"National Communications Regulatory Authority, %s",
		"Telecommunications Regulatory Commission, %s",
		"Communications and Digital Services Authority, %s",
	}
	academiaTemplates = []string{
		"%s Institute of Communication Sciences",
		"%s Polytechnic, Telecommunications Laboratory",
	}
)

// validity windows (meeting days) of the delegates who come for part of the
// week; day TodayIs falls outside the first seven.
var windows = [][2]int{
	{4, 8}, {1, 3}, {5, 8}, {2, 4}, {3, 5}, {1, 4}, {6, 8}, {2, 2},
	{1, 1}, {1, 2}, {3, 8}, {2, 8}, {7, 8}, {1, 5}, {2, 6},
}

// generatePeople builds the whole roster in id order.
func generatePeople(d *dataset, rng *rand.Rand) []*person {
	countries := map[string]country{}
	for _, c := range d.countries {
		countries[c.Code] = c
	}
	used := map[string]bool{} // country|family|given already taken
	var all []*person
	chairs := map[string]*person{} // by country, for the management team

	for _, c := range d.countries {
		pool := d.pools[c.Pool]
		var deleg []*person
		for _, f := range d.featured {
			if f.Country != c.Code {
				continue
			}
			p := &person{family: f.Family, given: f.Given, sex: f.Sex, country: c.Code, role: f.Role, featured: true}
			used[c.Code+"|"+p.family+"|"+p.given] = true
			if p.role == "chair" {
				chairs[c.Code] = p
			}
			deleg = append(deleg, p)
		}
		for len(deleg) < c.Size {
			deleg = append(deleg, newPerson(rng, pool, c.Code, used))
		}
		delegationRoles(deleg)
		for _, p := range deleg {
			p.org, p.orgKind = pickOrg(rng, d, c, p.role)
			p.lang = pickLang(rng, c.Langs)
			p.groups = delegateGroups(rng, p, c)
		}
		all = append(all, deleg...)
	}
	chairGroups(rng, d, chairs)

	// ITU secretariat: international staff, all based in Geneva.
	secPools := []string{"ch", "fr", "en", "es", "ar_maghreb", "zh", "ru", "it", "ke", "de"}
	for i := range numSecretariat {
		p := newPerson(rng, d.pools[secPools[i%len(secPools)]], "CH", used)
		p.role, p.org, p.orgKind = "secretariat", "ITU/TSB", "itu"
		p.lang = pickLang(rng, []string{"en", "fr"})
		if i < 3 { // counsellor, engineer and assistant of SG12
			p.groups = []string{groupSG12, groupManagement}
		} else {
			p.groups = []string{groupSG12, workingParties[i%3].Name}
		}
		all = append(all, p)
	}

	// Press: one reporter per outlet.
	for _, o := range d.orgs {
		if o.Kind != "press" {
			continue
		}
		c := countries[o.Country]
		p := newPerson(rng, d.pools[c.Pool], c.Code, used)
		p.role, p.org, p.orgKind = "press", o.Name, "press"
		p.lang = c.Langs[0]
		p.groups = []string{groupSG12}
		all = append(all, p)
	}

	// Venue staff and invited guests (the BSG trainers).
	for range 3 {
		p := newPerson(rng, d.pools["ch"], "CH", used)
		p.role, p.org, p.orgKind = "staff", "ITU Conference Services", "itu"
		p.lang = pickLang(rng, []string{"fr", "en"})
		all = append(all, p)
	}
	for _, code := range []string{"ZA", "CO", "IN"} {
		c := countries[code]
		p := newPerson(rng, d.pools[c.Pool], code, used)
		p.role, p.orgKind = "guest", "academia"
		p.org = fmt.Sprintf(academiaTemplates[rng.IntN(len(academiaTemplates))], c.City)
		p.lang = c.Langs[0]
		p.groups = []string{groupBSG}
		all = append(all, p)
	}

	// Cancellations and part-week registrations, among ordinary delegates.
	var plain []*person
	for _, p := range all {
		if p.role == "delegate" && !p.featured {
			plain = append(plain, p)
		}
	}
	perm := rng.Perm(len(plain))
	for i, k := range perm[:numCancelled+len(windows)] {
		p := plain[k]
		if i < numCancelled {
			p.status = "cancelled"
			continue
		}
		w := windows[i-numCancelled]
		p.from, p.to = w[0], w[1]
	}
	for _, p := range all {
		switch {
		case p.status != "":
		case p.role == "secretariat" || p.role == "staff" || p.role == "chair" || p.role == "head":
			p.status = "confirmed"
		case rng.IntN(100) < 55:
			p.status = "confirmed"
		default:
			p.status = "registered"
		}
	}

	// Registration order gives the ids.
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for i, p := range all {
		p.id = fmt.Sprintf("D%05d", i+1)
	}
	assignBadges(rng, all)
	emails := map[string]int{}
	for _, p := range all {
		p.email = email(p, emails)
	}
	return all
}

// newPerson draws a name from pool that nobody in the country has yet.
func newPerson(rng *rand.Rand, pool *namePool, code string, used map[string]bool) *person {
	var p *person
	for range 200 {
		p = &person{country: code, sex: "m"}
		given := pool.GivenM
		if rng.IntN(100) < 45 {
			p.sex, given = "f", pool.GivenF
		}
		fam := pool.Family[rng.IntN(len(pool.Family))]
		p.family = fam.M
		if p.sex == "f" {
			p.family = fam.F
		}
		p.given = given[rng.IntN(len(given))]
		key := code + "|" + p.family + "|" + p.given
		if !used[key] {
			used[key] = true
			return p
		}
	}
	return p // pools too small: accept a namesake
}

// delegationRoles gives a delegation its head (the first member without a
// role, unless a featured member already is) and, for larger delegations, a
// deputy head; everyone else is a delegate.
func delegationRoles(deleg []*person) {
	head := slices.ContainsFunc(deleg, func(p *person) bool { return p.role == "head" })
	deputy := len(deleg) < 6
	for _, p := range deleg {
		switch {
		case p.role != "":
		case !head:
			p.role, head = "head", true
		case !deputy:
			p.role, deputy = "deputy_head", true
		default:
			p.role = "delegate"
		}
	}
}

// pickOrg chooses where a delegation member works.
func pickOrg(rng *rand.Rand, d *dataset, c country, role string) (name, kind string) {
	var operators, industry []string
	for _, o := range d.orgs {
		switch {
		case o.Kind == "operator" && o.Country == c.Code:
			operators = append(operators, o.Name)
		case o.Kind == "industry" && (o.Country == c.Code || o.Country == "*"):
			industry = append(industry, o.Name)
		}
	}
	kind = "admin"
	switch r := rng.IntN(100); {
	case role == "head":
	case (role == "deputy_head" || role == "chair") && r < 60:
	case role == "deputy_head" || role == "chair":
		kind = "regulator"
	case r < 30:
	case r < 48:
		kind = "regulator"
	case r < 75 && len(operators) > 0:
		kind = "operator"
	case r < 90:
		kind = "industry"
	default:
		kind = "academia"
	}
	// One administration and one regulator name per country.
	h := int(c.Code[0])*31 + int(c.Code[1])
	switch kind {
	case "regulator":
		return fmt.Sprintf(regulatorTemplates[h%len(regulatorTemplates)], c.Name), kind
	case "operator":
		return operators[rng.IntN(len(operators))], kind
	case "industry":
		return industry[rng.IntN(len(industry))], kind
	case "academia":
		return fmt.Sprintf(academiaTemplates[rng.IntN(len(academiaTemplates))], c.City), kind
	}
	return fmt.Sprintf(adminTemplates[h%len(adminTemplates)], c.Name), kind
}

// pickLang returns the first of langs most of the time, another one otherwise.
func pickLang(rng *rand.Rand, langs []string) string {
	if len(langs) == 1 || rng.IntN(100) < 75 {
		return langs[0]
	}
	return langs[1+rng.IntN(len(langs)-1)]
}

// delegateGroups chooses the working parties and Questions a delegation
// member follows.
func delegateGroups(rng *rand.Rand, p *person, c country) []string {
	set := map[string]bool{groupSG12: true}
	nwp := 1
	switch r := rng.IntN(100); {
	case r >= 95:
		nwp = 3
	case r >= 70:
		nwp = 2
	}
	for _, w := range rng.Perm(len(workingParties))[:nwp] {
		wp := workingParties[w]
		set[wp.Name] = true
		for _, q := range rng.Perm(len(wp.Questions))[:1+rng.IntN(2)] {
			set[question(wp.Questions[q])] = true
		}
	}
	if p.role == "head" || p.role == "deputy_head" || rng.IntN(100) < 10 {
		set[question(1)] = true
	}
	if rng.IntN(100) < 10 {
		set[question(2)] = true
	}
	if c.BSG && rng.IntN(100) < 40 {
		set[groupBSG] = true
	}
	if p.role == "delegate" && rng.IntN(100) < 9 {
		set[groupNewcomers] = true
	}
	return sortedGroups(set)
}

// chairGroups gives the chairman (the first chair of featured.csv) every
// working party and the other chairs one working party each, all in the
// management team.
func chairGroups(rng *rand.Rand, d *dataset, chairs map[string]*person) {
	n := 0
	for _, f := range d.featured {
		p := chairs[f.Country]
		if p == nil || p.family != f.Family {
			continue
		}
		set := map[string]bool{groupSG12: true, groupManagement: true}
		if n == 0 {
			for _, wp := range workingParties {
				set[wp.Name] = true
			}
			set[question(1)], set[question(2)] = true, true
		} else {
			wp := workingParties[(n-1)%len(workingParties)]
			set[wp.Name] = true
			set[question(wp.Questions[rng.IntN(len(wp.Questions))])] = true
		}
		p.groups = sortedGroups(set)
		n++
	}
}

// sortedGroups lists a set of groups in a stable, readable order:
// SG12, SG12-MT, WP1/12…WP3/12, Q1/12…Q19/12, BSG, newcomers.
func sortedGroups(set map[string]bool) []string {
	var gs []string
	for g := range set {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b string) int {
		return cmp.Or(cmp.Compare(groupRank(a), groupRank(b)), strings.Compare(a, b))
	})
	return gs
}

func groupRank(g string) int {
	switch {
	case g == groupSG12:
		return 0
	case g == groupManagement:
		return 1
	case strings.HasPrefix(g, "WP"):
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(g, "WP"), "/12"))
		return 10 + n
	case strings.HasPrefix(g, "Q"):
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(g, "Q"), "/12"))
		return 100 + n
	case g == groupBSG:
		return 500
	}
	return 501
}

// assignBadges binds an RFID badge to almost everyone: about one ordinary
// delegate in ten has none yet (they get one at the desk) and three have two.
func assignBadges(rng *rand.Rand, all []*person) {
	seen := map[string]bool{}
	var withOne []*person
	for _, p := range all {
		ordinary := (p.role == "delegate" || p.role == "guest" || p.role == "press") &&
			!p.featured && p.status != "cancelled" && p.from == 0
		if ordinary && rng.IntN(100) < 12 {
			continue
		}
		p.uids = []string{newUID(rng, seen)}
		if ordinary {
			withOne = append(withOne, p)
		}
	}
	for _, k := range rng.Perm(len(withOne))[:3] {
		p := withOne[k]
		p.uids = append(p.uids, newUID(rng, seen))
	}
}

// newUID returns a fresh EM4100-style UID: 10 upper-case hex digits.
func newUID(rng *rand.Rand, seen map[string]bool) string {
	for {
		uid := fmt.Sprintf("%010X", rng.Uint64()&0xFF_FFFF_FFFF)
		if !seen[uid] {
			seen[uid] = true
			return uid
		}
	}
}

// email returns a fictional address at example.org (public bodies, academia,
// ITU) or example.net (companies, press): given.family for Latin-script
// names, the roster id otherwise.
func email(p *person, seen map[string]int) string {
	domain := "example.net"
	switch p.orgKind {
	case "admin", "regulator", "academia", "itu":
		domain = "example.org"
	}
	local := strings.ToLower(p.id)
	if latin(p.given + p.family) {
		local = asciiFold(p.given) + "." + asciiFold(p.family)
	}
	seen[local+"@"+domain]++
	if n := seen[local+"@"+domain]; n > 1 {
		local += strconv.Itoa(n)
	}
	return local + "@" + domain
}

// latin reports whether every letter of s is in the Latin script.
func latin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// asciiFold lower-cases s and spells it in ASCII letters for an e-mail local
// part: diacritics dropped, spaces and apostrophes removed.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r == '-':
			b.WriteRune(r)
		case foldTable[r] != "":
			b.WriteString(foldTable[r])
		}
	}
	return b.String()
}

// foldTable maps the accented Latin letters of the name pools to ASCII.
var foldTable = func() map[rune]string {
	t := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'þ': "th", 'ð': "d"}
	for _, g := range []string{
		"a àáâãäåāăąạảấầẩẫậắằẳẵặ",
		"c çćčĉċ",
		"d ďđ",
		"e èéêëēĕėęěẹẻẽếềểễệ",
		"g ğĝġģ",
		"i ìíîïĩīĭįıịỉ",
		"l łľĺļ",
		"n ñńňņ",
		"o òóôõöøōŏőơọỏốồổỗộớờởỡợ",
		"r řŕ",
		"s śšşșŝ",
		"t ťţț",
		"u ùúûüũūŭůűųưụủứừửữự",
		"y ýÿỳỵỷỹ",
		"z źżž",
	} {
		base, letters, _ := strings.Cut(g, " ")
		for _, r := range letters {
			t[r] = base
		}
	}
	return t
}()

// rosterCSV renders people as the roster CSV of docs/imports.md for a meeting starting on start.
func rosterCSV(people []*person, start time.Time) []byte {
	records := [][]string{RosterHeader}
	for _, p := range people {
		var from, to string
		if p.from > 0 {
			from, to = day(start, p.from), day(start, p.to)
		}
		records = append(records, []string{
			p.id, p.family, p.given, p.org, p.country, p.role,
			strings.Join(p.groups, ";"), from, to, p.status,
			strings.Join(p.uids, ";"), p.lang, p.email,
		})
	}
	return writeCSV(records)
}

// displayName writes a name the way the entrance screen does: family name
// first without a space for Chinese, Japanese and Korean, "Given Family"
// otherwise.
func displayName(p *person) string {
	r, _ := utf8.DecodeRuneInString(p.family)
	if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
		return p.family + p.given
	}
	return p.given + " " + p.family
}

// admitted reports whether p gets in on meeting day TodayIs.
func admitted(p *person) string {
	switch {
	case p.status == "cancelled":
		return ExpectCancelled
	case p.from > 0 && (TodayIs < p.from || TodayIs > p.to):
		return ExpectNotToday
	}
	return ExpectAccepted
}

// samples picks badges worth tapping today: featured delegates in many
// scripts, a second badge, a part-week delegate, a cancelled registration,
// someone not expected today and a card nobody holds.
func samples(people []*person, rng *rand.Rand) []Sample {
	var out []Sample
	add := func(p *person, uid string) {
		out = append(out, Sample{UID: uid, Name: displayName(p), Expect: admitted(p)})
	}
	for _, want := range []struct{ country, family string }{
		{"DE", "Müller"}, {"CN", "王"}, {"AE", "المنصوري"}, {"JP", "佐藤"},
		{"RU", "Кузнецов"}, {"GR", "Παπαδοπούλου"}, {"IN", "शर्मा"},
	} {
		i := slices.IndexFunc(people, func(p *person) bool {
			return p.featured && p.country == want.country && p.family == want.family
		})
		if i >= 0 && len(people[i].uids) > 0 && admitted(people[i]) == ExpectAccepted {
			add(people[i], people[i].uids[0])
		}
	}
	first := func(ok func(p *person) bool) *person {
		for _, p := range people {
			if len(p.uids) > 0 && ok(p) {
				return p
			}
		}
		return nil
	}
	if p := first(func(p *person) bool { return len(p.uids) > 1 && admitted(p) == ExpectAccepted }); p != nil {
		add(p, p.uids[1])
		// Their first badge was lost: revoked at the desk (Generated.Revoked).
		out = append(out, Sample{UID: p.uids[0], Name: displayName(p), Expect: ExpectRevoked})
	}
	if p := first(func(p *person) bool { return p.from > 0 && admitted(p) == ExpectAccepted }); p != nil {
		add(p, p.uids[0])
	}
	if p := first(func(p *person) bool { return admitted(p) == ExpectCancelled }); p != nil {
		add(p, p.uids[0])
	}
	if p := first(func(p *person) bool { return admitted(p) == ExpectNotToday }); p != nil {
		add(p, p.uids[0])
	}
	seen := map[string]bool{}
	for _, p := range people {
		for _, u := range p.uids {
			seen[u] = true
		}
	}
	out = append(out, Sample{UID: newUID(rng, seen), Name: "Unknown card", Expect: ExpectUnknown})
	return out
}
