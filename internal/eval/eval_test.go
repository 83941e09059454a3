package eval

import (
	"bytes"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		field     string
		gold, got any
		want      bool
	}{
		{"fournisseur.siret", "73282932000074", "732 829 320 00074", true},
		{"fournisseur.siret", "73282932000074", "73282932000075", false},
		{"fournisseur.tva", "FR03552081317", "fr 03 552081317", true},
		{"montant_ttc", 107.82, 107.825, true},
		{"montant_ttc", 107.82, 107.84, false},
		{"montant_ht", 1000.0, "1000", true},
		{"date", "2019-06-24", "2019-06-24", true},
		{"date", "2019-06-24", "2019-06-25", false},
		{"fournisseur.nom", "EIRL Marc Sibert", "MARC SIBERT", true},
		{"fournisseur.nom", "Société Générale S.A.S.", "SOCIETE GENERALE", true},
		{"fournisseur.nom", "Au bon moulin", "Au bon marché", false},
		{"acheteur.nom", "Médiathèque Marie Curie", "Mediatheque Marie-Curie", true},
		{"objet", "Devis pour une prestation de 8 demi-journées", "devis pour une prestation de 8 demi journées", true},
		{"objet", "Devis pour une prestation de 8 demi-journées", "prestation", false},
		{"numero", "", "", false},
	}
	for _, c := range cases {
		if got := Match(c.field, c.gold, c.got); got != c.want {
			t.Errorf("Match(%s, %v, %v) = %v", c.field, c.gold, c.got, got)
		}
	}
}

func TestScore(t *testing.T) {
	cases := []Case{
		{Path: "a.pdf", Gold: Gold{DocumentType: "facture", Fields: map[string]any{"numero": "F1", "montant_ttc": 12.0}}},
		{Path: "b.pdf", Gold: Gold{DocumentType: "devis", Fields: map[string]any{"numero": "D2"}}},
	}
	f := func(v any) document.Field { return document.Field{Value: v, Confidence: 1} }
	results := []document.Result{
		{DocumentType: &document.TypeGuess{Value: "facture"}, Fields: map[string]document.Field{"numero": f("F1"), "montant_ttc": f(13.0), "iban": f("FR76")}},
		{DocumentType: &document.TypeGuess{Value: "facture"}, Fields: map[string]document.Field{"montant_ttc": f(5.0)}},
	}
	rep := Score(cases, results)
	acc, prec, typ := rep.Totals()
	// gold: 3 (numero×2, montant_ttc×1); predicted scored: numero, montant_ttc, montant_ttc = 3; correct: 1.
	if acc != 1.0/3 || prec != 1.0/3 || typ != 0.5 {
		t.Errorf("totals: accuracy %v precision %v type %v", acc, prec, typ)
	}
	if rep.Unscored["iban"] != 1 {
		t.Errorf("iban should be unscored: %v", rep.Unscored)
	}
	var out bytes.Buffer
	rep.Write(&out, true)
	last := strings.TrimSpace(out.String())
	last = last[strings.LastIndex(last, "\n")+1:]
	if last != "field accuracy 0.333, precision 0.333, type accuracy 0.500 over 2 documents" {
		t.Errorf("last line %q", last)
	}
	if !strings.Contains(out.String(), "b.pdf : montant_ttc : non imprimé") {
		t.Errorf("misses not listed:\n%s", out.String())
	}
}
