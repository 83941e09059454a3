package reconcile

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
)

// programmes is a small programme → ministry table (LOLF programmes as
// the budget documents name their ministry).
type programmes map[string]string

func (p programmes) MinistryOfProgramme(prog string) (string, bool) {
	m, ok := p[strings.TrimLeft(strings.TrimSpace(prog), "0")]
	return m, ok
}

var lolf = programmes{
	"129": "Services du Premier ministre",
	"175": "Ministère de la Culture",
	"216": "Ministère de l'Intérieur",
	"218": "Ministère de l'Économie, des Finances et de la Souveraineté industrielle et numérique",
}

// Real identifiers (DOMAIN.md §4): EDF, a test SIREN, DINUM, the DAE.
const (
	sirenEDF   = "552081317"
	siretEDF   = "55208131766522"
	vatEDF     = "FR03552081317"
	siren7328  = "732829320"
	siret7328  = "73282932000074"
	siretDINUM = "13002526500013"
	siretDAE   = "13002220500012"
)

func field(v any, conf float64, evidence string) document.Field {
	return document.Field{Value: v, Confidence: conf, Page: 1, Evidence: evidence}
}

func ident(v string, valid bool) document.Field {
	f := field(v, 0.92, "SIRET : "+v)
	f.Valid = &valid
	return f
}

func doc(sha, typ string, fields map[string]document.Field) Doc {
	r := document.Result{File: "/pj/" + sha + ".pdf", SHA256: sha, Fields: fields}
	if typ != "" {
		r.DocumentType = &document.TypeGuess{Value: typ, Confidence: 0.9}
	}
	return Doc{SHA256: sha, Name: sha + ".pdf", Result: r}
}

func failed(sha, msg string) Doc {
	return Doc{SHA256: sha, Name: sha + ".pdf", Result: document.Result{File: sha + ".pdf", SHA256: sha, Error: &msg, Fields: map[string]document.Field{}}}
}

func amount(v float64) *float64 { return &v }

// baseEJ is an EJ of the Intérieur with a clear designation and a valid SIRET.
func baseEJ() chorus.EJ {
	return chorus.EJ{
		NumEJ:       "1300012345",
		Designation: "Accompagnement à la refonte du portail usagers",
		Fournisseur: chorus.Supplier{Nom: "SOCIETE 7328", SIRET: siret7328},
		Postes: []chorus.Poste{{Poste: "00010", CentreFinancier: "0216-CAPN-DNUM", GroupeMarchandises: "33.01.04",
			Designation: "AMOA portail", MontantEngageHT: amount(48000)}},
	}
}

func sources(ss []Source) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Document+":"+s.Field)
	}
	return out
}

func conflict(e Enriched, champ string) []string {
	for _, c := range e.Conflits {
		if c.Champ == champ {
			var out []string
			for _, v := range c.Valeurs {
				out = append(out, v.Value+"@"+v.Source)
			}
			return out
		}
	}
	return nil
}

