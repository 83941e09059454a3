package synth

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	"github.com/depenses-eclairees/depenses/internal/intake/pdf"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
)

// scanDPI is a common office-scanner resolution.
const scanDPI = 150

// scanner renders pages with the project's own PDF engine (pdfium in
// WebAssembly: no external tool) and degrades them like a scanner would.
type scanner struct {
	eng *pdf.Engine
}

func newScanner() (*scanner, error) {
	eng, err := pdf.NewEngine(context.Background(), 1)
	if err != nil {
		return nil, fmt.Errorf("moteur de rendu PDF indisponible : %w", err)
	}
	return &scanner{eng: eng}, nil
}

func (s *scanner) close() { s.eng.Close() }

// scan returns an image-only PDF of the document's pages: slight rotation,
// uneven lighting, blur, noise and JPEG artefacts.
func (s *scanner) scan(data []byte, pages int, r *rand.Rand) ([]byte, error) {
	lim := limits.Default()
	var jpegs [][]byte
	var ws, hs []int
	for p := 1; p <= pages; p++ {
		img, err := s.eng.Render(context.Background(), data, p, scanDPI, lim)
		if err != nil {
			return nil, fmt.Errorf("rendu de la page %d impossible : %w", p, err)
		}
		gray := toGray(img)
		angle := (0.3 + r.Float64()*1.7) * float64(1-2*r.IntN(2))
		out := degrade(gray, angle, r)
		var buf bytes.Buffer
		// Gray pixels stored as RGB: testfiles.ImagePDF declares DeviceRGB.
		if err := jpeg.Encode(&buf, toRGBA(out), &jpeg.Options{Quality: 40 + r.IntN(31)}); err != nil {
			return nil, fmt.Errorf("encodage JPEG impossible : %w", err)
		}
		jpegs = append(jpegs, buf.Bytes())
		ws = append(ws, out.Rect.Dx())
		hs = append(hs, out.Rect.Dy())
	}
	return testfiles.ImagePDF(jpegs, ws, hs, scanDPI), nil
}

func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	if rgba, ok := img.(*image.RGBA); ok {
		for y := 0; y < b.Dy(); y++ {
			row := rgba.Pix[y*rgba.Stride:]
			for x := 0; x < b.Dx(); x++ {
				p := row[4*x:]
				g.Pix[y*g.Stride+x] = uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000)
			}
		}
		return g
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g.Set(x, y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return g
}

// degrade rotates by angle degrees (bilinear, white fill), then adds a
// lighting gradient, a light blur, sensor noise and a few specks.
func degrade(src *image.Gray, angle float64, r *rand.Rand) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewGray(src.Rect)
	sin, cos := math.Sincos(angle * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	shiftX, shiftY := r.Float64()*6-3, r.Float64()*6-3
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(src.Pix[y*src.Stride+x])
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-cx-shiftX, float64(y)-cy-shiftY
			sx := cos*dx + sin*dy + cx
			sy := -sin*dx + cos*dy + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
			dst.Pix[y*dst.Stride+x] = uint8(v)
		}
	}
	// Light 3×3 blur, mixed with the sharp image by a random weight.
	blurW := 0.3 + r.Float64()*0.5
	out := image.NewGray(src.Rect)
	paper := 235 + r.Float64()*15
	ink := r.Float64() * 35
	gradX := r.Float64()*20 - 10
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum, n := 0.0, 0.0
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					sum += float64(dst.Pix[yy*dst.Stride+xx])
					n++
				}
			}
			v := float64(dst.Pix[y*dst.Stride+x])*(1-blurW) + sum/n*blurW
			// Map white to paper grey and black to ink grey, with uneven light.
			v = ink + v/255*(paper-ink) + gradX*float64(x)/float64(w)
			v += r.NormFloat64() * 6
			out.Pix[y*out.Stride+x] = uint8(math.Max(0, math.Min(255, v)))
		}
	}
	for range 40 + r.IntN(120) {
		x, y := r.IntN(w), r.IntN(h)
		rad := 1 + r.IntN(2)
		for yy := max(0, y-rad); yy < min(h, y+rad); yy++ {
			for xx := max(0, x-rad); xx < min(w, x+rad); xx++ {
				out.Pix[yy*out.Stride+xx] = uint8(r.IntN(90))
			}
		}
	}
	return out
}

// toRGBA copies a grey image into RGBA so that image/jpeg writes three
// components (it writes one for *image.Gray).
func toRGBA(g *image.Gray) *image.RGBA {
	out := image.NewRGBA(g.Rect)
	for i, c := range g.Pix {
		out.Pix[4*i], out.Pix[4*i+1], out.Pix[4*i+2], out.Pix[4*i+3] = c, c, c, 255
	}
	return out
}
