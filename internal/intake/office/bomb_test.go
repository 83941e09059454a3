package office

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"io"
	"math/bits"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// deflateBitWriter writes a raw deflate stream bit by bit (RFC 1951).
type deflateBitWriter struct {
	w   *bufio.Writer
	acc uint64
	n   uint
}

func (b *deflateBitWriter) bits(v uint64, n uint) {
	b.acc |= v << b.n
	b.n += n
	for b.n >= 8 {
		_ = b.w.WriteByte(byte(b.acc))
		b.acc >>= 8
		b.n -= 8
	}
}

// code writes a Huffman code, which deflate packs most significant bit first.
func (b *deflateBitWriter) code(c uint64, n uint) {
	b.bits(bits.Reverse64(c)>>(64-n), n)
}

// writeSpacesDeflate streams a deflate encoding of 1 + 258·matches spaces:
// one fixed-Huffman block, a literal space, then copies of length 258 at
// distance 1 (13 bits each). Nothing of the inflated size is allocated.
func writeSpacesDeflate(w io.Writer, matches int) error {
	bw := &deflateBitWriter{w: bufio.NewWriterSize(w, 1<<16)}
	bw.bits(1, 1)        // BFINAL
	bw.bits(1, 2)        // BTYPE = fixed Huffman
	bw.code(0x30+' ', 8) // literal ' '
	for range matches {
		bw.code(0xC0+5, 8) // length code 285: 258 bytes
		bw.code(0, 5)      // distance code 0: distance 1
	}
	bw.code(0, 7) // end of block (256)
	if bw.n > 0 {
		_ = bw.w.WriteByte(byte(bw.acc))
	}
	return bw.w.Flush()
}

// crcOfSpaces is the CRC-32 of n spaces, computed a megabyte at a time.
func crcOfSpaces(n int64) uint32 {
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	var crc uint32
	for n > 0 {
		k := min(n, int64(len(chunk)))
		crc = crc32.Update(crc, crc32.IEEETable, chunk[:k])
		n -= k
	}
	return crc
}

func TestSpacesDeflateGenerator(t *testing.T) {
	var buf bytes.Buffer
	if err := writeSpacesDeflate(&buf, 1000); err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(flate.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1+258*1000 || !bytes.Equal(out, bytes.Repeat([]byte{' '}, len(out))) {
		t.Fatalf("inflated %d bytes, want %d spaces", len(out), 1+258*1000)
	}
}

type bombMember struct {
	name    string
	content string // stored as is, when raw is nil
	raw     []byte // deflate data written as is
	size    uint64 // declared uncompressed size of raw
	crc     uint32
}

func buildZip(t testing.TB, members ...bombMember) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		if m.raw != nil {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: m.name, Method: zip.Deflate, CRC32: m.crc,
				CompressedSize64: uint64(len(m.raw)), UncompressedSize64: m.size})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(m.raw); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, m.content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// spacesMember is a member of n = 1 + 258·matches spaces, honestly declared.
func spacesMember(t testing.TB, name string, matches int) bombMember {
	var raw bytes.Buffer
	if err := writeSpacesDeflate(&raw, matches); err != nil {
		t.Fatal(err)
	}
	size := int64(1 + 258*matches)
	return bombMember{name: name, raw: raw.Bytes(), size: uint64(size), crc: crcOfSpaces(size)}
}

