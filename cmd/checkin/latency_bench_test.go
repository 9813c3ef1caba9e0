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
	var csv strings.Builder
	csv.WriteString("id,family_name,given_name,badge_uid\n")
	for i := 0; i < cards; i++ {
		fmt.Fprintf(&csv, "D%04d,Müller,Jürgen %d,%010X\n", i, i, 0xA000000000+i)
	}
	data := filepath.Join(dir, "kiosk")
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: os.Getenv,
		logger: slog.New(slog.DiscardHandler)}
	rosterFile := filepath.Join(dir, "roster.csv")
	os.WriteFile(rosterFile, []byte(csv.String()), 0o644)
	if err := runImportRoster(context.Background(), e, []string{"--data", data, rosterFile}); err != nil {
		b.Fatal(err)
	}
	pty := ptytest.Start(b, dir)
	spec, _ := badge.ParseSpec(pty.A)
	app, err := openKiosk(e, kioskConfig{data: data, addr: "127.0.0.1:0", kioskID: "bench", readers: []badge.Spec{spec}, holdoff: badge.DefaultHoldoff}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.run(ctx) }()
	defer func() { cancel(); <-done }()
	base := app.server.URL()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(get(b, base+"/healthz"), `"state":"open"`); {
		if time.Now().After(deadline) {
			b.Fatal("reader not open")
		}
		time.Sleep(20 * time.Millisecond)
	}

	resp, err := http.Get(base + "/api/events")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	arrived := make(chan time.Time, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() == "event: tap" {
				arrived <- time.Now()
			}
		}
	}()
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
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)-1)*99/100].Microseconds())/1000, "p99-ms")
}
