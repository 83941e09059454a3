package anomaly

import "testing"

func TestFournisseur(t *testing.T) {
	otherNIC := luhnSIRET(sirenA, "0012")
	cases := []struct {
		name   string
		chorus string
		doc    map[string]any
		want   bool
	}{
		{"another valid SIREN on the quote", siretA, map[string]any{"fournisseur.siret": siretB, "fournisseur.nom": "Autre SA"}, true},
		{"the same SIREN, another establishment", siretA, map[string]any{"fournisseur.siret": otherNIC}, false},
		{"the same SIRET", siretA, map[string]any{"fournisseur.siret": siretA}, false},
		{"an invalid SIRET (identifiant_invalide's)", siretA, map[string]any{"fournisseur.siret": siretB[:13] + string('0'+(siretB[13]-'0'+1)%10)}, false},
		{"the buyer's SIRET printed as supplier", siretA, map[string]any{"fournisseur.siret": buyer}, false},
		{"no supplier identifier in Chorus", "", map[string]any{"fournisseur.siret": siretB}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ejSpec{num: "1300000001", date: "2025-06-02", ht: 10000, supplier: c.chorus}
			e := mkEJ(s)
			if c.chorus == "" {
				e.Fournisseur.SIRET, e.Fournisseur.SIREN = "", ""
			}
			got := detectCode(t, CodeFournisseur, Options{}, mkRec(e, mkDoc("devis", c.doc)))
			if (len(got) == 1) != c.want {
				t.Fatalf("got %+v, want fired=%v", got, c.want)
			}
		})
	}
}
