package pdf

import (
	"context"
	"fmt"
	"image"
	"math"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// minOCRDPI is the lowest resolution worth OCR'ing: below it, small print
// is not legible.
const minOCRDPI = 100

// pixelSize is the size in pixels pdfium renders a page of w×h points at
// dpi.
func pixelSize(w, h float64, dpi int) (int64, int64) {
	scale := float64(dpi) / 72
	return int64(math.Ceil(w * scale)), int64(math.Ceil(h * scale))
}

// ocrDPI is RenderDPI, lowered so that the page fits in MaxPixels.
func ocrDPI(w, h float64, lim limits.Limits) (int, error) {
	dpi := lim.RenderDPI
	if pw, ph := pixelSize(w, h, dpi); pw*ph > lim.MaxPixels {
		dpi = int(math.Floor(72 * math.Sqrt(float64(lim.MaxPixels)/(w*h))))
		for dpi > 0 {
			if pw, ph := pixelSize(w, h, dpi); pw*ph <= lim.MaxPixels {
				break
			}
			dpi--
		}
	}
	if dpi < min(minOCRDPI, lim.RenderDPI) {
		return 0, document.Errorf(document.ErrPixelLimit, "page trop grande (%.0f × %.0f points) pour la limite de %d pixels", w, h, lim.MaxPixels)
	}
	return dpi, nil
}

// Render renders one page (1-based) at dpi, as RGBA on a white background.
// It fails with ErrPixelLimit when the image would exceed Limits.MaxPixels.
func (e *Engine) Render(ctx context.Context, data []byte, pageNumber int, dpi int, lim limits.Limits) (image.Image, error) {
	lim = withDefaults(lim)
	if dpi <= 0 {
		dpi = lim.RenderDPI
	}
	if err := checkInput(data, lim); err != nil {
		return nil, err
	}
	s, release, err := e.borrow(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	doc, count, err := openDocument(ctx, s, data, lim)
	if err != nil {
		return nil, err
	}
	defer func() {
		if !s.killed.Load() {
			_, _ = s.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc})
		}
	}()
	if pageNumber < 1 || pageNumber > count {
		return nil, document.Errorf(document.ErrUnsupported, "page %d absente : le PDF a %d pages", pageNumber, count)
	}
	var img image.Image
	err = s.guard(ctx, lim.PageTimeout, pageNumber, func() error {
		size, err := s.inst.FPDF_GetPageSizeByIndexF(&requests.FPDF_GetPageSizeByIndexF{Document: doc, Index: pageNumber - 1})
		if err != nil {
			return document.Errorf(document.ErrCorrupt, "page %d du PDF illisible : %w", pageNumber, err)
		}
		pw, ph := pixelSize(float64(size.Size.Width), float64(size.Size.Height), dpi)
		if pw*ph > lim.MaxPixels {
			return document.Errorf(document.ErrPixelLimit, "rendu de la page %d à %d dpi trop grand (%d × %d pixels, limite %d)", pageNumber, dpi, pw, ph, lim.MaxPixels)
		}
		img, err = renderPage(s.inst, doc, pageNumber-1, dpi, false)
		return err
	})
	return img, err
}

// renderPage renders page index (0-based) at dpi, in grey for OCR or in
// colour, and copies the pixels out of the WebAssembly memory.
func renderPage(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, index, dpi int, gray bool) (image.Image, error) {
	format := requests.RenderImageFormatRGBA
	if gray {
		format = requests.RenderImageFormatGrayscale
	}
	res, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{
		Page:        pageRef(doc, index),
		DPI:         dpi,
		ImageFormat: format,
	})
	if err != nil {
		return nil, document.Errorf(document.ErrCorrupt, "rendu de la page %d du PDF impossible : %w", index+1, err)
	}
	defer res.Cleanup()
	switch src := res.Result.RenderedImage.(type) {
	case *image.Gray:
		out := &image.Gray{Pix: make([]byte, len(src.Pix)), Stride: src.Stride, Rect: src.Rect}
		copy(out.Pix, src.Pix)
		return out, nil
	case *image.RGBA:
		out := &image.RGBA{Pix: make([]byte, len(src.Pix)), Stride: src.Stride, Rect: src.Rect}
		copy(out.Pix, src.Pix)
		flattenOnWhite(out)
		return out, nil
	default:
		return nil, fmt.Errorf("format d'image inattendu %T", src)
	}
}

// flattenOnWhite composes a page rendered with transparency onto white, as
// it is printed: image.RGBA is alpha-premultiplied, so c' = c + (255 − a).
func flattenOnWhite(img *image.RGBA) {
	p := img.Pix
	for i := 0; i+3 < len(p); i += 4 {
		if a := p[i+3]; a != 0xff {
			k := 0xff - a
			p[i] += k
			p[i+1] += k
			p[i+2] += k
			p[i+3] = 0xff
		}
	}
}
