package items

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// fuzzDoc lays out arbitrary text as a page: one line per text line,
// words split on spaces and tabs (a tab is a column gap).
func fuzzDoc(text string, pageBreak int) *document.Document {
	var pages []document.Page
	var lines []document.Line
	for i, raw := range strings.Split(text, "\n") {
		if i >= 400 {
			break
		}
		y := float64(len(lines))*14 + 20
		var cells []at
		x := 30.0
		for _, c := range strings.Split(raw, "\t") {
			cells = append(cells, at{x, c})
			x += 5*float64(utf8.RuneCountInString(c)) + 40
		}
		l := line(y, cells...)
		if len(l.Words) > 0 {
			lines = append(lines, l)
		}
		if pageBreak > 0 && len(lines) >= pageBreak {
			pages = append(pages, page(len(pages)+1, lines...))
			lines = nil
		}
	}
	pages = append(pages, page(len(pages)+1, lines...))
	return doc(pages...)
}

func FuzzItems(f *testing.F) {
	f.Add("Désignation\tQté\tP.U. HT\tMontant HT\nConseil\t3 j\t1 200,00 €\t3 600,00 €\nTotal HT\t3 600,00 €", 0)
	f.Add("Prix\nDescription\tQuantité\tRem.\tPrix HT\nunitaire\nNougat 250g\t20 Unit(s)\t4,55 €\t10%\t81,90 €\n\tTotal HT\t81,90 €", 2)
	f.Add("Profil\tNb jours\tTJM\tMontant\nAssocié\t2\t2 500\t5 000,00\nManager\t8\t1 500\t12 000,00\nstratégie conseil", 3)
	f.Add("Audit 3 jours 1 200,00 € 3 600,00 €\nRapport 1 forfait 800,00 € 800,00 €\n12 jours-homme TJM : 950 €", 0)
	f.Add("Description\tQuantity\tUnit Price\tTaxes\tAmount\n[X] Pen\t15.00 Units\t100.00\tTVA 20%\t1,500.00 €", 1)
	f.Fuzz(func(t *testing.T, text string, pageBreak int) {
		if len(text) > 20000 {
			return
		}
		d := fuzzDoc(text, pageBreak%50)
		tab, warns := Items(d)
		if len(tab.Items) > maxItems || len(warns) > 51 {
			t.Fatalf("%d lignes, %d avertissements", len(tab.Items), len(warns))
		}
		var sum float64
		for _, it := range tab.Items {
			if it.Designation == "" || len(it.Designation) > maxDesignation {
				t.Fatalf("désignation %q", it.Designation)
			}
			if it.MontantHT != nil {
				sum += *it.MontantHT
			}
		}
		if math.Abs(round2(sum)-tab.SumHT) > 0.01 && !math.IsInf(sum, 0) && !math.IsNaN(sum) {
			t.Fatalf("somme %v ≠ %v", tab.SumHT, sum)
		}
		for _, p := range tab.Pages {
			if p < 1 || p > len(d.Pages) {
				t.Fatalf("page %d", p)
			}
		}
		for name, fld := range Conseil(d, tab) {
			if fld.Confidence <= 0 || fld.Confidence > 1 || fld.Evidence == "" || fld.Value == nil {
				t.Fatalf("%s : %+v", name, fld)
			}
			if name == "conseil.categorie" {
				ok := false
				for _, c := range Categories {
					ok = ok || fld.Value == c
				}
				if !ok {
					t.Fatalf("catégorie %v", fld.Value)
				}
			}
		}
	})
}
