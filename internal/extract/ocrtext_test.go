package extract

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// ow is an OCR word as tesseract gave it: text, box in points, confidence.
type ow struct {
	t              string
	x0, y0, x1, y1 float64
	c              float64
}

// Real OCR rows, copied from `depenses text` runs on the corpus invoices
// rendered image-only at 200 dpi (scripts/scanned-goldset.sh).
var (
	// solde: Facture_FR_BASIC.pdf
	solde = [][]ow{
		{{"Règlement", 79.0, 472.8, 114.2, 481.4, 0.96}, {"Date", 189.6, 473.8, 204.2, 479.0, 0.96}, {"Montant", 254.4, 472.8, 281.3, 481.4, 0.96}, {"Solde", 428.9, 475.0, 455.5, 482.6, 0.96}, {"à", 458.9, 475.0, 463.9, 482.6, 0.97}, {"payer", 467.5, 476.9, 493.7, 484.8, 0.97}, {"470,1", 523.2, 475.2, 546.5, 484.1, 0.95}, {"5€", 548.4, 475.0, 561.8, 482.6, 0.95}},
	}
	// avoirTotals: Avoir_FR_type380_BASIC.pdf
	avoirTotals = [][]ow{
		{{"Taxe", 88.8, 420.7, 103.9, 428.9, 0.96}, {"Base", 188.6, 421.7, 205.0, 426.7, 0.96}, {"Montant", 254.4, 420.7, 281.3, 428.9, 0.96}, {"Total", 454.6, 422.2, 476.9, 429.8, 0.95}, {"HT", 480.7, 422.4, 493.4, 429.6, 0.96}, {"-21", 519.8, 422.4, 532.3, 429.6, 0.91}, {"8,48", 534.5, 422.4, 553.2, 430.8, 0.97}, {"€", 556.3, 422.2, 561.8, 429.8, 0.96}},
		{{"TVA", 33.4, 433.9, 45.4, 442.3, 0.93}, {"collectée", 48.7, 433.9, 74.9, 442.3, 0.92}, {"(vente)", 78.5, 434.9, 99.8, 441.4, 0.96}, {"20,0%", 102.0, 434.9, 121.4, 440.9, 0.96}, {"-20,48", 203.5, 434.9, 221.5, 440.9, 0.92}, {"€", 224.9, 434.9, 228.7, 440.2, 0.97}, {"-4,10", 278.6, 433.9, 295.0, 442.3, 0.89}, {"€", 297.4, 434.9, 301.0, 440.2, 0.97}, {"Total", 442.1, 439.2, 464.6, 446.6, 0.96}, {"taxes", 468.0, 439.4, 493.2, 446.6, 0.97}, {"1", 525.4, 439.2, 532.3, 446.4, 0.73}, {"4,99", 534.2, 439.2, 553.2, 447.8, 0.91}, {"€", 556.3, 439.0, 561.8, 446.6, 0.95}},
		{{"Total", 448.3, 456.5, 470.6, 463.9, 0.97}, {"TTC", 474.2, 456.2, 493.0, 463.9, 0.97}, {"-233,47", 520.3, 456.5, 553.2, 465.4, 0.91}, {"€", 556.3, 456.2, 561.8, 463.9, 0.97}},
	}
	// letterhead: Facture_FR_BASIC.pdf
	letterhead = [][]ow{
		{{"à", 31.0, 31.7, 69.8, 67.9, 0.22}, {"<.", 111.4, 42.2, 118.8, 49.4, 0.26}, {"+33", 121.7, 42.0, 134.4, 48.0, 0.94}, {"4", 137.0, 42.2, 141.1, 48.0, 0.94}, {"50", 144.0, 42.0, 152.4, 48.0, 0.97}, {"44", 155.0, 42.2, 163.4, 48.0, 0.97}, {"68", 166.3, 42.0, 174.7, 48.0, 0.96}, {"99", 177.6, 42.0, 186.0, 48.0, 0.93}, {"-", 188.6, 45.4, 190.8, 46.1, 0.91}, {"Æ", 193.4, 41.5, 201.6, 49.7, 0.44}, {"http://www.aubonmoulin.fr", 204.5, 42.0, 295.9, 49.7, 0.78}},
		{{"Au", 111.1, 33.1, 120.5, 39.1, 0.97}, {"bon", 123.4, 33.1, 136.1, 39.1, 0.96}, {"moulin", 139.0, 33.1, 161.8, 39.1, 0.96}, {"SARL", 164.9, 32.9, 185.0, 39.1, 0.92}, {"-", 187.4, 36.5, 189.8, 37.2, 0.92}, {"1242", 193.0, 33.1, 209.5, 38.9, 0.96}, {"chemin", 212.4, 33.1, 237.4, 39.1, 0.96}, {"de", 240.5, 33.1, 248.9, 39.1, 0.93}, {"l'olive", 251.5, 33.1, 270.7, 39.1, 0.91}, {"-", 273.4, 36.5, 275.8, 37.2, 0.93}, {"84340", 278.4, 33.1, 300.0, 39.1, 0.93}, {"Malaucène", 303.1, 33.1, 341.3, 39.1, 0.92}, {"-", 344.2, 36.5, 346.3, 37.2, 0.90}, {"France", 349.4, 33.1, 373.4, 39.1, 0.96}},
	}
	// letterheadAvoir: Avoir_FR_type380_BASIC.pdf
	letterheadAvoir = [][]ow{
		{{"NN", 41.8, 31.9, 50.6, 42.5, 0.53}, {"1?", 55.0, 32.2, 63.6, 43.7, 0.47}, {"Au", 111.1, 33.1, 120.5, 39.1, 0.97}, {"bon", 123.4, 33.1, 136.1, 39.1, 0.96}, {"moulin", 139.0, 33.1, 161.8, 39.1, 0.96}, {"SARL", 164.9, 32.9, 185.0, 39.1, 0.93}, {"-", 187.4, 36.5, 189.8, 37.2, 0.90}, {"1242", 193.0, 33.1, 209.5, 38.9, 0.96}, {"chemin", 212.4, 33.1, 237.4, 39.1, 0.96}, {"de", 240.5, 33.1, 248.9, 39.1, 0.93}, {"l'olive", 251.5, 33.1, 270.7, 39.1, 0.90}, {"-", 273.4, 36.5, 275.8, 37.2, 0.93}, {"84340", 278.4, 33.1, 300.0, 39.1, 0.93}, {"Malaucène", 303.1, 33.1, 341.3, 39.1, 0.92}, {"-", 344.2, 36.5, 346.3, 37.2, 0.93}, {"France", 349.4, 33.1, 373.4, 39.1, 0.96}},
		{{"À", 38.9, 43.9, 51.8, 52.3, 0.85}, {"<.", 111.4, 42.2, 118.6, 49.2, 0.26}, {"+33", 121.7, 42.0, 134.4, 48.0, 0.94}, {"4", 137.0, 42.2, 141.1, 48.0, 0.94}, {"50", 144.0, 42.0, 152.4, 48.0, 0.97}, {"44", 155.0, 42.2, 163.4, 48.0, 0.97}, {"68", 166.3, 42.0, 174.7, 48.0, 0.96}, {"99", 177.6, 42.0, 186.0, 48.0, 0.93}, {"-", 188.6, 45.4, 190.8, 46.1, 0.91}, {"Æ", 193.4, 41.5, 201.6, 49.7, 0.44}, {"http://www.aubonmoulin.fr", 204.5, 42.0, 295.9, 49.7, 0.78}},
	}
	// residual: Facture_UE_BASIC.pdf
	residual = [][]ow{
		{{"SEPA", 34.3, 510.0, 52.3, 515.3, 0.93}, {"Wire", 53.8, 510.2, 67.9, 515.3, 0.76}, {"transfer", 70.1, 510.0, 93.8, 515.3, 0.96}, {"11/17/2017", 180.2, 510.2, 213.6, 515.3, 0.95}, {"623.00", 274.1, 510.2, 295.0, 515.3, 0.95}, {"€", 297.1, 510.0, 301.0, 515.3, 0.95}, {"Residual", 452.6, 502.8, 493.0, 517.7, 0.90}, {"1", 515.3, 503.8, 518.6, 511.0, 0.97}, {"453.76", 520.8, 503.8, 553.4, 512.6, 0.86}, {"€", 556.3, 503.5, 561.8, 511.2, 0.97}},
	}
	// itemRow: Facture_FR_BASIC.pdf
	itemRow = [][]ow{
		{{"Nougat", 34.6, 365.8, 63.1, 374.4, 0.93}, {"de", 65.8, 365.8, 75.4, 372.5, 0.96}, {"l'Abbaye", 78.5, 365.8, 112.1, 374.4, 0.93}, {"250g", 115.2, 365.8, 134.4, 374.4, 0.87}, {"20", 357.8, 365.8, 367.2, 372.5, 0.93}, {"Unit(s)", 370.8, 367.9, 390.7, 374.4, 0.68}, {"4,55€", 432.0, 365.8, 456.7, 373.4, 0.90}, {"10%", 476.6, 365.8, 493.2, 372.5, 0.96}, {"81,90", 532.3, 365.8, 554.2, 373.4, 0.97}, {"€", 556.8, 365.8, 561.8, 372.5, 0.97}},
	}
)

