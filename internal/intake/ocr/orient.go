package ocr

import (
	"context"
	"image"
	"image/color"
	"math"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// Orientation: scans often come sideways or upside down. Running tesseract's
// orientation detection (--psm 0) on every page would cost a second run per
// page, so the page is read as it comes first, and turned only when the
// result looks wrong. Tesseract itself reads text turned 90° clockwise as
// vertical lines (good text, sideways boxes): that case is fixed by turning
// the boxes, without another run.
const (
	// minCharsToTurn: below this, a page holds too little text (blank
	// backs, specks) to judge its orientation, and turning costs runs.
	minCharsToTurn = 20
	// goodConfidence: the mean confidence of an upright page of ordinary
	// print is well above it; upside-down text reads at about 0.3.
	goodConfidence = 0.6
)

// ocrResult is one reading of a page, boxes in pixels of the page once
// turned by rotation (clockwise).
type ocrResult struct {
	words         []tsvWord
	width, height int
	rotation      int
	score         float64 // Σ characters × confidence
	chars         int
}

func (r ocrResult) meanConfidence() float64 {
	if r.chars == 0 {
		return 0
	}
	return r.score / float64(r.chars)
}

func (r ocrResult) looksWrong() bool {
	return r.chars >= minCharsToTurn && r.meanConfidence() < goodConfidence
}

// orient reads the page upright, then, when that looks wrong, turned by
// 180, 90 and 270 degrees, and keeps the best reading.
func (e *Engine) orient(ctx context.Context, gray *image.Gray, dpi int) (ocrResult, error) {
	best, err := e.readTurned(ctx, gray, dpi, 0)
	if err != nil || !best.looksWrong() {
		return best, err
	}
	for _, rot := range []int{180, 90, 270} {
		r, err := e.readTurned(ctx, gray, dpi, rot)
		if err != nil {
			return ocrResult{}, err
		}
		if r.score > best.score {
			best = r
		}
		if !best.looksWrong() {
			break
		}
	}
	return best, nil
}

// readTurned OCRs the page turned by rot degrees clockwise.
func (e *Engine) readTurned(ctx context.Context, gray *image.Gray, dpi, rot int) (ocrResult, error) {
	img := rotateGray(gray, rot)
	tsv, err := e.runTesseract(ctx, img, dpi)
	if err != nil {
		return ocrResult{}, err
	}
	b := img.Bounds()
	r := ocrResult{words: parseTSV(tsv), width: b.Dx(), height: b.Dy(), rotation: rot}
	if sideways(r.words) {
		r = turnBoxes(r, readsDownwards(r.words))
	}
	for _, w := range r.words {
		n := utf8.RuneCountInString(w.text)
		r.chars += n
		r.score += float64(n) * w.conf
	}
	return r, nil
}

// sideways says whether most words are taller than wide: tesseract found
// vertical lines of text, so the page lies on its side.
func sideways(words []tsvWord) bool {
	var vertical, horizontal int
	for _, w := range words {
		if utf8.RuneCountInString(w.text) < 3 {
			continue // short words can be taller than wide when upright
		}
		if w.y1-w.y0 > w.x1-w.x0 {
			vertical++
		} else {
			horizontal++
		}
	}
	return vertical >= 3 && vertical > 2*horizontal
}

// readsDownwards says whether, within vertical lines, words follow each
// other from top to bottom (the page was turned clockwise) rather than
// from bottom to top.
func readsDownwards(words []tsvWord) bool {
	var down, up int
	for i := 1; i < len(words); i++ {
		if words[i].line != words[i-1].line {
			continue
		}
		switch {
		case words[i].y0 > words[i-1].y0:
			down++
		case words[i].y0 < words[i-1].y0:
			up++
		}
	}
	return down >= up
}

// turnBoxes turns a reading of vertical lines into the frame of the
// upright page: by 270° clockwise when the text runs downwards, by 90°
// when it runs upwards.
func turnBoxes(r ocrResult, downwards bool) ocrResult {
	w, h := r.width, r.height
	out := ocrResult{width: h, height: w, words: make([]tsvWord, len(r.words))}
	for i, word := range r.words {
		if downwards {
			word.x0, word.y0, word.x1, word.y1 = word.y0, w-word.x1, word.y1, w-word.x0
		} else {
			word.x0, word.y0, word.x1, word.y1 = h-word.y1, word.x0, h-word.y0, word.x1
		}
		out.words[i] = word
	}
	if downwards {
		out.rotation = (r.rotation + 270) % 360
	} else {
		out.rotation = (r.rotation + 90) % 360
	}
	return out
}

// lines groups words into tesseract's lines, in points, then merges those
// that stand on the same row so that a label and its value stay together.
func (r ocrResult) lines(scale float64) []document.Line {
	var lines []document.Line
	index := map[lineKey]int{}
	for _, w := range r.words {
		word := document.Word{
			Text:       w.text,
			Box:        document.Box{X0: float64(w.x0) * scale, Y0: float64(w.y0) * scale, X1: float64(w.x1) * scale, Y1: float64(w.y1) * scale},
			Confidence: w.conf,
		}
		i, ok := index[w.line]
		if !ok {
			i = len(lines)
			index[w.line] = i
			lines = append(lines, document.Line{})
		}
		lines[i].Words = append(lines[i].Words, word)
		lines[i].Box = lines[i].Box.Union(word.Box)
	}
	return document.GroupRows(lines)
}

// rotateGray turns img by deg degrees clockwise (0, 90, 180 or 270).
func rotateGray(img *image.Gray, deg int) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch deg {
	case 90, 270:
		out := image.NewGray(image.Rect(0, 0, h, w))
		for y := 0; y < h; y++ {
			row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				// Clockwise: (x, y) → (h-1-y, x); counter-clockwise: (y, w-1-x).
				if deg == 90 {
					out.Pix[x*out.Stride+h-1-y] = row[x]
				} else {
					out.Pix[(w-1-x)*out.Stride+y] = row[x]
				}
			}
		}
		return out
	case 180:
		out := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[(h-1-y)*out.Stride:]
			for x := 0; x < w; x++ {
				dst[w-1-x] = row[x]
			}
		}
		return out
	default:
		return img
	}
}

