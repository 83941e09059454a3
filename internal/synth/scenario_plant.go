package synth

import (
	"fmt"
	"time"
)

func euros(c int64) string { return money(c, amountFmt{"\u00a0", "\u00a0€"}) }

func (p *planner) expect(code string, e *ejPlan, others []*ejPlan, detail string) {
	a := ExpectedAnomaly{Code: code, NumEJ: e.num, Detail: detail}
	for _, o := range others {
		a.Others = append(a.Others, o.num)
	}
	e.planted = true
	for _, o := range others {
		o.planted = true
	}
	p.expected = append(p.expected, a)
}

func (e *ejPlan) require(typ, evidence string) {
	for _, t := range e.need {
		if t == typ {
			if evidence != "" {
				e.evidence[typ] = evidence
			}
			return
		}
	}
	e.need = append(e.need, typ)
	if evidence != "" {
		e.evidence[typ] = evidence
	}
}

// invoiceBy makes sure the EJ is invoiced by the extract date.
func (e *ejPlan) invoiceBy() {
	if e.invoiced.IsZero() {
		e.invoiced = e.created.AddDate(0, 0, 20)
	}
}

var dayBefore = -24 * time.Hour

func (p *planner) preWindow() (time.Time, time.Time) {
	return scenarioStart, newThreshold.Add(dayBefore)
}

func (p *planner) euroIn(lo, hi int) int64 { return int64(lo+p.r.IntN(hi-lo+1)) * 100 }

func gmText(code string) string { g := gmByCode(code); return g.code + " « " + g.label + " »" }

// plant adds the anomalies and decoys, k times each kind.
func (p *planner) plant() {
	for range p.k {
		p.plantHorsMarche()
		p.plantFractionnement()
		p.plantImputation()
		p.plantFournisseur()
		p.plantMontant()
		p.plantDoublon()
		p.plantIdentifiant()
		p.plantDITP()
		p.plantTJM()
		p.plantDecoys()
	}
}

func (p *planner) plantHorsMarche() {
	for i := range 4 {
		consulting := i%2 == 0
		subj, gm := p.subjectFor(consulting)
		svc := p.exclusiveService(gm)
		if svc == nil {
			return // every group is taken: large scenarios plant fewer
		}
		from, to := p.preWindow()
		if i >= 2 {
			from, to = newThreshold, scenarioEnd.AddDate(0, -2, 0)
		}
		t := p.dateIn(from, to)
		thr := dispenseThreshold(t)
		e := p.newEJ(ejReq{subj: &subj, gm: gm, svc: svc, kind: "open", target: thr + p.euroIn(2000, 45000), from: t, to: t, postes: 1})
		e.require("devis", "")
		e.require("bon_de_commande", "")
		p.expect(AnoHorsMarche, e, nil, fmt.Sprintf("EJ de %s HT créé le %s, au-dessus du seuil de dispense de %s HT en vigueur à cette date ; aucun n° de contrat ni d'accord-cadre, ni dans Chorus ni sur les pièces",
			euros(e.engHT), isoDate(e.created), euros(thr)))
	}
}

func (p *planner) plantFractionnement() {
	for i := range 3 {
		consulting := i == 1
		subj, gm := p.subjectFor(consulting)
		svc := p.exclusiveService(gm)
		if svc == nil {
			return
		}
		sup := pick(p.r, p.goods)
		if consulting {
			sup = pick(p.r, p.consultant)
		}
		var t time.Time
		if i < 2 {
			t = p.dateIn(scenarioStart, time.Date(2025, 11, 15, 0, 0, 0, 0, time.UTC))
		} else {
			t = p.dateIn(newThreshold, time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC))
		}
		thr := dispenseThreshold(t)
		n := 3
		var cluster []*ejPlan
		var sum int64
		for range n {
			target := thr - p.euroIn(400, 3800)
			e := p.newEJ(ejReq{subj: &subj, gm: gm, svc: svc, supplier: &sup, kind: "open", target: target, from: t, to: t, postes: 1})
			e.require("devis", AnoFractionnement)
			cluster = append(cluster, e)
			sum += e.engHT
			t = t.AddDate(0, 0, 18+p.r.IntN(35))
		}
		p.expect(AnoFractionnement, cluster[0], cluster[1:], fmt.Sprintf("%d EJ du même acheteur (OA %s, GA %s, SIRET %s), même GM %s, même fournisseur %s (SIREN %s), chacun sous le seuil de %s HT, total %s HT du %s au %s",
			n, svc.d.oa, svc.d.ga, svc.b.siret, gmText(gm), sup.name, sup.siren, euros(thr), euros(sum), isoDate(cluster[0].created), isoDate(cluster[n-1].created)))
	}
}

