// Package metrics exposes the processing's Prometheus metrics: jobs by
// state, step durations, pages read by OCR, extraction confidence and
// anomalies by rule. Counters and histograms are fed by the pipeline as it
// works; gauges of state are read from the database at each scrape, so
// every process reports the shared truth.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// State is read at scrape time.
type State interface {
	// JobsByState counts the queue's jobs by River state.
	JobsByState(ctx context.Context) (map[string]int, error)
	// AnomaliesByCode counts the last detection's anomalies by rule.
	AnomaliesByCode(ctx context.Context) (map[string]int, error)
	// DocumentsByStatus counts stored documents by processing status.
	DocumentsByStatus(ctx context.Context) (map[string]int, error)
}

// Metrics holds the process's collectors. A nil *Metrics records nothing,
// so callers need not check.
type Metrics struct {
	reg        *prometheus.Registry
	steps      *prometheus.HistogramVec
	pages      *prometheus.CounterVec
	confidence *prometheus.HistogramVec
	documents  *prometheus.CounterVec
}

// New registers the collectors; state may be nil (no state gauges, or
// Watch later).
func New(state State) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.steps = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "depenses_step_duration_seconds",
		Help:    "Durée des étapes de traitement (lecture, analyse, rapprochement, détection), par étape et statut.",
		Buckets: []float64{0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600},
	}, []string{"step", "status"})
	m.pages = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "depenses_pages_total",
		Help: "Pages lues, par source du texte (text_layer, ocr, office, embedded_xml).",
	}, []string{"source"})
	m.confidence = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "depenses_field_confidence",
		Help:    "Confiance des champs extraits, par champ.",
		Buckets: []float64{0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99},
	}, []string{"field"})
	m.documents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "depenses_documents_processed_total",
		Help: "Documents traités par ce processus, par type de document et statut.",
	}, []string{"document_type", "status"})
	m.reg.MustRegister(m.steps, m.pages, m.confidence, m.documents,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if state != nil {
		m.reg.MustRegister(&stateCollector{state: state})
	}
	return m
}

// Watch adds the gauges read from state at each scrape (once).
func (m *Metrics) Watch(state State) {
	if m == nil || state == nil {
		return
	}
	m.reg.MustRegister(&stateCollector{state: state})
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Timeout: 10 * time.Second})
}

// Step records one step's duration.
func (m *Metrics) Step(step, status string, d time.Duration) {
	if m == nil {
		return
	}
	m.steps.WithLabelValues(step, status).Observe(d.Seconds())
}

// Document records a processed document: its pages by text source, its
// fields' confidence, its type and status.
func (m *Metrics) Document(res document.Result, status string) {
	if m == nil {
		return
	}
	typ := "inconnu"
	if res.DocumentType != nil {
		typ = res.DocumentType.Value
	}
	m.documents.WithLabelValues(typ, status).Inc()
	if res.Pages > 0 {
		m.pages.WithLabelValues(string(res.TextSource)).Add(float64(res.Pages))
	}
	for name, f := range res.Fields {
		m.confidence.WithLabelValues(name).Observe(f.Confidence)
	}
}

var (
	jobsDesc      = prometheus.NewDesc("depenses_jobs", "Travaux de la file, par file et par état (base partagée).", []string{"state"}, nil)
	anomaliesDesc = prometheus.NewDesc("depenses_anomalies", "Anomalies de la dernière détection, par règle.", []string{"code"}, nil)
	docsDesc      = prometheus.NewDesc("depenses_documents", "Documents conservés, par statut de traitement.", []string{"status"}, nil)
)

// stateCollector reads the database at scrape time.
type stateCollector struct{ state State }

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- anomaliesDesc
	ch <- docsDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	emit := func(desc *prometheus.Desc, counts map[string]int, err error) {
		if err != nil {
			ch <- prometheus.NewInvalidMetric(desc, err)
			return
		}
		for k, n := range counts {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(n), k)
		}
	}
	jobs, err := c.state.JobsByState(ctx)
	emit(jobsDesc, jobs, err)
	anomalies, err := c.state.AnomaliesByCode(ctx)
	emit(anomaliesDesc, anomalies, err)
	docs, err := c.state.DocumentsByStatus(ctx)
	emit(docsDesc, docs, err)
}
