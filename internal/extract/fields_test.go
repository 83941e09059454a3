package extract

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/eval"
)

// Conventions of the header fields (totals, dates, references, objet),
// one per case, on small documents written as text (three spaces or more
// make a column gap; a form-feed starts a page).
func TestFieldConventions(t *testing.T) {
	cases := []struct {
		name, docType, text string
		want                map[string]any // nil value: the field must be absent
	}{
		// Totals.
		{"totals stacked under their labels, across a page break", "acte_engagement",
			"Article 3 – Prix\nHT\n189 081,00 €\n\fTVA 20%\n37 816,20 €\nTotal TTC\n226 897,20 €",
			map[string]any{"montant_ht": 189081.0, "montant_tva": 37816.2, "montant_ttc": 226897.2, "taux_tva": 20.0}},
		{"a strongly labelled total under its label", "fiche_navette",
			"Montant HT\n474.257,00 €\nTaux de la TVA\n20 %",
			map[string]any{"montant_ht": 474257.0, "taux_tva": 20.0, "montant_ttc": nil}},
		{"a bare HT is kept when the VAT exemption and the net à payer confirm it", "avoir",
			"EI Moreau\nAvoir n° AV-2026-0667\nHT   4560,00 EUR\nReste à payer   4560,00 EUR\nTVA non applicable, art. 293 B du CGI",
			map[string]any{"montant_ht": 4560.0, "net_a_payer": 4560.0, "montant_ttc": nil}},
		{"a bare HT alone is not a total", "facture",
			"X SARL\nFacture n° F-12\nHT   4560,00 EUR",
			map[string]any{"montant_ht": nil}},
		{"VAT exemption with a net à payer printed: no invented TTC", "facture",
			"EI Laurent\nFacture n° FAC-26-0471\nMontant total HT   20.723,05 €\nReste à payer   20.723,05 €\nTVA non applicable, art. 293 B du CGI",
			map[string]any{"montant_ht": 20723.05, "net_a_payer": 20723.05, "montant_ttc": nil}},
		{"two readings that both add up: the totals are left out", "facture",
			"X SARL\nFacture n° F-13\nTotal HT   100,00 €\nTotal TVA   20,00 €\nTotal TTC   120,00 €\nTotal HT   200,00 €\nTotal TVA   40,00 €\nTotal TTC   240,00 €",
			map[string]any{"montant_ht": nil, "montant_ttc": nil, "montant_tva": nil}},
		{"an amount cut by the end of a line", "facture",
			"X SARL\nFacture n° F-14\nSous-total HT : 63 380,00 € ; TVA 20 % : 12 676,00 € ; Total TTC : 76 056,00 € ; Net à payer : 76\n056,00 €.",
			map[string]any{"montant_ht": 63380.0, "montant_ttc": 76056.0, "net_a_payer": 76056.0}},
		{"a net à payer on the next line of a sentence", "facture",
			"X SARL\nFacture n° F-15\nTotal HT : 100,00 € ; TVA 20 % : 20,00 € ; Total TTC : 120,00 € ; Déjà réglé : -20,00 € ; Net à régler\n: 100,00 €.",
			map[string]any{"montant_ttc": 120.0, "net_a_payer": 100.0}},
		{"no net à payer without its label", "facture",
			"X SARL\nFacture n° F-16\nTotal HT   100,00 €\nTVA 20 %   20,00 €\nTotal TTC   120,00 €",
			map[string]any{"net_a_payer": nil}},
		// Dates.
		{"facturé le, payable au plus tard le", "facture",
			"X SARL\nFacture n° F-17\nFacturé le : 14-10-2026\nPayable au plus tard le : 13-11-2026\nDate de livraison : 01/10/2026",
			map[string]any{"date": "2026-10-14", "date_echeance": "2026-11-13"}},
		{"a delivery date is not the issue date", "facture",
			"X SARL\nFacture n° F-18\nDate de livraison : 01/10/2026",
			map[string]any{"date": nil}},
		{"dates under a header row", "facture",
			"X SARL\nN° de facture|Facturé le|Payable au plus tard le|Réf. commande\nFAC-25-0430|27 août 2025|26 septembre 2025|1300021239",
			map[string]any{"date": "2025-08-27", "date_echeance": "2025-09-26", "reference_commande": "1300021239", "numero_ej": "1300021239"}},
		{"fait le in a header row", "devis",
			"X SARL\nNuméro de devis|Fait le|Validité|Contrat n°\nPROP-23-011|25 septembre 2023|24 novembre 2023|2021DAE8958619",
			map[string]any{"date": "2023-09-25", "date_validite": "2023-11-24", "reference_marche": "2021DAE8958619"}},
		{"validité followed by a date", "devis",
			"X SARL\nDevis n° D-9\nDate d'édition : 25-11-2025\nValidité : 25-12-2025",
			map[string]any{"date": "2025-11-25", "date_validite": "2025-12-25"}},
		{"a validity given as a duration is no date", "devis",
			"X SARL\nDevis n° D-10\nValidité de l'offre : 90 jours",
			map[string]any{"date_validite": nil}},
		{"a Kbis extract up to date", "kbis",
			"GREFFE DU TRIBUNAL DE COMMERCE\nExtrait à jour au\n14.03.2023",
			map[string]any{"date": "2023-03-14"}},
		{"date de rédaction of a CCTP", "cctp",
			"Réf. marché|Date de rédaction\n2026DAE4602029|12/05/2026",
			map[string]any{"date": "2026-05-12", "reference_marche": "2026DAE4602029"}},
		// References.
		{"code service Chorus Pro", "facture",
			"X SARL\nFacture n° F-19\nCode service Chorus Pro   PFR-CENTRAL-59\nAccord-cadre n°   AC-2026-058-L3",
			map[string]any{"code_service": "PFR-CENTRAL-59", "reference_marche": "AC-2026-058-L3"}},
		{"header row: each value under its own label", "facture",
			"X SARL\nÉmise le|Payable au plus tard le|N° d'engagement juridique|Code service Chorus Pro\n19.01.2025|18.02.2025|2103565628|SG9508",
			map[string]any{"date": "2025-01-19", "date_echeance": "2025-02-18", "numero_ej": "2103565628", "code_service": "SG9508"}},
		{"the consultation reference of a mémoire technique", "memoire_technique",
			"MÉMOIRE TECHNIQUE\nConduite du changement pour le déploiement du nouveau SIRH\nRéférence de la consultation : 2026DNUM3486",
			map[string]any{"reference_marche": "2026DNUM3486", "objet": "Conduite du changement pour le déploiement du nouveau SIRH"}},
		{"a marché label followed by a sentence is no reference", "facture",
			"X SARL\nFacture n° F-20\nMarché : voir conditions générales",
			map[string]any{"reference_marche": nil}},
		{"CPV and duration under their labels", "fiche_navette",
			"Durée (mois)\n36 mois\nCode CPV\n72224000-1",
			map[string]any{"duree_mois": 36.0, "code_cpv": "72224000-1"}},
		// Objet.
		{"concerne", "facture",
			"X SARL\nFacture n° F-21\nConcerne : Maintenance des photocopieurs multifonctions",
			map[string]any{"objet": "Maintenance des photocopieurs multifonctions"}},
		{"an objet that wraps back to the margin", "avoir",
			"X SARL\nAvoir n° AV-1\nConcerne : Annulation partielle – achat d'ouvrages et d'abonnements pour le centre de\ndocumentation",
			map[string]any{"objet": "Annulation partielle – achat d'ouvrages et d'abonnements pour le centre de documentation"}},
		{"an objet under its label", "acte_engagement",
			"ACTE D'ENGAGEMENT\nMarchés publics de services\nObjet du marché\nPrestations de nettoyage des locaux administratifs\nN° de marché\nAC-2023-038-L5",
			map[string]any{"objet": "Prestations de nettoyage des locaux administratifs", "reference_marche": "AC-2023-038-L5"}},
		{"a subtitle naming the procedure is no objet", "acte_engagement",
			"ACTE D'ENGAGEMENT\nMarché public – procédure adaptée\nArticle 1 – Engagement",
			map[string]any{"objet": nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := docFromText(c.text)
			if strings.Contains(c.text, "|") {
				doc = docFromGrid(c.text)
			}
			res := Extract(doc, c.docType)
			checkWellFormed(t, c.name, res)
			checkFields(t, res, c.want)
		})
	}
}

