package items

import (
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
)

// number is a numeric token of a line read without a header.
type number struct {
	value   float64
	percent bool
	money   bool // printed with a currency or two decimals
	unit    string
	start   int // index of its first word
	box     document.Box
}

// numbers reads a line's numbers in order: runs of numeric words that
// parse as one amount ("1 200,00 €") become one number; a following word
// that is a unit ("jours", "h", "forfait") is kept with it.
func numbers(words []document.Word) []number {
	var out []number
	cw := charWidth(words)
	for i := 0; i < len(words); {
		if !numericWord(words[i].Text) {
			i++
			continue
		}
		// Longest run of close numeric words that still parses.
		end := i + 1
		for end < len(words) && end-i < 6 && words[end].Box.X0-words[end-1].Box.X1 < 1.5*cw &&
			(numericWord(words[end].Text) || isCurrencyWord(words[end].Text)) {
			end++
		}
		var n number
		ok := false
		for e := end; e > i; e-- {
			text := joinWords(words[i:e])
			if strings.HasSuffix(text, "%") {
				if v, good := fr.ParsePercent(text); good {
					n = number{value: v, percent: true}
					end, ok = e, true
					break
				}
				continue
			}
			if m, good := fr.ParseAmountDetail(text); good {
				n = number{value: m.Value, money: m.Currency != "" || m.Decimals == 2}
				end, ok = e, true
				break
			}
		}
		if !ok {
			i++
			continue
		}
		n.start = i
		for _, w := range words[i:end] {
			n.box = n.box.Union(w.Box)
		}
		if end < len(words) {
			if u := normUnit(words[end].Text); isKnownUnit(u) {
				n.unit = u
				end++
			}
		}
		out = append(out, n)
		i = end
	}
	return out
}

func joinWords(ws []document.Word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

func numericWord(s string) bool {
	if s == "" {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(",.-'()€%\u00a0\u202f", r):
		default:
			return false
		}
	}
	return digits > 0
}

func isCurrencyWord(s string) bool {
	switch strings.ToUpper(strings.Trim(s, ".")) {
	case "€", "EUR", "EUROS", "HT", "€HT", "%":
		return true
	}
	return false
}

func isKnownUnit(u string) bool {
	switch u {
	case "jour", "demi-journee", "heure", "forfait", "unite", "mois", "semaine", "an", "lot", "litre", "kg":
		return true
	}
	return false
}

// withoutHeader takes, when no header was found, the lines whose last
// numbers read quantity × unit price = amount (a VAT rate may stand
// between them), with the text before them as designation.
func (p *parser) withoutHeader() {
	for pi := range p.doc.Pages {
		page := &p.doc.Pages[pi]
		lines := page.Lines
		if len(lines) > maxLinesPerPage {
			lines = lines[:maxLinesPerPage]
		}
		for li := range lines {
			l := &lines[li]
			if len(l.Words) < 4 || len(l.Words) > 60 || isTotalLine(l) {
				continue
			}
			nums := numbers(l.Words)
			if len(nums) < 3 {
				continue
			}
			r, first, ok := arithmeticRow(nums)
			if !ok {
				continue
			}
			desig := strings.TrimSpace(strings.Trim(joinWords(l.Words[:first]), " :-–"))
			if letters(desig) < 3 {
				continue
			}
			if p.t.Evidence == "" {
				p.t.Evidence = "lignes sans en-tête (quantité × prix unitaire = montant)"
				p.warnf("tableau sans en-tête : lignes reconnues par le calcul quantité × prix unitaire = montant")
			}
			p.addRow(nil, r, desig, l.Box, page.Number)
		}
	}
}

// arithmeticRow finds, among the last numbers of a line, a quantity, a
// unit price and an amount that agree. It returns the row and the index of
// the quantity's first word.
func arithmeticRow(nums []number) (row, int, bool) {
	n := len(nums)
	lo := max(0, n-5)
	for k := n - 1; k >= lo+2 && k >= n-2; k-- {
		m := nums[k]
		if m.percent || !m.money {
			continue
		}
		for j := k - 1; j >= lo+1; j-- {
			pu := nums[j]
			if pu.percent {
				continue
			}
			for i := j - 1; i >= lo && i >= j-2; i-- {
				q := nums[i]
				if q.percent || q.value == 0 || q.value > 1e6 {
					continue
				}
				if !matches(q.value*pu.value, m.value) {
					continue
				}
				if q.value == 1 && pu.value == m.value && q.unit == "" {
					continue // "1 … 500 … 500" proves nothing
				}
				var r row
				qv, pv, mv := q.value, pu.value, m.value
				r.qty, r.pu, r.amount, r.unit = &qv, &pv, &mv, q.unit
				if r.unit == "" {
					r.unit = pu.unit
				}
				for _, t := range nums[j+1:] {
					if t.percent {
						v := t.value
						r.tva = &v
						break
					}
				}
				return r, q.start, true
			}
		}
	}
	return row{}, 0, false
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f {
			n++
		}
	}
	return n
}
