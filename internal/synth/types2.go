package synth

import (
	"fmt"
	"strings"
)

// nonMicroCompany draws a company registered at the RCS (Kbis, marchés).
func (g *gen) nonMicroCompany(consulting bool) company {
	for {
		c := g.w.company(g.r, consulting)
		if !c.micro {
			return c
		}
	}
}

func (g *gen) stateBuyer() buyer {
	for {
		b := g.w.buyer(g.r)
		if b.state {
			return b
		}
	}
}

// adminIssuer prints a State buyer as the letterhead of its own document.
func (g *gen) adminIssuer(b buyer) party { return g.buyerParty(b, "") }

// article numbers headings in the family's style.
func (g *gen) article(n int, title string) headingBlock {
	switch g.f.dialect % 4 {
	case 1:
		return headingBlock{text: fmt.Sprintf("ARTICLE %d : %s", n, strings.ToUpper(title)), level: 1}
	case 2:
		return headingBlock{text: fmt.Sprintf("%d. %s", n, title), level: 1}
	case 3:
		if n == 1 {
			return headingBlock{text: "Art. 1er - " + title, level: 1}
		}
		return headingBlock{text: fmt.Sprintf("Art. %d - %s", n, title), level: 1}
	}
	return headingBlock{text: fmt.Sprintf("Article %d – %s", n, title), level: 1}
}

func (g *gen) subjectAny() subject {
	if g.r.IntN(3) > 0 {
		return pick(g.r, consultingSubjects)
	}
	return pick(g.r, goodsSubjects)
}

func (g *gen) duration() int { return pick(g.r, []int{6, 9, 12, 18, 24, 36, 48}) }

func (g *gen) durationSentence(months int) string {
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("Le marché est conclu pour une durée de %d mois à compter de sa date de notification.", months)
	case 1:
		return fmt.Sprintf("La durée du marché est fixée à %d mois à compter de sa notification.", months)
	}
	return fmt.Sprintf("L'accord-cadre est conclu pour une durée initiale de %d mois, reconductible une fois par tacite reconduction.", months)
}

func (g *gen) bonDeCommande() *docModel {
	b := g.buyerOr(g.stateBuyer)
	subj := g.subjectOr(g.subjectAny)
	sup := g.supplierOr(func() company { return g.w.company(g.r, subj.consulting) })
	m := &docModel{title: pick(g.r, []string{"BON DE COMMANDE", "Bon de commande", "BON DE COMMANDE – ENGAGEMENT JURIDIQUE"})}
	m.issuer = g.adminIssuer(b)
	rp := g.supplierParty(sup, g.lab("fournisseur"), false)
	m.recipient = &rp
	ej := g.ejOr()
	g.set("numero", ej)
	g.set("reference_commande", ej)
	g.set("numero_ej", ej)
	g.set("date", isoDate(g.now))
	m.meta = append(m.meta, kv{pick(g.r, []string{"N° de commande", "Bon de commande n°", "N° EJ", "Numéro de commande"}), ej}, kv{g.lab("date_bdc"), g.date(g.now)})
	if g.spec != nil {
		if g.spec.ContractRef != "" {
			m.meta = append(m.meta, kv{g.lab("marche"), g.spec.ContractRef})
			g.set("reference_marche", g.spec.ContractRef)
		}
	} else if g.r.IntN(2) == 0 {
		ref := newMarcheRef(g.r, g.now.Year()-g.r.IntN(3))
		m.meta = append(m.meta, kv{g.lab("marche"), ref})
		g.set("reference_marche", ref)
	}
	m.meta = append(m.meta, kv{g.lab("code_service"), b.codeSvc})
	g.set("code_service", b.codeSvc)
	m.running = "Bon de commande n° " + ej
	m.body = append(m.body, paraBlock{text: g.lab("objet") + " : " + subj.objet, st: bold})
	g.set("objet", subj.objet)
	lines := g.specLines(subj.consulting, sup.micro)
	if lines == nil {
		if subj.consulting {
			lines = g.consultingLines(sup.micro)
		} else {
			lines = g.goodsLines(subj, sup.micro, g.r.IntN(4) == 0)
		}
	}
	s := computeSums(lines)
	t := g.lineTable(lines, subj.consulting, !sup.micro, 1)
	if subj.consulting {
		days := 0
		for _, l := range lines {
			days += l.qty
		}
		foot := []string{"Total jours", fmtQty(days), "", ""}
		if g.f.colOrder%2 == 1 {
			foot[1], foot[2] = foot[2], foot[1]
		}
		t.foot = append(t.foot, foot)
		g.set("conseil.nb_jours", qtyValue(days))
		if len(lines) == 1 {
			g.set("conseil.tjm", centsValue(lines[0].pu))
		}
	}
	m.body = append(m.body, t, g.totalsRows(s, sup.micro, 1))
	if sup.micro {
		m.body = append(m.body, paraBlock{text: "TVA non applicable, art. 293 B du CGI", st: italic})
	}
	deliv := g.now.AddDate(0, 0, 15+g.r.IntN(60))
	m.body = append(m.body, kvBlock{rows: []kv{
		{pick(g.r, []string{"Date de livraison souhaitée", "Délai d'exécution", "Date d'exécution"}), g.date(deliv)},
		{"Adresse de facturation", "Chorus Pro – factures à déposer sous le code service " + b.codeSvc + " en rappelant le numéro d'engagement " + ej},
		{"Imputation budgétaire", g.imputationOr()},
	}})
	m.body = append(m.body, signatureBlock{
		left:  []string{"Le responsable du service prescripteur", b.agent},
		right: []string{"L'ordonnateur", "Fait à " + b.addr.city + ", le " + g.date(g.now)},
	})
	return m
}

