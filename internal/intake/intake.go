// Package intake turns an attachment's bytes into a Document: it sniffs the
// format from the content, hashes it, enforces the limits, and hands the
// bytes to the reader for that format (PDF, OCR, office, e-mail, archive).
package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/einvoice"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	"github.com/depenses-eclairees/depenses/internal/intake/ocr"
	"github.com/depenses-eclairees/depenses/internal/intake/office"
	"github.com/depenses-eclairees/depenses/internal/intake/pdf"
)

// OCR modes, as given to `depenses extract --ocr`.
const (
	OCRAuto  = pdf.OCRAuto
	OCRForce = pdf.OCRForce
	OCROff   = pdf.OCROff
)

// Options configure a Reader.
type Options struct {
	Limits     limits.Limits
	OCRMode    string // OCRAuto, OCRForce or OCROff
	NoEmbedded bool   // ignore embedded e-invoice XML and read the pages
	Workers    int    // documents read at once (sizes the PDF engine pool)
}

// Reader reads documents. It starts the PDF and OCR engines on first use,
// so that reading a DOCX costs neither, and is safe for concurrent use.
type Reader struct {
	opts Options

	pdfOnce sync.Once
	pdf     *pdf.Engine
	pdfErr  error

	ocrOnce sync.Once
	ocr     *ocr.Engine
	ocrErr  error
}

// New returns a Reader; Close releases its engines.
func New(opts Options) *Reader {
	if opts.Limits == (limits.Limits{}) {
		opts.Limits = limits.Default()
	}
	if opts.OCRMode == "" {
		opts.OCRMode = OCRAuto
	}
	if opts.Workers <= 0 {
		opts.Workers = opts.Limits.OCRWorkers
	}
	return &Reader{opts: opts}
}

// Close stops the engines that were started.
func (r *Reader) Close() error {
	if r.pdf != nil {
		return r.pdf.Close()
	}
	return nil
}

func (r *Reader) pdfEngine(ctx context.Context) (*pdf.Engine, error) {
	r.pdfOnce.Do(func() {
		r.pdf, r.pdfErr = pdf.NewEngine(context.WithoutCancel(ctx), r.opts.Workers)
		if r.pdfErr != nil {
			r.pdfErr = document.Errorf(document.ErrInternal, "le moteur PDF n'a pas pu démarrer : %w", r.pdfErr)
		}
	})
	return r.pdf, r.pdfErr
}

// ocrEngine returns the OCR engine, or an error naming what to install.
func (r *Reader) ocrEngine() (*ocr.Engine, error) {
	r.ocrOnce.Do(func() {
		r.ocr, r.ocrErr = ocr.New(ocr.Config{
			Workers:     r.opts.Limits.OCRWorkers,
			PageTimeout: r.opts.Limits.PageTimeout,
		})
	})
	return r.ocr, r.ocrErr
}

// ReadFile reads the file at path. The size is checked before the file is
// loaded, so an oversized file costs no memory.
func (r *Reader) ReadFile(ctx context.Context, path string) *document.Document {
	doc := &document.Document{Name: path}
	f, err := os.Open(path)
	if err != nil {
		doc.Err = document.Errorf(document.ErrCorrupt, "impossible d'ouvrir le fichier : %w", err)
		return doc
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		doc.Err = document.Errorf(document.ErrCorrupt, "impossible de lire le fichier : %w", err)
		return doc
	}
	if info.IsDir() {
		doc.Err = document.Errorf(document.ErrUnsupported, "%s est un dossier, pas un fichier", path)
		return doc
	}
	doc.Size = info.Size()
	if max := r.opts.Limits.MaxFileBytes; info.Size() > max {
		doc.Err = document.Errorf(document.ErrTooLarge, "fichier de %s, au-delà de la limite de %s", humanBytes(info.Size()), humanBytes(max))
		return doc
	}
	data, err := io.ReadAll(io.LimitReader(f, r.opts.Limits.MaxFileBytes+1))
	if err != nil {
		doc.Err = document.Errorf(document.ErrCorrupt, "lecture du fichier interrompue : %w", err)
		return doc
	}
	return r.Read(ctx, path, data)
}

