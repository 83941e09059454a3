package items

import (
	"math"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
)

// row is one table line cut into its columns' values.
type row struct {
	desig, ref       string
	unit             string
	qty, pu, amount  *float64
	tva              *float64
	discPct, discAmt *float64
	spare            []float64 // amounts read in columns that should not hold one
	dayHint          bool
}

func (r *row) hasNumbers() bool {
	return r.pu != nil || r.amount != nil || (r.qty != nil && len(r.spare) > 0)
}

// cell is a run of words with no column gap between them.
type cell struct {
	words  []document.Word
	x0, x1 float64
	digits bool
}

func cells(words []document.Word) []cell {
	cw := charWidth(words)
	var out []cell
	for i, w := range words {
		hasDigit := strings.ContainsAny(w.Text, "0123456789")
		if n := len(out); n > 0 && i > 0 && w.Box.X0-words[i-1].Box.X1 < 1.5*cw {
			c := &out[n-1]
			c.words = append(c.words, w)
			c.x1 = math.Max(c.x1, w.Box.X1)
			c.digits = c.digits || hasDigit
			continue
		}
		out = append(out, cell{words: []document.Word{w}, x0: w.Box.X0, x1: w.Box.X1, digits: hasDigit})
	}
	return out
}

// columnOf gives the column a span falls in: the one it overlaps most, or
// the nearest one.
func columnOf(cols []column, x0, x1 float64) int {
	best, bestScore := -1, math.Inf(-1)
	for i, c := range cols {
		o := math.Min(c.x1, x1) - math.Max(c.x0, x0)
		if o > bestScore {
			best, bestScore = i, o
		}
	}
	return best
}

// overlapping counts the columns a span overlaps.
func overlapping(cols []column, x0, x1 float64) (n int, desig int) {
	desig = -1
	for i, c := range cols {
		if math.Min(c.x1, x1)-math.Max(c.x0, x0) > 0 {
			n++
			if c.kind == kDesignation {
				desig = i
			}
		}
	}
	return n, desig
}

// cutRow assigns the words of a line to the header's columns and reads
// each column's value.
func cutRow(h *header, l *document.Line) row {
	texts := make([][]string, len(h.cols))
	for _, c := range cells(l.Words) {
		n, desig := overlapping(h.cols, c.x0, c.x1)
		switch {
		case n <= 1 || (!c.digits && desig >= 0):
			k := columnOf(h.cols, c.x0, c.x1)
			if !c.digits && desig >= 0 {
				k = desig
			}
			for _, w := range c.words {
				texts[k] = append(texts[k], w.Text)
			}
		default:
			for _, w := range c.words {
				k := columnOf(h.cols, w.Box.X0, w.Box.X1)
				texts[k] = append(texts[k], w.Text)
			}
		}
	}
	var r row
	for i, col := range h.cols {
		if len(texts[i]) == 0 {
			continue
		}
		text := strings.Join(texts[i], " ")
		if col.hint == hintDay && (col.kind == kQty || col.kind == kPU) {
			r.dayHint = true
		}
		switch col.kind {
		case kDesignation:
			r.desig = strings.TrimSpace(r.desig + " " + text)
		case kRef:
			r.ref = strings.TrimSpace(r.ref + " " + text)
		case kQty:
			if v, unit, ok := parseQty(text); ok && r.qty == nil {
				r.qty = &v
				if unit != "" && r.unit == "" {
					r.unit = normUnit(unit)
				}
			} else if !strings.ContainsAny(text, "0123456789") && r.unit == "" {
				r.unit = normUnit(text)
			}
		case kUnit:
			if u := normUnit(text); u != "" && !strings.ContainsAny(u, "0123456789") {
				r.unit = u
			} else if v, ok := fr.ParseAmount(text); ok && r.qty == nil {
				r.qty = &v // a quantity printed a little to the right
			}
		case kPU:
			if v, ok := parseMoney(text); ok && r.pu == nil {
				r.pu = &v
			}
		case kMontant:
			if v, ok := parseMoney(text); ok {
				if r.amount != nil {
					r.spare = append(r.spare, *r.amount)
				}
				r.amount = &v
			}
		case kTVA:
			if v, ok := parseRate(text); ok {
				r.tva = &v
			} else if v, ok := parseMoney(text); ok {
				r.spare = append(r.spare, v)
			}
		case kDiscount:
			if ps := fr.FindPercents(text); len(ps) > 0 {
				v := ps[0].Value
				r.discPct = &v
			} else if v, ok := parseMoney(text); ok {
				r.discAmt = &v
			}
		default:
			if v, ok := parseMoney(text); ok && strings.ContainsAny(text, ",.€") {
				r.spare = append(r.spare, v)
			}
		}
	}
	if r.unit == "" {
		for _, c := range h.cols {
			if c.kind == kQty || c.kind == kPU {
				switch c.hint {
				case hintDay:
					r.unit = "jour"
				case hintHour:
					r.unit = "heure"
				}
			}
			if r.unit != "" {
				break
			}
		}
		if r.unit == "" || r.qty == nil {
			r.unit = ""
		}
	}
	return r
}

