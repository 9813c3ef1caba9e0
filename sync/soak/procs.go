package soak

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// servingURL finds the URL in a kiosk's or registry's "… serving" log line.
var servingURL = regexp.MustCompile(`serving" url=(https?://\S+)`)

// proc is one running checkin process; its log goes to a file of its own.
type proc struct {
	name   string
	cmd    *exec.Cmd
	url    string
	exited chan struct{} // closed when it has exited
	err    error         // how it exited, once exited is closed
}

// startTimeout bounds how long a process may take to say where it serves.
const startTimeout = 2 * time.Minute

// childEnv is the environment of the processes the rehearsal starts: the
// operator's, without CHECKIN_ variables, so that nothing meant for the
// rehearsal (CHECKIN_DB, CHECKIN_DIR…) configures a kiosk by accident.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CHECKIN_") {
			env = append(env, kv)
		}
	}
	return env
}

// startProc runs bin with args, its stderr appended to logDir/name.log,
// and waits until it logs the URL it serves on.
func startProc(ctx context.Context, bin, logDir, name string, args ...string) (*proc, error) {
	logf, err := os.OpenFile(filepath.Join(logDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logf, "=== %s %s %s\n", time.Now().Format(time.RFC3339Nano), bin, strings.Join(args, " "))
	cmd := exec.Command(bin, args...)
	cmd.Env = childEnv()
	cmd.SysProcAttr = procAttr()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	cmd.Stdout = logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, exited: make(chan struct{})}
	found := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			io.WriteString(logf, line+"\n")
			if m := servingURL.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		io.Copy(logf, stderr) // a line too long for the scanner
	}()
	go func() {
		<-copied // Wait closes the pipe: read it all first
		p.err = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case p.url = <-found:
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("%s exited before serving (%v); see %s", name, p.err, logf.Name())
	case <-timer.C:
		err = fmt.Errorf("%s did not say where it serves within %v; see %s", name, startTimeout, logf.Name())
	case <-ctx.Done():
		err = ctx.Err()
	}
	p.kill()
	return nil, err
}

// kill ends the process at once (kill -9) and waits for it.
func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop asks the process to shut down (SIGTERM) and waits up to 20 s, then
// kills it. It returns an error when the process did not exit cleanly.
func (p *proc) stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		p.kill()
		return fmt.Errorf("%s did not stop within 20 s of SIGTERM; killed", p.name)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return fmt.Errorf("%s exited after SIGTERM: %v", p.name, p.err)
	}
	return p.err
}

// runCLI runs one checkin command to its end and returns its standard
// output; a failure carries its standard error.
func runCLI(ctx context.Context, bin string, stdin string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv()
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("checkin %s: %v: %s", strings.Join(args[:min(2, len(args))], " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