// Read reads one document from its bytes. It never panics and always
// returns a Document: when reading fails, Err says why.
func (r *Reader) Read(ctx context.Context, name string, data []byte) *document.Document {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Limits.FileTimeout)
	defer cancel()
	return r.read(ctx, name, data, &tree{expanded: new(int64)})
}

// tree is what one input file and everything unpacked from it have used,
// so that nested archives share one budget (a 42.zip-style bomb stops early).
type tree struct {
	depth    int
	expanded *int64 // bytes unpacked so far, shared by the whole tree
}

func (t *tree) child() *tree { return &tree{depth: t.depth + 1, expanded: t.expanded} }

func (r *Reader) read(ctx context.Context, name string, data []byte, t *tree) (doc *document.Document) {
	sum := sha256.Sum256(data)
	doc = &document.Document{
		Name:   name,
		SHA256: hex.EncodeToString(sum[:]),
		Size:   int64(len(data)),
	}
	defer func() {
		if p := recover(); p != nil {
			doc.Err = document.Errorf(document.ErrInternal, "erreur interne pendant la lecture : %v", p)
			doc.Warnings = append(doc.Warnings, "trace : "+firstLines(string(debug.Stack()), 12))
		}
		if doc.Err == nil && ctx.Err() != nil {
			doc.Err = document.Errorf(document.ErrTimeout, "lecture interrompue au bout du délai imparti (%s)", r.opts.Limits.FileTimeout)
		}
	}()
	switch {
	case len(data) == 0:
		doc.MediaType = TypeUnknown
		doc.Err = document.Errorf(document.ErrEmpty, "le fichier est vide")
		return doc
	case int64(len(data)) > r.opts.Limits.MaxFileBytes:
		doc.MediaType = TypeUnknown
		doc.Err = document.Errorf(document.ErrTooLarge, "fichier de %s, au-delà de la limite de %s", humanBytes(int64(len(data))), humanBytes(r.opts.Limits.MaxFileBytes))
		return doc
	}
	doc.MediaType = Sniff(name, data)
	if w := extensionMismatch(name, doc.MediaType); w != "" {
		doc.Warnings = append(doc.Warnings, w)
	}
	var err error
	switch mt := doc.MediaType; {
	case mt == TypePDF:
		err = r.readPDF(ctx, doc, data, t)
	case strings.HasPrefix(mt, "image/"):
		err = r.readImage(ctx, doc, data)
	case mt == TypeZIP:
		err = r.readZIP(ctx, doc, data, t)
	case mt == TypeEML:
		err = r.readEmail(ctx, doc, data, t)
	case mt == TypeXML && !r.opts.NoEmbedded && einvoice.Sniff(data):
		// A bad e-invoice is still an XML file whose text can be read.
		var perr error
		if doc.Embedded, perr = einvoice.Parse(data); perr != nil {
			doc.Warnings = append(doc.Warnings, "facture électronique illisible, lue comme XML : "+perr.Error())
		}
		doc.Pages, doc.Warnings, err = r.readOffice(ctx, doc, data, officeKinds[mt])
	case officeKinds[mt] != "":
		doc.Pages, doc.Warnings, err = r.readOffice(ctx, doc, data, officeKinds[mt])
	default:
		err = document.Errorf(document.ErrUnsupported, "format non reconnu : le contenu ne correspond à aucun format pris en charge (PDF, image, bureautique, texte, courriel, ZIP)")
	}
	if err != nil {
		doc.Err = asReadError(err)
	}
	return doc
}

func (r *Reader) readOffice(ctx context.Context, doc *document.Document, data []byte, kind office.Kind) ([]document.Page, []string, error) {
	pages, warnings, err := r.readOfficeText(ctx, data, kind)
	return pages, append(doc.Warnings, warnings...), err
}

func (r *Reader) readOfficeText(ctx context.Context, data []byte, kind office.Kind) ([]document.Page, []string, error) {
	return office.Read(ctx, data, kind, r.opts.Limits)
}

