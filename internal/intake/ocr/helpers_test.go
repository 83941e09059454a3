package ocr

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func decodePNG(tb testing.TB, data []byte) image.Image {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// grayOf flattens img onto white paper with the standard library's own
// colour model, independently of the package's fast paths.
func grayOf(img image.Image) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			white := 0xffff - a
			c := color.RGBA64{uint16(r + white), uint16(g + white), uint16(bl + white), 0xffff}
			out.SetGray(x, y, color.GrayModel.Convert(c).(color.Gray))
		}
	}
	return out
}

// turnClockwise turns img by deg (90, 180, 270) with plain At/Set, to check
// the package's rotation against.
func turnClockwise(img image.Image, deg int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out *image.NRGBA
	if deg == 180 {
		out = image.NewNRGBA(image.Rect(0, 0, w, h))
	} else {
		out = image.NewNRGBA(image.Rect(0, 0, h, w))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			switch deg {
			case 90:
				out.Set(h-1-y, x, c)
			case 180:
				out.Set(w-1-x, h-1-y, c)
			case 270:
				out.Set(y, w-1-x, c)
			}
		}
	}
	return out
}

// tiffFrame is one page for encodeTIFF.
type tiffFrame struct {
	img *image.Gray
	dpi uint32 // 0: no resolution tags
}

// encodeTIFF writes an uncompressed little-endian grayscale TIFF with one
// directory per frame, chained: the smallest valid multi-page TIFF.
func encodeTIFF(frames []tiffFrame) []byte {
	var buf bytes.Buffer
	le := binary.LittleEndian
	buf.WriteString("II*\x00")
	binary.Write(&buf, le, uint32(0)) // first directory, patched below
	prevNext := 4                     // where to write the offset of the next directory
	for _, f := range frames {
		b := f.img.Bounds()
		w, h := b.Dx(), b.Dy()
		pixOff := buf.Len()
		for y := 0; y < h; y++ {
			buf.Write(f.img.Pix[f.img.PixOffset(b.Min.X, b.Min.Y+y):][:w])
		}
		resOff := buf.Len()
		binary.Write(&buf, le, [2]uint32{f.dpi, 1})
		if buf.Len()%2 == 1 {
			buf.WriteByte(0)
		}
		dirOff := buf.Len()
		out := buf.Bytes()
		le.PutUint32(out[prevNext:], uint32(dirOff))
		type entry struct {
			tag, typ uint16
			count    uint32
			value    uint32
		}
		entries := []entry{
			{256, 4, 1, uint32(w)},
			{257, 4, 1, uint32(h)},
			{258, 3, 1, 8},
			{259, 3, 1, 1}, // no compression
			{262, 3, 1, 1}, // black is zero
			{273, 4, 1, uint32(pixOff)},
			{277, 3, 1, 1},
			{278, 4, 1, uint32(h)},
			{279, 4, 1, uint32(w * h)},
		}
		if f.dpi > 0 {
			entries = append(entries, entry{282, 5, 1, uint32(resOff)}, entry{283, 5, 1, uint32(resOff)}, entry{296, 3, 1, 2})
		}
		binary.Write(&buf, le, uint16(len(entries)))
		for _, e := range entries {
			binary.Write(&buf, le, e)
		}
		prevNext = buf.Len()
		binary.Write(&buf, le, uint32(0))
	}
	return buf.Bytes()
}

// pngHeader returns a PNG signature and IHDR for a w × h RGB image, with no
// pixel data: enough for DecodeConfig, useless to Decode.
func pngHeader(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	binary.Write(&buf, binary.BigEndian, uint32(len(ihdr)))
	buf.WriteString("IHDR")
	buf.Write(ihdr)
	crc := crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...))
	binary.Write(&buf, binary.BigEndian, crc)
	return buf.Bytes()
}
