// Package items reads the line-item table of a quote, invoice, credit note
// or purchase order (designation, quantity, unit, unit price, amount, VAT
// rate), and the consulting figures drawn from it: person-days, daily rate
// and the legal category of the consulting service.
//
// Tables are found by conventions, not by layouts: a header row of column
// labels gives the columns' x-ranges, and the rows below are cut by their
// words' positions; without a header, rows that end with quantity × unit
// price = amount are taken. Arithmetic checks every row.
//
// conseil.categorie takes one of six values, one per legal category of
// consulting (PPL "cabinets de conseil", art. 1 II; DOMAIN.md §2.1):
//
//	strategie                      conseil en stratégie
//	organisation_rh                conseil en organisation des services et en gestion des ressources humaines
//	informatique                   conseil en informatique (hors programmation et maintenance)
//	communication                  conseil en communication
//	politiques_publiques           conseil pour la mise en œuvre des politiques publiques, y compris leur évaluation
//	juridique_financier_assurance  conseil juridique, financier ou en assurance
package items

import (
	"fmt"
	"math"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Table is the line-item table of a document.
type Table struct {
	Items    []document.LineItem // designation, quantite, unite, prix_unitaire_ht, montant_ht, taux_tva
	Pages    []int               // pages the table spans (1-based)
	SumHT    float64             // sum of montant_ht over items
	Evidence string              // header line text

	rows []rowInfo // where each item was read, for Conseil
}

// rowInfo keeps, for each item, where it stands and what its header said.
type rowInfo struct {
	page    int // 1-based
	box     document.Box
	text    string
	dayHint bool // the quantity or price column speaks of days
	checked bool // quantity × unit price = amount
}

// Limits that bound work on hostile input.
const (
	maxItems        = 2000
	maxDesignation  = 1000
	maxLinesPerPage = 5000
	arithmeticTol   = 0.011
)

// Items finds the line-item table(s) of a devis, facture, avoir or bon de
// commande. Tables with a header come first; without any, rows whose
// arithmetic holds are taken. The warnings are in French.
func Items(doc *document.Document) (Table, []string) {
	var t Table
	if doc == nil {
		return t, nil
	}
	var warns []string
	p := parser{doc: doc, t: &t, warns: &warns}
	p.withHeaders()
	if len(t.Items) == 0 {
		p.withoutHeader()
	}
	for _, it := range t.Items {
		if it.MontantHT != nil {
			t.SumHT += *it.MontantHT
		}
	}
	t.SumHT = round2(t.SumHT)
	if p.total != nil && len(t.Items) > 0 && math.Abs(*p.total-t.SumHT) > 0.02 && math.Abs(math.Abs(*p.total)-math.Abs(t.SumHT)) > 0.02 {
		warns = append(warns, fmt.Sprintf("la somme des lignes (%s) diffère du total imprimé « %s » (%s)",
			euros(t.SumHT), p.totalText, euros(*p.total)))
	}
	return t, warns
}

type parser struct {
	doc       *document.Document
	t         *Table
	warns     *[]string
	total     *float64 // total printed where the table ends
	totalText string
}

func (p *parser) warnf(format string, args ...any) {
	if len(*p.warns) < 50 {
		*p.warns = append(*p.warns, fmt.Sprintf(format, args...))
	}
}

func (p *parser) addPage(n int) {
	if k := len(p.t.Pages); k == 0 || p.t.Pages[k-1] != n {
		p.t.Pages = append(p.t.Pages, n)
	}
}

// pending is a text-only line waiting to join a row's designation.
type pending struct {
	text string
	box  document.Box
}

// withHeaders reads every table that has a header. A table that reaches
// the bottom of a page without totals goes on at the top of the next one,
// under a repeated header or, failing that, with the same columns.
func (p *parser) withHeaders() {
	var cur *header
	for pi := range p.doc.Pages {
		page := &p.doc.Pages[pi]
		lines := page.Lines
		if len(lines) > maxLinesPerPage {
			lines = lines[:maxLinesPerPage]
		}
		carried := cur != nil // table from the previous page, not closed
		var last *document.Line
		var pend []pending
		for li := 0; li < len(lines); li++ {
			l := &lines[li]
			if h, ok := findHeader(p.doc, pi, li); ok {
				if cur != nil && !carried && !sameLayout(cur, h) {
					// A new table: keep reading into the same item list.
					cur = nil
				}
				cur, carried = h, false
				li = h.last
				last = &lines[li]
				pend = nil
				continue
			}
			if cur == nil {
				continue
			}
			height := math.Max(l.Box.Height(), 6)
			if last != nil && !carried && l.Box.Y0-last.Box.Y1 > 6*height {
				// A wide blank under the rows: the table is over.
				cur = nil
				continue
			}
			if isTotalLine(l) {
				p.noteTotal(l)
				cur, carried = nil, false
				continue
			}
			r := cutRow(cur, l)
			if !r.hasNumbers() {
				if r.desig == "" {
					continue
				}
				// A designation over several lines: join it to the row just
				// above when close, else keep it for the next row.
				if n := len(p.t.Items); n > 0 && last != nil && !carriedGap(carried, last, l) &&
					l.Box.Y0-last.Box.Y1 <= 0.9*height && p.t.rows[n-1].page == page.Number {
					p.appendDesignation(n-1, r.desig, l.Box)
					last = l
					continue
				}
				if len(pend) < 4 {
					pend = append(pend, pending{r.desig, l.Box})
				}
				continue
			}
			if carried && len(p.t.Items) == 0 {
				continue
			}
			desig := r.desig
			box := l.Box
			if len(pend) > 0 {
				lastPend := pend[len(pend)-1]
				if desig == "" || l.Box.Y0-lastPend.box.Y1 <= 0.9*height {
					var parts []string
					for _, q := range pend {
						parts = append(parts, q.text)
						box = box.Union(q.box)
					}
					desig = strings.TrimSpace(strings.Join(parts, " ") + " " + desig)
				}
				pend = nil
			}
			if desig == "" && r.ref != "" {
				desig = r.ref
			}
			if desig == "" {
				continue // numbers without any designation: a subtotal row
			}
			p.addRow(cur, r, desig, box, page.Number)
			last = l
			carried = false
		}
	}
}

// carriedGap is true for the first line of a page read with the previous
// page's columns: it must not join a row on another page.
func carriedGap(carried bool, last, l *document.Line) bool {
	return carried && l.Box.Y0 < last.Box.Y0
}

func (p *parser) appendDesignation(i int, text string, box document.Box) {
	it := &p.t.Items[i]
	if len(it.Designation) < maxDesignation {
		it.Designation = strings.TrimSpace(it.Designation + " " + text)
	}
	p.t.rows[i].box = p.t.rows[i].box.Union(box)
}

func (p *parser) addRow(h *header, r row, desig string, box document.Box, pageNum int) {
	if len(p.t.Items) >= maxItems {
		return
	}
	if len(desig) > maxDesignation {
		desig = desig[:maxDesignation]
	}
	it := document.LineItem{Designation: desig, Unite: r.unit, Quantite: r.qty, PrixUnitaireHT: r.pu, MontantHT: r.amount, TauxTVA: r.tva}
	checked := r.resolve(&it)
	if h != nil && p.t.Evidence == "" {
		p.t.Evidence = h.text
	}
	n := len(p.t.Items) + 1
	if !checked && it.Quantite != nil && it.PrixUnitaireHT != nil && it.MontantHT != nil {
		p.warnf("ligne %d (« %s ») : %s × %s ≠ %s", n, short(desig), num(*it.Quantite), euros(*it.PrixUnitaireHT), euros(*it.MontantHT))
	}
	p.t.Items = append(p.t.Items, it)
	p.t.rows = append(p.t.rows, rowInfo{page: pageNum, box: box, text: desig, dayHint: r.dayHint || (h != nil && h.dayHint()), checked: checked})
	p.addPage(pageNum)
}

func (h *header) dayHint() bool {
	for _, c := range h.cols {
		if c.hint == hintDay && (c.kind == kQty || c.kind == kPU) {
			return true
		}
	}
	return false
}

// noteTotal keeps the first total printed under a table, to compare with
// the sum of its lines.
func (p *parser) noteTotal(l *document.Line) {
	if p.total != nil {
		return
	}
	text := l.Text()
	f := fold(text)
	if !strings.Contains(f, "total") && !strings.Contains(f, "montant ht") {
		return
	}
	if strings.Contains(f, "ttc") && !strings.Contains(f, "ht") {
		return
	}
	ams := fr.FindAmounts(text)
	if len(ams) == 0 {
		return
	}
	v := ams[len(ams)-1].Value
	p.total = &v
	p.totalText = strings.Join(strings.Fields(text), " ")
}

// totalWords start a line that closes a table.
var totalStarts = [][]string{
	{"total"}, {"totaux"}, {"sous-total"}, {"sous", "total"}, {"subtotal"}, {"sub-total"}, {"net", "total"},
	{"montant", "total"}, {"montant", "ht"}, {"montant", "net"}, {"net", "a", "payer"}, {"a", "reporter"},
	{"report"}, {"reporte"}, {"remise", "globale"}, {"total", "ht"}, {"grand", "total"}, {"taxe", "base"},
	{"tax", "base"}, {"recapitulatif"}, {"base", "ht"}, {"montant", "global"},
}

// isTotalLine says whether a line closes the table: it starts, or one of
// its cells starts, with "Total", "Sous-total", "Montant HT"…
func isTotalLine(l *document.Line) bool {
	toks := make([]string, 0, len(l.Words))
	starts := []int{0}
	cw := charWidth(l.Words)
	for i, w := range l.Words {
		if i > 0 && w.Box.X0-l.Words[i-1].Box.X1 > 2*cw {
			starts = append(starts, len(toks))
		}
		toks = append(toks, normWord(w.Text))
	}
	for _, s := range starts {
		for _, ts := range totalStarts {
			if s+len(ts) <= len(toks) && equalTokens(toks[s:s+len(ts)], ts) {
				return true
			}
		}
	}
	return false
}

func equalTokens(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func euros(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	return strings.Replace(s, ".", ",", 1) + " €"
}

func num(v float64) string {
	s := fmt.Sprintf("%g", round2(v))
	return strings.Replace(s, ".", ",", 1)
}

func short(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
