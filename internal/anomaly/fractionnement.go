package anomaly

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/referential"
)

// fractionnement flags orders of one buyer for one homogeneous need whose
// sum, over a rolling twelve months or the budget year, reaches the
// dispense threshold while each order stays below it (R2121-4, R2121-6,
// R2121-7 CCP; DOMAIN.md §3.2). The need is homogeneous when the orders
// share a groupe de marchandises, or a segment with close objets. Orders
// under a marché or an accord-cadre (Chorus or documents) and orders
// through a centrale d'achat are left out. The same supplier, close dates,
// amounts just under the threshold and identical objets raise the score.
//
// Only orders that each stay below the lowest threshold of the list are
// summed: an order above it is a hors_marche finding on its own. The
// explanation names the highest threshold of the list the sum reaches.
func (r *run) fractionnement() []Anomaly {
	items := r.splitItems()
	groups := r.homogeneousGroups(items)
	var out []Anomaly
	for _, g := range groups {
		out = append(out, r.scanWindows(g)...)
	}
	return out
}

// splitItem is the part of one EJ bought by one buyer in one GM.
type splitItem struct {
	rec      *Record
	buyer    string
	gm, seg  string
	ht       float64 // of the postes of that buyer and GM
	total    float64 // of the whole EJ, which must stay below the threshold
	on       time.Time
	supplier string
	objet    string
	lots     []*Record // DECP: other lots of the same consultation
}

func (r *run) splitItems() []*splitItem {
	var out []*splitItem
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok || r.centrale(rec, on) {
			continue
		}
		if r.decp {
			if accordCadre(rec) || !r.openProcedure(rec, on) {
				continue
			}
		} else if ref, _ := contractRef(rec); ref != "" {
			continue
		}
		total, _, ok := amountHT(rec)
		if !ok {
			continue
		}
		if high, ok := r.highestThreshold(on); !ok || total >= high.Amount {
			continue
		}
		byKey := map[[2]string]*splitItem{}
		var keys [][2]string
		for _, p := range rec.EJ.Postes {
			gm, ok := referential.NormalizeGM(p.GroupeMarchandises)
			seg := gm[:min(5, len(gm))]
			if r.decp {
				// The need is the CPV group (three digits), loosened to the
				// division (two digits) with close objets.
				if len(p.CodeCPV) >= 3 && !r.worksCPV(p.CodeCPV, on) {
					gm, seg, ok = "CPV "+p.CodeCPV[:3], "CPV "+p.CodeCPV[:2], true
				} else {
					ok = false
				}
			}
			if !ok {
				continue
			}
			buyer := r.buyerKey(rec, p.CentreFinancier)
			if buyer == "" {
				continue
			}
			ht := posteHT(p.MontantEngageHT, p.MontantEngageTTC, p.TauxTVA)
			if ht == nil {
				continue
			}
			k := [2]string{buyer, gm}
			it := byKey[k]
			if it == nil {
				it = &splitItem{rec: rec, buyer: buyer, gm: gm, seg: seg, total: total, on: on,
					supplier: supplierSIREN(rec), objet: rec.Enriched.Designation.Value}
				if it.objet == "" {
					it.objet = rec.EJ.Designation
				}
				byKey[k] = it
				keys = append(keys, k)
			}
			it.ht += *ht
		}
		for _, k := range keys {
			out = append(out, byKey[k])
		}
	}
	if r.decp {
		out = mergeLots(out)
	}
	return out
}

// worksCPV reports whether a CPV is of works, which the supplies and
// services thresholds of the list do not govern.
func (r *run) worksCPV(cpv string, on time.Time) bool {
	p, ok := r.text("fractionnement.cpv_travaux", on)
	if !ok {
		return true // unknown: abstain
	}
	for _, prefix := range p.Fields() {
		if strings.HasPrefix(cpv, prefix) {
			return true
		}
	}
	return false
}

// openProcedure reports whether a DECP marché was passed without a
// formalised procedure (MAPA, or without publicity): only those could
// have avoided one.
func (r *run) openProcedure(rec *Record, on time.Time) bool {
	p, ok := r.text("fractionnement.procedures_decp", on)
	if !ok || rec.Marche == nil {
		return false
	}
	for _, proc := range strings.Split(p.Text, "|") {
		if strings.EqualFold(strings.TrimSpace(proc), strings.TrimSpace(rec.Marche.Procedure)) {
			return true
		}
	}
	return false
}