func ocrPage(rows [][]ow, src document.TextSource) document.Page {
	p := document.Page{Number: 1, Width: 595, Height: 842, Source: src}
	for _, r := range rows {
		var l document.Line
		for _, w := range r {
			word := document.Word{Text: w.t, Box: document.Box{X0: w.x0, Y0: w.y0, X1: w.x1, Y1: w.y1}, Confidence: w.c}
			l.Words = append(l.Words, word)
			l.Box = l.Box.Union(word.Box)
		}
		p.Lines = append(p.Lines, l)
	}
	return p
}

// row builds an OCR row from "text:conf" cells laid out left to right:
// words of a cell one space apart, cells a column gap apart.
func row(y float64, cells ...string) []ow {
	var out []ow
	x := 30.0
	for _, c := range cells {
		for _, f := range strings.Fields(c) {
			text, conf := f, 0.96
			if i := strings.LastIndex(f, "@"); i > 0 {
				text = f[:i]
				switch f[i+1:] {
				case "low":
					conf = 0.3
				case "mid":
					conf = 0.6
				}
			}
			n := float64(len([]rune(text)))
			out = append(out, ow{text, x, y, x + 5*n, y + 7, conf})
			x += 5*n + 2.8 // a space of about half a character
		}
		x += 60
	}
	return out
}