// imputationOr prints the spec's imputation, or draws one.
func (g *gen) imputationOr() string {
	if g.spec != nil && g.spec.Imputation != nil && g.spec.Imputation.CentreFinancier != "" {
		im := g.spec.Imputation
		s := "CF " + im.CentreFinancier
		if im.CentreCouts != "" {
			s += " ; CC " + im.CentreCouts
		}
		if im.DomaineFonctionnel != "" {
			s += " ; DF " + im.DomaineFonctionnel
		}
		if im.GroupeMarchandises != "" {
			s += " ; GM " + im.GroupeMarchandises
		}
		return s
	}
	return imputation(g)
}

// imputation draws a Chorus imputation line: centre financier, centre de
// coûts, domaine fonctionnel (DOMAIN.md §1.3 formats).
func imputation(g *gen) string {
	prog := pick(g.r, []string{"0129", "0218", "0174", "0203", "0723", "0354", "0216", "0155"})
	return fmt.Sprintf("CF %s-%s-%s ; CC %s ; DF %s-%02d-%02d", prog, pick(g.r, []string{"CDIE", "CLIM", "DNUM", "SGMI", "SRH"}), pick(g.r, []string{"C001", "SCEE", "DA75", "CENT"}),
		pick(g.r, []string{"DRIEETR075", "SGDSIC0001", "DAFBUD0012", "DNUMPI0003"}), prog, 1+g.r.IntN(9), 1+g.r.IntN(12))
}

