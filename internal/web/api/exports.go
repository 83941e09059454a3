package api

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/indicators"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// eachSeen calls fn for every indexed EJ of the perimeter matching q, in
// num_ej order, reading the index by pages.
func (s *server) eachSeen(ctx context.Context, p store.Perimeter, q store.EJQuery, fn func(store.EJIndex) error) error {
	q.Sort, q.Limit, q.Cursor = "num_ej", 500, ""
	for {
		page, err := s.Web.SearchEJ(ctx, p, q)
		if err != nil {
			return err
		}
		for _, r := range page.Items {
			if err := fn(r); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		q.Cursor = page.Next
	}
}

// eachRecord calls fn with the Chorus data and the enriched record (cut to
// the view) of every EJ of the perimeter matching q that is reconciled.
func (s *server) eachRecord(ctx context.Context, v *view, q store.EJQuery, fn func(chorus.EJ, reconcile.Enriched) error) error {
	return s.eachSeen(ctx, v.p.Perimeter, q, func(r store.EJIndex) error {
		rec, err := export.Record(ctx, s.Store, r.NumEJ)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ej, err := s.Store.EJ(ctx, r.NumEJ)
		if err != nil {
			return err
		}
		if err := v.record(ctx, &rec); err != nil {
			return err
		}
		return fn(ej, rec)
	})
}

type exportInput struct {
	EJFilters
	Format string `query:"format" enum:"jsonl,csv" default:"jsonl"`
}

type conseilExportInput struct {
	Format string `query:"format" enum:"csv,jsonl" default:"csv"`
}

// stream answers with a body written as it is produced.
func (s *server) stream(contentType, filename string, write func(w io.Writer) error) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", contentType)
		hc.SetHeader("Content-Disposition", `attachment; filename="`+filename+`"`)
		hc.SetStatus(http.StatusOK)
		bw := bufio.NewWriterSize(hc.BodyWriter(), 64<<10)
		if err := write(bw); err != nil {
			// The status is sent: the body stops short, and the log says why.
			s.Log.Error("export interrompu", "erreur", err)
		}
		bw.Flush()
	}}
}

// OpenDataColumns are the columns of the consulting open-data export,
// after the Senate bill's list (DOMAIN.md §2.3). Columns nothing in the
// data fills (lot, sous-traitants, evaluation, transfert de compétences)
// are kept, empty, so that the file has the bill's shape.
var OpenDataColumns = []string{
	"num_ej", "ministere", "administration_beneficiaire", "objet", "montant_ht", "montant_ttc", "date",
	"accord_cadre_reference", "accord_cadre_titre", "marche_reference", "lot", "marche_subsequent",
	"prestataire_nom", "prestataire_siret", "sous_traitants", "groupe_marchandises", "categorie_conseil",
	"nombre_jours", "tjm_ht", "evaluation", "transfert_competences",
}

