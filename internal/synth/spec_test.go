package synth

import (
	"math"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

func TestGenerateSpec(t *testing.T) {
	needTool(t, "pdftotext")
	sup := NewCompany(4, true)
	buy := NewStateBuyer(4)
	consulting := []Line{{Label: "Directeur de mission", Unit: "jour", Qty: 4, PriceHT: 1600_00, VATRate: 200}, {Label: "Consultant senior", Unit: "jour", Qty: 12.5, PriceHT: 980_00, VATRate: 200}}
	goods := []Line{{Label: "Bureau droit 160 x 80 cm", Unit: "u", Qty: 6, PriceHT: 412_00, VATRate: 200}, {Label: "Livraison et montage", Unit: "forfait", Qty: 1, PriceHT: 380_00, VATRate: 200}}
	date := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	for _, typ := range DefaultTypes {
		for _, c := range []struct {
			consulting bool
			objet      string
			lines      []Line
		}{{true, consultingSubjects[2].objet, consulting}, {false, goodsSubjects[0].objet, goods}} {
			for _, layout := range []string{"classique", "cadres", "registre", "tableur"} {
				sp := Spec{Type: typ, Layout: layout, Supplier: &sup, Buyer: &buy, Objet: c.objet, Consulting: c.consulting, Lines: c.lines,
					EJ: "1300012345", ContractRef: "2024AMO0538402", Numero: "F2026-0118", Date: date, Months: 18,
					Imputation: &Imputation{CentreFinancier: "0218-SGMI-SEP1", CentreCouts: "SGMSEP0024", DomaineFonctionnel: "0218-03-03", GroupeMarchandises: "33.01.01"}}
				if typ == "memoire_technique" && !c.consulting {
					continue
				}
				d, err := GenerateSpec(sp, 9)
				if err != nil {
					t.Fatal(err)
				}
				d.Name = typ + "/" + layout
				checkGold(t, d, pdftotext(t, d.PDF, true), pdftotext(t, d.PDF, false))
				f := d.Gold.Fields
				want := map[string]any{}
				ht, _, _, _ := Totals(c.lines, c.consulting)
				switch typ {
				case "devis", "facture", "avoir":
					want = map[string]any{"fournisseur.siret": sup.SIRET(), "objet": c.objet, "date": "2026-03-12", "numero": "F2026-0118", "reference_marche": "2024AMO0538402", "montant_ht": centsValue(ht)}
					if typ == "avoir" {
						delete(want, "objet")
						if v, ok := f["montant_ht"].(float64); ok && v < 0 {
							want["montant_ht"] = -centsValue(ht)
						}
					}
					if typ != "devis" {
						want["numero_ej"] = "1300012345"
					}
					if typ == "facture" {
						want["iban"] = sup.IBAN()
					}
				case "bon_de_commande":
					want = map[string]any{"numero_ej": "1300012345", "montant_ht": centsValue(ht), "fournisseur.siret": sup.SIRET(), "administration_beneficiaire": buy.Hierarchy(), "reference_marche": "2024AMO0538402"}
				case "acte_engagement", "fiche_navette":
					want = map[string]any{"reference_marche": "2024AMO0538402", "montant_ht": centsValue(ht), "fournisseur.siret": sup.SIRET(), "duree_mois": 18, "objet": c.objet}
				case "cctp":
					want = map[string]any{"reference_marche": "2024AMO0538402", "objet": c.objet, "duree_mois": 18}
				case "memoire_technique":
					want = map[string]any{"reference_marche": "2024AMO0538402", "conseil.nb_jours": 16.5, "fournisseur.siret": sup.SIRET()}
				case "rib":
					want = map[string]any{"iban": sup.IBAN(), "fournisseur.nom": sup.Name()}
				case "kbis":
					want = map[string]any{"fournisseur.siren": sup.SIREN(), "fournisseur.nom": sup.Name()}
				}
				for k, v := range want {
					got := f[k]
					if gf, ok := got.(float64); ok {
						if vf, ok := v.(float64); ok && math.Abs(gf-vf) < 0.005 {
							continue
						}
					}
					if got != v {
						t.Errorf("%s: gold %s = %v, spec says %v", d.Name, k, got, v)
					}
				}
				if c.consulting && (typ == "devis" || typ == "bon_de_commande") && f["conseil.nb_jours"] != 16.5 {
					t.Errorf("%s: conseil.nb_jours = %v, want 16.5", d.Name, f["conseil.nb_jours"])
				}
			}
		}
	}
}

func TestGenerateSpecInvalidIdentifiers(t *testing.T) {
	sup := NewCompany(12, false)
	for _, c := range []struct {
		typ         string
		siret, iban bool
	}{{"facture", true, false}, {"devis", true, false}, {"rib", false, true}, {"facture", false, true}, {"acte_engagement", true, true}} {
		d, err := GenerateSpec(Spec{Type: c.typ, Supplier: &sup, Objet: goodsSubjects[2].objet, InvalidSIRET: c.siret, InvalidIBAN: c.iban, Date: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)}, 3)
		if err != nil {
			t.Fatal(err)
		}
		f := d.Gold.Fields
		if siret, ok := f["fournisseur.siret"].(string); c.siret && (!ok || fr.ValidSIRET(siret) || siret[:9] != sup.SIREN() || !fr.ValidSIREN(siret[:9])) {
			t.Errorf("%s: printed SIRET %v, want an invalid SIRET of SIREN %s", c.typ, f["fournisseur.siret"], sup.SIREN())
		}
		if iban, ok := f["iban"].(string); c.iban && (!ok || fr.ValidIBAN(iban) || iban[4:] != sup.IBAN()[4:]) {
			t.Errorf("%s: printed IBAN %v, want %s with wrong check digits", c.typ, f["iban"], sup.IBAN())
		}
	}
	if _, err := GenerateSpec(Spec{Type: "facture", InvalidSIRET: true}, 1); err == nil {
		t.Error("an invalid SIRET without a supplier was accepted")
	}
	for _, s := range []Spec{{Type: "pizza"}, {Type: "devis", Layout: "nope"}, {Type: "devis", Consulting: true, Lines: []Line{{Label: "x", Qty: 0.3, PriceHT: 100}}}, {Type: "devis", Lines: []Line{{Label: "x", Qty: 1.5, PriceHT: 100}}}} {
		if _, err := GenerateSpec(s, 1); err == nil {
			t.Errorf("GenerateSpec(%+v) accepted a bad spec", s)
		}
	}
}