func (g *gen) acteEngagement() *docModel {
	b := g.buyerOr(g.stateBuyer)
	subj := g.subjectOr(g.subjectAny)
	sup := g.supplierOr(func() company { return g.nonMicroCompany(subj.consulting) })
	ref := g.refOr(g.now.Year())
	m := &docModel{title: pick(g.r, []string{"ACTE D'ENGAGEMENT", "Acte d'engagement", "ACTE D'ENGAGEMENT (ATTRI1)"})}
	m.subtitle = pick(g.r, []string{"Marchés publics de services", "Accord-cadre de prestations intellectuelles", "Marché public – procédure adaptée"})
	m.issuer = g.adminIssuer(b)
	m.running = "Acte d'engagement – marché " + ref
	g.set("reference_marche", ref)
	g.set("objet", subj.objet)
	n := 1
	next := func(t string) headingBlock { h := g.article(n, t); n++; return h }
	m.body = append(m.body, next("Objet de l'acte d'engagement"), kvBlock{rows: []kv{
		{"Objet du marché", subj.objet},
		{g.lab("marche"), ref},
		{"Code CPV principal", subj.cpv + " – " + subj.cpvLabel},
		{"Procédure", pick(g.r, []string{"Procédure adaptée (article R. 2123-1 du code de la commande publique)", "Appel d'offres ouvert (articles R. 2161-2 à R. 2161-5)", "Marché subséquent à l'accord-cadre interministériel"})},
	}})
	g.set("code_cpv", subj.cpv)
	m.body = append(m.body, next("Engagement du titulaire"),
		paraBlock{text: "Après avoir pris connaissance des pièces constitutives du marché, le signataire s'engage, sur la base de son offre et pour son propre compte, à exécuter les prestations demandées dans les conditions définies ci-après."})
	g.supplierParty(sup, "", false) // records the supplier's gold; printed in the rows below
	m.body = append(m.body, kvBlock{rows: []kv{
		{"Raison sociale", sup.name},
		{"Adresse du siège", sup.addr.street + ", " + sup.addr.postcode + " " + sup.addr.city},
		{"N° SIRET", fmtSIRET(sup.siret, g.idSty)},
		{"N° TVA intracommunautaire", fmtVAT(sup.vat, g.idSty)},
		{"Représenté par", sup.person + ", " + pick(g.r, []string{"président", "gérant", "directeur général"})},
	}})
	s := g.amountOr(func() int64 { return int64(5000+g.r.IntN(200000)) * 100 })
	tot := g.totalsRows(s, false, 1)
	m.body = append(m.body, next("Prix"), paraBlock{text: "Les prestations seront rémunérées par application d'un prix global et forfaitaire dont le montant s'élève à :"}, kvBlock{rows: tot.rows})
	months := g.monthsOr()
	m.body = append(m.body, next("Durée d'exécution"), paraBlock{text: g.durationSentence(months)})
	g.set("duree_mois", months)
	a := sup.accountFor
	m.body = append(m.body, next("Compte à créditer"), kvBlock{rows: []kv{
		{"Titulaire du compte", sup.name},
		{"Établissement", a.bank.name},
		{"IBAN", fmtIBAN(a.iban, g.r.IntN(2) == 0)},
		{"BIC", a.bank.bic},
	}})
	g.set("iban", a.iban)
	g.set("bic", a.bank.bic)
	m.body = append(m.body, next("Avance"), checkBlock{label: "Je renonce au bénéfice de l'avance :", options: []string{"NON", "OUI"}, checked: g.r.IntN(2)})
	m.body = append(m.body, next("Identification de l'acheteur"), kvBlock{rows: []kv{
		{"Pouvoir adjudicateur", b.name},
		{"Direction", b.direction},
		{"Service", b.service},
		{"Personne habilitée à donner les renseignements", b.agent},
	}})
	m.body = append(m.body, signatureBlock{
		left:  []string{"Le titulaire", "Fait à " + sup.addr.city + ", le " + g.date(g.now), sup.person},
		right: []string{"Pour l'État, le pouvoir adjudicateur", "Fait à " + b.addr.city + ", le ............"},
	})
	g.set("date", isoDate(g.now))
	return m
}

