package reconcile

import (
	"math"

	"github.com/depenses-eclairees/depenses/internal/chorus"
)

// beforeEnrichment computes the three indicators from Chorus alone, with
// the same rules as after enrichment, so that the two compare.
func beforeEnrichment(ej *chorus.EJ, ref Referential) BeforeEnrichment {
	var b BeforeEnrichment
	for _, c := range chorusDesignations(ej) {
		if ok, _ := IsClear(c.text); ok {
			b.DesignationClaire = true
			break
		}
	}
	_, b.PrestataireIdentifie = chorusSIREN(ej)
	_, _, b.AdministrationExplicite = chorusAdministration(ej, ref)
	return b
}

// Tally counts enriched EJ for the usage indicators (`depenses stats`).
// The zero value is ready to use; it is not safe for concurrent use.
type Tally struct {
	ej            int
	before, after [3]int
}

// Add counts one enriched EJ.
func (t *Tally) Add(e Enriched) {
	t.ej++
	count := func(c *[3]int, designation, prestataire, administration bool) {
		for i, ok := range [3]bool{designation, prestataire, administration} {
			if ok {
				c[i]++
			}
		}
	}
	a := e.AvantEnrichissement
	count(&t.before, a.DesignationClaire, a.PrestataireIdentifie, a.AdministrationExplicite)
	count(&t.after, e.Designation.Clair, e.Prestataire.Identifie, e.AdministrationBeneficiaire.Explicite)
}

// Stats are the usage indicators over the EJ counted.
type Stats struct {
	NbEJ  int        `json:"nb_ej"`
	Avant Indicators `json:"avant_enrichissement"`
	Apres Indicators `json:"apres_enrichissement"`
}

// Indicators count the EJ meeting each of the three goals.
type Indicators struct {
	DesignationClaire       Indicator `json:"designation_claire"`
	PrestataireIdentifie    Indicator `json:"prestataire_identifie"`
	AdministrationExplicite Indicator `json:"administration_explicite"`
}

// Indicator is a count of EJ and its share of the EJ counted, in [0, 1]
// rounded to 4 decimals (0 when no EJ was counted).
type Indicator struct {
	Nombre int     `json:"nombre"`
	Part   float64 `json:"part"`
}

// Stats returns the indicators so far.
func (t *Tally) Stats() Stats {
	ind := func(c [3]int) Indicators {
		one := func(n int) Indicator {
			if t.ej == 0 {
				return Indicator{Nombre: n}
			}
			return Indicator{Nombre: n, Part: math.Round(float64(n)/float64(t.ej)*1e4) / 1e4}
		}
		return Indicators{one(c[0]), one(c[1]), one(c[2])}
	}
	return Stats{NbEJ: t.ej, Avant: ind(t.before), Apres: ind(t.after)}
}
