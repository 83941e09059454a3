package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// PageOCR recognises one rendered page. It returns the page's lines with
// boxes in points (the image is dpi pixels per inch), origin top-left.
type PageOCR interface {
	RecognizeImage(ctx context.Context, img image.Image, dpi int) (document.Page, error)
}

// Options of Read.
type Options struct {
	OCR PageOCR // nil: never OCR
	// OCRMode is "auto" (the default: OCR the pages whose text layer is
	// missing, nearly empty over a scan, or garbage), "force" (OCR every
	// page) or "off" (never OCR).
	OCRMode string
	Limits  limits.Limits
}

// Attachment is a file embedded in the PDF (Factur-X, ZUGFeRD and Order-X
// carry their XML this way).
type Attachment struct {
	Name string
	Data []byte
}

// maxAttachments bounds the embedded files read from one PDF.
const maxAttachments = 100

// withDefaults fills the zero fields of lim with the defaults.
func withDefaults(lim limits.Limits) limits.Limits {
	def := limits.Default()
	if lim.MaxFileBytes <= 0 {
		lim.MaxFileBytes = def.MaxFileBytes
	}
	if lim.MaxPages <= 0 {
		lim.MaxPages = def.MaxPages
	}
	if lim.MaxPixels <= 0 {
		lim.MaxPixels = def.MaxPixels
	}
	if lim.MaxTextBytes <= 0 {
		lim.MaxTextBytes = def.MaxTextBytes
	}
	if lim.PageTimeout <= 0 {
		lim.PageTimeout = def.PageTimeout
	}
	if lim.OCRWorkers <= 0 {
		lim.OCRWorkers = 1
	}
	if lim.RenderDPI <= 0 {
		lim.RenderDPI = def.RenderDPI
	}
	return lim
}

// checkInput rejects what is not worth handing to pdfium.
func checkInput(data []byte, lim limits.Limits) error {
	if len(data) == 0 {
		return document.Errorf(document.ErrEmpty, "fichier PDF vide")
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return document.Errorf(document.ErrTooLarge, "PDF trop volumineux (%d octets, limite %d)", len(data), lim.MaxFileBytes)
	}
	// pdfium, like Acrobat, accepts the header anywhere in the first 1 KiB.
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return document.Errorf(document.ErrCorrupt, "ce fichier n'est pas un PDF (en-tête %%PDF absent)")
	}
	return nil
}

// openDocument loads data into the session's instance and counts its pages.
func openDocument(ctx context.Context, s *session, data []byte, lim limits.Limits) (references.FPDF_DOCUMENT, int, error) {
	var doc references.FPDF_DOCUMENT
	var pages int
	err := s.guard(ctx, lim.PageTimeout, 0, func() error {
		res, err := s.inst.FPDF_LoadMemDocument(&requests.FPDF_LoadMemDocument{Data: &data})
		if err != nil {
			return openError(err)
		}
		doc = res.Document
		n, err := s.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc})
		if err != nil {
			return document.Errorf(document.ErrCorrupt, "PDF illisible : arborescence des pages endommagée : %w", err)
		}
		pages = n.PageCount
		return nil
	})
	if err != nil {
		return doc, 0, err
	}
	if findKidsLoop(data) {
		return doc, 0, document.Errorf(document.ErrCorrupt, "PDF illisible : l'arborescence des pages forme une boucle")
	}
	if pages <= 0 {
		return doc, 0, document.Errorf(document.ErrCorrupt, "PDF illisible : aucune page trouvée (fichier tronqué ou arborescence des pages endommagée)")
	}
	if pages > lim.MaxPages {
		return doc, pages, document.Errorf(document.ErrPageLimit, "PDF de %d pages : au-delà de la limite de %d pages", pages, lim.MaxPages)
	}
	return doc, pages, nil
}

func openError(err error) error {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
		return document.Errorf(document.ErrEncrypted, "PDF protégé par mot de passe : %w", err)
	case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile):
		return document.Errorf(document.ErrCorrupt, "PDF illisible (fichier tronqué ou endommagé) : %w", err)
	default:
		return document.Errorf(document.ErrCorrupt, "PDF illisible : %w", err)
	}
}