func (p *planner) plantImputation() {
	for i := range 6 {
		consulting := i < 3
		subj, _ := p.subjectFor(consulting)
		var wrong []string
		for _, g := range demoGMs {
			if g.consulting != consulting {
				wrong = append(wrong, g.code)
			}
		}
		gm := pick(p.r, wrong)
		e := p.newEJ(ejReq{subj: &subj, gm: gm, kind: "marche", target: p.euroIn(8000, 60000), postes: 1})
		e.require("devis", AnoImputation)
		if consulting {
			p.expect(AnoImputation, e, nil, fmt.Sprintf("prestation de conseil « %s » (profils, jours et TJM sur le devis) imputée sur le GM %s, qui n'est pas un GM de conseil", subj.objet, gmText(gm)))
		} else {
			p.expect(AnoImputation, e, nil, fmt.Sprintf("achat « %s » (fournitures ou services courants) imputé sur le GM de conseil %s", subj.objet, gmText(gm)))
		}
	}
}

func (p *planner) plantFournisseur() {
	for i := range 3 {
		e := p.newEJ(ejReq{consulting: i == 1, kind: "marche", target: p.euroIn(12000, 120000)})
		if i%2 == 0 {
			// Same name, another legal entity (a holding or a former SIREN).
			siren := newSIREN(p.r, byte('3'+p.r.IntN(7)))
			other := Company{e.supplier}.WithIdentity("", siren, newSIRET(p.r, siren))
			e.docSupplier = other.c
		} else {
			pool := p.goods
			if e.subj.consulting {
				pool = p.consultant
			}
			for e.docSupplier.siren == e.supplier.siren {
				e.docSupplier = pick(p.r, pool)
			}
		}
		e.require("devis", AnoFournisseur)
		e.require("acte_engagement", AnoFournisseur)
		p.expect(AnoFournisseur, e, nil, fmt.Sprintf("Chorus : %s, SIRET %s ; pièces : %s, SIRET %s (valide, autre SIREN)",
			e.supplier.name, e.supplier.siret, e.docSupplier.name, e.docSupplier.siret))
	}
}

func (p *planner) plantMontant() {
	for i := range 5 {
		consulting := i%2 == 1
		if i < 3 {
			e := p.newEJ(ejReq{consulting: consulting, kind: "marche", target: p.euroIn(10000, 90000)})
			pct := int64(12 + p.r.IntN(25))
			if p.r.IntN(2) == 0 {
				pct = -pct
			}
			e.engHT = e.ht * (100 + pct) / 100 / 100 * 100
			e.engTTC = e.ttc * (100 + pct) / 100 / 100 * 100
			e.shareAmounts(p.r)
			e.require("devis", AnoMontant)
			e.require("bon_de_commande", AnoMontant)
			p.expect(AnoMontant, e, nil, fmt.Sprintf("montant engagé %s HT ; montant des pièces %s HT (écart %+d %%)", euros(e.engHT), euros(e.ht), pct))
			continue
		}
		// HT/TTC confusion: the TTC of the documents engaged as HT.
		subj, gm := p.subjectFor(consulting)
		e := p.newEJ(ejReq{subj: &subj, gm: gm, kind: "ac", target: p.euroIn(6000, 30000)})
		e.engHT, e.engTTC = e.ttc, 0
		e.shareAmounts(p.r)
		e.require("devis", AnoMontant)
		e.require("bon_de_commande", AnoMontant)
		p.expect(AnoMontant, e, nil, fmt.Sprintf("confusion HT/TTC : montant_engage_ht %s = montant TTC des pièces (HT %s, TTC %s)", euros(e.engHT), euros(e.ht), euros(e.ttc)))
	}
}

func (p *planner) plantDoublon() {
	late := scenarioEnd.AddDate(0, -3, 0)
	for i := range 6 {
		consulting := i%3 == 2
		subj, gm := p.subjectFor(consulting)
		svc := p.exclusiveService(gm)
		if svc == nil {
			return
		}
		t := p.dateIn(scenarioStart, late)
		a := p.newEJ(ejReq{subj: &subj, gm: gm, svc: svc, kind: "open", target: p.euroIn(3000, 13000), from: t, to: t, postes: 1})
		sup := a.supplier
		t2 := t.AddDate(0, 0, 7+p.r.IntN(40))
		b := p.newEJ(ejReq{subj: &subj, gm: gm, svc: svc, supplier: &sup, kind: "open", target: a.ht, from: t2, to: t2, postes: 1})
		b.lines = a.lines
		b.setTotals()
		b.shareAmounts(p.r)
		p.rerecordOpen(b)
		a.invoiceBy()
		b.invoiceBy()
		a.require("facture", AnoDoublon)
		if i < 3 {
			b.require("facture_copie", AnoDoublon)
			b.sameFileAs = a
			p.expect(AnoDoublon, a, []*ejPlan{b}, fmt.Sprintf("le même fichier (facture de %s HT de %s) est joint aux deux EJ", euros(a.ht), sup.name))
		} else {
			b.require("facture", AnoDoublon)
			b.sameInvoiceAs = a
			p.expect(AnoDoublon, a, []*ejPlan{b}, fmt.Sprintf("même n° de facture, même montant (%s HT), même fournisseur %s (SIREN %s) sur deux EJ", euros(a.ht), sup.name, sup.siren))
		}
	}
}