func (g *gen) ficheNavette() *docModel {
	b := g.buyerOr(g.stateBuyer)
	subj := g.subjectOr(g.subjectAny)
	sup := g.supplierOr(func() company { return g.nonMicroCompany(subj.consulting) })
	ref := g.refOr(g.now.Year())
	m := &docModel{title: pick(g.r, []string{"FICHE NAVETTE PLACE-CHORUS", "Fiche navette PLACE-CHORUS", "FICHE NAVETTE PLACE – CHORUS"})}
	m.issuer = g.adminIssuer(b)
	m.running = "Fiche navette – " + ref
	s := g.amountOr(func() int64 { return int64(20000+g.r.IntN(800000)) * 100 })
	months := g.monthsOr()
	rows := []kv{
		{"Libellé accord-cadre", subj.objet},
		{"N° accord-cadre", ref},
		{"Procédure", pick(g.r, []string{"Appel d'offres ouvert", "Procédure adaptée", "Marché subséquent"})},
		{"Titulaire", sup.name},
		{"SIRET du titulaire", fmtSIRET(sup.siret, g.idSty)},
		{"Date de notification", g.date(g.now)},
		{"Durée (mois)", fmt.Sprintf("%d mois", months)},
		{"Reconduction", pick(g.r, []string{"Non", "Oui – tacite, 1 fois 12 mois", "Oui – expresse, 3 fois 12 mois"})},
		{"Montant HT", g.money(s.ht)},
	}
	if len(s.rates) == 1 {
		rows = append(rows, kv{"Taux de la TVA", fmtRate(s.rates[0], g.r.IntN(2) == 0)})
		g.set("taux_tva", rateValue(s.rates[0]))
	}
	g.set("objet", subj.objet)
	g.set("reference_marche", ref)
	g.set("fournisseur.nom", sup.name)
	g.set("fournisseur.siret", sup.siret)
	g.set("duree_mois", months)
	g.set("montant_ht", centsValue(s.ht))
	g.set("date", isoDate(g.now))
	if g.r.IntN(2) == 0 {
		rows = append(rows, kv{"Montant TTC", g.money(s.ttc)})
		g.set("montant_ttc", centsValue(s.ttc))
	}
	rows = append(rows, kv{"Code CPV", subj.cpv})
	g.set("code_cpv", subj.cpv)
	prog := pick(g.r, []string{"0129", "0218", "0174", "0203", "0723", "0354"})
	if g.spec != nil && g.spec.Imputation != nil && g.spec.Imputation.CentreFinancier != "" {
		im := g.spec.Imputation
		imp := []kv{{"Centre financier", im.CentreFinancier}}
		for _, r := range []kv{{"Centre de coût", im.CentreCouts}, {"Domaine fonctionnel", im.DomaineFonctionnel}, {"Activité", im.Activite},
			{"Localisation interministérielle", im.Localisation}, {"Groupe de marchandise", im.GroupeMarchandises}} {
			if r.value != "" {
				imp = append(imp, r)
			}
		}
		return g.ficheNavetteBody(m, rows, imp)
	}
	imp := []kv{
		{"Centre financier", fmt.Sprintf("%s-%s-%s", prog, pick(g.r, []string{"CDIE", "CLIM", "DNUM", "SGMI"}), pick(g.r, []string{"SCEE", "C001", "DA75"}))},
		{"Centre de coût", pick(g.r, []string{"DRIEETR075", "SGDSIC0001", "DAFBUD0012", "DNUMPI0003"})},
		{"Domaine fonctionnel", fmt.Sprintf("%s-%02d-%02d", prog, 1+g.r.IntN(9), 1+g.r.IntN(9))},
		{"Activité", fmt.Sprintf("%s%02d%s", prog[1:], 1+g.r.IntN(9), pick(g.r, []string{"DGTUCT", "SGPILO", "NUMSIC", "RHFORM"}))},
		{"Localisation interministérielle", pick(g.r, []string{"N", "N11", "N9130", "N7630189", "S1200594", "B104788"})},
		{"Groupe de marchandise", pick(g.r, []string{"40.01.02", "33.01.04", "33.02.01", "33.99.99", "36.02.01"})},
	}
	return g.ficheNavetteBody(m, rows, imp)
}

