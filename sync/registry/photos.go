package registry

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"checkin/kiosk"
	wire "checkin/sync"
)

// handlePhotoBlob serves a photo's bytes by their SHA-256, to kiosks that
// learnt of the photo from the feed (kind "photo"). The bytes never change
// under a hash, but they are a person's face: no shared cache keeps them.
func (s *Server) handlePhotoBlob(c *fiber.Ctx) error {
	sha := c.Params("ref")
	if !kiosk.ValidPhotoHash(sha) {
		return kiosk.Errorf(kiosk.EINVALID, "a photo is named by the SHA-256 of its bytes, in lower-case hex")
	}
	p, err := s.Store.PhotoBlob(c.UserContext(), sha)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, p.ContentType)
	return c.Send(p.Data)
}

// handlePutPhoto takes a photo a kiosk's desk took (the image is the
// body), checks it as every photo is checked, and makes it the delegate's
// photo at every kiosk. Sending the same photo again changes nothing.
func (s *Server) handlePutPhoto(c *fiber.Ctx) error {
	id, err := s.photoDelegate(c)
	if err != nil {
		return err
	}
	p, err := kiosk.NewPhoto(id, append([]byte(nil), c.Body()...))
	if err != nil {
		return err
	}
	if err := s.Store.SetPhoto(c.UserContext(), p); err != nil {
		return err
	}
	s.refreshHead(c.UserContext())
	return c.JSON(wire.PhotoAnswer{DelegateID: id, SHA256: p.SHA256})
}

// handleDeletePhoto removes a delegate's photo at every kiosk.
func (s *Server) handleDeletePhoto(c *fiber.Ctx) error {
	id, err := s.photoDelegate(c)
	if err != nil {
		return err
	}
	if err := s.Store.SetPhoto(c.UserContext(), kiosk.Photo{DelegateID: id}); err != nil {
		return err
	}
	s.refreshHead(c.UserContext())
	return c.JSON(wire.PhotoAnswer{DelegateID: id})
}

func (s *Server) photoDelegate(c *fiber.Ctx) (string, error) {
	id, err := url.PathUnescape(c.Params("ref"))
	if err != nil || !kiosk.ValidLabel(id) {
		return "", kiosk.Errorf(kiosk.EINVALID, "delegate id in the path is not valid")
	}
	return id, nil
}
