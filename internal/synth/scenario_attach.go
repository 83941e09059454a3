package synth

import (
	"fmt"
	"math"
	"strings"
	"time"
)

type weighted struct {
	typ string
	w   int
}

// candidates lists the document types an EJ of this kind usually carries,
// with their relative frequencies.
func candidates(e *ejPlan) []weighted {
	var c []weighted
	switch e.kind {
	case "ugap":
		c = []weighted{{"devis", 70}, {"bon_de_commande", 60}, {"facture", 60}}
	case "ac":
		c = []weighted{{"bon_de_commande", 90}, {"devis", 50}, {"facture", 60}, {"cctp", 12}, {"rib", 15}}
		if e.subj.consulting {
			c = append(c, weighted{"memoire_technique", 25})
		}
	case "marche":
		c = []weighted{{"acte_engagement", 80}, {"fiche_navette", 50}, {"cctp", 40}, {"facture", 50}, {"rib", 30}, {"kbis", 25}, {"bon_de_commande", 20}}
		if e.subj.consulting {
			c = append(c, weighted{"memoire_technique", 45})
		}
	default:
		c = []weighted{{"devis", 95}, {"bon_de_commande", 50}, {"facture", 60}, {"rib", 30}, {"kbis", 15}}
	}
	var out []weighted
	for _, w := range c {
		if w.typ == "facture" && e.invoiced.IsZero() {
			continue
		}
		out = append(out, w)
	}
	return out
}

// attach chooses each EJ's attachments, then the scanned copies, the
// corrupt files and the attachment of an EJ missing from the extract.
func (p *planner) attach() {
	if !p.opt.TextOnly {
		var free []*ejPlan
		for _, e := range p.ejs {
			if !e.planted {
				free = append(free, e)
			}
		}
		n := max(2, len(p.ejs)/100)
		for _, i := range p.r.Perm(len(free))[:min(n, len(free))] {
			free[i].noDocs = true
		}
	}
	for _, e := range p.ejs {
		e.months = pick(p.r, []int{6, 12, 18, 24, 36})
		if e.noDocs {
			continue
		}
		for _, typ := range p.docTypes(e) {
			p.addPiece(e, typ)
		}
	}
	// Copies point at a piece of another EJ, which may come later.
	for _, pp := range p.pieces {
		switch pp.spec.Type {
		case "facture_copie":
			pp.copyOf = findPiece(pp.ej.sameAs(), "facture")
		case "rib_copie":
			pp.copyOf = findPiece(pp.ej.ribOf, "rib")
		}
		if pp.copyOf != nil {
			pp.spec = pp.copyOf.spec
			pp.seed = pp.copyOf.seed
			pp.name = fmt.Sprintf("%s_%d_%s", pp.numEJ, pp.n, strings.SplitN(pp.copyOf.name, "_", 3)[2])
			pp.copyOf.evidence = pp.evidence
		}
	}
	if p.opt.TextOnly {
		return
	}
	var eligible []*piecePlan
	copied := map[*piecePlan]bool{}
	for _, pp := range p.pieces {
		if pp.copyOf != nil {
			copied[pp.copyOf] = true
		}
	}
	for _, pp := range p.pieces {
		if pp.evidence == "" && pp.copyOf == nil && !copied[pp] {
			eligible = append(eligible, pp)
		}
	}
	nScan := int(math.Round(p.opt.ScannedShare * float64(len(p.pieces))))
	for _, i := range p.r.Perm(len(eligible))[:min(nScan, len(eligible))] {
		eligible[i].scanned = true
	}
	// Two truncated files on ordinary EJ.
	var hosts []*ejPlan
	for _, e := range p.ejs {
		if !e.planted && !e.noDocs {
			hosts = append(hosts, e)
		}
	}
	for _, i := range p.r.Perm(len(hosts))[:min(2, len(hosts))] {
		pp := p.addPiece(hosts[i], pick(p.r, []string{"devis", "bon_de_commande"}))
		pp.corrupt = true
	}
	// Attachments of an EJ that the extract does not contain.
	if len(hosts) > 0 {
		src := *hosts[p.r.IntN(len(hosts))]
		src.num = p.newNum()
		src.pieces = nil
		src.invoiceBy()
		p.orphan = src.num
		p.addPiece(&src, "facture").ej = nil
		p.addPiece(&src, "devis").ej = nil
	}
}

func (e *ejPlan) sameAs() *ejPlan {
	if e.sameInvoiceAs != nil {
		return e.sameInvoiceAs
	}
	return e.sameFileAs
}

func findPiece(e *ejPlan, typ string) *piecePlan {
	if e == nil {
		return nil
	}
	for _, pp := range e.pieces {
		if pp.spec.Type == typ {
			return pp
		}
	}
	return nil
}