func pageLines(p document.Page) []string {
	var out []string
	for _, l := range p.Lines {
		var ws []string
		for _, w := range l.Words {
			ws = append(ws, w.Text)
		}
		out = append(out, strings.Join(ws, " "))
	}
	return out
}

func TestRepairOCR(t *testing.T) {
	cases := []struct {
		name string
		rows [][]ow
		want []string // the page's rows once repaired, words one space apart
		n    OCRRepairs
	}{
		{"a cent digit cut off by a stray space", solde,
			[]string{"Règlement Date Montant Solde à payer 470,15€"}, OCRRepairs{Joined: 1}},
		{"amounts cut where no thousands separator can stand; the printed minus kept", avoirTotals,
			[]string{"Taxe Base Montant Total HT -218,48 €",
				"TVA collectée (vente) 20,0% -20,48 € -4,10 € Total taxes 14,99 €",
				"Total TTC -233,47 €"}, OCRRepairs{Joined: 2}},
		{"a thousands separator is not a cut", residual,
			[]string{"SEPA Wire transfer 11/17/2017 623.00 € Residual 1 453.76 €"}, OCRRepairs{}},
		{"a line item's cells stay apart", itemRow,
			[]string{"Nougat de l'Abbaye 250g 20 Unit(s) 4,55€ 10% 81,90 €"}, OCRRepairs{}},
		{"a logo and icons beside the letterhead are dropped, and the letterhead comes first", letterhead,
			[]string{"Au bon moulin SARL - 1242 chemin de l'olive - 84340 Malaucène - France",
				"+33 4 50 44 68 99 - http://www.aubonmoulin.fr"}, OCRRepairs{Junk: 3}},
		{"a logo read as letters taller than the letterhead", letterheadAvoir,
			[]string{"Au bon moulin SARL - 1242 chemin de l'olive - 84340 Malaucène - France",
				"+33 4 50 44 68 99 - http://www.aubonmoulin.fr"}, OCRRepairs{Junk: 5}},
		{"letters read in numbers", [][]ow{row(100, "Date de facture", "l5/11/2O24"), row(120, "Total HT", "1O,5O €"), row(140, "IBAN : FR76 3000 4O12 0000")},
			[]string{"Date de facture 15/11/2024", "Total HT 10,50 €", "IBAN : FR76 3000 4012 0000"}, OCRRepairs{Confusions: 5}},
		{"codes that mix letters and digits keep their letters", [][]ow{row(100, "Votre référence", "PO445"), row(120, "Service", "DRHO249"), row(140, "Taille", "S10"), row(160, "Lot", "1O")},
			[]string{"Votre référence PO445", "Service DRHO249", "Taille S10", "Lot 1O"}, OCRRepairs{}},
		{"the euro sign read as another character", [][]ow{row(100, "Prix unitaire", "12,50E"), row(120, "Total", "10,00!"), row(140, "Net", "99,00 C")},
			[]string{"Prix unitaire 12,50€", "Total 10,00€", "Net 99,00 €"}, OCRRepairs{Currency: 3}},
		{"a parenthesis closed after the euro sign is kept", [][]ow{row(100, "Remise (12,00 €)")},
			[]string{"Remise (12,00 €)"}, OCRRepairs{}},
		{"French one-letter words stay; specks read with doubt go", [][]ow{row(100, "Solde à@mid payer", "x@low"), row(120, "Montant", "=@mid", "100,00 €")},
			[]string{"Solde à payer", "Montant 100,00 €"}, OCRRepairs{Junk: 2}},
		{"a currency sign read with doubt stays", [][]ow{row(100, "pour un montant de 1000 €.@mid")},
			[]string{"pour un montant de 1000 €."}, OCRRepairs{}},
		{"a word of text read with doubt stays", [][]ow{row(100, "Total@low taxes@low", "46,25 €")},
			[]string{"Total taxes 46,25 €"}, OCRRepairs{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := &document.Document{Pages: []document.Page{ocrPage(c.rows, document.SourceOCR)}}
			before := pageLines(doc.Pages[0])
			out, n := RepairOCR(doc)
			got := pageLines(out.Pages[0])
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("rows:\n got  %q\n want %q", got, c.want)
			}
			if n != c.n {
				t.Errorf("repairs: got %+v, want %+v", n, c.n)
			}
			if strings.Join(pageLines(doc.Pages[0]), "\n") != strings.Join(before, "\n") {
				t.Error("the input document was modified")
			}
			if (n.Total() > 0) != (n.Warning() != "") {
				t.Errorf("warning %q for %+v", n.Warning(), n)
			}
			// A text layer is never touched.
			tl := &document.Document{Pages: []document.Page{ocrPage(c.rows, document.SourceTextLayer)}}
			if got, n := RepairOCR(tl); got != tl || n.Total() != 0 {
				t.Errorf("text layer repaired: %+v", n)
			}
		})
	}
}

