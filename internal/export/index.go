package export

import (
	"context"
	"errors"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// IndexOf is the searchable summary of an EJ: its Chorus data, its
// enriched record (reviews applied, as Record returns it) and its stored
// anomalies. isConsulting is the anomaly rules' verdict (anomaly.Consulting).
func IndexOf(ej chorus.EJ, e reconcile.Enriched, anomalies []store.AnomalyRow, isConsulting bool) store.EJIndex {
	r := store.EJIndex{
		NumEJ:              ej.NumEJ,
		Designation:        e.Designation.Value,
		DesignationClaire:  e.Designation.Clair,
		FournisseurNom:     e.Prestataire.Nom,
		FournisseurSIREN:   e.Prestataire.SIREN,
		PrestataireIdentif: e.Prestataire.Identifie,
		Administration:     e.AdministrationBeneficiaire.Value,
		OrganisationAchat:  strings.TrimSpace(ej.OrganisationAchat),
		GroupeAcheteurs:    strings.TrimSpace(ej.GroupeAcheteurs),
		Date:               ej.DateCreation,
		Conseil:            isConsulting,
		NbDocuments:        len(e.Documents),
		NbAnomalies:        len(anomalies),
		MinConfidence:      minConfidence(e),
	}
	if r.NumEJ == "" {
		r.NumEJ = e.NumEJ
	}
	if r.Designation == "" {
		r.Designation = ej.Designation
	}
	for _, p := range ej.Postes {
		if r.Designation == "" {
			r.Designation = p.Designation
		}
		if r.Programme == "" {
			r.Programme = p.Programme
			if r.Programme == "" {
				r.Programme, _, _ = strings.Cut(p.CentreFinancier, "-")
			}
		}
		if r.CentreFinancier == "" {
			r.CentreFinancier = p.CentreFinancier
		}
		if r.GroupeMarchandises == "" {
			r.GroupeMarchandises = p.GroupeMarchandises
		}
	}
	if r.FournisseurNom == "" {
		r.FournisseurNom = ej.Fournisseur.Nom
	}
	if r.FournisseurSIREN == "" {
		r.FournisseurSIREN = ej.Fournisseur.SIREN
		if r.FournisseurSIREN == "" && len(ej.Fournisseur.SIRET) == 14 {
			r.FournisseurSIREN = ej.Fournisseur.SIRET[:9]
		}
	}
	if r.Date == "" {
		r.Date = ej.DateNotification
	}
	r.Ministere = ministryOf(ej, r.Administration)
	if v, ok := amountHT(ej, e); ok {
		r.MontantHT = &v
	}
	if len(anomalies) > 0 {
		r.ReviewStatus = "revue"
		for _, a := range anomalies {
			if a.Review.Statut == "" || a.Review.Statut == store.AnomalyToCheck {
				r.ReviewStatus = store.AnomalyToCheck
			}
		}
	}
	return r
}

// ministryOf is the ministry perimeters compare: the head of the
// administration bénéficiaire (reconcile derives it from the programme
// through the referential), else Chorus's ministry.
func ministryOf(ej chorus.EJ, administration string) string {
	head, _, _ := strings.Cut(administration, ">")
	if head = strings.TrimSpace(head); head != "" {
		return head
	}
	return strings.TrimSpace(ej.Ministere)
}

// amountHT is the EJ's amount before VAT as the indicators count it:
// Chorus's engaged HT, else a single poste's TTC over its VAT rate, else
// the order document's HT total. An amount whose basis nobody states is
// not taken for HT.
func amountHT(ej chorus.EJ, e reconcile.Enriched) (float64, bool) {
	if v, ok := ej.Total(func(p *chorus.Poste) *float64 { return p.MontantEngageHT }); ok {
		return v, true
	}
	if len(ej.Postes) == 1 && ej.Postes[0].MontantEngageTTC != nil && ej.Postes[0].TauxTVA != nil {
		return *ej.Postes[0].MontantEngageTTC / (1 + *ej.Postes[0].TauxTVA/100), true
	}
	if m := e.Montants; m != nil && m.Commande != nil && m.Commande.MontantHT != nil {
		return *m.Commande.MontantHT, true
	}
	return 0, false
}

// minConfidence is the weakest of the three enriched values, each as
// strong as its best source: Chorus and a person count as certain, a
// document field as its extraction confidence, a value without source as 0.
func minConfidence(e reconcile.Enriched) float64 {
	fields := map[string]map[string]float64{} // sha → field → confidence
	var walk func([]reconcile.DocumentSummary)
	walk = func(docs []reconcile.DocumentSummary) {
		for _, d := range docs {
			if fields[d.SHA256] == nil {
				fields[d.SHA256] = map[string]float64{}
			}
			for name, f := range d.Fields {
				fields[d.SHA256][name] = f.Confidence
			}
			walk(d.Children)
		}
	}
	walk(e.Documents)
	best := func(srcs []reconcile.Source) float64 {
		top := 0.0
		for _, s := range srcs {
			c := 0.0
			switch s.Document {
			case "chorus", Reviewed:
				c = 1
			default:
				c = fields[s.Document][s.Field]
			}
			top = max(top, c)
		}
		return top
	}
	return min(best(e.Designation.Sources), best(e.Prestataire.Sources), best(e.AdministrationBeneficiaire.Sources))
}

// CSVHeader is the header of the CSV export, for writers outside Write
// (the API's export within a perimeter).
func CSVHeader() []string { return append([]string(nil), csvHeader...) }

// CSVRow is one record as a CSV export line.
func CSVRow(e reconcile.Enriched) []string { return csvRow(e) }

// Reindex refreshes one EJ's summary from what is stored, reviews
// applied: after a person corrected a value or reviewed an anomaly.
// Whether the EJ is consulting is the pipeline's verdict, kept from the
// summary already indexed (false when there is none).
func Reindex(ctx context.Context, s store.Store, w store.Web, numEJ string) error {
	conseil := false
	q := store.EJQuery{Text: numEJ, Limit: 500}
	for found := false; !found; {
		page, err := w.SearchEJ(ctx, store.Perimeter{All: true}, q)
		if err != nil {
			return err
		}
		for _, r := range page.Items {
			if r.NumEJ == numEJ {
				conseil, found = r.Conseil, true
			}
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	ej, err := s.EJ(ctx, numEJ)
	if err != nil {
		return err
	}
	rec, err := Record(ctx, s, numEJ)
	if errors.Is(err, store.ErrNotFound) {
		rec = reconcile.Enriched{NumEJ: numEJ}
	} else if err != nil {
		return err
	}
	rows, err := s.AnomaliesOf(ctx, numEJ)
	if err != nil {
		return err
	}
	return w.IndexEJ(ctx, []store.EJIndex{IndexOf(ej, rec, rows, conseil)})
}
