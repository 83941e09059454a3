package extract

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
)

// docFromText builds a one-page document from text lines: each word gets a
// box 6 points per character wide, words one space apart, a column gap
// where the text has three spaces or more, lines 14 points apart; a form
// feed starts a new page.
func docFromText(text string) *document.Document {
	doc := &document.Document{Name: "texte"}
	for pi, pageText := range strings.Split(text, "\f") {
		page := document.Page{Number: pi + 1, Width: 595, Height: 842, Source: document.SourceTextLayer}
		for li, line := range strings.Split(pageText, "\n") {
			y := 20 + 14*float64(li)
			var words []document.Word
			x := 20.0
			for _, cell := range splitKeepGaps(line) {
				if cell.gap {
					x += 6 * float64(len(cell.text)) * 2
					continue
				}
				for _, w := range strings.Fields(cell.text) {
					n := float64(utf8.RuneCountInString(w))
					words = append(words, document.Word{Text: w, Box: document.Box{X0: x, Y0: y, X1: x + 6*n, Y1: y + 10}, Confidence: 1})
					x += 6*n + 4
				}
			}
			if len(words) > 0 {
				page.Lines = append(page.Lines, document.BuildLines(words)...)
			}
		}
		doc.Pages = append(doc.Pages, page)
	}
	return doc
}

type piece struct {
	text string
	gap  bool
}

func splitKeepGaps(s string) []piece {
	var out []piece
	re := regexp.MustCompile(` {3,}|\t+`)
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		out = append(out, piece{s[last:m[0]], false}, piece{s[m[0]:m[1]], true})
		last = m[1]
	}
	return append(out, piece{s[last:], false})
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// checkWellFormed checks the contract's rules on every emitted field.
func checkWellFormed(t testing.TB, name string, res Result) {
	t.Helper()
	for k, f := range res.Fields {
		where := fmt.Sprintf("%s: %s = %#v", name, k, f.Value)
		if f.Page < 1 || f.Confidence < 0 || f.Confidence > 1 || math.IsNaN(f.Confidence) || strings.TrimSpace(f.Evidence) == "" {
			t.Errorf("%s: page %d, confidence %v, evidence %q", where, f.Page, f.Confidence, f.Evidence)
		}
		if f.BBox != nil && (len(f.BBox) != 4 || f.BBox[0] > f.BBox[2] || f.BBox[1] > f.BBox[3]) {
			t.Errorf("%s: bbox %v", where, f.BBox)
		}
		switch {
		case strings.HasPrefix(k, "montant_"), k == "net_a_payer", k == "taux_tva", k == "duree_mois", k == "conseil.nb_jours", k == "conseil.tjm":
			if v, ok := f.Value.(float64); !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: not a number", where)
			}
		case strings.HasPrefix(k, "date"):
			if s, ok := f.Value.(string); !ok || !isoDate.MatchString(s) {
				t.Errorf("%s: not YYYY-MM-DD", where)
			}
		case strings.HasSuffix(k, ".siret"):
			if s, _ := f.Value.(string); len(s) != 14 || strings.Trim(s, "0123456789") != "" || f.Valid == nil || *f.Valid != fr.ValidSIRET(s) {
				t.Errorf("%s: bad SIRET or validity", where)
			}
		case strings.HasSuffix(k, ".siren"):
			if s, _ := f.Value.(string); len(s) != 9 || strings.Trim(s, "0123456789") != "" || f.Valid == nil || *f.Valid != fr.ValidSIREN(s) {
				t.Errorf("%s: bad SIREN or validity", where)
			}
		case strings.HasSuffix(k, ".tva"):
			if s, _ := f.Value.(string); s != fr.NormalizeVAT(s) || len(s) < 4 || f.Valid == nil || *f.Valid != fr.ValidVAT(s) {
				t.Errorf("%s: bad TVA or validity", where)
			}
		case k == "iban":
			if s, _ := f.Value.(string); s != fr.NormalizeIBAN(s) || f.Valid == nil || *f.Valid != fr.ValidIBAN(s) {
				t.Errorf("%s: bad IBAN or validity", where)
			}
		default:
			if s, ok := f.Value.(string); !ok || strings.TrimSpace(s) == "" || !utf8.ValidString(s) {
				t.Errorf("%s: empty or invalid text", where)
			}
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Facture n° FA-2024-001\nDate de facture : 12/03/2024\nTotal HT   1 000,00 €\nTVA 20 %   200,00 €\nTotal TTC   1 200,00 €",
		"Devis pour une prestation\nEntreprise\nSARL X\nSIRET : 552 081 317 00011\nClient\nMinistère de la Culture\nTVA non applicable, art. 293 B du CGI\nmontant de 500 €",
		"IBAN : FR76 3000 6000 0112 3456 7890 189   BIC : AGRIFRPP\nTitulaire du compte\nSAS Y",
		"RCS Lyon B 552 081 317\nN° TVA : FR03552081317\f Net à payer : 12,00 €",
		"Date   Total HT   TVA   Total TTC\n01/02/2023   100,00   20,00   120,00",
		"BON DE COMMANDE\nN° de commande   Service exécutant\n1300157760   SFACT-01\nObjet : achat de\nmobilier",
		"Objet\nSIRET\n\n\nTotal\n   \tFR\n",
	} {
		f.Add(s)
	}
	types := []string{"facture", "devis", "avoir", "bon_de_commande", "acte_engagement", "rib", "kbis", "fiche_navette", "cctp", "autre"}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4000 {
			return
		}
		doc := docFromText(text)
		for _, typ := range types {
			res := Extract(doc, typ)
			checkWellFormed(t, typ, res)
		}
	})
}

func TestExtractNilAndEmpty(t *testing.T) {
	for _, doc := range []*document.Document{nil, {}, {Pages: []document.Page{{Number: 1}}}} {
		res := Extract(doc, "facture")
		if len(res.Fields) != 0 {
			t.Errorf("fields from an empty document: %v", res.Fields)
		}
	}
}
