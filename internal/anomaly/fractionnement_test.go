package anomaly

import (
	"slices"
	"strings"
	"testing"
)

func TestFractionnement(t *testing.T) {
	ugap := luhnSIRET(ugapSIREN, "0001")
	order := func(num, date string, ht float64, edit func(*ejSpec)) Record {
		s := ejSpec{num: num, date: date, ht: ht}
		if edit != nil {
			edit(&s)
		}
		return mkRec(mkEJ(s), mkDoc("devis", map[string]any{"objet": "Fourniture de mobilier de bureau pour le site", "montant_ht": ht, "numero": "D-" + num}))
	}
	withSupplier := func(siret string) func(*ejSpec) { return func(s *ejSpec) { s.supplier = siret } }
	cases := []struct {
		name string
		opt  Options
		recs []Record
		want [][]string // EJ groups expected, in order
	}{
		{"three orders under 40 000 € summing 114 000 €", Options{}, []Record{
			order("1000000001", "2025-03-03", 38000, nil), order("1000000002", "2025-04-07", 38500, nil), order("1000000003", "2025-05-12", 37500, nil)},
			[][]string{{"1000000001", "1000000002", "1000000003"}}},
		{"sum just under the threshold", Options{}, []Record{
			order("1000000001", "2025-03-03", 20000, nil), order("1000000002", "2025-04-07", 19999, nil)}, nil},
		{"sum exactly at the threshold", Options{}, []Record{
			order("1000000001", "2025-03-03", 20000, nil), order("1000000002", "2025-04-07", 20000, nil)},
			[][]string{{"1000000001", "1000000002"}}},
		{"through UGAP", Options{}, []Record{
			order("1000000001", "2025-03-03", 38000, withSupplier(ugap)), order("1000000002", "2025-04-07", 38500, withSupplier(ugap))}, nil},
		{"under an accord-cadre", Options{}, []Record{
			order("1000000001", "2025-03-03", 38000, func(s *ejSpec) { s.ac = "2024DAE0000001" }),
			order("1000000002", "2025-04-07", 38500, func(s *ejSpec) { s.ac = "2024DAE0000001" })}, nil},
		{"different GM and segment", Options{}, []Record{
			order("1000000001", "2025-03-03", 25000, nil),
			order("1000000002", "2025-04-07", 25000, func(s *ejSpec) { s.gm, s.gmLib = gmEvent, gmEventLib })}, nil},
		{"same segment, close objets", Options{}, []Record{
			order("1000000001", "2025-03-03", 25000, nil),
			order("1000000002", "2025-04-07", 25000, func(s *ejSpec) { s.gm = "40.01.03" })},
			[][]string{{"1000000001", "1000000002"}}},
		{"another buyer", Options{}, []Record{
			order("1000000001", "2025-03-03", 25000, nil),
			order("1000000002", "2025-04-07", 25000, func(s *ejSpec) { s.ga = "F03" })}, nil},
		{"more than twelve months apart", Options{}, []Record{
			order("1000000001", "2024-01-08", 25000, nil), order("1000000002", "2025-02-10", 25000, nil)}, nil},
		{"December and January, twelve rolling months", Options{}, []Record{
			order("1000000001", "2024-12-09", 25000, nil), order("1000000002", "2025-01-13", 25000, nil)},
			[][]string{{"1000000001", "1000000002"}}},
		{"December and January, budget year", Options{Window: WindowBudgetYear}, []Record{
			order("1000000001", "2024-12-09", 25000, nil), order("1000000002", "2025-01-13", 25000, nil)}, nil},
		{"45 000 € orders after 1 April 2026 stay under 60 000 €", Options{}, []Record{
			order("1000000001", "2026-04-01", 45000, nil), order("1000000002", "2026-05-04", 45000, nil)},
			[][]string{{"1000000001", "1000000002"}}},
		{"a 45 000 € order on 31 March 2026 is above 40 000 €", Options{}, []Record{
			order("1000000001", "2026-03-31", 45000, nil), order("1000000002", "2026-05-04", 40000, nil)}, nil},
		{"orders above 40 000 € summing past 90 000 € (publicité MAPA)", Options{}, []Record{
			order("1000000001", "2025-03-03", 50000, nil), order("1000000002", "2025-04-07", 45000, nil)},
			[][]string{{"1000000001", "1000000002"}}},
		{"buyer by SIRET: two OA, one SIRET", Options{BuyerLevel: BuyerSIRETAcheteur}, []Record{
			order("1000000001", "2025-03-03", 25000, nil),
			order("1000000002", "2025-04-07", 25000, func(s *ejSpec) { s.ga = "F03" })},
			[][]string{{"1000000001", "1000000002"}}},
		{"buyer by centre financier: two UO", Options{BuyerLevel: BuyerCentreFinancier}, []Record{
			order("1000000001", "2025-03-03", 25000, nil),
			order("1000000002", "2025-04-07", 25000, func(s *ejSpec) { s.cf = "0218-SGAE-DAE2" })}, nil},
		{"two clusters of one buyer far apart", Options{}, []Record{
			order("1000000001", "2023-01-09", 25000, nil), order("1000000002", "2023-02-06", 25000, nil),
			order("1000000003", "2025-01-06", 25000, nil), order("1000000004", "2025-02-03", 25000, nil)},
			[][]string{{"1000000001", "1000000002"}, {"1000000003", "1000000004"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := detectCode(t, CodeFractionnement, c.opt, c.recs...)
			var groups [][]string
			for _, a := range got {
				groups = append(groups, append([]string{a.NumEJ}, a.AutresEJ...))
			}
			if !slices.EqualFunc(groups, c.want, slices.Equal[[]string]) {
				t.Fatalf("got %v, want %v", groups, c.want)
			}
		})
	}
}

// TestFractionnementScore checks that the same supplier, close dates,
// amounts just under the threshold and identical objets raise the score.
func TestFractionnementScore(t *testing.T) {
	mk := func(num, date string, ht float64, siret, objet string) Record {
		return mkRec(mkEJ(ejSpec{num: num, date: date, ht: ht, supplier: siret}), mkDoc("devis", map[string]any{"objet": objet, "montant_ht": ht, "fournisseur.siret": siret}))
	}
	loose := detectCode(t, CodeFractionnement, Options{}, mk("1000000001", "2025-01-06", 22000, siretA, "Fauteuils de bureau ergonomiques"), mk("1000000002", "2025-07-07", 21000, siretB, "Armoires et rangements pour les bureaux"))
	tight := detectCode(t, CodeFractionnement, Options{}, mk("1000000001", "2025-01-06", 39000, siretA, "Fauteuils de bureau"), mk("1000000002", "2025-02-03", 38500, siretA, "Fauteuils de bureau"))
	if len(loose) != 1 || len(tight) != 1 {
		t.Fatalf("loose %v tight %v", loose, tight)
	}
	if loose[0].Score != 0.4 || tight[0].Score != 1 {
		t.Errorf("scores %v (want 0.4) and %v (want 1)", loose[0].Score, tight[0].Score)
	}
	if loose[0].Severite != SeveriteBasse || tight[0].Severite != SeveriteHaute {
		t.Errorf("severities %s, %s", loose[0].Severite, tight[0].Severite)
	}
	mapa := detectCode(t, CodeFractionnement, Options{}, mk("1000000001", "2025-01-06", 50000, siretA, "Fauteuils"), mk("1000000002", "2025-02-03", 45000, siretA, "Fauteuils"))
	if len(mapa) != 1 || !strings.Contains(mapa[0].Explication, "sous le seuil de 90 000 € HT") || !strings.Contains(mapa[0].Regle, "publicite_mapa 90 000 € HT au 2025-02-03") {
		t.Errorf("%+v", mapa)
	}
}
