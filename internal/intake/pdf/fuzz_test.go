package pdf

import (
	"context"
	"errors"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
	"os"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// FuzzRead feeds arbitrary bytes to Read under tight limits: it must return
// pages or a *document.ReadError, never panic nor hang.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"testdata/lettre.pdf", "testdata/rib-karate-villebon.pdf"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(testfiles.PDFPageTreeLoop())
	f.Add(emptyPagesPDF(3))
	f.Add(textPDF(90, []string{"Total TTC 12,00"}))
	f.Add([]byte("%PDF-1.4\n"))

	lim := limits.Default()
	lim.MaxPages = 5
	lim.MaxPixels = 1_000_000
	lim.MaxFileBytes = 1 << 20
	lim.MaxTextBytes = 1 << 16
	lim.PageTimeout = 2 * time.Second
	lim.FileTimeout = 5 * time.Second
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		pages, _, _, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCRAuto, Limits: lim})
		if err != nil {
			var re *document.ReadError
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a ReadError", err, err)
			}
		}
		if len(pages) > lim.MaxPages {
			t.Fatalf("%d pages beyond the limit", len(pages))
		}
		if d := time.Since(start); d > lim.FileTimeout+5*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