func (g *gen) ficheNavetteBody(m *docModel, rows, imp []kv) *docModel {
	m.body = append(m.body, headingBlock{text: "Données du marché", level: 1}, kvBlock{rows: rows},
		headingBlock{text: "Imputation budgétaire", level: 1}, kvBlock{rows: imp},
		paraBlock{gray: true, text: "Fiche à transmettre au centre de services partagés avec l'acte d'engagement signé et la notification."})
	return m
}

func (g *gen) cctp() *docModel {
	b := g.buyerOr(g.stateBuyer)
	subj := g.subjectOr(g.subjectAny)
	ref := g.refOr(g.now.Year())
	m := &docModel{title: pick(g.r, []string{"CAHIER DES CLAUSES TECHNIQUES PARTICULIÈRES", "Cahier des clauses techniques particulières (CCTP)", "CCTP"})}
	m.subtitle = subj.objet
	m.issuer = g.adminIssuer(b)
	m.running = "CCTP – " + ref
	m.meta = []kv{{g.lab("marche"), ref}, {pick(g.r, []string{"Date", "Version du", "Date de rédaction"}), g.date(g.now)}}
	g.set("reference_marche", ref)
	g.set("date", isoDate(g.now))
	g.set("objet", subj.objet)
	n := 1
	next := func(t string) headingBlock { h := g.article(n, t); n++; return h }
	m.body = append(m.body, next("Objet du marché"),
		paraBlock{text: "Le présent marché a pour objet : " + subj.objet + "."},
		paraBlock{text: "Classification CPV : " + subj.cpv + " – " + subj.cpvLabel + "."})
	g.set("code_cpv", subj.cpv)
	m.body = append(m.body, next("Contexte"),
		paraBlock{text: "Le service « " + b.service + " » (" + b.direction + ") conduit un programme de modernisation de ses outils et de ses méthodes de travail. Les équipes internes ne disposent pas de l'ensemble des compétences requises dans les délais fixés par la feuille de route ministérielle."},
		paraBlock{text: "Le titulaire devra s'appuyer sur les travaux déjà menés, notamment les diagnostics réalisés en interne et les retours des usagers recueillis lors des ateliers de l'année précédente."})
	nLots := 1 + g.r.IntN(3)
	var lots []string
	for i := 1; i <= nLots; i++ {
		lots = append(lots, fmt.Sprintf("Lot n° %d : %s", i, pick(g.r, []string{"cadrage et pilotage", "accompagnement au changement", "études et analyses", "formation des agents", "assistance technique", "communication et diffusion"})))
	}
	if nLots == 1 {
		m.body = append(m.body, next("Allotissement"), paraBlock{text: "Le marché n'est pas alloti : les prestations forment un ensemble indissociable."})
	} else {
		m.body = append(m.body, next("Allotissement"), paraBlock{text: fmt.Sprintf("Le marché est décomposé en %d lots :", nLots)}, bulletBlock{items: lots})
	}
	months := g.monthsOr()
	m.body = append(m.body, next("Durée du marché"), paraBlock{text: g.durationSentence(months)})
	g.set("duree_mois", months)
	var items []string
	for _, p := range phases[:3+g.r.IntN(3)] {
		items = append(items, p+" : "+pick(g.r, []string{"entretiens avec les parties prenantes et analyse documentaire", "ateliers de co-construction avec les agents", "formalisation des scénarios et de leurs coûts", "accompagnement des équipes lors de la mise en œuvre", "bilan et transfert de compétences aux agents"}))
	}
	m.body = append(m.body, next("Description des prestations"), paraBlock{text: "Les prestations attendues se décomposent comme suit :"}, bulletBlock{items: items})
	m.body = append(m.body, next("Livrables"), bulletBlock{items: deliverables[:4+g.r.IntN(4)]})
	m.body = append(m.body, next("Pilotage et comitologie"),
		paraBlock{text: "Un comité de pilotage (COPIL) réunit le commanditaire et le titulaire à chaque fin de phase. Un comité projet (COPROJ) se tient toutes les deux semaines. Le titulaire rédige les relevés de décision sous cinq jours ouvrés."})
	m.body = append(m.body, next("Profils et compétences attendus"), bulletBlock{items: []string{
		"un directeur de mission justifiant d'au moins dix ans d'expérience ;",
		"un ou plusieurs consultants seniors ayant conduit des missions comparables dans le secteur public ;",
		"des compétences en conduite du changement et en animation d'ateliers.",
	}})
	m.body = append(m.body, next("Réversibilité"), paraBlock{text: "À l'échéance du marché, le titulaire remet l'ensemble des livrables et des données sous un format ouvert et assure le transfert de compétences aux agents désignés."})
	m.body = append(m.body, next("Sécurité et protection des données"), paraBlock{text: "Le titulaire respecte le règlement (UE) 2016/679 (RGPD). Les données à caractère personnel traitées ne peuvent être utilisées à d'autres fins que l'exécution du marché."})
	return m
}

