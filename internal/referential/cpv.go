package referential

import (
	"fmt"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// CPV is a code of the Common Procurement Vocabulary (CPV 2008).
type CPV struct {
	Code  string // with its check digit, "79411000-8"
	Label string
	// Consulting is set for the consulting CPVs cited in DOMAIN.md §2.1 and
	// for their descendants; Inherited tells the latter apart.
	Consulting bool
	Inherited  bool
}

// Values of the conseil column of cpv.csv.
const (
	cpvConsultingCited      = "cite"
	cpvConsultingDescendant = "descendant"
)

// CPV looks a code up by its eight digits: "79411000-8", "79411000" and
// "79411000 - 8" all find it. The check digit given, if any, is not
// compared, since its algorithm is not documented (DOMAIN.md §4.5); the
// returned Code carries the table's.
func (s *Set) CPV(code string) (CPV, bool) {
	n, ok := fr.NormalizeCPV(code)
	if !ok {
		return CPV{}, false
	}
	c, ok := s.cpv[n[:8]]
	return c, ok
}

// CPVCount returns how many codes the table holds.
func (s *Set) CPVCount() int { return len(s.cpv) }

func (s *Set) parseCPV(t *table, data []byte) error {
	s.cpv = map[string]CPV{}
	return t.each(data, ';', []string{"code", "libelle", "conseil"}, nil, func(r row) error {
		raw := r.get("code")
		n, ok := fr.NormalizeCPV(raw)
		if !ok || len(n) != 10 {
			return fmt.Errorf("code CPV %q invalide (attendu : 8 chiffres, un tiret et la clé, par exemple 79411000-8)", raw)
		}
		if _, dup := s.cpv[n[:8]]; dup {
			return fmt.Errorf("code CPV %s en double", n)
		}
		if r.get("libelle") == "" {
			return fmt.Errorf("libellé du code CPV %s vide", n)
		}
		c := CPV{Code: n, Label: r.get("libelle")}
		switch strings.ToLower(r.get("conseil")) {
		case "":
		case cpvConsultingCited:
			c.Consulting = true
		case cpvConsultingDescendant:
			c.Consulting, c.Inherited = true, true
		default:
			return fmt.Errorf("valeur %q invalide dans la colonne conseil (attendu : cite, descendant ou vide)", r.get("conseil"))
		}
		s.cpv[n[:8]] = c
		return nil
	})
}