// docTypes draws the types of an EJ's attachments: the required ones, then
// weighted draws without replacement, DocsPerEJ on average.
func (p *planner) docTypes(e *ejPlan) []string {
	d := p.opt.DocsPerEJ
	n := int(d)
	if p.r.Float64() < d-float64(n) {
		n++
	}
	switch p.r.IntN(4) {
	case 0:
		n--
	case 3:
		n++
	}
	out := append([]string{}, e.need...)
	n = max(n, 1, len(out))
	cands := candidates(e)
	for len(out) < n {
		total := 0
		for _, c := range cands {
			if !containsStr(out, c.typ) && !(c.typ == "facture" && containsStr(out, "facture_copie")) && !(c.typ == "rib" && containsStr(out, "rib_copie")) {
				total += c.w
			}
		}
		if total == 0 {
			break
		}
		x := p.r.IntN(total)
		for _, c := range cands {
			if containsStr(out, c.typ) || (c.typ == "facture" && containsStr(out, "facture_copie")) || (c.typ == "rib" && containsStr(out, "rib_copie")) {
				continue
			}
			if x < c.w {
				out = append(out, c.typ)
				break
			}
			x -= c.w
		}
	}
	return out
}

// Budget axes of a poste, in the formats of DOMAIN.md §1.3.
func (ps posteSplit) centreFinancier() string {
	return ps.svc.d.programme + "-" + ps.svc.d.bop + "-" + ps.uo
}

func (s *svcState) centreCouts() string { return fmt.Sprintf("%s%04d", s.d.cc, 10+s.idx*7) }

func (s *svcState) domaineFonctionnel() string {
	return fmt.Sprintf("%s-%02d-%02d", s.d.programme, 1+s.idx%5, 1+s.idx%3)
}

func (s *svcState) activite() string {
	return fmt.Sprintf("%s%02d%s", s.d.programme, 1+s.idx%5, s.d.bop+"PI")
}

func (p *planner) docNumber(c company, kind string, t time.Time) string {
	style, ok := p.fmtOf[c.siren]
	if !ok {
		style = p.r.IntN(3)
		p.fmtOf[c.siren] = style
	}
	key := c.siren + kind
	n, ok := p.seq[key]
	if !ok {
		n = 1 + p.r.IntN(300)
	}
	p.seq[key] = n + 1 + p.r.IntN(6)
	y := t.Year()
	switch kind {
	case "devis":
		return []string{fmt.Sprintf("D-%d-%03d", y, n), fmt.Sprintf("DEV%d-%04d", y, n), fmt.Sprintf("%d-%02d-%03d", y, t.Month(), n)}[style]
	case "facture":
		return []string{fmt.Sprintf("F%d-%04d", y, n), fmt.Sprintf("FA-%d-%05d", y, n), fmt.Sprintf("%d%05d", y, n)}[style]
	}
	return []string{fmt.Sprintf("AV-%d-%04d", y, n), fmt.Sprintf("A%d-%03d", y, n), fmt.Sprintf("AVO-%02d-%04d", y%100, n)}[style]
}