func (g *gen) memoireTechnique() *docModel {
	b := g.buyerOr(g.stateBuyer)
	subj := g.subjectOr(func() subject { return pick(g.r, consultingSubjects) })
	sup := g.supplierOr(func() company { return g.nonMicroCompany(true) })
	ref := g.refOr(g.now.Year())
	m := &docModel{title: pick(g.r, []string{"MÉMOIRE TECHNIQUE", "Mémoire technique", "MÉMOIRE TECHNIQUE ET MÉTHODOLOGIQUE"})}
	m.subtitle = subj.objet
	m.issuer = g.supplierParty(sup, "", true)
	m.legal = g.companyLegal(sup)
	m.running = sup.name + " – mémoire technique"
	rp := g.buyerParty(b, pick(g.r, []string{"Pouvoir adjudicateur", "Acheteur", "À l'attention de"}))
	m.recipient = &rp
	m.meta = []kv{{pick(g.r, []string{"Consultation n°", "Marché n°", "Référence de la consultation"}), ref}, {pick(g.r, []string{"Date", "Remis le", "Date de remise"}), g.date(g.now)}}
	g.set("reference_marche", ref)
	g.set("date", isoDate(g.now))
	g.set("objet", subj.objet)
	n := 1
	next := func(t string) headingBlock { h := g.article(n, t); n++; return h }
	m.body = append(m.body, next("Compréhension du besoin et des enjeux"),
		paraBlock{text: "Nous avons bien compris que la mission porte sur : " + lowerFirst(subj.objet) + ". L'enjeu principal est de sécuriser les décisions de la direction tout en associant les agents à chaque étape."},
		paraBlock{text: "Notre lecture du cahier des charges fait ressortir trois enjeux : la qualité du diagnostic, l'appropriation des scénarios par les équipes et le transfert de compétences."})
	m.body = append(m.body, next("Méthodologie proposée"), bulletBlock{items: phases[:3+g.r.IntN(3)]})
	ls := g.specLines(true, false)
	if !subj.consulting {
		ls = nil
	}
	var idx []int
	if ls == nil {
		nb := 2 + g.r.IntN(4)
		idx = g.r.Perm(len(profiles))[:nb]
	}
	t := tableBlock{cols: []column{{g.lab("col_profile"), 2.5, false}, {"Nom", 2.5, false}, {g.lab("col_days"), 1.2, true}}}
	days := 0
	if ls != nil {
		for _, l := range ls {
			days += l.qty
			t.rows = append(t.rows, []string{l.label, firstNames[g.r.IntN(len(firstNames))] + " " + lastNames[g.r.IntN(len(lastNames))], fmtQty(l.qty)})
		}
	} else {
		for _, i := range idx {
			d := 2 * (3 + g.r.IntN(25))
			days += d
			t.rows = append(t.rows, []string{profiles[i].name, firstNames[g.r.IntN(len(firstNames))] + " " + lastNames[g.r.IntN(len(lastNames))], fmtQty(d)})
		}
	}
	t.foot = [][]string{{pick(g.r, []string{"Total", "Total jours-homme", "Charge totale"}), "", fmtQty(days)}}
	g.set("conseil.nb_jours", qtyValue(days))
	m.body = append(m.body, next("Organisation de l'équipe et moyens humains"), paraBlock{text: "L'équipe proposée et la charge prévisionnelle par profil sont les suivantes :"}, t)
	m.body = append(m.body, next("Planning prévisionnel"), bulletBlock{items: []string{
		"Semaines 1 à 3 : cadrage, entretiens et analyse documentaire",
		"Semaines 4 à 8 : ateliers et élaboration des scénarios",
		"Semaines 9 à 12 : plan d'action, restitution et transfert de compétences",
	}})
	m.body = append(m.body, next("Références"), bulletBlock{items: []string{
		"Accompagnement d'une direction régionale dans la refonte de son organisation (2023)",
		"Évaluation d'un dispositif d'aide aux entreprises pour une collectivité (2024)",
		"Assistance à maîtrise d'ouvrage pour un opérateur de l'État (2022-2024)",
	}})
	m.body = append(m.body, next("Démarche qualité et RSE"), paraBlock{text: "Chaque livrable fait l'objet d'une relecture croisée par le directeur de mission. Nos consultants privilégient le train pour leurs déplacements et les réunions à distance lorsque c'est possible."})
	return m
}