// rerecordOpen replaces the open amounts an EJ recorded at creation.
func (p *planner) rerecordOpen(e *ejPlan) {
	for _, ps := range e.postes {
		key := e.svc.d.oa + "|" + ps.gm
		orders := p.open[key]
		for j := range orders {
			if orders[j].at.Equal(e.created) {
				orders[j].ht = ps.ht
			}
		}
	}
}

func (p *planner) plantIdentifiant() {
	for i := range 6 {
		e := p.newEJ(ejReq{consulting: i%2 == 0, kind: "marche", target: p.euroIn(8000, 80000)})
		if i < 3 {
			typ := pick(p.r, []string{"devis", "acte_engagement"})
			e.invalidOn[typ] = "siret"
			e.require(typ, AnoIdentifiant)
			p.expect(AnoIdentifiant, e, nil, fmt.Sprintf("SIRET imprimé %s (clé de Luhn fausse) sur la pièce %s ; SIRET dans Chorus %s. Ne pas compter aussi comme fournisseur_incoherent",
				breakLastDigit(e.docSupplier.siret), typ, e.supplier.siret))
			continue
		}
		typ := "rib"
		if p.r.IntN(2) == 0 {
			typ = "facture"
			e.invoiceBy()
		}
		e.invalidOn[typ] = "iban"
		e.require(typ, AnoIdentifiant)
		p.expect(AnoIdentifiant, e, nil, fmt.Sprintf("IBAN imprimé %s (clé de contrôle fausse) sur la pièce %s ; IBAN valide attendu %s",
			breakIBANKey(e.docSupplier.accountFor.iban), typ, e.docSupplier.accountFor.iban))
	}
}

func (p *planner) civilService() *svcState {
	for {
		s := pick(p.r, p.svcs)
		if !s.d.armees {
			return s
		}
	}
}

func (p *planner) plantDITP() {
	for range 3 {
		subj, gm := p.subjectFor(true)
		e := p.newEJ(ejReq{subj: &subj, gm: gm, svc: p.civilService(), kind: "ac", ac: p.acFor(gm, true), target: p.euroIn(430000, 820000)})
		e.require("bon_de_commande", AnoRevueDITP)
		e.require("devis", AnoRevueDITP)
		p.expect(AnoRevueDITP, e, nil, fmt.Sprintf("commande de conseil de %s HT soit %s TTC, au-dessus de 500 000 € TTC : revue par la DITP requise", euros(e.ht), euros(e.ttc)))
	}
}

func (p *planner) plantTJM() {
	for range 3 {
		subj, gm := p.subjectFor(true)
		tjm := p.euroIn(360, 490) * 10
		e := p.newEJ(ejReq{subj: &subj, gm: gm, kind: "ac", target: tjm * int64(4+p.r.IntN(6)), tjm: tjm})
		prof := e.lines[0].Label
		var lo, hi int
		for _, pr := range profiles {
			if pr.name == prof {
				lo, hi = pr.min, pr.max
			}
		}
		e.require("devis", AnoTJMAtypique)
		p.expect(AnoTJMAtypique, e, nil, fmt.Sprintf("TJM de %s HT pour le profil « %s » (ailleurs dans l'extrait : %d à %d € HT)", euros(tjm), prof, lo, hi))
	}
}

func (p *planner) exclusiveServiceFor(gms []string) *svcState {
	start := p.r.IntN(len(p.svcs))
	for i := range p.svcs {
		s := p.svcs[(start+i)%len(p.svcs)]
		free := true
		for _, gm := range gms {
			key := s.d.oa + "|" + gm
			free = free && !p.reserved[key] && len(p.open[key]) == 0
		}
		if free {
			for _, gm := range gms {
				p.reserved[s.d.oa+"|"+gm] = true
			}
			return s
		}
	}
	return nil
}

