package demo_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the meeting's time zone, whatever the host has
	"unicode"

	"checkin/kiosk/demo"
)

// days the demo is generated for: ordinary days, Sundays on both European
// DST changes, a leap day and a year end.
var days = []time.Time{
	time.Date(2026, 6, 17, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC),  // Sunday, clocks go forward
	time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), // Sunday, clocks go back
	time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
}

// row is a roster row by column name.
type row map[string]string

func parse(t *testing.T, name string, data []byte, header []string) []row {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(data))
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		t.Fatalf("%s header: got %q, want %q", name, recs[0], header)
	}
	var rows []row
	for _, rec := range recs[1:] {
		r := row{}
		for i, h := range header {
			r[h] = rec[i]
		}
		rows = append(rows, r)
	}
	return rows
}

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

func TestDeterministic(t *testing.T) {
	for _, today := range days {
		a, b := demo.Generate(today), demo.Generate(today)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two runs differ", today.Format(time.DateOnly))
		}
	}

	// Only the dates move from one day to the next: people and badges stay.
	strip := func(g demo.Generated) []string {
		var out []string
		for _, r := range parse(t, "roster", g.RosterCSV, demo.RosterHeader) {
			out = append(out, r["id"]+"|"+r["family_name"]+"|"+r["given_name"]+"|"+r["badge_uid"]+"|"+r["status"])
		}
		return out
	}
	a, b := demo.Generate(days[0]), demo.Generate(days[1])
	if !slices.Equal(strip(a), strip(b)) {
		t.Error("the roster's people or badges depend on the day")
	}
	if !reflect.DeepEqual(a.Samples, b.Samples) {
		t.Errorf("samples depend on the day: %v vs %v", a.Samples, b.Samples)
	}
}

func TestMeeting(t *testing.T) {
	zurich, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	// Late evening in Geneva: only the civil date counts.
	g := demo.Generate(time.Date(2026, 3, 29, 23, 30, 0, 0, zurich))
	m := g.Meeting
	if got, want := m.Start, time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC); !got.Equal(want) || m.Start.Location() != time.UTC {
		t.Errorf("start: got %v, want %v", got, want)
	}
	if got, want := m.End, time.Date(2026, 4, 4, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("end: got %v, want %v", got, want)
	}
	if m.TimeZone != "Europe/Zurich" || m.ID == "" || m.Name == "" {
		t.Errorf("meeting: got %+v", m)
	}
}

var (
	idRE    = regexp.MustCompile(`^D\d{5}$`)
	uidRE   = regexp.MustCompile(`^[0-9A-F]{10}$`)
	ccRE    = regexp.MustCompile(`^[A-Z]{2}$`)
	emailRE = regexp.MustCompile(`^[a-z0-9.-]+@example\.(org|net)$`)
	groupRE = regexp.MustCompile(`^(SG12|SG12-MT|WP[1-3]/12|Q([1-9]|1[0-9])/12|BSG|newcomers)$`)
	timeRE  = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
)

var scripts = map[string]*unicode.RangeTable{
	"Latin": unicode.Latin, "Cyrillic": unicode.Cyrillic, "Arabic": unicode.Arabic,
	"Han": unicode.Han, "Hangul": unicode.Hangul, "Greek": unicode.Greek, "Hebrew": unicode.Hebrew,
	"Devanagari": unicode.Devanagari, "Thai": unicode.Thai, "Ethiopic": unicode.Ethiopic,
	"Georgian": unicode.Georgian, "Armenian": unicode.Armenian,
	"Hiragana": unicode.Hiragana, "Katakana": unicode.Katakana,
}

func scriptOf(s string) string {
	for _, r := range s {
		for name, tab := range scripts {
			if unicode.Is(tab, r) {
				return name
			}
		}
	}
	return ""
}

