package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// DocumentMeta is an attachment as lists show it.
type DocumentMeta struct {
	SHA256          string                    `json:"sha256"`
	Nom             string                    `json:"nom"`
	Statut          string                    `json:"statut" doc:"a_traiter, traite ou erreur"`
	DocumentType    string                    `json:"document_type,omitempty"`
	ConfianceType   float64                   `json:"confiance_type,omitempty"`
	MediaType       string                    `json:"media_type,omitempty"`
	Pages           int                       `json:"pages,omitempty"`
	Taille          int64                     `json:"taille"`
	SourceTexte     string                    `json:"source_texte,omitempty"`
	CodeErreur      string                    `json:"code_erreur,omitempty"`
	Erreur          string                    `json:"erreur,omitempty"`
	Fields          map[string]document.Field `json:"fields" doc:"champs extraits ; iban et bic avec la portée review seulement"`
	ValeursRevues   map[string]any            `json:"valeurs_revues,omitempty" doc:"valeurs validées par une personne, qui priment"`
	Version         string                    `json:"version,omitempty"`
	TraiteLe        *time.Time                `json:"traite_le,omitempty"`
	DocumentsInclus int                       `json:"nb_documents_inclus,omitempty"`
}

// DocumentDetail is one document with what was read in it.
type DocumentDetail struct {
	DocumentMeta
	Lines    []document.LineItem `json:"lines"`
	Warnings []string            `json:"warnings"`
	Children []document.Result   `json:"documents_inclus,omitempty"`
	EJ       []string            `json:"ej" doc:"EJ du périmètre auxquels il est rattaché"`
	Texte    *string             `json:"texte,omitempty" doc:"texte dans l'ordre de lecture, pages séparées par un saut de page, quand il a été conservé"`
}

type shaPath struct {
	SHA string `path:"sha256" pattern:"^[0-9a-f]{64}$"`
}

func (s *server) meta(ctx context.Context, v *view, d store.Document, name string) (DocumentMeta, error) {
	m := DocumentMeta{SHA256: d.SHA256, Nom: name, Statut: d.Status, DocumentType: d.DocumentType, ConfianceType: d.TypeConfidence,
		Taille: d.Size, CodeErreur: d.ErrorCode, Erreur: d.Error, Version: d.Version, Fields: map[string]document.Field{}}
	if !d.ProcessedAt.IsZero() {
		at := d.ProcessedAt
		m.TraiteLe = &at
	}
	if r := d.Result; r != nil {
		m.MediaType, m.Pages, m.SourceTexte, m.DocumentsInclus = r.MediaType, r.Pages, string(r.TextSource), len(r.Children)
		if r.Fields != nil {
			m.Fields = r.Fields
		}
	}
	reviews, err := s.Store.Reviews(ctx, "doc:"+d.SHA256)
	if err != nil {
		return m, err
	}
	for _, r := range reviews {
		var val any
		if json.Unmarshal([]byte(r.Value), &val) == nil {
			if m.ValeursRevues == nil {
				m.ValeursRevues = map[string]any{}
			}
			m.ValeursRevues[r.Field] = val
		}
	}
	if !v.p.Has(store.ScopeReview) {
		m.Fields = redactFields(m.Fields)
		m.ValeursRevues = redactFields(m.ValeursRevues)
	}
	return m, nil
}

// seenDocument returns a document attached to an EJ the caller sees, and
// those EJ; else 404.
func (s *server) seenDocument(ctx context.Context, v *view, sha string) (store.Document, []string, error) {
	ejs, err := s.Store.EJsOf(ctx, sha)
	if err != nil {
		return store.Document{}, nil, s.internal(err)
	}
	seen, err := v.visibleOf(ctx, ejs)
	if err != nil {
		return store.Document{}, nil, s.internal(err)
	}
	if len(seen) == 0 {
		return store.Document{}, nil, huma.Error404NotFound("document introuvable")
	}
	d, err := s.Store.Document(ctx, sha)
	if err != nil {
		return d, nil, s.notFoundOr(err, "document")
	}
	return d, seen, nil
}

func sensitive(d store.Document) bool { return slices.Contains(sensitiveTypes, d.DocumentType) }

