package synth

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// labels are the synonym lists label wordings are drawn from.
var labels = map[string][]string{
	"numero_devis":   {"N° devis", "Devis n°", "Référence", "Réf. devis", "N° de devis", "Numéro de devis", "Proposition n°", "N° Dossier"},
	"numero_facture": {"N° facture", "Facture n°", "Numéro de facture", "Réf. facture", "N° de facture", "Référence", "Numéro"},
	"numero_avoir":   {"N° avoir", "Avoir n°", "Numéro d'avoir", "Note de crédit n°", "Référence avoir", "N° d'avoir"},
	"date_devis":     {"Date", "Date du devis", "Émis le", "Date d'émission", "Fait le", "Date d'édition"},
	"date_facture":   {"Date", "Date de facture", "Date de facturation", "Émise le", "Date d'émission", "Facturé le"},
	"date_bdc":       {"Date", "Date de commande", "Date d'émission", "Commandé le", "Date d'édition"},
	"validite":       {"Validité", "Valable jusqu'au", "Date de validité", "Offre valable jusqu'au", "Date limite de validité"},
	"echeance":       {"Échéance", "Date d'échéance", "À régler avant le", "Date limite de paiement", "Payable au plus tard le"},
	"objet":          {"Objet", "Intitulé", "Objet de la prestation", "Sujet", "Concerne", "Nature de la prestation"},
	"client":         {"Client", "Destinataire", "Adressé à", "À l'attention de", "Facturé à", "Commanditaire"},
	"fournisseur":    {"Fournisseur", "Titulaire", "Prestataire", "Attributaire", "Entreprise"},
	"ej":             {"N° d'engagement juridique", "N° EJ", "Bon de commande n°", "N° de bon de commande", "Engagement juridique", "Numéro d'engagement", "Réf. commande"},
	"code_service":   {"Code service", "Service exécutant", "Code service exécutant", "Code service Chorus Pro"},
	"marche":         {"Marché n°", "Réf. marché", "Accord-cadre n°", "N° de marché", "Référence du marché", "Contrat n°"},
	"total_ht":       {"Total HT", "Montant HT", "Total hors taxes", "HT", "Sous-total HT", "Montant total HT"},
	"tva":            {"TVA", "Montant TVA", "Total TVA", "TVA collectée", "Taxe"},
	"total_ttc":      {"Total TTC", "Montant TTC", "Total toutes taxes comprises", "TTC", "Montant total TTC"},
	"net":            {"Net à payer", "Reste à payer", "Montant à régler", "Net à régler"},
	"col_desig":      {"Désignation", "Description", "Libellé", "Prestation", "Article", "Détail"},
	"col_qty":        {"Qté", "Quantité", "Qté.", "Nb", "Quantités"},
	"col_unit":       {"Unité", "U.", "Unité de mesure", "Un."},
	"col_pu":         {"PU HT", "Prix unitaire HT", "P.U. HT", "Prix unit. HT", "Tarif HT"},
	"col_amount":     {"Montant HT", "Total HT", "Total ligne HT", "Montant", "Prix total HT"},
	"col_vat":        {"TVA", "Taux TVA", "Tx TVA", "TVA %"},
	"col_ref":        {"Réf.", "Code", "Référence", "Code article"},
	"col_profile":    {"Profil", "Intervenant", "Catégorie", "Fonction"},
	"col_days":       {"Nb jours", "Jours", "Nombre de jours", "Jours-homme", "J/H"},
	"col_tjm":        {"TJM HT", "Tarif journalier HT", "Prix de journée HT", "Taux journalier", "TJM"},
	"siret":          {"SIRET", "N° SIRET", "Siret", "SIRET :"},
	"tva_intra":      {"N° TVA intracom.", "TVA intracommunautaire", "N° TVA", "TVA"},
}