// flatedSpaces is n spaces compressed with compress/flate (about 800:1).
func flatedSpaces(t testing.TB, n int) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	for left := n; left > 0; left -= len(chunk) {
		if _, err := fw.Write(chunk[:min(left, len(chunk))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZipBombs(t *testing.T) {
	// 2 GiB of spaces in 13.5 MB: the declared size alone gives it away.
	twoGiB := spacesMember(t, "", (2<<30)/258)
	bombAs := func(name string) bombMember { m := twoGiB; m.name = name; return m }

	const ratioSize = 20 << 20
	ratioRaw := flatedSpaces(t, ratioSize)
	ratioBomb := func(name string) bombMember {
		return bombMember{name: name, raw: ratioRaw, size: ratioSize, crc: crcOfSpaces(ratioSize)}
	}
	// The header claims 1000 bytes; the data inflates to 20 MB.
	liar := bombMember{name: "word/document.xml", raw: ratioRaw, size: 1000, crc: 0}

	many := make([]bombMember, maxZipMembers+1)
	for i := range many {
		many[i] = bombMember{name: "m" + strconv.Itoa(i)}
	}
	budget := limits.Default()
	budget.MaxExpanded = 1 << 20

	workbook := bombMember{name: "xl/workbook.xml", content: `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>`}
	tests := []struct {
		name string
		kind Kind
		data []byte
		lim  limits.Limits
	}{
		{"docx 2 GiB document.xml", KindDOCX, buildZip(t, bombAs("word/document.xml")), limits.Default()},
		{"odt 2 GiB content.xml", KindODT, buildZip(t, bombMember{name: "mimetype", content: "application/vnd.oasis.opendocument.text"}, bombAs("content.xml")), limits.Default()},
		{"xlsx 2 GiB sheet", KindXLSX, buildZip(t, workbook, bombAs("xl/worksheets/sheet1.xml")), limits.Default()},
		{"pptx 2 GiB slide", KindPPTX, buildZip(t, bombMember{name: "ppt/presentation.xml", content: "<p/>"}, bombAs("ppt/slides/slide1.xml")), limits.Default()},
		{"docx ratio 800:1", KindDOCX, buildZip(t, ratioBomb("word/document.xml")), limits.Default()},
		{"xlsx ratio 800:1 in an unread member", KindXLSX, buildZip(t, workbook, ratioBomb("xl/media/image1.bmp")), limits.Default()},
		{"docx lying header", KindDOCX, buildZip(t, liar), limits.Default()},
		{"too many members", KindDOCX, buildZip(t, many...), limits.Default()},
		{"over the expansion budget", KindDOCX, buildZip(t, bombMember{name: "word/document.xml", content: string(bytes.Repeat([]byte("<w:p/>"), 300_000))}), budget},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, _, err := Read(context.Background(), tc.data, tc.kind, tc.lim)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if code := document.ErrorCode(err); code != document.ErrArchive {
				t.Fatalf("code %q (%v), want %s", code, err, document.ErrArchive)
			}
			if elapsed > 3*time.Second {
				t.Errorf("took %s", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
			t.Logf("%v in %s", err, elapsed)
		})
	}
}

func TestTokenGuard(t *testing.T) {
	ok := strings.Repeat("<w:t>"+strings.Repeat("x", 900)+"</w:t>", 50)
	g := &tokenGuard{r: strings.NewReader(ok), name: "ok.xml", max: 1000}
	if _, err := io.Copy(io.Discard, g); err != nil {
		t.Errorf("text broken by tags: %v", err)
	}
	g = &tokenGuard{r: strings.NewReader("<w:t>" + strings.Repeat("x", 1001)), name: "long.xml", max: 1000}
	if _, err := io.Copy(io.Discard, g); document.ErrorCode(err) != document.ErrArchive {
		t.Errorf("1001 bytes without a tag: %v", err)
	}
}

// TestEndlessParagraph: one paragraph of repeated text:s elements would
// expand to gigabytes of spaces; the buffer budget stops it.
func TestEndlessParagraph(t *testing.T) {
	lim := limits.Default()
	lim.MaxTextBytes = 1 << 20
	content := `<office:document-content ` + odfNS + `><office:body><office:text><text:p>` +
		strings.Repeat(`<text:s text:c="1000"/>x`, 20000) + `</text:p></office:text></office:body></office:document-content>`
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, warnings, err := Read(context.Background(), zipFile(t, "content.xml", content), KindODT, lim)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0], "tronqué") {
		t.Errorf("warnings %q", warnings)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("allocated %d MB for a 20 MB paragraph capped at 3 MB", alloc>>20)
	}
}

func TestDeepTables(t *testing.T) {
	body := strings.Repeat(`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p>`, 5000) + strings.Repeat(`</w:tc></w:tr></w:tbl>`, 5000)
	start := time.Now()
	pages, _ := mustRead(t, docx(t, body), KindDOCX)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("5000 nested tables took %s", d)
	}
	if got := strings.Count(allText(pages), "a"); got != 5000 {
		t.Errorf("%d cells of 5000 kept", got)
	}
}
