package anomaly

import (
	"fmt"
	"strings"
)

// imputation flags an EJ whose imputation does not fit what was bought
// (DOMAIN.md §3.3): consulting content (the documents' days, TJM or
// category, a consulting CPV, a consulting objet) imputed to groupes de
// marchandises none of which is consulting, or the reverse; a document
// naming an administration bénéficiaire of another ministry than both the
// programme's and Chorus's; a domaine fonctionnel of another programme
// than its centre financier. One anomaly per EJ, with the highest score of
// the findings.
func (r *run) imputation() []Anomaly {
	var out []Anomaly
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok {
			on = r.latest
		}
		var texts []string
		var proofs []Evidence
		score := 0.0
		add := func(s float64, text string, ev ...Evidence) {
			score = max(score, s)
			texts = append(texts, text)
			proofs = append(proofs, ev...)
		}
		num := rec.EJ.NumEJ
		c := r.consulting(rec)
		gmProofs := func() []Evidence {
			var ev []Evidence
			for _, p := range rec.EJ.Postes {
				if p.GroupeMarchandises != "" {
					ev = append(ev, chorusEvidence(num, "groupe_marchandises", strings.TrimSpace(p.GroupeMarchandises+" "+p.GMLibelle)))
				}
			}
			return ev
		}
		switch {
		case c.gmKnown && !c.gmConsulting && c.content:
			if s, ok := r.num("imputation.score_conseil", on); ok {
				add(s, fmt.Sprintf("le contenu est du conseil (%s) mais aucun groupe de marchandises de l'EJ (%s) n'est un GM de conseil : corriger l'imputation pour que la dépense soit comptée dans le conseil",
					c.contentSummary(), strings.Join(c.gmCodes, ", ")), append(gmProofs(), c.contentProof...)...)
			}
		case c.gmConsulting && c.contentKnown && !c.content:
			if s, ok := r.num("imputation.score_inverse", on); ok {
				add(s, fmt.Sprintf("l'EJ est imputé sur un GM de conseil (%s) alors que les pièces et le code CPV décrivent un achat courant sans prestation de conseil : corriger l'imputation",
					strings.Join(c.gmCodes, ", ")), append(gmProofs(), r.nonConsultingProof(rec)...)...)
			}
		}
		if s, ok := r.num("imputation.score_programme", on); ok {
			for _, p := range rec.EJ.Postes {
				cf, df := programmeOf(p.CentreFinancier), programmeOf(p.DomaineFonctionnel)
				if cf != "" && df != "" && cf != df {
					add(s, fmt.Sprintf("poste %s : le domaine fonctionnel %s relève du programme %s, le centre financier %s du programme %s",
						p.Poste, p.DomaineFonctionnel, df, p.CentreFinancier, cf),
						chorusEvidence(num, "centre_financier", p.CentreFinancier), chorusEvidence(num, "domaine_fonctionnel", p.DomaineFonctionnel))
				}
			}
		}
		if s, ok := r.num("imputation.score_administration", on); ok {
			if text, ev, found := r.foreignAdministration(rec); found {
				add(s, text, ev...)
			}
		}
		if len(texts) == 0 {
			continue
		}
		out = append(out, Anomaly{Code: CodeImputation, NumEJ: num, Score: score,
			Explication: "Imputation à vérifier : " + strings.Join(texts, " ; ") + ".",
			Preuves:     proofs, Regle: "groupes_marchandises.csv (conseil par libellé), cpv.csv, programmes.csv"})
	}
	return out
}

func (c consultingView) contentSummary() string {
	var parts []string
	if c.documentsBlock {
		parts = append(parts, "jours ou TJM sur les pièces")
	}
	if c.category != "" && c.categoryFrom != "gm" {
		parts = append(parts, "catégorie "+c.category)
	}
	for _, p := range c.contentProof {
		if p.Champ == "code_cpv" {
			parts = append(parts, "CPV "+p.Valeur)
			break
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "objet des pièces")
	}
	return strings.Join(parts, ", ")
}

// nonConsultingProof lists what describes the content: the CPV and the
// documents' objet.
func (r *run) nonConsultingProof(rec *Record) []Evidence {
	num := rec.EJ.NumEJ
	var ev []Evidence
	for _, p := range rec.EJ.Postes {
		if c, ok := r.ref.CPV(p.CodeCPV); ok {
			ev = append(ev, chorusEvidence(num, "code_cpv", c.Code+" "+c.Label))
			break
		}
	}
	if d := rec.Enriched.Designation; d.Value != "" && len(d.Sources) > 0 {
		ev = append(ev, sourceEvidence(num, d.Sources[0], d.Value))
	}
	return ev
}

// programmeOf reads the programme at the head of a centre financier
// ("0174-CLIM-SCEE") or domaine fonctionnel ("0203-04-02").
func programmeOf(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 4 {
		return ""
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	if len(s) > 4 && s[4] != '-' {
		return ""
	}
	return strings.TrimLeft(s[:4], "0")
}

// foreignAdministration finds a document naming, as the administration
// bénéficiaire, a ministry that is neither the programme's nor Chorus's.
func (r *run) foreignAdministration(rec *Record) (string, []Evidence, bool) {
	num := rec.EJ.NumEJ
	var chorusMinistries []string
	for _, p := range rec.EJ.Postes {
		prog := p.Programme
		if prog == "" {
			prog = programmeOf(p.CentreFinancier)
		}
		if m, ok := r.ref.MinistryOfProgramme(prog); ok && !contains(chorusMinistries, m) {
			chorusMinistries = append(chorusMinistries, m)
		}
	}
	if m := strings.TrimSpace(rec.EJ.Ministere); m != "" && !contains(chorusMinistries, m) {
		chorusMinistries = append(chorusMinistries, m)
	}
	if len(chorusMinistries) == 0 {
		return "", nil, false
	}
	var found string
	var ev []Evidence
	eachDoc(rec.Enriched.Documents, func(d *docSummary) bool {
		f, ok := d.Fields["administration_beneficiaire"]
		if !ok {
			return true
		}
		v := fieldText(f)
		head := strings.TrimSpace(strings.SplitN(v, ">", 2)[0])
		if head == "" || !strings.Contains(strings.ToLower(head), "minist") {
			return true // not a ministry: a service that cannot be compared
		}
		for _, m := range chorusMinistries {
			if sameMinistry(head, m) {
				return true
			}
		}
		found = head
		ev = append(ev, docEvidence(num, d, "administration_beneficiaire", f))
		return false
	})
	if found == "" {
		return "", nil, false
	}
	return fmt.Sprintf("les pièces nomment comme administration bénéficiaire « %s », qui n'est pas le ministère du programme imputé (%s) : vérifier le programme ou le centre financier",
		found, strings.Join(chorusMinistries, ", ")), ev, true
}
