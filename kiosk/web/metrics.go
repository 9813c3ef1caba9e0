package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

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
}

func (c *readerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.up
	ch <- c.reads
	ch <- c.rejs
}

func (c *readerCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.states() {
		up := 0.0
		if st.State == serialreader.StateOpen {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up, st.Reader, st.Format, st.Role)
		ch <- prometheus.MustNewConstMetric(c.reads, prometheus.CounterValue, float64(st.Reads), st.Reader)
		for reason, n := range st.Rejects {
			ch <- prometheus.MustNewConstMetric(c.rejs, prometheus.CounterValue, float64(n), st.Reader, reason)
		}
	}
}

// AddReaders exposes reader states: checkin_reader_up, _reads_total and
// _rejects_total by reader (and reason).
func (m *Metrics) AddReaders(states func() []serialreader.ReaderState) {
	m.Registry.MustRegister(&readerCollector{
		states: states,
		up:     prometheus.NewDesc("checkin_reader_up", "1 when the badge reader's port is open.", []string{"reader", "format", "role"}, nil),
		reads:  prometheus.NewDesc("checkin_reader_reads_total", "Badge reads delivered (after hold-off).", []string{"reader"}, nil),
		rejs:   prometheus.NewDesc("checkin_reader_rejects_total", "Frames rejected: bad checksum, parity, garbage, overlong…", []string{"reader", "reason"}, nil),
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