// Read returns the document's pages (1-based Number, size in points,
// Source text_layer or ocr, Lines built from words whose boxes are in
// points with the origin top-left), warnings in French, and the embedded
// files. On error, the pages read before it are returned too.
func (e *Engine) Read(ctx context.Context, data []byte, opt Options) (pages []document.Page, attachments []Attachment, warnings []string, err error) {
	lim := withDefaults(opt.Limits)
	if err := checkInput(data, lim); err != nil {
		return nil, nil, nil, err
	}
	if lim.FileTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.FileTimeout)
		defer cancel()
	}
	s, release, err := e.borrow(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	defer release()

	doc, count, err := openDocument(ctx, s, data, lim)
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if !s.killed.Load() {
			_, _ = s.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc})
		}
	}()

	attachments, warnings = readAttachments(ctx, s, doc, lim)
	if s.killed.Load() {
		return nil, attachments, warnings, contextError(ctx, 0)
	}

	mode := strings.ToLower(strings.TrimSpace(opt.OCRMode))
	if mode == "" {
		mode = OCRAuto
	}
	canOCR := opt.OCR != nil && mode != OCROff

	r := &reader{s: s, doc: doc, lim: lim, ocr: opt.OCR, sem: make(chan struct{}, lim.OCRWorkers)}
	pages = make([]document.Page, 0, count)
	var textBytes int64
	var unreadable []int
	for i := range count {
		if err := ctx.Err(); err != nil {
			r.wg.Wait()
			return r.finish(pages), attachments, append(warnings, r.warnings...), contextError(ctx, 0)
		}
		page, reason, err := r.readPage(ctx, i)
		if err != nil {
			r.wg.Wait()
			return r.finish(pages), attachments, append(warnings, r.warnings...), err
		}
		wantOCR := mode == OCRForce || reason != ""
		switch {
		case wantOCR && canOCR:
			if err := r.startOCR(ctx, i, &page); err != nil {
				r.wg.Wait()
				return r.finish(pages), attachments, append(warnings, r.warnings...), err
			}
			page.Lines = nil
		case reason != "":
			page.Lines = nil
			page.Source = document.SourceNone
			unreadable = append(unreadable, i+1)
		}
		for n, l := range page.Lines {
			for _, w := range l.Words {
				textBytes += int64(len(w.Text)) + 1
			}
			if textBytes > lim.MaxTextBytes {
				page.Lines = page.Lines[:n]
				break
			}
		}
		if textBytes > lim.MaxTextBytes {
			r.wg.Wait()
			warnings = append(warnings, fmt.Sprintf("texte du PDF tronqué à la page %d : plus de %d octets de texte", i+1, lim.MaxTextBytes))
			pages = append(pages, page)
			return r.finish(pages), attachments, append(warnings, r.warnings...), nil
		}
		pages = append(pages, page)
	}
	r.wg.Wait()
	pages = r.finish(pages)
	warnings = append(warnings, r.warnings...)
	if len(unreadable) > 0 {
		why := "aucun OCR disponible"
		if mode == OCROff {
			why = "OCR désactivé"
		}
		warnings = append(warnings, fmt.Sprintf("%s sans texte lisible (%s) : %s", pagesLabel(unreadable), why, pageList(unreadable)))
	}
	if err := ctx.Err(); err != nil {
		return pages, attachments, warnings, contextError(ctx, 0)
	}
	return pages, attachments, warnings, nil
}

func pagesLabel(p []int) string {
	if len(p) == 1 {
		return "page"
	}
	return "pages"
}

func pageList(p []int) string {
	s := make([]string, len(p))
	for i, n := range p {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// reader reads the pages of one open document, handing the pages that need
// it to OCR workers while pdfium goes on with the next pages.
type reader struct {
	s   *session
	doc references.FPDF_DOCUMENT
	lim limits.Limits
	ocr PageOCR
	sem chan struct{}
	wg  sync.WaitGroup

	mu          sync.Mutex
	ocrPages    map[int]document.Page // 0-based index → OCR result
	ocrWarnings []pageWarning
	warnings    []string
}

type pageWarning struct {
	page int
	text string
}

// readPage reads page i's text layer and says why it cannot be used ("" if
// it can).
func (r *reader) readPage(ctx context.Context, i int) (document.Page, string, error) {
	var pc pageContent
	err := r.s.guard(ctx, r.lim.PageTimeout, i+1, func() error {
		var err error
		pc, err = readPage(r.s.inst, r.doc, i)
		if err != nil {
			return document.Errorf(document.ErrCorrupt, "page %d du PDF illisible : %w", i+1, err)
		}
		if pc.stats.needsObjects() {
			if err := countObjects(r.s.inst, r.doc, i, pc.geom, &pc.stats); err != nil {
				return document.Errorf(document.ErrCorrupt, "page %d du PDF illisible : %w", i+1, err)
			}
			pc.stats.objectsRead = true
		}
		return nil
	})
	if err != nil {
		return document.Page{}, "", err
	}
	if pc.truncated {
		r.warn(i+1, "page %d : plus de %d mots, la suite de la page est ignorée", i+1, maxWordsPerPage)
	}
	page := document.Page{
		Number: i + 1,
		Width:  pc.geom.width,
		Height: pc.geom.height,
		Source: document.SourceTextLayer,
		Lines:  document.BuildLines(pc.words),
	}
	return page, pc.stats.ocrReason(), nil
}

// startOCR renders page i and recognises it in the background, at most
// OCRWorkers pages at a time (which also bounds the images held).
func (r *reader) startOCR(ctx context.Context, i int, page *document.Page) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return contextError(ctx, i+1)
	}
	dpi, err := ocrDPI(page.Width, page.Height, r.lim)
	if err != nil {
		<-r.sem
		r.warn(i+1, "page %d non lue par OCR : %v", i+1, err)
		return nil
	}
	var img image.Image
	err = r.s.guard(ctx, r.lim.PageTimeout, i+1, func() error {
		var err error
		img, err = renderPage(r.s.inst, r.doc, i, dpi, true)
		return err
	})
	if err != nil {
		<-r.sem
		if document.ErrorCode(err) == document.ErrTimeout || r.s.killed.Load() {
			return err
		}
		r.warn(i+1, "page %d non lue par OCR : rendu impossible (%v)", i+1, err)
		return nil
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() { <-r.sem }()
		defer func() {
			if p := recover(); p != nil {
				r.warn(i+1, "page %d non lue par OCR : erreur interne (%v)", i+1, p)
			}
		}()
		octx, cancel := context.WithTimeout(ctx, r.lim.PageTimeout)
		defer cancel()
		res, err := r.ocr.RecognizeImage(octx, img, dpi)
		if err != nil {
			if octx.Err() != nil && ctx.Err() == nil {
				r.warn(i+1, "page %d non lue par OCR : délai dépassé", i+1)
			} else {
				r.warn(i+1, "page %d non lue par OCR : %v", i+1, err)
			}
			return
		}
		r.mu.Lock()
		if r.ocrPages == nil {
			r.ocrPages = map[int]document.Page{}
		}
		r.ocrPages[i] = res
		r.mu.Unlock()
	}()
	return nil
}

