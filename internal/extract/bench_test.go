package extract

import (
	"path/filepath"
	"testing"
)

// BenchmarkExtract runs extraction alone on the invoices already read.
func BenchmarkExtract(b *testing.B) {
	cases, docs := readSet(b, filepath.Join(corpus, "invoices"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(docs)
		Extract(docs[k], cases[k].Gold.DocumentType)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
