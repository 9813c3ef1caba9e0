package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"checkin/kiosk"
	"checkin/kiosk/httpserve"
)

// lobbyNowGrace is how long a session stays "now" after it began, even
// when a later one has begun since: people are still looking for it.
// lobby.js has the same rule.
const lobbyNowGrace = 25 * time.Minute

// Session states on the lobby screen (also the rows' CSS classes).
const (
	lobbyPast    = "past"    // ended: not shown on today's board
	lobbyNow     = "now"     // running, highlighted
	lobbyRunning = "running" // running, begun before the latest slot and over lobbyNowGrace ago
	lobbyNext    = "next"    // in the next slot to begin
	lobbyLater   = "later"   // later today
	lobbyDay     = "day"     // another day than today: no now/next
)

// lobbyStates classifies a day's sessions at now. When the day shown is
// not today, every session is lobbyDay. "Now" is what runs in the latest
// slot that has begun, plus anything begun less than lobbyNowGrace ago;
// "next" is the earliest slot still to begin. Cancelled sessions take the
// state of their time but never define the slots.
func lobbyStates(ss []kiosk.Session, now time.Time, today bool) []string {
	states := make([]string, len(ss))
	if !today {
		for i := range states {
			states[i] = lobbyDay
		}
		return states
	}
	var latest, next time.Time
	for _, s := range ss {
		if s.Status == kiosk.SessionCancelled {
			continue
		}
		switch {
		case !s.Start.After(now) && now.Before(s.End):
			if s.Start.After(latest) {
				latest = s.Start
			}
		case s.Start.After(now):
			if next.IsZero() || s.Start.Before(next) {
				next = s.Start
			}
		}
	}
	for i, s := range ss {
		switch {
		case !now.Before(s.End):
			states[i] = lobbyPast
		case !s.Start.After(now):
			if s.Start.Equal(latest) || now.Sub(s.Start) < lobbyNowGrace {
				states[i] = lobbyNow
			} else {
				states[i] = lobbyRunning
			}
		case s.Start.Equal(next):
			states[i] = lobbyNext
		default:
			states[i] = lobbyLater
		}
	}
	return states
}

// lobbyChip is a word (with its icon) beside a row: cancelled, in
// progress, room changed.
type lobbyChip struct{ Class, Text string }

// lobbyRow is one session as the lobby template shows it; lobby.js builds
// the same markup.
type lobbyRow struct {
	ID, Class, Time, Room, Building, Groups, Title string
	Chips                                          []lobbyChip
}

// lobbySection is one heading of the board (Now, Next, Later, or the
// whole schedule of another day) with its rows.
type lobbySection struct {
	Key, Title string
	Rows       []lobbyRow
}

// lobbyPage is what lobby.html gets.
type lobbyPage struct {
	page
	Title, DateLabel, Clock, Building, Empty string
	Preview                                  bool
	Sections                                 []lobbySection
}

// lobbyConfig is the JSON the lobby script starts from.
type lobbyConfig struct {
	Lang     string          `json:"lang"`
	Timezone string          `json:"timezone"`
	Date     string          `json:"date"`
	Pinned   bool            `json:"pinned"`   // ?date= given: no rollover at midnight
	Building string          `json:"building"` // "" for all
	At       *int64          `json:"at"`       // frozen clock (ms since the epoch), or null
	Now      int64           `json:"now"`      // the server's clock when rendering, ms
	Messages json.RawMessage `json:"messages"`
	Schedule scheduleBody    `json:"schedule"` // as /api/schedule, filtered to the building
	// Rooms are those with a capacity (in the building) as /api/rooms
	// has them now, for the seats left beside each room's session; null
	// when the kiosk has no room data or the board previews another
	// moment (?at=), where counts of now mean nothing.
	Rooms []kiosk.RoomStatus `json:"rooms"`
}

