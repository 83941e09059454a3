package synth

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/testfiles"
	"github.com/pdfcpu/pdfcpu/pkg/font"
	"golang.org/x/text/encoding/charmap"
)

// A4 in points.
const (
	pageW = 595.28
	pageH = 841.89
)

// style selects one of the three fonts of a family.
type style int

const (
	regular style = iota
	bold
	italic
)

// fontFamilies are standard-14 fonts: every viewer has them, and with
// WinAnsiEncoding their glyphs map back to Unicode, so accents extract.
var fontFamilies = [][3]string{
	{"Helvetica", "Helvetica-Bold", "Helvetica-Oblique"},
	{"Times-Roman", "Times-Bold", "Times-Italic"},
	{"Courier", "Courier-Bold", "Courier-Oblique"},
}

// widths caches the WinAnsi glyph widths (1/1000 em) of each font.
var widths = map[string]*[256]int{}

func init() {
	for _, fam := range fontFamilies {
		for _, name := range fam {
			var w [256]int
			for c := 32; c < 256; c++ {
				cw, err := font.CharWidth(name, rune(c))
				if err != nil {
					cw = 500
				}
				w[c] = cw
			}
			widths[name] = &w
		}
	}
}

// winAnsi encodes s for a WinAnsiEncoding font. Characters outside the code
// page become their closest equivalent rather than disappear.
func winAnsi(s string) []byte {
	enc := charmap.Windows1252
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch r {
		case '\u202f', '\u2009', '\u2007':
			r = '\u00a0'
		case '\u2010', '\u2011':
			r = '-'
		}
		if b, ok := enc.EncodeRune(r); ok {
			out = append(out, b)
		} else {
			out = append(out, '?')
		}
	}
	return out
}

// canvas collects the content streams of a document's pages.
type canvas struct {
	fonts [3]string
	pages []*bytes.Buffer
	cur   *bytes.Buffer
}

func newCanvas(fontFamily int) *canvas {
	c := &canvas{fonts: fontFamilies[fontFamily]}
	c.addPage()
	return c
}

func (c *canvas) addPage() {
	c.cur = &bytes.Buffer{}
	c.pages = append(c.pages, c.cur)
}

// width is the width of s in points.
func (c *canvas) width(s string, st style, size float64) float64 {
	w := widths[c.fonts[st]]
	total := 0
	for _, b := range winAnsi(s) {
		total += w[b]
	}
	return float64(total) * size / 1000
}

// text draws s with its baseline at top-based y.
func (c *canvas) text(x, y float64, st style, size float64, s string) {
	c.textOn(c.cur, x, y, st, size, s)
}

func (c *canvas) textOn(buf *bytes.Buffer, x, y float64, st style, size float64, s string) {
	if s == "" {
		return
	}
	fmt.Fprintf(buf, "BT /F%d %.2f Tf %.2f %.2f Td (", int(st)+1, size, x, pageH-y)
	for _, b := range winAnsi(s) {
		switch {
		case b == '(' || b == ')' || b == '\\':
			buf.WriteByte('\\')
			buf.WriteByte(b)
		case b < 32 || b > 126:
			fmt.Fprintf(buf, "\\%03o", b)
		default:
			buf.WriteByte(b)
		}
	}
	buf.WriteString(") Tj ET\n")
}

func (c *canvas) textRight(xRight, y float64, st style, size float64, s string) {
	c.text(xRight-c.width(s, st, size), y, st, size, s)
}

func (c *canvas) textCenter(xMid, y float64, st style, size float64, s string) {
	c.text(xMid-c.width(s, st, size)/2, y, st, size, s)
}

// fillColor sets the fill colour (text and shapes).
func (c *canvas) fillColor(col rgb) {
	fmt.Fprintf(c.cur, "%.3f %.3f %.3f rg\n", col.r, col.g, col.b)
}

func (c *canvas) strokeColor(col rgb) {
	fmt.Fprintf(c.cur, "%.3f %.3f %.3f RG\n", col.r, col.g, col.b)
}

// rect fills and/or strokes a rectangle whose top-left corner is (x, y).
func (c *canvas) rect(x, y, w, h float64, fill, stroke bool) {
	op := "S"
	switch {
	case fill && stroke:
		op = "B"
	case fill:
		op = "f"
	}
	fmt.Fprintf(c.cur, "%.2f %.2f %.2f %.2f re %s\n", x, pageH-y-h, w, h, op)
}

func (c *canvas) line(x1, y1, x2, y2, lw float64) {
	fmt.Fprintf(c.cur, "%.2f w %.2f %.2f m %.2f %.2f l S\n", lw, x1, pageH-y1, x2, pageH-y2)
}

// path appends raw path operators given in top-based coordinates through
// the helpers below, then paints it with op ("f", "S", "B").
func (c *canvas) raw(s string) { c.cur.WriteString(s) }

func (c *canvas) moveTo(x, y float64) { fmt.Fprintf(c.cur, "%.2f %.2f m ", x, pageH-y) }
func (c *canvas) lineTo(x, y float64) { fmt.Fprintf(c.cur, "%.2f %.2f l ", x, pageH-y) }
func (c *canvas) curveTo(x1, y1, x2, y2, x3, y3 float64) {
	fmt.Fprintf(c.cur, "%.2f %.2f %.2f %.2f %.2f %.2f c ", x1, pageH-y1, x2, pageH-y2, x3, pageH-y3)
}

// circle adds a closed circle path (four Bézier arcs).
func (c *canvas) circle(cx, cy, r float64) {
	k := 0.5523 * r
	c.moveTo(cx+r, cy)
	c.curveTo(cx+r, cy+k, cx+k, cy+r, cx, cy+r)
	c.curveTo(cx-k, cy+r, cx-r, cy+k, cx-r, cy)
	c.curveTo(cx-r, cy-k, cx-k, cy-r, cx, cy-r)
	c.curveTo(cx+k, cy-r, cx+r, cy-k, cx+r, cy)
	c.raw("h ")
}

// bytes assembles the PDF. Content streams are Flate-compressed, as real
// producers do; zlib output is deterministic for a given input.
func (c *canvas) bytes(title string) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	fontRef := make([]int, 3)
	for i, name := range c.fonts {
		objs = append(objs, fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>", name))
		fontRef[i] = len(objs)
	}
	resources := fmt.Sprintf("<< /Font << /F1 %d 0 R /F2 %d 0 R /F3 %d 0 R >> >>", fontRef[0], fontRef[1], fontRef[2])
	var kids []string
	for _, p := range c.pages {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(p.Bytes())
		zw.Close()
		page := len(objs) + 1
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources %s /Contents %d 0 R >>", pageW, pageH, resources, page+1),
			fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	objs = append(objs, fmt.Sprintf("<< /Title (%s) /Producer (depenses synth) >>", pdfString(title)))
	out := testfiles.PDF(objs)
	// testfiles.PDF writes no /Info; point the trailer at ours.
	return bytes.Replace(out, []byte("/Root 1 0 R >>"), fmt.Appendf(nil, "/Root 1 0 R /Info %d 0 R >>", len(objs)), 1)
}

// pdfString escapes an ASCII-only PDF literal string.
func pdfString(s string) string {
	var b strings.Builder
	for _, c := range winAnsi(s) {
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 32 || c > 126:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

type rgb struct{ r, g, b float64 }

var (
	black = rgb{0, 0, 0}
	white = rgb{1, 1, 1}
)
