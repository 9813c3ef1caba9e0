// Package faultproxy is a TCP proxy for rehearsing network faults on one
// machine: put it between a client and a server, then Cut it (every
// connection through it is reset and new ones are reset as they come, as
// when a cable is pulled or a server restarts) and Restore it.
//
// `checkin soak` puts one in front of each registry for each kiosk (a kiosk
// cut off from the venue network) and one in front of PostgreSQL for the
// registries (a database restart).
package faultproxy

import (
	"errors"
	"io"
	"net"
	"sync"
)

// Proxy forwards every connection it accepts to its target.
type Proxy struct {
	ln net.Listener

	mu     sync.Mutex
	target string
	cut    bool
	closed bool
	conns  map[net.Conn]struct{} // both ends of every connection open through it
	wg     sync.WaitGroup
}

// Listen starts a proxy on a free loopback port that forwards to target
// (host:port).
func Listen(target string) (*Proxy, error) {
	return ListenOn("127.0.0.1:0", target)
}

// ListenOn starts a proxy on addr that forwards to target.
func ListenOn(addr, target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's own address (host:port), to give clients.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetTarget sends new connections to another target (a server restarted
// on another port); connections open now stay where they are.
func (p *Proxy) SetTarget(target string) {
	p.mu.Lock()
	p.target = target
	p.mu.Unlock()
}

// Cut resets every connection through the proxy, and every new one until
// Restore: clients see their requests fail at once (a reset, never a
// hang).
func (p *Proxy) Cut() {
	p.mu.Lock()
	p.cut = true
	conns := p.conns
	p.conns = map[net.Conn]struct{}{}
	p.mu.Unlock()
	for c := range conns {
		reset(c)
	}
}

// Restore lets connections through again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// IsCut reports whether the proxy is cut.
func (p *Proxy) IsCut() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cut
}

// Close stops the proxy and closes every connection through it.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.conns = map[net.Conn]struct{}{}
	p.mu.Unlock()
	err := p.ln.Close()
	for c := range conns {
		c.Close()
	}
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // EMFILE and the like: try the next
		}
		p.mu.Lock()
		cut, target := p.cut || p.closed, p.target
		p.mu.Unlock()
		if cut {
			reset(c)
			continue
		}
		p.wg.Add(1)
		go p.serve(c, target)
	}
}

// serve joins a client connection to a new one to the target.
func (p *Proxy) serve(client net.Conn, target string) {
	defer p.wg.Done()
	server, err := net.Dial("tcp", target)
	if err != nil {
		reset(client) // the target is down: the client sees a failure, as it would without the proxy
		return
	}
	if !p.track(client, server) {
		reset(client)
		reset(server)
		return
	}
	var done sync.WaitGroup
	done.Add(2)
	pipe := func(dst, src net.Conn) {
		defer done.Done()
		io.Copy(dst, src)
		// One way ended: pass the end on, so that the other way ends too.
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		} else {
			dst.Close()
		}
	}
	go pipe(server, client)
	go pipe(client, server)
	done.Wait()
	client.Close()
	server.Close()
	p.untrack(client, server)
}

// track records both ends of a connection, unless the proxy was cut or
// closed meanwhile.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut || p.closed {
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *Proxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		delete(p.conns, c)
	}
}

// reset closes a connection with a TCP reset rather than an orderly end,
// so that the peer's next read or write fails at once.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