// mergeLots joins the DECP marchés of one buyer and holder notified the
// same day: the lots of one consultation, whose value was counted
// together, not a split.
func mergeLots(items []*splitItem) []*splitItem {
	var out []*splitItem
	byKey := map[string]*splitItem{}
	for _, it := range items {
		k := it.buyer + "|" + date(it.on)
		if first, ok := byKey[k]; ok {
			first.ht += it.ht
			first.total += it.total
			first.lots = append(first.lots, it.rec)
			continue
		}
		byKey[k] = it
		out = append(out, it)
	}
	return out
}

func posteHT(ht, ttc, rate *float64) *float64 {
	if ht != nil {
		return ht
	}
	if ttc != nil && rate != nil {
		v := *ttc / (1 + *rate/100)
		return &v
	}
	return nil
}

func (r *run) buyerKey(rec *Record, cf string) string {
	if r.decp {
		holder := labelOr(rec.EJ.Fournisseur.SIREN, rec.EJ.Fournisseur.SIRET)
		if rec.EJ.SIRETAcheteur == "" || holder == "" {
			return ""
		}
		return "SIRET " + rec.EJ.SIRETAcheteur + " × titulaire " + holder
	}
	switch r.opt.BuyerLevel {
	case BuyerCentreFinancier:
		return strings.TrimSpace(cf)
	case BuyerSIRETAcheteur:
		return strings.TrimSpace(rec.EJ.SIRETAcheteur)
	}
	oa, ga := strings.TrimSpace(rec.EJ.OrganisationAchat), strings.TrimSpace(rec.EJ.GroupeAcheteurs)
	if oa == "" && ga == "" {
		return ""
	}
	return oa + "/" + ga
}

// highestThreshold is the largest of the listed thresholds in force.
func (r *run) highestThreshold(on time.Time) (referential.Threshold, bool) {
	var best referential.Threshold
	found := false
	for _, th := range r.listedThresholds(on) {
		if !found || th.Amount > best.Amount {
			best, found = th, true
		}
	}
	return best, found
}

func (r *run) listedThresholds(on time.Time) []referential.Threshold {
	p, ok := r.text("fractionnement.seuils", on)
	if !ok {
		return nil
	}
	var out []referential.Threshold
	for _, code := range p.Fields() {
		if th, ok := r.ref.Threshold(code, on); ok && th.Basis == "HT" {
			out = append(out, th)
		}
	}
	return out
}

// homogeneousGroups links items of one buyer with the same GM, or the
// same segment and close objets, and returns the connected groups.
func (r *run) homogeneousGroups(items []*splitItem) [][]*splitItem {
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// Same buyer and GM: linked in one pass (a large buyer has thousands
	// of orders; comparing them pairwise would not scale).
	firstOfGM := map[[2]string]int{}
	// Same buyer and segment, other GM: compared by objet, one
	// representative per distinct (GM, objet), which bounds the pairs by the
	// number of distinct objets rather than of orders.
	reps := map[[2]string][]int{}
	seen := map[[4]string]bool{}
	for i, it := range items {
		k := [2]string{it.buyer, it.gm}
		if j, ok := firstOfGM[k]; ok {
			parent[find(i)] = find(j)
		} else {
			firstOfGM[k] = i
		}
		if it.seg == "" {
			continue
		}
		d := [4]string{it.buyer, it.seg, it.gm, normalizeObjet(it.objet)}
		if !seen[d] {
			seen[d] = true
			sk := [2]string{it.buyer, it.seg}
			reps[sk] = append(reps[sk], i)
		}
	}
	for _, idx := range reps {
		for a := 0; a < len(idx); a++ {
			for b := a + 1; b < len(idx); b++ {
				x, y := items[idx[a]], items[idx[b]]
				if x.gm == y.gm {
					continue // already linked
				}
				sim, ok := r.num("fractionnement.similarite_objets", y.on)
				if ok && jaccard(x.objet, y.objet) >= sim {
					parent[find(idx[a])] = find(idx[b])
				}
			}
		}
	}
	byRoot := map[int][]*splitItem{}
	var roots []int
	for i, it := range items {
		root := find(i)
		if _, ok := byRoot[root]; !ok {
			roots = append(roots, root)
		}
		byRoot[root] = append(byRoot[root], it)
	}
	var out [][]*splitItem
	for _, root := range roots {
		g := byRoot[root]
		if len(g) < 2 {
			continue
		}
		slices.SortStableFunc(g, func(a, b *splitItem) int {
			if c := a.on.Compare(b.on); c != 0 {
				return c
			}
			return cmp.Compare(a.rec.EJ.NumEJ, b.rec.EJ.NumEJ)
		})
		out = append(out, g)
	}
	return out
}

