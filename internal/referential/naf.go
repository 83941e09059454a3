package referential

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// NAFConseil is a NAF rév. 2 activity with its consulting weight: 1 for
// core consulting, lower for adjacent activities (DOMAIN.md §4.6).
type NAFConseil struct {
	Code     string // "70.22Z"
	Label    string
	Weight   float64
	Category string // legal consulting category the activity points to, if one
}

// NAFWeight returns how much a supplier's NAF code points to consulting, in
// [0, 1]; 0 for codes not listed and for malformed codes.
func (s *Set) NAFWeight(code string) float64 {
	n, ok := s.NAF(code)
	if !ok {
		return 0
	}
	return n.Weight
}

// NAF returns the listed NAF activity for code ("70.22Z", "7022Z", "70.22 z").
func (s *Set) NAF(code string) (NAFConseil, bool) {
	c, ok := fr.NormalizeNAF(code)
	if !ok {
		return NAFConseil{}, false
	}
	n, ok := s.naf[c]
	return n, ok
}

// NAFCodes returns the listed activities by decreasing weight, then code.
func (s *Set) NAFCodes() []NAFConseil {
	out := make([]NAFConseil, 0, len(s.naf))
	for _, n := range s.naf {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Code < out[j].Code
	})
	return out
}

func (s *Set) parseNAF(t *table, data []byte) error {
	s.naf = map[string]NAFConseil{}
	return t.each(data, ';', []string{"code", "libelle", "poids"}, []string{"categorie"}, func(r row) error {
		code, ok := fr.NormalizeNAF(r.get("code"))
		if !ok {
			return fmt.Errorf("code NAF %q invalide (attendu : 70.22Z)", r.get("code"))
		}
		if _, dup := s.naf[code]; dup {
			return fmt.Errorf("code NAF %s en double", code)
		}
		w, err := strconv.ParseFloat(strings.ReplaceAll(r.get("poids"), ",", "."), 64)
		if err != nil || !(w >= 0 && w <= 1) {
			return fmt.Errorf("poids %q invalide pour %s (attendu : nombre entre 0 et 1)", r.get("poids"), code)
		}
		cat := r.get("categorie")
		if cat != "" && !s.knownCategory(cat) {
			return fmt.Errorf("catégorie %q inconnue (voir %s)", cat, FileCategories)
		}
		s.naf[code] = NAFConseil{Code: code, Label: r.get("libelle"), Weight: w, Category: cat}
		return nil
	})
}
