package web_test

import (
	"bytes"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// screens keeps n event-stream clients connected to base, reading all they
// are sent and counting tap events. A client whose stream ends reconnects
// after the retry delay the kiosk announces (2 s), as a browser does.
type screens struct {
	taps, reconnects atomic.Int64
	stop             chan struct{}
	wg               sync.WaitGroup
}

func connectScreens(b *testing.B, base string, n int) *screens {
	s := &screens{stop: make(chan struct{})}
	host := strings.TrimPrefix(base, "http://")
	request := []byte("GET /api/events HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
	tap := []byte("event: tap")
	for i := 0; i < n; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			buf := make([]byte, 16<<10)
			for first := true; ; first = false {
				if !first {
					s.reconnects.Add(1)
					select {
					case <-s.stop:
						return
					case <-time.After(2 * time.Second):
					}
				}
				conn, err := net.Dial("tcp", host)
				if err != nil {
					continue
				}
				go func() { <-s.stop; conn.Close() }()
				if _, err := conn.Write(request); err != nil {
					conn.Close()
					continue
				}
				for {
					k, err := conn.Read(buf)
					s.taps.Add(int64(bytes.Count(buf[:k], tap)))
					if err != nil {
						break
					}
				}
				conn.Close()
			}
		}()
	}
	return s
}

func (s *screens) close() {
	close(s.stop)
	s.wg.Wait()
}

// BenchmarkTapsWithScreens floods /api/taps from 32 clients on loopback,
// first with no screen connected, then with 2,000 screens on the event
// stream, in the same run: every tap is published to every screen. It
// reports the tap rate of both phases and their ratio (goal ≥ 0.8: taps
// never wait on screens), how many tap events the screens received per
// second, how often they had to reconnect (dropped as too slow), and how
// many were connected on average while taps flowed.
func BenchmarkTapsWithScreens(b *testing.B) {
	const clients, subscribers, badges = 32, 2000, 10_000
	// Each phase lasts long enough for dropped screens to come back (a
	// browser waits 2 s): the figures include their reconnecting.
	const phase = 5 * time.Second
	f := newFixture(b)
	badgeRoster(b, f, badges)
	f.server.Heartbeat = 15 * time.Second // as in production
	b.ResetTimer()
	alone := floodTaps(b, f.url, clients, b.N, badges, phase)
	b.StopTimer()

	sc := connectScreens(b, f.url, subscribers)
	defer sc.close()
	f.waitSubscribed(b, subscribers)
	var samples, connected atomic.Int64
	sampling := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-sampling:
				return
			case <-t.C:
				samples.Add(1)
				connected.Add(int64(f.server.Hub.Len()))
			}
		}
	}()
	before := sc.taps.Load()
	start := time.Now()
	b.StartTimer()
	crowded := floodTaps(b, f.url, clients, b.N, badges, phase)
	b.StopTimer()
	elapsed := time.Since(start)
	close(sampling)
	delivered := float64(sc.taps.Load()-before) / elapsed.Seconds()

	b.ReportMetric(alone, "taps/s-0-screens")
	b.ReportMetric(crowded, "taps/s-2000-screens")
	b.ReportMetric(crowded/alone, "ratio")
	b.ReportMetric(delivered, "events-delivered/s")
	b.ReportMetric(float64(sc.reconnects.Load()), "reconnects")
	if n := samples.Load(); n > 0 {
		b.ReportMetric(float64(connected.Load())/float64(n), "screens-connected-avg")
	}
}