func (p *planner) plantDecoys() {
	// UGAP orders split under the threshold: a centrale d'achat exempts
	// the buyer from competition.
	mob := goodsSubjects[0]
	svc := pick(p.r, p.svcs)
	t := p.dateIn(scenarioStart, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC))
	var cluster []*ejPlan
	for range 3 {
		e := p.newEJ(ejReq{subj: &mob, svc: svc, kind: "ugap", target: 40000_00 - p.euroIn(500, 3000), from: t, to: t, postes: 1})
		e.require("devis", "")
		cluster = append(cluster, e)
		t = t.AddDate(0, 0, 20+p.r.IntN(30))
	}
	p.expect(Leurre, cluster[0], cluster[1:], AnoFractionnement)
	big := p.newEJ(ejReq{subj: &mob, kind: "ugap", target: p.euroIn(70000, 95000)})
	big.require("bon_de_commande", "")
	p.expect(Leurre, big, nil, AnoHorsMarche)

	// Orders under one accord-cadre.
	subj, gm := p.subjectFor(false)
	ac := p.acFor(gm, false)
	svc = pick(p.r, p.svcs)
	t = p.dateIn(scenarioStart, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC))
	cluster = nil
	for range 3 {
		e := p.newEJ(ejReq{subj: &subj, gm: gm, svc: svc, kind: "ac", ac: ac, target: p.euroIn(33000, 39000), from: t, to: t, postes: 1})
		cluster = append(cluster, e)
		t = t.AddDate(0, 0, 25+p.r.IntN(30))
	}
	p.expect(Leurre, cluster[0], cluster[1:], AnoFractionnement)
	bigAC := p.newEJ(ejReq{subj: &subj, gm: gm, kind: "ac", target: p.euroIn(95000, 180000)})
	p.expect(Leurre, bigAC, nil, AnoHorsMarche)

	// One supplier, one buyer, three different GM.
	var gms []string
	var subjs []subject
	for len(gms) < 3 {
		s, g := p.subjectFor(false)
		if !containsStr(gms, g) {
			gms, subjs = append(gms, g), append(subjs, s)
		}
	}
	svc = p.exclusiveServiceFor(gms)
	sup := pick(p.r, p.goods)
	t = p.dateIn(scenarioStart, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC))
	cluster = nil
	for j := range 3 {
		if svc == nil {
			break
		}
		e := p.newEJ(ejReq{subj: &subjs[j], gm: gms[j], svc: svc, supplier: &sup, kind: "open", target: p.euroIn(22000, 28000), from: t, to: t, postes: 1})
		e.require("devis", "")
		cluster = append(cluster, e)
		t = t.AddDate(0, 0, 15+p.r.IntN(30))
	}
	if len(cluster) > 0 {
		p.expect(Leurre, cluster[0], cluster[1:], AnoFractionnement)
	}

	// Single orders just under the threshold in force (and one between the
	// old and the new threshold, after 1 April 2026).
	for j, w := range [][2]time.Time{{scenarioStart, newThreshold.Add(dayBefore)}, {newThreshold, scenarioEnd}, {newThreshold, scenarioEnd}} {
		s, g := p.subjectFor(j == 1)
		svc := p.exclusiveService(g)
		if svc == nil {
			continue
		}
		t := p.dateIn(w[0], w[1])
		target := dispenseThreshold(t) - p.euroIn(150, 900)
		if j == 2 {
			target = p.euroIn(44000, 55000)
		}
		e := p.newEJ(ejReq{subj: &s, gm: g, svc: svc, kind: "open", target: target, from: t, to: t, postes: 1})
		e.require("devis", "")
		p.expect(Leurre, e, nil, AnoHorsMarche)
	}

	// Consulting just under the DITP review.
	s, g := p.subjectFor(true)
	e := p.newEJ(ejReq{subj: &s, gm: g, svc: p.civilService(), kind: "ac", ac: p.acFor(g, true), target: p.euroIn(380000, 410000)})
	e.require("bon_de_commande", "")
	p.expect(Leurre, e, nil, AnoRevueDITP)

	// The supplier's RIB attached to two of its orders.
	a := p.newEJ(ejReq{consulting: p.r.IntN(2) == 0, kind: "marche", target: p.euroIn(15000, 70000)})
	sup2 := a.supplier
	b := p.newEJ(ejReq{consulting: a.subj.consulting, supplier: &sup2, kind: "marche", target: p.euroIn(15000, 70000)})
	a.require("rib", "")
	b.require("rib_copie", "")
	b.ribOf = a
	p.expect(Leurre, a, []*ejPlan{b}, AnoDoublon)

	// A partial credit note after the invoice.
	c := p.newEJ(ejReq{consulting: false, kind: "marche", target: p.euroIn(15000, 60000), from: scenarioStart, to: scenarioEnd.AddDate(0, -4, 0)})
	c.invoiceBy()
	c.require("facture", "")
	c.require("avoir", "")
	p.expect(Leurre, c, nil, AnoMontant)
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
