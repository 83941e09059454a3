package ocr

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"sync"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// ReadImageFile reads an image file, recognised by its content, and OCRs
// each of its pages (every page of a multi-page TIFF). It checks the size
// of each page before decoding it, so that a huge image fails fast. When a
// page fails, the pages read before it are returned with the error. A page
// may take the smaller of lim.PageTimeout and the engine's PageTimeout.
func (e *Engine) ReadImageFile(ctx context.Context, data []byte, lim limits.Limits) ([]document.Page, []string, error) {
	workers := e.cfg.Workers
	if lim.OCRWorkers > 0 && lim.OCRWorkers < workers {
		workers = lim.OCRWorkers
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type slot struct {
		page document.Page
		err  error
		done bool
	}
	var (
		mu       sync.Mutex
		slots    []slot
		wg       sync.WaitGroup
		inflight = make(chan struct{}, workers)
	)
	// Frames are decoded one at a time, and handed over only when a worker
	// is free, so that at most workers+1 decoded pages sit in memory.
	warnings, decodeErr := decodeFrames(data, lim, func(n int, img image.Image, dpi int) error {
		mu.Lock()
		slots = append(slots, slot{})
		mu.Unlock()
		if img == nil { // unreadable page, already warned about
			mu.Lock()
			slots[n-1] = slot{page: document.Page{Number: n}, done: true}
			mu.Unlock()
			return nil
		}
		select {
		case inflight <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-inflight }()
			page, err := e.recognize(ctx, img, dpi, lim.PageTimeout)
			page.Number = n
			if err != nil {
				cancel() // no use reading further pages
			}
			mu.Lock()
			slots[n-1] = slot{page: page, err: err, done: true}
			mu.Unlock()
		}()
		return nil
	})
	wg.Wait()

	var (
		pages     []document.Page
		cancelled error
	)
	for _, s := range slots {
		if s.err != nil && errors.Is(s.err, context.Canceled) {
			// Cancelled because another page failed (reported below) or
			// because the caller gave up.
			cancelled = withPageNumber(s.err, s.page.Number)
			break
		}
		if s.err != nil {
			return pages, warnings, withPageNumber(s.err, s.page.Number)
		}
		if !s.done {
			break
		}
		pages = append(pages, s.page)
	}
	if len(pages) < len(slots) {
		// A later page failed while earlier ones were cancelled.
		for _, s := range slots[len(pages):] {
			if s.err != nil && !errors.Is(s.err, context.Canceled) {
				return pages, warnings, withPageNumber(s.err, s.page.Number)
			}
		}
	}
	if decodeErr != nil {
		if errors.Is(decodeErr, context.Canceled) || errors.Is(decodeErr, context.DeadlineExceeded) {
			decodeErr = contextError(decodeErr)
		}
		return pages, warnings, decodeErr
	}
	if cancelled != nil {
		return pages, warnings, cancelled
	}
	if len(pages) < len(slots) {
		return pages, warnings, document.Errorf(document.ErrInternal, "la lecture de l'image a été interrompue à la page %d", len(pages)+1)
	}
	var words int
	for _, p := range pages {
		for _, l := range p.Lines {
			words += len(l.Words)
		}
	}
	if words == 0 {
		warnings = append(warnings, "aucun texte n'a été reconnu dans l'image")
	}
	return pages, warnings, nil
}

func withPageNumber(err error, n int) error {
	var re *document.ReadError
	if !errors.As(err, &re) {
		re = contextError(err)
	}
	return &document.ReadError{Code: re.Code, Message: fmt.Sprintf("page %d : %s", n, re.Message), Cause: re.Cause}
}

// imageFormat names a format recognised by its first bytes.
func imageFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "tiff"
	case bytes.HasPrefix(data, []byte("II+\x00")), bytes.HasPrefix(data, []byte("MM\x00+")):
		return "bigtiff"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(data, []byte("BM")) && len(data) >= 26:
		return "bmp"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

type decoder struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var decoders = map[string]decoder{
	"png":  {png.DecodeConfig, png.Decode},
	"jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"gif":  {gif.DecodeConfig, gif.Decode}, // first frame: an animation is no document
	"bmp":  {bmp.DecodeConfig, bmp.Decode},
	"webp": {webp.DecodeConfig, webp.Decode},
	"tiff": {tiff.DecodeConfig, tiff.Decode},
}

// decodeFrames decodes each page of the image in turn and hands it to
// yield with its 1-based number and resolution; a nil image stands for a
// page that could not be read (a warning says why). It returns the
// warnings, and an error when the file as a whole cannot be read.
func decodeFrames(data []byte, lim limits.Limits, yield func(n int, img image.Image, dpi int) error) ([]string, error) {
	if len(data) == 0 {
		return nil, document.Errorf(document.ErrEmpty, "le fichier image est vide")
	}
	if lim.MaxFileBytes > 0 && int64(len(data)) > lim.MaxFileBytes {
		return nil, document.Errorf(document.ErrTooLarge,
			"le fichier image fait %d octets, au-delà de la limite de %d octets", len(data), lim.MaxFileBytes)
	}
	format := imageFormat(data)
	switch format {
	case "":
		return nil, document.Errorf(document.ErrUnsupported, "format d'image non reconnu")
	case "bigtiff":
		return nil, document.Errorf(document.ErrUnsupported, "les fichiers BigTIFF ne sont pas pris en charge")
	case "tiff":
		return decodeTIFF(data, lim, yield)
	}
	img, err := decodeOne(decoders[format], format, bytes.NewReader(data), lim)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	return nil, yield(1, img, pickDPI(metadataDPI(format, data), b.Dx(), b.Dy()))
}

