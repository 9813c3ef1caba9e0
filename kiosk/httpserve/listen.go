// Package httpserve is the HTTP plumbing the kiosk and the registry share:
// serving a Fiber app on an address until shutdown, and one error handler
// that renders domain errors as JSON (or text for pages).
package httpserve

import (
	"context"
	"fmt"
	"net"

	"github.com/gofiber/fiber/v2"
)

// Listening is a Fiber app serving on a TCP address, from Listen until
// Shutdown. The kiosk and the registry share it.
type Listening struct {
	ln     net.Listener
	served chan error
}

// Listen starts serving app on addr ("127.0.0.1:0" picks a free port).
func Listen(app *fiber.App, addr string) (*Listening, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	l := &Listening{ln: ln, served: make(chan error, 1)}
	go func() { l.served <- app.Listener(ln) }()
	return l, nil
}

// URL returns the base URL being served.
func (l *Listening) URL() string { return "http://" + l.ln.Addr().String() }

// Shutdown stops accepting, waits for requests in flight (or ctx), and
// waits for the serving goroutine to end. A nil Listening only shuts the
// app down (it was used in-process, never listened).
func (l *Listening) Shutdown(ctx context.Context, app *fiber.App) error {
	err := app.ShutdownWithContext(ctx)
	if l != nil {
		<-l.served
	}
	return err
}
