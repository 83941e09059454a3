package items

import (
	"context"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
)

func benchDocs(b *testing.B) []*document.Document {
	docs := []*document.Document{consultingQuote()}
	p := corpusFile(b, "invoices/Facture_FR_EN16931.pdf")
	pr, _ := readers()
	d := pr.ReadFile(context.Background(), p)
	if d.Err != nil {
		b.Fatal(d.Err)
	}
	return append(docs, d)
}

// BenchmarkItemsConseil runs Items and Conseil on documents already read
// (a real invoice and a consulting quote); the aim is ≥ 1 000 documents/s.
func BenchmarkItemsConseil(b *testing.B) {
	docs := benchDocs(b)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		d := docs[n%len(docs)]
		n++
		t, _ := Items(d)
		Conseil(d, t)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
}