// handleLobby serves GET /lobby[?date=][&building=][&lang=][&at=]: the
// lobby TVs' board of the day's sessions, rendered complete on the server
// and kept live by lobby.js.
func (s *Server) handleLobby(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, m, err := s.newPage(c, c.Query("lang"))
	if err != nil {
		return err
	}
	loc := m.Location()
	serverNow := s.Now()
	now := serverNow
	var at *int64
	var problems []lobbyProblem
	if v := c.Query("at"); v != "" {
		t, err := parseLobbyAt(v, loc)
		if err != nil {
			problems = append(problems, lobbyProblem{kiosk.EINVALID, "lobby.bad_at", v})
		} else {
			now = t
			ms := t.UnixMilli()
			at = &ms
		}
	}
	date := c.Query("date")
	pinned := date != ""
	if !pinned {
		date = kiosk.LocalDate(now, loc)
	} else if !kiosk.ValidDate(date) {
		problems = append(problems, lobbyProblem{kiosk.EINVALID, "lobby.bad_date", date})
	}
	date = utils.CopyString(date)
	building := utils.CopyString(strings.TrimSpace(c.Query("building")))
	var known []string
	if building != "" {
		if known, err = s.Store.Buildings(ctx); err != nil {
			return err
		}
		if !slices.ContainsFunc(known, func(b string) bool { return strings.EqualFold(strings.TrimSpace(b), building) }) {
			problems = append(problems, lobbyProblem{kiosk.ENOTFOUND, "lobby.unknown_building", building})
		}
	}
	if len(problems) > 0 {
		return s.renderLobbyError(c, p, problems, known, kiosk.LocalDate(now, loc))
	}
	sessions, err := s.Store.SessionsOn(ctx, date, loc)
	if err != nil {
		return err
	}
	sessions = lobbyFilter(sessions, building)

	today := date == kiosk.LocalDate(now, loc)
	lp := lobbyPage{
		page:      p,
		DateLabel: lobbyDateLabel(p, date),
		Clock:     now.In(loc).Format("15:04"),
		Preview:   at != nil,
		Sections:  lobbySections(p, sessions, now, today),
	}
	lp.Title = p.T("lobby.title")
	if !today {
		lp.Title = p.T("lobby.title_day")
	}
	if building != "" {
		lp.Building = strings.ReplaceAll(p.T("lobby.building"), "{building}", building)
	}
	if len(lp.Sections) == 0 {
		lp.Empty = lobbyEmpty(p, len(sessions) > 0, today)
	}
	cfg := lobbyConfig{
		Lang:     p.Lang,
		Timezone: loc.String(),
		Date:     date,
		Pinned:   pinned,
		Building: building,
		At:       at,
		Now:      serverNow.UnixMilli(),
		Messages: json.RawMessage(p.Messages("lobby.", "seats.")),
		Schedule: scheduleBody{Date: date, Timezone: loc.String(), Sessions: sessions},
	}
	if s.Rooms != nil && at == nil {
		rooms, err := s.Rooms.RoomStatuses(ctx, serverNow)
		if err != nil {
			return err
		}
		cfg.Rooms = lobbyRooms(rooms, building)
	}
	lp.Config = cfg
	return s.render(c, "lobby.html", lp)
}

// lobbyProblem is something wrong with a lobby screen's address: its
// error code, the catalogue key of its message and the value at fault.
type lobbyProblem struct{ Code, Key, Value string }

// lobbyErrorPage is what lobby_error.html gets.
type lobbyErrorPage struct {
	page
	Title     string
	Problems  []string
	Buildings []string // the schedule's, when a building was unknown
	Home      string   // the board of today in every building, in this language
}

// renderLobbyError answers a lobby address with a bad date or moment, or
// a building the schedule does not know (buildings: those it knows), with a page that says so in the
// page's language (a TV shows it, and venue IT reads it from there): 400
// when a value is malformed, else 404.
func (s *Server) renderLobbyError(c *fiber.Ctx, p page, problems []lobbyProblem, buildings []string, today string) error {
	lp := lobbyErrorPage{page: p, Title: p.T("lobby.error_title"), Home: "/lobby?" + url.Values{"lang": {p.Lang}}.Encode()}
	code := kiosk.ENOTFOUND
	for _, pr := range problems {
		if pr.Code == kiosk.EINVALID {
			code = kiosk.EINVALID
		}
		example := today
		if pr.Key == "lobby.bad_at" {
			example = today + "T14:00"
		}
		// Values and examples run left to right inside any sentence, and
		// a value sent to the screen is shown clipped, never whole.
		lp.Problems = append(lp.Problems, strings.NewReplacer(
			"{value}", "\u2068"+clipRunes(pr.Value, 60)+"\u2069",
			"{example}", "\u2068"+example+"\u2069",
		).Replace(p.T(pr.Key)))
		if pr.Key == "lobby.unknown_building" {
			lp.Buildings = buildings
		}
	}
	c.Status(httpserve.Status(kiosk.Errorf(code, "%s", lp.Problems[0])))
	return s.render(c, "lobby_error.html", lp)
}

// clipRunes shortens s to at most n characters, marking the cut with "…".
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// parseLobbyAt reads ?at=: RFC 3339 (seconds optional), or a local time
// without offset taken in the meeting's zone. A "+" of an offset that was
// not percent-encoded arrives as a space and is taken back.
func parseLobbyAt(v string, loc *time.Location) (time.Time, error) {
	bad := kiosk.Errorf(kiosk.EINVALID, "at must be an ISO time such as 2026-11-22T14:10:00+01:00")
	v = strings.TrimSpace(v)
	if len(v) > 40 {
		return time.Time{}, bad
	}
	if len(v) > 10 && v[10] == ' ' {
		v = v[:10] + "T" + v[11:]
	}
	v = strings.ReplaceAll(v, " ", "+")
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, bad
}

