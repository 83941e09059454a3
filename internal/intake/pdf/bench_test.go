package pdf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// textLayerFiles are the corpus PDFs read from their text layer: the
// invoices and the letter.
func textLayerFiles(b *testing.B) (files [][]byte, paths []string, pages int) {
	b.Helper()
	paths, _ = filepath.Glob(filepath.Join(corpus, "invoices/*.pdf"))
	paths = append(paths, filepath.Join(corpus, "formats/lettre.pdf"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		got, _, _, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCROff})
		if err != nil {
			b.Fatal(err)
		}
		pages += len(got)
	}
	return files, paths, pages
}

// BenchmarkTextLayer compares Engine.Read (OCR off) with pdftotext -layout
// on the same files; pages/s of each can be read from one run.
func BenchmarkTextLayer(b *testing.B) {
	files, paths, pages := textLayerFiles(b)
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			for _, data := range files {
				if _, _, _, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCROff}); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
	})
	b.Run("pdftotext", func(b *testing.B) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			b.Skip("pdftotext (poppler-utils) is not installed: no reference figure")
		}
		for b.Loop() {
			for _, p := range paths {
				if err := exec.Command("pdftotext", "-layout", p, "-").Run(); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
	})
}
