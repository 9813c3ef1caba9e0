package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"checkin/kiosk"
)

// RoomStore is what the room routes read and change: each room's people
// inside and session now, and the staff reset of a room's count.
type RoomStore interface {
	RoomStatuses(ctx context.Context, now time.Time) ([]kiosk.RoomStatus, error)
	RoomStatus(ctx context.Context, name string, now time.Time) (kiosk.RoomStatus, error)
	ResetRoom(ctx context.Context, actor, name string, at time.Time) (kiosk.RoomReset, error)
}

// roomsBody is GET /api/rooms.
type roomsBody struct {
	Date     string             `json:"date"`
	Timezone string             `json:"timezone"`
	Now      time.Time          `json:"now"`
	Rooms    []kiosk.RoomStatus `json:"rooms"`
}

// handleRooms answers GET /api/rooms: every room's capacity, people inside
// and session now. Counts carry no names: the route is public, like the
// schedule.
func (s *Server) handleRooms(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m, err := s.Store.Meeting(ctx)
	if err != nil {
		return err
	}
	loc := m.Location()
	now := s.Now().In(loc)
	rooms, err := s.Rooms.RoomStatuses(ctx, now)
	if err != nil {
		return err
	}
	return c.JSON(roomsBody{Date: kiosk.LocalDate(now, loc), Timezone: loc.String(), Now: now, Rooms: rooms})
}

// handleRoom answers GET /api/rooms/{name}.
func (s *Server) handleRoom(c *fiber.Ctx) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	st, err := s.Rooms.RoomStatus(c.UserContext(), name, s.Now())
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// handleResetRoom answers POST /api/rooms/{name}/reset (staff): the
// room's count starts again from nobody inside, audited.
func (s *Server) handleResetRoom(c *fiber.Ctx) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if _, err := s.Rooms.RoomStatus(ctx, name, s.Now()); err != nil {
		return err
	}
	if _, err := s.Rooms.ResetRoom(ctx, actorOf(c), name, s.Now()); err != nil {
		return err
	}
	st, err := s.Rooms.RoomStatus(ctx, name, s.Now())
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// PublishRooms sends the `room` event for each room whose count of people
// inside changed (kiosk/sqlite's OnOccupancy). It must not block the tap
// writer that calls it, so it only notes the rooms; one goroutine
// (runRoomEvents) reads their status and publishes, in order, each room
// once however many taps changed it meanwhile.
func (s *Server) PublishRooms(names []string) {
	s.roomsMu.Lock()
	if s.roomsPending == nil {
		s.roomsPending = map[string]bool{}
	}
	for _, n := range names {
		s.roomsPending[n] = true
	}
	s.roomsMu.Unlock()
	select {
	case s.roomsKick <- struct{}{}:
	default:
	}
}

// runRoomEvents publishes the rooms PublishRooms noted until the hub
// closes.
func (s *Server) runRoomEvents() {
	for {
		select {
		case <-s.roomsKick:
		case <-s.Hub.Done():
			return
		}
		s.roomsMu.Lock()
		pending := s.roomsPending
		s.roomsPending = nil
		s.roomsMu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		for name := range pending {
			st, err := s.Rooms.RoomStatus(ctx, name, s.Now())
			if err != nil {
				s.Logger.Warn("room event", "room", name, "err", err)
				continue
			}
			s.Hub.Publish(Event{Public: s.frame("room", st)})
		}
		cancel()
	}
}
