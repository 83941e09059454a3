// Package testfiles makes the hostile and edge-case files the tests feed to
// the readers (page-tree loops, page bombs, zip bombs, oversized images),
// and measures how close an extracted text is to its expected text.
package testfiles

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Writer writes small PDFs by hand, for inputs no corpus file has: page
// trees with loops, thousands of pages, rotated pages, broken fonts.
// Objects are numbered from 1 in the order added.
type Writer struct {
	objects []string
}

// Add appends an object and returns its number.
func (w *Writer) Add(body string) int {
	w.objects = append(w.objects, body)
	return len(w.objects)
}

// Set replaces object n (to close reference cycles).
func (w *Writer) Set(n int, body string) { w.objects[n-1] = body }

// Stream makes a stream object body.
func Stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// Bytes writes the file with a correct cross-reference table.
func (w *Writer) Bytes(root int) []byte {
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

// PDF assembles a PDF from object bodies (object i+1 is objects[i]); object
// 1 must be the catalog.
func PDF(objects []string) []byte {
	w := Writer{objects: objects}
	return w.Bytes(1)
}

// PDFPages returns a PDF of n pages, each showing "Page i" in Helvetica.
// Two thousand pages weigh well under a megabyte.
func PDFPages(n int) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
	kids := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		pageObj := len(objs) + 1
		content := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (Page %d) Tj ET", i)
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", pageObj+1),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
		kids = append(kids, fmt.Sprintf("%d 0 R", pageObj))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)
	return PDF(objs)
}

// PDFPageTreeLoop returns a PDF whose intermediate page-tree node lists
// itself (and its parent) among its kids, next to one real page.
func PDFPageTreeLoop() []byte {
	var w Writer
	catalog, root, inner, page := w.Add(""), w.Add(""), w.Add(""), w.Add("")
	w.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root))
	w.Set(root, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 2 >>", inner))
	w.Set(inner, fmt.Sprintf("<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R %d 0 R %d 0 R] /Count 2 >>", root, page, inner, root))
	w.Set(page, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>", inner))
	return w.Bytes(catalog)
}

// ZipBomb returns a small ZIP whose one member, name, inflates to size
// bytes of spaces. The content is streamed, never held in memory.
func ZipBomb(name string, size int64) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		panic(err)
	}
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	for written := int64(0); written < size; written += int64(len(chunk)) {
		n := min(int64(len(chunk)), size-written)
		if _, err := w.Write(chunk[:n]); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Zip packs the named files into an archive.
func Zip(files map[string][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			panic(err)
		}
		if _, err := w.Write(data); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PNGHeader returns the start of a PNG of the given size: signature, IHDR
// and an empty IDAT. Decoders that read only the header accept it; a real
// decode would need width×height×4 bytes.
func PNGHeader(width, height uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	writeChunk(&b, "IHDR", ihdr)
	writeChunk(&b, "IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	writeChunk(&b, "IEND", nil)
	return b.Bytes()
}

func writeChunk(w io.Writer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	io.WriteString(crc, kind)
	crc.Write(data)
	io.WriteString(w, kind)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// Similarity is 1 − edit distance / length of the longer text, over
// characters, after folding case and runs of white space: layout spaces and
// line breaks do not count, every wrong, missing or extra character does.
func Similarity(got, want string) float64 {
	a, b := fold(got), fold(want)
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	return 1 - float64(fr.EditDistance(a, b))/float64(max(len(a), len(b)))
}

func fold(s string) []rune {
	return []rune(strings.Join(strings.Fields(strings.ToLower(s)), " "))
}

// ImagePDF returns a PDF with one page per JPEG image, drawn full page at
// dpi: what a scanner produces, with no text layer.
func ImagePDF(jpegs [][]byte, widths, heights []int, dpi float64) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	var kids []string
	for i, img := range jpegs {
		w, h := float64(widths[i])*72/dpi, float64(heights[i])*72/dpi
		page := len(objs) + 1
		content := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", w, h)
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", w, h, page+1, page+2),
			fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream", widths[i], heights[i], len(img), img),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	return PDF(objs)
}