func (s *server) registerDocuments(api huma.API) {
	huma.Register(api, op("listEJDocuments", http.MethodGet, "/ej/{num}/documents", "Les pièces jointes d'un EJ", "Documents", store.ScopeRead),
		func(ctx context.Context, in *ejPath) (*struct{ Body []DocumentMeta }, error) {
			v := s.view(ctx)
			if _, err := s.seenIndex(ctx, v, in.Num); err != nil {
				return nil, err
			}
			docs, err := s.Store.DocumentsOf(ctx, in.Num)
			if err != nil {
				return nil, s.internal(err)
			}
			out := &struct{ Body []DocumentMeta }{Body: []DocumentMeta{}}
			for _, d := range docs {
				m, err := s.meta(ctx, v, d.Document, d.Name)
				if err != nil {
					return nil, s.internal(err)
				}
				out.Body = append(out.Body, m)
			}
			return out, nil
		})

	huma.Register(api, op("getDocument", http.MethodGet, "/documents/{sha256}", "Un document : métadonnées, champs, lignes, texte", "Documents", store.ScopeRead),
		func(ctx context.Context, in *shaPath) (*struct{ Body DocumentDetail }, error) {
			v := s.view(ctx)
			d, ejs, err := s.seenDocument(ctx, v, in.SHA)
			if err != nil {
				return nil, err
			}
			m, err := s.meta(ctx, v, d, d.Name)
			if err != nil {
				return nil, s.internal(err)
			}
			out := DocumentDetail{DocumentMeta: m, EJ: ejs, Lines: []document.LineItem{}, Warnings: []string{}}
			if r := d.Result; r != nil {
				if r.Lines != nil {
					out.Lines = r.Lines
				}
				if r.Warnings != nil {
					out.Warnings = r.Warnings
				}
				out.Children = r.Children
				if !v.p.Has(store.ScopeReview) {
					out.Children = redactChildren(out.Children)
				}
			}
			if !sensitive(d) || v.p.Has(store.ScopeReview) {
				text, err := s.Web.DocumentText(ctx, d.SHA256)
				switch {
				case errors.Is(err, store.ErrNotFound):
				case err != nil:
					return nil, s.internal(err)
				default:
					out.Texte = &text
				}
			}
			detail, _ := json.Marshal(map[string]any{"ej": ejs, "nom": d.Name})
			if err := s.audit(ctx, "ouverture_document", "doc:"+d.SHA256, string(detail)); err != nil {
				return nil, s.internal(err)
			}
			return &struct{ Body DocumentDetail }{Body: out}, nil
		})

	o := op("getOriginal", http.MethodGet, "/documents/{sha256}/original", "Le fichier original", "Documents", store.ScopeRead)
	o.Responses = map[string]*huma.Response{"200": {Description: "le fichier tel qu'il a été reçu",
		Content: map[string]*huma.MediaType{"application/octet-stream": {}}}}
	huma.Register(api, o, func(ctx context.Context, in *shaPath) (*huma.StreamResponse, error) {
		v := s.view(ctx)
		d, ejs, err := s.seenDocument(ctx, v, in.SHA)
		if err != nil {
			return nil, err
		}
		if sensitive(d) && !v.p.Has(store.ScopeReview) {
			return nil, huma.Error403Forbidden("ce document (" + d.DocumentType + ") contient des coordonnées bancaires ou des données personnelles : portée review nécessaire")
		}
		f, err := s.Blobs.Open(d.SHA256)
		if err != nil {
			return nil, s.notFoundOr(err, "original")
		}
		detail, _ := json.Marshal(map[string]any{"ej": ejs, "nom": d.Name, "original": true})
		if err := s.audit(ctx, "ouverture_document", "doc:"+d.SHA256, string(detail)); err != nil {
			f.Close()
			return nil, s.internal(err)
		}
		ct := "application/octet-stream"
		if d.Result != nil && d.Result.MediaType != "" {
			ct = d.Result.MediaType
		}
		return &huma.StreamResponse{Body: func(hc huma.Context) {
			defer f.Close()
			hc.SetHeader("Content-Type", ct)
			hc.SetHeader("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Name}))
			hc.SetHeader("Content-Length", itoa(d.Size))
			hc.SetStatus(http.StatusOK)
			if _, err := io.Copy(hc.BodyWriter(), f); err != nil {
				s.Log.Warn("envoi d'un original interrompu", "sha256", d.SHA256, "erreur", err)
			}
		}}, nil
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func redactChildren(children []document.Result) []document.Result {
	if len(children) == 0 {
		return children
	}
	out := make([]document.Result, len(children))
	for i, c := range children {
		c.Fields = redactFields(c.Fields)
		c.Children = redactChildren(c.Children)
		out[i] = c
	}
	return out
}