// gen is the state of one document being generated.
type gen struct {
	r     *rand.Rand
	f     *family
	w     world
	gold  map[string]any
	df    dateFmt
	af    amountFmt
	idSty int
	year  int
	now   time.Time
	spec  *Spec // nil: every value drawn
}

func (g *gen) lab(key string) string {
	l := labels[key]
	return l[(g.f.dialect+g.r.IntN(3))%len(l)]
}

func (g *gen) date(t time.Time) string { return fmtDate(t, g.df) }

func (g *gen) money(c int64) string { return money(c, g.af) }

func (g *gen) set(field string, v any) { g.gold[field] = v }

// line is one priced row.
type line struct {
	ref, label, unit string
	qty              int   // halves (consulting days) or units
	halves           bool  // qty counts halves
	pu               int64 // cents
	rate             int   // tenths of a percent, 0 for none
	amount           int64
}

// sums computes HT, VAT per rate and TTC in cents, rounding VAT per rate.
type sums struct {
	ht, tva, ttc int64
	byRate       map[int][2]int64 // rate -> base, vat
	rates        []int
}

func computeSums(lines []line) sums {
	s := sums{byRate: map[int][2]int64{}}
	for _, l := range lines {
		s.ht += l.amount
		v := s.byRate[l.rate]
		v[0] += l.amount
		s.byRate[l.rate] = v
	}
	for rate, v := range s.byRate {
		v[1] = roundDiv(v[0]*int64(rate), 1000)
		s.byRate[rate] = v
		s.tva += v[1]
		s.rates = append(s.rates, rate)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(s.rates)))
	s.ttc = s.ht + s.tva
	return s
}

func roundDiv(a, b int64) int64 {
	if a < 0 {
		return -roundDiv(-a, b)
	}
	return (a + b/2) / b
}

// supplierParty prints a company as the issuer or as a named party.
func (g *gen) supplierParty(c company, heading string, withContact bool) party {
	p := party{heading: heading, logo: c.initials}
	p.lines = append([]string{c.name}, c.addr.lines()...)
	if withContact {
		switch g.r.IntN(3) {
		case 0:
			p.lines = append(p.lines, "Tél. : "+c.phone, c.email)
		case 1:
			p.lines = append(p.lines, "Tél : "+c.phone+" – "+c.web)
		}
	}
	lbl, sep := g.lab("siret"), pick(g.r, []string{" : ", " "})
	if strings.HasSuffix(lbl, ":") {
		sep = " "
	}
	p.ids = append(p.ids, lbl+sep+fmtSIRET(c.siret, g.idSty))
	if !c.micro {
		p.ids = append(p.ids, g.lab("tva_intra")+" : "+fmtVAT(c.vat, g.idSty+1))
	}
	g.set("fournisseur.nom", c.name)
	g.set("fournisseur.siret", c.siret)
	g.set("fournisseur.adresse", c.addr.gold())
	if !c.micro {
		g.set("fournisseur.tva", c.vat)
	}
	return p
}

// companyLegal returns the legal mentions of a company (footer lines).
func (g *gen) companyLegal(c company) []string {
	if c.micro {
		g.set("fournisseur.siret", c.siret)
		return []string{
			fmt.Sprintf("%s – Entrepreneur individuel – SIRET %s – Dispensé d'immatriculation au RCS", c.name, fmtSIRET(c.siret, g.idSty)),
			"TVA non applicable, art. 293 B du CGI",
		}
	}
	cap := money(c.capital*100, amountFmt{" ", " €"})
	cap = strings.TrimSuffix(strings.TrimSuffix(cap, ",00 €"), " €") + " €"
	rcs := fmt.Sprintf("RCS %s %s", c.greffe, fmtSIREN(c.siren, g.idSty != 0))
	if g.r.IntN(2) == 0 {
		rcs = fmt.Sprintf("R.C.S. %s B %s", c.greffe, fmtSIREN(c.siren, true))
	}
	g.set("fournisseur.siren", c.siren)
	return []string{
		fmt.Sprintf("%s au capital de %s – %s – Code NAF %s", c.name, cap, rcs, strings.ReplaceAll(c.naf.code, ".", pick(g.r, []string{".", ""}))),
		fmt.Sprintf("SIRET %s – TVA intracommunautaire %s – %s", fmtSIRET(c.siret, g.idSty), fmtVAT(c.vat, g.idSty), c.email),
	}
}