// scanWindows finds, for each listed threshold, the windows of orders
// that each stay below it and whose sum reaches it at the window's last
// order; overlapping windows merge into one cluster. A cluster found again
// at another threshold, or inside a larger cluster, is reported once.
func (r *run) scanWindows(g []*splitItem) []Anomaly {
	type cluster struct {
		items  []*splitItem
		amount float64 // the threshold it was found at
	}
	var clusters []cluster
	codes := map[string]bool{}
	var order []string
	for _, it := range g {
		for _, th := range r.listedThresholds(it.on) {
			if !codes[th.Code] {
				codes[th.Code] = true
				order = append(order, th.Code)
			}
		}
	}
	for _, code := range order {
		var cand []*splitItem
		for _, it := range g {
			if th, ok := r.ref.Threshold(code, it.on); ok && it.total < th.Amount {
				cand = append(cand, it)
			}
		}
		type span struct{ from, to int }
		var spans []span
		// A sliding window (the orders are sorted by date): its end only
		// moves forward, its sum and distinct EJ are kept as it slides, so
		// a buyer with thousands of orders costs a pass, not a square.
		j, sum := -1, 0.0
		inWindow := map[string]int{}
		for i := range cand {
			if j < i {
				j, sum = i, cand[i].ht
				inWindow[cand[i].rec.EJ.NumEJ]++
			}
			for j+1 < len(cand) && r.sameWindow(cand[i], cand[j+1]) {
				j++
				sum += cand[j].ht
				inWindow[cand[j].rec.EJ.NumEJ]++
			}
			leave := func() {
				sum -= cand[i].ht
				if n := inWindow[cand[i].rec.EJ.NumEJ] - 1; n == 0 {
					delete(inWindow, cand[i].rec.EJ.NumEJ)
				} else {
					inWindow[cand[i].rec.EJ.NumEJ] = n
				}
			}
			minEJ, ok := r.num("fractionnement.min_ej", cand[j].on)
			if !ok || float64(len(inWindow)) < minEJ {
				leave()
				continue
			}
			th, ok := r.ref.Threshold(code, cand[j].on)
			if !ok || sum < th.Amount-1e-6 { // the sliding sum's rounding, not a tolerance
				leave()
				continue
			}
			leave()
			if n := len(spans); n > 0 && spans[n-1].to >= i {
				spans[n-1].to = max(spans[n-1].to, j)
				continue
			}
			spans = append(spans, span{i, j})
		}
		for _, sp := range spans {
			th, _ := r.ref.Threshold(code, cand[sp.to].on)
			clusters = append(clusters, cluster{items: cand[sp.from : sp.to+1], amount: th.Amount})
		}
	}
	// Larger clusters first, then those found at a higher threshold.
	slices.SortStableFunc(clusters, func(a, b cluster) int {
		if c := cmp.Compare(len(b.items), len(a.items)); c != 0 {
			return c
		}
		return cmp.Compare(b.amount, a.amount)
	})
	var kept []cluster
	var out []Anomaly
	for _, c := range clusters {
		inside := false
		for _, k := range kept {
			inside = inside || subsetOf(c.items, k.items)
		}
		if inside {
			continue
		}
		kept = append(kept, c)
		if a, ok := r.fractionnementAnomaly(c.items); ok {
			out = append(out, a)
		}
	}
	return out
}

func subsetOf(a, b []*splitItem) bool {
	if len(a) > len(b) {
		return false
	}
	in := make(map[*splitItem]bool, len(b))
	for _, x := range b {
		in[x] = true
	}
	for _, x := range a {
		if !in[x] {
			return false
		}
	}
	return true
}

func (r *run) sameWindow(first, next *splitItem) bool {
	if r.opt.Window == WindowBudgetYear {
		return first.on.Year() == next.on.Year()
	}
	days, ok := r.num("fractionnement.fenetre_jours", next.on)
	return ok && next.on.Sub(first.on).Hours()/24 <= days
}

func sumHT(items []*splitItem) float64 {
	var s float64
	for _, it := range items {
		s += it.ht
	}
	return s
}

