package chorus

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// canonicalCSV builds an n-row canonical extract, 10 postes per EJ.
func canonicalCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("num_ej;poste_ej;type_ej;date_creation_ej;exercice;programme;centre_financier;centre_couts;groupe_marchandises;gm_libelle;code_cpv;")
	b.WriteString("fournisseur_nom;fournisseur_siret;num_contrat;designation_ej;montant_engage_ht;montant_engage_ttc;taux_tva;montant_paye;date_sf\n")
	for i := 0; i < n; i++ {
		ej := 1300000000 + i/10
		fmt.Fprintf(&b, "%d;%d;ZBC;2025-01-%02d;2025;0129;0129-DSAF-CENT;DSAFCC%04d;72.01.%02d;Conseil en stratégie;79411000;", ej, i%10+1, ej%28+1, i%1000, i%20)
		fmt.Fprintf(&b, "FOURNISSEUR %d SAS;552081317%05d;2022AMO%07d;Prestation d'accompagnement n° %d;%d.%02d;%d.%02d;20;0;2025-02-%02d\n",
			ej%5000, ej%100000, ej%10000000, ej, 1000+i%9000, i%100, 1200+i%9000, i%100, i%28+1)
	}
	return b.Bytes()
}

func BenchmarkRead100k(b *testing.B) {
	const n = 100_000
	data := canonicalCSV(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ex, err := Read(bytes.NewReader(data), "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if ex.Rows != n || len(ex.EJs) != n/10 || len(ex.Rejects) != 0 {
			b.Fatalf("rows %d EJ %d rejects %d %s", ex.Rows, len(ex.EJs), len(ex.Rejects), strings.Join(ex.Warnings, "\n"))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
