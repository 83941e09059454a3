//go:build unix

package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// benchPage is one page image, as a file for the tesseract CLI and
// decoded for the engine.
type benchPage struct {
	path string
	img  image.Image
	dpi  int
}

// invoicePDFs are rendered at 300 dpi for the benchmarks: four layouts.
var invoicePDFs = []string{
	"Facture_FR_BASIC.pdf",
	"akretion_france-test.pdf",
	"ORDER-X_EX01_ORDER_FULL_DATA-COMFORT.pdf",
	"Avoir_FR_type381_EN16931.pdf",
}

const invoiceDir = "../../../../shared/corpus/invoices"

// benchPages returns lettre.png and the first page of each invoice
// rendered with pdftoppm (when the corpus and poppler-utils are here).
func benchPages(b *testing.B) []benchPage {
	b.Helper()
	lettre := filepath.Join("testdata", "lettre.png")
	pages := []benchPage{{lettre, decodePNG(b, readTestdata(b, "lettre.png")), lettreDPI}}
	dir := b.TempDir()
	for i, name := range invoicePDFs {
		pdf := filepath.Join(invoiceDir, name)
		if _, err := os.Stat(pdf); err != nil {
			b.Logf("skipping %s: %v", name, err)
			continue
		}
		prefix := filepath.Join(dir, strconv.Itoa(i))
		out, err := exec.Command("pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, prefix).CombinedOutput()
		if err != nil {
			b.Logf("skipping %s: pdftoppm: %v %s", name, err, out)
			continue
		}
		data, err := os.ReadFile(prefix + ".png")
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, benchPage{prefix + ".png", decodePNG(b, data), 300})
	}
	return pages
}

// BenchmarkOCR compares the engine with the tesseract CLI reading the same
// PNG files, one page at a time, one process at a time.
func BenchmarkOCR(b *testing.B) {
	pages := benchPages(b)
	e := newEngine(b, Config{Workers: 1})
	b.Run("ours", func(b *testing.B) {
		start, cpu := time.Now(), cpuTime()
		for b.Loop() {
			for _, p := range pages {
				if _, err := e.RecognizeImage(context.Background(), p.img, p.dpi); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportPerPage(b, start, cpu, b.N*len(pages))
	})
	b.Run("tesseract-cli", func(b *testing.B) {
		env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
		start, cpu := time.Now(), cpuTime()
		for b.Loop() {
			for _, p := range pages {
				// Same resolution as given to the engine, so both do the same work.
				cmd := exec.Command("tesseract", p.path, "stdout", "-l", "fra", "--psm", "3", "--dpi", strconv.Itoa(p.dpi), "tsv")
				cmd.Env = env
				var out bytes.Buffer
				cmd.Stdout = &out
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportPerPage(b, start, cpu, b.N*len(pages))
	})
}

// BenchmarkOCRParallel feeds 8 pages at once to engines allowed 1 and 2
// processes: the ratio of their pages/s is the speed-up from workers.
func BenchmarkOCRParallel(b *testing.B) {
	pages := benchPages(b)
	const n = 8
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			e := newEngine(b, Config{Workers: workers})
			start, cpu := time.Now(), cpuTime()
			for b.Loop() {
				var wg sync.WaitGroup
				errs := make(chan error, n)
				for i := range n {
					p := pages[i%len(pages)]
					wg.Go(func() {
						if _, err := e.RecognizeImage(context.Background(), p.img, p.dpi); err != nil {
							errs <- err
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/time.Since(start).Seconds(), "pages/s")
			b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N*n), "cpu-s/page")
		})
	}
}

// cpuTime is the CPU time (user + system) used so far by this process and
// its finished children: on a shared machine it varies far less than wall
// time, so it shows the engine's own overhead.
func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return total
}

func reportPerPage(b *testing.B, start time.Time, cpu time.Duration, pages int) {
	b.ReportMetric(time.Since(start).Seconds()/float64(pages), "s/page")
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(pages), "cpu-s/page")
}
