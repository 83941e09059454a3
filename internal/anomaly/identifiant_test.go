package anomaly

import (
	"testing"
)

func TestIdentifiant(t *testing.T) {
	badSIRET := siretA[:13] + string('0'+(siretA[13]-'0'+1)%10)
	cases := []struct {
		name  string
		field string
		value string
		score float64 // 0: nothing fires
	}{
		{"valid SIRET", "fournisseur.siret", siretA, 0},
		{"SIRET with a wrong Luhn key", "fournisseur.siret", badSIRET, 0.6},
		{"buyer's SIRET with a wrong key", "acheteur.siret", badSIRET, 0.6},
		{"La Poste SIRET (sum of digits)", "fournisseur.siret", "35600000049837", 0},
		{"valid VAT", "fournisseur.tva", "FR03552081317", 0},
		{"VAT with a wrong key", "fournisseur.tva", "FR04552081317", 0.6},
		{"valid IBAN", "iban", "FR7630006000011234567890189", 0},
		{"IBAN with a wrong key", "iban", "FR7730006000011234567890189", 0.85},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := mkRec(mkEJ(ejSpec{num: "1300000001", date: "2025-06-02", ht: 1000}), mkDoc("facture", map[string]any{c.field: c.value, "numero": "F1"}))
			got := detectCode(t, CodeIdentifiant, Options{}, rec)
			if c.score == 0 {
				if len(got) != 0 {
					t.Fatalf("fired: %s", got[0].Explication)
				}
				return
			}
			if len(got) != 1 || got[0].Score != c.score || got[0].Preuves[0].Champ != c.field || got[0].Preuves[0].Page != 1 {
				t.Fatalf("got %+v, want score %v", got, c.score)
			}
		})
	}
}

// TestIdentifiantTrustsExtractor: a value the extractor flagged invalid
// fires even when its text would pass (it was repaired or read otherwise).
func TestIdentifiantTrustsExtractor(t *testing.T) {
	d := mkDoc("rib", map[string]any{"iban": "FR7630006000011234567890189"})
	f := d.Result.Fields["iban"]
	no := false
	f.Valid = &no
	d.Result.Fields["iban"] = f
	got := detectCode(t, CodeIdentifiant, Options{}, mkRec(mkEJ(ejSpec{num: "1300000001", date: "2025-06-02", ht: 1000}), d))
	if len(got) != 1 {
		t.Fatalf("got %+v", got)
	}
}
