package main

import (
	"context"
	"fmt"
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
	e, data := benchRoster(b, dir, cards, func(i int) string { return fmt.Sprintf("%08X", 0xC0000000+i) })
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
	arrived := benchKiosk(b, e, data, spec, "online")

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
	reportLatency(b, lat)
	b.ReportMetric(osdp.DefaultPollInterval.Seconds()*1000, "poll-interval-ms")
}