// decodeOne checks the image's size from its header, then decodes it.
// Panics inside the decoders become ErrCorrupt.
func decodeOne(dec decoder, format string, r io.Reader, lim limits.Limits) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, document.Errorf(document.ErrCorrupt, "image %s corrompue (le décodeur a échoué : %v)", formatName(format), p)
		}
	}()
	cfg, err := dec.config(r)
	if errors.As(err, new(tiff.UnsupportedError)) {
		return nil, document.Errorf(document.ErrUnsupported, "image TIFF dans une variante non prise en charge : %w", err)
	}
	if err != nil {
		return nil, document.Errorf(document.ErrCorrupt, "image %s corrompue : %w", formatName(format), err)
	}
	if err := checkPixels(cfg.Width, cfg.Height, lim); err != nil {
		return nil, err
	}
	if s, ok := r.(io.Seeker); ok {
		if _, err := s.Seek(0, io.SeekStart); err != nil {
			return nil, document.Errorf(document.ErrInternal, "relecture de l'image impossible : %w", err)
		}
	}
	img, err = dec.decode(r)
	if errors.As(err, new(tiff.UnsupportedError)) {
		// JPEG-compressed TIFF (compression 7) mostly.
		return nil, document.Errorf(document.ErrUnsupported, "image TIFF dans une variante non prise en charge : %w", err)
	}
	if err != nil {
		return nil, document.Errorf(document.ErrCorrupt, "image %s corrompue : %w", formatName(format), err)
	}
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 || checkPixels(b.Dx(), b.Dy(), lim) != nil {
		return nil, document.Errorf(document.ErrCorrupt, "image %s corrompue : dimensions incohérentes", formatName(format))
	}
	return img, nil
}

func checkPixels(w, h int, lim limits.Limits) error {
	if w <= 0 || h <= 0 {
		return document.Errorf(document.ErrCorrupt, "image corrompue : dimensions nulles (%d × %d pixels)", w, h)
	}
	if lim.MaxPixels > 0 && int64(w)*int64(h) > lim.MaxPixels {
		return document.Errorf(document.ErrPixelLimit,
			"l'image fait %d × %d pixels, au-delà de la limite de %d pixels", w, h, lim.MaxPixels)
	}
	return nil
}

func formatName(format string) string {
	switch format {
	case "jpeg":
		return "JPEG"
	case "webp":
		return "WebP"
	}
	return map[string]string{"png": "PNG", "gif": "GIF", "bmp": "BMP", "tiff": "TIFF"}[format]
}

// tiffPage is one page of a TIFF file as the decoder sees it: the file
// with the header's first-page offset pointing at that page's directory.
// golang.org/x/image/tiff reads only the first page; this reads any.
type tiffPage struct {
	data []byte
	head [8]byte
	pos  int64
}

