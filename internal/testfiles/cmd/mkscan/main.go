// Command mkscan writes image-only PDFs, the "scans" that the OCR
// benchmarks and gold sets read:
//
//	mkscan -pages 50 -dpi 93 page.png out.pdf   # one page image repeated
//	mkscan -dpi 200 document.pdf out.pdf        # every page rendered, text layer dropped
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png"
	"os"

	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	"github.com/depenses-eclairees/depenses/internal/intake/pdf"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
)

func main() {
	pages := flag.Int("pages", 1, "number of pages, when the input is an image")
	dpi := flag.Int("dpi", 200, "resolution: of the scan, or at which PDF pages are rendered")
	quality := flag.Int("quality", 85, "JPEG quality")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkscan [-pages N] [-dpi D] [-quality Q] IMAGE|PDF OUT.pdf")
		os.Exit(2)
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	var imgs []image.Image
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		imgs, err = renderAll(data, *dpi)
	} else {
		var img image.Image
		img, _, err = image.Decode(bytes.NewReader(data))
		for range *pages {
			imgs = append(imgs, img)
		}
	}
	if err != nil {
		fail(err)
	}
	var jpegs [][]byte
	var ws, hs []int
	for _, img := range imgs {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: *quality}); err != nil {
			fail(err)
		}
		jpegs = append(jpegs, buf.Bytes())
		ws, hs = append(ws, img.Bounds().Dx()), append(hs, img.Bounds().Dy())
	}
	if err := os.WriteFile(flag.Arg(1), testfiles.ImagePDF(jpegs, ws, hs, float64(*dpi)), 0o644); err != nil {
		fail(err)
	}
}

// renderAll renders every page of a PDF with the product's own engine.
func renderAll(data []byte, dpi int) ([]image.Image, error) {
	ctx := context.Background()
	engine, err := pdf.NewEngine(ctx, 1)
	if err != nil {
		return nil, err
	}
	defer engine.Close()
	lim := limits.Default()
	pages, _, _, err := engine.Read(ctx, data, pdf.Options{OCRMode: pdf.OCROff, Limits: lim})
	if err != nil {
		return nil, err
	}
	var imgs []image.Image
	for i := range pages {
		img, err := engine.Render(ctx, data, i+1, dpi, lim)
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mkscan:", err)
	os.Exit(1)
}
