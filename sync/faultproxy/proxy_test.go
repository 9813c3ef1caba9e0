package faultproxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// echoServer answers each line with its prefix and the line.
func echoServer(t *testing.T, prefix string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					if _, err := io.WriteString(c, prefix+sc.Text()+"\n"); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line on c and reads the answer, failing within a
// second when the connection is broken.
func roundTrip(c net.Conn, r *bufio.Reader, line string) (string, error) {
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	s, err := r.ReadString('\n')
	return strings.TrimSuffix(s, "\n"), err
}

// tryRoundTrip is roundTrip on a new connection, which may be reset as
// it is made.
func tryRoundTrip(addr, line string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return roundTrip(c, bufio.NewReader(c), line)
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

func TestCutAndRestore(t *testing.T) {
	p, err := Listen(echoServer(t, "a:"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	c, r := dial(t, p.Addr())
	if got, err := roundTrip(c, r, "hello"); err != nil || got != "a:hello" {
		t.Fatalf("through the proxy: %q, %v", got, err)
	}

	p.Cut()
	if !p.IsCut() {
		t.Error("IsCut after Cut = false")
	}
	start := time.Now()
	if got, err := roundTrip(c, r, "again"); err == nil {
		t.Fatalf("an open connection still answers after Cut: %q", got)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("an open connection hangs after Cut instead of failing: %v", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("the cut connection failed only after %v", d)
	}
	if got, err := tryRoundTrip(p.Addr(), "new"); err == nil {
		t.Fatalf("a new connection is served while cut: %q", got)
	}

	p.Restore()
	c3, r3 := dial(t, p.Addr())
	if got, err := roundTrip(c3, r3, "back"); err != nil || got != "a:back" {
		t.Fatalf("after Restore: %q, %v", got, err)
	}
}

func TestSetTarget(t *testing.T) {
	p, err := Listen(echoServer(t, "a:"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, r := dial(t, p.Addr())
	// Served before SetTarget: a dial returns once the kernel accepted the
	// connection, maybe before the proxy took it and chose its target.
	if got, err := roundTrip(c, r, "w"); err != nil || got != "a:w" {
		t.Fatalf("before SetTarget: %q, %v", got, err)
	}
	p.SetTarget(echoServer(t, "b:"))
	if got, err := roundTrip(c, r, "x"); err != nil || got != "a:x" {
		t.Errorf("an open connection after SetTarget: %q, %v; want it kept to the old target", got, err)
	}
	c2, r2 := dial(t, p.Addr())
	if got, err := roundTrip(c2, r2, "y"); err != nil || got != "b:y" {
		t.Errorf("a new connection after SetTarget: %q, %v", got, err)
	}
}

func TestTargetDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	p, err := Listen(dead)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got, err := tryRoundTrip(p.Addr(), "x"); err == nil {
		t.Fatalf("answer from a target that is down: %q", got)
	}
}

func TestCloseEndsConnections(t *testing.T) {
	p, err := Listen(echoServer(t, "a:"))
	if err != nil {
		t.Fatal(err)
	}
	c, r := dial(t, p.Addr())
	if _, err := roundTrip(c, r, "x"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close waits for an open connection")
	}
	if _, err := roundTrip(c, r, "y"); err == nil {
		t.Error("connection still served after Close")
	}
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		t.Error("proxy still accepts after Close")
	}
}
