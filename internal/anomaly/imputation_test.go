package anomaly

import (
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/chorus"
)

func TestImputation(t *testing.T) {
	consultingQuote := map[string]any{"objet": "Audit de l'organisation des fonctions support", "conseil.nb_jours": 20.0, "conseil.tjm": 1200.0, "montant_ht": 24000.0}
	seminarQuote := map[string]any{"objet": "Organisation d'un séminaire de direction de deux jours", "conseil.nb_jours": 2.0, "conseil.tjm": 1500.0, "montant_ht": 3000.0}
	goodsQuote := map[string]any{"objet": "Fourniture de mobilier de bureau pour le site", "montant_ht": 24000.0}
	cases := []struct {
		name  string
		spec  ejSpec
		quote map[string]any
		want  string // part of the explanation, "" when nothing fires
	}{
		{"consulting on a furniture GM", ejSpec{cpv: cpvConseil}, consultingQuote, "le contenu est du conseil"},
		{"consulting documents, but goods CPV and GM: a known CPV decides", ejSpec{}, consultingQuote, ""},
		{"consulting on a consulting GM", ejSpec{gm: gmConseil, gmLib: gmConseilLib, cpv: cpvConseil}, consultingQuote, ""},
		{"furniture on a consulting GM", ejSpec{gm: gmConseil, gmLib: gmConseilLib}, goodsQuote, "GM de conseil"},
		{"furniture on a furniture GM", ejSpec{}, goodsQuote, ""},
		{"seminar days on an event GM", ejSpec{gm: gmEvent, gmLib: gmEventLib, cpv: cpvEvent}, seminarQuote, ""},
		{"no document, consulting CPV on a furniture GM", ejSpec{cpv: cpvConseil}, nil, "le contenu est du conseil"},
		{"domaine fonctionnel of another programme", ejSpec{df: "0203-04-02"}, goodsQuote, "domaine fonctionnel 0203-04-02 relève du programme 203"},
		{"administration of another ministry", ejSpec{}, map[string]any{"objet": "Fourniture de mobilier de bureau", "administration_beneficiaire": "Ministère de la Culture > Direction générale des patrimoines"}, "Ministère de la Culture"},
		{"same ministry under another name", ejSpec{cf: "0102-EMPL-PAE1", df: "0102-01-01"}, map[string]any{"objet": "Fourniture de mobilier de bureau", "administration_beneficiaire": "Ministère du Travail, de la Santé et des Solidarités > DGEFP"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.spec.num, c.spec.date, c.spec.ht = "1300000001", "2025-06-02", 24000
			rec := mkRec(mkEJ(c.spec))
			if c.quote != nil {
				rec = mkRec(mkEJ(c.spec), mkDoc("devis", c.quote))
			}
			got := detectCode(t, CodeImputation, Options{}, rec)
			if c.want == "" {
				if len(got) != 0 {
					t.Fatalf("fired: %s", got[0].Explication)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0].Explication, c.want) {
				t.Fatalf("got %+v, want %q", got, c.want)
			}
		})
	}
}

// TestImputationSeveralGM: one consulting poste among others is enough.
func TestImputationSeveralGM(t *testing.T) {
	e := mkEJ(ejSpec{num: "1300000001", date: "2025-06-02", cpv: cpvConseil, postes: []chorus.Poste{
		{Poste: "10", CentreFinancier: "0218-SGAE-DAE1", GroupeMarchandises: gmMobilier, GMLibelle: gmMobilierLib, CodeCPV: cpvConseil, MontantEngageHT: ptr(10000)},
		{Poste: "20", CentreFinancier: "0218-SGAE-DAE1", GroupeMarchandises: gmConseil, GMLibelle: gmConseilLib, CodeCPV: cpvConseil, MontantEngageHT: ptr(14000)},
	}})
	if got := detectCode(t, CodeImputation, Options{}, mkRec(e)); len(got) != 0 {
		t.Fatalf("fired: %s", got[0].Explication)
	}
}