func TestReconcile(t *testing.T) {
	cases := []struct {
		name  string
		ej    func(*chorus.EJ)
		docs  []Doc
		check func(t *testing.T, e Enriched)
	}{
		{
			name: "document and Chorus agree on the supplier",
			docs: []Doc{doc("devis1", "devis", map[string]document.Field{
				"fournisseur.siret": ident(siret7328, true),
				"fournisseur.nom":   field("Société 7328 SAS", 0.88, "Société 7328 SAS"),
				"objet":             field("Refonte du portail usagers : cadrage et ateliers", 0.8, "Objet : Refonte du portail usagers : cadrage et ateliers"),
			})},
			check: func(t *testing.T, e Enriched) {
				p := e.Prestataire
				if !p.Identifie || p.SIREN != siren7328 || p.SIRET != siret7328 || p.Nom != "Société 7328 SAS" {
					t.Errorf("prestataire %+v", p)
				}
				want := []string{"devis1:fournisseur.siret", "chorus:fournisseur.siret", "devis1:fournisseur.nom"}
				if got := sources(p.Sources); !slices.Equal(got, want) {
					t.Errorf("sources %v, want %v", got, want)
				}
				if len(e.Conflits) != 0 {
					t.Errorf("conflicts %+v", e.Conflits)
				}
				if e.Designation.Value != "Refonte du portail usagers : cadrage et ateliers" || !e.Designation.Clair {
					t.Errorf("designation %+v", e.Designation)
				}
				if e.Designation.Sources[0].Document != "devis1" || e.Designation.Sources[0].Evidence == "" {
					t.Errorf("designation source %+v", e.Designation.Sources)
				}
			},
		},
		{
			name: "two documents outvote Chorus",
			docs: []Doc{
				doc("devis1", "devis", map[string]document.Field{"fournisseur.siret": ident(siretEDF, true), "fournisseur.nom": field("EDF", 0.9, "EDF")}),
				doc("fact1", "facture", map[string]document.Field{"fournisseur.tva": ident(vatEDF, true)}),
			},
			check: func(t *testing.T, e Enriched) {
				p := e.Prestataire
				if !p.Identifie || p.SIREN != sirenEDF || p.SIRET != siretEDF || p.Nom != "EDF" {
					t.Errorf("prestataire %+v", p)
				}
				want := []string{sirenEDF + "@devis1", sirenEDF + "@fact1", siren7328 + "@chorus"}
				if got := conflict(e, "prestataire.siren"); !slices.Equal(got, want) {
					t.Errorf("siren conflict %v, want %v", got, want)
				}
				want = []string{siretEDF + "@devis1", siret7328 + "@chorus"}
				if got := conflict(e, "prestataire.siret"); !slices.Equal(got, want) {
					t.Errorf("siret conflict %v, want %v", got, want)
				}
			},
		},
		{
			name: "one document against Chorus: the document is kept, not identified",
			docs: []Doc{doc("devis1", "devis", map[string]document.Field{"fournisseur.siret": ident(siretEDF, true)})},
			check: func(t *testing.T, e Enriched) {
				p := e.Prestataire
				if p.Identifie || p.SIREN != sirenEDF {
					t.Errorf("prestataire %+v", p)
				}
				if conflict(e, "prestataire.siren") == nil {
					t.Error("no SIREN conflict")
				}
				if !e.AvantEnrichissement.PrestataireIdentifie {
					t.Error("Chorus alone identified the supplier")
				}
			},
		},
		{
			name: "invalid SIRET on a document is a warning, never the value",
			ej:   func(ej *chorus.EJ) { ej.Fournisseur = chorus.Supplier{Nom: "INCONNU"} },
			docs: []Doc{
				doc("devis1", "devis", map[string]document.Field{"fournisseur.siret": ident("73282932000075", false), "fournisseur.nom": field("Société 7328", 0.9, "x")}),
				// Flagged valid by mistake: the checksum is checked again.
				doc("fact1", "facture", map[string]document.Field{"fournisseur.siret": ident("73282932000075", true)}),
			},
			check: func(t *testing.T, e Enriched) {
				p := e.Prestataire
				if p.Identifie || p.SIREN != "" || p.SIRET != "" {
					t.Errorf("prestataire %+v", p)
				}
				if p.Nom != "INCONNU" {
					t.Errorf("name %q: Chorus's name comes first without identifier", p.Nom)
				}
				if len(e.Avertissements) != 2 || !strings.Contains(e.Avertissements[0], "73282932000075") || !strings.Contains(e.Avertissements[0], "invalide") {
					t.Errorf("warnings %q", e.Avertissements)
				}
				if e.AvantEnrichissement.PrestataireIdentifie {
					t.Error("no Chorus identifier, identified before")
				}
			},
		},
		{
			name: "one confident document without Chorus identifier identifies",
			ej:   func(ej *chorus.EJ) { ej.Fournisseur = chorus.Supplier{} },
			docs: []Doc{doc("devis1", "devis", map[string]document.Field{"fournisseur.siret": ident(siretEDF, true), "fournisseur.nom": field("EDF", 0.9, "EDF")})},
			check: func(t *testing.T, e Enriched) {
				if p := e.Prestataire; !p.Identifie || p.SIRET != siretEDF || p.Nom != "EDF" {
					t.Errorf("prestataire %+v", p)
				}
			},
		},
		{
			name: "one unsure document does not identify",
			ej:   func(ej *chorus.EJ) { ej.Fournisseur = chorus.Supplier{} },
			docs: []Doc{doc("devis1", "devis", map[string]document.Field{"fournisseur.siren": func() document.Field {
				f := ident(sirenEDF, true)
				f.Confidence = 0.6
				return f
			}()})},
			check: func(t *testing.T, e Enriched) {
				if p := e.Prestataire; p.Identifie || p.SIREN != sirenEDF {
					t.Errorf("prestataire %+v", p)
				}
			},
		},
		{
			name: "the buyer's identifiers are never the supplier's",
			ej:   func(ej *chorus.EJ) { ej.Fournisseur = chorus.Supplier{}; ej.SIRETAcheteur = siretDINUM },
			docs: []Doc{
				doc("bdc1", "bon_de_commande", map[string]document.Field{
					"acheteur.siret":    ident(siretDAE, true),
					"acheteur.nom":      field("Direction des achats de l'État", 0.9, "DAE"),
					"fournisseur.siret": ident(siretEDF, true),
					"fournisseur.nom":   field("EDF", 0.9, "EDF"),
				}),
				// The extractor took the buyer's SIRET for the supplier's.
				doc("fact1", "facture", map[string]document.Field{
					"acheteur.siret":    ident(siretDAE, true),
					"fournisseur.siret": ident(siretDAE, true),
				}),
				doc("devis1", "devis", map[string]document.Field{"fournisseur.siret": ident(siretDINUM, true)}),
			},
			check: func(t *testing.T, e Enriched) {
				p := e.Prestataire
				if !p.Identifie || p.SIRET != siretEDF {
					t.Errorf("prestataire %+v", p)
				}
				if len(e.Conflits) != 0 {
					t.Errorf("conflicts %+v", e.Conflits)
				}
				if len(e.Avertissements) != 2 || !strings.Contains(e.Avertissements[0], "acheteur") {
					t.Errorf("warnings %q", e.Avertissements)
				}
			},
		},
		{
			name: "generic objet falls back to a clear Chorus designation",
			docs: []Doc{doc("devis1", "devis", map[string]document.Field{"objet": field("Prestation de services", 0.9, "Objet : Prestation de services")})},
			check: func(t *testing.T, e Enriched) {
				d := e.Designation
				if d.Value != "Accompagnement à la refonte du portail usagers" || !d.Clair || d.Motif != "" {
					t.Errorf("designation %+v", d)
				}
				if got := sources(d.Sources); !slices.Equal(got, []string{"chorus:designation_ej"}) {
					t.Errorf("sources %v", got)
				}
			},
		},
		{
			name: "generic EJ designation falls back to a clear poste designation",
			ej: func(ej *chorus.EJ) {
				ej.Designation = "DIVERS"
				ej.Postes[0].Designation = "Maintenance des ascenseurs"
			},
			check: func(t *testing.T, e Enriched) {
				if d := e.Designation; d.Value != "Maintenance des ascenseurs" || !d.Clair || d.Sources[0].Field != "postes.designation" {
					t.Errorf("designation %+v", d)
				}
				if !e.AvantEnrichissement.DesignationClaire {
					t.Error("poste designation not counted before enrichment")
				}
			},
		},
		{
			name: "nothing clear keeps the best document candidate",
			ej:   func(ej *chorus.EJ) { ej.Designation = "ACHAT FOURNITURES"; ej.Postes[0].Designation = "" },
			docs: []Doc{
				doc("fact1", "facture", map[string]document.Field{"objet": field("Selon devis", 0.95, "Objet : selon devis")}),
				doc("devis1", "devis", map[string]document.Field{"objet": field("Divers", 0.6, "Objet : Divers")}),
			},
			check: func(t *testing.T, e Enriched) {
				d := e.Designation
				if d.Value != "Divers" || d.Clair || d.Motif != reasonGeneric || d.Sources[0].Document != "devis1" {
					t.Errorf("designation %+v", d)
				}
				if e.AvantEnrichissement.DesignationClaire {
					t.Error("before: designation claire")
				}
			},
		},
		{
			name: "several documents saying the same objet are all sources",
			docs: []Doc{
				doc("devis1", "devis", map[string]document.Field{"objet": field("ACCOMPAGNEMENT A LA REFONTE DU PORTAIL USAGERS.", 0.95, "x")}),
				doc("fact1", "facture", map[string]document.Field{"objet": field("Accompagnement à la refonte du portail usagers", 0.99, "y")}),
				doc("ae1", "acte_engagement", map[string]document.Field{"objet": field("Accompagnement à la refonte du portail usagers", 0.7, "z")}),
				doc("cctp1", "cctp", map[string]document.Field{"objet": field("Refonte du portail", 0.9, "w")}),
			},
			check: func(t *testing.T, e Enriched) {
				d := e.Designation
				want := []string{"ae1:objet", "devis1:objet", "fact1:objet", "chorus:designation_ej"}
				if got := sources(d.Sources); !slices.Equal(got, want) || !d.Clair || d.Value != "Accompagnement à la refonte du portail usagers" {
					t.Errorf("designation %+v, sources %v want %v", d, got, want)
				}
			},
		},
		{
			name: "a failed document is listed with its error and not used",
			docs: []Doc{
				failed("bad1", "PDF illisible : fichier tronqué"),
				doc("devis1", "devis", map[string]document.Field{"objet": field("Maintenance des ascenseurs", 0.8, "x")}),
			},
			check: func(t *testing.T, e Enriched) {
				if len(e.Documents) != 2 || e.Documents[0].Error != "PDF illisible : fichier tronqué" || e.Documents[0].SHA256 != "bad1" || e.Documents[1].DocumentType != "devis" {
					t.Errorf("documents %+v", e.Documents)
				}
				if e.Designation.Value != "Maintenance des ascenseurs" {
					t.Errorf("designation %+v", e.Designation)
				}
			},
		},
		{
			name: "an EJ without documents is as Chorus says",
			check: func(t *testing.T, e Enriched) {
				if e.Documents == nil || len(e.Documents) != 0 || e.Conflits == nil || e.Anomalies == nil {
					t.Errorf("empty lists must be [] in JSON: %+v", e)
				}
				a := e.AvantEnrichissement
				if !a.DesignationClaire || !a.PrestataireIdentifie || a.AdministrationExplicite {
					t.Errorf("before %+v", a)
				}
				if e.Designation.Clair != a.DesignationClaire || e.Prestataire.Identifie != a.PrestataireIdentifie || e.AdministrationBeneficiaire.Explicite != a.AdministrationExplicite {
					t.Errorf("after differs from before without documents: %+v", e)
				}
				if e.AdministrationBeneficiaire.Value != "Ministère de l'Intérieur" || e.Prestataire.Nom != "SOCIETE 7328" {
					t.Errorf("%+v %+v", e.AdministrationBeneficiaire, e.Prestataire)
				}
				if e.Montants == nil || e.Montants.Engage == nil || e.Montants.Engage.Montant != 48000 || e.Montants.Engage.Base != "HT" || e.Montants.Commande != nil {
					t.Errorf("montants %+v", e.Montants)
				}
				if e.Conseil != nil {
					t.Errorf("conseil %+v", e.Conseil)
				}
				if e.Chorus.CentreFinancier != "0216-CAPN-DNUM" || e.Chorus.MontantEngage == nil || *e.Chorus.MontantEngage != 48000 {
					t.Errorf("chorus %+v", e.Chorus)
				}
			},
		},
		{
			name: "a document refines the programme's ministry",
			docs: []Doc{doc("bdc1", "bon_de_commande", map[string]document.Field{
				"administration_beneficiaire": field("Ministère de l'Intérieur et des Outre-mer > Secrétariat général > Direction du numérique", 0.75, "x"),
			})},
			check: func(t *testing.T, e Enriched) {
				a := e.AdministrationBeneficiaire
				if !a.Explicite || !strings.HasSuffix(a.Value, "> Direction du numérique") {
					t.Errorf("administration %+v", a)
				}
				if got := sources(a.Sources); !slices.Equal(got, []string{"bdc1:administration_beneficiaire", "chorus:programme"}) {
					t.Errorf("sources %v", got)
				}
				if len(e.Conflits) != 0 {
					t.Errorf("conflicts %+v", e.Conflits)
				}
			},
		},
		{
			name: "a document naming another ministry is a conflict",
			docs: []Doc{doc("bdc1", "bon_de_commande", map[string]document.Field{
				"administration_beneficiaire": field("Ministère de la Culture > Direction générale des patrimoines", 0.75, "x"),
			})},
			check: func(t *testing.T, e Enriched) {
				a := e.AdministrationBeneficiaire
				if a.Value != "Ministère de l'Intérieur" || a.Explicite {
					t.Errorf("administration %+v", a)
				}
				want := []string{"Ministère de l'Intérieur@chorus", "Ministère de la Culture > Direction générale des patrimoines@bdc1"}
				if got := conflict(e, "administration_beneficiaire"); !slices.Equal(got, want) {
					t.Errorf("conflict %v", got)
				}
			},
		},
		{
			name: "Chorus names the service: the centre financier's label",
			ej:   func(ej *chorus.EJ) { ej.Postes[0].CentreFinancierLib = "DNUM - Direction du numérique" },
			check: func(t *testing.T, e Enriched) {
				a := e.AdministrationBeneficiaire
				if a.Value != "Ministère de l'Intérieur > DNUM - Direction du numérique" || !a.Explicite || !e.AvantEnrichissement.AdministrationExplicite {
					t.Errorf("administration %+v, before %+v", a, e.AvantEnrichissement)
				}
				if got := sources(a.Sources); !slices.Equal(got, []string{"chorus:programme", "chorus:centre_financier_libelle"}) {
					t.Errorf("sources %v", got)
				}
			},
		},
		{
			name: "Chorus names the service: the ODA's service bénéficiaire",
			ej:   func(ej *chorus.EJ) { ej.ServiceBeneficiaire = "Ministère de l'Intérieur > SG > DNUM" },
			check: func(t *testing.T, e Enriched) {
				if a := e.AdministrationBeneficiaire; a.Value != "Ministère de l'Intérieur > SG > DNUM" || !a.Explicite {
					t.Errorf("administration %+v", a)
				}
			},
		},
		{
			name: "without programme the document names the administration",
			ej:   func(ej *chorus.EJ) { ej.Postes[0].CentreFinancier = "" },
			docs: []Doc{doc("devis1", "devis", map[string]document.Field{"acheteur.nom": field("Direction des achats de l'État", 0.9, "x")})},
			check: func(t *testing.T, e Enriched) {
				if a := e.AdministrationBeneficiaire; a.Value != "Direction des achats de l'État" || !a.Explicite {
					t.Errorf("administration %+v", a)
				}
				if e.AvantEnrichissement.AdministrationExplicite {
					t.Error("before: explicite without programme")
				}
			},
		},
		{
			name: "amounts and consulting figures",
			docs: []Doc{
				doc("devis1", "devis", map[string]document.Field{"montant_ht": field(40000.0, 0.9, "Total HT 40 000,00"), "date": field("2026-01-10", 0.9, "x"),
					"conseil.nb_jours": field(25.0, 0.8, "25 jours"), "conseil.tjm": field(1600.0, 0.8, "TJM 1 600")}),
				doc("devis2", "devis", map[string]document.Field{"montant_ht": field(38000.0, 0.9, "Total HT 38 000,00"), "montant_ttc": field(45600.0, 0.9, "TTC"), "date": field("2026-02-01", 0.9, "x"),
					"conseil.nb_jours": field(25.0, 0.7, "25 j"), "conseil.categorie": field("strategie", 0.6, "stratégie")}),
				doc("fact1", "facture", map[string]document.Field{"numero": field("F-1", 0.9, "x"), "montant_ht": field(19000.0, 0.9, "x"), "montant_ttc": field(22800.0, 0.9, "x")}),
				doc("fact1bis", "facture", map[string]document.Field{"numero": field("F 1", 0.9, "x"), "montant_ht": field(19000.0, 0.9, "x")}),
				doc("fact2", "facture", map[string]document.Field{"numero": field("F-2", 0.9, "x"), "montant_ht": field(json.Number("19000.004"), 0.9, "x")}),
			},
			check: func(t *testing.T, e Enriched) {
				m := e.Montants
				if m == nil || m.Commande == nil || *m.Commande.MontantHT != 38000 || *m.Commande.MontantTTC != 45600 || m.Commande.Sources[0].Document != "devis2" {
					t.Fatalf("commande %+v", m)
				}
				f := m.Factures
				if f == nil || f.NbDocuments != 2 || f.MontantHT == nil || *f.MontantHT != 38000 || f.MontantTTC != nil {
					t.Errorf("factures %+v", f)
				}
				c := e.Conseil
				if c == nil || c.NbJours.Value != 25 || len(c.NbJours.Sources) != 2 || c.TJM.Value != 1600 || c.Categorie.Value != "strategie" {
					t.Errorf("conseil %+v", c)
				}
			},
		},
		{
			name: "documents inside an archive are sources too",
			docs: []Doc{{SHA256: "zip1", Name: "pieces.zip", Result: document.Result{File: "pieces.zip", SHA256: "zip1", Fields: map[string]document.Field{},
				Children: []document.Result{{File: "pieces/devis.pdf", SHA256: "child1", DocumentType: &document.TypeGuess{Value: "devis", Confidence: 1},
					Fields: map[string]document.Field{"objet": field("Maintenance des ascenseurs", 0.9, "x")}}}}}},
			check: func(t *testing.T, e Enriched) {
				if d := e.Designation; d.Value != "Maintenance des ascenseurs" || d.Sources[0].Document != "child1" || d.Sources[0].Name != "pieces/devis.pdf" {
					t.Errorf("designation %+v", d)
				}
				if len(e.Documents) != 1 || len(e.Documents[0].Children) != 1 || e.Documents[0].Children[0].SHA256 != "child1" {
					t.Errorf("documents %+v", e.Documents)
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ej := baseEJ()
			if c.ej != nil {
				c.ej(&ej)
			}
			in := Input{EJ: ej, Documents: c.docs}
			e := Reconcile(in, lolf)
			if e.NumEJ != "1300012345" {
				t.Errorf("num_ej %q", e.NumEJ)
			}
			c.check(t, e)
			// Pure and deterministic.
			if again := Reconcile(in, lolf); !reflect.DeepEqual(e, again) {
				t.Error("two runs differ")
			}
			if _, err := json.Marshal(e); err != nil {
				t.Errorf("JSON: %v", err)
			}
		})
	}
}

func TestSameMinistry(t *testing.T) {
	cases := []struct {
		a, b        string
		same, known bool
	}{
		{"Ministère de l'Intérieur", "MINISTERE DE L'INTERIEUR ET DES OUTRE-MER", true, true},
		{"Ministère des Armées", "Ministère des Armées et des Anciens combattants", true, true},
		{"Ministère de l'Économie, des Finances et de la Souveraineté industrielle et numérique", "Ministère de l'Économie et des Finances", true, true},
		{"Ministère de la Transition écologique", "Ministère de la Transition énergétique", false, true},
		{"Ministère de la Culture", "Ministère de l'Intérieur", false, true},
		{"Ministère", "Ministère de la Culture", false, false},
		{"Ministère chargé de la Cohésion des territoires", "Ministère de la Transition écologique et de la Cohésion des territoires", true, true},
		{"Ministère chargé de la Santé et des Solidarités", "Ministère du Travail, de la Santé et des Solidarités", true, true},
		{"Ministère de la Culture", "Ministère dela Culture", true, true},
		{"Ministère chargé du Travail et de l'Emploi", "Ministère du Travail, de la Santé et des Solidarités", false, true},
		{"Ministère chargé de la Fonction publique", "Services du Premier ministre", false, true},
	}
	for _, c := range cases {
		if same, known := sameMinistry(c.a, c.b); same != c.same || known != c.known {
			t.Errorf("sameMinistry(%q, %q) = %v, %v", c.a, c.b, same, known)
		}
	}
}

func TestTally(t *testing.T) {
	var tl Tally
	if s := tl.Stats(); s.NbEJ != 0 || s.Apres.DesignationClaire.Part != 0 {
		t.Errorf("empty %+v", s)
	}
	// Without documents, with a generic objet, with a clear objet.
	ej := baseEJ()
	ej.Designation, ej.Postes[0].Designation = "Divers", ""
	ej.Fournisseur = chorus.Supplier{}
	tl.Add(Reconcile(Input{EJ: ej}, lolf))
	tl.Add(Reconcile(Input{EJ: ej, Documents: []Doc{doc("d", "devis", map[string]document.Field{"objet": field("Prestation", 0.9, "x")})}}, lolf))
	tl.Add(Reconcile(Input{EJ: ej, Documents: []Doc{doc("d", "devis", map[string]document.Field{
		"objet": field("Maintenance des ascenseurs", 0.9, "x"), "fournisseur.siret": ident(siretEDF, true)})}}, nil))
	s := tl.Stats()
	want := Stats{NbEJ: 3,
		Avant: Indicators{Indicator{0, 0}, Indicator{0, 0}, Indicator{0, 0}},
		Apres: Indicators{Indicator{1, 0.3333}, Indicator{1, 0.3333}, Indicator{0, 0}}}
	if s != want {
		t.Errorf("stats %+v, want %+v", s, want)
	}
	b, _ := json.Marshal(s)
	if !strings.Contains(string(b), `"apres_enrichissement":{"designation_claire":{"nombre":1,"part":0.3333}`) {
		t.Errorf("JSON %s", b)
	}
}

// FuzzReconcile feeds arbitrary field values and Chorus data: no panic, a
// JSON-encodable record, the same twice, and never an invalid identifier.
func FuzzReconcile(f *testing.F) {
	f.Add("Maintenance des ascenseurs", siretEDF, vatEDF, "Ministère de la Culture > DGPA", "1 250,00", siret7328, "0175-C001", "Divers")
	f.Add("", "73282932000075", "FR00552081317", "", "NaN", "", "", "")
	f.Add("DA-2026-041", "35600000049837", "DE123456789", "Premier ministre > SGG", "1e400", "356000000", "12-", "AMOA SI")
	f.Fuzz(func(t *testing.T, objet, siret, tva, admin, montant, chorusSIRET, cf, designation string) {
		valid := true
		fields := map[string]document.Field{
			"objet": field(objet, 0.9, objet), "fournisseur.siret": ident(siret, valid), "fournisseur.tva": field(tva, 0.9, tva),
			"administration_beneficiaire": field(admin, 0.8, admin), "montant_ht": field(montant, 0.8, montant),
			"conseil.tjm": field(montant, 0.7, montant), "acheteur.siren": field(chorusSIRET, 0.5, ""),
		}
		ej := chorus.EJ{NumEJ: "1", Designation: designation, Fournisseur: chorus.Supplier{SIRET: chorusSIRET, SIREN: siret},
			Postes: []chorus.Poste{{CentreFinancier: cf, Designation: objet}}}
		in := Input{EJ: ej, Documents: []Doc{doc("a", "devis", fields), doc("b", "facture", fields), doc("a", "avoir", fields)}}
		e := Reconcile(in, lolf)
		if _, err := json.Marshal(e); err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if !reflect.DeepEqual(e, Reconcile(in, lolf)) {
			t.Fatal("not deterministic")
		}
		if p := e.Prestataire; p.SIRET != "" && !fr.ValidSIRET(p.SIRET) || p.SIREN != "" && !fr.ValidSIREN(p.SIREN) {
			t.Fatalf("invalid identifier chosen: %+v", p)
		}
	})
}