func (p *planner) addPiece(e *ejPlan, typ string) *piecePlan {
	pp := &piecePlan{ej: e, numEJ: e.num, n: len(e.pieces) + 1, seed: p.nextSeed(), evidence: e.evidence[typ]}
	e.pieces = append(e.pieces, pp)
	p.pieces = append(p.pieces, pp)
	if typ == "facture_copie" || typ == "rib_copie" {
		pp.spec.Type = typ // resolved once every EJ has its pieces
		return pp
	}
	sup := Company{e.docSupplier}
	buy := Buyer{e.svc.b}
	ps := e.postes[0]
	sp := Spec{Type: typ, Layouts: p.opt.Layouts, Supplier: &sup, Buyer: &buy, Objet: e.subj.objet, Consulting: e.subj.consulting,
		CPV: e.subj.cpv, CPVLabel: e.subj.cpvLabel, Lines: e.lines, Months: e.months,
		Imputation: &Imputation{CentreFinancier: ps.centreFinancier(), CentreCouts: ps.svc.centreCouts(), DomaineFonctionnel: ps.svc.domaineFonctionnel(),
			Activite: ps.svc.activite(), Localisation: ps.svc.d.loc, GroupeMarchandises: ps.gm}}
	sp.ContractRef = e.contract
	if sp.ContractRef == "" {
		sp.ContractRef = e.ac
	}
	days := func(lo, hi int) int { return lo + p.r.IntN(hi-lo+1) }
	var numero string
	switch typ {
	case "devis":
		sp.Date = e.created.AddDate(0, 0, -days(3, 30))
		if e.devisNum == "" {
			e.devisNum = p.docNumber(e.docSupplier, "devis", sp.Date)
		}
		numero = e.devisNum
	case "bon_de_commande":
		sp.EJ, sp.Date = e.num, e.created
	case "facture":
		sp.EJ, sp.Date = e.num, e.invoiced
		switch {
		case e.sameInvoiceAs != nil:
			src := e.sameInvoiceAs
			if src.factureNum == "" {
				src.factureNum = p.docNumber(src.docSupplier, "facture", src.invoiced)
			}
			e.factureNum = src.factureNum
		case e.factureNum == "":
			e.factureNum = p.docNumber(e.docSupplier, "facture", sp.Date)
		}
		numero = e.factureNum
	case "avoir":
		sp.EJ, sp.Date = e.num, e.invoiced.AddDate(0, 0, days(10, 25))
		numero = p.docNumber(e.docSupplier, "avoir", sp.Date)
		cut := e.ht * int64(5+p.r.IntN(6)) / 100 / 100 * 100
		rate := max(e.rate, 200)
		sp.Lines = []Line{{Label: "Régularisation sur facture " + e.factureNumOr(p), Unit: "forfait", Qty: 1, PriceHT: cut, VATRate: rate}}
		sp.Consulting = false
	case "acte_engagement":
		sp.Date = e.notified
	case "fiche_navette":
		sp.Date = e.notified.AddDate(0, 0, days(1, 6))
	case "cctp":
		sp.Date = e.notified.AddDate(0, 0, -days(30, 90))
	case "memoire_technique":
		sp.Date = e.notified.AddDate(0, 0, -days(10, 40))
	case "rib":
		sp.Date = e.created.AddDate(0, 0, -days(0, 300))
	case "kbis":
		sp.Date = e.created.AddDate(0, 0, -days(5, 80))
	}
	for sp.Date.Weekday() == time.Saturday || sp.Date.Weekday() == time.Sunday {
		sp.Date = sp.Date.AddDate(0, 0, 1)
	}
	sp.Numero = numero
	switch e.invalidOn[typ] {
	case "siret":
		sp.InvalidSIRET = true
	case "iban":
		sp.InvalidIBAN = true
	}
	pp.spec = sp
	pp.name = fmt.Sprintf("%s_%d_%s", e.num, pp.n, p.fileName(typ, e, numero))
	return pp
}

func (e *ejPlan) factureNumOr(p *planner) string {
	if e.factureNum == "" {
		e.factureNum = p.docNumber(e.docSupplier, "facture", e.invoiced)
	}
	return e.factureNum
}

// fileName names an attachment the way buyers and suppliers do.
func (p *planner) fileName(typ string, e *ejPlan, numero string) string {
	short := strings.Fields(strings.TrimPrefix(e.docSupplier.name, e.docSupplier.form+" "))[0]
	safe := strings.NewReplacer("/", "-", "\\", "-", ":", "-").Replace(numero)
	var names []string
	switch typ {
	case "devis":
		names = []string{"DEVIS_" + strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(safe, "D-"), "DEV"), "-", "_"), "Devis " + safe, "devis signé", "Proposition financière", "devis"}
	case "facture":
		names = []string{"facture " + safe, "FACTURE_" + safe, "Facture", safe}
	case "avoir":
		names = []string{"avoir " + safe, "AVOIR"}
	case "bon_de_commande":
		names = []string{"BC_" + e.num, "bon de commande", "BDC signé", "Bon_de_commande_" + e.num}
	case "acte_engagement":
		names = []string{"AE signé", "ATTRI1", "acte d'engagement", "AE_" + e.contract}
	case "rib":
		names = []string{"RIB", "rib " + short, "RIB_" + strings.ToUpper(asciiFold(short))}
	case "kbis":
		names = []string{"Kbis", "KBIS " + short, fmt.Sprintf("extrait kbis %d", e.created.Year())}
	case "fiche_navette":
		names = []string{"fiche navette", "FN_PLACE_CHORUS", "Fiche_navette_" + strings.ReplaceAll(e.contract+e.ac, " ", "_")}
	case "cctp":
		names = []string{"cctp", "CCTP_v2", "CCTP " + e.contract + e.ac}
	case "memoire_technique":
		names = []string{"memoire technique", "MT_" + short, "Mémoire technique"}
	default:
		names = []string{typ}
	}
	n := pick(p.r, names)
	if strings.TrimSpace(n) == "" || strings.HasSuffix(n, "_") {
		n = typ
	}
	return n + ".pdf"
}
