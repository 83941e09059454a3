package ocr

import "image"

// Table rules: tesseract's page layout takes a word boxed in by the rules
// of a table cell (a bold "Total" in a grey cell, a small "TVA 0 %" in a
// ruled tax table) for line art and drops it. Erasing the thin straight
// rules before the OCR gives those words back; the cells' text stays where
// it was, so boxes keep their place.
const (
	// A rule runs at least this long: no glyph of type under ~40 pt has a
	// stroke that long across, nor of type under ~30 pt up and down (the
	// rules of a one-row table are shorter than that across).
	ruleMinInchesAcross = 0.4
	ruleMinInchesUpDown = 0.3
	// ruleMaxInches: a rule is at most this thick (~0.8 mm); a bar drawn
	// thicker (a dark heading band with white text) is left alone.
	ruleMaxInches = 1.0 / 32
)

// eraseRules returns a copy of img with its thin horizontal and vertical
// rules painted white. img is not modified.
func eraseRules(img *image.Gray, dpi int) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(out.Pix[y*out.Stride:y*out.Stride+w], img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):])
	}
	if w == 0 || h == 0 || dpi <= 0 {
		return out
	}
	maxThick := max(2, int(float64(dpi)*ruleMaxInches+0.5))
	ink := inkThreshold(out)
	if ink == 0 {
		return out
	}
	// Horizontal rules walk along rows (step 1) and are measured across
	// columns (step stride); vertical ones the other way round.
	// No gap: on clean paper a rule is solid; bridging gaps joined the
	// dashes of dotted leaders and the strokes of small print.
	gap := 0
	hMask := ruleMask(out, ink, max(8, int(float64(dpi)*ruleMinInchesAcross)), maxThick, gap, true)
	vMask := ruleMask(out, ink, max(8, int(float64(dpi)*ruleMinInchesUpDown)), maxThick, gap, false)
	for i := range out.Pix {
		if (hMask[i]|vMask[i])&erase != 0 {
			out.Pix[i] = 255
		}
	}
	return out
}

// cleanPaper says whether img is print on clean white paper (a page
// rendered from a PDF, a clean scan): at least half of it pure white.
// Erasing rules on a noisy scan leaves dashes where the grey paper and the
// rule's remains meet, which tesseract reads as "|", "[" and "_": there the
// rules are better left to it.
func cleanPaper(img *image.Gray) bool {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	white := 0
	for y := 0; y < h; y++ {
		for _, v := range img.Pix[y*img.Stride : y*img.Stride+w] {
			if v >= 250 {
				white++
			}
		}
	}
	return white*2 >= w*h
}

// Flags of ruleMask's work array.
const (
	longRun uint8 = 1 << iota // in a dark run at least minLen long along
	thinRun                   // …whose ink is at most maxThick thick across
	erase                     // to be painted white
)

// ruleMask marks the pixels of the thin rules of one direction: dark runs
// at least minLen long along it whose ink, across, is at most maxThick
// thick for nearly all their length, and the light anti-aliased fringe
// either side. Measuring the ink across, not the long runs, keeps a dark
// heading band whole: between its white letters it is thin along short
// stretches only.
func ruleMask(img *image.Gray, ink uint8, minLen, maxThick, gap int, horizontal bool) []uint8 {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	// along: positions in a scan line; across: the scan lines.
	along, across := w, h
	at := func(a, c int) int { return c*img.Stride + a }
	if !horizontal {
		along, across = h, w
		at = func(a, c int) int { return a*img.Stride + c }
	}
	flags := make([]uint8, len(img.Pix))
	for c := 0; c < across; c++ {
		// A run goes on through specks of paper up to gap long.
		start, last := -1, -1
		for a := 0; a <= along; a++ {
			if a < along && img.Pix[at(a, c)] < ink {
				if start < 0 || a-last > gap+1 {
					if start >= 0 && last-start+1 >= minLen {
						markRun(flags, at, c, start, last)
					}
					start = a
				}
				last = a
			}
		}
		if start >= 0 && last-start+1 >= minLen {
			markRun(flags, at, c, start, last)
		}
	}
	for a := 0; a < along; a++ {
		run, long := 0, false
		for c := 0; c <= across; c++ {
			if c < across && img.Pix[at(a, c)] < ink {
				run++
				long = long || flags[at(a, c)]&longRun != 0
				continue
			}
			if long && run <= maxThick {
				for k := c - run; k < c; k++ {
					flags[at(a, k)] |= thinRun
				}
			}
			run, long = 0, false
		}
	}
	for c := 0; c < across; c++ {
		start, thin := -1, 0
		for a := 0; a <= along; a++ {
			if a < along && flags[at(a, c)]&longRun != 0 {
				if start < 0 {
					start, thin = a, 0
				}
				if flags[at(a, c)]&thinRun != 0 {
					thin++
				}
				continue
			}
			if start >= 0 && thin*10 >= (a-start)*9 {
				// The whole run goes, crossings with other rules and
				// strokes touching it included.
				for k := start; k < a; k++ {
					flags[at(k, c)] |= erase
					// The fringe: lighter than ink, darker than paper.
					for _, n := range []int{c - 1, c + 1} {
						if n >= 0 && n < across && img.Pix[at(k, n)] >= ink {
							flags[at(k, n)] |= erase
						}
					}
				}
			}
			start = -1
		}
	}
	return flags
}

// markRun flags the pixels from..to (inclusive) of scan line c as longRun.
func markRun(flags []uint8, at func(a, c int) int, c, from, to int) {
	for k := from; k <= to; k++ {
		flags[at(k, c)] |= longRun
	}
}

// inkThreshold is the grey level below which a pixel is ink: Otsu's
// threshold of the page's histogram, kept between 64 and 200 (a blank or
// all-grey page would put it anywhere). 0 means the page is too dark to be
// print on paper (a photo, a negative): rules are not looked for.
func inkThreshold(img *image.Gray) uint8 {
	var hist [256]int
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		for _, v := range img.Pix[y*img.Stride : y*img.Stride+w] {
			hist[v]++
		}
	}
	total := w * h
	var sumAll float64
	for v, n := range hist {
		sumAll += float64(v * n)
	}
	if sumAll/float64(max(1, total)) < 128 {
		return 0
	}
	var sumB float64
	var wB int
	best, bestVar := 0, -1.0
	for t := 0; t < 256; t++ {
		wB += hist[t]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB := sumB / float64(wB)
		mF := (sumAll - sumB) / float64(wF)
		if v := float64(wB) * float64(wF) * (mB - mF) * (mB - mF); v > bestVar {
			best, bestVar = t, v
		}
	}
	return uint8(min(max(best+1, 64), 200))
}
