package anomaly

import (
	"fmt"
	"math"
	"slices"
)

// tjmPoint is one EJ's daily rate and what groups it with its peers.
type tjmPoint struct {
	rec      *Record
	tjm      float64
	log      float64
	category string
	year     int
	proof    Evidence
	how      string
}

// tjm flags a daily rate far above its peers' (DOMAIN.md §3.3, after
// decp-processing, which only looks upwards): the robust score
// (log10 x − median) / MAD over the
// other EJ of the same consulting category and year; above the suspect
// cut-off it is reported, above the aberrant one with high severity. A
// group with too few peers widens to the category over all years, then to
// the year, then to every rate; with still too few the rule abstains. The
// MAD has a floor, so that identical peers do not make any difference
// infinite.
func (r *run) tjm() []Anomaly {
	var points []tjmPoint
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok {
			continue
		}
		p, ok := r.tjmOf(rec)
		if !ok {
			continue
		}
		p.year = on.Year()
		points = append(points, p)
	}
	var out []Anomaly
	for i, p := range points {
		on, _ := recDate(p.rec)
		zs, ok1 := r.num("tjm_atypique.z_suspect", on)
		za, ok2 := r.num("tjm_atypique.z_aberrant", on)
		minPeers, ok3 := r.num("tjm_atypique.pairs_min", on)
		madMin, ok4 := r.num("tjm_atypique.mad_min", on)
		ratioMin, ok5 := r.num("tjm_atypique.ratio_mediane_min", on)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || za <= zs {
			continue
		}
		levels := []struct {
			label string
			keep  func(q tjmPoint) bool
		}{
			{fmt.Sprintf("catégorie %s, %d", labelOr(p.category, "inconnue"), p.year), func(q tjmPoint) bool { return q.category == p.category && q.year == p.year }},
			{fmt.Sprintf("catégorie %s, toutes années", labelOr(p.category, "inconnue")), func(q tjmPoint) bool { return q.category == p.category }},
			{fmt.Sprintf("toutes catégories, %d", p.year), func(q tjmPoint) bool { return q.year == p.year }},
			{"toutes catégories, toutes années", func(tjmPoint) bool { return true }},
		}
		for _, lv := range levels {
			var peers []float64
			for j, q := range points {
				if j != i && lv.keep(q) {
					peers = append(peers, q.log)
				}
			}
			if float64(len(peers)) < minPeers {
				continue
			}
			med := median(peers)
			dev := make([]float64, len(peers))
			for k, v := range peers {
				dev[k] = math.Abs(v - med)
			}
			mad := max(median(dev), madMin)
			z := (p.log - med) / mad
			// A senior partner legitimately bills twice a consultant's rate
			// and a tight peer group turns that into a high score: the rate
			// must also be far from the median in plain terms.
			if z > zs && math.Pow(10, p.log-med) >= ratioMin {
				sev := SeveriteMoyenne
				if z > za {
					sev = SeveriteHaute
				}
				out = append(out, Anomaly{Code: CodeTJMAtypique, NumEJ: p.rec.EJ.NumEJ, Severite: sev,
					Score: clamp01(0.5 + 0.25*(z-zs)/(za-zs)),
					Explication: fmt.Sprintf("TJM de %s HT (%s) très au-dessus de celui des autres commandes de conseil (%s : médiane %s HT sur %d EJ, score robuste %.1f) : vérifier le prix, le nombre de jours ou l'unité facturée.",
						euros(p.tjm), p.how, lv.label, euros(math.Pow(10, med)), len(peers), z),
					Preuves: []Evidence{p.proof},
					Regle: fmt.Sprintf("(log10 TJM − médiane) / MAD > %s (suspect), > %s (aberrant), TJM ≥ %s × la médiane, au moins %s pairs",
						trimFloat(zs), trimFloat(za), trimFloat(ratioMin), trimFloat(minPeers))})
			}
			break
		}
	}
	return out
}

// tjmOf reads the EJ's daily rate: the documents' TJM, else the order's
// HT total over the documents' days.
func (r *run) tjmOf(rec *Record) (tjmPoint, bool) {
	c := rec.Enriched.Conseil
	if c == nil {
		return tjmPoint{}, false
	}
	num := rec.EJ.NumEJ
	view := r.consulting(rec)
	if !view.isConsulting() {
		return tjmPoint{}, false // days of room hire or training are not consulting
	}
	p := tjmPoint{rec: rec, category: view.category}
	switch {
	case c.TJM != nil && c.TJM.Value > 0:
		p.tjm, p.how = c.TJM.Value, "TJM imprimé"
		if len(c.TJM.Sources) > 0 {
			p.proof = sourceEvidence(num, c.TJM.Sources[0], euros(c.TJM.Value))
		}
	case c.NbJours != nil && c.NbJours.Value > 0 && rec.Enriched.Montants != nil && rec.Enriched.Montants.Commande != nil && rec.Enriched.Montants.Commande.MontantHT != nil:
		ht := *rec.Enriched.Montants.Commande.MontantHT
		p.tjm, p.how = ht/c.NbJours.Value, fmt.Sprintf("%s HT pour %s jours", euros(ht), trimFloat(c.NbJours.Value))
		if len(c.NbJours.Sources) > 0 {
			p.proof = sourceEvidence(num, c.NbJours.Sources[0], trimFloat(c.NbJours.Value)+" jours")
		}
	default:
		return tjmPoint{}, false
	}
	if p.tjm <= 0 || math.IsInf(p.tjm, 0) || math.IsNaN(p.tjm) {
		return tjmPoint{}, false
	}
	p.log = math.Log10(p.tjm)
	return p, true
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