func money(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

func openDataRow(idx store.EJIndex, ej chorus.EJ, e reconcile.Enriched) map[string]string {
	row := map[string]string{
		"num_ej": ej.NumEJ, "ministere": idx.Ministere, "administration_beneficiaire": e.AdministrationBeneficiaire.Value,
		"objet": e.Designation.Value, "montant_ht": money(idx.MontantHT), "date": idx.Date,
		"accord_cadre_reference": ej.NumAccordCadre, "accord_cadre_titre": ej.LibelleAccordCadre, "marche_reference": ej.NumContrat,
		"marche_subsequent": ej.NumMarcheSubsequent, "prestataire_nom": e.Prestataire.Nom, "prestataire_siret": e.Prestataire.SIRET,
		"groupe_marchandises": idx.GroupeMarchandises,
	}
	if row["objet"] == "" {
		row["objet"] = ej.Designation
	}
	if v, ok := ej.Total(func(p *chorus.Poste) *float64 { return p.MontantEngageTTC }); ok {
		row["montant_ttc"] = money(&v)
	} else if m := e.Montants; m != nil && m.Commande != nil {
		row["montant_ttc"] = money(m.Commande.MontantTTC)
	}
	if c := e.Conseil; c != nil {
		if c.Categorie != nil {
			row["categorie_conseil"] = c.Categorie.Value
		}
		if c.NbJours != nil {
			row["nombre_jours"] = strconv.FormatFloat(c.NbJours.Value, 'f', -1, 64)
		}
		if c.TJM != nil {
			row["tjm_ht"] = money(&c.TJM.Value)
		}
	}
	return row
}

func (s *server) registerExports(api huma.API) {
	o := op("exportEJ", http.MethodGet, "/export/ej", "Export de toutes les fiches enrichies du périmètre (JSON Lines ou CSV)", "Exports", store.ScopeRead)
	o.Description = "Diffusé au fil de l'eau, EJ par EJ dans l'ordre des numéros ; les filtres de la recherche s'appliquent."
	o.Responses = map[string]*huma.Response{"200": {Description: "une fiche par ligne",
		Content: map[string]*huma.MediaType{"application/jsonl": {}, "text/csv": {}}}}
	huma.Register(api, o, func(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
		q, err := in.query()
		if err != nil {
			return nil, err
		}
		v := s.view(ctx)
		if in.Format == "csv" {
			return s.stream("text/csv; charset=utf-8", "depenses-ej.csv", func(w io.Writer) error {
				cw := csv.NewWriter(w)
				cw.Comma = ';'
				if err := cw.Write(export.CSVHeader()); err != nil {
					return err
				}
				err := s.eachRecord(ctx, v, q, func(_ chorus.EJ, e reconcile.Enriched) error { return cw.Write(export.CSVRow(e)) })
				cw.Flush()
				return errors.Join(err, cw.Error())
			}), nil
		}
		return s.stream("application/jsonl", "depenses-ej.jsonl", func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			return s.eachRecord(ctx, v, q, func(_ chorus.EJ, e reconcile.Enriched) error { return enc.Encode(e) })
		}), nil
	})

	o = op("exportConseil", http.MethodGet, "/export/conseil", "Données ouvertes des dépenses de conseil (colonnes de la proposition de loi)", "Exports", store.ScopeRead)
	o.Description = "Une ligne par EJ de conseil du périmètre ; CSV UTF-8 séparé par des virgules, prêt pour data.gouv.fr."
	o.Responses = map[string]*huma.Response{"200": {Description: "une ligne par EJ de conseil",
		Content: map[string]*huma.MediaType{"text/csv": {}, "application/jsonl": {}}}}
	huma.Register(api, o, func(ctx context.Context, in *conseilExportInput) (*huma.StreamResponse, error) {
		v := s.view(ctx)
		yes := true
		each := func(fn func(map[string]string) error) error {
			return s.eachSeen(ctx, v.p.Perimeter, store.EJQuery{Conseil: &yes}, func(idx store.EJIndex) error {
				rec, err := export.Record(ctx, s.Store, idx.NumEJ)
				if errors.Is(err, store.ErrNotFound) {
					return nil
				}
				if err != nil {
					return err
				}
				ej, err := s.Store.EJ(ctx, idx.NumEJ)
				if err != nil {
					return err
				}
				return fn(openDataRow(idx, ej, rec))
			})
		}
		if in.Format == "jsonl" {
			return s.stream("application/jsonl", "depenses-conseil.jsonl", func(w io.Writer) error {
				enc := json.NewEncoder(w)
				enc.SetEscapeHTML(false)
				return each(func(row map[string]string) error { return enc.Encode(row) })
			}), nil
		}
		return s.stream("text/csv; charset=utf-8", "depenses-conseil.csv", func(w io.Writer) error {
			cw := csv.NewWriter(w)
			if err := cw.Write(OpenDataColumns); err != nil {
				return err
			}
			err := each(func(row map[string]string) error {
				line := make([]string, len(OpenDataColumns))
				for i, c := range OpenDataColumns {
					line[i] = row[c]
				}
				return cw.Write(line)
			})
			cw.Flush()
			return errors.Join(err, cw.Error())
		}), nil
	})

	huma.Register(api, op("consultingIndicators", http.MethodGet, "/indicateurs/conseil", "Indicateurs des dépenses de conseil du périmètre", "Indicateurs", store.ScopeRead),
		func(ctx context.Context, _ *struct{}) (*struct{ Body indicators.Indicators }, error) {
			v := s.view(ctx)
			var recs []anomaly.Record
			err := s.eachRecord(ctx, v, store.EJQuery{}, func(ej chorus.EJ, e reconcile.Enriched) error {
				recs = append(recs, anomaly.Record{EJ: ej, Enriched: e})
				return nil
			})
			if err != nil {
				return nil, s.internal(err)
			}
			return &struct{ Body indicators.Indicators }{Body: indicators.Compute(recs, s.Ref)}, nil
		})
}
