// Package export reads enriched EJ as users see them — the stored
// reconciliation with the values people validated laid over it — and writes
// them as JSON Lines (CONTRACT.md §3) or CSV.
package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// Reviewed is the source name of a value a person validated.
const Reviewed = "revue"

// ApplyReviews lays people's values over an enriched record. Processing
// never writes reviews, so a reprocessing cannot undo them; this is where
// they win.
func ApplyReviews(e *reconcile.Enriched, ejReviews []store.Review, docReviews map[string][]store.Review) {
	for _, r := range ejReviews {
		var v string
		if json.Unmarshal([]byte(r.Value), &v) != nil {
			continue
		}
		src := []reconcile.Source{{Document: Reviewed, Evidence: "validé par " + r.Reviewer, Field: r.Field}}
		switch r.Field {
		case "designation":
			e.Designation = reconcile.Designation{Value: v, Clair: true, Sources: src}
		case "prestataire.nom":
			e.Prestataire.Nom = v
			e.Prestataire.Sources = append(src, e.Prestataire.Sources...)
		case "prestataire.siret":
			e.Prestataire.SIRET, e.Prestataire.Identifie = v, true
			if len(v) == 14 {
				e.Prestataire.SIREN = v[:9]
			}
			e.Prestataire.Sources = append(src, e.Prestataire.Sources...)
		case "prestataire.siren":
			e.Prestataire.SIREN, e.Prestataire.Identifie = v, true
			e.Prestataire.Sources = append(src, e.Prestataire.Sources...)
		case "administration_beneficiaire":
			e.AdministrationBeneficiaire = reconcile.Administration{Value: v, Explicite: true, Sources: src}
		}
	}
	for i := range e.Documents {
		d := &e.Documents[i]
		for _, r := range docReviews[d.SHA256] {
			var v any
			if json.Unmarshal([]byte(r.Value), &v) != nil {
				continue
			}
			if d.Fields == nil {
				d.Fields = map[string]document.Field{}
			}
			d.Fields[r.Field] = document.Field{Value: v, Confidence: 1, Evidence: "validé par " + r.Reviewer}
		}
	}
}

// Record returns one EJ's enriched record with reviews applied.
func Record(ctx context.Context, s store.Store, numEJ string) (reconcile.Enriched, error) {
	e, err := s.Enriched(ctx, numEJ)
	if err != nil {
		return e, err
	}
	return e, withReviews(ctx, s, &e)
}

func withReviews(ctx context.Context, s store.Store, e *reconcile.Enriched) error {
	ejr, err := s.Reviews(ctx, "ej:"+e.NumEJ)
	if err != nil {
		return err
	}
	docr := map[string][]store.Review{}
	for _, d := range e.Documents {
		rs, err := s.Reviews(ctx, "doc:"+d.SHA256)
		if err != nil {
			return err
		}
		if len(rs) > 0 {
			docr[d.SHA256] = rs
		}
	}
	ApplyReviews(e, ejr, docr)
	anomalies, err := s.AnomaliesOf(ctx, e.NumEJ)
	if err != nil {
		return err
	}
	e.Anomalies = []reconcile.Anomaly{}
	for _, a := range anomalies {
		sum := a.Summary()
		sum.Score, sum.Cle, sum.Statut = a.Score, a.Key, a.Review.Statut
		for _, o := range append([]string{a.NumEJ}, a.AutresEJ...) {
			if o != e.NumEJ {
				sum.AutresEJ = append(sum.AutresEJ, o)
			}
		}
		e.Anomalies = append(e.Anomalies, sum)
	}
	return nil
}

// Each calls fn for every enriched EJ, reviews applied, in num_ej order.
func Each(ctx context.Context, s store.Store, fn func(reconcile.Enriched) error) error {
	return s.EachEnriched(ctx, func(e reconcile.Enriched) error {
		if err := withReviews(ctx, s, &e); err != nil {
			return err
		}
		return fn(e)
	})
}

// Write streams every enriched EJ to w as "jsonl" or "csv" and returns
// how many it wrote.
func Write(ctx context.Context, s store.Store, w io.Writer, format string) (int, error) {
	n := 0
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		err := Each(ctx, s, func(e reconcile.Enriched) error {
			n++
			return enc.Encode(e)
		})
		return n, err
	case "csv":
		cw := csv.NewWriter(w)
		cw.Comma = ';'
		if err := cw.Write(csvHeader); err != nil {
			return 0, err
		}
		err := Each(ctx, s, func(e reconcile.Enriched) error {
			n++
			return cw.Write(csvRow(e))
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		return n, err
	}
	return 0, fmt.Errorf("format d'export inconnu %q : jsonl ou csv", format)
}

var csvHeader = []string{
	"num_ej", "chorus_fournisseur", "chorus_siret", "chorus_montant_engage", "groupe_marchandises",
	"centre_financier", "chorus_designation", "designation", "designation_claire", "designation_sources",
	"prestataire_nom", "prestataire_siren", "prestataire_siret", "prestataire_identifie",
	"administration_beneficiaire", "administration_explicite", "nb_documents", "types_documents",
	"conflits", "anomalies",
}

func csvRow(e reconcile.Enriched) []string {
	amount := ""
	if e.Chorus.MontantEngage != nil {
		amount = strconv.FormatFloat(*e.Chorus.MontantEngage, 'f', 2, 64)
	}
	var types, conflicts, anomalies []string
	for _, d := range e.Documents {
		if d.DocumentType != "" {
			types = append(types, d.DocumentType)
		}
	}
	sort.Strings(types)
	for _, c := range e.Conflits {
		conflicts = append(conflicts, c.Champ)
	}
	for _, a := range e.Anomalies {
		anomalies = append(anomalies, a.Code)
	}
	return []string{
		e.NumEJ, e.Chorus.Fournisseur, e.Chorus.SIRET, amount, e.Chorus.GroupeMarchandises,
		e.Chorus.CentreFinancier, e.Chorus.Designation, e.Designation.Value, yesNo(e.Designation.Clair),
		sourceNames(e.Designation.Sources),
		e.Prestataire.Nom, e.Prestataire.SIREN, e.Prestataire.SIRET, yesNo(e.Prestataire.Identifie),
		e.AdministrationBeneficiaire.Value, yesNo(e.AdministrationBeneficiaire.Explicite),
		strconv.Itoa(len(e.Documents)), strings.Join(types, "|"), strings.Join(conflicts, "|"), strings.Join(anomalies, "|"),
	}
}

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

func sourceNames(srcs []reconcile.Source) string {
	var out []string
	for _, s := range srcs {
		name := s.Name
		if name == "" {
			name = s.Document
		}
		out = append(out, name)
	}
	return strings.Join(out, "|")
}