// Fields read by OCR: repaired amounts add up, doubtful readings are left
// out with a warning, and confidence stays below a text layer's.
func TestOCRFields(t *testing.T) {
	letter := [][]ow{row(40, "Au bon moulin SARL"), row(60, "Facture n° F-2024-017"), row(80, "Date de facture", "12/03/2024")}
	cases := []struct {
		name   string
		rows   [][]ow
		want   map[string]any // nil: absent
		warned string         // a warning holding this text
	}{
		{"amounts cut by OCR add up once joined", append(letter, avoirTotals...),
			map[string]any{"montant_ht": -218.48, "montant_tva": -14.99, "montant_ttc": -233.47}, "2 montants recollés"},
		{"an amount read with doubt that nothing confirms is left out",
			append(letter, row(400, "Total HT", "100,00 €"), row(420, "Total TTC", "150,00@mid €")),
			map[string]any{"montant_ht": 100.0, "montant_ttc": nil}, "montant_ttc non retenu"},
		{"totals that add up vouch for a word read with doubt",
			append(letter, row(400, "Total HT", "100,00 €"), row(420, "TVA 20 %", "20,00 €"), row(440, "Total TTC", "120,00@low €")),
			map[string]any{"montant_ht": 100.0, "montant_tva": 20.0, "montant_ttc": 120.0}, ""},
		{"an identifier read with doubt failing its checksum is left out",
			append(letter, row(400, "SIRET :", "55208131700012@mid")),
			map[string]any{"fournisseur.siret": nil}, "fournisseur.siret non retenu"},
		{"an identifier read with confidence failing its checksum is reported, as on a text layer",
			append(letter, row(400, "SIRET :", "99999999800010")),
			map[string]any{"fournisseur.siret": "99999999800010"}, ""},
		{"a doubtful reading failing its checksum leaves room for a good one printed further down",
			append(letter, row(400, "SIRET :", "89331303160823@mid"), row(700, "SAS au capital de 1 000 € – SIRET 893 313 031 00823")),
			map[string]any{"fournisseur.siret": "89331303100823"}, ""},
		{"letters read in a VAT key are digits when the SIREN's key says so",
			append(letter, row(400, "N° TVA :", "FRO4413826603")),
			map[string]any{"fournisseur.tva": "FR04413826603"}, ""},
		{"letters in a VAT key that the checksum does not confirm: a misreading, left out",
			append(letter, row(400, "N° TVA :", "FRO5413826603@mid")),
			map[string]any{"fournisseur.tva": nil}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := &document.Document{Pages: []document.Page{ocrPage(c.rows, document.SourceOCR)}}
			res := Extract(doc, "facture")
			checkWellFormed(t, c.name, res)
			for k, want := range c.want {
				got, ok := res.Fields[k]
				switch {
				case want == nil && ok:
					t.Errorf("%s: want absent, got %v", k, got.Value)
				case want != nil && !ok:
					t.Errorf("%s: want %v, absent (warnings %q)", k, want, res.Warnings)
				case want != nil && got.Value != want:
					t.Errorf("%s: got %v, want %v", k, got.Value, want)
				}
			}
			if c.warned != "" && !strings.Contains(strings.Join(res.Warnings, " | "), c.warned) {
				t.Errorf("no warning with %q in %q", c.warned, res.Warnings)
			}
			// The same reading from a text layer is surer.
			tl := Extract(&document.Document{Pages: []document.Page{ocrPage(c.rows, document.SourceTextLayer)}}, "facture")
			for k, f := range res.Fields {
				if g, ok := tl.Fields[k]; ok && g.Value != f.Value {
					return // read otherwise without the repairs: not comparable
				}
			}
			for k, f := range res.Fields {
				if g := tl.Fields[k]; f.Confidence >= g.Confidence {
					t.Errorf("%s: OCR confidence %.2f not below the text layer's %.2f", k, f.Confidence, g.Confidence)
				}
			}
		})
	}
}

