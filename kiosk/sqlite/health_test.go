package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlite"
	"checkin/kiosk/sqlitedb/sqlitetest"
)

// logBuffer collects a logger's lines; safe for concurrent writers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// count returns how many lines contain s.
func (b *logBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}

// TestTapWritesFailing: when taps cannot be written, the store says so at
// once (WriteHealth, OnWriteHealth) with the reason, every tap fails as
// unavailable, and the log gets one line a minute however many taps fail;
// when there is room again the taps go through by themselves, and a probe
// finds out even if no tap comes.
func TestTapWritesFailing(t *testing.T) {
	logs := &logBuffer{}
	c := &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, zurich)}
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "kiosk.db"))
	db.Now = c.Now
	db.Logger = slog.New(slog.NewTextHandler(logs, nil))
	db.ProbeEvery = 20 * time.Millisecond
	var mu sync.Mutex
	var told []kiosk.StoreHealth
	db.OnWriteHealth = func(h kiosk.StoreHealth) { mu.Lock(); told = append(told, h); mu.Unlock() }
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed(t, db)
	ctx := context.Background()
	if h := db.WriteHealth(); !h.OK {
		t.Fatalf("health of a new database = %+v", h)
	}
	room := sqlitetest.Fill(t, db.Writer)

	n := 0
	tap := func() error {
		n++
		_, err := db.RecordTap(ctx, kiosk.Tap{ID: fmt.Sprintf("T%06d", n), Credential: kiosk.Credential{UID: "0A0B0C0D0E"},
			Source: "rfid", Gate: "main", Direction: "in", Kiosk: "k1", At: c.Now().UTC()})
		return err
	}
	for tap() == nil { // the pages already there fill up first
		if n > 10000 {
			t.Fatal("taps never fail in a full database")
		}
	}
	failedAt := c.Now()
	var wg sync.WaitGroup
	var errs sync.Map
	for range 200 { // a flood: one line in the log, not one per tap
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			n++
			id := n
			mu.Unlock()
			_, err := db.RecordTap(ctx, kiosk.Tap{ID: fmt.Sprintf("F%06d", id), Credential: kiosk.Credential{UID: "0A0B0C0D0E"},
				Source: "rfid", Gate: "main", Direction: "in", Kiosk: "k1", At: c.Now().UTC()})
			errs.Store(id, err)
		}()
	}
	wg.Wait()
	errs.Range(func(_, v any) bool {
		if err, _ := v.(error); kiosk.ErrorCode(err) != kiosk.EUNAVAILABLE {
			t.Errorf("tap on a full disk: %v, want code %s", err, kiosk.EUNAVAILABLE)
			return false
		}
		return true
	})
	h := db.WriteHealth()
	if h.OK || h.Reason != "disk full" || !h.Since.Equal(failedAt) {
		t.Errorf("health on a full disk = %+v, want not ok, disk full, since %v", h, failedAt)
	}
	if got := logs.count("taps cannot be written"); got != 1 {
		t.Errorf("%d log lines for the first 201 failed taps, want 1:\n%s", got, logs.buf.String())
	}
	c.Add(61 * time.Second)
	tap()
	tap()
	if got := logs.count("taps still cannot be written"); got != 1 {
		t.Errorf("%d reminders a minute later, want 1:\n%s", got, logs.buf.String())
	}

	room(true) // space again: the next tap goes through
	if err := tap(); err != nil {
		t.Fatalf("tap with room again: %v", err)
	}
	if h := db.WriteHealth(); !h.OK {
		t.Errorf("health after a tap went through = %+v", h)
	}
	if got := logs.count("taps are written again"); got != 1 {
		t.Errorf("%d recovery lines, want 1:\n%s", got, logs.buf.String())
	}

	// No tap comes: the probe finds the room.
	room(false)
	for tap() == nil {
	}
	if db.WriteHealth().OK {
		t.Fatal("health ok after a failed tap")
	}
	room(true)
	deadline := time.Now().Add(5 * time.Second)
	for !db.WriteHealth().OK {
		if time.Now().After(deadline) {
			t.Fatal("health still failing 5 s after room came back, with no tap")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	var oks []bool
	for _, h := range told {
		oks = append(oks, h.OK)
	}
	if fmt.Sprint(oks) != "[false true false true]" {
		t.Errorf("OnWriteHealth told %v, want [false true false true] (changes only)", oks)
	}
}
