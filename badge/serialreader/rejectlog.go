package serialreader

import (
	"log/slog"
	"time"
)

// rejectLogEvery is the shortest interval between two log lines for the
// same reader and reason: a burst of noise is one line with a count.
const rejectLogEvery = 5 * time.Second

// rejectLog logs a reader's rejected frames once per burst and reason.
// It belongs to the reader's goroutine.
type rejectLog struct {
	logger *slog.Logger
	reader string
	bursts map[string]*burst
}

type burst struct {
	logged  time.Time // last log line for this reason
	pending uint64    // rejects since then, not yet logged
}

func newRejectLog(logger *slog.Logger, reader string) *rejectLog {
	return &rejectLog{logger: logger, reader: reader, bursts: make(map[string]*burst)}
}

// note records a reject; it logs at once unless this reason was logged
// less than rejectLogEvery ago.
func (l *rejectLog) note(reason string, now time.Time) {
	b := l.bursts[reason]
	if b == nil {
		b = &burst{}
		l.bursts[reason] = b
	}
	b.pending++
	if b.logged.IsZero() || now.Sub(b.logged) >= rejectLogEvery {
		l.log(reason, b, now)
	}
}

// flush logs the rejects held back once their interval has passed, so
// that the tail of a burst is not lost.
func (l *rejectLog) flush(now time.Time) {
	for reason, b := range l.bursts {
		if b.pending > 0 && now.Sub(b.logged) >= rejectLogEvery {
			l.log(reason, b, now)
		}
	}
}

func (l *rejectLog) log(reason string, b *burst, now time.Time) {
	l.logger.Warn("reader rejected frames", "reader", l.reader, "reason", reason, "count", b.pending)
	b.pending, b.logged = 0, now
}
