package extract

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Labels of the document's own number, per type. "title" labels are the
// document's title followed by its number ("Facture FA-2017-0010"); they
// count only when they open a cell.
var (
	invoiceNumberLabels = labels(
		tagged("95", "facture n", "facture no", "n de facture", "no de facture", "numero de facture", "n facture", "no facture", "ref facture",
			"reference facture", "reference de la facture", "invoice no", "invoice number", "invoice n", "n de piece", "numero de piece", "facture numero"),
		tagged("title", "facture", "invoice", "facture d'acompte", "facture de solde"),
		tagged("75", "reference", "ref", "numero", "n"),
		tagged("other", "facture liee", "facture d'origine", "facture initiale", "facture a regler", "reference client", "reference commande",
			"ref commande", "ref marche", "reference du marche", "reference de commande", "n tva", "numero de tva", "n siret", "n client", "numero client"),
	)
	creditNoteNumberLabels = labels(
		tagged("95", "avoir n", "avoir no", "n d'avoir", "numero d'avoir", "n avoir", "ref avoir", "reference avoir", "note de credit n",
			"credit note no", "credit note number", "facture d'avoir n", "n de piece", "numero de piece"),
		tagged("title", "avoir", "note de credit", "credit note", "facture d'avoir"),
		tagged("75", "reference", "ref", "numero", "n"),
		tagged("other", "facture liee", "facture d'origine", "facture initiale", "n facture", "facture n", "reference client", "reference commande",
			"ref commande", "ref marche", "reference du marche", "n tva", "numero de tva", "n siret", "n client", "numero client"),
	)
	quoteNumberLabels = labels(
		tagged("95", "devis n", "devis no", "n de devis", "n devis", "numero de devis", "numero du devis", "ref devis", "reference devis", "reference du devis",
			"proposition n", "offre n", "n de l'offre", "reference de l'offre", "ref offre", "n de proposition", "quotation no", "quote no", "n dossier", "dossier n"),
		tagged("title", "devis", "proposition commerciale", "proposition financiere", "offre commerciale", "quotation"),
		tagged("75", "reference", "ref", "numero", "n"),
		tagged("other", "reference du marche", "ref marche", "reference client", "n tva", "numero de tva", "n siret", "n client", "numero client",
			"reference commande", "ref commande"),
	)
	orderNumberLabels = labels(
		tagged("95", "bon de commande n", "n de commande", "numero de commande", "commande n", "n commande", "n de bon de commande",
			"numero du bon de commande", "purchase order", "purchase order id", "order number", "order no", "n du bon de commande",
			"n d'engagement juridique", "numero d'engagement juridique", "n ej", "numero ej", "n d'engagement", "engagement juridique n", "bon n"),
		tagged("title", "bon de commande", "commande"),
		tagged("other", "reference du marche", "ref marche", "n tva", "numero de tva", "n siret", "sales order id", "n de marche", "marche n"),
	)
)

// extractNumero reads the document's own number.
func (r *run) extractNumero(rules typeRules) {
	if rules.numero == nil {
		return
	}
	type cand struct {
		h    hit
		prio float64
	}
	var best *cand
	for _, h := range r.v.findAll(rules.numero) {
		if h.tag == "other" {
			continue
		}
		prio := 0.95
		switch h.tag {
		case "title":
			prio = 0.9
			if !startsCell(h) {
				continue
			}
		case "75":
			prio = 0.75
			if !startsCell(h) {
				continue
			}
		}
		val, s, _ := valueRight(h)
		line := h.line
		if tok, ts, te := referenceToken(val); tok != "" {
			if best == nil || prio > best.prio {
				best = &cand{hit{value: tok, conf: prio, line: line, start: s + ts, end: s + te}, prio}
			}
			continue
		}
		if h.tag == "title" || !labelEndsCell(h) {
			continue
		}
		// Table header: the number under its label.
		if bl, bt, bs, _ := r.v.valueBelow(h, 2); bt != "" {
			if tok, ts, te := referenceToken(bt); tok != "" && (best == nil || prio-0.03 > best.prio) {
				best = &cand{hit{value: tok, conf: prio - 0.03, line: bl, start: bs + ts, end: bs + te}, prio - 0.03}
			}
		}
	}
	if best == nil {
		return
	}
	r.set("numero", best.h)
	if rules.orderNumber {
		h := best.h
		r.set("reference_commande", h)
		if ej, ok := fr.ParseEJ(h.value.(string)); ok {
			h.value = ej
			r.set("numero_ej", h)
		}
	}
}

