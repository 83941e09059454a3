package anomaly

import (
	"strings"
	"testing"
)

func TestHorsMarche(t *testing.T) {
	ugap := luhnSIRET(ugapSIREN, "0001")
	cases := []struct {
		name string
		spec ejSpec
		docs map[string]any // a devis's fields, nil for none
		want bool
	}{
		{"above the threshold, no reference", ejSpec{date: "2025-06-02", ht: 52000}, nil, true},
		{"exactly at the threshold", ejSpec{date: "2025-06-02", ht: 40000}, nil, true},
		{"one cent under the threshold", ejSpec{date: "2025-06-02", ht: 39999.99}, nil, false},
		{"last day of 40 000 €", ejSpec{date: "2026-03-31", ht: 50000}, nil, true},
		{"first day of 60 000 €", ejSpec{date: "2026-04-01", ht: 50000}, nil, false},
		{"60 000 € on the first day", ejSpec{date: "2026-04-01", ht: 60000}, nil, true},
		{"marché in Chorus", ejSpec{date: "2025-06-02", ht: 52000, contrat: "2025MAR0000001"}, nil, false},
		{"accord-cadre in Chorus", ejSpec{date: "2025-06-02", ht: 52000, ac: "2022DIT0000001"}, nil, false},
		{"marché only on the quote", ejSpec{date: "2025-06-02", ht: 52000}, map[string]any{"reference_marche": "2025MAR0000002", "montant_ht": 52000.0}, false},
		{"UGAP", ejSpec{date: "2025-06-02", ht: 85000, supplier: ugap, nom: "UGAP"}, nil, false},
		{"no date", ejSpec{ht: 85000}, nil, false},
		{"TTC only, with its rate", ejSpec{date: "2025-06-02", ttc: 50400, rate: 20}, nil, true},
		{"TTC only, without a rate", ejSpec{date: "2025-06-02", ttc: 50400}, nil, false},
		{"no Chorus amount, the quote's HT", ejSpec{date: "2025-06-02"}, map[string]any{"montant_ht": 41000.0, "montant_ttc": 49200.0}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.spec.num = "1300000001"
			var rec Record
			if c.docs != nil {
				rec = mkRec(mkEJ(c.spec), mkDoc("devis", c.docs))
			} else {
				rec = mkRec(mkEJ(c.spec))
			}
			got := detectCode(t, CodeHorsMarche, Options{}, rec)
			if (len(got) == 1) != c.want || len(got) > 1 {
				t.Fatalf("got %+v, want fired=%v", got, c.want)
			}
			if c.want && !strings.Contains(got[0].Regle, "dispense_fs") {
				t.Errorf("règle %q does not name the threshold", got[0].Regle)
			}
		})
	}
}

func TestHorsMarcheRegleNamesTheDay(t *testing.T) {
	got := detectCode(t, CodeHorsMarche, Options{}, mkRec(mkEJ(ejSpec{num: "1300000001", date: "2026-04-01", ht: 75000})))
	if len(got) != 1 || got[0].Regle != "dispense_fs 60 000 € HT au 2026-04-01" || got[0].Severite == "" {
		t.Fatalf("%+v", got)
	}
}
