// Package analyze runs the stages that follow reading on one document —
// classification, then extraction of fields and line items — and assembles the result of
// CONTRACT.md §3. The CLI, the eval command and the pipeline share it.
package analyze

import (
	"path/filepath"

	"github.com/depenses-eclairees/depenses/internal/classify"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/extract"
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
	res.Lines = append(res.Lines, ext.Lines...)
	res.Warnings = append(res.Warnings, ext.Warnings...)
}

func round3(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }
