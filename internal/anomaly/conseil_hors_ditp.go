package anomaly

import (
	"fmt"
	"strings"
)

// conseilHorsDITP flags a civilian ministry's consulting order in the DITP
// accord-cadre's scope (strategy, organisation, public policies), at or
// above the dispense threshold, that Chorus places on a marché of its own
// and under no accord-cadre: the DITP accord-cadre is mandatory for every
// ministry but the Armées (DOMAIN.md §2.2, §3.3). An order with no
// reference at all is hors_marche's; an order under an accord-cadre makes
// the rule abstain, since Chorus does not say whose accord-cadre it is.
// It is the consulting half of the hors_marche rule, kept under its
// own code because the agent's action differs: check a dérogation to the
// DITP accord-cadre, not the lack of any procedure.
func (r *run) conseilHorsDITP() []Anomaly {
	var out []Anomaly
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok || accordCadre(rec) || strings.TrimSpace(rec.EJ.NumContrat) == "" || r.centrale(rec, on) {
			continue
		}
		exempt, ok1 := r.text("conseil_hors_ditp.ministere_exempte", on)
		cats, ok2 := r.text("conseil_hors_ditp.categories", on)
		score, ok3 := r.num("conseil_hors_ditp.score", on)
		th, ok4 := r.threshold("hors_marche.seuil", on)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		ht, from, ok := amountHT(rec)
		if !ok || ht < th.Amount {
			continue
		}
		ministry, known, civil := r.civilMinistry(rec, []string{exempt.Text})
		if !known || !civil {
			continue
		}
		c := r.consulting(rec)
		if !c.isConsulting() || c.category == "" || !contains(cats.Fields(), c.category) {
			continue
		}
		num := rec.EJ.NumEJ
		proofs := append([]Evidence{
			chorusEvidence(num, strings.TrimPrefix(from, "chorus:"), euros(ht)+" HT"),
			chorusEvidence(num, "num_contrat", rec.EJ.NumContrat), chorusEvidence(num, "num_accord_cadre", "(vide)")}, c.contentProof...)
		out = append(out, Anomaly{
			Code: CodeConseilHorsDITP, NumEJ: num, Score: score,
			Explication: fmt.Sprintf("Commande de conseil (%s) de %s HT d'un ministère civil (%s) passée sur le marché %s et non sur l'accord-cadre de la DITP, obligatoire pour ces prestations sauf pour le %s : vérifier la dérogation ou le rattachement à l'accord-cadre.",
				c.category, euros(ht), ministry, rec.EJ.NumContrat, exempt.Text),
			Preuves: proofs,
			Regle:   thresholdRule(th, on) + " ; accord-cadre DITP obligatoire hors " + exempt.Text,
		})
	}
	return out
}
