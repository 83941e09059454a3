package analyze

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/intake"
)

const corpus = "../../../shared/corpus"

func TestDocument(t *testing.T) {
	cases := []struct {
		file, wantType string
		embedded       bool
		minLines       int
	}{
		{"invoices/Facture_FR_BASIC.pdf", "facture", true, 0},
		{"invoices/Facture_FR_BASIC.pdf", "facture", false, 3},
		{"invoices/Avoir_FR_type381_BASIC.pdf", "avoir", false, 1},
		{"real-misc/rib-karate-villebon.pdf", "rib", false, 0},
		{"formats/lettre.pdf", "devis", false, 0},
	}
	for _, c := range cases {
		r := intake.New(intake.Options{OCRMode: intake.OCROff, NoEmbedded: !c.embedded})
		doc := r.ReadFile(context.Background(), filepath.Join(corpus, c.file))
		res := Document(doc)
		r.Close()
		if res.DocumentType == nil || res.DocumentType.Value != c.wantType {
			t.Errorf("%s: type %+v, want %s", c.file, res.DocumentType, c.wantType)
		}
		if c.embedded != (res.TextSource == "embedded_xml") {
			t.Errorf("%s: text source %s", c.file, res.TextSource)
		}
		if len(res.Lines) < c.minLines {
			t.Errorf("%s: %d line items, want ≥ %d", c.file, len(res.Lines), c.minLines)
		}
	}
}
