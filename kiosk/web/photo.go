package web

import (
	"github.com/gofiber/fiber/v2"

	"checkin/kiosk"
)

// Photos are staff-only personal data: served with a staff session only,
// never cached, never on a public screen or in the public event stream
// (the tap event carries no photo; the guard's page asks for it here).

// handlePhoto serves a delegate's photo.
func (s *Server) handlePhoto(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	data, ct, err := s.Desk.Photo(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, ct)
	return c.Send(data)
}

// photoBody is the answer to a photo set or removed.
type photoBody struct {
	DelegateID  string `json:"delegate_id"`
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type,omitempty"`
	Size        int    `json:"size,omitempty"`
}

// handlePutPhoto takes a delegate's photo from the desk: the body is the
// image (image/jpeg or image/png, as its bytes say, whatever the header).
func (s *Server) handlePutPhoto(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	if ct := string(c.Request().Header.ContentType()); ct != kiosk.PhotoJPEG && ct != kiosk.PhotoPNG {
		return kiosk.Errorf(kiosk.EINVALID, "send the photo as image/jpeg or image/png, not %q", ct)
	}
	p, err := s.Desk.SetPhoto(c.UserContext(), actorOf(c), id, append([]byte(nil), c.Body()...))
	if err != nil {
		return err
	}
	return c.JSON(photoBody{DelegateID: id, SHA256: p.SHA256, ContentType: p.ContentType, Size: p.Size})
}

// handleDeletePhoto removes a delegate's photo.
func (s *Server) handleDeletePhoto(c *fiber.Ctx) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.Desk.RemovePhoto(c.UserContext(), actorOf(c), id); err != nil {
		return err
	}
	return c.JSON(photoBody{DelegateID: id})
}

// limitBodies keeps every request but a photo upload to smallBodyLimit:
// the server admits photo-sized bodies only for that route.
func limitBodies(c *fiber.Ctx) error {
	if len(c.Request().Body()) > smallBodyLimit && !(c.Method() == fiber.MethodPut && isPhotoPath(c.Path())) {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}

// isPhotoPath reports whether path is /api/delegates/{id}/photo.
func isPhotoPath(path string) bool {
	const prefix, suffix = "/api/delegates/", "/photo"
	return len(path) > len(prefix)+len(suffix) && path[:len(prefix)] == prefix && path[len(path)-len(suffix):] == suffix
}
