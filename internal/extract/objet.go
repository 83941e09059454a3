package extract

import (
	"math"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Labels of what is bought. "other" labels are headings that contain the
// word without announcing the object.
var objetLabels = labels(
	tagged("95", "objet", "objet de la prestation", "objet du marche", "objet de la commande", "objet de la consultation", "objet du devis",
		"objet de la mission", "objet de l'accord cadre", "intitule", "intitule de la prestation", "intitule du marche", "sujet",
		"designation de la prestation", "libelle accord cadre", "libelle de l'accord cadre", "libelle du marche", "subject", "object",
		"le present marche a pour objet", "le present accord cadre a pour objet", "la presente commande a pour objet", "a pour objet",
		"nature de la prestation", "objet de l'avoir", "objet de la facture", "concerne", "libelle de la prestation", "libelle de la commande",
		"objet de l'achat", "objet de l'engagement"),
	tagged("other", "objet de l'acte d'engagement", "objet du present document", "objet social"),
)

// extractObjet reads the object of the purchase: an explicit label first,
// then a title that says what the document is for ("Devis pour …").
func (r *run) extractObjet(rules typeRules) {
	for _, h := range r.v.findAll(objetLabels) {
		if h.tag == "other" {
			continue
		}
		sentence := strings.HasSuffix(h.phrase, "pour objet")
		if !sentence && !startsCell(h) {
			continue
		}
		val, s, e := valueRight(h)
		ln := h.line
		if val == "" {
			// A form: the object under its label ("Objet du marché" then
			// the object on the next row).
			if sentence || !labelEndsCell(h) {
				continue
			}
			bl, bt, bs, be := r.v.valueBelow(h, 1)
			if bl == nil || !objetBelow(bl, bt) {
				continue
			}
			ln, val, s, e = bl, bt, bs, be
		}
		if sentence {
			// The sentence runs to the end of the line.
			e = len(ln.text)
			val = strings.TrimSpace(ln.text[s:e])
		}
		val, more := r.continueText(ln, val, s)
		val = cleanObjet(val)
		if len(strings.Fields(val)) < 2 || startsLower(val) && !sentence {
			continue
		}
		r.set("objet", hit{value: val, conf: 0.85, line: ln, start: s, end: e, more: more})
		return
	}
	// A title that states the object: "Devis pour une prestation de …".
	if len(r.v.pages) == 0 {
		return
	}
	p := r.v.pages[0]
	for i := p.first; i < p.last && i < p.first+30; i++ {
		l := r.v.lines[i]
		if p.h > 0 && l.box.Y0 > 0.35*p.h {
			break
		}
		if !isTitle(l) {
			continue
		}
		toks := strings.Fields(l.fold)
		hasFor := false
		for _, t := range toks[1:min(len(toks), 6)] {
			if t == "pour" || t == "relatif" || t == "relative" || t == "concernant" {
				hasFor = true
			}
		}
		if hasFor && len(l.cells()) == 1 {
			val, more := r.continueText(l, l.text, 0)
			r.set("objet", hit{value: cleanObjet(val), conf: 0.7, line: l, start: 0, end: len(l.text), more: more})
			return
		}
		// "MÉMOIRE TECHNIQUE" then the subject on the next line.
		if (isBareTitle(l) || isTitle(l) && len(strings.Fields(l.fold)) <= 5 && !strings.ContainsAny(l.text, "0123456789:")) && subjectUnderTitle[r.docType] {
			if nx := r.v.below(l, 1); len(nx) == 1 {
				n := nx[0]
				t := strings.TrimSpace(n.text)
				if len(n.cells()) == 1 && !strings.Contains(t, ":") && len(strings.Fields(t)) >= 3 && !startsLower(t) &&
					!isTitle(n) && !isHeading(n) && !namesProcedure(n.fold) && len(roleLabels.find(n)) == 0 && len(dateLabels.find(n)) == 0 {
					r.set("objet", hit{value: cleanObjet(t), conf: 0.6, line: n, start: 0, end: len(n.text)})
					return
				}
			}
		}
	}
}

// subjectUnderTitle: document types whose title is followed by the subject
// of the consultation ("MÉMOIRE TECHNIQUE" / "Audit de l'organisation…").
var subjectUnderTitle = map[string]bool{"memoire_technique": true, "cctp": true, "ccap": true, "ccp": true, "reglement_consultation": true,
	"acte_engagement": true, "avenant": true}

// namesProcedure: a subtitle that names the kind of contract or the
// procedure ("Marchés publics de services", "Procédure adaptée"), not
// what is bought.
func namesProcedure(f string) bool {
	f = " " + f + " "
	for _, w := range []string{" marche public", " marches publics", " procedure ", " donnees du ", " accord cadre ", " pieces ", " code de la commande publique "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// objetBelow says whether a row under an object label holds the object: a
// phrase of a few words that is not itself a label or a heading.
func objetBelow(n *tline, val string) bool {
	t := strings.TrimSpace(val)
	if len(strings.Fields(t)) < 2 || startsLower(t) || strings.HasSuffix(t, ":") {
		return false
	}
	if isTitle(n) || isHeading(n) || len(roleLabels.find(n)) > 0 || len(dateLabels.find(n)) > 0 || len(refLabels.find(n)) > 0 ||
		len(amountLabels.find(n)) > 0 && len(fr.FindAmounts(n.text)) > 0 {
		return false
	}
	return true
}

// isBareTitle: the line is only a document title ("CCTP", "MÉMOIRE
// TECHNIQUE ET MÉTHODOLOGIQUE"), with no number or object after it.
func isBareTitle(l *tline) bool {
	if strings.ContainsAny(l.text, "0123456789:") || len(l.cells()) != 1 {
		return false
	}
	letters, upper := 0, 0
	for _, c := range l.text {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0xC0 {
			letters++
			if c >= 'A' && c <= 'Z' || c >= 0xC0 && c <= 0xDE {
				upper++
			}
		}
	}
	return letters > 0 && upper*10 >= letters*8
}

// continueText joins the lines a value wraps onto: the next lines start
// in lower case, in the value's column, close below.
func (r *run) continueText(l *tline, val string, start int) (string, []*tline) {
	var more []*tline
	x := l.xOf(start)
	prev := l
	for _, n := range r.v.below(l, 3) {
		t := strings.TrimSpace(n.text)
		if !startsLower(t) || strings.HasSuffix(strings.TrimSpace(val), ".") || n.box.Y0-prev.box.Y1 > prev.lineHeight() {
			break
		}
		// A wrapped line starts under the value or back at the margin
		// of the label's line.
		if n.box.X0 < x-2*prev.lineHeight() && math.Abs(n.box.X0-l.box.X0) > prev.lineHeight() || len(n.cells()) > 1 {
			break
		}
		val = strings.TrimSpace(val) + " " + t
		more = append(more, n)
		prev = n
	}
	return val, more
}

func cleanObjet(s string) string {
	s = strings.TrimSpace(strings.Join(strings.Fields(s), " "))
	s = strings.TrimRight(s, ".;: ")
	s = strings.TrimLeft(s, ":–- ")
	if len(s) > 300 {
		s = s[:300]
	}
	return strings.ToValidUTF8(s, "")
}