func (g *gen) rib() *docModel {
	sup := g.supplierOr(func() company { return g.w.company(g.r, g.r.IntN(2) == 0) })
	a := sup.accountFor
	m := &docModel{title: pick(g.r, []string{"RELEVÉ D'IDENTITÉ BANCAIRE", "Relevé d'identité bancaire", "RIB – Relevé d'Identité Bancaire", "Coordonnées bancaires"})}
	m.issuer = party{lines: append([]string{a.bank.name, "Agence " + a.agencyAddr.city}, a.agencyAddr.lines()...), logo: initialsOf(a.bank.name)}
	g.set("fournisseur.nom", sup.name)
	g.set("fournisseur.adresse", sup.addr.gold())
	g.set("iban", a.iban)
	g.set("bic", a.bank.bic)
	holder := append([]string{sup.name}, sup.addr.lines()...)
	m.body = append(m.body, headingBlock{text: pick(g.r, []string{"Titulaire du compte", "Titulaire du compte (Account Owner)", "Titulaire"}), level: 2}, paraBlock{text: strings.Join(holder, "\n")})
	m.body = append(m.body, headingBlock{text: pick(g.r, []string{"Identifiant national de compte bancaire – RIB", "Relevé d'identité bancaire", "Références bancaires"}), level: 2},
		tableBlock{cols: []column{{"Code banque", 1, false}, {"Code guichet", 1, false}, {"N° de compte", 1.6, false}, {"Clé RIB", 0.7, false}, {"Devise", 0.7, false}},
			rows: [][]string{{a.banque, a.guichet, a.compte, a.cle, "EUR"}}})
	if g.r.IntN(2) == 0 {
		m.body = append(m.body, kvBlock{rows: []kv{{"IBAN", fmtIBAN(a.iban, true)}, {"BIC", a.bank.bic}, {"Domiciliation", a.agency}}})
	} else {
		var cells []string
		var cols []column
		for i := 0; i < len(a.iban); i += 4 {
			cells = append(cells, a.iban[i:min(i+4, len(a.iban))])
			cols = append(cols, column{"", 1, false})
		}
		cols[0].title = "IBAN"
		m.body = append(m.body, headingBlock{text: "Identifiant international de compte bancaire (IBAN)", level: 2}, tableBlock{cols: cols, rows: [][]string{cells}},
			kvBlock{rows: []kv{{"BIC (Bank Identifier Code)", a.bank.bic}, {"Domiciliation", a.agency}}})
	}
	m.body = append(m.body, paraBlock{gray: true, text: "Remettez ce relevé à tout organisme ayant besoin de connaître vos références bancaires pour la domiciliation de vos virements ou de vos prélèvements. Vous éviterez ainsi des erreurs ou des retards d'exécution."})
	return m
}

