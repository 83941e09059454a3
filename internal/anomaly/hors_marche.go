package anomaly

import (
	"fmt"
	"strings"
)

// horsMarche flags an EJ at or above the dispense threshold in force on its
// date with no marché or accord-cadre reference, neither in Chorus nor in
// its documents (DOMAIN.md §3.3). Orders through a centrale d'achat (UGAP)
// are exempt. A consulting order placed on a marché of its own rather than
// on the DITP accord-cadre is conseil_hors_ditp's finding.
func (r *run) horsMarche() []Anomaly {
	var out []Anomaly
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok || r.centrale(rec, on) {
			continue
		}
		ht, from, ok := amountHT(rec)
		if !ok {
			continue
		}
		th, ok := r.threshold("hors_marche.seuil", on)
		if !ok || ht < th.Amount {
			continue
		}
		base, ok1 := r.num("hors_marche.score_base", on)
		full, ok2 := r.num("hors_marche.score_max_depassement", on)
		if !ok1 || !ok2 || full <= 0 {
			continue
		}
		num := rec.EJ.NumEJ
		score := base + (1-base)*clamp01((ht/th.Amount-1)/full)
		amountProof := chorusEvidence(num, strings.TrimPrefix(from, "chorus:"), euros(ht)+" HT")
		if from == "pieces:montant_ht" {
			amountProof = sourceEvidence(num, rec.Enriched.Montants.Commande.Sources[0], euros(ht)+" HT")
		}
		ref, _ := contractRef(rec)
		if ref == "" {
			out = append(out, Anomaly{
				Code: CodeHorsMarche, NumEJ: num, Score: score,
				Explication: fmt.Sprintf("EJ de %s HT du %s, au-dessus du seuil de dispense de %s HT en vigueur à cette date, sans n° de marché ni d'accord-cadre dans Chorus ni sur ses %d pièce(s) : vérifier la procédure de mise en concurrence suivie, ou rattacher l'EJ à son marché.",
					euros(ht), date(on), euros(th.Amount), countDocs(rec)),
				Preuves: []Evidence{amountProof, chorusEvidence(num, "num_contrat", "(vide)"), chorusEvidence(num, "num_accord_cadre", "(vide)")},
				Regle:   thresholdRule(th, on),
			})
		}
	}
	return out
}

func countDocs(rec *Record) int {
	n := 0
	eachDoc(rec.Enriched.Documents, func(*docSummary) bool { n++; return true })
	return n
}