// FuzzRepairOCR: any OCR page, with any confidences, is repaired without
// panicking, never gains words or text, and extracts well-formed fields.
func FuzzRepairOCR(f *testing.F) {
	for _, rows := range [][][]ow{solde, avoirTotals, letterhead, letterheadAvoir, residual, itemRow} {
		var lines []string
		for _, r := range rows {
			var ws []string
			for _, w := range r {
				ws = append(ws, w.t)
			}
			lines = append(lines, strings.Join(ws, " "))
		}
		f.Add(strings.Join(lines, "\n"), uint64(0x5a5a5a5a5a5a5a5a))
	}
	f.Add("Date l5/11/2O24   1O,5O E   12,50!   -21 8,48 €   470,1 5€   (3,00 €)", uint64(7))
	f.Fuzz(func(t *testing.T, text string, seed uint64) {
		if len(text) > 4000 || !utf8.ValidString(text) {
			return // OCR output is valid UTF-8 (internal/intake/ocr sees to it)
		}
		doc := docFromText(text)
		words, chars := 0, 0
		for pi := range doc.Pages {
			doc.Pages[pi].Source = document.SourceOCR
			for li := range doc.Pages[pi].Lines {
				for wi := range doc.Pages[pi].Lines[li].Words {
					w := &doc.Pages[pi].Lines[li].Words[wi]
					seed = seed*6364136223846793005 + 1442695040888963407
					w.Confidence = float64(seed>>40%101) / 100
					words++
					chars += len([]rune(w.Text))
				}
			}
		}
		out, n := RepairOCR(doc)
		gotWords, gotChars := 0, 0
		for _, p := range out.Pages {
			for _, l := range p.Lines {
				gotWords += len(l.Words)
				for _, w := range l.Words {
					gotChars += len([]rune(w.Text))
					if w.Text == "" || !utf8.ValidString(w.Text) {
						t.Fatalf("bad word %q", w.Text)
					}
				}
			}
		}
		if gotWords > words || gotChars > chars {
			t.Fatalf("repair added text: %d→%d words, %d→%d characters", words, gotWords, chars, gotChars)
		}
		if gotWords != words-n.Junk-n.Joined {
			t.Fatalf("%d words, %d after repairs %+v", words, gotWords, n)
		}
		checkWellFormed(t, "facture", Extract(doc, "facture"))
	})
}

