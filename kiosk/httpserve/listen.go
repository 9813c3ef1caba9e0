// Package httpserve is the HTTP plumbing the kiosk and the registry share:
// serving a Fiber app on an address until shutdown, and one error handler
// that renders domain errors as JSON (or text for pages).
package httpserve

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"

	"github.com/gofiber/fiber/v2"
)

// Listening is a Fiber app serving on a TCP address, from Listen until
// Shutdown. The kiosk and the registry share it.
type Listening struct {
	ln     net.Listener
	scheme string        // "http" or "https"
	done   chan struct{} // closed when serving ended
	served error         // why it ended; read after done
}

// Listen starts serving app on addr ("127.0.0.1:0" picks a free port).
func Listen(app *fiber.App, addr string) (*Listening, error) {
	return ListenTLS(app, addr, nil)
}

// ListenTLS is Listen serving HTTPS only, with config (nil: plain HTTP).
// A plain HTTP request to it fails the handshake and gets no answer.
func ListenTLS(app *fiber.App, addr string, config *tls.Config) (*Listening, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	l := &Listening{ln: ln, scheme: "http", done: make(chan struct{})}
	if config != nil {
		l.ln, l.scheme = tls.NewListener(ln, config), "https"
	}
	go func() {
		defer close(l.done)
		l.served = app.Listener(l.ln)
	}()
	return l, nil
}

// URL returns the base URL being served.
func (l *Listening) URL() string { return l.scheme + "://" + l.ln.Addr().String() }

// Done is closed when serving ended: after Shutdown, or when the listener
// failed.
func (l *Listening) Done() <-chan struct{} { return l.done }

// Wait returns nil when ctx ends, or the error that stopped serving
// before that (the listener failed): a server's Run waits here.
func (l *Listening) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case <-l.done:
		if l.served != nil {
			return fmt.Errorf("serve on %s: %w", l.ln.Addr(), l.served)
		}
		return fmt.Errorf("serve on %s: stopped", l.ln.Addr())
	}
}

// Shutdown stops accepting, waits for requests in flight (or ctx), and
// waits for the serving goroutine to end. A nil Listening only shuts the
// app down (it was used in-process, never listened).
func (l *Listening) Shutdown(ctx context.Context, app *fiber.App) error {
	err := app.ShutdownWithContext(ctx)
	if l != nil {
		// Closing the listener too ends serving that had not started yet
		// when the app shut down (Shutdown right after Listen), which
		// would otherwise serve on and never be done.
		l.ln.Close()
		<-l.done
	}
	return err
}