func TestRoster(t *testing.T) {
	for _, today := range days {
		t.Run(today.Format(time.DateOnly), func(t *testing.T) {
			g := demo.Generate(today)
			rows := parse(t, "roster", g.RosterCSV, demo.RosterHeader)
			if len(rows) < 320 {
				t.Errorf("delegates: got %d, want ≥ 320", len(rows))
			}
			start, end := g.Meeting.Start.Format(time.DateOnly), g.Meeting.End.Format(time.DateOnly)
			todayS := today.Format(time.DateOnly)

			ids, uids, emails := map[string]bool{}, map[string]bool{}, map[string]bool{}
			countries, scriptsSeen, roles := map[string]bool{}, map[string]bool{}, map[string]int{}
			var cancelled, partIn, partOut, noBadge, twoBadges, newcomers, bsg int
			var allUIDs []string
			for i, r := range rows {
				line := i + 2
				if !idRE.MatchString(r["id"]) || ids[r["id"]] {
					t.Errorf("line %d: bad or duplicate id %q", line, r["id"])
				}
				ids[r["id"]] = true
				if r["family_name"] == "" || r["given_name"] == "" {
					t.Errorf("line %d: empty name", line)
				}
				if r["organization"] == "" {
					t.Errorf("line %d: empty organization", line)
				}
				if !ccRE.MatchString(r["country"]) {
					t.Errorf("line %d: bad country %q", line, r["country"])
				}
				countries[r["country"]] = true
				for _, n := range []string{r["family_name"], r["given_name"]} {
					s := scriptOf(n)
					if s == "" {
						t.Errorf("line %d: %q in no known script", line, n)
					}
					scriptsSeen[s] = true
				}
				if sf, sg := scriptOf(r["family_name"]), scriptOf(r["given_name"]); sf != sg && !(sf == "Han" && (sg == "Hiragana" || sg == "Katakana")) {
					t.Errorf("line %d: family and given names in different scripts: %q %q", line, r["family_name"], r["given_name"])
				}
				roles[r["role"]]++
				if !slices.Contains([]string{"delegate", "head", "deputy_head", "chair", "secretariat", "press", "staff", "guest"}, r["role"]) {
					t.Errorf("line %d: bad role %q", line, r["role"])
				}
				if r["role"] == "secretariat" && (r["country"] != "CH" || r["organization"] != "ITU/TSB") {
					t.Errorf("line %d: secretariat from %s, %s", line, r["country"], r["organization"])
				}
				for _, gr := range list(r["groups"]) {
					if !groupRE.MatchString(gr) {
						t.Errorf("line %d: bad group %q", line, gr)
					}
					newcomers += boolInt(gr == "newcomers")
					bsg += boolInt(gr == "BSG")
				}
				switch r["status"] {
				case "registered", "confirmed":
				case "cancelled":
					cancelled++
				default:
					t.Errorf("line %d: bad status %q", line, r["status"])
				}
				if !slices.Contains([]string{"en", "fr", "es", "ar", "zh", "ru"}, r["language"]) {
					t.Errorf("line %d: bad language %q", line, r["language"])
				}
				if !emailRE.MatchString(r["email"]) || emails[r["email"]] {
					t.Errorf("line %d: bad or duplicate email %q", line, r["email"])
				}
				emails[r["email"]] = true

				from, to := r["valid_from"], r["valid_to"]
				if (from == "") != (to == "") {
					t.Errorf("line %d: half a validity window %q..%q", line, from, to)
				}
				if from != "" {
					for _, d := range []string{from, to} {
						if _, err := time.Parse(time.DateOnly, d); err != nil || d < start || d > end {
							t.Errorf("line %d: bad date %q (meeting %s..%s)", line, d, start, end)
						}
					}
					switch {
					case from > to:
						t.Errorf("line %d: valid_from %s after valid_to %s", line, from, to)
					case todayS < from || todayS > to:
						partOut++
					default:
						partIn++
					}
				}

				us := list(r["badge_uid"])
				switch len(us) {
				case 0:
					noBadge++
				case 2:
					twoBadges++
				}
				for _, u := range us {
					if !uidRE.MatchString(u) || uids[u] {
						t.Errorf("line %d: bad or duplicate badge UID %q", line, u)
					}
					uids[u] = true
					allUIDs = append(allUIDs, u)
				}
			}

			if len(countries) < 40 {
				t.Errorf("countries: got %d, want ≥ 40", len(countries))
			}
			if len(scriptsSeen) < 12 {
				t.Errorf("scripts: got %d %v, want all 12", len(scriptsSeen), scriptsSeen)
			}
			for role, minimum := range map[string]int{"head": 40, "deputy_head": 5, "chair": 5, "secretariat": 8, "press": 3, "staff": 1, "guest": 1} {
				if roles[role] < minimum {
					t.Errorf("role %s: got %d, want ≥ %d", role, roles[role], minimum)
				}
			}
			if roles["delegate"] < len(rows)/2 {
				t.Errorf("delegates: got %d of %d, want most", roles["delegate"], len(rows))
			}
			check := func(what string, got, lo, hi int) {
				if got < lo || got > hi {
					t.Errorf("%s: got %d, want %d..%d", what, got, lo, hi)
				}
			}
			check("cancelled", cancelled, 5, 12)
			check("part week including today", partIn, 3, 12)
			check("part week excluding today", partOut, 3, 12)
			check("without a badge", noBadge, len(rows)/20, len(rows)/6)
			check("with two badges", twoBadges, 2, 5)
			check("newcomers", newcomers, 5, 60)
			check("BSG", bsg, 5, 120)
			if !slices.Equal(allUIDs, g.UIDs) {
				t.Errorf("UIDs: got %d, want the %d roster UIDs in roster order", len(g.UIDs), len(allUIDs))
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestRosterQuotesLists(t *testing.T) {
	g := demo.Generate(days[0])
	for _, line := range strings.Split(string(g.RosterCSV), "\n") {
		for _, f := range strings.Split(line, ",") {
			if strings.Contains(f, ";") && !strings.HasPrefix(f, `"`) && !strings.HasSuffix(f, `"`) {
				t.Fatalf("unquoted ';' in %q", line)
			}
		}
	}
}

func TestSamples(t *testing.T) {
	for _, today := range days {
		g := demo.Generate(today)
		byUID := map[string]row{}
		for _, r := range parse(t, "roster", g.RosterCSV, demo.RosterHeader) {
			for _, u := range list(r["badge_uid"]) {
				byUID[u] = r
			}
		}
		todayS := today.Format(time.DateOnly)
		expects := map[string]int{}
		var names []string
		for _, s := range g.Samples {
			expects[s.Expect]++
			r, ok := byUID[s.UID]
			want := "accepted"
			switch {
			case !ok:
				want = "unknown_badge"
			case r["status"] == "cancelled":
				want = "registration_cancelled"
			case r["valid_from"] != "" && (todayS < r["valid_from"] || todayS > r["valid_to"]):
				want = "not_valid_today"
			case slices.Contains(g.Revoked, s.UID):
				want = "revoked_badge"
			}
			if s.Expect != want {
				t.Errorf("%s: sample %s (%s): got %s, want %s", todayS, s.UID, s.Name, s.Expect, want)
			}
			if ok {
				if !strings.Contains(s.Name, r["family_name"]) || !strings.Contains(s.Name, r["given_name"]) {
					t.Errorf("sample %s: name %q, roster %q %q", s.UID, s.Name, r["family_name"], r["given_name"])
				}
				if s.Expect == "accepted" {
					names = append(names, s.Name)
				}
			}
		}
		if len(g.Samples) < 6 || expects["accepted"] < 3 || expects["registration_cancelled"] < 1 ||
			expects["not_valid_today"] < 1 || expects["unknown_badge"] < 1 || expects["revoked_badge"] != 1 || len(g.Revoked) != 1 {
			t.Errorf("%s: samples %v", todayS, expects)
		}
		accepted := strings.Join(names, " ")
		for _, want := range []string{"Müller", "王", "المنصوري"} {
			if !strings.Contains(accepted, want) {
				t.Errorf("no accepted sample named %s in %q", want, accepted)
			}
		}
	}
}

func TestSchedule(t *testing.T) {
	for _, today := range days {
		t.Run(today.Format(time.DateOnly), func(t *testing.T) {
			g := demo.Generate(today)
			rows := parse(t, "schedule", g.ScheduleCSV, demo.ScheduleHeader)
			firstRows := parse(t, "first schedule", g.FirstScheduleCSV, demo.ScheduleHeader)
			if len(firstRows) != len(rows) {
				t.Fatalf("first schedule has %d rows, the schedule %d", len(firstRows), len(rows))
			}
			todayS := today.Format(time.DateOnly)
			start, end := g.Meeting.Start.Format(time.DateOnly), g.Meeting.End.Format(time.DateOnly)

			perDay := map[string]int{}
			rooms := map[string]bool{}
			var todayCount, morning, afternoon, cancelled, moved int
			var titles []string
			for i, r := range rows {
				line := i + 2
				if _, err := time.Parse(time.DateOnly, r["date"]); err != nil || r["date"] < start || r["date"] > end {
					t.Errorf("line %d: bad date %q", line, r["date"])
				}
				if !timeRE.MatchString(r["start"]) || !timeRE.MatchString(r["end"]) || r["end"] <= r["start"] {
					t.Errorf("line %d: bad times %s-%s", line, r["start"], r["end"])
				}
				if r["room"] == "" || r["title"] == "" || r["building"] == "" {
					t.Errorf("line %d: missing room, title or building", line)
				}
				for _, gr := range list(r["groups"]) {
					if !groupRE.MatchString(gr) {
						t.Errorf("line %d: bad group %q", line, gr)
					}
				}
				switch r["status"] {
				case "scheduled":
				case "cancelled":
					cancelled++
				default:
					t.Errorf("line %d: bad status %q", line, r["status"])
				}
				if strings.Contains(strings.ToLower(r["title"]), "moved") {
					t.Errorf("line %d: a room change in the title %q (it is the import's moved_from)", line, r["title"])
				}
				for _, gr := range list(r["groups"]) {
					if strings.HasPrefix(r["title"], gr+" "+gr) {
						t.Errorf("line %d: title %q repeats its group", line, r["title"])
					}
				}
				if first := firstRows[i]; first["room"] != r["room"] {
					moved++
					if first["title"] != r["title"] || first["date"] != r["date"] || first["start"] != r["start"] {
						t.Errorf("line %d: the first published schedule differs in more than the room: %v, %v", line, first, r)
					}
				}
				perDay[r["date"]]++
				titles = append(titles, r["date"]+" "+r["start"]+" "+r["title"])
				if r["date"] == todayS && r["status"] != "cancelled" {
					todayCount++
					rooms[r["room"]] = true
					morning += boolInt(r["start"] < "12:00")
					afternoon += boolInt(r["start"] >= "14:00")
				}
			}
			for d := g.Meeting.Start; !d.After(g.Meeting.End); d = d.AddDate(0, 0, 1) {
				if perDay[d.Format(time.DateOnly)] == 0 {
					t.Errorf("no sessions on %s", d.Format(time.DateOnly))
				}
			}
			if todayCount < 10 || len(rooms) < 5 || morning < 5 || afternoon < 5 {
				t.Errorf("today: %d sessions in %d rooms (%d morning, %d afternoon), want ≥ 10 in ≥ 5 rooms, both halves",
					todayCount, len(rooms), morning, afternoon)
			}
			if cancelled != 1 || moved != 1 {
				t.Errorf("got %d cancelled and %d moved sessions, want 1 and 1", cancelled, moved)
			}
			all := strings.Join(titles, "\n")
			for _, want := range []string{
				start + " 11:00 SG12 opening plenary",
				end + " 10:30 SG12 closing plenary",
				end + " 15:45 Meeting results webinar",
				todayS + " 09:30 BSG",
			} {
				if !strings.Contains(all, want) {
					t.Errorf("schedule lacks %q", want)
				}
			}
		})
	}
}
