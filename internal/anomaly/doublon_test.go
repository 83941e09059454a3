package anomaly

import (
	"slices"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/reconcile"
)

func TestDoublon(t *testing.T) {
	inv := func(num string, ttc float64, siret string) reconcile.Doc {
		return mkDoc("facture", map[string]any{"numero": num, "montant_ht": ttc / 1.2, "montant_ttc": ttc, "fournisseur.siret": siret})
	}
	rib := mkDoc("rib", map[string]any{"iban": "FR7630006000011234567890189"})
	rec := func(num string, docs ...reconcile.Doc) Record {
		return mkRec(mkEJ(ejSpec{num: num, date: "2025-06-02", ht: 10000}), docs...)
	}
	same := inv("F2025-0012", 12000, siretA)
	cases := []struct {
		name string
		recs []Record
		want []string
	}{
		{"the same invoice file on two EJ", []Record{rec("1300000001", same), rec("1300000002", same)}, []string{"1300000001", "1300000002"}},
		{"the same RIB on two EJ", []Record{rec("1300000001", rib), rec("1300000002", rib)}, nil},
		{"one number, one amount, one supplier, two files", []Record{
			rec("1300000001", inv("F2025-0012", 12000, siretA)),
			rec("1300000002", mkDoc("facture", map[string]any{"numero": "F2025-0012", "montant_ttc": 12000.0, "fournisseur.siret": siretA, "date": "2025-07-01"}))},
			[]string{"1300000001", "1300000002"}},
		{"leading zeros and spaces", []Record{rec("1300000001", inv("0789", 12000, siretA)), rec("1300000002", inv("7 89", 12000, siretA))}, []string{"1300000001", "1300000002"}},
		{"one number, two amounts (partial invoices)", []Record{rec("1300000001", inv("F2025-0012", 6000, siretA)), rec("1300000002", inv("F2025-0012", 4000, siretA))}, nil},
		{"one number, two suppliers", []Record{rec("1300000001", inv("F2025-0012", 12000, siretA)), rec("1300000002", inv("F2025-0012", 12000, siretB))}, nil},
		{"one file attached twice to one EJ", []Record{rec("1300000001", same, same)}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := detectCode(t, CodeDoublon, Options{}, c.recs...)
			var nums []string
			if len(got) > 1 {
				t.Fatalf("one finding expected, got %+v", got)
			}
			if len(got) == 1 {
				nums = append([]string{got[0].NumEJ}, got[0].AutresEJ...)
			}
			if !slices.Equal(nums, c.want) {
				t.Fatalf("got %v, want %v", nums, c.want)
			}
		})
	}
}
