// Package ptytest gives tests a pair of real pseudo-terminals joined by
// socat: the reader under test opens A, the test writes to B as a card
// reader would.
package ptytest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Wait is the generous deadline for socat to come up.
const Wait = 5 * time.Second

// NeedSocat returns socat's path. Without socat the test fails in CI
// (CI=true installs it) and skips loudly elsewhere.
func NeedSocat(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("socat")
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("socat not found but CI=true: the pseudo-terminal tests must run in CI (apt-get install socat): %v", err)
	}
	t.Skip("*** SKIPPING pseudo-terminal reader tests: socat is not installed (apt-get install socat) ***")
	return ""
}

// Socat is a running `socat pty pty`.
type Socat struct {
	A, B string
	cmd  *exec.Cmd
	done chan struct{} // closed when socat has exited

	mu  sync.Mutex
	log strings.Builder
}

// Start starts socat with links A and B in dir and waits until it is
// forwarding. It is killed when the test ends.
func Start(t testing.TB, dir string) *Socat {
	t.Helper()
	s := &Socat{A: filepath.Join(dir, "A"), B: filepath.Join(dir, "B"), done: make(chan struct{})}
	s.cmd = exec.Command(NeedSocat(t), "-d", "-d",
		"pty,raw,echo=0,link="+s.A, "pty,raw,echo=0,link="+s.B)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start socat: %v", err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if strings.Contains(sc.Text(), "starting data transfer loop") {
				close(ready)
			}
		}
		s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.Kill)
	select {
	case <-ready:
	case <-s.done:
		t.Fatalf("socat exited early:\n%s", s.Output())
	case <-time.After(Wait):
		t.Fatalf("socat not ready after %v:\n%s", Wait, s.Output())
	}
	return s
}

// Kill kills socat (SIGKILL: its links stay behind, dangling, as a
// vanished device's path would) and waits for it to exit.
func (s *Socat) Kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// Output returns what socat logged.
func (s *Socat) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// OpenPeer opens B for writing.
func (s *Socat) OpenPeer(t testing.TB) *os.File {
	t.Helper()
	f, err := os.OpenFile(s.B, os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open peer %s: %v", s.B, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
