package reconcile

import (
	"fmt"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/chorus"
)

// ministryFillers are the folded words dropped before comparing ministry
// names: "Ministère", articles, prepositions and conjunctions ("dela" is
// "de la" as text extraction sometimes joins it).
var ministryFillers = wordSet(`ministere ministre de du des la le les l d et en a au aux chargee charge dela`)

// ministryWords is the set of content words of a ministry's name, folded:
// "Ministère de l'Économie, des Finances…" → {economie, finances, …}.
func ministryWords(name string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words(fold(truncate(name, maxTextBytes))) {
		if !ministryFillers[w] {
			set[w] = true
		}
	}
	return set
}

// sameMinistry tells whether two names designate the same ministry. Names
// change with each government and are written by portfolio ("Ministère
// chargé de la Santé") or in full ("Ministère du Travail, de la Santé et
// des Solidarités"), so two names agree when the content words of one are
// all in the other, or when they share at least half of their words
// together. known is false when either name has no content word.
func sameMinistry(a, b string) (same, known bool) {
	wa, wb := ministryWords(a), ministryWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return false, false
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	union := len(wa) + len(wb) - common
	return common == len(wa) || 2*common >= union, true
}

// ministryOfPath returns the ministry heading "Ministère > Direction >
// Service", or "" when the first part is not a ministry.
func ministryOfPath(path string) string {
	head, _, _ := strings.Cut(path, ">")
	head = strings.TrimSpace(head)
	f := fold(head)
	if strings.HasPrefix(f, "ministere") || strings.Contains(f, "premier ministre") {
		return head
	}
	return ""
}

// programmeOf gives a poste's programme as printed, from its own column
// or from the head of its centre financier.
func programmeOf(p *chorus.Poste) string {
	if s := strings.TrimSpace(p.Programme); s != "" {
		return s
	}
	head, _, _ := strings.Cut(strings.TrimSpace(p.CentreFinancier), "-")
	if len(head) >= 3 && len(head) <= 4 && strings.Trim(head, "0123456789") == "" {
		return head
	}
	return ""
}

// chorusMinistry is the ministry Chorus implies: the programme of the
// first poste that maps to one, else EJ.Ministere. byProgramme tells which.
func chorusMinistry(ej *chorus.EJ, ref Referential) (name string, src Source, byProgramme bool) {
	if ref != nil {
		for i := range ej.Postes {
			p := &ej.Postes[i]
			prog := programmeOf(p)
			if prog == "" {
				continue
			}
			if m, ok := ref.MinistryOfProgramme(prog); ok && strings.TrimSpace(m) != "" {
				ev := "programme " + prog
				if p.CentreFinancier != "" {
					ev = "centre financier " + p.CentreFinancier
				}
				return strings.TrimSpace(m), Source{Document: chorusSource, Field: "programme", Evidence: ev}, true
			}
		}
	}
	if m := strings.TrimSpace(ej.Ministere); m != "" {
		return m, Source{Document: chorusSource, Field: "ministere", Evidence: m}, false
	}
	return "", Source{}, false
}

// chorusBody is the service Chorus names below the ministry: the ODA's
// service bénéficiaire, else the label of a poste's centre financier.
func chorusBody(ej *chorus.EJ) (string, Source) {
	if v := strings.TrimSpace(ej.ServiceBeneficiaire); v != "" {
		return v, Source{Document: chorusSource, Field: "service_beneficiaire", Evidence: v}
	}
	for i := range ej.Postes {
		if v := strings.TrimSpace(ej.Postes[i].CentreFinancierLib); v != "" {
			return v, Source{Document: chorusSource, Field: "centre_financier_libelle", Evidence: v}
		}
	}
	return "", Source{}
}

// namesBody tells whether an administration names the body that benefits
// and not only a ministry: "Ministère > Direction", or a body that is not
// a ministry ("Direction des achats de l'État", "Préfecture du Nord"). A
// bare ministry, which any programme gives, explains nothing.
func namesBody(v string) bool {
	head, rest, found := strings.Cut(v, ">")
	if found && strings.TrimSpace(rest) != "" {
		return true
	}
	return strings.TrimSpace(head) != "" && ministryOfPath(head) == ""
}

