package referential

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// The six legal categories of "prestations de conseil" (PPL art. 1 II,
// DOMAIN.md §2.1); their French labels live in categories_conseil.csv.
const (
	CategoryStrategy       = "strategie"
	CategoryOrganisationHR = "organisation_rh"
	CategoryIT             = "informatique"
	CategoryCommunication  = "communication"
	CategoryPublicPolicies = "politiques_publiques"
	CategoryLegalFinancial = "juridique_financier_assurance"
	consultingMinimumScore = 0.5
	maxKeywordTokens       = 12
	negationLookbackTokens = 2
)

// Category is one legal category of consulting.
type Category struct {
	Code  string
	Label string
}

// keyword effects, as written in mots_conseil.csv.
const (
	effectSignal    = "signal"    // points to consulting, with a weight
	effectExclusion = "exclusion" // rules consulting out (maintenance, travaux…)
	effectNeutral   = "neutre"    // consumes words that only look like a signal ("conseil d'administration")
)

type keyword struct {
	pattern  string
	tokens   []string
	effect   string
	category string
	weight   float64
}

// negators cancel the keyword that follows them: "hors maintenance". They
// go through labelTokens like the label ("hors" becomes "hor").
var negators = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range labelTokens("hors sauf excepté exclu exclus exclusion") {
		m[w] = true
	}
	return m
}()

func foldRune(r rune) (rune, rune) { return fr.FoldRune(r) }

// labelTokens folds text to lower-case unaccented words; a final s or x is
// dropped from longer words so that singular and plural match.
func labelTokens(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		w := b.String()
		b.Reset()
		if len(w) > 3 && (w[len(w)-1] == 's' || w[len(w)-1] == 'x') {
			w = w[:len(w)-1]
		}
		out = append(out, w)
	}
	for _, r := range s {
		first, second := foldRune(r)
		if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
			flush()
			continue
		}
		b.WriteRune(first)
		if second != 0 {
			b.WriteRune(second)
		}
	}
	flush()
	return out
}

// ConsultingByLabel tags a purchase label (a GM label, an EJ designation)
// with the embedded keyword list; see (*Set).ConsultingByLabel.
func ConsultingByLabel(label string) (category string, score float64, ok bool) {
	return Default().ConsultingByLabel(label)
}

