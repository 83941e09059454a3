// Package extract reads the key fields of a French procurement document
// (devis, facture, avoir, bon de commande, acte d'engagement, RIB, Kbis,
// fiche navette, CCTP…) from its positioned text, deterministically.
//
// The rules follow French document conventions, not any one layout: labels
// and their synonyms (labels.go and the tables of each file), the place of
// a value relative to its label (to the right on the same row, or below in
// the same column), who is who (role labels, letterhead, legal-mentions
// footer, public-body identifiers: parties.go), totals that add up
// (amounts.go), and identifiers whose checksums and mutual consistency
// (SIREN ⊂ SIRET ⊂ TVA) are checked with internal/fr. When the page does not
// settle a field, the field is left out: a wrong value costs an agent more
// than an absent one.
package extract

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/extract/items"
)

// Result is what Extract read: fields by contract name, the line items of
// quotes, orders and invoices, and warnings in French for the agent.
type Result struct {
	Fields   map[string]document.Field
	Lines    []document.LineItem
	Warnings []string
}

// Extractor is the extension point for another backend (an LLM, for
// instance): same input, same output. The caller validates what it returns
// with internal/fr.
type Extractor interface {
	Extract(ctx context.Context, doc *document.Document, docType string) (Result, error)
}

// Rules is the deterministic Extractor of this package.
type Rules struct{}

// Extract implements Extractor.
func (Rules) Extract(ctx context.Context, doc *document.Document, docType string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return Extract(doc, docType), nil
}

// run holds one extraction.
type run struct {
	v             *view
	docType       string
	fields        map[string]document.Field
	warnings      []string
	extraEvidence map[int]*tline // a value that wraps onto the next line
	doc           *document.Document
	table         *items.Table // line items, read once when first needed
	itemWarnings  []string
	itemSum       itemSum

	// Fields left out: their OCR reading was doubtful.
	ocrDropped map[string]bool
}

// Extract reads the fields that a document of docType carries. Unknown
// types get a generic best effort on the fields that are unambiguous.
func Extract(doc *document.Document, docType string) Result {
	r := &run{
		docType:       docType,
		fields:        map[string]document.Field{},
		extraEvidence: map[int]*tline{},
	}
	if doc == nil {
		return Result{Fields: r.fields}
	}
	doc = r.repairOCR(doc)
	r.v = newView(doc)
	r.doc = doc
	if len(r.v.lines) == 0 {
		return Result{Fields: r.fields}
	}
	rules := rulesFor(docType)
	r.extractDates(rules)
	r.extractNumero(rules)
	r.extractReferences(rules)
	r.extractParties(rules)
	if rules.amounts {
		r.extractAmounts()
	}
	if rules.objet {
		r.extractObjet(rules)
	}
	r.extractCodes(rules)
	res := Result{Fields: r.fields}
	if itemTypes[docType] {
		t := r.lineItems()
		res.Lines = t.Items
		r.warnings = append(r.warnings, r.itemWarnings...)
		for k, v := range items.Conseil(doc, *t) {
			if _, done := r.fields[k]; !done {
				r.fields[k] = v
			}
		}
	}
	res.Warnings = r.warnings
	return res
}

// itemTypes are the documents whose line items and consulting figures
// (days, daily rates) are read.
var itemTypes = map[string]bool{
	"devis": true, "facture": true, "avoir": true, "bon_de_commande": true, "memoire_technique": true,
}

// lineItems reads the document's line-item table once: the totals check
// their sum, and the result carries the lines.
func (r *run) lineItems() *items.Table {
	if r.table == nil {
		r.table = &items.Table{}
		if r.doc != nil {
			t, w := items.Items(r.doc)
			r.table, r.itemWarnings = &t, w
		}
	}
	return r.table
}

func (r *run) warn(msg string) {
	for _, w := range r.warnings {
		if w == msg {
			return
		}
	}
	r.warnings = append(r.warnings, msg)
}

// hit is a value read from a line, before it becomes a Field.
type hit struct {
	value      any
	conf       float64
	line       *tline
	start, end int      // span of the value in line.text
	more       []*tline // further lines of evidence
	valid      *bool
}

// set records a field. It keeps the first value set for a name: callers
// run their strongest rule first.
func (r *run) set(name string, h hit) {
	if _, done := r.fields[name]; done || h.line == nil || r.ocrDropped[name] {
		return
	}
	if s, ok := h.value.(string); ok {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		h.value = s
	}
	if f, ok := h.value.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return
	}
	conf := h.conf
	if start, end := h.start, h.end; end > start && end <= len(h.line.text) {
		// An OCR word read with doubt makes the value doubtful too.
		wc := h.line.spanConfidence(start, end)
		if h.line.ocr && ocrDoubt(name, wc, conf, h.valid) {
			if h.valid != nil {
				// Another reading, printed elsewhere, may still pass.
				r.warn(fmt.Sprintf("%s non retenu : lu par OCR, sa clé de contrôle est fausse (chiffre mal lu)", name))
				return
			}
			r.dropOCR(name, wc)
			return
		}
		conf *= 0.5 + 0.5*wc
	}
	if h.line.ocr {
		conf *= ocrFactor
	}
	conf = math.Max(0, math.Min(1, math.Round(conf*100)/100))
	ev := h.line.evidence()
	if x, ok := r.extraEvidence[h.line.idx]; ok {
		ev += " " + x.evidence()
	}
	for _, m := range h.more {
		if m != nil && m != h.line {
			ev += " / " + m.evidence()
		}
	}
	f := document.Field{Value: h.value, Confidence: conf, Page: h.line.page, Evidence: ev, Valid: h.valid}
	box := h.line.box
	if h.end > h.start && h.end <= len(h.line.text) {
		if b := h.line.spanBox(h.start, h.end); b != (document.Box{}) {
			box = b
		}
	}
	if box != (document.Box{}) {
		f.BBox = box.Array()
	}
	r.fields[name] = f
}

func boolPtr(b bool) *bool { return &b }
