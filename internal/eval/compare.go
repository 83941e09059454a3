// Package eval scores extraction results against gold sets (CONTRACT.md §5):
// per field, accuracy (correct / gold) and precision (correct / predicted),
// and document-type accuracy.
package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Kind is how a field's values are compared.
type Kind int

const (
	KindIdentifier Kind = iota // letters and digits only, case-insensitive
	KindAmount                 // within 0.01 €
	KindDate                   // on YYYY-MM-DD
	KindName                   // case-, accent- and legal-form-insensitive
	KindText                   // free text: the same words, in any case and accents, 80 % overlap
)

// KindOf says how a field is compared, from its name.
func KindOf(field string) Kind {
	switch {
	case strings.HasPrefix(field, "montant_"), field == "net_a_payer", field == "taux_tva",
		field == "conseil.tjm", field == "conseil.nb_jours", field == "duree_mois":
		return KindAmount
	case strings.HasPrefix(field, "date"):
		return KindDate
	case strings.HasSuffix(field, ".nom"):
		return KindName
	case field == "objet", strings.HasSuffix(field, ".adresse"), field == "administration_beneficiaire",
		field == "conseil.categorie":
		return KindText
	}
	return KindIdentifier
}

// Match says whether a predicted value matches the gold value of field.
func Match(field string, gold, got any) bool {
	switch KindOf(field) {
	case KindAmount:
		g, ok1 := number(gold)
		p, ok2 := number(got)
		return ok1 && ok2 && math.Abs(g-p) <= 0.01+1e-9
	case KindDate:
		return dateKey(gold) != "" && dateKey(gold) == dateKey(got)
	case KindName:
		g := nameKey(fmt.Sprint(gold))
		return g != "" && g == nameKey(fmt.Sprint(got))
	case KindText:
		return textOverlap(fmt.Sprint(gold), fmt.Sprint(got)) >= 0.8
	}
	g := alnum(fmt.Sprint(gold))
	return g != "" && g == alnum(fmt.Sprint(got))
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.ReplaceAll(x, ",", "."), 64)
		return f, err == nil
	}
	return 0, false
}

func dateKey(v any) string {
	s := strings.TrimSpace(fmt.Sprint(v))
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:10]
	}
	return ""
}

func alnum(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// legalForms are left out of names: "SAS Dupont" and "Dupont SAS" match.
var legalForms = map[string]bool{
	"sa": true, "sas": true, "sasu": true, "sarl": true, "eurl": true, "eirl": true, "ei": true,
	"snc": true, "sci": true, "scop": true, "scp": true, "selarl": true, "selas": true, "gie": true,
	"sca": true, "scs": true, "se": true, "association": true, "ste": true, "societe": true,
}

func nameKey(s string) string {
	var out []string
	for _, w := range words(s) {
		if !legalForms[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// words folds case and accents and splits on anything but letters and
// digits; "S.A.S." becomes "sas".
func words(s string) []string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, _ := transform.String(t, strings.ToLower(s))
	folded = strings.NewReplacer(".", "", "'", " ", "’", " ").Replace(folded)
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// textOverlap is the Jaccard index of the two texts' word sets.
func textOverlap(a, b string) float64 {
	wa, wb := map[string]bool{}, map[string]bool{}
	for _, w := range words(a) {
		wa[w] = true
	}
	for _, w := range words(b) {
		wb[w] = true
	}
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(wa)+len(wb)-inter)
}
