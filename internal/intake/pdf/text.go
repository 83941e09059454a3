package pdf

import (
	"math"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// maxWordsPerPage bounds the words kept from one page: a dense real page
// holds a few thousand, and grouping them into rows costs more than linear
// time, so a hostile page must not bring millions.
const maxWordsPerPage = 20_000

// maxObjectsScanned bounds the page objects looked at to decide whether a
// page is a scan or text drawn as outlines: counting stops there.
const maxObjectsScanned = 3000

// pageGeometry maps pdfium page space (PDF user space, origin bottom-left,
// before /Rotate) to the page as displayed: points, origin top-left,
// /Rotate applied, which is how the page is rendered and read.
type pageGeometry struct {
	left, bottom, right, top float64 // the page box (CropBox within MediaBox)
	rotation                 int     // quarter turns clockwise
	width, height            float64 // displayed size
}

func (g pageGeometry) point(x, y float64) (float64, float64) {
	switch g.rotation {
	case 1:
		return y - g.bottom, x - g.left
	case 2:
		return g.right - x, y - g.bottom
	case 3:
		return g.top - y, g.right - x
	default:
		return x - g.left, g.top - y
	}
}

// box maps a rectangle given by two opposite corners in page space.
func (g pageGeometry) box(x0, y0, x1, y1 float64) document.Box {
	ax, ay := g.point(x0, y0)
	bx, by := g.point(x1, y1)
	return document.Box{X0: math.Min(ax, bx), Y0: math.Min(ay, by), X1: math.Max(ax, bx), Y1: math.Max(ay, by)}
}

// pageContent is what the text layer of one page gives.
type pageContent struct {
	geom      pageGeometry
	words     []document.Word
	stats     pageStats
	truncated bool // more than maxWordsPerPage words
}

func pageRef(doc references.FPDF_DOCUMENT, index int) requests.Page {
	return requests.Page{ByIndex: &requests.PageByIndex{Document: doc, Index: index}}
}

func readGeometry(inst pdfium.Pdfium, page requests.Page) (pageGeometry, error) {
	var g pageGeometry
	bb, err := inst.FPDF_GetPageBoundingBox(&requests.FPDF_GetPageBoundingBox{Page: page})
	if err != nil {
		return g, err
	}
	rot, err := inst.FPDFPage_GetRotation(&requests.FPDFPage_GetRotation{Page: page})
	if err != nil {
		return g, err
	}
	r := bb.Rect
	g.left, g.right = float64(min(r.Left, r.Right)), float64(max(r.Left, r.Right))
	g.bottom, g.top = float64(min(r.Bottom, r.Top)), float64(max(r.Bottom, r.Top))
	g.rotation = int(rot.PageRotation) & 3
	g.width, g.height = g.right-g.left, g.top-g.bottom
	if g.rotation%2 == 1 {
		g.width, g.height = g.height, g.width
	}
	return g, nil
}

// readPage reads the text layer of page index (0-based): its words in
// displayed coordinates and the statistics that decide whether to OCR it.
func readPage(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, index int) (pageContent, error) {
	var pc pageContent
	page := pageRef(doc, index)
	geom, err := readGeometry(inst, page)
	if err != nil {
		return pc, err
	}
	pc.geom = geom

	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
	if err != nil {
		return pc, err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	count, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return pc, err
	}

	var wb wordBuilder
	for i := 0; i < count.Count; i++ {
		if len(wb.words) >= maxWordsPerPage {
			pc.truncated = true
			break
		}
		u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp.TextPage, Index: i})
		if err != nil {
			return pc, err
		}
		r := rune(u.Unicode)
		if r != 0 && (unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff') {
			wb.flush()
			continue
		}
		unmapped := r == 0
		if !unmapped {
			me, err := inst.FPDFText_HasUnicodeMapError(&requests.FPDFText_HasUnicodeMapError{TextPage: tp.TextPage, Index: i})
			if err == nil && me.HasUnicodeMapError {
				unmapped = true
			}
		}
		pc.stats.addChar(r, unmapped)
		if r == 0 || unicode.IsControl(r) {
			wb.flush()
			continue
		}
		cb, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp.TextPage, Index: i})
		if err != nil {
			// pdfium has no box for this char (for example a zero-size
			// font): it cannot be placed, so it is left out.
			wb.flush()
			continue
		}
		rc := cb.Rect
		b := geom.box(float64(rc.Left), float64(rc.Bottom), float64(rc.Right), float64(rc.Top))
		if !visible(b, geom) {
			wb.flush()
			continue
		}
		wb.add(r, b)
	}
	wb.flush()
	pc.words = wb.words
	pc.stats.finishWords(pc.words)
	return pc, nil
}

