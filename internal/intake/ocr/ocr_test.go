package ocr

import (
	"context"
	"errors"
	"fmt"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
	"image"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// lettreDPI is the resolution pickDPI gives lettre.png (770 × 1088 pixels,
// no resolution declared): its long side as an A4 page.
const lettreDPI = 93

func newEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v (the tests need the Debian packages tesseract-ocr and tesseract-ocr-fra)", err)
	}
	return e
}

func lettreText(t testing.TB) string { return string(readTestdata(t, "lettre.md")) }

func TestNewMissing(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		mentions []string
	}{
		{"no binary", Config{Binary: "/nonexistent"}, []string{"tesseract-ocr", "tesseract-ocr-fra"}},
		{"binary not tesseract", Config{Binary: "/bin/false"}, []string{"tesseract-ocr"}},
		{"no language data", Config{Languages: "fra+zzz_xx"}, []string{"tesseract-ocr-zzz-xx", "zzz_xx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			var re *document.ReadError
			if !errors.As(err, &re) || re.Code != document.ErrMissingTool {
				t.Fatalf("New(%+v) = %v, want a ReadError %s", tt.cfg, err, document.ErrMissingTool)
			}
			for _, m := range tt.mentions {
				if !strings.Contains(re.Message, m) {
					t.Errorf("message %q does not name %q", re.Message, m)
				}
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	cfg := newEngine(t, Config{}).Config()
	if cfg.Binary != "tesseract" || cfg.Languages != "fra" || cfg.Workers < 1 || cfg.PageTimeout <= 0 {
		t.Errorf("defaults not filled in: %+v", cfg)
	}
}

func TestReadImageFileLettre(t *testing.T) {
	e := newEngine(t, Config{})
	pages, warnings, err := e.ReadImageFile(context.Background(), readTestdata(t, "lettre.png"), limits.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	if len(warnings) != 0 {
		t.Errorf("unexpected warnings: %q", warnings)
	}
	p := pages[0]
	text := p.Text()
	if s := testfiles.Similarity(text, lettreText(t)); s < 0.90 {
		t.Errorf("similarity %.3f < 0.90; text:\n%s", s, text)
	} else {
		t.Logf("similarity %.3f", s)
	}
	if p.Number != 1 || p.Source != document.SourceOCR || p.Rotation != 0 {
		t.Errorf("page = number %d, source %q, rotation %d", p.Number, p.Source, p.Rotation)
	}
	// 770 × 1088 pixels read at 93 dpi: an A4 page, 595 × 842 points.
	if math.Abs(p.Width-770*72.0/lettreDPI) > 0.01 || math.Abs(p.Height-1088*72.0/lettreDPI) > 0.01 {
		t.Errorf("page size %.1f × %.1f points", p.Width, p.Height)
	}
	checkPageGeometry(t, p)

	// Label/value pairs and the two signature columns each stay on one row.
	for _, want := range []string{"Montant : 85 000 euros HT", "Jean Dupont", "Sophie Martin"} {
		if !hasLineContaining(p, want) {
			t.Errorf("no line holds %q", want)
		}
	}
	var signatures *document.Line
	for i, l := range p.Lines {
		if strings.Contains(l.Text(), "Jean Dupont") {
			signatures = &p.Lines[i]
		}
	}
	if signatures == nil || !strings.Contains(signatures.Text(), "Sophie Martin") {
		t.Errorf("the two signatures are not on one row")
	}
	// "LETTRE" is the first word, at 75,75 pixels, 45 × 9.
	first := p.Lines[0].Words[0]
	wantBox := scaleBox(75, 75, 120, 84, lettreDPI)
	if first.Text != "LETTRE" || !nearBox(first.Box, wantBox, 1.5) {
		t.Errorf("first word %q at %v, want LETTRE at %v", first.Text, first.Box, wantBox)
	}
}

func scaleBox(x0, y0, x1, y1 float64, dpi int) document.Box {
	s := 72 / float64(dpi)
	return document.Box{X0: x0 * s, Y0: y0 * s, X1: x1 * s, Y1: y1 * s}
}

func nearBox(a, b document.Box, tol float64) bool {
	return math.Abs(a.X0-b.X0) <= tol && math.Abs(a.Y0-b.Y0) <= tol &&
		math.Abs(a.X1-b.X1) <= tol && math.Abs(a.Y1-b.Y1) <= tol
}

func hasLineContaining(p document.Page, s string) bool {
	for _, l := range p.Lines {
		if strings.Contains(strings.Join(strings.Fields(l.Text()), " "), s) {
			return true
		}
	}
	return false
}

// checkPageGeometry checks every word lies on the page, with a confidence
// in 0..1, and lines come top to bottom.
func checkPageGeometry(t *testing.T, p document.Page) {
	t.Helper()
	prevY := -1.0
	for _, l := range p.Lines {
		if l.Box.Y0 < prevY {
			t.Errorf("line %q above the previous one", l.Text())
		}
		prevY = l.Box.Y0
		for _, w := range l.Words {
			b := w.Box
			if b.X0 < 0 || b.Y0 < 0 || b.X1 > p.Width+0.01 || b.Y1 > p.Height+0.01 || b.X1 <= b.X0 || b.Y1 <= b.Y0 {
				t.Errorf("word %q box %v outside the %.0f × %.0f page", w.Text, b, p.Width, p.Height)
			}
			if w.Confidence < 0 || w.Confidence > 1 {
				t.Errorf("word %q confidence %v", w.Text, w.Confidence)
			}
		}
	}
}

// TestRecognizeTurned reads lettre.png turned by 90, 180 and 270 degrees:
// the text must come out as from the upright page, the page upright, and
// the boxes where they are on the upright page.
func TestRecognizeTurned(t *testing.T) {
	e := newEngine(t, Config{})
	upright := decodePNG(t, readTestdata(t, "lettre.png"))
	want := lettreText(t)
	firstBox := scaleBox(75, 75, 120, 84, lettreDPI)
	for _, deg := range []int{90, 180, 270} {
		t.Run(fmt.Sprint(deg), func(t *testing.T) {
			p, err := e.RecognizeImage(context.Background(), turnClockwise(upright, deg), lettreDPI)
			if err != nil {
				t.Fatal(err)
			}
			if s := testfiles.Similarity(p.Text(), want); s < 0.90 {
				t.Errorf("turned %d°: similarity %.3f < 0.90; text:\n%s", deg, s, p.Text())
			}
			if wantRot := (360 - deg) % 360; p.Rotation != wantRot {
				t.Errorf("turned %d°: rotation %d, want %d", deg, p.Rotation, wantRot)
			}
			if p.Width > p.Height {
				t.Errorf("turned %d°: page %.0f × %.0f is not upright", deg, p.Width, p.Height)
			}
			checkPageGeometry(t, p)
			if len(p.Lines) == 0 || !nearBox(p.Lines[0].Words[0].Box, firstBox, 1.5) {
				t.Errorf("turned %d°: first word not at %v: %+v", deg, firstBox, p.Lines[0].Words[0])
			}
		})
	}
}

func TestReadImageFileTinyImages(t *testing.T) {
	e := newEngine(t, Config{})
	for _, name := range []string{"image.png", "image.jpg", "image.tiff"} {
		t.Run(name, func(t *testing.T) {
			pages, warnings, err := e.ReadImageFile(context.Background(), readTestdata(t, name), limits.Default())
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 1 || pages[0].Source != document.SourceOCR || pages[0].Width <= 0 {
				t.Fatalf("pages = %+v", pages)
			}
			if text := strings.TrimSpace(pages[0].Text()); text != "" {
				t.Errorf("text %q from a 10 × 10 image", text)
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0], "aucun texte") {
				t.Errorf("warnings = %q, want one saying no text was found", warnings)
			}
		})
	}
}

func TestReadImageFileMultiPageTIFF(t *testing.T) {
	e := newEngine(t, Config{Workers: 2})
	lettre := grayOf(decodePNG(t, readTestdata(t, "lettre.png")))
	blank := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	top := lettre.SubImage(image.Rect(0, 0, 770, 200)).(*image.Gray)
	frames := []tiffFrame{{lettre, lettreDPI}, {blank, 150}, {top, lettreDPI}}
	data := encodeTIFF(frames)

	pages, _, err := e.ReadImageFile(context.Background(), data, limits.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != len(frames) {
		t.Fatalf("%d pages, want %d", len(pages), len(frames))
	}
	for i, p := range pages {
		b := frames[i].img.Bounds()
		w, h := float64(b.Dx())*72/float64(frames[i].dpi), float64(b.Dy())*72/float64(frames[i].dpi)
		if p.Number != i+1 || math.Abs(p.Width-w) > 0.01 || math.Abs(p.Height-h) > 0.01 {
			t.Errorf("page %d: number %d, %.1f × %.1f points, want %.1f × %.1f", i+1, p.Number, p.Width, p.Height, w, h)
		}
	}
	if s := testfiles.Similarity(pages[0].Text(), lettreText(t)); s < 0.90 {
		t.Errorf("page 1 similarity %.3f", s)
	}
	if len(pages[1].Lines) != 0 {
		t.Errorf("blank page 2 has text %q", pages[1].Text())
	}
	if !hasLineContaining(pages[2], "LETTRE DE MISSION") || hasLineContaining(pages[2], "Sophie Martin") {
		t.Errorf("page 3 is not the top of the letter: %q", pages[2].Text())
	}
}

func TestReadImageFileErrors(t *testing.T) {
	e := newEngine(t, Config{})
	lettrePNG := readTestdata(t, "lettre.png")
	small := image.NewGray(image.Rect(0, 0, 20, 20))
	fivePages := encodeTIFF([]tiffFrame{{small, 0}, {small, 0}, {small, 0}, {small, 0}, {small, 0}})
	hugeTIFF := encodeTIFF([]tiffFrame{{small, 0}})
	// Make the page claim 40,000 × 40,000 pixels: width and length are the
	// first two entries of the only directory.
	dir := int(hugeTIFF[4]) | int(hugeTIFF[5])<<8 | int(hugeTIFF[6])<<16 | int(hugeTIFF[7])<<24
	for _, at := range []int{dir + 2 + 8, dir + 2 + 12 + 8} {
		hugeTIFF[at], hugeTIFF[at+1], hugeTIFF[at+2], hugeTIFF[at+3] = 0x40, 0x9c, 0, 0
	}
	badDir := append([]byte(nil), fivePages...)
	badDir[4], badDir[5], badDir[6], badDir[7] = 0xff, 0xff, 0xff, 0x00

	tight := limits.Default()
	tight.MaxPages = 4
	tight.MaxFileBytes = 1 << 20

	tests := []struct {
		name string
		data []byte
		lim  limits.Limits
		code string
	}{
		{"40000x40000 PNG", pngHeader(40000, 40000), limits.Default(), document.ErrPixelLimit},
		{"40000x40000 TIFF", hugeTIFF, limits.Default(), document.ErrPixelLimit},
		{"truncated PNG", lettrePNG[:len(lettrePNG)/2], limits.Default(), document.ErrCorrupt},
		{"PNG header only", lettrePNG[:40], limits.Default(), document.ErrCorrupt},
		{"truncated JPEG", readTestdata(t, "image.jpg")[:300], limits.Default(), document.ErrCorrupt},
		{"TIFF directory out of the file", badDir, limits.Default(), document.ErrCorrupt},
		{"TIFF with more pages than allowed", fivePages, tight, document.ErrPageLimit},
		{"file over the size limit", append(lettrePNG, make([]byte, 1<<20)...), tight, document.ErrTooLarge},
		{"empty", nil, limits.Default(), document.ErrEmpty},
		{"not an image", []byte("%PDF-1.7\n"), limits.Default(), document.ErrUnsupported},
		{"BigTIFF", []byte("II+\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00"), limits.Default(), document.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := e.ReadImageFile(context.Background(), tt.data, tt.lim)
			if code := document.ErrorCode(err); code != tt.code {
				t.Fatalf("error %v (code %s), want code %s", err, code, tt.code)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v to fail", d)
			}
		})
	}
}

// TestPixelLimitMemory checks the huge PNG is refused from its header,
// before any pixel buffer is allocated.
func TestPixelLimitMemory(t *testing.T) {
	data := pngHeader(40000, 40000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := decodeFrames(data, limits.Default(), func(int, image.Image, int) error {
		t.Fatal("a frame was decoded")
		return nil
	})
	runtime.ReadMemStats(&after)
	if document.ErrorCode(err) != document.ErrPixelLimit {
		t.Fatalf("err = %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("allocated %d bytes to refuse the image", grew)
	}
}

func TestPageTimeout(t *testing.T) {
	e := newEngine(t, Config{PageTimeout: 30 * time.Millisecond})
	img := decodePNG(t, readTestdata(t, "lettre.png"))
	start := time.Now()
	_, err := e.RecognizeImage(context.Background(), img, lettreDPI)
	if document.ErrorCode(err) != document.ErrTimeout {
		t.Fatalf("err = %v, want code %s", err, document.ErrTimeout)
	}
	if !strings.Contains(err.Error(), "délai") {
		t.Errorf("message %q does not say the delay ran out", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v to time out", d)
	}

	// The limits' page timeout applies to image files too.
	e = newEngine(t, Config{})
	lim := limits.Default()
	lim.PageTimeout = 30 * time.Millisecond
	if _, _, err := e.ReadImageFile(context.Background(), readTestdata(t, "lettre.png"), lim); document.ErrorCode(err) != document.ErrTimeout {
		t.Fatalf("ReadImageFile err = %v, want code %s", err, document.ErrTimeout)
	}
}

func TestCancelledContext(t *testing.T) {
	e := newEngine(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.RecognizeImage(ctx, decodePNG(t, readTestdata(t, "lettre.png")), lettreDPI)
	var re *document.ReadError
	if !errors.As(err, &re) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a ReadError wrapping context.Canceled", err)
	}
}

func TestToGrayMatchesStandardLibrary(t *testing.T) {
	lettre := decodePNG(t, readTestdata(t, "lettre.png")) // NRGBA with transparency
	rgba := image.NewRGBA(lettre.Bounds())
	for y := lettre.Bounds().Min.Y; y < lettre.Bounds().Max.Y; y++ {
		for x := lettre.Bounds().Min.X; x < lettre.Bounds().Max.X; x++ {
			rgba.Set(x, y, lettre.At(x, y))
		}
	}
	jpg, err := decoders["jpeg"].decode(strings.NewReader(string(readTestdata(t, "image.jpg"))))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		img  image.Image
	}{{"NRGBA", lettre}, {"RGBA", rgba}, {"YCbCr", jpg}} {
		got, want := toGray(tt.img), grayOf(tt.img)
		var worst int
		for i := range want.Pix {
			worst = max(worst, absInt(int(got.Pix[i])-int(want.Pix[i])))
		}
		// YCbCr's Y is luma before chroma rounding: allow a few levels.
		if worst > 3 {
			t.Errorf("%s: gray differs by up to %d levels", tt.name, worst)
		}
	}
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestRotateGray(t *testing.T) {
	src := grayOf(decodePNG(t, readTestdata(t, "lettre.png")))
	sub := src.SubImage(image.Rect(10, 20, 110, 70)).(*image.Gray) // non-zero origin
	for _, deg := range []int{0, 90, 180, 270} {
		got := rotateGray(sub, deg)
		want := grayOf(turnClockwiseOrSame(sub, deg))
		if got.Bounds().Dx() != want.Bounds().Dx() || got.Bounds().Dy() != want.Bounds().Dy() {
			t.Fatalf("%d°: size %v, want %v", deg, got.Bounds(), want.Bounds())
		}
		for y := 0; y < want.Bounds().Dy(); y++ {
			for x := 0; x < want.Bounds().Dx(); x++ {
				g := got.GrayAt(got.Bounds().Min.X+x, got.Bounds().Min.Y+y)
				if g != want.GrayAt(x, y) {
					t.Fatalf("%d°: pixel %d,%d differs", deg, x, y)
				}
			}
		}
	}
}

func turnClockwiseOrSame(img image.Image, deg int) image.Image {
	if deg == 0 {
		return img
	}
	return turnClockwise(img, deg)
}

func TestPickDPI(t *testing.T) {
	tests := []struct {
		declared float64
		w, h     int
		want     int
	}{
		{300, 2480, 3508, 300},  // A4 scan that says so
		{72, 2480, 3508, 300},   // A4 scan with a meaningless 72 dpi: 3508 px / 11.69 in
		{0, 770, 1088, 93},      // no declaration
		{0, 10, 10, 70},         // tiny: floor
		{200, 3307, 2339, 200},  // A4 landscape at 200 dpi
		{1e9, 2480, 3508, 300},  // absurd declaration
		{-300, 2480, 3508, 300}, // negative (BMP is signed)
	}
	for _, tt := range tests {
		if got := pickDPI(tt.declared, tt.w, tt.h); got != tt.want {
			t.Errorf("pickDPI(%v, %d, %d) = %d, want %d", tt.declared, tt.w, tt.h, got, tt.want)
		}
	}
}

func TestMetadataDPI(t *testing.T) {
	small := image.NewGray(image.Rect(0, 0, 4, 4))
	tiff := encodeTIFF([]tiffFrame{{small, 150}, {small, 0}})
	dirs, _, err := tiffDirs(tiff, limits.Default())
	if err != nil || len(dirs) != 2 || dirs[0].dpi != 150 || dirs[1].dpi != 0 {
		t.Errorf("tiffDirs = %+v, %v; want 150 then 0 dpi", dirs, err)
	}
	// JFIF density 1×1 with unit 0 (aspect ratio only): no resolution.
	if got := metadataDPI("jpeg", readTestdata(t, "image.jpg")); got != 0 {
		t.Errorf("image.jpg: %v dpi, want 0", got)
	}
	jfif300 := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 1, 1, 44, 1, 44}, 0, 0)
	if got := metadataDPI("jpeg", jfif300); got != 300 {
		t.Errorf("JFIF 300 dpi read as %v", got)
	}
}

func TestReadImageFileTIFFCompressions(t *testing.T) {
	e := newEngine(t, Config{})
	// CCITT group 4, as office scanners write bilevel pages.
	pages, _, err := e.ReadImageFile(context.Background(), readTestdata(t, "lettre-g4.tiff"), limits.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || !hasLineContaining(pages[0], "LETTRE DE MISSION") || !hasLineContaining(pages[0], "15 octobre 2025") {
		t.Errorf("group 4 TIFF read as %+v", pages)
	}
	// JPEG inside TIFF is not decoded: a clear error, not a corrupt file.
	_, _, err = e.ReadImageFile(context.Background(), readTestdata(t, "jpeg-compressed.tiff"), limits.Default())
	if document.ErrorCode(err) != document.ErrUnsupported {
		t.Errorf("JPEG-compressed TIFF: err = %v, want code %s", err, document.ErrUnsupported)
	}
}

// TestReadImageFileDamagedTIFFPage: a damaged page of a multi-page TIFF is
// skipped with a warning, and the other pages are read.
func TestReadImageFileDamagedTIFFPage(t *testing.T) {
	e := newEngine(t, Config{})
	blank := image.NewGray(image.Rect(0, 0, 60, 40))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	data := encodeTIFF([]tiffFrame{{blank, 0}, {blank, 0}, {blank, 0}})
	dirs, _, err := tiffDirs(data, limits.Default())
	if err != nil || len(dirs) != 3 {
		t.Fatalf("tiffDirs: %v, %v", dirs, err)
	}
	// Point page 2's strip (6th entry: StripOffsets) past the end of the file.
	at := int(dirs[1].offset) + 2 + 5*12 + 8
	data[at], data[at+1], data[at+2], data[at+3] = 0xff, 0xff, 0xff, 0x0f

	pages, warnings, err := e.ReadImageFile(context.Background(), data, limits.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 || pages[0].Source != document.SourceOCR || pages[1].Source != document.SourceNone || pages[2].Source != document.SourceOCR {
		t.Errorf("pages = %+v, want 3 with page 2 unread", pages)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0], "page 2") {
		t.Errorf("warnings = %q, want one about page 2", warnings)
	}
}
