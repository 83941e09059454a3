package items

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
)

// The six legal categories of consulting (DOMAIN.md §2.1), as values of
// conseil.categorie.
const (
	CatStrategie           = "strategie"
	CatOrganisationRH      = "organisation_rh"
	CatInformatique        = "informatique"
	CatCommunication       = "communication"
	CatPolitiquesPubliques = "politiques_publiques"
	CatJuridiqueFinancier  = "juridique_financier_assurance"
)

// Categories lists the values of conseil.categorie in the order of the law.
var Categories = []string{CatStrategie, CatOrganisationRH, CatInformatique, CatCommunication, CatPolitiquesPubliques, CatJuridiqueFinancier}

// categoryCues are folded keywords (accents removed, lowercase) with their
// weight; a cue matches at word starts.
var categoryCues = map[string]map[string]float64{
	CatStrategie: {
		"strategie": 3, "strategique": 3, "plan strategique": 4, "feuille de route": 2, "vision": 1, "prospective": 2,
		"positionnement": 2, "business plan": 3, "plan de transformation": 2, "cadrage strategique": 4, "benchmark": 1,
		"projet d'etablissement": 2, "trajectoire": 1,
	},
	CatOrganisationRH: {
		"organisation": 2, "reorganisation": 3, "ressources humaines": 4, "rh": 2, "gpec": 4, "gpeec": 4,
		"conduite du changement": 3, "accompagnement au changement": 3, "management": 2, "recrutement": 3,
		"competences": 1, "efficacite operationnelle": 3, "processus": 1, "lean": 2, "qualite de vie au travail": 3,
		"qvt": 3, "climat social": 3, "risques psychosociaux": 3, "coaching": 2, "organigramme": 2, "masse salariale": 2,
		"dialogue social": 3, "mutualisation": 2, "fusion": 1,
	},
	CatInformatique: {
		"systeme d'information": 4, "systemes d'information": 4, "si": 1, "informatique": 3, "numerique": 2, "digital": 2,
		"transformation numerique": 4, "amoa": 4, "assistance a maitrise d'ouvrage": 3, "schema directeur": 2, "sdsi": 4,
		"cloud": 2, "cybersecurite": 3, "securite des systemes": 3, "donnees": 1, "data": 2, "architecture": 2,
		"urbanisation": 2, "erp": 3, "logiciel": 2, "applicatif": 2, "application": 1, "dematerialisation": 2,
		"infrastructure": 2, "rgpd": 1, "moa": 2, "moe": 2, "dsi": 3,
	},
	CatCommunication: {
		"communication": 4, "campagne": 2, "relations presse": 4, "relations medias": 4, "media": 1, "reseaux sociaux": 3,
		"identite visuelle": 4, "charte graphique": 3, "influence": 3, "evenementiel": 3, "affaires publiques": 3,
		"plan de communication": 4, "marque": 1, "notoriete": 2, "editorial": 2, "site internet": 1,
	},
	CatPolitiquesPubliques: {
		"politique publique": 4, "politiques publiques": 4, "evaluation": 2, "mise en oeuvre": 2, "etude d'impact": 3,
		"concertation": 3, "dispositif": 1, "territoire": 1, "territorial": 1, "territoriale": 1, "reforme": 2,
		"usagers": 1, "service public": 2, "programme": 1, "appui a la mise en oeuvre": 4, "beneficiaires": 1,
	},
	CatJuridiqueFinancier: {
		"juridique": 4, "droit": 1, "contentieux": 3, "avocat": 3, "financier": 3, "financiere": 3, "finance": 2,
		"finances": 2, "fiscal": 3, "fiscale": 3, "fiscalite": 3, "audit financier": 4, "comptable": 2,
		"budgetaire": 2, "assurance": 3, "assurances": 3, "actuariat": 4, "actuariel": 4, "valorisation": 2,
		"due diligence": 4, "montage financier": 4, "analyse financiere": 4, "controle de gestion": 3,
		"marches publics": 1, "tarification": 2,
	},
}

// consultingCue says a text is about consulting at all.
var consultingCue = regexp.MustCompile(`\b(conseil|consultant|consultante|consultants|cabinet|accompagnement|amoa|audit|etude|expertise|mission|diagnostic|jours?[- ]hommes?|tjm)\b`)

