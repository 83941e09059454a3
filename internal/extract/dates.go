package extract

import (
	"strconv"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Date labels, tagged by the field they announce, with a priority: the
// more specific the label, the surer the date. Labels of dates that are
// none of ours (delivery, registration, birth…) are listed as "other" so
// that the longest match keeps them from being read as the issue date.
var dateLabels = labels(
	tagged("issue:95", "date de facture", "date facture", "date de facturation", "date d'emission", "date emission", "emis le", "emise le",
		"date du devis", "date devis", "date d'edition", "edite le", "editee le", "date de l'offre", "invoice date", "date de la facture",
		"date de commande", "date de la commande", "date du bon de commande", "date de l'avoir", "date d'etablissement", "delivre le",
		"date de notification", "notifie le", "remis le", "remise le", "date de remise", "version du", "date de signature", "signe le",
		"order date", "issue date", "date du document", "facture le", "facturee le", "date de redaction", "redige le", "redigee le",
		"extrait a jour au", "extrait k bis a jour au", "date de l'extrait", "date de delivrance"),
	tagged("issue:85", "etabli le", "etablie le", "fait le", "fait a", "date", "a jour au"),
	tagged("due:95", "date d'echeance", "echeance", "date limite de paiement", "a regler avant le", "a payer avant le", "payable avant le",
		"payable le", "due date", "date d'exigibilite", "date de reglement", "a regler le",
		"payable au plus tard le", "a payer au plus tard le", "a regler au plus tard le", "reglement au plus tard le", "paiement au plus tard le",
		"date limite de reglement", "date d'echeance de paiement", "echeance de paiement", "payment due"),
	tagged("due:85", "au plus tard le"),
	tagged("valid:95", "valable jusqu'au", "valable jusqu au", "valide jusqu'au", "date de validite", "date limite de validite", "validite de l'offre jusqu'au",
		"fin de validite", "valid until", "offre valable jusqu'au", "devis valable jusqu'au", "date d'expiration", "validite de l'offre",
		"validite du devis", "offre valable jusqu au", "devis valable jusqu au"),
	tagged("valid:85", "validite", "valable jusqu'a", "valable jusqu a"),
	tagged("other", "date de livraison", "date d'immatriculation", "date de commencement", "date de naissance", "date de paiement",
		"date limite", "date de debut", "date de fin", "date de la prestation", "date d'execution", "date de livraison souhaitee",
		"date d'intervention", "date de creation", "date de mise a jour", "date d'impression", "date de reception", "date comptable",
		"date de depot", "date et cachet", "date et signature", "date de la demande", "date de l'operation", "delivery date",
		"date de debut d'execution", "date de fin d'execution", "date de visite", "date de remise des offres"),
)

type dateHit struct {
	hit
	tag  string
	prio float64
}

// extractDates reads the issue date, the due date and the end of
// validity. A validity printed as a duration ("valable 3 mois") is not
// turned into a date: only dates printed as dates are reported.
func (r *run) extractDates(rules typeRules) {
	monthFirst := r.monthFirstDates()
	best := map[string]dateHit{}
	for _, h := range r.v.findAll(dateLabels) {
		tag, prioStr, _ := strings.Cut(h.tag, ":")
		if tag == "other" {
			continue
		}
		prio, _ := strconv.ParseFloat(prioStr, 64)
		prio /= 100
		if h.phrase == "date" && !startsCell(h) {
			continue // "à la date de…" inside a sentence
		}
		if (h.phrase == "fait a") && !strings.Contains(h.line.fold, " le ") {
			continue
		}
		dh, ok := r.readDateAfter(h, monthFirst)
		if !ok {
			continue
		}
		dh.tag, dh.prio = tag, prio
		if cur, ok := best[tag]; !ok || dh.prio > cur.prio {
			best[tag] = dh
		}
	}
	// A letter's "Paris, le 12 mars 2024": a date after ", le" at the top
	// of the first page or at the signature.
	if _, ok := best["issue"]; !ok {
		for _, l := range r.v.lines {
			i := strings.Index(l.fold, " le ")
			if i <= 0 || !strings.HasSuffix(strings.TrimSpace(l.fold[:i]), "") {
				continue
			}
			if !strings.Contains(l.text[:l.textPos(i)], ",") {
				continue
			}
			ds := fr.FindDates(l.text[l.textPos(i):])
			if len(ds) == 0 || !ds[0].HasDay() || monthFirst && ambiguousNumeric(ds[0].Text) {
				continue
			}
			off := l.textPos(i)
			t, _ := ds[0].Time()
			best["issue"] = dateHit{hit: hit{value: t.Format("2006-01-02"), conf: 0.75, line: l, start: off + ds[0].Start, end: off + ds[0].End}, tag: "issue", prio: 0.75}
			break
		}
	}
	names := map[string]string{"issue": "date", "due": "date_echeance", "valid": "date_validite"}
	for tag, name := range names {
		if dh, ok := best[tag]; ok {
			if tag == "due" && !rules.dueDate || tag == "valid" && !rules.validity {
				continue
			}
			dh.conf = dh.prio
			r.set(name, dh.hit)
		}
	}
}

// readDateAfter reads the date printed right of a date label, or under it.
func (r *run) readDateAfter(h labelHit, monthFirst bool) (dateHit, bool) {
	try := func(l *tline, s, e int) (dateHit, bool) {
		if e > len(l.text) || s >= e {
			return dateHit{}, false
		}
		seg := l.text[s:e]
		ds := fr.FindDates(seg)
		if len(ds) == 0 || !ds[0].HasDay() {
			return dateHit{}, false
		}
		d := ds[0]
		// The date must come first in the value, not after other words
		// ("Date : voir conditions… 12/03").
		if pre := strings.TrimSpace(seg[:d.Start]); len(strings.Fields(pre)) > 4 {
			return dateHit{}, false
		}
		if monthFirst && ambiguousNumeric(d.Text) {
			return dateHit{}, false
		}
		t, ok := d.Time()
		if !ok {
			return dateHit{}, false
		}
		return dateHit{hit: hit{value: t.Format("2006-01-02"), line: l, start: s + d.Start, end: s + d.End}}, true
	}
	if val, s, e := valueRight(h); val != "" {
		if dh, ok := try(h.line, s, e); ok {
			return dh, true
		}
		// "Fait à Paris, le 12/03/2024": the date further in the cell.
		if h.phrase == "fait a" || h.phrase == "fait le" {
			if dh, ok := try(h.line, s, len(h.line.text)); ok || !labelEndsCell(h) {
				return dh, ok
			}
		}
		if !labelEndsCell(h) {
			return dateHit{}, false
		}
	}
	if bl, bt, bs, be := r.v.valueBelow(h, 2); bt != "" {
		return try(bl, bs, be)
	}
	return dateHit{}, false
}

// monthFirstDates reports whether the document writes numeric dates month
// first (an English-language invoice: "11/17/2017"). Then a date such as
// "11/03/2017" cannot be read with certainty and is left out.
func (r *run) monthFirstDates() bool {
	for _, l := range r.v.lines {
		t := l.text
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' || i > 0 && t[i-1] >= '0' && t[i-1] <= '9' {
				continue
			}
			a, b, ok := numericDateParts(t[i:])
			if ok && a >= 1 && a <= 12 && b > 12 && b <= 31 {
				return true
			}
		}
	}
	return false
}

// numericDateParts reads "a/b/yyyy" (or with dots or dashes).
func numericDateParts(s string) (int, int, bool) {
	j := 0
	read := func() (int, bool) {
		n, k := 0, 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' && k < 4 {
			n = n*10 + int(s[j]-'0')
			j++
			k++
		}
		return n, k > 0 && k <= 2
	}
	a, ok := read()
	if !ok || j >= len(s) || s[j] != '/' && s[j] != '.' && s[j] != '-' {
		return 0, 0, false
	}
	sep := s[j]
	j++
	b, ok := read()
	if !ok || j >= len(s) || s[j] != sep {
		return 0, 0, false
	}
	j++
	k := j
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j-k != 4 {
		return 0, 0, false
	}
	return a, b, true
}

func ambiguousNumeric(s string) bool {
	a, b, ok := numericDateParts(strings.TrimSpace(s))
	return ok && a <= 12 && b <= 12 && a != b
}
