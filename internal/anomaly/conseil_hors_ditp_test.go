package anomaly

import "testing"

func TestConseilHorsDITP(t *testing.T) {
	conseil := ejSpec{date: "2025-06-02", ht: 90000, gm: gmConseil, gmLib: gmConseilLib, cpv: cpvConseil, contrat: "2025MAR0000001"}
	quote := map[string]any{"objet": "Audit de l'organisation des fonctions support", "conseil.nb_jours": 60.0, "conseil.tjm": 1500.0, "conseil.categorie": "organisation_rh", "montant_ht": 90000.0}
	armees := conseil
	armees.cf, armees.df = "0212-SGAD-DAF1", "0212-01-01"
	ac := conseil
	ac.ac = "2022DIT0000001"
	small := conseil
	small.ht = 30000
	noRef := conseil
	noRef.contrat = ""
	cases := []struct {
		name  string
		spec  ejSpec
		quote map[string]any
		want  bool
	}{
		{"civilian strategy consulting on its own marché", conseil, quote, true},
		{"Armées", armees, quote, false},
		{"under an accord-cadre", ac, quote, false},
		{"under the dispense threshold", small, quote, false},
		{"no reference at all (hors_marche's)", noRef, quote, false},
		{"IT consulting, outside the DITP scope", conseil, map[string]any{"objet": "Cadrage du schéma directeur des systèmes d'information", "conseil.nb_jours": 60.0, "conseil.categorie": "informatique", "montant_ht": 90000.0}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.spec.num = "1300000001"
			got := detectCode(t, CodeConseilHorsDITP, Options{}, mkRec(mkEJ(c.spec), mkDoc("devis", c.quote)))
			if (len(got) == 1) != c.want {
				t.Fatalf("got %+v, want fired=%v", got, c.want)
			}
		})
	}
}