func (t *tiffPage) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("tiff: negative offset")
	}
	if off >= int64(len(t.data)) {
		return 0, io.EOF
	}
	n := copy(p, t.data[off:])
	if off < int64(len(t.head)) {
		copy(p, t.head[off:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (t *tiffPage) Read(p []byte) (int, error) {
	n, err := t.ReadAt(p, t.pos)
	t.pos += int64(n)
	return n, err
}

// tiffDir is one image file directory (page) of a TIFF file.
type tiffDir struct {
	offset  uint32
	dpi     float64
	reduced bool // a thumbnail (NewSubfileType bit 0), not a page
}

// tiffDirs walks the chain of directories, page by page.
func tiffDirs(data []byte, lim limits.Limits) ([]tiffDir, []string, error) {
	if len(data) < 8 {
		return nil, nil, document.Errorf(document.ErrCorrupt, "image TIFF corrompue : en-tête tronqué")
	}
	var order binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		order = binary.BigEndian
	}
	var (
		dirs     []tiffDir
		warnings []string
		seen     = map[uint32]bool{}
	)
	for off := order.Uint32(data[4:8]); off != 0; {
		if seen[off] {
			warnings = append(warnings, "fichier TIFF : la liste des pages boucle sur elle-même, pages suivantes ignorées")
			break
		}
		seen[off] = true
		if int64(off)+2 > int64(len(data)) {
			if len(dirs) == 0 {
				return nil, nil, document.Errorf(document.ErrCorrupt, "image TIFF corrompue : répertoire de page hors du fichier")
			}
			warnings = append(warnings, fmt.Sprintf("fichier TIFF : la page %d est hors du fichier, pages suivantes ignorées", len(dirs)+1))
			break
		}
		count := int64(order.Uint16(data[off:]))
		dir := tiffDir{offset: off}
		unit := uint16(2) // inches, the default
		var xres float64
		end := int64(off) + 2 + 12*count
		for i := int64(off) + 2; i+12 <= end && i+12 <= int64(len(data)); i += 12 {
			entry := data[i : i+12]
			tag, typ := order.Uint16(entry), order.Uint16(entry[2:])
			switch {
			case tag == 254 && (typ == 4 || typ == 3): // NewSubfileType
				v := order.Uint32(entry[8:])
				if typ == 3 {
					v = uint32(order.Uint16(entry[8:]))
				}
				dir.reduced = v&1 != 0
			case tag == 282 && typ == 5: // XResolution, RATIONAL at an offset
				if p := int64(order.Uint32(entry[8:])); p+8 <= int64(len(data)) {
					if den := order.Uint32(data[p+4:]); den != 0 {
						xres = float64(order.Uint32(data[p:])) / float64(den)
					}
				}
			case tag == 296 && typ == 3: // ResolutionUnit
				unit = order.Uint16(entry[8:])
			}
		}
		switch unit {
		case 2:
			dir.dpi = xres
		case 3:
			dir.dpi = xres * 2.54
		}
		dirs = append(dirs, dir)
		if lim.MaxPages > 0 && len(dirs) > lim.MaxPages {
			return nil, nil, document.Errorf(document.ErrPageLimit,
				"le fichier TIFF a plus de %d pages, la limite", lim.MaxPages)
		}
		if end+4 > int64(len(data)) {
			break // no room for the next-page offset: last page
		}
		off = order.Uint32(data[end:])
	}
	// Thumbnails are dropped, unless the file holds nothing else.
	pages := dirs[:0:0]
	for _, d := range dirs {
		if !d.reduced {
			pages = append(pages, d)
		}
	}
	if len(pages) == 0 {
		pages = dirs
	}
	return pages, warnings, nil
}

func decodeTIFF(data []byte, lim limits.Limits, yield func(n int, img image.Image, dpi int) error) ([]string, error) {
	dirs, warnings, err := tiffDirs(data, lim)
	if err != nil {
		return nil, err
	}
	for i, dir := range dirs {
		page := &tiffPage{data: data}
		copy(page.head[:], data[:8])
		order := binary.ByteOrder(binary.LittleEndian)
		if data[0] == 'M' {
			order = binary.BigEndian
		}
		order.PutUint32(page.head[4:], dir.offset)
		img, err := decodeOne(decoders["tiff"], "tiff", page, lim)
		if err != nil {
			// A huge page fails the file; a damaged page of a multi-page
			// file is skipped so that the others are still read.
			code := document.ErrorCode(err)
			if code != document.ErrCorrupt && code != document.ErrUnsupported || len(dirs) == 1 {
				return warnings, err
			}
			warnings = append(warnings, fmt.Sprintf("page %d du fichier TIFF illisible, ignorée : %s", i+1, err))
			if err := yield(i+1, nil, 0); err != nil {
				return warnings, err
			}
			continue
		}
		b := img.Bounds()
		if err := yield(i+1, img, pickDPI(dir.dpi, b.Dx(), b.Dy())); err != nil {
			return warnings, err
		}
	}
	return warnings, nil
}

// metadataDPI reads the resolution a PNG (pHYs), JPEG (JFIF) or BMP header
// declares; 0 when none.
func metadataDPI(format string, data []byte) float64 {
	switch format {
	case "png":
		for i := 8; i+12 <= len(data); {
			n := int(binary.BigEndian.Uint32(data[i:]))
			typ := string(data[i+4 : i+8])
			if typ == "IDAT" || n < 0 || n > len(data) {
				return 0
			}
			if typ == "pHYs" && n == 9 && i+8+9 <= len(data) && data[i+16] == 1 {
				return float64(binary.BigEndian.Uint32(data[i+8:])) * 0.0254
			}
			i += 12 + n
		}
	case "jpeg":
		// APP0 "JFIF\0" right after SOI: units at +11, X density at +12.
		if len(data) >= 18 && data[2] == 0xFF && data[3] == 0xE0 && string(data[6:11]) == "JFIF\x00" {
			density := float64(binary.BigEndian.Uint16(data[14:]))
			switch data[13] {
			case 1:
				return density
			case 2:
				return density * 2.54
			}
		}
	case "bmp":
		if len(data) >= 42 {
			return float64(int32(binary.LittleEndian.Uint32(data[38:]))) * 0.0254
		}
	}
	return 0
}

// pickDPI returns the resolution to read the image at: the declared one
// when it gives a plausible paper size, else one that makes the long side
// of the image an A4 page (phone photos and screenshots declare 72 dpi
// whatever their size).
func pickDPI(declared float64, w, h int) int {
	long := float64(max(w, h))
	if declared >= 50 && declared <= 1200 && long/declared <= 17.5 { // up to A3
		return int(math.Round(declared))
	}
	return int(min(max(math.Round(long/11.69), 70), 1200))
}