// ConsultingByLabel scores label as consulting from its keywords: score is
// 1-Π(1-w) over the signals found, ok when it reaches 0.5 and no exclusion
// ("maintenance", "travaux"…) is present. category is one of the six legal
// categories when the signals point to one more than to any other, else "".
// Matching ignores case and accents; the longest keyword wins where
// keywords overlap; a keyword right after "hors" or "sauf" is ignored.
func (s *Set) ConsultingByLabel(label string) (category string, score float64, ok bool) {
	tokens := labelTokens(label)
	if len(tokens) == 0 {
		return "", 0, false
	}
	type match struct {
		kw         *keyword
		start, end int
	}
	var matches []match
	for i := range s.keywords {
		kw := &s.keywords[i]
		n := len(kw.tokens)
		for start := 0; start+n <= len(tokens); start++ {
			if equalTokens(tokens[start:start+n], kw.tokens) {
				matches = append(matches, match{kw, start, start + n})
			}
		}
	}
	sort.SliceStable(matches, func(i, j int) bool {
		li, lj := matches[i].end-matches[i].start, matches[j].end-matches[j].start
		if li != lj {
			return li > lj
		}
		return matches[i].start < matches[j].start
	})
	used := make([]bool, len(tokens))
	rest := 1.0
	perCategory := map[string]float64{}
	for _, m := range matches {
		free := true
		for i := m.start; i < m.end; i++ {
			if used[i] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for i := m.start; i < m.end; i++ {
			used[i] = true
		}
		if negated(tokens, m.start) {
			continue
		}
		switch m.kw.effect {
		case effectExclusion:
			return "", 0, false
		case effectSignal:
			rest *= 1 - m.kw.weight
			if m.kw.category != "" {
				perCategory[m.kw.category] += m.kw.weight
			}
		}
	}
	score = 1 - rest
	if score < consultingMinimumScore {
		return "", score, false
	}
	best, bestWeight, tie := "", 0.0, false
	for c, w := range perCategory {
		switch {
		case w > bestWeight:
			best, bestWeight, tie = c, w, false
		case w == bestWeight:
			tie = true
		}
	}
	if !tie {
		category = best
	}
	return category, score, true
}

func equalTokens(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func negated(tokens []string, start int) bool {
	for i := start - 1; i >= 0 && i >= start-negationLookbackTokens; i-- {
		if negators[tokens[i]] {
			return true
		}
	}
	return false
}

// Categories returns the legal consulting categories in file order.
func (s *Set) Categories() []Category {
	return append([]Category(nil), s.categories...)
}

// CategoryLabel returns the French label of a category code.
func (s *Set) CategoryLabel(code string) (string, bool) {
	for _, c := range s.categories {
		if c.Code == code {
			return c.Label, true
		}
	}
	return "", false
}

func (s *Set) knownCategory(code string) bool {
	_, ok := s.CategoryLabel(code)
	return ok
}

func (s *Set) parseCategories(t *table, data []byte) error {
	s.categories = nil
	err := t.each(data, ';', []string{"code", "libelle"}, nil, func(r row) error {
		code := r.get("code")
		if code == "" || r.get("libelle") == "" {
			return fmt.Errorf("code ou libellé de catégorie vide")
		}
		if s.knownCategory(code) {
			return fmt.Errorf("catégorie %q en double", code)
		}
		s.categories = append(s.categories, Category{Code: code, Label: r.get("libelle")})
		return nil
	})
	if err != nil {
		return err
	}
	// The code relies on these six names (CONTRACT.md conseil.categorie).
	for _, c := range []string{CategoryStrategy, CategoryOrganisationHR, CategoryIT, CategoryCommunication, CategoryPublicPolicies, CategoryLegalFinancial} {
		if !s.knownCategory(c) {
			return t.errorf(0, "catégorie légale %q absente", c)
		}
	}
	return nil
}

func (s *Set) parseKeywords(t *table, data []byte) error {
	s.keywords = nil
	seen := map[string]bool{}
	return t.each(data, ';', []string{"motif", "effet", "categorie", "poids"}, nil, func(r row) error {
		kw := keyword{pattern: r.get("motif"), effect: r.get("effet"), category: r.get("categorie")}
		kw.tokens = labelTokens(kw.pattern)
		if len(kw.tokens) == 0 {
			return fmt.Errorf("motif vide")
		}
		if len(kw.tokens) > maxKeywordTokens {
			return fmt.Errorf("motif %q trop long (plus de %d mots)", kw.pattern, maxKeywordTokens)
		}
		key := strings.Join(kw.tokens, " ")
		if seen[key] {
			return fmt.Errorf("motif %q en double", kw.pattern)
		}
		seen[key] = true
		switch kw.effect {
		case effectSignal:
			w, err := strconv.ParseFloat(strings.ReplaceAll(r.get("poids"), ",", "."), 64)
			if err != nil || !(w > 0 && w <= 1) {
				return fmt.Errorf("poids %q invalide pour %q (attendu : nombre dans ]0, 1])", r.get("poids"), kw.pattern)
			}
			kw.weight = w
		case effectExclusion, effectNeutral:
			if r.get("poids") != "" {
				return fmt.Errorf("un motif %q n'a pas de poids (%q)", kw.effect, kw.pattern)
			}
		default:
			return fmt.Errorf("effet %q invalide (attendu : signal, exclusion ou neutre)", kw.effect)
		}
		if kw.category != "" && (kw.effect != effectSignal || !s.knownCategory(kw.category)) {
			return fmt.Errorf("catégorie %q invalide pour %q (catégories : celles de %s, et seulement pour un signal)", kw.category, kw.pattern, FileCategories)
		}
		s.keywords = append(s.keywords, kw)
		return nil
	})
}
