package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// pdfWriter writes small PDFs by hand, for inputs no corpus file has: page
// trees with loops, thousands of pages, rotated pages, fonts whose text
// decodes to garbage. Objects are numbered from 1 in the order added.
type pdfWriter struct {
	objects []string
}

// add appends an object and returns its number.
func (w *pdfWriter) add(body string) int {
	w.objects = append(w.objects, body)
	return len(w.objects)
}

// set replaces object n (to close reference cycles).
func (w *pdfWriter) set(n int, body string) { w.objects[n-1] = body }

// stream makes a stream object body.
func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// bytes writes the file with a correct cross-reference table.
func (w *pdfWriter) bytes(root int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(w.objects))
	for i, o := range w.objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(w.objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(w.objects)+1, root, xref)
	return b.Bytes()
}

// textPDF makes one page per entry of pages, each showing its lines in
// Helvetica 12 pt from the top-left margin. With a /Rotate, the content is
// drawn turned the other way, as producers of landscape pages do, so that
// the text reads upright once the page is displayed.
func textPDF(rotate int, pages ...[]string) []byte {
	var w pdfWriter
	catalog := w.add("")
	tree := w.add("")
	font := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
	for _, lines := range pages {
		var content strings.Builder
		// Displayed height, and the matrix from displayed space (y up) to
		// user space for each quarter turn.
		top, cm := 842, "1 0 0 1 0 0"
		switch rotate {
		case 90:
			top, cm = 595, "0 1 -1 0 595 0"
		case 180:
			cm = "-1 0 0 -1 595 842"
		case 270:
			top, cm = 595, "0 -1 1 0 0 842"
		}
		fmt.Fprintf(&content, "q %s cm BT /F1 12 Tf 14 TL 72 %d Td\n", cm, top-82)
		for _, l := range lines {
			fmt.Fprintf(&content, "(%s) Tj T*\n", l)
		}
		content.WriteString("ET Q")
		c := w.add(stream("", content.String()))
		p := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Rotate %d /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", tree, rotate, font, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", p))
	}
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	w.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	return w.bytes(catalog)
}

// emptyPagesPDF makes n blank pages in one flat page tree.
func emptyPagesPDF(n int) []byte {
	var w pdfWriter
	catalog := w.add("")
	tree := w.add("")
	kids := make([]string, n)
	for i := range n {
		p := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>", tree))
		kids[i] = fmt.Sprintf("%d 0 R", p)
	}
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	w.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	return w.bytes(catalog)
}

// kidsLoopPDF makes a page tree whose intermediate node lists itself (and
// its parent) among its kids, next to one real page.
func kidsLoopPDF() []byte {
	var w pdfWriter
	catalog := w.add("")
	root := w.add("")
	inner := w.add("")
	page := w.add("")
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root))
	w.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 2 >>", inner))
	w.set(inner, fmt.Sprintf("<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R %d 0 R %d 0 R] /Count 2 >>", root, page, inner, root))
	w.set(page, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>", inner))
	return w.bytes(catalog)
}

// mappedFontPDF shows text in a font whose ToUnicode CMap maps each byte c
// to the code point mapTo(c): how PDFs with broken font encodings decode.
func mappedFontPDF(mapTo func(c byte) rune, lines ...string) []byte {
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n")
	cmap.WriteString("/CMapName /Garbled def /CMapType 2 def\n1 begincodespacerange <00> <FF> endcodespacerange\n")
	cmap.WriteString("95 beginbfchar\n")
	for c := byte(32); c < 127; c++ {
		fmt.Fprintf(&cmap, "<%02X> <%04X>\n", c, mapTo(c))
	}
	cmap.WriteString("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end")

	var w pdfWriter
	catalog := w.add("")
	tree := w.add("")
	toUnicode := w.add(stream("", cmap.String()))
	font := w.add(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /ToUnicode %d 0 R >>", toUnicode))
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 14 TL 72 760 Td\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET")
	c := w.add(stream("", content.String()))
	p := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", tree, font, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	w.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", p))
	return w.bytes(catalog)
}

// attachedFilePDF makes a one-page PDF embedding a file whose stream is
// Flate-compressed: name → content.
func attachedFilePDF(name string, content []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(content)
	zw.Close()
	var w pdfWriter
	catalog := w.add("")
	tree := w.add("")
	page := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>", tree))
	file := w.add(stream("/Type /EmbeddedFile /Filter /FlateDecode", z.String()))
	spec := w.add(fmt.Sprintf("<< /Type /Filespec /F (%s) /UF (%s) /EF << /F %d 0 R >> >>", name, name, file))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Names << /EmbeddedFiles << /Names [(%s) %d 0 R] >> >> >>", tree, name, spec))
	w.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return w.bytes(catalog)
}
