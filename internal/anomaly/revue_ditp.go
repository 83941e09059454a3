package anomaly

import (
	"time"

	"fmt"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"strings"
)

// revueDITP flags a consulting order above the DITP review threshold
// (500 000 € TTC, circulaire 6329/SG): the DITP's purchasing unit must
// review it. Consulting is the GM tagged consulting, a consulting CPV or
// the documents' consulting figures. The TTC amount is Chorus's engaged
// TTC, else the order document's TTC, else the HT amount with the VAT
// rate of Chorus or the documents, else the default rate of the
// parameters (consulting bears the normal rate).
func (r *run) revueDITP() []Anomaly {
	var out []Anomaly
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok {
			continue
		}
		th, ok := r.threshold("conseil_revue_ditp.seuil", on)
		score, ok2 := r.num("conseil_revue_ditp.score", on)
		if !ok || !ok2 || th.Basis != "TTC" {
			continue
		}
		c := r.consulting(rec)
		if !c.isConsulting() {
			continue
		}
		ttc, how, proof, ok := r.amountTTC(rec, on)
		if !ok || ttc <= th.Amount {
			continue
		}
		num := rec.EJ.NumEJ
		proofs := []Evidence{proof}
		for _, p := range rec.EJ.Postes {
			if p.GroupeMarchandises != "" {
				proofs = append(proofs, chorusEvidence(num, "groupe_marchandises", strings.TrimSpace(p.GroupeMarchandises+" "+p.GMLibelle)))
				break
			}
		}
		proofs = append(proofs, c.contentProof...)
		out = append(out, Anomaly{Code: CodeRevueDITP, NumEJ: num, Score: score,
			Explication: fmt.Sprintf("Commande de conseil de %s TTC (%s), au-dessus de %s TTC : elle doit avoir été revue par la cellule achats de la DITP (circulaire n° 6329/SG) ; joindre ou demander l'avis de revue.",
				euros(ttc), how, euros(th.Amount)),
			Preuves: proofs, Regle: thresholdRule(th, on)})
	}
	return out
}

func (r *run) amountTTC(rec *Record, on time.Time) (float64, string, Evidence, bool) {
	num := rec.EJ.NumEJ
	if v, ok := rec.EJ.Total(func(p *chorus.Poste) *float64 { return p.MontantEngageTTC }); ok {
		return v, "montant engagé TTC", chorusEvidence(num, "montant_engage_ttc", euros(v)), true
	}
	if m := rec.Enriched.Montants; m != nil && m.Commande != nil && m.Commande.MontantTTC != nil {
		v := *m.Commande.MontantTTC
		ev := Evidence{NumEJ: num, Champ: "montant_ttc", Valeur: euros(v)}
		for _, s := range m.Commande.Sources {
			if s.Field == "montant_ttc" {
				ev = sourceEvidence(num, s, euros(v))
			}
		}
		return v, "total TTC de la pièce de commande", ev, true
	}
	ht, _, ok := amountHT(rec)
	if !ok {
		return 0, "", Evidence{}, false
	}
	rate, ok := singleRate(rec)
	how := "montant HT et taux de TVA de Chorus"
	if !ok {
		if rate, ok = r.num("conseil_revue_ditp.taux_tva_defaut", on); !ok {
			return 0, "", Evidence{}, false
		}
		how = fmt.Sprintf("montant HT et taux normal de %s %%", trimFloat(rate))
	}
	v := ht * (1 + rate/100)
	return v, how, chorusEvidence(num, "montant_engage_ht", euros(ht)+" HT"), true
}
