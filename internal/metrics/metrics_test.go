package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
)

type fakeState struct{ fail bool }

func (f fakeState) JobsByState(context.Context) (map[string]int, error) {
	if f.fail {
		return nil, errors.New("base indisponible")
	}
	return map[string]int{"available": 3, "completed": 40}, nil
}
func (fakeState) AnomaliesByCode(context.Context) (map[string]int, error) {
	return map[string]int{"hors_marche": 2}, nil
}
func (fakeState) DocumentsByStatus(context.Context) (map[string]int, error) {
	return map[string]int{"traite": 40}, nil
}

func scrape(t *testing.T, m *Metrics) string {
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func TestMetrics(t *testing.T) {
	m := New(nil)
	m.Watch(fakeState{})
	m.Step("lecture", "ok", 1500*time.Millisecond)
	m.Document(document.Result{Pages: 2, TextSource: document.SourceOCR, DocumentType: &document.TypeGuess{Value: "devis"},
		Fields: map[string]document.Field{"montant_ht": {Confidence: 0.92}}}, "traite")
	out := scrape(t, m)
	for _, want := range []string{
		`depenses_step_duration_seconds_count{status="ok",step="lecture"} 1`,
		`depenses_pages_total{source="ocr"} 2`,
		`depenses_field_confidence_count{field="montant_ht"} 1`,
		`depenses_documents_processed_total{document_type="devis",status="traite"} 1`,
		`depenses_jobs{state="available"} 3`,
		`depenses_anomalies{code="hors_marche"} 2`,
		`depenses_documents{status="traite"} 40`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	// A nil *Metrics records nothing and does not panic.
	var none *Metrics
	none.Step("x", "ok", time.Second)
	none.Document(document.Result{}, "traite")
}

func TestStateFailure(t *testing.T) {
	m := New(fakeState{fail: true})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "base indisponible") {
		t.Errorf("a failing state must show in the scrape: %d %s", rec.Code, rec.Body.String())
	}
}