// Akretion's drawn logotype, read at 0 % confidence, three times as tall
// as the print under it: not the supplier's name (Akretion_france-test.pdf
// rendered at 200 dpi, OCR'd at 300 dpi; boxes in points).
func TestLogoRow(t *testing.T) {
	rows := [][]ow{
		{{"AkretiGn", 30.0, 13.9, 160.1, 41.3, 0.0}},
		{{"Akretion", 29.8, 46.3, 68.2, 54.0, 0.89}, {"France", 72.2, 46.6, 101.8, 54.0, 0.96}},
		{{"27", 30.0, 61.9, 41.3, 69.4, 0.97}, {"rue", 44.6, 64.1, 58.8, 69.6, 0.97}, {"Henri", 61.9, 61.9, 84.5, 69.4, 0.96}, {"Rolland", 87.6, 61.9, 120.0, 69.4, 0.96}},
		{{"69100", 30.0, 77.0, 57.6, 84.5, 0.96}, {"Villeurbanne", 60.7, 77.0, 113.0, 84.5, 0.95}, {"France", 116.2, 77.0, 143.0, 84.5, 0.96}},
		{{"Facture", 30.0, 120.0, 75.0, 130.0, 0.95}, {"VT/2022/0001", 80.0, 120.0, 140.0, 130.0, 0.92}},
	}
	out, n := RepairOCR(&document.Document{Pages: []document.Page{ocrPage(rows, document.SourceOCR)}})
	got := pageLines(out.Pages[0])
	if len(got) == 0 || got[0] != "Akretion France" || n.Junk != 1 {
		t.Errorf("rows %q, repairs %+v", got, n)
	}
	// A title printed large and read with confidence stays.
	rows[0][0] = ow{"FACTURE", 30.0, 13.9, 160.1, 41.3, 0.95}
	out, _ = RepairOCR(&document.Document{Pages: []document.Page{ocrPage(rows, document.SourceOCR)}})
	if got := pageLines(out.Pages[0]); got[0] != "FACTURE" {
		t.Errorf("large title dropped: %q", got)
	}
}
