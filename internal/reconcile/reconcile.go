package reconcile

import (
	"cmp"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
)

// chorusSource is Source.Document and ConflictValue.Source for Chorus.
const chorusSource = "chorus"

// typeRank orders document types by how much they are worth as the source
// of what was bought: the contract first, the invoice late, the rest last.
var typeRank = map[string]int{
	"acte_engagement":   0,
	"bon_de_commande":   1,
	"devis":             2,
	"ccap":              3,
	"cctp":              3,
	"ccp":               3,
	"fiche_navette":     4,
	"memoire_technique": 5,
	"facture":           6,
	"avoir":             7,
}

const otherRank = 8

// view is one readable document, top-level or found inside another, as
// the rules look at it.
type view struct {
	order  int // position in the flattened input: the last tie-break
	sha    string
	name   string
	typ    string
	rank   int
	fields map[string]document.Field
}

// source cites field key of the document.
func (v *view) source(key string) Source {
	f := v.fields[key]
	return Source{Document: v.sha, Name: v.name, Page: f.Page, Evidence: f.Evidence, Field: key}
}

// text returns the field's text value, if any.
func (v *view) text(key string) (string, document.Field, bool) {
	f, ok := v.fields[key]
	if !ok {
		return "", f, false
	}
	s, ok := textValue(f.Value)
	return s, f, ok
}

// Reconcile builds the enriched record of one EJ. It is pure and
// deterministic: the same input gives the same output, sources and
// conflicts in a stable order. ref may be nil (no programme → ministry).
func Reconcile(in Input, ref Referential) Enriched {
	views := flatten(in.Documents)
	ej := &in.EJ
	out := Enriched{
		NumEJ:     ej.NumEJ,
		Chorus:    summarizeChorus(ej),
		Conflits:  []Conflict{},
		Documents: make([]DocumentSummary, 0, len(in.Documents)),
		Anomalies: []Anomaly{},
	}
	for _, d := range in.Documents {
		out.Documents = append(out.Documents, summarize(d.Result, d.SHA256, d.Name))
	}
	var warnings []string
	out.Designation = chooseDesignation(views, ej)
	out.Prestataire = choosePrestataire(views, ej, &out.Conflits, &warnings)
	out.AdministrationBeneficiaire = chooseAdministration(views, ej, ref, &out.Conflits, &warnings)
	out.Montants = amounts(views, ej)
	out.Conseil = consulting(views)
	out.AvantEnrichissement = beforeEnrichment(ej, ref)
	out.Avertissements = warnings
	return out
}

// flatten lists the readable documents, children after their parent, in
// input order. A document met twice (same SHA-256) counts once: it is not
// an independent source.
func flatten(docs []Doc) []*view {
	var out []*view
	seen := map[string]bool{}
	var walk func(r *document.Result, sha, name string)
	walk = func(r *document.Result, sha, name string) {
		if sha == "" {
			sha = r.SHA256
		}
		if name == "" {
			name = filepath.Base(r.File)
		}
		if r.Error == nil && (sha == "" || !seen[sha]) {
			if sha != "" {
				seen[sha] = true
			}
			v := &view{order: len(out), sha: sha, name: name, rank: otherRank, fields: r.Fields}
			if r.DocumentType != nil {
				v.typ = r.DocumentType.Value
				if rk, ok := typeRank[v.typ]; ok {
					v.rank = rk
				}
			}
			out = append(out, v)
		}
		for i := range r.Children {
			walk(&r.Children[i], "", r.Children[i].File)
		}
	}
	for i := range docs {
		walk(&docs[i].Result, docs[i].SHA256, docs[i].Name)
	}
	return out
}

// summarize is one document as the export lists it.
func summarize(r document.Result, sha, name string) DocumentSummary {
	if sha == "" {
		sha = r.SHA256
	}
	if name == "" {
		name = filepath.Base(r.File)
	}
	s := DocumentSummary{SHA256: sha, Nom: name, Fields: maps.Clone(r.Fields)}
	if s.Fields == nil {
		s.Fields = map[string]document.Field{}
	}
	if r.DocumentType != nil {
		s.DocumentType = r.DocumentType.Value
	}
	if r.Error != nil {
		s.Error = *r.Error
	}
	for _, c := range r.Children {
		s.Children = append(s.Children, summarize(c, "", c.File))
	}
	return s
}

// summarizeChorus is what Chorus says, distinct values of the postes
// joined in poste order.
func summarizeChorus(ej *chorus.EJ) ChorusSummary {
	s := ChorusSummary{
		Fournisseur: ej.Fournisseur.Nom,
		SIRET:       ej.Fournisseur.SIRET,
		Designation: ej.Designation,
	}
	if v, _, ok := ej.Engaged(); ok {
		s.MontantEngage = &v
	}
	var gms, cfs []string
	for _, p := range ej.Postes {
		gms = appendDistinct(gms, p.GroupeMarchandises)
		cfs = appendDistinct(cfs, p.CentreFinancier)
		if s.Designation == "" {
			s.Designation = strings.TrimSpace(p.Designation)
		}
	}
	s.GroupeMarchandises = strings.Join(gms, ", ")
	s.CentreFinancier = strings.Join(cfs, ", ")
	return s
}

func appendDistinct(list []string, v string) []string {
	v = strings.TrimSpace(v)
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// candidate is a field value of one document.
type candidate struct {
	v     *view
	key   string
	text  string
	field document.Field
}

// byRank orders candidates by document type, then confidence, then input
// order.
func byRank(a, b candidate) int {
	if c := cmp.Compare(a.v.rank, b.v.rank); c != 0 {
		return c
	}
	if c := cmp.Compare(b.field.Confidence, a.field.Confidence); c != 0 {
		return c
	}
	return cmp.Compare(a.v.order, b.v.order)
}

// candidates collects key from the views whose type passes keep (nil:
// all), best first.
func candidates(views []*view, key string, keep func(*view) bool) []candidate {
	var out []candidate
	for _, v := range views {
		if keep != nil && !keep(v) {
			continue
		}
		if s, f, ok := v.text(key); ok {
			out = append(out, candidate{v: v, key: key, text: s, field: f})
		}
	}
	slices.SortStableFunc(out, byRank)
	return out
}

func (c candidate) source() Source { return c.v.source(c.key) }
