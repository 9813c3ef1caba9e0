package registry

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"checkin/badge/pass"
	"checkin/kiosk"
	"checkin/kiosk/passbook"
	wire "checkin/sync"
)

// handlePasses takes the passes a kiosk's desk issued. Each must verify
// with a key of that kiosk's own: a kiosk announces only its own passes.
// The newest pass of each delegate then reaches every kiosk through the
// feed (kind "pass") and supersedes the older ones there.
func (s *Server) handlePasses(c *fiber.Ctx) error {
	announced, err := wire.DecodePasses(c.Body())
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	id, _ := c.Locals("kiosk").(string)
	passes, err := s.verifyPasses(ctx, id, announced)
	if err != nil {
		return err
	}
	res, err := s.Store.AddPasses(ctx, id, passes)
	if err != nil {
		return err
	}
	if res.Accepted > 0 {
		s.refreshHead(ctx)
	}
	return c.JSON(res)
}

// verifyPasses checks each announced token with the kiosk's own keys, for
// this meeting, not issued in the future (by the registry's clock). Any
// that does not verify makes them all EINVALID, naming it.
func (s *Server) verifyPasses(ctx context.Context, kioskID string, announced []wire.PassAnnouncement) ([]VerifiedPass, error) {
	texts, err := s.Store.KioskPassKeys(ctx, kioskID)
	if err != nil {
		return nil, err
	}
	ring := &pass.Keyring{Now: s.Now}
	for _, t := range texts {
		if k, err := pass.ParsePublicKey(t); err == nil {
			ring.Add(k)
		}
	}
	m, err := s.Store.Meeting(ctx)
	if err != nil {
		return nil, err
	}
	meeting := passbook.MeetingID(m)
	out := make([]VerifiedPass, len(announced))
	for i, a := range announced {
		p, err := ring.Verify(a.Token, meeting)
		if err != nil {
			return nil, kiosk.Errorf(kiosk.EINVALID, "passes[%d]: not a pass of kiosk %s for this meeting: %v", i, kioskID, err)
		}
		out[i] = VerifiedPass{KeyID: p.KeyID, Pass: kiosk.Pass{DelegateID: p.DelegateID, UID: passbook.PassUID(p),
			IssuedAt: p.IssuedAt, Kiosk: kioskID}}
	}
	return out, nil
}