func (r *run) fractionnementAnomaly(c []*splitItem) (Anomaly, bool) {
	last := c[len(c)-1].on
	sum := sumHT(c)
	// low: the smallest listed threshold every order stays below (read at
	// each order's date); reached: the largest the sum reaches.
	var low, reached referential.Threshold
	for _, th := range r.listedThresholds(last) {
		under := true
		for _, it := range c {
			t, ok := r.ref.Threshold(th.Code, it.on)
			under = under && ok && it.total < t.Amount
		}
		if under && (low.Code == "" || th.Amount < low.Amount) {
			low = th
		}
		if sum >= th.Amount && (reached.Code == "" || th.Amount > reached.Amount) {
			reached = th
		}
	}
	if low.Code == "" || reached.Code == "" {
		return Anomaly{}, false
	}
	base, ok1 := r.num("fractionnement.score_base", last)
	bSup, ok2 := r.num("fractionnement.bonus_fournisseur", last)
	bBand, ok3 := r.num("fractionnement.bonus_bande", last)
	bDates, ok4 := r.num("fractionnement.bonus_dates", last)
	bObj, ok5 := r.num("fractionnement.bonus_objets", last)
	band, ok6 := r.num("fractionnement.bande_sous_seuil", last)
	gap, ok7 := r.num("fractionnement.ecart_dates_jours", last)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 {
		return Anomaly{}, false
	}
	score := base
	var reasons []string
	sameSupplier, inBand, sameObjet := c[0].supplier != "", true, c[0].objet != ""
	var gaps []float64
	for i, it := range c {
		sameSupplier = sameSupplier && it.supplier == c[0].supplier
		t, _ := r.ref.Threshold(low.Code, it.on)
		inBand = inBand && it.total >= t.Amount*(1-band)
		sameObjet = sameObjet && strings.Join(words(it.objet, objetStop), " ") == strings.Join(words(c[0].objet, objetStop), " ")
		if i > 0 {
			gaps = append(gaps, it.on.Sub(c[i-1].on).Hours()/24)
		}
	}
	if sameSupplier {
		score += bSup
		reasons = append(reasons, "même fournisseur (SIREN "+c[0].supplier+")")
	}
	if inBand {
		score += bBand
		reasons = append(reasons, fmt.Sprintf("montants tous dans les %.0f %% sous le seuil", band*100))
	}
	if len(gaps) > 0 {
		sort.Float64s(gaps)
		if med := gaps[len(gaps)/2]; med <= gap {
			score += bDates
			reasons = append(reasons, fmt.Sprintf("commandes espacées de %.0f jours en médiane", med))
		}
	}
	if sameObjet && len(c) > 1 {
		score += bObj
		reasons = append(reasons, "objets identiques")
	}
	var nums []string
	var proofs []Evidence
	gms := map[string]bool{}
	for _, it := range c {
		for _, rec := range append([]*Record{it.rec}, it.lots...) {
			if !contains(nums, rec.EJ.NumEJ) {
				nums = append(nums, rec.EJ.NumEJ)
			}
		}
		gms[it.gm] = true
		n := it.rec.EJ.NumEJ
		proofs = append(proofs,
			r.evidence(n, "montant_engage_ht", euros(it.ht)+" HT"),
			r.evidence(n, "date", date(it.on)),
			r.evidence(n, "groupe_marchandises", it.gm))
		if it.supplier != "" {
			proofs = append(proofs, r.evidence(n, "fournisseur.siren", it.supplier))
		}
	}
	need := "même groupe de marchandises " + c[0].gm
	if len(gms) > 1 {
		need = "même segment " + c[0].seg + " et objets proches"
	}
	if r.decp {
		need = "même groupe " + c[0].gm
		if len(gms) > 1 {
			need = "même division " + c[0].seg + " et objets proches"
		}
	}
	window := "sur douze mois glissants"
	if r.opt.Window == WindowBudgetYear {
		window = fmt.Sprintf("sur l'exercice %d", last.Year())
	}
	kind := "commandes"
	if r.decp {
		kind = "marchés"
	}
	expl := fmt.Sprintf("%d %s du même acheteur (%s), %s, totalisent %s HT %s (du %s au %s) alors que chacune reste sous le seuil de %s HT",
		len(nums), kind, c[0].buyer, need, euros(sum), window, date(c[0].on), date(last), euros(low.Amount))
	if reached.Code != low.Code {
		expl += fmt.Sprintf(" ; le total atteint aussi le seuil %s de %s HT", reached.Code, euros(reached.Amount))
	}
	if len(reasons) > 0 {
		expl += " ; " + strings.Join(reasons, ", ")
	}
	expl += " : vérifier s'il s'agit d'un même besoin qui aurait dû faire l'objet d'une procédure unique."
	rule := thresholdRule(low, last)
	if reached.Code != low.Code {
		rule += " ; " + thresholdRule(reached, last)
	}
	return Anomaly{Code: CodeFractionnement, NumEJ: nums[0], AutresEJ: nums[1:], Score: clamp01(score), Explication: expl, Preuves: proofs, Regle: rule}, true
}

// evidence is a value of the record itself: Chorus's, or the DECP file's.
func (r *run) evidence(num, champ, valeur string) Evidence {
	e := chorusEvidence(num, champ, valeur)
	if r.decp {
		e.Document = "decp"
	}
	return e
}

// normalizeObjet is the objet as the similarity sees it: its words.
func normalizeObjet(s string) string {
	return strings.Join(words(s, objetStop), " ")
}
