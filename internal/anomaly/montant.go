package anomaly

import (
	"fmt"
	"math"

	"github.com/depenses-eclairees/depenses/internal/reconcile"
)

// montant flags an EJ whose engaged amount differs from its order
// document's total (acte d'engagement, bon de commande or devis) beyond
// the tolerance, naming an HT/TTC confusion when the engaged amount is the
// documents' other total; and an EJ whose invoices, net of credit notes,
// exceed the engaged amount. Invoices below it are partial payments, not
// an anomaly.
func (r *run) montant() []Anomaly {
	var out []Anomaly
	for i := range r.recs {
		rec := &r.recs[i]
		m := rec.Enriched.Montants
		if m == nil || m.Engage == nil {
			continue
		}
		on, ok := recDate(rec)
		if !ok {
			on = r.latest
		}
		rel, ok1 := r.num("montant_incoherent.tolerance_relative", on)
		abs, ok2 := r.num("montant_incoherent.tolerance_absolue", on)
		base, ok3 := r.num("montant_incoherent.score_base", on)
		conf, ok4 := r.num("montant_incoherent.score_confusion", on)
		relConf, ok5 := r.num("montant_incoherent.tolerance_confusion", on)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			continue
		}
		tol := func(v float64) float64 { return max(abs, rel*math.Abs(v)) }
		near := func(a float64, b *float64) bool { return b != nil && math.Abs(a-*b) <= tol(*b) }
		// A confusion copies the other total: it must match closely, or a
		// gap of about the VAT rate would pass for one.
		copied := func(a float64, b *float64) bool { return b != nil && math.Abs(a-*b) <= max(abs, relConf*math.Abs(*b)) }
		num := rec.EJ.NumEJ
		eng := m.Engage.Montant
		basis := m.Engage.Base
		engProof := chorusEvidence(num, "montant_engage", euros(eng)+" "+basisLabel(basis))
		rule := fmt.Sprintf("tolérance %.0f %% ou %s", rel*100, euros(abs))
		if c := m.Commande; c != nil {
			same, other, otherBasis := c.MontantHT, c.MontantTTC, "TTC"
			if basis == "TTC" {
				same, other, otherBasis = c.MontantTTC, c.MontantHT, "HT"
			}
			proofs := append([]Evidence{engProof}, amountProofs(num, c.Sources)...)
			switch {
			case basis == "" && (near(eng, c.MontantHT) || near(eng, c.MontantTTC)):
			case basis == "" && (c.MontantHT != nil || c.MontantTTC != nil):
				ref := c.MontantHT
				if ref == nil {
					ref = c.MontantTTC
				}
				out = append(out, Anomaly{Code: CodeMontant, NumEJ: num, Score: base + (1-base)*clamp01(math.Abs(eng-*ref)/math.Abs(*ref)),
					Explication: fmt.Sprintf("Le montant engagé (%s, base non précisée) ne correspond ni au total HT ni au total TTC de la pièce de commande (%s) : vérifier le montant de l'EJ.", euros(eng), documentTotals(c)),
					Preuves:     proofs, Regle: rule})
			case same == nil || near(eng, same):
			case copied(eng, other):
				out = append(out, Anomaly{Code: CodeMontant, NumEJ: num, Score: conf,
					Explication: fmt.Sprintf("Confusion HT/TTC : le montant engagé en %s (%s) est le total %s de la pièce de commande (%s HT, %s TTC) : corriger le montant de l'EJ.",
						basis, euros(eng), otherBasis, eurosOr(c.MontantHT), eurosOr(c.MontantTTC)),
					Preuves: proofs, Regle: rule + " ; confusion HT/TTC"})
			default:
				gap := (eng - *same) / math.Abs(*same)
				out = append(out, Anomaly{Code: CodeMontant, NumEJ: num, Score: base + (1-base)*clamp01(math.Abs(gap)),
					Explication: fmt.Sprintf("Le montant engagé (%s %s) diffère de %+.0f %% du total %s de la pièce de commande (%s) : vérifier le montant de l'EJ ou la pièce jointe.",
						euros(eng), basis, gap*100, basis, euros(*same)),
					Preuves: proofs, Regle: rule})
			}
		}
		if a, ok := overInvoiced(rec, basis, eng, tol, base, engProof); ok {
			a.Regle = rule
			out = append(out, a)
		}
	}
	return out
}

// overInvoiced compares the invoices net of credit notes, on the engaged
// amount's basis, with the engaged amount. Only documents that print a
// number count, once per number: an invoice must carry one (CGI art. 242
// nonies A), and a quote read as an invoice does not.
func overInvoiced(rec *Record, basis string, eng float64, tol func(float64) float64, base float64, engProof Evidence) (Anomaly, bool) {
	if basis == "" {
		return Anomaly{}, false
	}
	num := rec.EJ.NumEJ
	key := "montant_ht"
	if basis == "TTC" {
		key = "montant_ttc"
	}
	sums := map[string]float64{}
	counts := map[string]int{}
	complete := true
	var proofs []Evidence
	seen := map[string]bool{}
	eachDoc(rec.Enriched.Documents, func(d *docSummary) bool {
		if d.DocumentType != "facture" && d.DocumentType != "avoir" {
			return true
		}
		nf, ok := d.Fields["numero"]
		number := invoiceNumber(fieldText(nf))
		if !ok || number == "" || seen[d.DocumentType+"|"+number] {
			return true
		}
		seen[d.DocumentType+"|"+number] = true
		f, ok := d.Fields[key]
		v, okNum := fieldNumber(f)
		if !ok || !okNum {
			complete = false
			return false
		}
		sums[d.DocumentType] += math.Abs(v) // credit notes are printed negative or positive
		counts[d.DocumentType]++
		proofs = append(proofs, docEvidence(num, d, key, f))
		return true
	})
	if !complete || counts["facture"] == 0 {
		return Anomaly{}, false
	}
	net := sums["facture"] - sums["avoir"]
	if net <= eng+tol(eng) {
		return Anomaly{}, false
	}
	return Anomaly{Code: CodeMontant, NumEJ: num, Score: base + (1-base)*clamp01((net-eng)/math.Max(eng, 1)),
		Explication: fmt.Sprintf("Les factures (%d), nettes des avoirs (%d), totalisent %s %s, plus que le montant engagé (%s) : vérifier un dépassement ou une facture imputée sur le mauvais EJ.",
			counts["facture"], counts["avoir"], euros(net), basis, euros(eng)),
		Preuves: append([]Evidence{engProof}, proofs...)}, true
}

func amountProofs(num string, sources []reconcile.Source) []Evidence {
	var out []Evidence
	for _, s := range sources {
		out = append(out, sourceEvidence(num, s, s.Evidence))
	}
	return out
}

func basisLabel(b string) string {
	if b == "" {
		return "(base non précisée)"
	}
	return b
}

func eurosOr(v *float64) string {
	if v == nil {
		return "?"
	}
	return euros(*v)
}

func documentTotals(c *reconcile.DocumentAmounts) string {
	return eurosOr(c.MontantHT) + " HT, " + eurosOr(c.MontantTTC) + " TTC"
}