func (r *Reader) readPDF(ctx context.Context, doc *document.Document, data []byte, t *tree) error {
	engine, err := r.pdfEngine(ctx)
	if err != nil {
		return err
	}
	opt := pdf.Options{OCRMode: r.opts.OCRMode, Limits: r.opts.Limits}
	if r.opts.OCRMode != OCROff {
		if eng, err := r.ocrEngine(); err == nil {
			opt.OCR = eng
		} else {
			doc.Warnings = append(doc.Warnings, "OCR indisponible : "+err.Error())
		}
	}
	pages, attachments, warnings, err := engine.Read(ctx, data, opt)
	doc.Pages = pages
	doc.Warnings = append(doc.Warnings, warnings...)
	if err != nil {
		return err
	}
	for _, a := range attachments {
		if !r.opts.NoEmbedded && doc.Embedded == nil && (einvoice.IsEInvoiceName(a.Name) || einvoice.Sniff(a.Data)) {
			emb, err := einvoice.Parse(a.Data)
			if err == nil {
				doc.Embedded = emb
				continue
			}
			doc.Warnings = append(doc.Warnings, fmt.Sprintf("XML embarqué %q illisible : %v", a.Name, err))
		}
		if r.opts.NoEmbedded && einvoice.IsEInvoiceName(a.Name) {
			continue
		}
		if !r.addChild(ctx, doc, a.Name, a.Data, t) {
			break
		}
	}
	return nil
}

func (r *Reader) readImage(ctx context.Context, doc *document.Document, data []byte) error {
	if r.opts.OCRMode == OCROff {
		doc.Warnings = append(doc.Warnings, "image non lue : OCR désactivé (--ocr off)")
		return nil
	}
	engine, err := r.ocrEngine()
	if err != nil {
		return err
	}
	pages, warnings, err := engine.ReadImageFile(ctx, data, r.opts.Limits)
	doc.Pages = pages
	doc.Warnings = append(doc.Warnings, warnings...)
	return err
}

// addChild reads a document found inside doc (archive member, e-mail or PDF
// attachment). It returns false once the number of children is at its limit.
func (r *Reader) addChild(ctx context.Context, doc *document.Document, name string, data []byte, t *tree) bool {
	if len(doc.Children) >= r.opts.Limits.MaxChildren {
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("plus de %d pièces : les suivantes sont ignorées", r.opts.Limits.MaxChildren))
		return false
	}
	child := &document.Document{Name: name}
	if t.depth+1 > r.opts.Limits.MaxDepth {
		child.Err = document.Errorf(document.ErrArchive, "imbrication trop profonde (plus de %d niveaux d'archives ou de courriels)", r.opts.Limits.MaxDepth)
	} else {
		child = r.read(ctx, name, data, t.child())
	}
	doc.Children = append(doc.Children, child)
	return true
}

// asReadError makes sure every error reported carries a code and a French message.
func asReadError(err error) *document.ReadError {
	var re *document.ReadError
	if errors.As(err, &re) {
		return re
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return document.Errorf(document.ErrTimeout, "délai dépassé : %w", err)
	}
	return document.Errorf(document.ErrCorrupt, "fichier illisible : %w", err)
}

var extensionTypes = map[string][]string{
	".pdf": {TypePDF}, ".png": {TypePNG}, ".jpg": {TypeJPEG}, ".jpeg": {TypeJPEG},
	".tif": {TypeTIFF}, ".tiff": {TypeTIFF}, ".gif": {TypeGIF}, ".bmp": {TypeBMP}, ".webp": {TypeWebP},
	".zip": {TypeZIP}, ".eml": {TypeEML}, ".docx": {TypeDOCX}, ".xlsx": {TypeXLSX}, ".pptx": {TypePPTX},
	".odt": {TypeODT}, ".ods": {TypeODS}, ".odp": {TypeODP}, ".doc": {TypeDOC, TypeRTF}, ".xls": {TypeXLS},
	".ppt": {TypePPT}, ".rtf": {TypeRTF}, ".html": {TypeHTML}, ".htm": {TypeHTML}, ".xml": {TypeXML},
	".csv": {TypeCSV, TypeText}, ".txt": {TypeText, TypeCSV},
}

// extensionMismatch warns when a file's extension promises another format
// than its content: common with attachments renamed by hand.
func extensionMismatch(name, mediaType string) string {
	ext := strings.ToLower(filepath.Ext(name))
	want, known := extensionTypes[ext]
	if !known {
		return ""
	}
	for _, t := range want {
		if t == mediaType {
			return ""
		}
	}
	return fmt.Sprintf("l'extension %s ne correspond pas au contenu (%s) : le contenu fait foi", ext, mediaType)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f Gio", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f Mio", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f Kio", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d octets", n)
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], " | ")
}
