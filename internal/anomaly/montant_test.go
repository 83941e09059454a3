package anomaly

import (
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/reconcile"
)

func TestMontant(t *testing.T) {
	quote := func(ht, ttc float64) reconcile.Doc {
		return mkDoc("devis", map[string]any{"montant_ht": ht, "montant_ttc": ttc, "numero": "D-1"})
	}
	invoice := func(num string, ht, ttc float64) reconcile.Doc {
		return mkDoc("facture", map[string]any{"montant_ht": ht, "montant_ttc": ttc, "numero": num})
	}
	avoir := func(ht, ttc float64) reconcile.Doc {
		return mkDoc("avoir", map[string]any{"montant_ht": ht, "montant_ttc": ttc, "numero": "AV-1"})
	}
	cases := []struct {
		name    string
		ht, ttc float64 // Chorus
		docs    []reconcile.Doc
		want    string
	}{
		{"equal", 10000, 0, []reconcile.Doc{quote(10000, 12000)}, ""},
		{"within 2 %", 10150, 0, []reconcile.Doc{quote(10000, 12000)}, ""},
		{"15 % more", 11500, 0, []reconcile.Doc{quote(10000, 12000)}, "diffère de +15 %"},
		{"engaged HT is the TTC", 12000, 0, []reconcile.Doc{quote(10000, 12000)}, "Confusion HT/TTC"},
		{"21 % more is not a confusion", 12100, 0, []reconcile.Doc{quote(10000, 12000)}, "diffère de +21 %"},
		{"engaged TTC is the HT", 0, 10000, []reconcile.Doc{quote(10000, 12000)}, "Confusion HT/TTC : le montant engagé en TTC"},
		{"engaged TTC equal", 0, 12000, []reconcile.Doc{quote(10000, 12000)}, ""},
		{"partial invoices", 10000, 0, []reconcile.Doc{quote(10000, 12000), invoice("F1", 3000, 3600), invoice("F2", 3000, 3600)}, ""},
		{"invoices above the engagement", 10000, 0, []reconcile.Doc{invoice("F1", 6000, 7200), invoice("F2", 6000, 7200)}, "Les factures (2)"},
		{"full invoice and a partial credit note printed negative", 10000, 0, []reconcile.Doc{quote(10000, 12000), invoice("F1", 10000, 12000), avoir(-800, -960)}, ""},
		{"invoice above, credit note bringing it back", 10000, 0, []reconcile.Doc{invoice("F1", 11000, 13200), avoir(1000, 1200)}, ""},
		{"no document", 10000, 0, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := mkEJ(ejSpec{num: "1300000001", date: "2025-06-02", ht: c.ht, ttc: c.ttc})
			got := detectCode(t, CodeMontant, Options{}, mkRec(e, c.docs...))
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
