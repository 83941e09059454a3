package export

import (
	"testing"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
)

func f64(v float64) *float64 { return &v }

func field(v any, conf float64) document.Field {
	return document.Field{Value: v, Confidence: conf, Page: 1, Evidence: "…"}
}

func TestIndexOf(t *testing.T) {
	valid := true
	devisSHA := "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	devis := reconcile.Doc{SHA256: devisSHA, Name: "devis.pdf", Result: document.Result{
		DocumentType: &document.TypeGuess{Value: "devis", Confidence: 0.9},
		Fields: map[string]document.Field{
			"objet":             field("Accompagnement à la refonte du portail usagers", 0.72),
			"fournisseur.nom":   field("Cabinet Conseil & Associés", 0.9),
			"fournisseur.siret": {Value: "73282932000074", Confidence: 0.95, Page: 1, Evidence: "SIRET 732 829 320 00074", Valid: &valid},
			"montant_ht":        field(40000.0, 0.9),
		},
	}}
	army := chorus.EJ{NumEJ: "1300000001", DateCreation: "2026-02-03", Designation: "PRESTATION",
		OrganisationAchat: " OA-ARM ", GroupeAcheteurs: "GA1",
		Fournisseur: chorus.Supplier{Nom: "CONSEIL ET ASSOCIES", SIRET: "73282932000074"},
		Postes: []chorus.Poste{
			{Poste: "1", CentreFinancier: "0178-CSGE-DAJ", GroupeMarchandises: "33.01.04", MontantEngageHT: f64(30000)},
			{Poste: "2", Programme: "0212", GroupeMarchandises: "05.01.01", MontantEngageHT: f64(12000.5)},
		}}
	ttc := chorus.EJ{NumEJ: "1300000002", DateNotification: "2026-04-01", Designation: "Achat de farine pour la cantine",
		Fournisseur: chorus.Supplier{Nom: "AU BON MOULIN", SIREN: "552081317"}, Ministere: "Ministère de la Culture",
		Postes: []chorus.Poste{{Poste: "1", MontantEngageTTC: f64(1200), TauxTVA: f64(20)}}}
	unknownBasis := chorus.EJ{NumEJ: "1300000003", Postes: []chorus.Poste{{Poste: "1", MontantEngage: f64(900)}}}

	ref := referential.Default()
	rows := func(statuses ...string) []store.AnomalyRow {
		var out []store.AnomalyRow
		for _, s := range statuses {
			out = append(out, store.AnomalyRow{Anomaly: anomaly.Anomaly{Code: "hors_marche"}, Review: store.AnomalyReview{Statut: s}})
		}
		return out
	}
	cases := []struct {
		name      string
		ej        chorus.EJ
		docs      []reconcile.Doc
		anomalies []store.AnomalyRow
		conseil   bool
		check     func(t *testing.T, r store.EJIndex)
	}{
		{"devis sur un EJ des Armées", army, []reconcile.Doc{devis}, rows(store.AnomalyToCheck, store.AnomalyConfirmed), true, func(t *testing.T, r store.EJIndex) {
			if r.Designation != "Accompagnement à la refonte du portail usagers" || !r.DesignationClaire {
				t.Errorf("designation %q %v", r.Designation, r.DesignationClaire)
			}
			if r.FournisseurSIREN != "732829320" || !r.PrestataireIdentif {
				t.Errorf("supplier %q %v", r.FournisseurSIREN, r.PrestataireIdentif)
			}
			if r.Ministere != "Ministère des Armées" || r.Programme != "0178" || r.CentreFinancier != "0178-CSGE-DAJ" || r.GroupeMarchandises != "33.01.04" {
				t.Errorf("imputation %q %q %q %q", r.Ministere, r.Programme, r.CentreFinancier, r.GroupeMarchandises)
			}
			if r.OrganisationAchat != "OA-ARM" || r.GroupeAcheteurs != "GA1" || r.Date != "2026-02-03" {
				t.Errorf("buyer %q %q, date %q", r.OrganisationAchat, r.GroupeAcheteurs, r.Date)
			}
			if r.MontantHT == nil || *r.MontantHT != 42000.5 {
				t.Errorf("amount %v", r.MontantHT)
			}
			if !r.Conseil || r.NbDocuments != 1 || r.NbAnomalies != 2 || r.ReviewStatus != store.AnomalyToCheck {
				t.Errorf("conseil %v, %d documents, %d anomalies, %q", r.Conseil, r.NbDocuments, r.NbAnomalies, r.ReviewStatus)
			}
			// The designation rests on the objet read at 0.72; the others are stronger.
			if r.MinConfidence != 0.72 {
				t.Errorf("min confidence %v", r.MinConfidence)
			}
		}},
		{"Chorus seul, TTC", ttc, nil, rows(store.AnomalyFalsePositive), false, func(t *testing.T, r store.EJIndex) {
			if r.Designation != "Achat de farine pour la cantine" || r.FournisseurNom == "" || r.FournisseurSIREN != "552081317" {
				t.Errorf("%+v", r)
			}
			if r.MontantHT == nil || *r.MontantHT != 1000 {
				t.Errorf("amount %v, want 1200 TTC at 20 %%", r.MontantHT)
			}
			if r.Ministere != "Ministère de la Culture" || r.Date != "2026-04-01" || r.ReviewStatus != "revue" {
				t.Errorf("ministry %q, date %q, review %q", r.Ministere, r.Date, r.ReviewStatus)
			}
			// Every value rests on Chorus, or on nothing.
			if r.MinConfidence != 0 && r.MinConfidence != 1 {
				t.Errorf("min confidence %v", r.MinConfidence)
			}
		}},
		{"montant de base inconnue", unknownBasis, nil, nil, false, func(t *testing.T, r store.EJIndex) {
			if r.MontantHT != nil {
				t.Errorf("an amount of unknown basis taken for HT: %v", *r.MontantHT)
			}
			if r.ReviewStatus != "" || r.NbAnomalies != 0 || r.MinConfidence != 0 {
				t.Errorf("%+v", r)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := reconcile.Reconcile(reconcile.Input{EJ: c.ej, Documents: c.docs}, ref)
			r := IndexOf(c.ej, e, c.anomalies, c.conseil)
			if r.NumEJ != c.ej.NumEJ {
				t.Errorf("num %q", r.NumEJ)
			}
			c.check(t, r)
		})
	}
}

func TestIndexOfReviewedDesignation(t *testing.T) {
	ej := chorus.EJ{NumEJ: "1300000009", Designation: "DIVERS"}
	e := reconcile.Reconcile(reconcile.Input{EJ: ej}, referential.Default())
	ApplyReviews(&e, []store.Review{{Subject: "ej:1300000009", Field: "designation", Value: `"Audit de la fonction achats"`, Reviewer: "a.b"}}, nil)
	r := IndexOf(ej, e, nil, false)
	if r.Designation != "Audit de la fonction achats" || !r.DesignationClaire {
		t.Errorf("a person's designation is what lists show: %q %v", r.Designation, r.DesignationClaire)
	}
}
