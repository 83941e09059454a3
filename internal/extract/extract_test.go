package extract

import (
	"testing"
)

// Conventions, one per case, on small documents written as text (three
// spaces or more make a column gap).
func TestConventions(t *testing.T) {
	cases := []struct {
		name, docType, text string
		want                map[string]any // nil value: the field must be absent
	}{
		{"labels and totals that add up", "facture",
			"SARL Dupont Conseil – 12 rue de la Paix – 75002 Paris\nFacture n° F-2024-017\nDate de facture : 12/03/2024\nTotal HT   1 000,00 €\nTVA 20 %   200,00 €\nTotal TTC   1 200,00 €\nNet à payer   1 200,00 €",
			map[string]any{"numero": "F-2024-017", "date": "2024-03-12", "montant_ht": 1000.0, "montant_tva": 200.0, "montant_ttc": 1200.0, "net_a_payer": 1200.0, "taux_tva": 20.0, "fournisseur.nom": "SARL Dupont Conseil"}},
		{"the client's identifiers are the buyer's; a public SIRET is never the supplier's", "facture",
			"SAS Alpha\nSIRET : 552 081 317 00011\nClient\nMinistère de la Culture\nSIRET : 180 456 105 00022\nFacture n° A-1",
			map[string]any{"fournisseur.siret": "55208131700011", "acheteur.siret": "18045610500022", "acheteur.nom": "Ministère de la Culture", "fournisseur.nom": "SAS Alpha"}},
		{"a SIRET that wraps onto the next line", "devis",
			"Kairos SARL – SIRET : 552081317\n00011 – TVA : FR03552081317\nDevis n° Q-12",
			map[string]any{"fournisseur.siret": "55208131700011", "fournisseur.tva": "FR03552081317", "fournisseur.siren": "552081317"}},
		{"VAT exemption: TTC is HT", "devis",
			"EI Martin\nDevis n° D-7\nTotal HT   500,00 €\nTVA non applicable, art. 293 B du CGI",
			map[string]any{"montant_ht": 500.0, "montant_ttc": 500.0, "montant_tva": nil}},
		{"totals that do not add up are given with less confidence, and no invented TTC", "facture",
			"X SARL\nFacture n° Z-9\nTotal HT   100,00 €\nTotal TTC   150,00 €",
			map[string]any{"montant_ht": 100.0, "montant_ttc": 150.0, "montant_tva": nil}},
		{"month-first dates are ambiguous and left out", "facture",
			"Invoice INV-0042\nInvoice Date   11/03/2017\nPayment   11/17/2017",
			map[string]any{"date": nil, "numero": "INV-0042"}},
		{"values under their labels (a table header)", "bon_de_commande",
			"Ministère de l'Intérieur\nBON DE COMMANDE\nN° de commande   Date d'émission   Service exécutant\n1300157760   10/12/2023   SFACT-CENTRAL-63",
			map[string]any{"numero": "1300157760", "numero_ej": "1300157760", "reference_commande": "1300157760", "date": "2023-12-10", "code_service": "SFACT-CENTRAL-63", "acheteur.nom": "Ministère de l'Intérieur"}},
		{"a credit note's amounts keep the sign printed", "avoir",
			"Y SAS\nAvoir n° AV-3\nTotal HT   -100,00 €\nTVA 20 %   -20,00 €\nTotal TTC   -120,00 €",
			map[string]any{"montant_ht": -100.0, "montant_tva": -20.0, "montant_ttc": -120.0}},
		{"a credit note printed without minus signs stays positive", "avoir",
			"Y SAS\nAvoir n° AV-4\nTotal HT   100,00 €\nTVA 20 %   20,00 €\nTotal TTC   120,00 €\nMontant à déduire   120,00 €",
			map[string]any{"montant_ht": 100.0, "montant_tva": 20.0, "montant_ttc": 120.0}},
		{"an identifier failing its checksum is reported invalid, not fixed", "facture",
			"Au bon moulin\nSIRET : 99999999800010\nFacture F-1",
			map[string]any{"fournisseur.siret": "99999999800010"}},
		{"bank details below their headers", "rib",
			"Crédit Mutuel\nIBAN                       BIC\nFR76 3000 6000 0112 3456 7890 189   AGRIFRPP\nTitulaire du compte\nASSOCIATION SPORTIVE DU VAL",
			map[string]any{"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "fournisseur.nom": "ASSOCIATION SPORTIVE DU VAL"}},
		{"objet and marché reference", "devis",
			"Z SARL\nDevis n° 2024-88\nObjet : Accompagnement à la refonte du portail\nRéférence du marché : 2023-AMO-2663",
			map[string]any{"objet": "Accompagnement à la refonte du portail", "reference_marche": "2023-AMO-2663"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Extract(docFromText(c.text), c.docType)
			checkWellFormed(t, c.name, res)
			checkFields(t, res, c.want)
			if f, ok := res.Fields["fournisseur.siret"]; ok && f.Value == "99999999800010" && (f.Valid == nil || *f.Valid) {
				t.Errorf("specimen SIRET must be reported invalid")
			}
		})
	}
}

// checkFields compares extracted fields with the wanted values; a nil
// value means the field must be absent.
func checkFields(t *testing.T, res Result, want map[string]any) {
	t.Helper()
	for k, w := range want {
		got, ok := res.Fields[k]
		switch {
		case w == nil && ok:
			t.Errorf("%s: want absent, got %v", k, got.Value)
		case w != nil && !ok:
			t.Errorf("%s: want %v, absent", k, w)
		case w != nil && got.Value != w:
			t.Errorf("%s: want %v (%T), got %v (%T)", k, w, w, got.Value, got.Value)
		}
	}
}
