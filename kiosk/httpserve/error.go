package httpserve

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"checkin/kiosk"
)

// statusOf maps domain error codes to HTTP statuses, in one place.
var statusOf = map[string]int{
	kiosk.EINVALID:      fiber.StatusBadRequest,
	kiosk.ENOTFOUND:     fiber.StatusNotFound,
	kiosk.ECONFLICT:     fiber.StatusConflict,
	kiosk.EUNAUTHORIZED: fiber.StatusUnauthorized,
	kiosk.EFORBIDDEN:    fiber.StatusForbidden,
	kiosk.EUNAVAILABLE:  fiber.StatusServiceUnavailable,
	kiosk.EINTERNAL:     fiber.StatusInternalServerError,
}

// Status returns the HTTP status for err: by its domain code, or 500.
func Status(err error) int {
	if s, ok := statusOf[kiosk.ErrorCode(err)]; ok {
		return s
	}
	return fiber.StatusInternalServerError
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// ErrorHandler renders every error a handler returns: domain errors by
// code, Fiber's own (404, 413…) by status, anything else as a logged
// internal error whose details never reach the client. API paths and JSON
// clients get JSON; pages get text.
func ErrorHandler(logger *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error { return handleError(logger, c, err) }
}

func handleError(logger *slog.Logger, c *fiber.Ctx, err error) error {
	status, code, msg := fiber.StatusInternalServerError, kiosk.EINTERNAL, "internal error"
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status, msg = fe.Code, fe.Message
		code = strings.ToLower(strings.ReplaceAll(utils.StatusMessage(fe.Code), " ", "_"))
	case kiosk.ErrorCode(err) != kiosk.EINTERNAL:
		code, msg = kiosk.ErrorCode(err), kiosk.ErrorMessage(err)
		status = statusOf[code]
	default:
		logger.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if strings.HasPrefix(c.Path(), "/api/") || strings.HasPrefix(c.Path(), "/sync/") || strings.Contains(string(c.Request().Header.Peek(fiber.HeaderAccept)), "json") {
		return c.Status(status).JSON(ErrorBody{Error: msg, Code: code})
	}
	return c.Status(status).Type("txt").SendString(msg)
}
