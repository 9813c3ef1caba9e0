package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"checkin/badge"
	"checkin/badge/serialreader/ptytest"
)

// BenchmarkFrameToScreen measures what a delegate waits for: from the last
// byte of an EM4100 frame written to the reader's pseudo-terminal to the
// `tap` event arriving at a screen's SSE connection, through the whole
// kiosk (reader, decision, durable commit, event stream). Cards alternate
// so that none is held off. Reports p50 and p99.
func BenchmarkFrameToScreen(b *testing.B) {
	ptytest.NeedSocat(b)
	dir := b.TempDir()
	const cards = 5000 // a card comes round again only after the hold-off
	e, data := benchRoster(b, dir, cards, func(i int) string { return fmt.Sprintf("%010X", 0xA000000000+i) })
	pty := ptytest.Start(b, dir)
	spec, _ := badge.ParseSpec(pty.A)
	arrived := benchKiosk(b, e, data, spec, "open")
	peer := pty.OpenPeer(b)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		frame := em4100Frame(fmt.Sprintf("%010X", 0xA000000000+i%cards))
		i++
		if _, err := peer.Write(frame); err != nil {
			b.Fatal(err)
		}
		sent := time.Now()
		select {
		case at := <-arrived:
			lat = append(lat, at.Sub(sent))
		case <-time.After(5 * time.Second):
			b.Fatal("no tap event within 5 s")
		}
	}
	reportLatency(b, lat)
}

// benchRoster imports a roster of n delegates, the i-th with badge uid(i),
// into a fresh kiosk data directory under dir.
func benchRoster(b *testing.B, dir string, n int, uid func(i int) string) (*env, string) {
	b.Helper()
	var csv strings.Builder
	csv.WriteString("id,family_name,given_name,badge_uid\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&csv, "D%04d,Müller,Jürgen %d,%s\n", i, i, uid(i))
	}
	data := filepath.Join(dir, "kiosk")
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: os.Getenv,
		logger: slog.New(slog.DiscardHandler)}
	rosterFile := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(rosterFile, []byte(csv.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := runImportRoster(context.Background(), e, []string{"--data", data, rosterFile}); err != nil {
		b.Fatal(err)
	}
	return e, data
}

// benchKiosk runs a kiosk on data with one reader until the benchmark
// ends, waits for the reader to reach state, and returns the arrival
// times of `tap` events at a screen's SSE connection.
func benchKiosk(b *testing.B, e *env, data string, spec badge.Spec, state string) <-chan time.Time {
	b.Helper()
	app, err := openKiosk(e, kioskConfig{data: data, addr: "127.0.0.1:0", kioskID: "bench", readers: []badge.Spec{spec}, holdoff: badge.DefaultHoldoff}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	base := app.server.URL()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(get(b, base+"/healthz"), `"state":"`+state+`"`); {
		if time.Now().After(deadline) {
			b.Fatalf("reader not %s", state)
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get(base + "/api/events")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { resp.Body.Close() })
	arrived := make(chan time.Time, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() == "event: tap" {
				arrived <- time.Now()
			}
		}
	}()
	return arrived
}

// reportLatency reports the p50 and p99 of lat in milliseconds.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)-1)*99/100].Microseconds())/1000, "p99-ms")
}