var (
	// "12 jours-homme", "30 j/h", "15 JH", "8 hommes-jours"
	reManDays = regexp.MustCompile(`(\d+(?:[.,]\d+)?)\s*(?:jours?[- ]?hommes?|j/h|j\.h\.?|jh|hommes?[- ]jours?|h/j)\b`)
	// "Nombre de jours : 12", "nombre total de jours : 12,5"
	// and "Total jours : 80", "total des jours-homme 80"
	reDayCount = regexp.MustCompile(`(?:(?:nombre|nb|nbre)\s+(?:total\s+)?de\s+jours|total\s+(?:des\s+)?jours)(?:[- ]hommes?)?\s*(?:[:=]|estime\s*:?)?\s*(\d+(?:[.,]\d+)?)`)
	// "TJM : 1 200 € HT", "taux journalier moyen de 950 €", "prix de journée : 800"
	reRateCue = regexp.MustCompile(`\b(tjm|taux journalier|tarif journalier|prix de journee|prix journalier|prix (?:par |a la )?jour(?:nee)?|cout journalier|tarif jour)\b`)
	// "950 € HT / jour", "1 200 €/j"
	rePerDay = regexp.MustCompile(`(?:€|eur|euros)\s*(?:ht)?\s*(?:/|par)\s*(?:jour|j|journee)\b`)
)

// Conseil reads the consulting figures of a document: conseil.nb_jours
// (total person-days), conseil.tjm (daily rate in € HT, when one rate is
// printed) and conseil.categorie (one of Categories). Figures come from the
// day-priced rows of t first, from the text for what the table leaves open. Nothing is returned when the document says nothing of
// days or daily rates.
func Conseil(doc *document.Document, t Table) map[string]document.Field {
	out := map[string]document.Field{}
	if doc == nil {
		return out
	}
	fromTable(t, out)
	fromText(doc, out) // what the table left open: a printed "TJM moyen", "Total jours"
	if len(out) == 0 {
		return out
	}
	if f, ok := category(doc, t); ok {
		out["conseil.categorie"] = f
	}
	return out
}

// fromTable sums the day-priced rows of the table.
func fromTable(t Table, out map[string]document.Field) bool {
	var days, pricedDays, rate0 float64
	oneRate := true
	var box document.Box
	page := 0
	var parts []string
	n := 0
	for i, it := range t.Items {
		if i >= len(t.rows) || it.Quantite == nil {
			continue
		}
		factor := dayFactor(it.Unite)
		if factor == 0 && it.Unite == "" && t.rows[i].dayHint {
			factor = 1
		}
		if factor == 0 {
			continue
		}
		d := *it.Quantite * factor
		if d <= 0 || d > 1e5 {
			continue
		}
		days += d
		n++
		if page == 0 {
			page = t.rows[i].page
		}
		if t.rows[i].page == page {
			box = box.Union(t.rows[i].box)
		}
		var rate float64
		switch {
		case it.PrixUnitaireHT != nil:
			rate = *it.PrixUnitaireHT / factor
		case it.MontantHT != nil:
			rate = *it.MontantHT / d
		}
		if rate > 0 {
			if pricedDays > 0 && math.Abs(rate-rate0) > 0.005 {
				oneRate = false
			}
			rate0 = rate
			pricedDays += d
		}
		if len(parts) < 12 {
			if rate > 0 {
				parts = append(parts, fmt.Sprintf("%s : %s j × %s", short(it.Designation), num(d), euros(rate)))
			} else {
				parts = append(parts, fmt.Sprintf("%s : %s j", short(it.Designation), num(d)))
			}
		}
	}
	if n == 0 {
		return false
	}
	conf := 0.85
	for i := range t.rows {
		if !t.rows[i].checked {
			conf = 0.7
			break
		}
	}
	evidence := strings.Join(parts, " ; ")
	out["conseil.nb_jours"] = document.Field{Value: round2(days), Confidence: conf, Page: page,
		Evidence: fmt.Sprintf("somme des jours de %d ligne(s) : %s", n, evidence), BBox: box.Array()}
	// A daily rate is reported only when the page prints it: one rate for
	// every day row. Several profiles at several rates have no printed TJM
	// unless the text states one ("TJM moyen"), which fromText reads.
	if pricedDays > 0 && oneRate {
		out["conseil.tjm"] = document.Field{Value: round2(rate0), Confidence: conf, Page: page, Evidence: evidence, BBox: box.Array()}
	}
	return true
}

type textHit struct {
	value float64
	page  int
	line  *document.Line
	total bool
}

