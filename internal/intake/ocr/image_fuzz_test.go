package ocr

import (
	"bytes"
	"encoding/hex"
	"errors"
	"image"
	"image/color/palette"
	"image/gif"
	"testing"

	"golang.org/x/image/bmp"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// FuzzReadImageFile fuzzes the decode path of ReadImageFile (sniffing,
// header checks, TIFF page walk, decoders), without running tesseract so
// that fuzzing stays fast: every input must give pages within the limits
// or a ReadError, never a panic.
func FuzzReadImageFile(f *testing.F) {
	for _, seed := range imageSeeds(f) {
		f.Add(seed.data)
	}
	f.Add(pngHeader(40000, 40000))

	lim := limits.Default()
	lim.MaxPixels = 1 << 20
	lim.MaxPages = 16
	lim.MaxFileBytes = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		pages := 0
		warnings, err := decodeFrames(data, lim, func(n int, img image.Image, dpi int) error {
			pages++
			if n != pages {
				t.Fatalf("page %d yielded as %d", pages, n)
			}
			if img == nil {
				return nil
			}
			b := img.Bounds()
			if b.Dx() <= 0 || b.Dy() <= 0 || int64(b.Dx())*int64(b.Dy()) > lim.MaxPixels {
				t.Fatalf("page %d: %v pixels beyond the limit", n, b)
			}
			if dpi < 50 || dpi > 1200 {
				t.Fatalf("page %d: %d dpi", n, dpi)
			}
			// The conversion tesseract is fed must hold on any decoded image.
			if g := toGray(img); g.Bounds().Dx() != b.Dx() || g.Bounds().Dy() != b.Dy() {
				t.Fatalf("gray %v from %v", g.Bounds(), b)
			}
			return nil
		})
		if err != nil {
			var re *document.ReadError
			if !errors.As(err, &re) || re.Code == document.ErrInternal || re.Message == "" {
				t.Fatalf("error %v is not a clear ReadError", err)
			}
		}
		if pages > lim.MaxPages {
			t.Fatalf("%d pages beyond the limit", pages)
		}
		for _, w := range warnings {
			if w == "" {
				t.Fatal("empty warning")
			}
		}
	})
}

type imageSeed struct {
	name          string
	data          []byte
	pages         int
	width, height int // of the first page
}

// imageSeeds are small valid files of every format read.
func imageSeeds(tb testing.TB) []imageSeed {
	tb.Helper()
	seeds := []imageSeed{
		{"image.png", readTestdata(tb, "image.png"), 1, 10, 10},
		{"image.jpg", readTestdata(tb, "image.jpg"), 1, 10, 10},
		{"image.tiff", readTestdata(tb, "image.tiff"), 1, 10, 10},
	}
	small := image.NewGray(image.Rect(0, 0, 6, 4))
	for i := range small.Pix {
		small.Pix[i] = uint8(i * 9)
	}
	seeds = append(seeds, imageSeed{"3-page TIFF", encodeTIFF([]tiffFrame{{small, 150}, {small, 0}, {small, 300}}), 3, 6, 4})
	var gifBuf, bmpBuf bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 5, 5), palette.Plan9)
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		tb.Fatal(err)
	}
	if err := bmp.Encode(&bmpBuf, small); err != nil {
		tb.Fatal(err)
	}
	seeds = append(seeds, imageSeed{"GIF", gifBuf.Bytes(), 1, 5, 5}, imageSeed{"BMP", bmpBuf.Bytes(), 1, 6, 4})
	// 3 × 2 red WebP, lossy and lossless, made with ImageMagick's convert.
	for i, h := range []string{
		"524946463c000000574542505650382030000000d001009d012a0300020002003425a00274ba01f80003b000fef0c40bff20b96175c8d7ff203fe407fc80fff8f2000000",
		"524946461c000000574542505650384c0f0000002f024000000710fd8ffe0722a2ff0100",
	} {
		webp, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, imageSeed{[]string{"WebP lossy", "WebP lossless"}[i], webp, 1, 3, 2})
	}
	return seeds
}

// TestDecodeFormats reads a small file of each format: right page count
// and size.
func TestDecodeFormats(t *testing.T) {
	for _, seed := range imageSeeds(t) {
		t.Run(seed.name, func(t *testing.T) {
			var sizes []image.Point
			_, err := decodeFrames(seed.data, limits.Default(), func(n int, img image.Image, dpi int) error {
				if img == nil {
					t.Fatalf("page %d unreadable", n)
				}
				sizes = append(sizes, img.Bounds().Size())
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(sizes) != seed.pages || sizes[0] != image.Pt(seed.width, seed.height) {
				t.Errorf("pages %v, want %d of %d × %d first", sizes, seed.pages, seed.width, seed.height)
			}
		})
	}
}
