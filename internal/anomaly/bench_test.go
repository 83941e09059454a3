package anomaly

import (
	"fmt"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/referential"
)

// largeBuyer is one purchasing organisation's year: n orders across a few
// groupes de marchandises of two segments, with objets drawn from a few
// dozen wordings, as a large ministry's OA issues them.
func largeBuyer(n int) []Record {
	gms := []string{"33.01.04", "33.01.02", "33.01.07", "45.02.01", "45.02.03"}
	recs := make([]Record, n)
	for i := range recs {
		spec := ejSpec{num: fmt.Sprintf("17%08d", i), date: fmt.Sprintf("2025-%02d-%02d", i%12+1, i%28+1),
			ht: float64(1000 + i%30000), gm: gms[i%len(gms)], gmLib: "Prestations diverses", cpv: "",
			contrat: "", ac: ""}
		recs[i] = mkRec(mkEJ(spec), mkDoc("devis", map[string]any{"objet": fmt.Sprintf("Fourniture de matériel de bureau lot %d", i%40)}))
	}
	return recs
}

// TestDetectLargeBuyer runs every rule on 20 000 orders of one buyer: the
// fractionnement grouping must not compare every pair of orders.
func TestDetectLargeBuyer(t *testing.T) {
	if testing.Short() {
		t.Skip("20 000 commandes")
	}
	found := Detect(largeBuyer(20000), referential.Default(), Options{})
	t.Logf("%d anomalies sur 20 000 commandes d'un même acheteur", len(found))
}

func BenchmarkDetectLargeBuyer(b *testing.B) {
	recs := largeBuyer(20000)
	ref := referential.Default()
	b.ResetTimer()
	for range b.N {
		Detect(recs, ref, Options{})
	}
}
