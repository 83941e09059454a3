package analyze

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/synth"
)

// BenchmarkAnalyze measures classification + extraction (fields, line
// items, consulting figures) on documents read beforehand, on one core.
func BenchmarkAnalyze(b *testing.B) {
	r := intake.New(intake.Options{OCRMode: intake.OCROff, NoEmbedded: true, Workers: 1})
	defer r.Close()
	var docs []*document.Document
	paths, _ := filepath.Glob(filepath.Join(corpus, "invoices", "*.pdf"))
	for _, p := range paths {
		docs = append(docs, r.ReadFile(context.Background(), p))
	}
	generated, err := synth.Generate(synth.Options{Seed: 3}, 40)
	if err != nil {
		b.Fatal(err)
	}
	for _, g := range generated {
		docs = append(docs, r.Read(context.Background(), g.Name+".pdf", g.PDF))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			Document(d)
		}
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "docs/s")
}