var formeLongue = map[string]string{
	"SAS": "Société par actions simplifiée", "SARL": "Société à responsabilité limitée", "SA": "Société anonyme à conseil d'administration",
	"SASU": "Société par actions simplifiée unipersonnelle", "EURL": "Entreprise unipersonnelle à responsabilité limitée",
	"SCOP SARL": "Société coopérative ouvrière de production à responsabilité limitée",
}

func (g *gen) kbis() *docModel {
	sup := g.supplierOr(func() company { return g.nonMicroCompany(g.r.IntN(2) == 0) })
	greffeCity := sup.greffe
	m := &docModel{title: pick(g.r, []string{"Extrait Kbis", "EXTRAIT KBIS", "Extrait d'immatriculation principale"})}
	m.subtitle = "EXTRAIT D'IMMATRICULATION PRINCIPALE AU REGISTRE DU COMMERCE ET DES SOCIÉTÉS"
	gaddr := g.w.address(g.r)
	m.issuer = party{lines: []string{"Greffe du Tribunal de commerce de " + greffeCity, gaddr.street, gaddr.postcode + " " + greffeCity}}
	m.meta = []kv{{pick(g.r, []string{"à jour au", "Extrait à jour au", "Délivré le"}), g.date(g.now)}}
	g.set("date", isoDate(g.now))
	m.running = "Extrait Kbis – " + sup.name
	g.set("fournisseur.nom", sup.name)
	g.set("fournisseur.siren", sup.siren)
	g.set("fournisseur.adresse", sup.addr.gold())
	capital := strings.TrimSuffix(money(sup.capital*100, amountFmt{" ", ""}), ",00") + " euros"
	m.body = append(m.body, headingBlock{text: "IDENTIFICATION DE LA PERSONNE MORALE", level: 1}, kvBlock{rows: []kv{
		{"Immatriculation au RCS, numéro", fmtSIREN(sup.siren, true) + " R.C.S. " + greffeCity},
		{"Date d'immatriculation", fmtDate(sup.createdAt, dateSlash)},
		{"Dénomination ou raison sociale", sup.name},
		{"Forme juridique", formeLongue[sup.form]},
		{"Capital social", capital},
		{"Adresse du siège", sup.addr.street + " " + sup.addr.postcode + " " + sup.addr.city},
		{"Activités principales", sup.naf.label},
		{"Durée de la personne morale", fmt.Sprintf("Jusqu'au %s", fmtDate(sup.createdAt.AddDate(99, 0, 0), dateSlash))},
	}})
	role := "Président"
	if strings.Contains(sup.form, "SARL") || sup.form == "EURL" {
		role = "Gérant"
	}
	m.body = append(m.body, headingBlock{text: "GESTION, DIRECTION, ADMINISTRATION, CONTRÔLE, ASSOCIÉS OU MEMBRES", level: 1}, kvBlock{rows: []kv{
		{role, sup.person},
		{"Commissaire aux comptes titulaire", pick(g.r, []string{"Néant", "Cabinet " + pick(g.r, lastNames) + " Audit"})},
	}})
	m.body = append(m.body, headingBlock{text: "RENSEIGNEMENTS RELATIFS À L'ACTIVITÉ ET À L'ÉTABLISSEMENT PRINCIPAL", level: 1}, kvBlock{rows: []kv{
		{"Adresse de l'établissement", sup.addr.street + " " + sup.addr.postcode + " " + sup.addr.city},
		{"Activité(s) exercée(s)", sup.naf.label},
		{"Date de commencement d'activité", fmtDate(sup.createdAt, dateSlash)},
		{"Origine du fonds ou de l'activité", "Création"},
		{"Mode d'exploitation", "Exploitation directe"},
	}})
	m.body = append(m.body, paraBlock{text: "Le Greffier", st: bold}, paraBlock{text: "FIN DE L'EXTRAIT", st: italic})
	return m
}
