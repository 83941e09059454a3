package anomaly

import (
	"fmt"
	"testing"
)

func TestTJM(t *testing.T) {
	// Peers from 800 to 1 400 € a day, as consulting profiles go.
	peerRates := func(n int) []float64 {
		var out []float64
		for i := range n {
			out = append(out, 800+float64(i%13)*50)
		}
		return out
	}
	order := func(i int, tjm float64, year int, category string) Record {
		num := fmt.Sprintf("13%08d", i)
		spec := ejSpec{num: num, date: fmt.Sprintf("%d-06-02", year), ht: tjm * 10, gm: gmConseil, gmLib: gmConseilLib, cpv: cpvConseil, ac: "2022DIT0000001"}
		return mkRec(mkEJ(spec), mkDoc("devis", map[string]any{"objet": "Audit de l'organisation des fonctions support", "conseil.tjm": tjm, "conseil.nb_jours": 10.0, "conseil.categorie": category, "montant_ht": tjm * 10}))
	}
	build := func(peers []float64, target float64, year int) []Record {
		var recs []Record
		for i, r := range peers {
			recs = append(recs, order(i, r, 2025, "organisation_rh"))
		}
		return append(recs, order(999, target, year, "organisation_rh"))
	}
	same := make([]float64, 31)
	for i := range same {
		same[i] = 1000
	}
	cases := []struct {
		name     string
		recs     []Record
		severity string // "" when nothing fires
	}{
		{"4 500 € among 30 peers", build(peerRates(30), 4500, 2025), SeveriteHaute},
		{"2 600 € among 30 peers: a high score but 2.4 × the median", build(peerRates(30), 2600, 2025), ""},
		{"3 000 € among 30 peers: 2.7 × the median", build(peerRates(30), 3000, 2025), SeveriteHaute},
		// A score above 4 but a rate under 2.5 × the median: a senior profile.
		{"2 000 € among tight peers: twice the median is seniority", build(same, 2000, 2025), ""},
		{"1 500 € among 30 peers", build(peerRates(30), 1500, 2025), ""},
		{"4 500 € among 12 peers: too few", build(peerRates(12), 4500, 2025), ""},
		{"300 € among 30 peers: only high rates are flagged", build(peerRates(30), 300, 2025), ""},
		{"another year widens to the category", build(peerRates(30), 4500, 2026), SeveriteHaute},
		{"identical peers: the MAD floor keeps 1 300 € ordinary", build(same, 1300, 2025), ""},
		{"identical peers: 2 600 € stands out", build(same, 2600, 2025), SeveriteHaute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := detectCode(t, CodeTJMAtypique, Options{}, c.recs...)
			if c.severity == "" {
				if len(got) != 0 {
					t.Fatalf("fired: %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].NumEJ != "1300000999" || got[0].Severite != c.severity {
				t.Fatalf("got %+v, want %s on 1300000999", got, c.severity)
			}
		})
	}
}