// lobbyRooms keeps the rooms whose seats the board may show: those with
// a capacity, in building (any case; "" for all). The result is never nil.
func lobbyRooms(rooms []kiosk.RoomStatus, building string) []kiosk.RoomStatus {
	out := []kiosk.RoomStatus{}
	for _, r := range rooms {
		if _, ok := r.SeatsLeft(); ok && (building == "" || strings.EqualFold(strings.TrimSpace(r.Building), building)) {
			out = append(out, r)
		}
	}
	return out
}

// lobbyFilter keeps the sessions in building (any case); "" keeps all.
// The result is never nil (it is JSON for the script).
func lobbyFilter(ss []kiosk.Session, building string) []kiosk.Session {
	if building == "" && ss != nil {
		return ss
	}
	out := []kiosk.Session{}
	for _, s := range ss {
		if strings.EqualFold(strings.TrimSpace(s.Building), building) {
			out = append(out, s)
		}
	}
	return out
}

// lobbySections groups the sessions still to be shown under their
// headings, in time order.
func lobbySections(p page, ss []kiosk.Session, now time.Time, today bool) []lobbySection {
	states := lobbyStates(ss, now, today)
	order := []string{lobbyNow, lobbyNext, lobbyLater, lobbyDay}
	titles := map[string]string{lobbyNow: "lobby.now", lobbyNext: "lobby.next", lobbyLater: "lobby.later", lobbyDay: "lobby.schedule"}
	bySection := map[string][]lobbyRow{}
	for i, s := range ss {
		st := states[i]
		if st == lobbyPast {
			continue
		}
		key := st
		if st == lobbyRunning {
			key = lobbyNow
		}
		bySection[key] = append(bySection[key], lobbyRowOf(p, s, st))
	}
	var out []lobbySection
	for _, key := range order {
		if rows := bySection[key]; len(rows) > 0 {
			out = append(out, lobbySection{Key: key, Title: p.T(titles[key]), Rows: rows})
		}
	}
	return out
}

// groupsNotInTitle are the groups to show before a title: those the title
// does not already begin with. Schedules commonly title a session
// "Q3/12: Speech transmission…" and also list Q3/12 as its group, which
// would read "Q3/12 Q3/12: Speech…". lobby.js applies the same rule.
func groupsNotInTitle(groups []string, title string) []string {
	var out []string
	for _, g := range groups {
		if !titleStartsWith(title, g) {
			out = append(out, g)
		}
	}
	return out
}

// titleStartsWith reports whether title begins with the word or code w,
// case-insensitively, followed by its end or by neither a letter nor a
// digit ("Q3/12: …", "WP1/12 plenary"; not "Q3/123" nor "SG12-MT" for SG12).
func titleStartsWith(title, w string) bool {
	if w == "" || len(title) < len(w) || !strings.EqualFold(title[:len(w)], w) {
		return false
	}
	rest := title[len(w):]
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '/'
}

func lobbyRowOf(p page, s kiosk.Session, state string) lobbyRow {
	r := lobbyRow{
		ID:       s.ID,
		Class:    "row " + state,
		Time:     s.Start.Format("15:04") + "–" + s.End.Format("15:04"),
		Room:     s.Room,
		Building: s.Building,
		Groups:   strings.Join(groupsNotInTitle(s.Groups, s.Title), " · "),
		Title:    s.Title,
	}
	if s.Status == kiosk.SessionCancelled {
		r.Class += " cancelled"
		r.Chips = append(r.Chips, lobbyChip{"cancelled", p.T("lobby.cancelled")})
	} else if state == lobbyRunning {
		r.Chips = append(r.Chips, lobbyChip{"running", p.T("lobby.in_progress")})
	}
	return r
}

// lobbyEmpty is the board's message when there is no row to show.
func lobbyEmpty(p page, hadSessions, today bool) string {
	switch {
	case !today:
		return p.T("lobby.no_meetings_day")
	case hadSessions:
		return p.T("lobby.all_ended")
	default:
		return p.T("lobby.no_meetings")
	}
}

// lobbyDateLabel writes a civil date the way the page's language does
// ("Sunday 22 November", "11月22日 星期日"), from the catalogue so that
// the server and lobby.js agree to the letter.
func lobbyDateLabel(p page, date string) string {
	d, err := time.Parse(kiosk.DateLayout, date)
	if err != nil {
		return date
	}
	day := strconv.Itoa(d.Day())
	if d.Day() == 1 {
		day = p.T("lobby.day_one")
	}
	return strings.NewReplacer(
		"{weekday}", p.T(fmt.Sprintf("lobby.weekday.%d", int(d.Weekday()))),
		"{day}", day,
		"{month}", p.T(fmt.Sprintf("lobby.month.%d", int(d.Month()))),
		"{year}", strconv.Itoa(d.Year()),
	).Replace(p.T("lobby.date"))
}