// warn records a warning about page (1-based).
func (r *reader) warn(page int, format string, args ...any) {
	r.mu.Lock()
	r.ocrWarnings = append(r.ocrWarnings, pageWarning{page, fmt.Sprintf(format, args...)})
	r.mu.Unlock()
}

// finish puts the OCR results in their pages. Call it once the workers are
// done.
func (r *reader) finish(pages []document.Page) []document.Page {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range pages {
		res, ok := r.ocrPages[pages[i].Number-1]
		if !ok {
			continue
		}
		pages[i].Source = document.SourceOCR
		pages[i].Rotation = res.Rotation
		pages[i].Lines = res.Lines
	}
	// Workers finish in any order: report their warnings in page order.
	sort.SliceStable(r.ocrWarnings, func(a, b int) bool { return r.ocrWarnings[a].page < r.ocrWarnings[b].page })
	for _, w := range r.ocrWarnings {
		r.warnings = append(r.warnings, w.text)
	}
	r.ocrWarnings = nil
	return pages
}

// readAttachments returns the embedded files, each bounded by MaxFileBytes.
// A file that cannot be read is reported in a warning, not as an error:
// the pages may still be read.
func readAttachments(ctx context.Context, s *session, doc references.FPDF_DOCUMENT, lim limits.Limits) ([]Attachment, []string) {
	var out []Attachment
	var warnings []string
	err := s.guard(ctx, lim.PageTimeout, 0, func() error {
		n, err := s.inst.FPDFDoc_GetAttachmentCount(&requests.FPDFDoc_GetAttachmentCount{Document: doc})
		if err != nil || n.AttachmentCount <= 0 {
			return nil
		}
		count := n.AttachmentCount
		if count > maxAttachments {
			warnings = append(warnings, fmt.Sprintf("PDF avec %d fichiers joints : seuls les %d premiers sont lus", count, maxAttachments))
			count = maxAttachments
		}
		var total int64
		for i := range count {
			a, err := s.inst.FPDFDoc_GetAttachment(&requests.FPDFDoc_GetAttachment{Document: doc, Index: i})
			if err != nil {
				continue
			}
			name, err := s.inst.FPDFAttachment_GetName(&requests.FPDFAttachment_GetName{Attachment: a.Attachment})
			if err != nil {
				continue
			}
			f, err := s.inst.FPDFAttachment_GetFile(&requests.FPDFAttachment_GetFile{Attachment: a.Attachment})
			if err != nil || f.Contents == nil {
				warnings = append(warnings, fmt.Sprintf("fichier joint %q illisible", name.Name))
				continue
			}
			total += int64(len(f.Contents))
			if int64(len(f.Contents)) > lim.MaxFileBytes || total > lim.MaxFileBytes {
				warnings = append(warnings, fmt.Sprintf("fichier joint %q ignoré : trop volumineux (%d octets)", name.Name, len(f.Contents)))
				continue
			}
			out = append(out, Attachment{Name: name.Name, Data: f.Contents})
		}
		return nil
	})
	if err != nil {
		warnings = append(warnings, fmt.Sprintf("fichiers joints du PDF non lus : %v", err))
	}
	return out, warnings
}