// docFromGrid lays a text out as a table: "|" separates cells, and the
// n-th cell of every row starts at the same x, as in a printed header row
// and the values under it.
func docFromGrid(text string) *document.Document {
	const colWidth, charW = 160.0, 5.0
	page := document.Page{Number: 1, Width: 842, Height: 595, Source: document.SourceTextLayer}
	for li, line := range strings.Split(text, "\n") {
		y := 20 + 14*float64(li)
		var words []document.Word
		for ci, cellText := range strings.Split(line, "|") {
			x := 20 + colWidth*float64(ci)
			for _, w := range strings.Fields(cellText) {
				n := float64(utf8.RuneCountInString(w))
				words = append(words, document.Word{Text: w, Box: document.Box{X0: x, Y0: y, X1: x + charW*n, Y1: y + 10}, Confidence: 1})
				x += charW*n + 3
			}
		}
		if len(words) > 0 {
			page.Lines = append(page.Lines, document.BuildLines(words)...)
		}
	}
	return &document.Document{Name: "grille", Pages: []document.Page{page}}
}

// headerFields are the fields of amounts.go, dates.go, references.go and
// objet.go.
var headerFields = []string{"montant_ht", "montant_tva", "montant_ttc", "net_a_payer", "taux_tva", "date", "date_echeance", "date_validite",
	"numero", "reference_commande", "numero_ej", "reference_marche", "code_service", "code_cpv", "duree_mois", "objet"}

func headerScore(rep eval.Report) (acc, prec float64) {
	var gold, pred, ok int
	for _, f := range rep.Fields {
		for _, h := range headerFields {
			if f.Field == h {
				gold += f.Gold
				pred += f.Predicted
				ok += f.Correct
			}
		}
	}
	if gold > 0 {
		acc = float64(ok) / float64(gold)
	}
	if pred > 0 {
		prec = float64(ok) / float64(pred)
	}
	return acc, prec
}

// Floors of the header fields alone: what the rules reach today.
func TestEvalHeaderFields(t *testing.T) {
	if testing.Short() {
		t.Skip("lecture de 60 PDF générés")
	}
	for _, c := range []struct {
		name          string
		dir           func(testing.TB) string
		minAcc, minPr float64
	}{
		{"invoices", func(testing.TB) string { return filepath.Join(corpus, "invoices") }, 0.89, 0.88},
		{"synth dev", synthDir, 0.98, 0.995},
	} {
		acc, prec := headerScore(scoreSet(t, c.dir(t)))
		t.Logf("%s: header fields accuracy %.3f, precision %.3f", c.name, acc, prec)
		if acc < c.minAcc || prec < c.minPr {
			t.Errorf("%s: header fields accuracy %.3f, precision %.3f: below the floors (%.3f, %.3f)", c.name, acc, prec, c.minAcc, c.minPr)
		}
	}
}
