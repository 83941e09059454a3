// Package document holds the types every stage shares: a Document read from
// an attachment, its pages, lines and words with their boxes, and the
// extraction result that the public contract describes.
package document

import (
	"strings"
)

// TextSource says where a page's text came from. The names are part of the
// public contract (CONTRACT.md §3).
type TextSource string

const (
	SourceTextLayer   TextSource = "text_layer"
	SourceOCR         TextSource = "ocr"
	SourceMixed       TextSource = "mixed"
	SourceEmbeddedXML TextSource = "embedded_xml"
	SourceOffice      TextSource = "office"
	SourceNone        TextSource = ""
)

// Box is a rectangle in PDF points (1/72 inch), origin at the top-left
// corner of the page, y growing downwards.
type Box struct {
	X0, Y0, X1, Y1 float64
}

// Width and Height of the box.
func (b Box) Width() float64  { return b.X1 - b.X0 }
func (b Box) Height() float64 { return b.Y1 - b.Y0 }

// Union returns the smallest box holding both.
func (b Box) Union(o Box) Box {
	if b == (Box{}) {
		return o
	}
	if o == (Box{}) {
		return b
	}
	return Box{min(b.X0, o.X0), min(b.Y0, o.Y0), max(b.X1, o.X1), max(b.Y1, o.Y1)}
}

// Array gives the box as the contract's [x0, y0, x1, y1].
func (b Box) Array() []float64 {
	return []float64{round2(b.X0), round2(b.Y0), round2(b.X1), round2(b.Y1)}
}

func round2(v float64) float64 {
	if v < 0 {
		return -float64(int64(-v*100+0.5)) / 100
	}
	return float64(int64(v*100+0.5)) / 100
}

// Word is one run of non-space characters with its box. Confidence is 1 for
// text-layer and office words, the OCR engine's confidence (0..1) otherwise.
type Word struct {
	Text       string
	Box        Box
	Confidence float64
}

// Line is a row of words in reading order. Label/value pairs and table rows
// stay on one line, as `pdftotext -layout` keeps them.
type Line struct {
	Words []Word
	Box   Box
}

// Page is one page (or sheet, for spreadsheets) of a document.
type Page struct {
	Number int // 1-based
	Width  float64
	Height float64
	Source TextSource
	// Rotation applied to read the page, in degrees clockwise (OCR only).
	Rotation int
	Lines    []Line
}

// Document is an attachment once read: its identity, its pages, and, for
// containers (ZIP, e-mail), the documents found inside.
type Document struct {
	Name      string // the name given (path or archive member)
	SHA256    string
	MediaType string
	Size      int64
	Pages     []Page
	// Embedded holds the fields read from structured data carried by the
	// file (Factur-X / ZUGFeRD / Order-X / UBL), when any.
	Embedded *Embedded
	Children []*Document
	Warnings []string
	// Err is set when the document could not be read; Pages may then hold
	// what was read before the failure.
	Err error
}

// Embedded is the structured data an e-invoice or e-order carries.
type Embedded struct {
	Format       string // "factur-x", "zugferd", "order-x", "ubl", "cii"
	Profile      string
	DocumentType string // contract document type (facture, avoir, bon_de_commande)
	Fields       map[string]Field
	Lines        []LineItem
}

// Field is one extracted value with what it was read from.
type Field struct {
	Value      any       `json:"value"`
	Confidence float64   `json:"confidence"`
	Page       int       `json:"page,omitempty"`
	Evidence   string    `json:"evidence"`
	BBox       []float64 `json:"bbox,omitempty"`
	// Valid is set for identifiers that carry a checksum.
	Valid *bool `json:"valid,omitempty"`
}

// LineItem is one row of a quote, order or invoice.
type LineItem struct {
	Designation    string   `json:"designation"`
	Quantite       *float64 `json:"quantite,omitempty"`
	Unite          string   `json:"unite,omitempty"`
	PrixUnitaireHT *float64 `json:"prix_unitaire_ht,omitempty"`
	MontantHT      *float64 `json:"montant_ht,omitempty"`
	TauxTVA        *float64 `json:"taux_tva,omitempty"`
}

// Source summarises where the document's text came from, over its pages.
func (d *Document) Source() TextSource {
	var src TextSource
	for _, p := range d.Pages {
		if p.Source == SourceNone || len(p.Lines) == 0 && p.Source != SourceOCR {
			continue
		}
		switch {
		case src == SourceNone:
			src = p.Source
		case src != p.Source:
			return SourceMixed
		}
	}
	return src
}

// Text returns the document's text in reading order, pages separated by
// form feeds: the text every later stage sees.
func (d *Document) Text() string {
	var b strings.Builder
	for i, p := range d.Pages {
		if i > 0 {
			b.WriteByte('\f')
		}
		b.WriteString(p.Text())
	}
	return b.String()
}

// Text returns the page's lines, one per row.
func (p *Page) Text() string {
	var b strings.Builder
	for _, l := range p.Lines {
		b.WriteString(l.Text())
		b.WriteByte('\n')
	}
	return b.String()
}