// referenceToken reads a document number at the start of a value: one
// token with a digit, made of letters, digits and -/_. , that is not a
// date, an amount or a word.
func referenceToken(val string) (string, int, int) {
	t := strings.TrimLeft(val, " :#°")
	off := len(val) - len(t)
	end := strings.IndexAny(t, " \t")
	if end < 0 {
		end = len(t)
	}
	tok := strings.TrimRight(t[:end], ".,;:)")
	if len(tok) < 2 || len(tok) > 40 {
		return "", 0, 0
	}
	digits := 0
	for _, c := range tok {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c < 128 && (unicode.IsLetter(c) || strings.ContainsRune("-/_.", c)):
		default:
			return "", 0, 0
		}
	}
	if digits == 0 {
		return "", 0, 0
	}
	if _, ok := fr.ParseDate(tok); ok {
		return "", 0, 0
	}
	if _, ok := fr.ParseAmount(tok); ok && strings.ContainsAny(tok, ",") {
		return "", 0, 0
	}
	// A bare short number is a quantity or a page, not a reference
	// ("Page 1", "n° 3").
	if digits == len(tok) && len(tok) < 4 {
		return "", 0, 0
	}
	return tok, off, off + len(tok)
}

// Labels of references to other documents.
var refLabels = labels(
	tagged("commande", "bon de commande n", "n de bon de commande", "n de commande", "numero de commande", "commande n", "votre commande", "votre commande n",
		"votre reference", "vos references", "votre ref", "reference commande", "ref commande", "reference de commande", "your reference", "your ref",
		"n d'engagement", "numero d'engagement", "n ej", "numero ej", "engagement juridique", "n d'engagement juridique", "numero d'engagement juridique",
		"purchase order", "order reference", "po number", "bon de commande", "n bc", "ref bc", "buyer order ref", "order ref", "n du bon de commande"),
	tagged("marche", "ref marche", "reference du marche", "reference marche", "n de marche", "marche n", "numero de marche", "numero du marche", "n du marche",
		"accord cadre n", "n accord cadre", "n de l'accord cadre", "numero d'accord cadre", "numero de l'accord cadre", "reference de l'accord cadre",
		"contrat n", "n de contrat", "numero de contrat", "agreement ref", "contract ref", "contract reference", "marche subsequent n",
		"accord cadre", "marche", "reference accord cadre", "n du contrat", "id accord cadre", "identifiant accord cadre",
		"reference de la consultation", "consultation n", "n de consultation", "numero de consultation", "n de la consultation",
		"reference consultation", "ref consultation"),
	tagged("service", "code service", "service executant", "code du service executant", "code service executant", "buyer ref", "buyer reference",
		"code service chorus", "sous le code service", "code service destinataire", "service destinataire", "code chorus service",
		"code service chorus pro", "service executant chorus pro", "code du service", "code service executant chorus pro"),
	tagged("other", "sales order id", "reference client", "n client", "facture liee", "libelle accord cadre", "objet du marche", "marche public",
		"marches publics", "accord cadre a bons de commande", "date de notification", "montant"),
)

// valueParser reads a value at the start of a cell's text and returns it
// with its byte span in that text, or "" when the text holds none.
type valueParser func(val string) (string, int, int)

// readValue reads the value of a label: right of it on its row, or, when
// the label ends its cell and nothing usable stands right of it (a header
// row whose next cell is another label), under it in its column.
func (r *run) readValue(h labelHit, rows int, parse valueParser) (string, *tline, int, int) {
	val, s, _ := valueRight(h)
	if val != "" {
		if tok, ts, te := parse(val); tok != "" {
			return tok, h.line, s + ts, s + te
		}
	}
	if !labelEndsCell(h) {
		return "", nil, 0, 0
	}
	if bl, bt, bs, _ := r.v.valueBelow(h, rows); bt != "" {
		if tok, ts, te := parse(bt); tok != "" {
			return tok, bl, bs + ts, bs + te
		}
	}
	return "", nil, 0, 0
}

// serviceToken reads a Chorus Pro service code at the start of a value.
func serviceToken(val string) (string, int, int) {
	tok := firstToken(val)
	if !isServiceCode(tok) {
		return "", 0, 0
	}
	i := strings.Index(val, tok)
	return tok, i, i + len(tok)
}

// extractReferences reads the order, marché and service references.
func (r *run) extractReferences(rules typeRules) {
	for _, h := range r.v.findAll(refLabels) {
		switch h.tag {
		case "commande":
			if rules.orderNumber {
				continue // the order's own number, read by extractNumero
			}
			tok, ln, s, e := r.readValue(h, 1, referenceToken)
			if tok == "" {
				continue
			}
			hh := hit{value: tok, conf: 0.88, line: ln, start: s, end: e}
			r.set("reference_commande", hh)
			if ej, ok := fr.ParseEJ(tok); ok {
				hh.value = ej
				r.set("numero_ej", hh)
			}
		case "marche":
			bare := h.phrase == "marche" || h.phrase == "accord cadre"
			if bare && !startsCell(h) {
				continue
			}
			ref, ln, s, e := r.readValue(h, 1, marketReference)
			if ref == "" {
				continue
			}
			conf := 0.88
			if bare {
				conf = 0.75
			}
			r.set("reference_marche", hit{value: ref, conf: conf, line: ln, start: s, end: e})
		case "service":
			tok, ln, s, e := r.readValue(h, 2, serviceToken)
			if tok == "" {
				continue
			}
			r.set("code_service", hit{value: tok, conf: 0.85, line: ln, start: s, end: e})
		}
	}
}