// fromText reads "N jours-homme" and "TJM : X €" in the running text.
func fromText(doc *document.Document, out map[string]document.Field) {
	var days, rate *textHit
	lines := 0
	for pi := range doc.Pages {
		pg := &doc.Pages[pi]
		for li := range pg.Lines {
			if lines++; lines > 20000 {
				break
			}
			l := &pg.Lines[li]
			text := l.Text()
			f := fold(text)
			if strings.IndexByte(f, 'j') < 0 && !strings.Contains(f, "tjm") {
				continue
			}
			total := strings.Contains(f, "total") || strings.Contains(f, "soit")
			for _, re := range []*regexp.Regexp{reManDays, reDayCount} {
				for _, m := range re.FindAllStringSubmatch(f, 4) {
					v, ok := fr.ParseAmount(m[1])
					if !ok || v <= 0 || v > 1e5 {
						continue
					}
					h := &textHit{v, pg.Number, l, total}
					if days == nil || (total && !days.total) || (total == days.total && v > days.value) {
						days = h
					}
				}
			}
			if rate == nil {
				if loc := reRateCue.FindStringIndex(f); loc != nil {
					if v, ok := amountAfter(text, f, loc[1]); ok {
						rate = &textHit{v, pg.Number, l, false}
					}
				} else if loc := rePerDay.FindStringIndex(f); loc != nil {
					if ams := fr.FindAmounts(text); len(ams) > 0 {
						best := ams[0]
						for _, a := range ams {
							if a.Start < loc[0]+8 {
								best = a
							}
						}
						rate = &textHit{best.Value, pg.Number, l, false}
					}
				}
			}
		}
	}
	if _, done := out["conseil.nb_jours"]; days != nil && !done {
		out["conseil.nb_jours"] = document.Field{Value: round2(days.value), Confidence: 0.7, Page: days.page,
			Evidence: strings.Join(strings.Fields(days.line.Text()), " "), BBox: days.line.Box.Array()}
	}
	if _, done := out["conseil.tjm"]; rate != nil && !done && rate.value >= 50 && rate.value <= 20000 {
		out["conseil.tjm"] = document.Field{Value: round2(rate.value), Confidence: 0.7, Page: rate.page,
			Evidence: strings.Join(strings.Fields(rate.line.Text()), " "), BBox: rate.line.Box.Array()}
	}
}

// amountAfter reads the first amount of text after the folded offset. The
// folded text may be longer than the original (œ → oe), so the offset is
// mapped back by counting runes.
func amountAfter(text, folded string, at int) (float64, bool) {
	runesBefore := len([]rune(folded[:at]))
	r := []rune(text)
	if runesBefore > len(r) {
		runesBefore = len(r)
	}
	rest := string(r[runesBefore:])
	if ams := fr.FindAmounts(rest); len(ams) > 0 {
		return ams[0].Value, true
	}
	// "TJM : 950" with no currency nor decimals.
	for _, w := range strings.Fields(rest) {
		w = strings.Trim(w, ":=")
		if w == "" {
			continue
		}
		if v, ok := fr.ParseAmount(w); ok {
			return v, true
		}
		if letters(w) > 0 {
			break
		}
	}
	return 0, false
}

// category scores the six categories on the document's text, designations
// counted twice, and keeps the best when the text is about consulting.
func category(doc *document.Document, t Table) (document.Field, bool) {
	scores := map[string]float64{}
	first := map[string]*textHit{}
	consulting := false
	lines := 0
	for pi := range doc.Pages {
		pg := &doc.Pages[pi]
		for li := range pg.Lines {
			if lines++; lines > 20000 {
				break
			}
			l := &pg.Lines[li]
			f := " " + fold(l.Text()) + " "
			if !consulting && consultingCue.MatchString(f) {
				consulting = true
			}
			scoreText(f, 1, scores, func(cat string) {
				if first[cat] == nil {
					first[cat] = &textHit{page: pg.Number, line: l}
				}
			})
		}
	}
	for _, it := range t.Items {
		scoreText(" "+fold(it.Designation)+" ", 1, scores, nil)
	}
	if !consulting {
		return document.Field{}, false
	}
	best, second := "", 0.0
	var total float64
	for _, c := range Categories {
		s := scores[c]
		total += s
		if best == "" || s > scores[best] {
			if best != "" {
				second = math.Max(second, scores[best])
			}
			best = c
		} else {
			second = math.Max(second, s)
		}
	}
	if scores[best] < 3 {
		return document.Field{}, false
	}
	conf := 0.4 + 0.5*(scores[best]-second)/total
	hit := first[best]
	f := document.Field{Value: best, Confidence: round2(math.Min(conf, 0.9))}
	if hit != nil {
		f.Page = hit.page
		f.Evidence = strings.Join(strings.Fields(hit.line.Text()), " ")
		f.BBox = hit.line.Box.Array()
	}
	return f, true
}

// scoreText adds the weights of the cues found in a folded text padded
// with spaces.
func scoreText(f string, mult float64, scores map[string]float64, onHit func(string)) {
	for cat, cues := range categoryCues {
		for cue, w := range cues {
			i := strings.Index(f, cue)
			if i <= 0 || isLetter(f[i-1]) {
				continue
			}
			if end := i + len(cue); end < len(f) && isLetter(f[end]) &&
				!(f[end] == 's' && (end+1 == len(f) || !isLetter(f[end+1]))) {
				continue
			}
			scores[cat] += w * mult
			if onHit != nil {
				onHit(cat)
			}
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 0x80 }
