package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
	"strings"
)

// textPDF makes one page per entry of pages, each showing its lines in
// Helvetica 12 pt from the top-left margin. With a /Rotate, the content is
// drawn turned the other way, as producers of landscape pages do, so that
// the text reads upright once the page is displayed.
func textPDF(rotate int, pages ...[]string) []byte {
	var w testfiles.Writer
	catalog := w.Add("")
	tree := w.Add("")
	font := w.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
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
		c := w.Add(testfiles.Stream("", content.String()))
		p := w.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Rotate %d /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", tree, rotate, font, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", p))
	}
	w.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	w.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	return w.Bytes(catalog)
}

// emptyPagesPDF makes n blank pages in one flat page tree.
func emptyPagesPDF(n int) []byte {
	var w testfiles.Writer
	catalog := w.Add("")
	tree := w.Add("")
	kids := make([]string, n)
	for i := range n {
		p := w.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>", tree))
		kids[i] = fmt.Sprintf("%d 0 R", p)
	}
	w.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	w.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	return w.Bytes(catalog)
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

	var w testfiles.Writer
	catalog := w.Add("")
	tree := w.Add("")
	toUnicode := w.Add(testfiles.Stream("", cmap.String()))
	font := w.Add(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /ToUnicode %d 0 R >>", toUnicode))
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 14 TL 72 760 Td\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET")
	c := w.Add(testfiles.Stream("", content.String()))
	p := w.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", tree, font, c))
	w.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	w.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", p))
	return w.Bytes(catalog)
}

// attachedFilePDF makes a one-page PDF embedding a file whose stream is
// Flate-compressed: name → content.
func attachedFilePDF(name string, content []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(content)
	zw.Close()
	var w testfiles.Writer
	catalog := w.Add("")
	tree := w.Add("")
	page := w.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>", tree))
	file := w.Add(testfiles.Stream("/Type /EmbeddedFile /Filter /FlateDecode", z.String()))
	spec := w.Add(fmt.Sprintf("<< /Type /Filespec /F (%s) /UF (%s) /EF << /F %d 0 R >> >>", name, name, file))
	w.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Names << /EmbeddedFiles << /Names [(%s) %d 0 R] >> >> >>", tree, name, spec))
	w.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return w.Bytes(catalog)
}