// chorusAdministration is what Chorus alone says: the ministry, refined by
// the service it names when it names one.
func chorusAdministration(ej *chorus.EJ, ref Referential) (value string, srcs []Source, explicit bool) {
	name, src, _ := chorusMinistry(ej, ref)
	body, bodySrc := chorusBody(ej)
	switch {
	case name != "" && body != "":
		if same, _ := sameMinistry(ministryOfPath(body), name); ministryOfPath(body) != "" && same {
			return body, []Source{bodySrc, src}, namesBody(body)
		}
		return name + " > " + body, []Source{src, bodySrc}, true
	case body != "":
		return body, []Source{bodySrc}, namesBody(body)
	case name != "":
		return name, []Source{src}, false
	}
	return "", nil, false
}

// otherProgrammeMinistries warns when the postes' programmes belong to
// different ministries: the first is kept.
func otherProgrammeMinistries(ej *chorus.EJ, ref Referential, first string, warn func(string)) {
	if ref == nil {
		return
	}
	seen := map[string]bool{}
	for i := range ej.Postes {
		prog := programmeOf(&ej.Postes[i])
		if prog == "" {
			continue
		}
		m, ok := ref.MinistryOfProgramme(prog)
		if !ok || seen[m] {
			continue
		}
		seen[m] = true
		if same, known := sameMinistry(m, first); known && !same {
			warn(fmt.Sprintf("le programme %s relève de « %s », pas de « %s » retenu pour l'EJ", prog, m, first))
		}
	}
}

// chooseAdministration names the administration bénéficiaire: a
// document's "Ministère > Direction > Service" when it agrees with the
// ministry Chorus implies (or when Chorus implies none), else that
// ministry; a document naming another ministry is a conflict.
func chooseAdministration(views []*view, ej *chorus.EJ, ref Referential, conflicts *[]Conflict, warnings *[]string) Administration {
	docs := append(candidates(views, "administration_beneficiaire", nil), candidates(views, "acheteur.nom", nil)...)
	chorusName, chorusSrc, byProgramme := chorusMinistry(ej, ref)
	if byProgramme {
		otherProgrammeMinistries(ej, ref, chorusName, func(s string) { *warnings = append(*warnings, s) })
	}
	a := Administration{Sources: []Source{}}

	// The reference ministry: Chorus's, else the best document's.
	var refName string
	var refSource string
	var chosen *candidate
	if chorusName != "" {
		refName, refSource = chorusName, chorusSource
		for i := range docs {
			if m := ministryOfPath(docs[i].text); m != "" {
				if same, _ := sameMinistry(m, chorusName); same {
					chosen = &docs[i]
					break
				}
			}
		}
	} else if len(docs) > 0 {
		chosen = &docs[0]
		refName, refSource = ministryOfPath(chosen.text), chosen.v.sha
	}

	switch {
	case chosen != nil:
		a.Value, a.Explicite = chosen.text, namesBody(chosen.text)
		a.Sources = append(a.Sources, chosen.source())
		same := normalize(chosen.text)
		for _, d := range docs {
			if d.v != chosen.v && normalize(d.text) == same {
				a.Sources = append(a.Sources, d.source())
			}
		}
		if chorusName != "" {
			a.Sources = append(a.Sources, chorusSrc)
		}
	case chorusName != "":
		a.Value, a.Sources, a.Explicite = chorusAdministration(ej, ref)
	default:
		return a
	}
	if refName == "" {
		return a
	}

	// Documents naming another ministry than the reference one.
	c := Conflict{Champ: "administration_beneficiaire", Valeurs: []ConflictValue{{Value: refName, Source: refSource}}}
	seen := map[ConflictValue]bool{}
	for _, d := range docs {
		m := ministryOfPath(d.text)
		if m == "" {
			continue
		}
		if same, known := sameMinistry(m, refName); !known || same {
			continue
		}
		cv := ConflictValue{Value: d.text, Source: d.v.sha}
		if !seen[cv] {
			seen[cv] = true
			c.Valeurs = append(c.Valeurs, cv)
		}
	}
	if len(c.Valeurs) > 1 {
		*conflicts = append(*conflicts, c)
	}
	return a
}
