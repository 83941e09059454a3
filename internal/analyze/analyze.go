// Package analyze runs the stages that follow reading on one document —
// classification, then field extraction — and assembles the result of
// CONTRACT.md §3. The CLI, the eval command and the pipeline share it.
package analyze

import (
	"path/filepath"

	"github.com/depenses-eclairees/depenses/internal/classify"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/extract"
	"github.com/depenses-eclairees/depenses/internal/extract/items"
)

// Document returns the result of a read document, children included.
// Structured data embedded in the file, when read, is authoritative: its
// type and fields are kept as they are.
func Document(doc *document.Document) document.Result {
	res := document.NewResult(doc)
	fill(doc, &res)
	return res
}

func fill(doc *document.Document, res *document.Result) {
	for i, c := range doc.Children {
		fill(c, &res.Children[i])
	}
	if doc.Err != nil || res.DocumentType != nil {
		return
	}
	if len(doc.Pages) == 0 {
		return
	}
	c := classify.Classify(classify.Input{FileName: filepath.Base(doc.Name), Doc: doc})
	res.DocumentType = &document.TypeGuess{Value: c.Type, Confidence: round3(c.Confidence)}
	ext := extract.Extract(doc, c.Type)
	for k, v := range ext.Fields {
		res.Fields[k] = v
	}
	res.Warnings = append(res.Warnings, ext.Warnings...)
	if tableTypes[c.Type] {
		table, warnings := items.Items(doc)
		res.Lines = append(res.Lines, table.Items...)
		res.Warnings = append(res.Warnings, warnings...)
		for k, v := range items.Conseil(doc, table) {
			res.Fields[k] = v
		}
	}
}

// tableTypes are the documents whose line items are read.
var tableTypes = map[string]bool{
	"devis": true, "facture": true, "avoir": true, "bon_de_commande": true, "memoire_technique": true,
}

func round3(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }
