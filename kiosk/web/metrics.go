package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"checkin/badge/osdp"
	"checkin/badge/serialreader"
	"checkin/kiosk"
)

// Metrics are the kiosk's Prometheus metrics, on a registry of their own.
type Metrics struct {
	Registry *prometheus.Registry

	taps       *prometheus.CounterVec
	tapLatency prometheus.Histogram
	sseClients prometheus.Gauge
	sseDropped prometheus.Counter
	sseRefused prometheus.Counter
}

// NewMetrics registers the kiosk metrics and the Go runtime's.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		taps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "checkin_taps_total",
			Help: "Taps decided, by result and reason.",
		}, []string{"result", "reason"}),
		tapLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "checkin_tap_duration_seconds",
			Help:    "Time from a tap arriving to its durable, decided result.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1},
		}),
		sseClients: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "checkin_sse_clients",
			Help: "Screens connected to the event stream.",
		}),
		sseDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "checkin_sse_dropped_total",
			Help: "Event streams ended because the screen could not keep up.",
		}),
		sseRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "checkin_sse_refused_total",
			Help: "Event streams refused: too many from one address.",
		}),
	}
	m.Registry.MustRegister(m.taps, m.tapLatency, m.sseClients, m.sseDropped, m.sseRefused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series exists from the start, so dashboards show zeros, not gaps.
	m.taps.WithLabelValues(kiosk.ResultAccepted, "")
	for _, r := range kiosk.Reasons {
		m.taps.WithLabelValues(kiosk.ResultRejected, r)
	}
	return m
}

// readerCollector exposes the readers' own counters, read at scrape time.
type readerCollector struct {
	states          func() []serialreader.ReaderState
	up, reads, rejs *prometheus.Desc
	secure, tamper  *prometheus.Desc
	osdp            []osdpCounter
}

// osdpCounter is one OSDP line counter exported per reader.
type osdpCounter struct {
	desc *prometheus.Desc
	get  func(*osdp.Stats) uint64
}

func (c *readerCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.reads, c.rejs, c.secure, c.tamper} {
		ch <- d
	}
	for _, o := range c.osdp {
		ch <- o.desc
	}
}

func (c *readerCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.states() {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, b2f(serialreader.Up(st.State)), st.Reader, st.Format, st.Role)
		ch <- prometheus.MustNewConstMetric(c.reads, prometheus.CounterValue, float64(st.Reads), st.Reader)
		for reason, n := range st.Rejects {
			ch <- prometheus.MustNewConstMetric(c.rejs, prometheus.CounterValue, float64(n), st.Reader, reason)
		}
		if st.OSDP == nil {
			continue
		}
		ch <- prometheus.MustNewConstMetric(c.secure, prometheus.GaugeValue, b2f(st.Secure == osdp.SecureUp), st.Reader)
		ch <- prometheus.MustNewConstMetric(c.tamper, prometheus.GaugeValue, b2f(st.Tamper), st.Reader)
		for _, o := range c.osdp {
			ch <- prometheus.MustNewConstMetric(o.desc, prometheus.CounterValue, float64(o.get(st.OSDP)), st.Reader)
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// AddReaders exposes reader states: checkin_reader_up, _reads_total and
// _rejects_total by reader (and reason).
func (m *Metrics) AddReaders(states func() []serialreader.ReaderState) {
	reader := []string{"reader"}
	counter := func(name, help string, get func(*osdp.Stats) uint64) osdpCounter {
		return osdpCounter{prometheus.NewDesc(name, help, reader, nil), get}
	}
	m.Registry.MustRegister(&readerCollector{
		states: states,
		up:     prometheus.NewDesc("checkin_reader_up", "1 when the badge reader's port is open (an OSDP reader: online).", []string{"reader", "format", "role"}, nil),
		reads:  prometheus.NewDesc("checkin_reader_reads_total", "Badge reads delivered (after hold-off).", reader, nil),
		rejs:   prometheus.NewDesc("checkin_reader_rejects_total", "Frames rejected: bad checksum or CRC, parity, garbage, overlong, OSDP NAKs and bad replies…", []string{"reader", "reason"}, nil),
		secure: prometheus.NewDesc("checkin_osdp_secure_channel_up", "1 when the OSDP reader's secure channel is established.", reader, nil),
		tamper: prometheus.NewDesc("checkin_osdp_tamper", "1 when the OSDP reader reports its tamper switch.", reader, nil),
		osdp: []osdpCounter{
			counter("checkin_osdp_polls_total", "osdp_POLL commands sent.", func(s *osdp.Stats) uint64 { return s.Polls }),
			counter("checkin_osdp_replies_total", "Good OSDP replies received.", func(s *osdp.Stats) uint64 { return s.Replies }),
			counter("checkin_osdp_timeouts_total", "OSDP commands that got no reply in time.", func(s *osdp.Stats) uint64 { return s.Timeouts }),
			counter("checkin_osdp_crc_errors_total", "OSDP packets with a bad CRC or checksum.", func(s *osdp.Stats) uint64 { return s.CRCErrors }),
			counter("checkin_osdp_naks_total", "OSDP NAK replies.", func(s *osdp.Stats) uint64 { return s.NAKs }),
			counter("checkin_osdp_bad_replies_total", "OSDP replies that were malformed, failed their MAC or made no sense.", func(s *osdp.Stats) uint64 { return s.BadReplies }),
			counter("checkin_osdp_card_reads_total", "osdp_RAW card reads received (before hold-off).", func(s *osdp.Stats) uint64 { return s.CardReads }),
		},
	})
}

// ObserveTap records a decided tap.
func (m *Metrics) ObserveTap(res kiosk.TapResult, took time.Duration) {
	m.taps.WithLabelValues(res.Result, res.Reason).Inc()
	m.tapLatency.Observe(took.Seconds())
}

// SetSSEClients records the number of connected screens.
func (m *Metrics) SetSSEClients(n int) {
	m.sseClients.Set(float64(n))
}
