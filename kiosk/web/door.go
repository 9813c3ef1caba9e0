package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"checkin/kiosk"
	"checkin/kiosk/httpserve"
)

// doorMessages are the catalogue keys the room-door screen uses: its own,
// the room words it shares with the lobby (seats), and what it says as
// the entrance does (reasons, roles, the prompt, welcome and goodbye).
var doorMessages = []string{"door.", "seats.", "reason.", "role.", "entrance.tap", "entrance.welcome_first",
	"entrance.goodbye", "entrance.go_desk", "entrance.offline", "entrance.not_saving", "entrance.reader_down",
	"entrance.reader_tamper", "entrance.reader_power"}

// doorPage is what door.html gets.
type doorPage struct {
	page
	Room, Building string
	Floor          string // "Floor 2", in the page's language; "" when not known
}

// doorConfig is the JSON the door script starts from.
type doorConfig struct {
	Lang     string           `json:"lang"`
	Dir      string           `json:"dir"`
	Timezone string           `json:"timezone"`
	Now      int64            `json:"now"` // the kiosk's clock, ms: the page's clock is the kiosk's
	Room     string           `json:"room"`
	Status   kiosk.RoomStatus `json:"status"` // as GET /api/rooms/{name}
	// Catalogs holds doorMessages in every language: a delegate is
	// answered in their own.
	Catalogs Catalogs `json:"catalogs"`
}

// handleDoor serves GET /door?room=NAME[&lang=L]: the screen at a meeting
// room's door. It shows the room's session now and its seats left, live,
// and the result of each tap at that room's doors (door.js).
func (s *Server) handleDoor(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, m, err := s.newPage(c, c.Query("lang"))
	if err != nil {
		return err
	}
	name := utils.CopyString(strings.TrimSpace(c.Query("room")))
	if name == "" {
		return s.renderDoorError(c, p, kiosk.EINVALID, "door.missing_room", "")
	}
	if s.Rooms == nil {
		return s.renderDoorError(c, p, kiosk.ENOTFOUND, "door.unknown_room", name)
	}
	st, err := s.Rooms.RoomStatus(ctx, name, s.Now())
	if kiosk.ErrorCode(err) == kiosk.ENOTFOUND {
		return s.renderDoorError(c, p, kiosk.ENOTFOUND, "door.unknown_room", name)
	} else if err != nil {
		return err
	}
	dp := doorPage{page: p, Room: st.Name, Building: strings.TrimSpace(st.Building)}
	if f := strings.TrimSpace(st.Floor); f != "" {
		dp.Floor = strings.ReplaceAll(p.T("door.floor"), "{floor}", f)
	}
	dp.Config = doorConfig{
		Lang:     p.Lang,
		Dir:      p.Dir,
		Timezone: m.Location().String(),
		Now:      s.Now().UnixMilli(),
		Room:     st.Name,
		Status:   st,
		Catalogs: s.catalogs.only(doorMessages...),
	}
	return s.render(c, "door.html", dp)
}

// only returns the messages whose keys start with one of prefixes, in
// every language.
func (c Catalogs) only(prefixes ...string) Catalogs {
	out := make(Catalogs, len(c))
	for lang, cat := range c {
		sub := map[string]string{}
		for k, v := range cat {
			for _, pre := range prefixes {
				if strings.HasPrefix(k, pre) {
					sub[k] = v
					break
				}
			}
		}
		out[lang] = sub
	}
	return out
}

// doorErrorPage is what door_error.html gets.
type doorErrorPage struct {
	page
	Title, Problem string
	Rooms          []doorLink // the rooms there are, when the one asked for is not
}

// doorLink is a room's door screen, in the page's language.
type doorLink struct{ Name, Href string }

// renderDoorError answers a door address without a room (400) or with a
// room the kiosk does not know (404) with a page that says so in the
// page's language, and links to the door screens of the rooms there are:
// a screen shows it, and venue IT reads it from there. key names the
// problem's message; its title is key + "_title".
func (s *Server) renderDoorError(c *fiber.Ctx, p page, code, key, value string) error {
	dp := doorErrorPage{page: p, Title: p.T(key + "_title")}
	// The value runs left to right inside any sentence, and is shown
	// clipped, never whole.
	dp.Problem = strings.ReplaceAll(p.T(key), "{value}", "\u2068"+clipRunes(value, 60)+"\u2069")
	if s.Rooms != nil {
		rooms, err := s.Rooms.RoomStatuses(c.UserContext(), s.Now())
		if err != nil {
			return err
		}
		for _, r := range rooms {
			dp.Rooms = append(dp.Rooms, doorLink{Name: r.Name, Href: "/door?" + url.Values{"room": {r.Name}, "lang": {p.Lang}}.Encode()})
		}
	}
	c.Status(httpserve.Status(kiosk.Errorf(code, "%s", dp.Problem)))
	return s.render(c, "door_error.html", dp)
}
