package osdp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"checkin/badge/osdp"
	"checkin/badge/osdp/pdsim"
	"checkin/badge/serialreader/ptytest"
)

// BenchmarkPollRate measures the polls per second one bus sustains with 4
// readers over a pseudo-terminal whose far end answers at the pace of a
// 115200-baud RS-485 line (pdsim.ServeAt: command and reply time on the
// wire), polling as fast as it can (no poll interval) and at the default
// 20 ms interval, plain and in Secure Channel.
func BenchmarkPollRate(b *testing.B) {
	for _, secure := range []bool{false, true} {
		for _, interval := range []time.Duration{-1, 0} {
			name := fmt.Sprintf("secure=%v/interval=%v", secure, max(interval, 0))
			if interval == 0 {
				name = fmt.Sprintf("secure=%v/interval=%v", secure, osdp.DefaultPollInterval)
			}
			b.Run(name, func(b *testing.B) { benchPollRate(b, secure, interval, 4) })
		}
	}
	// One live reader beside three that never answer: the live one's
	// polls/s shows what the dead ones' probes cost it.
	b.Run("secure=false/interval=20ms/3-dead", func(b *testing.B) { benchPollRate(b, false, 0, 1) })
}

func benchPollRate(b *testing.B, secure bool, interval time.Duration, live int) {
	s := ptytest.Start(b, b.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	key := osdp.Key{1, 2, 3}
	var pds []*pdsim.Reader
	var cfgs []osdp.ReaderConfig
	for a := byte(1); a <= 4; a++ {
		if int(a) <= live {
			pds = append(pds, &pdsim.Reader{Addr: a, Key: key, HasKey: true})
		}
		cfgs = append(cfgs, osdp.ReaderConfig{Addr: a, Secure: secure, Keys: []osdp.Key{key}})
	}
	simDone := make(chan struct{})
	go func() { defer close(simDone); pdsim.ServeAt(ctx, openPort(b, s.B), 115200, pds...) }()
	bus := &osdp.Bus{Conn: openPort(b, s.A), Readers: cfgs, Baud: 115200, PollInterval: interval}
	done := make(chan error, 1)
	go func() { done <- bus.Run(ctx) }()
	for i := range live {
		for bus.Status(i).State != osdp.StateOnline {
			time.Sleep(5 * time.Millisecond)
		}
	}
	polls := func() (n uint64) {
		for i := range live {
			n += bus.Status(i).Polls
		}
		return n
	}
	start, before := time.Now(), polls()
	for b.Loop() {
		time.Sleep(10 * time.Millisecond)
	}
	if elapsed := time.Since(start); elapsed < time.Second { // at least a second of polling
		time.Sleep(time.Second - elapsed)
	}
	elapsed, after := time.Since(start), polls()
	cancel()
	<-done
	<-simDone
	var timeouts uint64
	for i := range live {
		timeouts += bus.Status(i).Timeouts
	}
	b.ReportMetric(float64(after-before)/elapsed.Seconds(), "polls/s")
	b.ReportMetric(float64(timeouts), "timeouts")
}