// visible says whether the centre of b lies on the page: text outside the
// crop box is not printed and must not be read.
func visible(b document.Box, g pageGeometry) bool {
	cx, cy := (b.X0+b.X1)/2, (b.Y0+b.Y1)/2
	return cx >= -1 && cy >= -1 && cx <= g.width+1 && cy <= g.height+1
}

// countObjects counts the page's top-level objects by kind, and the share
// of the page covered by images, to tell scans and text drawn as outlines
// from pages that are simply blank.
func countObjects(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, index int, geom pageGeometry, st *pageStats) error {
	page := pageRef(doc, index)
	n, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return err
	}
	st.objects = n.Count
	var imageArea float64
	for i := 0; i < min(n.Count, maxObjectsScanned); i++ {
		obj, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: i})
		if err != nil {
			return err
		}
		t, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: obj.PageObject})
		if err != nil {
			return err
		}
		switch t.Type {
		case enums.FPDF_PAGEOBJ_PATH:
			st.paths++
		case enums.FPDF_PAGEOBJ_IMAGE, enums.FPDF_PAGEOBJ_FORM:
			// A form XObject often wraps the scanned image.
			st.images++
			bounds, err := inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: obj.PageObject})
			if err == nil {
				b := geom.box(float64(bounds.Left), float64(bounds.Bottom), float64(bounds.Right), float64(bounds.Top))
				b = document.Box{X0: max(b.X0, 0), Y0: max(b.Y0, 0), X1: min(b.X1, geom.width), Y1: min(b.Y1, geom.height)}
				if b.X1 > b.X0 && b.Y1 > b.Y0 {
					imageArea += b.Width() * b.Height()
				}
			}
		case enums.FPDF_PAGEOBJ_TEXT:
			st.texts++
		}
	}
	if area := geom.width * geom.height; area > 0 {
		st.imageCover = min(imageArea/area, 1)
	}
	return nil
}

// wordBuilder joins characters into words: runs of non-space characters
// whose boxes touch. pdfium inserts spaces and line breaks it infers, the
// geometry check catches the gaps it does not mark.
type wordBuilder struct {
	words []document.Word
	text  []rune
	box   document.Box
	last  document.Box
}

func (wb *wordBuilder) add(r rune, b document.Box) {
	if b.Height() < 0.5 {
		// Degenerate boxes (zero-size fonts) would make a word zero-high,
		// and BuildLines could then not place it on a row.
		c := (b.Y0 + b.Y1) / 2
		b.Y0, b.Y1 = c-0.25, c+0.25
	}
	if b.Width() < 0 {
		b.X0, b.X1 = b.X1, b.X0
	}
	if len(wb.text) > 0 && !adjacent(wb.last, b) {
		wb.flush()
	}
	if len(wb.text) == 0 {
		wb.box = b
	} else {
		wb.box = wb.box.Union(b)
	}
	wb.text = append(wb.text, r)
	wb.last = b
}

func (wb *wordBuilder) flush() {
	if len(wb.text) == 0 {
		return
	}
	wb.words = append(wb.words, document.Word{Text: string(wb.text), Box: wb.box, Confidence: 1})
	wb.text = wb.text[:0]
}

// adjacent says whether b continues the word whose last character is a:
// the boxes touch or nearly so, in the direction of writing (left to right,
// or top to bottom for vertical text).
func adjacent(a, b document.Box) bool {
	h := math.Max(math.Max(a.Height(), b.Height()), 1)
	w := math.Max(math.Max(a.Width(), b.Width()), 1)
	tol := 0.3 * math.Min(h, w*2)
	// Horizontal writing: same band, b starts near where a ends.
	sameBand := math.Min(a.Y1, b.Y1)-math.Max(a.Y0, b.Y0) > 0.5*math.Min(a.Height(), b.Height())
	if sameBand && b.X0 <= a.X1+tol && b.X1 >= a.X0-tol {
		return true
	}
	// Vertical writing: same column, b follows a above or below.
	sameColumn := math.Min(a.X1, b.X1)-math.Max(a.X0, b.X0) > 0.5*math.Min(a.Width(), b.Width())
	return sameColumn && b.Y0 <= a.Y1+tol && b.Y1 >= a.Y0-tol && !sameBand
}
