package intake

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// readEmail reads an e-mail: its headers and body become the document's
// text, its attachments become child documents.
func (r *Reader) readEmail(ctx context.Context, doc *document.Document, data []byte, t *tree) error {
	env, err := enmime.ReadEnvelope(bytes.NewReader(data))
	if err != nil {
		return document.Errorf(document.ErrCorrupt, "courriel illisible : %w", err)
	}
	var b strings.Builder
	for _, h := range []struct{ label, key string }{
		{"De", "From"}, {"À", "To"}, {"Cc", "Cc"}, {"Date", "Date"}, {"Objet", "Subject"},
	} {
		if v := env.GetHeader(h.key); v != "" {
			fmt.Fprintf(&b, "%s : %s\n", h.label, v)
		}
	}
	b.WriteString("\n")
	body := env.Text
	if strings.TrimSpace(body) == "" && env.HTML != "" {
		pages, _, err := r.readOfficeText(ctx, []byte(env.HTML), "html")
		if err == nil {
			for _, p := range pages {
				body += p.Text()
			}
		}
	}
	b.WriteString(body)
	pages, warnings, err := r.readOfficeText(ctx, []byte(b.String()), "txt")
	if err != nil {
		return err
	}
	doc.Pages = pages
	doc.Warnings = append(doc.Warnings, warnings...)
	for _, e := range env.Errors {
		doc.Warnings = append(doc.Warnings, "courriel : "+e.Error())
	}
	parts := append(append([]*enmime.Part{}, env.Attachments...), env.Inlines...)
	for _, p := range parts {
		// Inline images are mostly logos and signatures, not attachments.
		if strings.HasPrefix(p.ContentType, "image/") && p.Disposition != "attachment" && len(p.Content) < 50<<10 {
			continue
		}
		name := p.FileName
		if name == "" {
			name = fmt.Sprintf("piece-%d", len(doc.Children)+1)
		}
		if !r.addChild(ctx, doc, name, p.Content, t) {
			break
		}
	}
	return nil
}
