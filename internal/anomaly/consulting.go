package anomaly

import (
	"strings"

	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
)

type (
	docSummary    = reconcile.DocumentSummary
	sourcedNumber = reconcile.SourcedNumber
)

// consultingView gathers what says an EJ is consulting, each signal kept
// apart because imputation compares them with each other.
type consultingView struct {
	gmConsulting   bool       // a poste's GM is tagged consulting
	gmKnown        bool       // at least one poste has a GM
	gmCodes        []string   // the postes' GM, in order, without repeats
	content        bool       // the documents or the CPV say consulting
	contentKnown   bool       // something describes the content (documents' objet, CPV)
	contentProof   []Evidence // what says the content is (or is not) consulting
	category       string     // legal consulting category, when one source names it
	categoryFrom   string
	documentsBlock bool // the documents print days, a TJM or a category
}

// consulting reads the consulting signals of an EJ: the GM tagged
// consulting (label keywords), a consulting CPV (Chorus or documents), the
// documents' conseil block (days, TJM, category) or objet keywords.
func (r *run) consulting(rec *Record) consultingView {
	var v consultingView
	num := rec.EJ.NumEJ
	for _, p := range rec.EJ.Postes {
		if strings.TrimSpace(p.GroupeMarchandises) == "" {
			continue
		}
		v.gmKnown = true
		if !contains(v.gmCodes, p.GroupeMarchandises) {
			v.gmCodes = append(v.gmCodes, p.GroupeMarchandises)
		}
		if r.ref.IsConsultingGM(p.GroupeMarchandises, p.GMLibelle) {
			v.gmConsulting = true
			if v.category == "" {
				if g, ok := r.ref.GM(p.GroupeMarchandises); ok && g.Category != "" {
					v.category, v.categoryFrom = g.Category, "gm"
				} else if cat, _, ok := r.ref.ConsultingByLabel(labelOr(p.GMLibelle, g.Label)); ok && cat != "" {
					v.category, v.categoryFrom = cat, "gm"
				}
			}
		}
	}
	en := &rec.Enriched
	// CPV, from Chorus then from the documents: a known code says either way.
	cpvSeen := false
	for _, p := range rec.EJ.Postes {
		if c, ok := r.ref.CPV(p.CodeCPV); ok {
			cpvSeen = true
			v.contentKnown = true
			if c.Consulting {
				v.content = true
				v.contentProof = append(v.contentProof, chorusEvidence(num, "code_cpv", c.Code+" "+c.Label))
			}
		}
	}
	eachDoc(en.Documents, func(d *docSummary) bool {
		f, ok := d.Fields["code_cpv"]
		if !ok {
			return true
		}
		if c, ok := r.ref.CPV(fieldText(f)); ok {
			cpvSeen = true
			v.contentKnown = true
			if c.Consulting {
				v.content = true
				v.contentProof = append(v.contentProof, docEvidence(num, d, "code_cpv", f))
			}
		}
		return true
	})
	// The documents' consulting figures count when no CPV says otherwise
	// and the objet reads as consulting: days alone also price room hire
	// or training.
	if c := en.Conseil; c != nil && (v.content || !cpvSeen && r.consultingObjet(rec)) {
		v.documentsBlock = true
		v.content, v.contentKnown = true, true
		if c.Categorie != nil {
			v.category, v.categoryFrom = c.Categorie.Value, "pieces"
			for _, s := range c.Categorie.Sources {
				v.contentProof = append(v.contentProof, sourceEvidence(num, s, c.Categorie.Value))
			}
		}
		for _, n := range []*struct {
			champ string
			sn    *sourcedNumber
		}{{"conseil.tjm", c.TJM}, {"conseil.nb_jours", c.NbJours}} {
			if n.sn != nil && len(n.sn.Sources) > 0 {
				v.contentProof = append(v.contentProof, sourceEvidence(num, n.sn.Sources[0], trimFloat(n.sn.Value)))
			}
		}
	}
	// The objet read on the documents, when no CPV says anything.
	if !cpvSeen && !v.documentsBlock && en.Designation.Value != "" && len(en.Designation.Sources) > 0 && en.Designation.Sources[0].Document != "chorus" {
		v.contentKnown = true
		if cat, _, ok := r.ref.ConsultingByLabel(en.Designation.Value); ok {
			v.content = true
			v.contentProof = append(v.contentProof, sourceEvidence(num, en.Designation.Sources[0], en.Designation.Value))
			if v.category == "" && cat != "" {
				v.category, v.categoryFrom = cat, "objet"
			}
		}
	}
	return v
}

// isConsulting is the union of the signals: GM, CPV, documents.
func (v consultingView) isConsulting() bool { return v.gmConsulting || v.content }

func labelOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// civilMinistry reports whether the EJ's ministry (from its programmes,
// else Chorus's ministère) is known and is not one exempt from the DITP
// accord-cadre.
func (r *run) civilMinistry(rec *Record, exempt []string) (ministry string, known bool, civil bool) {
	for _, p := range rec.EJ.Postes {
		prog := p.Programme
		if prog == "" && len(p.CentreFinancier) >= 4 {
			prog = p.CentreFinancier[:4]
		}
		if m, ok := r.ref.MinistryOfProgramme(prog); ok {
			ministry = m
			break
		}
	}
	if ministry == "" {
		ministry = strings.TrimSpace(rec.EJ.Ministere)
	}
	if ministry == "" {
		return "", false, false
	}
	for _, e := range exempt {
		if sameMinistry(ministry, e) {
			return ministry, true, false
		}
	}
	return ministry, true, true
}

// consultingObjet reports whether the objet the documents give reads as
// consulting (label keywords).
func (r *run) consultingObjet(rec *Record) bool {
	d := rec.Enriched.Designation
	if d.Value == "" || len(d.Sources) == 0 || d.Sources[0].Document == "chorus" {
		return false
	}
	_, _, ok := r.ref.ConsultingByLabel(d.Value)
	return ok
}

// Consulting tells whether an EJ is consulting and, when a source names
// it, its legal category — as the rules see it, so that the indicators
// count what the anomalies judge.
func Consulting(rec *Record, ref *referential.Set) (consulting bool, category string) {
	v := (&run{ref: ref}).consulting(rec)
	return v.isConsulting(), v.category
}
