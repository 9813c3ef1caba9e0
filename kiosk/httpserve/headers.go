package httpserve

import "github.com/gofiber/fiber/v2"

// ContentSecurityPolicy admits the server's own scripts, styles, images
// and connections only: no inline script, no framing of any page (the
// desk cannot be clickjacked), no plugins, forms post to this server only.
// Images may be data: URLs (the QR of a pass).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// PermissionsPolicy lets the server's own pages use the camera (the desk
// takes delegates' photos) and nothing else that a page could ask a
// kiosk's browser for.
const PermissionsPolicy = "camera=(self), microphone=(), geolocation=(), usb=(), serial=(), payment=()"

// SecurityHeaders sets the security headers on every answer, pages and
// API alike, errors included: it runs first and sets them before the
// handler does anything.
func SecurityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set("Permissions-Policy", PermissionsPolicy)
	return c.Next()
}
