package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"checkin/kiosk"
)

// Metrics are the kiosk's Prometheus metrics, on a registry of their own.
type Metrics struct {
	Registry *prometheus.Registry

	taps       *prometheus.CounterVec
	tapLatency prometheus.Histogram
	sseClients prometheus.Gauge
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
	}
	m.Registry.MustRegister(m.taps, m.tapLatency, m.sseClients,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series exists from the start, so dashboards show zeros, not gaps.
	m.taps.WithLabelValues(kiosk.ResultAccepted, "")
	for _, r := range kiosk.Reasons {
		m.taps.WithLabelValues(kiosk.ResultRejected, r)
	}
	return m
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