// marketReference reads a marché or accord-cadre reference: a short value
// with a digit ("MAPA 24-075", "2022AMO0538402", "AC-2025-047-L4"), not a
// sentence.
func marketReference(val string) (string, int, int) {
	t := strings.TrimSpace(strings.TrimLeft(val, " :#°"))
	if t == "" {
		return "", 0, 0
	}
	off := strings.Index(val, t)
	t = strings.TrimRight(t, ".,;")
	toks := strings.Fields(t)
	if len(toks) == 0 || len(toks) > 3 || len(t) > 40 || !strings.ContainsAny(t, "0123456789") {
		return "", 0, 0
	}
	for _, tok := range toks {
		if len(tok) > 3 && startsLower(tok) {
			return "", 0, 0
		}
		if _, ok := fr.ParseDate(tok); ok {
			return "", 0, 0
		}
	}
	// A lone word before the reference ("MAPA 24-075") is kept only when
	// it is an upper-case code.
	if len(toks) > 1 && !strings.ContainsAny(toks[0], "0123456789") && strings.ToUpper(toks[0]) != toks[0] {
		return "", 0, 0
	}
	return t, off, off + len(t)
}

// isServiceCode: a Chorus Pro service code is a single token, capitals
// and digits with separators, not a word of a sentence.
func isServiceCode(tok string) bool {
	if len(tok) < 2 || len(tok) > 40 {
		return false
	}
	upper := 0
	for _, c := range tok {
		switch {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			upper++
		case c == '-' || c == '_' || c == '/' || c == '.':
		default:
			return false
		}
	}
	return upper >= 2
}

// Labels of CPV codes and contract durations.
var codeLabels = labels(
	tagged("cpv", "cpv", "code cpv", "code cpv principal", "classification cpv", "nomenclature cpv", "codes cpv"),
	tagged("duree", "duree du marche", "duree de l'accord cadre", "duree d'execution", "duree du contrat", "duree initiale", "duree",
		"conclu pour une duree de", "duree d'execution du marche", "duree globale"),
)

// cpvIn finds the first CPV code ("72224000-1", "79410000") in s.
func cpvIn(s string) (string, int, int) {
	for i := 0; i+8 <= len(s); i++ {
		if i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i != 8 {
			i = j
			continue
		}
		e := j
		if e+1 < len(s) && s[e] == '-' && s[e+1] >= '0' && s[e+1] <= '9' {
			e += 2
		}
		if cpv, ok := fr.NormalizeCPV(s[i:e]); ok {
			return cpv, i, e
		}
		return "", 0, 0
	}
	return "", 0, 0
}

// durationMonths reads "36 mois", "2 ans" at the start of a folded value;
// unitInLabel: the label says the unit ("Durée (mois)").
func durationMonths(f string, unitInLabel bool) (float64, bool) {
	toks := strings.Fields(f)
	for i, t := range toks {
		if i > 8 {
			break
		}
		n, err := strconv.Atoi(t)
		if err != nil || n <= 0 || n > 240 {
			continue
		}
		if i+1 >= len(toks) {
			return float64(n), unitInLabel
		}
		switch toks[i+1] {
		case "mois":
			return float64(n), true
		case "ans", "an", "annees", "annee":
			return float64(12 * n), true
		}
		return 0, false
	}
	return 0, false
}

// extractCodes reads the CPV code and the duration in months, right of
// their labels or under them.
func (r *run) extractCodes(rules typeRules) {
	for _, h := range r.v.findAll(codeLabels) {
		l := h.line
		switch h.tag {
		case "cpv":
			if cpv, s, e := cpvIn(l.text[h.end:]); cpv != "" {
				r.set("code_cpv", hit{value: cpv, conf: 0.9, line: l, start: h.end + s, end: h.end + e})
				continue
			}
			if !labelEndsCell(h) {
				continue
			}
			if bl, bt, bs, _ := r.v.valueBelow(h, 1); bt != "" {
				if cpv, s, e := cpvIn(bt); cpv != "" && strings.TrimSpace(bt[:s]) == "" {
					r.set("code_cpv", hit{value: cpv, conf: 0.88, line: bl, start: bs + s, end: bs + e})
				}
			}
		case "duree":
			if !rules.duration {
				continue
			}
			f := " " + l.fold + " "
			if strings.Contains(f, " valable ") || strings.Contains(f, " validite ") || strings.Contains(f, " personne morale ") {
				continue
			}
			unitInLabel := strings.Contains(l.fold[:min(len(l.fold), h.fend+7)], "mois")
			if m, ok := durationMonths(l.fold[h.fend:], unitInLabel); ok {
				r.setDuration(l, m)
				continue
			}
			if !labelEndsCell(h) && !unitInLabel {
				continue
			}
			// "Durée (mois)" then "12 mois" on the next row.
			if bl, bt, _, _ := r.v.valueBelow(h, 1); bt != "" && len(strings.Fields(bt)) <= 3 {
				if m, ok := durationMonths(fold(bt), unitInLabel); ok {
					r.setDuration(bl, m)
				}
			}
		}
	}
}

func (r *run) setDuration(l *tline, months float64) {
	r.set("duree_mois", hit{value: months, conf: 0.8, line: l})
}
