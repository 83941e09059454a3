package document

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// BuildLines groups words into rows in reading order: words whose vertical
// bands overlap enough form one line, ordered left to right. This keeps a
// label and its value, or a table row, on one line.
func BuildLines(words []Word) []Line {
	lines := make([]Line, 0, len(words))
	for _, w := range words {
		if strings.TrimSpace(w.Text) == "" {
			continue
		}
		lines = append(lines, Line{Words: []Word{w}, Box: w.Box})
	}
	return GroupRows(lines)
}

// GroupRows merges lines that stand on the same row of the page (for example
// fragments an OCR engine returned as separate lines) and sorts the result
// top to bottom, words left to right.
func GroupRows(in []Line) []Line {
	if len(in) == 0 {
		return nil
	}
	sorted := make([]Line, len(in))
	copy(sorted, in)
	sort.SliceStable(sorted, func(i, j int) bool {
		return centerY(sorted[i].Box) < centerY(sorted[j].Box)
	})
	var out []Line
	for _, l := range sorted {
		if n := len(out); n > 0 && sameRow(out[n-1], l) {
			out[n-1].Words = append(out[n-1].Words, l.Words...)
			out[n-1].Box = out[n-1].Box.Union(l.Box)
			continue
		}
		out = append(out, Line{Words: append([]Word(nil), l.Words...), Box: l.Box})
	}
	for i := range out {
		ws := out[i].Words
		sort.SliceStable(ws, func(a, b int) bool { return ws[a].Box.X0 < ws[b].Box.X0 })
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Box.Y0 < out[j].Box.Y0 })
	return out
}

// sameRow says whether l belongs to row r: its vertical centre falls inside
// the row's band, or the two bands overlap by more than half the smaller
// height, and it does not overlap horizontally a word already there.
func sameRow(r, l Line) bool {
	h := math.Min(r.Box.Height(), l.Box.Height())
	if h <= 0 {
		return false
	}
	overlap := math.Min(r.Box.Y1, l.Box.Y1) - math.Max(r.Box.Y0, l.Box.Y0)
	c := centerY(l.Box)
	if overlap < 0.5*h && (c < r.Box.Y0 || c > r.Box.Y1) {
		return false
	}
	for _, w := range r.Words {
		ox := math.Min(w.Box.X1, l.Box.X1) - math.Max(w.Box.X0, l.Box.X0)
		if ox > 0.5*math.Min(w.Box.Width(), l.Box.Width()) {
			return false // text printed over text: keep it apart
		}
	}
	return true
}

func centerY(b Box) float64 { return (b.Y0 + b.Y1) / 2 }

// Text returns the line's words. A gap wider than two characters becomes
// several spaces, so that columns stay apart as in `pdftotext -layout`.
func (l Line) Text() string {
	var b strings.Builder
	cw := l.charWidth()
	for i, w := range l.Words {
		if i > 0 {
			gap := w.Box.X0 - l.Words[i-1].Box.X1
			n := 1
			if cw > 0 && gap > 2*cw {
				n = min(int(math.Round(gap/cw)), 40)
			}
			b.WriteString(strings.Repeat(" ", n))
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

// charWidth estimates the width of one character on this line.
func (l Line) charWidth() float64 {
	var width float64
	var chars int
	for _, w := range l.Words {
		width += w.Box.Width()
		chars += utf8.RuneCountInString(w.Text)
	}
	if chars == 0 {
		return 0
	}
	return width / float64(chars)
}
