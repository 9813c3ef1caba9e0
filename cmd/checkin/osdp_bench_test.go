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

	"go.bug.st/serial"

	"checkin/badge"
	"checkin/badge/osdp"
	"checkin/badge/osdp/pdsim"
	"checkin/badge/serialreader/ptytest"
)

// BenchmarkOSDPCardToScreen measures what a delegate at an OSDP turnstile
// waits for: from a card read entering the simulated reader (queued for
// its next poll, as a reader holds a read until polled) to the `tap` event
// arriving at a screen's SSE connection, through the whole kiosk (poll
// loop at the default 20 ms interval, secure channel, decision, durable
// commit, event stream), on a pseudo-terminal at 115200 baud. Reports p50
// and p99, plain and in Secure Channel.
func BenchmarkOSDPCardToScreen(b *testing.B) {
	for _, secure := range []bool{false, true} {
		b.Run(fmt.Sprintf("secure=%v", secure), func(b *testing.B) { benchOSDPCardToScreen(b, secure) })
	}
}

func benchOSDPCardToScreen(b *testing.B, secure bool) {
	ptytest.NeedSocat(b)
	dir := b.TempDir()
	const cards = 5000 // a card comes round again only after the hold-off
	var csv strings.Builder
	csv.WriteString("id,family_name,given_name,badge_uid\n")
	for i := 0; i < cards; i++ {
		fmt.Fprintf(&csv, "D%04d,Müller,Jürgen %d,%08X\n", i, i, 0xC0000000+i)
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
	pd := &pdsim.Reader{Addr: 1, Key: osdp.Key{7, 7, 7}, HasKey: true}
	v := pty.A + ",format=osdp,address=1,baud=115200,secure=off"
	if secure {
		v = pty.A + ",format=osdp,address=1,baud=115200,scbk=07070700000000000000000000000000"
	}
	spec, err := badge.ParseSpec(v)
	if err != nil {
		b.Fatal(err)
	}
	port, err := serial.Open(pty.B, &serial.Mode{BaudRate: 115200})
	if err != nil {
		b.Fatal(err)
	}
	defer port.Close()
	port.SetReadTimeout(10 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go pdsim.ServeAt(ctx, port, 115200, pd)

	app, err := openKiosk(e, kioskConfig{data: data, addr: "127.0.0.1:0", kioskID: "bench", readers: []badge.Spec{spec}, holdoff: badge.DefaultHoldoff}, nil)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.run(ctx) }()
	defer func() { cancel(); <-done }()
	base := app.server.URL()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(get(b, base+"/healthz"), `"state":"online"`); {
		if time.Now().After(deadline) {
			b.Fatal("reader not online")
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
	var lat []time.Duration
	i := 0
	for b.Loop() {
		n := uint32(0xC0000000 + i%cards)
		i++
		sent := time.Now()
		pd.Card(32, []byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		select {
		case at := <-arrived:
			lat = append(lat, at.Sub(sent))
		case <-time.After(5 * time.Second):
			b.Fatal("no tap event within 5 s")
		}
		time.Sleep(time.Duration(i*7%23) * time.Millisecond) // cards arrive at any point of the poll cycle
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)-1)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(osdp.DefaultPollInterval.Seconds()*1000, "poll-interval-ms")
}
