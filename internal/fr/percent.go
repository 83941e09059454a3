package fr

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"
)

// PercentMatch is a percentage found in a line of text.
type PercentMatch struct {
	Start, End int    // byte span of Text, '%' included
	Text       string // as printed
	Value      float64
}

// parsePercentNumeral reads the number of a percentage. Unlike amounts, a
// single dot is always decimal ("5.500 %" is 5.5).
func parsePercentNumeral(s string) (float64, bool) {
	if strings.Count(s, ".") == 1 && !strings.ContainsAny(s, ", '’\u00a0\u202f") {
		s = strings.Replace(s, ".", ",", 1)
	}
	v, _, ok := parseNumeral(s, false)
	return v, ok
}

// ParsePercent reads "20 %", "5,5%", "5.5 %", "2,10 %", "-5 %" or a bare
// "20" as a percentage, returning 20 (not 0.2).
func ParsePercent(s string) (float64, bool) {
	s = strings.TrimFunc(s, isSpaceRune)
	s = strings.TrimFunc(strings.TrimSuffix(s, "%"), isSpaceRune)
	neg := false
	if n := minusAt(s, 0); n > 0 {
		neg = true
		s = strings.TrimLeftFunc(s[n:], isSpaceRune)
	}
	if s == "" || !isDigitASCII(s[0]) || numeralEnd(s, 0) != len(s) {
		return 0, false
	}
	v, ok := parsePercentNumeral(s)
	if neg && v != 0 {
		v = -v
	}
	return v, ok
}

// FindPercents returns the percentages ("20 %", "5,5%") of a line of text.
func FindPercents(line string) []PercentMatch {
	var out []PercentMatch
	for i := 0; i < len(line); {
		if !isDigitASCII(line[i]) {
			i++
			continue
		}
		runEnd := numeralEnd(line, i)
		pct := skipBlanks(line, runEnd, amountGap)
		if pct < len(line) && line[pct] == '%' {
			// The percentage is the last blank-separated group of the run.
			start := i
			for j := i; j < runEnd; {
				r, size := utf8.DecodeRuneInString(line[j:])
				if isNumberBlank(r) {
					start = j + size
				}
				j += size
			}
			if !leftGlued(line, start) {
				if v, ok := parsePercentNumeral(line[start:runEnd]); ok {
					if n := minusBefore(line, start); n > 0 && start == i && !leftGlued(line, start-n) {
						start -= n
						v = -v
					}
					out = append(out, PercentMatch{Start: start, End: pct + 1, Text: line[start : pct+1], Value: v})
				}
			}
		}
		i = runEnd
	}
	return out
}

// Territory is a French VAT territory.
type Territory int

const (
	// Mainland is metropolitan France (Corse excepted for its special rates).
	Mainland Territory = iota
	// Corse has the mainland rates plus 13 % and 0.9 %.
	Corse
	// DOM is Guadeloupe, Martinique and La Réunion.
	DOM
	// GuyaneMayotte, where VAT is provisionally not applied (art. 294 CGI).
	GuyaneMayotte
)

var vatRates = map[Territory][]float64{
	Mainland:      {20, 10, 5.5, 2.1, 0},
	Corse:         {20, 13, 10, 5.5, 2.1, 0.9, 0},
	DOM:           {8.5, 2.1, 1.75, 1.05, 0},
	GuyaneMayotte: {0},
}

// FrenchVATRates returns the VAT rates (in percent) of a territory, 0
// (exemption) included.
func FrenchVATRates(t Territory) []float64 {
	return append([]float64(nil), vatRates[t]...)
}

// IsFrenchVATRate reports whether rate (in percent: 20, not 0.2) is a VAT
// rate of territory t, to within the rounding of a printed "5,50".
func IsFrenchVATRate(rate float64, t Territory) bool {
	for _, r := range vatRates[t] {
		if math.Abs(rate-r) < 0.005 {
			return true
		}
	}
	return false
}

// Kinds of VAT exemption mentions, returned by VATExemption.
const (
	// ExemptionFranchise: "TVA non applicable, art. 293 B du CGI" (franchise en base).
	ExemptionFranchise = "franchise_en_base"
	// ExemptionReverseCharge: "Autoliquidation" (art. 283 CGI, art. 196 directive 2006/112/CE).
	ExemptionReverseCharge = "autoliquidation"
	// ExemptionOutOfScope: services taxed outside France (art. 259-1, 259 B CGI).
	ExemptionOutOfScope = "hors_champ"
	// ExemptionExempt: "Exonération de TVA, art. 261…" (also 261 D, 262, 262 ter).
	ExemptionExempt = "exoneration"
	// ExemptionUnspecified: "TVA non applicable" or "non assujetti" with no article.
	ExemptionUnspecified = "non_applicable"
)

// articlePrefix is "art. ", "art ", "article " or "articles " before a
// number of the CGI, so that an amount such as "261,00" is not an article.
const articlePrefix = `\b(art\.?|articles?) ?`

var (
	reFranchise = regexp.MustCompile(`\b293 ?-? ?b\b|franchise en base`)
	reReverse   = regexp.MustCompile(`auto ?-? ?liquidation|reverse charge|` + articlePrefix + `(283 ?-? ?[12]\b|196\b)`)
	reOutside   = regexp.MustCompile(articlePrefix + `259 ?-? ?(1|b)\b|\bhors champ\b|non soumise? a la tva`)
	reExempt    = regexp.MustCompile(`\bexonere|\bexoneration|` + articlePrefix + `26[12](\b|[a-z]\b)`)
	reVATCtx    = regexp.MustCompile(`\btva\b|\bcgi\b|\bvat\b|taxe sur la valeur ajoutee`)
	reNoVAT     = regexp.MustCompile(`\btva non applicable|\bnon assujetti|\bsans tva\b|\bvat not applicable`)
)

// foldForSearch lower-cases text, drops French accents and collapses blanks,
// so that the exemption patterns stay simple.
func foldForSearch(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	blank := false
	for _, r := range text {
		if isSpaceRune(r) || r == '\n' || r == '\r' {
			blank = true
			continue
		}
		if blank && b.Len() > 0 {
			b.WriteByte(' ')
		}
		blank = false
		if f := foldLetter(r); f != 0 {
			b.WriteByte(f)
			continue
		}
		switch r {
		case '’':
			r = '\''
		case '–', '‐', '‑', '−':
			r = '-'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// VATExemption recognises a mention that no French VAT is charged and says
// why: franchise en base (art. 293 B), autoliquidation, hors champ (art.
// 259), exonération (art. 261/262), or an unspecified "TVA non applicable".
func VATExemption(text string) (kind string, ok bool) {
	f := foldForSearch(text)
	switch {
	case reFranchise.MatchString(f):
		return ExemptionFranchise, true
	case reReverse.MatchString(f):
		return ExemptionReverseCharge, true
	case reOutside.MatchString(f) && reVATCtx.MatchString(f):
		return ExemptionOutOfScope, true
	case reExempt.MatchString(f) && reVATCtx.MatchString(f):
		return ExemptionExempt, true
	case reNoVAT.MatchString(f):
		return ExemptionUnspecified, true
	}
	return "", false
}