// parseQty reads "3", "2,5 j", "20 Unit(s)", "1 000 jours": the longest
// leading run of words that is a number, then the unit.
func parseQty(text string) (float64, string, bool) {
	f := strings.Fields(text)
	if len(f) > 8 {
		f = f[:8]
	}
	for n := len(f); n >= 1; n-- {
		s := strings.Join(f[:n], " ")
		if strings.ContainsAny(s, "€$£%") {
			continue
		}
		if v, ok := fr.ParseAmount(s); ok {
			return v, strings.Join(f[n:], " "), true
		}
	}
	// "3j", "10h": a number glued to its unit.
	if len(f) > 0 {
		w := f[0]
		i := 0
		for i < len(w) && (w[i] >= '0' && w[i] <= '9' || w[i] == ',' || w[i] == '.') {
			i++
		}
		if i > 0 && i < len(w) {
			if v, ok := fr.ParseAmount(w[:i]); ok {
				if u := normUnit(w[i:]); dayFactor(u) > 0 || u == "heure" {
					return v, w[i:], true
				}
			}
		}
	}
	return 0, "", false
}

// parseMoney reads an amount cell: "1 200,00 €", "1,500.00", "950".
func parseMoney(text string) (float64, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, false
	}
	if v, ok := fr.ParseAmount(text); ok {
		return v, true
	}
	if ams := fr.FindAmounts(text); len(ams) > 0 {
		return ams[len(ams)-1].Value, true
	}
	// A bare number followed by a word ("950 HT/j", "1 200 par jour").
	f := strings.Fields(text)
	for n := min(len(f), 5); n >= 1; n-- {
		if v, ok := fr.ParseAmount(strings.Join(f[:n], " ")); ok {
			return v, true
		}
	}
	return 0, false
}

// parseRate reads a VAT rate cell: "20 %", "TVA 20%", "5,5", "20.0".
func parseRate(text string) (float64, bool) {
	if ps := fr.FindPercents(text); len(ps) > 0 {
		return ps[0].Value, true
	}
	v, ok := fr.ParsePercent(text)
	if !ok {
		return 0, false
	}
	for _, t := range []fr.Territory{fr.Mainland, fr.Corse, fr.DOM} {
		if fr.IsFrenchVATRate(v, t) {
			return v, true
		}
	}
	if v == 19.6 || v == 7 { // rates before 2014
		return v, true
	}
	return 0, false
}

// product is quantity × unit price, less any discount.
func product(q, pu float64, pct, amt *float64) float64 {
	v := q * pu
	if pct != nil {
		v *= 1 - *pct/100
	}
	if amt != nil {
		v -= math.Abs(*amt)
	}
	return v
}

// matches says whether a computed amount equals a printed one, to the cent;
// a credit note may print either the quantity or the amount negative.
func matches(computed, printed float64) bool {
	return math.Abs(computed-printed) <= arithmeticTol+1e-9*math.Abs(printed) ||
		math.Abs(math.Abs(computed)-math.Abs(printed)) <= arithmeticTol+1e-9*math.Abs(printed)
}

// resolve fills the item from the row, using the arithmetic to find an
// amount printed under the wrong label, and says whether it holds.
func (r *row) resolve(it *document.LineItem) bool {
	it.Quantite, it.PrixUnitaireHT, it.MontantHT, it.TauxTVA = r.qty, r.pu, r.amount, r.tva
	if r.qty == nil || r.pu == nil {
		return false
	}
	q, pu := *r.qty, *r.pu
	if r.amount != nil {
		if matches(product(q, pu, r.discPct, r.discAmt), *r.amount) {
			r.netPrice(it)
			return true
		}
		if matches(q*pu, *r.amount) {
			return true // the discount is already in the unit price
		}
	}
	for _, s := range r.spare {
		if matches(product(q, pu, r.discPct, r.discAmt), s) || matches(q*pu, s) {
			v := s
			it.MontantHT = &v
			if matches(product(q, pu, r.discPct, r.discAmt), s) {
				r.netPrice(it)
			}
			return true
		}
	}
	if r.amount != nil && matches(q**r.amount, pu) {
		// Unit price and amount columns swapped (a "Prix" label misread).
		it.PrixUnitaireHT, it.MontantHT = r.amount, r.pu
		return true
	}
	return false
}

// netPrice replaces the printed unit price by the price after the line's
// discount, as e-invoices carry it (BT-146), so that quantity × unit price
// gives the amount.
func (r *row) netPrice(it *document.LineItem) {
	if r.qty == nil || r.pu == nil || *r.qty == 0 || r.discPct == nil && r.discAmt == nil {
		return
	}
	v := math.Round(product(*r.qty, *r.pu, r.discPct, r.discAmt) / *r.qty * 1e4) / 1e4
	it.PrixUnitaireHT = &v
}
