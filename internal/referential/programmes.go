package referential

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Programme is a LOLF programme of the budget général.
type Programme struct {
	Code     string // three digits, e.g. "129"
	Label    string
	Mission  string
	Ministry string // ministry in charge
}

// programmeNumber reads "129", "0129", "P129", "P0129" (and "p 129"). A
// Chorus centre financier or domaine fonctionnel ("0129-…") is not a
// programme code: its caller cuts it first.
func programmeNumber(p string) (int, bool) {
	p = strings.TrimSpace(p)
	if len(p) > 0 && (p[0] == 'P' || p[0] == 'p') {
		p = strings.TrimSpace(p[1:])
	}
	if len(p) == 0 || len(p) > 4 {
		return 0, false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 100 || n > 999 {
		return 0, false
	}
	return n, true
}

// Programme returns the programme with code p (see programmeNumber for the
// accepted spellings).
func (s *Set) Programme(p string) (Programme, bool) {
	n, ok := programmeNumber(p)
	if !ok {
		return Programme{}, false
	}
	prog, ok := s.programmes[n]
	return prog, ok
}

// MinistryOfProgramme returns the ministry in charge of programme p.
func (s *Set) MinistryOfProgramme(p string) (string, bool) {
	prog, ok := s.Programme(p)
	if !ok || prog.Ministry == "" {
		return "", false
	}
	return prog.Ministry, true
}

// Programmes returns every programme, by code.
func (s *Set) Programmes() []Programme {
	out := make([]Programme, 0, len(s.programmes))
	for _, p := range s.programmes {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

func (s *Set) parseProgrammes(t *table, data []byte) error {
	s.programmes = map[int]Programme{}
	return t.each(data, ';', []string{"programme", "libelle", "mission", "ministere"}, nil, func(r row) error {
		n, ok := programmeNumber(r.get("programme"))
		if !ok {
			return fmt.Errorf("code de programme %q invalide (attendu : trois chiffres, par exemple 129 ou P0129)", r.get("programme"))
		}
		if _, dup := s.programmes[n]; dup {
			return fmt.Errorf("programme %d en double", n)
		}
		if r.get("libelle") == "" {
			return fmt.Errorf("libellé du programme %d vide", n)
		}
		s.programmes[n] = Programme{
			Code:     strconv.Itoa(n),
			Label:    r.get("libelle"),
			Mission:  r.get("mission"),
			Ministry: r.get("ministere"),
		}
		return nil
	})
}
