package extract

import (
	"math"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Amount labels, tagged by total with a strength: "Total HT" says more
// than a bare "HT". Labels of amounts that are none of the totals
// (acompte, remise, capital, unit prices, totals of days) are "other": an
// amount takes the nearest label on its left, so they keep it from being
// read as a total.
var amountLabels = labels(
	tagged("ht:95", "total ht", "montant ht", "total hors taxes", "total hors taxe", "montant hors taxes", "montant hors taxe", "total h t",
		"montant total ht", "total net ht", "net ht", "total general ht", "prix total ht", "total (ht)", "montant total hors taxes",
		"total amount without vat", "net total", "total net", "total excl vat", "total excluding vat", "total hors tva", "base ht",
		"montant global ht", "sous total ht", "total des prestations ht", "montant de la commande ht", "total commande ht"),
	tagged("ht:70", "ht", "hors taxes", "sous total", "subtotal", "sub total", "total lignes"),
	tagged("tva:95", "total tva", "montant tva", "montant de la tva", "total taxes", "total de la tva", "montant total tva", "total vat",
		"total vat amount", "tax total", "vat total", "total taxe", "montant total de la tva", "taxes"),
	tagged("tva:75", "tva", "taxe", "tva collectee", "vat", "tax"),
	tagged("ttc:95", "total ttc", "montant ttc", "montant total ttc", "total toutes taxes comprises", "net ttc", "total general ttc",
		"total t t c", "prix total ttc", "montant toutes taxes comprises", "total gross amount", "total incl vat", "total including vat",
		"montant global ttc", "total commande ttc", "total de la commande ttc"),
	tagged("ttc:70", "ttc", "total", "montant total", "total general", "grand total", "total a payer ttc", "total amount"),
	tagged("net:95", "net a payer", "reste a payer", "solde a payer", "montant a regler", "montant a payer", "solde du", "reste du",
		"net a regler", "amount due", "balance due", "residual", "total a payer", "a payer", "montant du", "net payable"),
	tagged("other", "acompte", "acompte verse", "deja regle", "deja paye", "remise", "escompte", "capital", "au capital de", "prix unitaire",
		"pu ht", "prix unit ht", "tjm", "tjm moyen", "taux journalier", "total jours", "total du materiel", "total amount of lines",
		"charges amount", "allowances amount", "montant maximum", "montant minimum", "montant engage", "a reporter", "report",
		"indemnite forfaitaire", "frais de recouvrement", "penalite", "base", "montant de l'avoir", "franco de port", "commande >",
		"total ligne", "total ligne ht", "prix total", "montant", "line total", "unit price", "price", "amount", "acompte de"),
)

// Labels of the VAT rate alone ("Taux de TVA : 20 %"), read right of the
// label or under it.
var rateLabels = labels(tagged("rate", "taux de tva", "taux de la tva", "taux tva", "taux de t v a", "vat rate", "tax rate"))

type amountCand struct {
	kind     string
	strength float64
	value    float64
	line     *tline
	start    int
	end      int
	order    int // document order
}

// strongLabel: a label that names its total ("Total HT", "Montant TTC"),
// even when its value had to be looked for under it.
const strongLabel = 0.85

// extractAmounts reads the totals. Candidates are collected with their
// labels, and the combination where HT + TVA = TTC wins; a VAT exemption
// makes TTC = HT. Later totals (bottom of the last page) beat earlier ones.
func (r *run) extractAmounts() {
	var cands []amountCand
	var rateTVA []amountCand // per-rate VAT amounts ("TVA 20 % … 16,38")
	rates := map[float64]bool{}
	var rateLine *tline
	noteRate := func(l *tline, text string) {
		// The first percentage after the label is its rate.
		if ps := fr.FindPercents(text); len(ps) > 0 {
			if p := ps[0]; fr.IsFrenchVATRate(p.Value, fr.Mainland) || fr.IsFrenchVATRate(p.Value, fr.DOM) {
				rates[p.Value] = true
				rateLine = l
			}
		}
	}
	exempt := ""
	var exemptLine *tline
	order := 0
	for _, l := range r.v.lines {
		if exempt == "" && mayMentionExemption(l.fold) {
			if kind, ok := fr.VATExemption(l.text); ok {
				exempt, exemptLine = kind, l
			}
		}
		for _, h := range rateLabels.find(l) {
			if val, _, _ := valueRight(h); val != "" {
				noteRate(l, val)
			} else if bl, bt, _, _ := r.v.valueBelow(h, 1); bt != "" {
				if strings.TrimSpace(strings.TrimRight(strings.TrimSpace(bt), "%")) != "" && len(strings.Fields(bt)) <= 3 {
					noteRate(bl, bt)
				}
			}
		}
		hits := amountLabels.find(l)
		if len(hits) == 0 {
			continue
		}
		ams := fr.FindAmounts(l.text)
		for _, h := range hits {
			if kind, _ := splitTag(h.tag); kind == "tva" {
				noteRate(l, l.text[h.end:min(len(l.text), h.end+40)])
			}
		}
		// Each amount takes the nearest label on its left, on its line.
		var perLabel = map[int][]int{}
		for ai, a := range ams {
			li := -1
			for hi, h := range hits {
				if h.end <= a.Start {
					li = hi
				}
			}
			if li < 0 {
				continue
			}
			h := hits[li]
			// Too far from its label: a sentence that mentions a total.
			between := l.text[h.end:a.Start]
			if len(strings.Fields(stripSeparators(between))) > 6 {
				continue
			}
			perLabel[li] = append(perLabel[li], ai)
		}
		for li, ais := range perLabel {
			h := hits[li]
			kind, strength := splitTag(h.tag)
			if kind == "other" {
				continue
			}
			if kind == "tva" && strength < 0.9 {
				// "TVA 20 %  base  montant": the VAT is the last amount.
				a := ams[ais[len(ais)-1]]
				rateTVA = append(rateTVA, amountCand{kind: "tva", strength: strength, value: a.Value, line: l, start: a.Start, end: a.End, order: order})
				order++
				continue
			}
			a := ams[ais[0]]
			cands = append(cands, amountCand{kind: kind, strength: strength, value: a.Value, line: l, start: a.Start, end: a.End, order: order})
			order++
		}
		// A label with no amount after it: the amount under it (a table
		// header, a form) when it opens the row below.
		for li, h := range hits {
			if _, ok := perLabel[li]; ok {
				continue
			}
			kind, strength := splitTag(h.tag)
			if kind == "other" {
				continue
			}
			if c, ok := r.wrappedAmount(h, kind, strength, order); ok {
				cands = append(cands, c)
				order++
				continue
			}
			if !labelEndsCell(h) && !(kind == "tva" && rateEndsCell(h)) {
				continue
			}
			if strength < 0.9 && (!startsCell(h) || len(l.cells()) > 1) {
				// A bare "HT" or "TVA 20 %" counts as a heading only when
				// it stands alone on its row.
				continue
			}
			bl, bt, bs, _ := r.v.valueBelow(h, 2)
			if bt == "" {
				continue
			}
			as := fr.FindAmounts(bt)
			if len(as) == 0 || strings.TrimSpace(bt[:as[0].Start]) != "" {
				continue
			}
			c := amountCand{kind: kind, strength: strength - 0.05, value: as[0].Value, line: bl, start: bs + as[0].Start, end: bs + as[0].End, order: order}
			order++
			if kind == "tva" && strength < 0.9 {
				rateTVA = append(rateTVA, c)
			} else {
				cands = append(cands, c)
			}
		}
	}
	// Sentences: "pour un montant forfaitaire de 1 000 €", "le total … est
	// de 1 250 €". Used only when no labelled total exists and a VAT
	// exemption says HT and TTC are the same.
	if len(cands) == 0 && exempt != "" {
		for _, l := range r.v.lines {
			f := " " + l.fold + " "
			if !strings.Contains(f, " total ") && !strings.Contains(f, " montant ") && !strings.Contains(f, " prix ") && !strings.Contains(f, " forfait") {
				continue
			}
			if strings.Contains(f, " penalite") || strings.Contains(f, " capital ") {
				continue
			}
			for _, a := range fr.FindAmounts(l.text) {
				if a.Currency == "" {
					continue
				}
				cands = append(cands, amountCand{kind: "sentence", strength: 0.6, value: a.Value, line: l, start: a.Start, end: a.End, order: order})
				order++
			}
		}
		var best *amountCand
		for i := range cands {
			if best == nil || cands[i].value > best.value {
				best = &cands[i]
			}
		}
		if best != nil {
			h := hit{value: best.value, conf: 0.6, line: best.line, start: best.start, end: best.end, more: []*tline{exemptLine}}
			r.set("montant_ht", h)
			r.set("montant_ttc", h)
		}
		return
	}
	r.chooseTotals(cands, rateTVA, exempt, exemptLine)
	if len(rates) == 1 && rateLine != nil {
		for rate := range rates {
			if rate > 0 {
				r.set("taux_tva", hit{value: rate, conf: 0.85, line: rateLine})
			}
		}
	}
}

// rateEndsCell: a VAT label followed only by its rate ("TVA 20 %").
func rateEndsCell(h labelHit) bool {
	cs := h.line.cells()
	ci := cellAt(cs, h.start)
	if ci < 0 || h.end > cs[ci].end {
		return false
	}
	rest := h.line.text[h.end:cs[ci].end]
	ps := fr.FindPercents(rest)
	if len(ps) != 1 {
		return false
	}
	return strings.TrimSpace(stripSeparators(rest[:ps[0].Start]+rest[ps[0].End:])) == ""
}

// wrappedAmount reads an amount cut by the end of a line in a sentence
// ("… Net à payer : 76" / "056,00 €."): the line ends with a short digit
// group after the label and the next one opens with the rest.
func (r *run) wrappedAmount(h labelHit, kind string, strength float64, order int) (amountCand, bool) {
	l := h.line
	if l.idx+1 >= len(r.v.lines) || r.v.lines[l.idx+1].page != l.page {
		return amountCand{}, false
	}
	n := r.v.lines[l.idx+1]
	rest := strings.TrimSpace(stripSeparators(l.text[h.end:]))
	if rest == "" && strings.TrimSpace(l.text[h.end:]) == "" && len(l.cells()) == 1 {
		// "… ; Net à régler" / ": 16.146,00 €.": the sentence goes on
		// with the amount on the next line.
		t := strings.TrimLeft(n.text, " ")
		if !strings.HasPrefix(t, ":") {
			return amountCand{}, false
		}
		off := len(n.text) - len(t) + 1
		as := fr.FindAmounts(n.text[off:])
		if len(as) == 0 || strings.TrimSpace(n.text[off:off+as[0].Start]) != "" {
			return amountCand{}, false
		}
		return amountCand{kind: kind, strength: strength - 0.05, value: as[0].Value, line: n, start: off + as[0].Start, end: off + as[0].End, order: order}, true
	}
	if len(rest) == 0 || len(rest) > 3 || strings.Trim(rest, "0123456789") != "" {
		return amountCand{}, false
	}
	as := fr.FindAmounts(rest + " " + n.text)
	if len(as) == 0 || as[0].Start != 0 || as[0].End <= len(rest)+1 {
		return amountCand{}, false
	}
	// The second part must be a full group of three digits.
	tail := n.text[:as[0].End-len(rest)-1]
	if len(tail) < 3 || strings.Trim(tail[:3], "0123456789") != "" {
		return amountCand{}, false
	}
	r.extraEvidence[l.idx] = n
	start := strings.LastIndex(l.text, rest)
	return amountCand{kind: kind, strength: strength - 0.05, value: as[0].Value, line: l, start: start, end: len(l.text), order: order}, true
}

func stripSeparators(s string) string {
	return strings.Map(func(c rune) rune {
		if c == ':' || c == '€' || c == '(' || c == ')' || c == ';' || c == '-' || c == '%' || c == '.' || c == ',' {
			return ' '
		}
		return c
	}, s)
}

func splitTag(tag string) (string, float64) {
	kind, s, ok := strings.Cut(tag, ":")
	if !ok {
		return kind, 0
	}
	switch s {
	case "95":
		return kind, 0.95
	case "75":
		return kind, 0.75
	case "70":
		return kind, 0.7
	}
	return kind, 0.5
}

// sameAmount compares two amounts to the cent.
func sameAmount(a, b float64) bool { return math.Abs(a-b) < 0.005 }

// itemSum is the sum of the line items of a document.
type itemSum struct {
	read, ok bool
	sum      float64
}

// lineItemsSum is the sum of the line items' amounts HT, when the document
// has a line-item table; the table is read once per extraction.
func (r *run) lineItemsSum() (float64, bool) {
	t := r.lineItems()
	if !r.itemSum.read {
		n := 0
		for _, it := range t.Items {
			if it.MontantHT != nil {
				n++
			}
		}
		r.itemSum = itemSum{read: true, sum: t.SumHT, ok: n > 0 && t.SumHT != 0}
	}
	return r.itemSum.sum, r.itemSum.ok
}

// itemsAgree says whether an HT total is the sum of the line items (the
// sign aside: a credit note may print its lines positive).
func (r *run) itemsAgree(ht float64) bool {
	sum, ok := r.lineItemsSum()
	return ok && sameAmount(math.Abs(sum), math.Abs(ht))
}

// chooseTotals picks HT, TVA and TTC so that they add up. Several
// combinations that add up to different totals, none confirmed by the
// line items, make the totals ambiguous: they are left out.
func (r *run) chooseTotals(cands, rateTVA []amountCand, exempt string, exemptLine *tline) {
	by := map[string][]amountCand{}
	for _, c := range cands {
		by[c.kind] = append(by[c.kind], c)
	}
	// The sum of per-rate VAT amounts stands for a VAT total not printed.
	tvas := append([]amountCand(nil), by["tva"]...)
	if len(rateTVA) > 0 {
		sum := 0.0
		for _, c := range rateTVA {
			sum += c.value
		}
		last := rateTVA[len(rateTVA)-1]
		tvas = append(tvas, rateTVA...)
		if len(rateTVA) > 1 {
			tvas = append(tvas, amountCand{kind: "tva", strength: 0.7, value: math.Round(sum*100) / 100, line: last.line, start: last.start, end: last.end, order: last.order})
		}
	}
	// Bound the search on pathological pages: the last totals printed are
	// the ones that count.
	tvas = lastN(tvas, 24)
	by["ht"], by["ttc"] = lastN(by["ht"], 24), lastN(by["ttc"], 24)
	tol := 0.01 * float64(max(1, len(rateTVA)))
	type combo struct {
		ht, tva, ttc *amountCand
		tvaValue     float64
		score        float64 // labels' strengths
		items        bool    // HT is the sum of the line items
	}
	var combos []combo
	hts, ttcs := by["ht"], by["ttc"]
	for i := range hts {
		for j := range ttcs {
			ht, ttc := &hts[i], &ttcs[j]
			if ht.line == ttc.line && ht.start == ttc.start {
				continue
			}
			try := func(tva *amountCand, v float64, s float64) {
				if math.Abs(ht.value+v-ttc.value) > tol+1e-9 {
					return
				}
				combos = append(combos, combo{ht, tva, ttc, v, ht.strength + ttc.strength + s, r.itemsAgree(ht.value)})
			}
			for k := range tvas {
				t := &tvas[k]
				try(t, t.value, t.strength)
				// A credit note may print its VAT without the minus sign
				// its HT and TTC carry.
				if ht.value < 0 && ttc.value < 0 && t.value > 0 {
					try(t, -t.value, t.strength-0.1)
				}
			}
			if exempt != "" || sameAmount(ht.value, ttc.value) {
				try(nil, 0, 0.5)
			}
		}
	}
	// Best: confirmed by the line items, then strongest labels, then the
	// last printed (the bottom of the document).
	better := func(a, b *combo) bool {
		if a.items != b.items {
			return a.items
		}
		if math.Abs(a.score-b.score) > 1e-9 {
			return a.score > b.score
		}
		return a.ht.order+a.ttc.order > b.ht.order+b.ttc.order
	}
	var best *combo
	ambiguous := false
	for i := range combos {
		if best == nil || better(&combos[i], best) {
			best = &combos[i]
		}
	}
	if best != nil && !best.items {
		// Another reading, as strongly labelled, with other totals.
		for i := range combos {
			c := &combos[i]
			if c.score >= best.score-0.051 && (!sameAmount(c.ht.value, best.ht.value) || !sameAmount(c.ttc.value, best.ttc.value)) {
				r.warn("plusieurs totaux HT/TVA/TTC cohérents : montants non retenus")
				best, ambiguous = nil, true
				break
			}
		}
	}
	switch {
	case ambiguous:
	case best != nil:
		more := []*tline{best.ttc.line}
		if best.tva != nil {
			more = append(more, best.tva.line)
		}
		r.set("montant_ht", hit{value: best.ht.value, conf: 0.97, line: best.ht.line, start: best.ht.start, end: best.ht.end, more: more})
		if best.tva != nil {
			r.set("montant_tva", hit{value: best.tvaValue, conf: 0.95, line: best.tva.line, start: best.tva.start, end: best.tva.end, more: []*tline{best.ht.line, best.ttc.line}})
		}
		r.set("montant_ttc", hit{value: best.ttc.value, conf: 0.97, line: best.ttc.line, start: best.ttc.start, end: best.ttc.end, more: []*tline{best.ht.line}})
	default:
		r.unmatchedTotals(by, exempt)
	}
	r.setNet(by["net"])
	_ = exemptLine
}

// unmatchedTotals: nothing adds up. Only strongly labelled totals are
// kept, the last one of each (the bottom of the document), with less
// confidence; a weakly labelled HT ("HT  4 560,00") only when the line
// items or, under a VAT exemption, the net à payer confirm it.
func (r *run) unmatchedTotals(by map[string][]amountCand, exempt string) {
	for _, kind := range []string{"ht", "tva", "ttc"} {
		var pick *amountCand
		conf := 0.65
		for i := range by[kind] {
			c := &by[kind][i]
			if c.strength >= strongLabel && (pick == nil || c.order > pick.order) {
				pick = c
			}
		}
		if kind == "ht" {
			for i := range by[kind] {
				c := &by[kind][i]
				if c.strength >= strongLabel && pick != c {
					continue
				}
				confirmed := r.itemsAgree(c.value)
				if exempt != "" {
					for _, n := range by["net"] {
						confirmed = confirmed || sameAmount(n.value, c.value)
					}
				}
				if confirmed {
					pick, conf = c, 0.85
				}
			}
		}
		if pick == nil {
			continue
		}
		name := map[string]string{"ht": "montant_ht", "tva": "montant_tva", "ttc": "montant_ttc"}[kind]
		r.set(name, hit{value: pick.value, conf: conf, line: pick.line, start: pick.start, end: pick.end})
	}
	// A VAT exemption: TTC is HT, unless the page prints the amount to
	// pay under its own label (then that label, not an invented TTC, says
	// what is owed).
	if exempt != "" && len(by["net"]) == 0 {
		if f, ok := r.fields["montant_ht"]; ok {
			if _, has := r.fields["montant_ttc"]; !has {
				r.fields["montant_ttc"] = f
			}
		}
	}
	if _, ok := r.fields["montant_ht"]; ok {
		if _, ok2 := r.fields["montant_ttc"]; !ok2 && exempt == "" {
			r.warn("montant TTC non trouvé ou incohérent avec le HT et la TVA")
		}
	}
}

// setNet reads the net à payer: only where a label says so ("Net à payer",
// "Reste à payer", "Solde à payer", "Montant dû"…); the strongest label,
// then the last one printed.
func (r *run) setNet(nets []amountCand) {
	var net *amountCand
	for i := range nets {
		c := &nets[i]
		if net == nil || c.strength > net.strength || c.strength == net.strength && c.order > net.order {
			net = c
		}
	}
	if net == nil {
		return
	}
	conf := 0.85
	if f, ok := r.fields["montant_ttc"]; ok {
		if v, _ := f.Value.(float64); sameAmount(v, net.value) || math.Abs(net.value) < math.Abs(v) {
			conf = 0.92
		} else {
			conf = 0.6
		}
	}
	r.set("net_a_payer", hit{value: net.value, conf: conf, line: net.line, start: net.start, end: net.end})
}

// mayMentionExemption is a cheap filter before fr.VATExemption: the
// mentions all name the tax, an article of the CGI or the mechanism.
func mayMentionExemption(f string) bool {
	for _, w := range []string{"tva", "vat", "taxe", "cgi", "autoliquidation", "exoner", "assujetti", "293", "259", "261", "262", "283"} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

func lastN(c []amountCand, n int) []amountCand {
	if len(c) > n {
		return c[len(c)-n:]
	}
	return c
}