// toGray converts img to 8-bit gray, transparent parts on white paper
// (tesseract would read a transparent background as black). Common image
// types take a fast path: a 300 dpi page has 8.7 million pixels.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			i := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(out.Pix[y*out.Stride:y*out.Stride+w], m.Y[i:i+w])
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride:]
			for x := 0; x < w; x++ {
				p := src[4*x : 4*x+4 : 4*x+4]
				a := uint32(p[3])
				l := luma(uint32(p[0]), uint32(p[1]), uint32(p[2]))
				dst[x] = uint8((l*a + 255*(255-a) + 127) / 255)
			}
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride:]
			for x := 0; x < w; x++ {
				p := src[4*x : 4*x+4 : 4*x+4]
				// Premultiplied: the paper shows through by 255 - alpha.
				dst[x] = uint8(min(luma(uint32(p[0]), uint32(p[1]), uint32(p[2]))+255-uint32(p[3]), 255))
			}
		}
	case *image.Paletted:
		var table [256]uint8
		for i, c := range m.Palette {
			table[i] = grayOnWhite(c)
		}
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride:]
			for x := 0; x < w; x++ {
				dst[x] = table[src[x]]
			}
		}
	default:
		for y := 0; y < h; y++ {
			dst := out.Pix[y*out.Stride:]
			for x := 0; x < w; x++ {
				dst[x] = grayOnWhite(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return out
}

// luma is ITU-R 601 luminance of 8-bit components, as color.GrayModel.
func luma(r, g, b uint32) uint32 {
	return (19595*r + 38470*g + 7471*b + 1<<15) >> 16
}

func grayOnWhite(c color.Color) uint8 {
	r, g, b, a := c.RGBA() // premultiplied, 16 bits
	l := (19595*r + 38470*g + 7471*b + 1<<15) >> 16
	return uint8(min(l+0xffff-a, 0xffff) >> 8)
}

// Skew: scanners feed paper slightly askew (a degree or two). Tesseract
// reads such lines, but its boxes are upright rectangles, so the words of
// one printed row drift apart in height and rows break or merge. The page
// is turned straight first when its lines lean by more than minSkew.
const (
	maxSkew  = 3.0  // degrees searched either way; more is a sideways page
	skewStep = 0.1  // degrees between tried angles
	minSkew  = 0.25 // below this, turning would only blur the print
	// skewSampleWidth: width in samples of the page the lean is measured on.
	skewSampleWidth = 640
)

// estimateSkew returns the angle in degrees by which the text lines of img
// lean (positive: they go down to the right), 0 when the page holds too
// little ink to tell. It keeps the angle whose row profile is sharpest: the
// sum of squared ink counts per row peaks when rows follow the lines.
func estimateSkew(img *image.Gray) float64 {
	b := img.Bounds()
	// Samples of about 75 dpi at 300 dpi: lines stay apart, cost stays low.
	sample := max(1, b.Dx()/skewSampleWidth)
	sw, sh := b.Dx()/sample, b.Dy()/sample
	if sw < 50 || sh < 50 {
		return 0
	}
	// Inked samples, as coordinates of the small image, weighted by ink.
	var xs, ys, ink []int32
	n := sample * sample
	for sy := 0; sy < sh; sy++ {
		for sx := 0; sx < sw; sx++ {
			sum := 0
			for dy := 0; dy < sample; dy++ {
				row := img.Pix[img.PixOffset(b.Min.X+sx*sample, b.Min.Y+sy*sample+dy):]
				for dx := 0; dx < sample; dx++ {
					sum += int(row[dx])
				}
			}
			// Paper, even grey or noisy, weighs nothing.
			if v := 255 - sum/n; v > 64 {
				xs = append(xs, int32(sx))
				ys = append(ys, int32(sy))
				ink = append(ink, int32(v))
			}
		}
	}
	// Too little ink, or so much that it is a photo or a dark scan.
	if len(xs) < 200 || len(xs) > sw*sh/3 {
		return 0
	}
	margin := int(float64(sw)*math.Tan(maxSkew*math.Pi/180)) + 1
	rows := make([]int64, sh+2*margin)
	profile := func(deg float64) float64 {
		clear(rows)
		t := math.Tan(deg * math.Pi / 180)
		// Fixed point: 16 fractional bits.
		ft := int64(t * 65536)
		for i := range xs {
			y := int(ys[i]) + margin - int((int64(xs[i])*ft+32768)>>16)
			rows[y] += int64(ink[i])
		}
		var s float64
		for _, c := range rows {
			s += float64(c) * float64(c)
		}
		return s
	}
	best, bestScore := 0.0, profile(0)
	flat := bestScore
	steps := int(math.Round(maxSkew / skewStep))
	for i := -steps; i <= steps; i++ {
		if i == 0 {
			continue
		}
		deg := float64(i) * skewStep
		if s := profile(deg); s > bestScore {
			best, bestScore = deg, s
		}
	}
	// A profile barely sharper than the flat one is noise, not a lean.
	if bestScore < flat*1.05 {
		return 0
	}
	return best
}

// deskew turns img so that lines leaning by deg degrees (as estimateSkew
// says) lie flat, keeping its size; uncovered corners are white paper.
func deskew(img *image.Gray, deg float64) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	// For each output pixel, sample the source turned by +deg about the
	// centre (bilinear), in 16-bit fixed point.
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	fs, fc := int64(sin*65536), int64(cos*65536)
	for y := 0; y < h; y++ {
		dy := float64(y) + 0.5 - cy
		// Source of (x, y): (cx + dx·cos − dy·sin, cy + dx·sin + dy·cos).
		dx0 := 0.5 - cx
		sx := int64((cx+dx0*cos-dy*sin)*65536) - 32768
		sy := int64((cy+dx0*sin+dy*cos)*65536) - 32768
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range dst {
			ix, iy := int(sx>>16), int(sy>>16)
			if ix < 0 || iy < 0 || ix >= w-1 || iy >= h-1 {
				dst[x] = 255
			} else {
				fx, fy := sx&0xffff, sy&0xffff
				i := img.PixOffset(b.Min.X+ix, b.Min.Y+iy)
				p00, p01 := int64(img.Pix[i]), int64(img.Pix[i+1])
				p10, p11 := int64(img.Pix[i+img.Stride]), int64(img.Pix[i+img.Stride+1])
				top := p00*(65536-fx) + p01*fx
				bot := p10*(65536-fx) + p11*fx
				dst[x] = uint8((top*(65536-fy)/65536 + bot*fy/65536 + 32768) >> 16)
			}
			sx += fc
			sy += fs
		}
	}
	return out
}