// buyerParty prints a public buyer; State buyers show their hierarchy.
func (g *gen) buyerParty(b buyer, heading string) party {
	p := party{heading: heading, state: b.state}
	p.lines = []string{b.name}
	if b.state {
		p.lines = append(p.lines, b.direction, b.service)
		g.set("administration_beneficiaire", b.hierarchy())
	}
	p.lines = append(p.lines, b.addr.lines()...)
	g.set("acheteur.nom", b.name)
	g.set("acheteur.adresse", b.addr.gold())
	if g.r.IntN(2) == 0 {
		p.ids = append(p.ids, "SIRET : "+fmtSIRET(b.siret, g.idSty+1))
		g.set("acheteur.siret", b.siret)
	}
	return p
}

// goodsLines draws priced lines for a subject; long lists spill over pages.
func (g *gen) goodsLines(s subject, micro bool, many bool) []line {
	n := 1 + g.r.IntN(len(s.items))
	if many {
		n = 22 + g.r.IntN(20)
	}
	var out []line
	for i := range n {
		k := s.items[i%len(s.items)]
		label := k.label
		if i >= len(s.items) {
			label += pick(g.r, []string{" – site annexe", " – bâtiment B", " (complément)", " – 2e commande", " – lot " + fmt.Sprint(i/len(s.items)+1)})
		}
		qty := 1 + g.r.IntN(k.maxQty)
		if k.unit == "forfait" {
			qty = 1
		}
		pu := int64(k.minPrice*100 + g.r.IntN((k.maxPrice-k.minPrice)*100+100))
		pu = max(pu, 5)
		if g.r.IntN(3) > 0 {
			pu = pu / 100 * 100 // most prices are round euros
			pu = max(pu, 100)
		}
		rate := s.rate
		if k.rate != 0 {
			rate = k.rate
		}
		if micro {
			rate = 0
		}
		out = append(out, line{ref: fmt.Sprintf("%s-%03d", strings.ToUpper(asciiFold(s.objet)[:3]), 10+i*7%990), label: label, unit: k.unit, qty: qty, pu: pu, rate: rate, amount: int64(qty) * pu})
	}
	return out
}

// consultingLines draws profiles × days × TJM.
func (g *gen) consultingLines(micro bool) []line {
	n := 1 + g.r.IntN(4)
	if micro {
		n = 1
	}
	idx := g.r.Perm(len(profiles))[:n]
	var out []line
	for _, i := range idx {
		p := profiles[i]
		halves := 2 * (1 + g.r.IntN(30))
		if g.r.IntN(4) == 0 {
			halves++
		}
		tjm := int64(p.min+g.r.IntN(p.max-p.min+1)) / 10 * 10 * 100
		rate := 200
		if micro {
			rate = 0
		}
		label := p.name
		if micro {
			label = "Consultant indépendant"
		}
		out = append(out, line{label: label, unit: "jour", qty: halves, halves: true, pu: tjm, rate: rate, amount: tjm * int64(halves) / 2})
	}
	return out
}

