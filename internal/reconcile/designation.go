package reconcile

import (
	"strings"

	"github.com/depenses-eclairees/depenses/internal/chorus"
)

// chorusText is a designation Chorus holds, with where.
type chorusText struct {
	text string
	src  Source
}

// chorusDesignations lists the EJ's designation then the postes', each
// once.
func chorusDesignations(ej *chorus.EJ) []chorusText {
	var out []chorusText
	seen := map[string]bool{}
	add := func(text, field, evidence string) {
		text = strings.TrimSpace(text)
		n := normalize(text)
		if text == "" || seen[n] {
			return
		}
		seen[n] = true
		out = append(out, chorusText{text, Source{Document: chorusSource, Field: field, Evidence: evidence}})
	}
	add(ej.Designation, "designation_ej", ej.Designation)
	for _, p := range ej.Postes {
		ev := p.Designation
		if p.Poste != "" {
			ev = "poste " + p.Poste + " : " + p.Designation
		}
		add(p.Designation, "postes.designation", ev)
	}
	return out
}

// chooseDesignation takes the first clear objet of the documents, best
// document first, else the first clear Chorus designation, else the best
// candidate marked unclear. Every other document or Chorus text that says
// the same thing is added as a source.
func chooseDesignation(views []*view, ej *chorus.EJ) Designation {
	docs := candidates(views, "objet", nil)
	fromChorus := chorusDesignations(ej)

	pick := func() (string, Source, bool) {
		for _, c := range docs {
			if ok, _ := IsClear(c.text); ok {
				return c.text, c.source(), true
			}
		}
		for _, c := range fromChorus {
			if ok, _ := IsClear(c.text); ok {
				return c.text, c.src, true
			}
		}
		switch {
		case len(docs) > 0:
			return docs[0].text, docs[0].source(), false
		case len(fromChorus) > 0:
			return fromChorus[0].text, fromChorus[0].src, false
		}
		return "", Source{}, false
	}
	value, src, clear := pick()
	d := Designation{Value: value, Clair: clear, Sources: []Source{}}
	if value == "" {
		_, d.Motif = IsClear("")
		return d
	}
	if !clear {
		_, d.Motif = IsClear(value)
	}
	d.Sources = append(d.Sources, src)
	same := normalize(value)
	for _, c := range docs {
		if s := c.source(); s != src && normalize(c.text) == same {
			d.Sources = append(d.Sources, s)
		}
	}
	for _, c := range fromChorus {
		if c.src != src && normalize(c.text) == same {
			d.Sources = append(d.Sources, c.src)
		}
	}
	return d
}
