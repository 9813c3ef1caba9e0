package serialreader

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestRejectLogOncePerBurst(t *testing.T) {
	var buf bytes.Buffer
	l := newRejectLog(slog.New(slog.NewTextHandler(&buf, nil)), "/dev/ttyUSB0")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// A burst of 100 garbage rejects over one second and one checksum.
	for i := range 100 {
		l.note("garbage", start.Add(time.Duration(i)*10*time.Millisecond))
	}
	l.note("checksum", start.Add(time.Second))
	l.flush(start.Add(2 * time.Second)) // too early: still held back
	l.flush(start.Add(rejectLogEvery))  // the burst's tail
	l.flush(start.Add(time.Hour))       // nothing left
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{"reason=garbage count=1", "reason=checksum count=1", "reason=garbage count=99"}
	if len(lines) != len(want) {
		t.Fatalf("got %d log lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d: got %q, want it to contain %q", i, lines[i], w)
		}
	}
}
