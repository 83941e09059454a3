package reconcile

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/analyze"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/intake"
)

const corpus = "../../../shared/corpus"

// TestRealDocuments runs reading, classification and extraction on the
// real attachments of the corpus and attaches them to a hand-built EJ:
// two quotes of a one-person company (one scanned: no text without OCR)
// and an unrelated association's RIB.
func TestRealDocuments(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus, "real-misc", "*.pdf"))
	if err != nil || len(files) != 3 {
		t.Fatalf("corpus: %v %v", files, err)
	}
	slices.Sort(files)
	// OCR off: the same result whether Tesseract is installed or not.
	r := intake.New(intake.Options{OCRMode: intake.OCROff})
	defer r.Close()
	var docs []Doc
	for _, f := range files {
		res := analyze.Document(r.ReadFile(context.Background(), f))
		docs = append(docs, Doc{SHA256: res.SHA256, Name: filepath.Base(f), Result: res})
	}
	const (
		scanned = "c2d3165858fe7814d0124090614b69225797e3ae262c1544040e0834ad6e5e03" // devis-sibert-2019-06
		quote   = "92cbe711806aa9e491f8c94f0d5e2b3f492536d7d0d5612c3fd761b251a22856" // devis-sibert-2019-07
	)
	if docs[0].SHA256 != scanned || docs[1].SHA256 != quote {
		t.Fatalf("corpus changed: %s %s", docs[0].SHA256, docs[1].SHA256)
	}
	ej := chorus.EJ{
		NumEJ:       "1300054321",
		Designation: "Ateliers de robotique pour la médiathèque",
		Fournisseur: chorus.Supplier{Nom: "SIBERT MARC", SIRET: "79049427200020"},
		Postes:      []chorus.Poste{{Poste: "00010", CentreFinancier: "0175-C001-C002", MontantEngageTTC: amount(1250)}},
	}

	cases := []struct {
		name            string
		edit            func(*chorus.EJ)
		designation     string
		clair           bool
		designationFrom string
		administration  string
		explicite       bool
	}{
		// The quotes' objet says "8 demi-journées" and "matériel", not
		// what: Chorus's designation is clearer.
		// The programme gives only the ministry: not explicit. The
		// library the quotes are addressed to belongs to a local
		// authority, not to that ministry, so it does not refine it.
		{"with Chorus", nil, ej.Designation, true, "chorus", "Ministère de la Culture", false},
		{"Chorus without designation nor programme", func(e *chorus.EJ) { e.Designation = ""; e.Postes[0].CentreFinancier = "" },
			"Devis pour une prestation de 8 demi journées et pour le matériel nécessaire", false, quote,
			"Médiathèque Marie Curie / Coeur d'Essonne Agglomération", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ej := ej
			ej.Postes = slices.Clone(ej.Postes)
			if c.edit != nil {
				c.edit(&ej)
			}
			e := Reconcile(Input{EJ: ej, Documents: docs}, lolf)

			p := e.Prestataire
			if p.Nom != "EIRL Marc Sibert" || p.SIREN != "790494272" || p.SIRET != "79049427200020" || !p.Identifie {
				t.Errorf("prestataire %+v", p)
			}
			if got := sources(p.Sources); !slices.Contains(got, quote+":fournisseur.siret") || !slices.Contains(got, "chorus:fournisseur.siret") {
				t.Errorf("prestataire sources %v", got)
			}
			d := e.Designation
			if d.Value != c.designation || d.Clair != c.clair || len(d.Sources) == 0 || d.Sources[0].Document != c.designationFrom {
				t.Errorf("designation %+v", d)
			}
			if a := e.AdministrationBeneficiaire; a.Value != c.administration || a.Explicite != c.explicite {
				t.Errorf("administration %+v", a)
			}
			if len(e.Conflits) != 0 {
				t.Errorf("conflicts %+v", e.Conflits)
			}
			if m := e.Montants; m == nil || m.Commande == nil || m.Commande.MontantHT == nil || *m.Commande.MontantHT != 1250 || m.Commande.Sources[0].Document != quote {
				t.Errorf("montants %+v", e.Montants)
			}
			if len(e.Documents) != 3 || e.Documents[0].DocumentType != "devis" || len(e.Documents[0].Fields) != 0 ||
				e.Documents[2].DocumentType != "rib" || e.Documents[2].Fields["iban"].Value != "FR7610278062740002801564133" {
				t.Errorf("documents %+v", e.Documents)
			}
		})
	}
}