// lineTable lays out priced lines in the family's column order.
func (g *gen) lineTable(lines []line, consulting, showRate bool, sign int64) tableBlock {
	if consulting {
		cols := []column{{g.lab("col_profile"), 3, false}, {g.lab("col_days"), 1.1, true}, {g.lab("col_tjm"), 1.5, true}, {g.lab("col_amount"), 1.6, true}}
		if g.f.colOrder%2 == 1 {
			cols = []column{{g.lab("col_profile"), 3, false}, {g.lab("col_tjm"), 1.5, true}, {g.lab("col_days"), 1.1, true}, {g.lab("col_amount"), 1.6, true}}
		}
		t := tableBlock{cols: cols}
		for _, l := range lines {
			row := []string{l.label, fmtQty(l.qty), g.money(l.pu), g.money(sign * l.amount)}
			if g.f.colOrder%2 == 1 {
				row[1], row[2] = row[2], row[1]
			}
			t.rows = append(t.rows, row)
		}
		return t
	}
	type cell struct {
		col  column
		vals func(l line) string
	}
	desig := cell{column{g.lab("col_desig"), 4, false}, func(l line) string { return l.label }}
	qty := cell{column{g.lab("col_qty"), 0.8, true}, func(l line) string { return fmt.Sprint(l.qty) }}
	unit := cell{column{g.lab("col_unit"), 0.9, false}, func(l line) string { return l.unit }}
	pu := cell{column{g.lab("col_pu"), 1.4, true}, func(l line) string { return g.money(l.pu) }}
	amount := cell{column{g.lab("col_amount"), 1.5, true}, func(l line) string { return g.money(sign * l.amount) }}
	vat := cell{column{g.lab("col_vat"), 0.8, true}, func(l line) string { return fmtRate(l.rate, true) }}
	ref := cell{column{g.lab("col_ref"), 1, false}, func(l line) string { return l.ref }}
	var cells []cell
	switch g.f.colOrder % 5 {
	case 0:
		cells = []cell{desig, qty, unit, pu, vat, amount}
	case 1:
		cells = []cell{ref, desig, qty, pu, vat, amount}
	case 2:
		cells = []cell{desig, pu, qty, vat, amount}
	case 3:
		cells = []cell{qty, desig, pu, vat, amount}
	default:
		cells = []cell{desig, unit, qty, pu, vat, amount}
	}
	if !showRate {
		var kept []cell
		for _, c := range cells {
			if c.col.title != vat.col.title || c.col.weight != vat.col.weight {
				kept = append(kept, c)
			}
		}
		cells = kept
	}
	t := tableBlock{}
	for _, c := range cells {
		t.cols = append(t.cols, c.col)
	}
	for _, l := range lines {
		var row []string
		for _, c := range cells {
			row = append(row, c.vals(l))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// totalsRows prints HT, VAT per rate and TTC, and records them in the gold
// with the sign printed: a credit note printed with minus signs has negative
// gold amounts, one that says "à déduire" has positive ones.
func (g *gen) totalsRows(s sums, micro bool, sign int64) totalsBlock {
	t := totalsBlock{strong: -1}
	t.rows = append(t.rows, kv{g.lab("total_ht"), g.money(sign * s.ht)})
	g.set("montant_ht", centsValue(sign*s.ht))
	if micro {
		if g.r.IntN(2) == 0 {
			t.rows = append(t.rows, kv{g.lab("total_ttc"), g.money(sign * s.ttc)})
			g.set("montant_ttc", centsValue(sign*s.ttc))
		} else {
			t.rows = append(t.rows, kv{g.lab("net"), g.money(sign * s.ttc)})
			g.set("net_a_payer", centsValue(sign*s.ttc))
		}
		t.strong = len(t.rows) - 1
		return t
	}
	tvaLabel := g.lab("tva")
	for _, rate := range s.rates {
		t.rows = append(t.rows, kv{tvaLabel + " " + fmtRate(rate, g.r.IntN(2) == 0), g.money(sign * s.byRate[rate][1])})
	}
	if len(s.rates) > 1 {
		t.rows = append(t.rows, kv{"Total TVA", g.money(sign * s.tva)})
	}
	g.set("montant_tva", centsValue(sign*s.tva))
	if len(s.rates) == 1 {
		g.set("taux_tva", rateValue(s.rates[0]))
	}
	t.rows = append(t.rows, kv{g.lab("total_ttc"), g.money(sign * s.ttc)})
	g.set("montant_ttc", centsValue(sign*s.ttc))
	t.strong = len(t.rows) - 1
	return t
}

func (g *gen) randomDate() time.Time {
	return time.Date(2023+g.r.IntN(4), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC)
}

func (g *gen) numero(kind string) string {
	y := g.now.Year()
	n := 1 + g.r.IntN(900)
	switch kind {
	case "devis":
		return pick(g.r, []string{
			fmt.Sprintf("D-%d-%03d", y, n), fmt.Sprintf("DEV%d-%04d", y, n), fmt.Sprintf("%d-%02d-%03d", y, g.now.Month(), n),
			fmt.Sprintf("PROP-%02d-%03d", y%100, n), fmt.Sprintf("Q%d/%04d", y, n)})
	case "facture":
		return pick(g.r, []string{
			fmt.Sprintf("F%d-%04d", y, n), fmt.Sprintf("FA-%d-%05d", y, n), fmt.Sprintf("%d/%04d", y, n),
			fmt.Sprintf("FAC-%02d-%04d", y%100, n), fmt.Sprintf("VT/%d/%04d", y, n), fmt.Sprintf("%d%05d", y, n)})
	default:
		return pick(g.r, []string{fmt.Sprintf("AV-%d-%04d", y, n), fmt.Sprintf("A%d-%03d", y, n), fmt.Sprintf("AVO-%02d-%04d", y%100, n)})
	}
}

// commercial builds a devis, facture or avoir: the supplier writes to a
// public buyer.
func (g *gen) commercial(kind string) *docModel {
	subj := g.subjectOr(func() subject {
		if g.r.IntN(2) == 0 {
			return pick(g.r, consultingSubjects)
		}
		return pick(g.r, goodsSubjects)
	})
	consulting := subj.consulting
	sup := g.supplierOr(func() company { return g.w.company(g.r, consulting) })
	buy := g.buyerOr(func() buyer { return g.w.buyer(g.r) })
	m := &docModel{}
	m.issuer = g.supplierParty(sup, "", true)
	rp := g.buyerParty(buy, g.lab("client"))
	m.recipient = &rp
	m.legal = g.companyLegal(sup)

	num := g.numero(kind)
	if g.spec != nil && g.spec.Numero != "" {
		num = g.spec.Numero
	}
	g.set("numero", num)
	g.set("date", isoDate(g.now))
	sign := int64(1)
	switch kind {
	case "devis":
		m.title = pick(g.r, []string{"DEVIS", "Devis", "PROPOSITION FINANCIÈRE", "Offre commerciale", "Devis estimatif"})
		if consulting {
			m.title = pick(g.r, []string{"PROPOSITION D'INTERVENTION", "Proposition financière", "DEVIS", "Offre de prestations"})
		}
		m.meta = append(m.meta, kv{g.lab("numero_devis"), num}, kv{g.lab("date_devis"), g.date(g.now)})
		if g.r.IntN(3) > 0 {
			v := g.now.AddDate(0, 0, pick(g.r, []int{30, 60, 90}))
			m.meta = append(m.meta, kv{g.lab("validite"), g.date(v)})
			g.set("date_validite", isoDate(v))
		}
	case "facture":
		m.title = pick(g.r, []string{"FACTURE", "Facture", "FACTURE N° " + num})
		if !strings.Contains(m.title, num) {
			m.meta = append(m.meta, kv{g.lab("numero_facture"), num})
		}
		m.meta = append(m.meta, kv{g.lab("date_facture"), g.date(g.now)})
		due := g.now.AddDate(0, 0, 30)
		m.meta = append(m.meta, kv{g.lab("echeance"), g.date(due)})
		g.set("date_echeance", isoDate(due))
	case "avoir":
		m.title = pick(g.r, []string{"AVOIR", "Facture d'avoir", "NOTE DE CRÉDIT", "Avoir"})
		m.meta = append(m.meta, kv{g.lab("numero_avoir"), num}, kv{g.lab("date_facture"), g.date(g.now)})
		m.meta = append(m.meta, kv{pick(g.r, []string{"Facture d'origine", "Facture liée", "Réf. facture initiale"}), g.numero("facture")})
		if g.r.IntN(2) == 0 {
			sign = -1
		}
	}
	m.running = fmt.Sprintf("%s – %s n° %s", sup.name, strings.ToLower(kindWord(kind)), num)
	if g.spec != nil {
		// A devis precedes the order: it cannot cite the EJ.
		if kind != "devis" && g.spec.EJ != "" {
			m.meta = append(m.meta, kv{g.lab("ej"), g.spec.EJ})
			g.set("reference_commande", g.spec.EJ)
			g.set("numero_ej", g.spec.EJ)
		}
		if kind != "devis" && buy.codeSvc != "" && g.r.IntN(2) == 0 {
			m.meta = append(m.meta, kv{g.lab("code_service"), buy.codeSvc})
			g.set("code_service", buy.codeSvc)
		}
		if g.spec.ContractRef != "" {
			m.meta = append(m.meta, kv{g.lab("marche"), g.spec.ContractRef})
			g.set("reference_marche", g.spec.ContractRef)
		}
	} else {
		if kind != "devis" || g.r.IntN(2) == 0 {
			if g.r.IntN(3) > 0 && buy.state {
				ej := newEJ(g.r)
				m.meta = append(m.meta, kv{g.lab("ej"), ej})
				g.set("reference_commande", ej)
				g.set("numero_ej", ej)
			}
			if kind != "devis" && g.r.IntN(2) == 0 {
				m.meta = append(m.meta, kv{g.lab("code_service"), buy.codeSvc})
				g.set("code_service", buy.codeSvc)
			}
		}
		if g.r.IntN(3) == 0 {
			ref := newMarcheRef(g.r, g.now.Year()-g.r.IntN(3))
			m.meta = append(m.meta, kv{g.lab("marche"), ref})
			g.set("reference_marche", ref)
		}
	}
	objet := subj.objet
	if kind == "avoir" {
		objet = pick(g.r, []string{"Annulation partielle – ", "Régularisation – ", "Remboursement trop-perçu – "}) + lowerFirst(objet)
	}
	m.body = append(m.body, paraBlock{text: g.lab("objet") + " : " + objet, st: bold})
	g.set("objet", objet)

	lines := g.specLines(consulting, sup.micro)
	if lines == nil {
		if consulting {
			lines = g.consultingLines(sup.micro)
		} else {
			lines = g.goodsLines(subj, sup.micro, g.r.IntN(5) == 0)
		}
	}
	if consulting && g.r.IntN(2) == 0 {
		m.body = append(m.body, paraBlock{text: "Notre intervention se déroulera en " + fmt.Sprint(2+g.r.IntN(3)) + " phases : " + strings.Join(phases[:3], " ; ") + ". Livrables : " + strings.Join(deliverables[:3+g.r.IntN(4)], ", ") + "."})
	}
	s := computeSums(lines)
	t := g.lineTable(lines, consulting, !sup.micro && (len(s.rates) > 1 || g.r.IntN(2) == 0), sign)
	if consulting {
		days := 0
		for _, l := range lines {
			days += l.qty
		}
		if len(lines) > 1 || g.r.IntN(2) == 0 {
			foot := []string{"Total jours", fmtQty(days), "", ""}
			if g.f.colOrder%2 == 1 {
				foot[1], foot[2] = foot[2], foot[1]
			}
			t.foot = append(t.foot, foot)
			g.set("conseil.nb_jours", qtyValue(days))
		} else {
			g.set("conseil.nb_jours", qtyValue(days)) // printed in the only row
		}
		if len(lines) == 1 {
			g.set("conseil.tjm", centsValue(lines[0].pu))
		} else if g.r.IntN(2) == 0 {
			avg := roundDiv(s.ht*2, int64(days))
			m.body = append(m.body, tableBlockWithNote(t, fmt.Sprintf("TJM moyen : %s HT", g.money(avg))))
			g.set("conseil.tjm", centsValue(avg))
			t = tableBlock{}
		}
	}
	if t.cols != nil {
		m.body = append(m.body, t)
	}
	tot := g.totalsRows(s, sup.micro, sign)
	if kind == "avoir" && sign == 1 {
		tot.rows = append(tot.rows, kv{pick(g.r, []string{"Montant à déduire", "À déduire de votre prochaine facture", "Montant de l'avoir à déduire"}), g.money(s.ttc)})
	}
	if kind == "facture" && !sup.micro {
		if g.r.IntN(4) == 0 {
			dep := roundDiv(s.ttc*int64(pick(g.r, []int{20, 30, 50})), 100)
			tot.rows = append(tot.rows, kv{pick(g.r, []string{"Acompte versé", "Acompte reçu", "Déjà réglé"}), g.money(-dep)}, kv{g.lab("net"), g.money(s.ttc - dep)})
			g.set("net_a_payer", centsValue(s.ttc-dep))
			tot.strong = len(tot.rows) - 1
		} else if g.r.IntN(2) == 0 {
			tot.rows = append(tot.rows, kv{g.lab("net"), g.money(s.ttc)})
			g.set("net_a_payer", centsValue(s.ttc))
		}
	}
	m.body = append(m.body, tot)
	if sup.micro {
		m.body = append(m.body, paraBlock{text: "TVA non applicable, art. 293 B du CGI", st: italic})
	}
	switch kind {
	case "devis":
		if _, ok := g.gold["date_validite"]; !ok {
			m.body = append(m.body, paraBlock{text: fmt.Sprintf("Ce devis est valable %d jours à compter de sa date d'émission.", pick(g.r, []int{30, 60, 90}))})
		}
		m.body = append(m.body, paraBlock{text: "Conditions de règlement : " + pick(g.r, []string{"virement à 30 jours à réception de facture", "paiement à 30 jours par mandat administratif", "acompte de 30 % à la commande, solde à la livraison"}) + "."})
		m.body = append(m.body, signatureBlock{
			left:  []string{"Pour " + sup.name, sup.person},
			right: []string{pick(g.r, []string{"Bon pour accord", "Lu et approuvé, bon pour accord", "Signature du client"}), "Date et cachet :"},
		})
	case "facture", "avoir":
		if g.r.IntN(3) > 0 || kind == "facture" {
			a := sup.accountFor
			grouped := g.r.IntN(3) > 0
			m.body = append(m.body, paraBlock{text: pick(g.r, []string{"Règlement par virement bancaire :", "Coordonnées bancaires", "Modalités de paiement : virement"}), st: bold})
			m.body = append(m.body, paraBlock{text: "IBAN : " + fmtIBAN(a.iban, grouped) + "   BIC : " + a.bank.bic})
			g.set("iban", a.iban)
			g.set("bic", a.bank.bic)
		}
		if kind == "facture" {
			m.body = append(m.body, paraBlock{gray: true, text: "En cas de retard de paiement, une pénalité égale à trois fois le taux d'intérêt légal sera exigible, ainsi qu'une indemnité forfaitaire pour frais de recouvrement de 40 €. Pas d'escompte pour paiement anticipé."})
		}
	}
	return m
}

// tableBlockWithNote returns the table as one block followed by a note.
func tableBlockWithNote(t tableBlock, note string) block {
	return multiBlock{t, paraBlock{text: note, st: bold}}
}

type multiBlock []block

func kindWord(kind string) string {
	switch kind {
	case "facture":
		return "Facture"
	case "avoir":
		return "Avoir"
	}
	return "Devis"
}
