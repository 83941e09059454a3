package fr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// AmountMatch is an amount found in a line of text.
type AmountMatch struct {
	Start, End int    // byte span of Text in the line
	Text       string // as printed, with its sign, currency and HT/TTC mention
	Value      float64
	Currency   string // "EUR", "USD", "GBP" or "CHF" when printed, else ""
	Basis      string // "HT" or "TTC" when printed after the amount, else ""
	Decimals   int    // digits printed after the decimal separator
}

const (
	maxIntegerDigits = 15 // 10^15 € is beyond any public budget
	maxDecimals      = 6  // unit prices of energy or telecoms go to 4–5 decimals
	maxMantissa      = 18 // fits an int64
	maxGroups        = 16
	amountGap        = 2 // blanks allowed between an amount and its currency or HT/TTC
)

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// isNumberBlank reports the blanks allowed between digit groups: a single
// space, no-break space or narrow no-break space, never a tab (a tab is a
// column gap).
func isNumberBlank(r rune) bool { return r != '\t' && isSpaceRune(r) }

// numeralEnd returns the end of the longest numeral starting at the digit
// s[i]: digits, with '.', ',', apostrophes or one blank between digits.
func numeralEnd(s string, i int) int {
	j := i
	for j < len(s) {
		if isDigitASCII(s[j]) {
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if (r == '.' || r == ',' || r == '\'' || r == '’' || isNumberBlank(r)) && j+size < len(s) && isDigitASCII(s[j+size]) {
			j += size + 1
			continue
		}
		break
	}
	return j
}

// parseNumeral reads a French (or English, or Swiss) numeral made only of
// digit groups and separators, e.g. "1 234 567,89", "1.234,56", "1,234.56",
// "1'234.56", "1234.5". Rules, chosen to reject what cannot be read without
// guessing:
//   - one kind of thousands separator, with groups of exactly 3 digits after
//     a first group of 1–3 digits;
//   - the decimal separator is the last separator when it is ',' or '.' and
//     differs from the thousands separator; a single ',' is always decimal
//     (French); a single '.' followed by exactly 3 digits after 1–3 digits is
//     a thousands separator ("1.250" = 1250), otherwise decimal;
//   - 1 to 6 decimals, at most 15 integer digits.
//
// leadingZeros allows "0150" (fixed-width exports); text search refuses it.
func parseNumeral(s string, leadingZeros bool) (value float64, decimals int, ok bool) {
	type span struct{ start, end int }
	var groups [maxGroups]span
	var seps [maxGroups]byte
	ng := 0
	for i := 0; i < len(s); {
		if !isDigitASCII(s[i]) || ng == maxGroups {
			return 0, 0, false
		}
		start := i
		for i < len(s) && isDigitASCII(s[i]) {
			i++
		}
		groups[ng] = span{start, i}
		ng++
		if i == len(s) {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '.' || r == ',':
			seps[ng-1] = byte(r)
		case r == '\'' || r == '’':
			seps[ng-1] = '\''
		case isNumberBlank(r):
			seps[ng-1] = ' '
		default:
			return 0, 0, false
		}
		i += size
		if i == len(s) {
			return 0, 0, false
		}
	}
	if ng == 0 {
		return 0, 0, false
	}
	glen := func(k int) int { return groups[k].end - groups[k].start }

	intGroups, decimalGroup := ng, -1
	var thousands byte
	if ng > 1 {
		last := seps[ng-2]
		for k := 1; k < ng-2; k++ {
			if seps[k] != seps[0] {
				return 0, 0, false
			}
		}
		switch {
		case ng == 2 && last == ',':
			decimalGroup = 1
		case ng == 2 && last == '.':
			if glen(1) == 3 && glen(0) <= 3 && s[groups[0].start] != '0' {
				thousands = '.'
			} else {
				decimalGroup = 1
			}
		case ng == 2 || seps[0] == last:
			thousands = last
		case last == ',' || last == '.':
			thousands, decimalGroup = seps[0], ng-1
		default:
			return 0, 0, false
		}
	}
	if decimalGroup >= 0 {
		intGroups = decimalGroup
		decimals = glen(decimalGroup)
		if decimals > maxDecimals {
			return 0, 0, false
		}
	}
	intDigits := 0
	for k := 0; k < intGroups; k++ {
		intDigits += glen(k)
	}
	if intDigits > maxIntegerDigits || intDigits+decimals > maxMantissa {
		return 0, 0, false
	}
	if thousands != 0 {
		if glen(0) > 3 || s[groups[0].start] == '0' {
			return 0, 0, false
		}
		for k := 1; k < intGroups; k++ {
			if glen(k) != 3 {
				return 0, 0, false
			}
		}
	} else if !leadingZeros && glen(0) > 1 && s[groups[0].start] == '0' {
		return 0, 0, false
	}
	var mantissa int64
	for k := 0; k < ng; k++ {
		for i := groups[k].start; i < groups[k].end; i++ {
			mantissa = mantissa*10 + int64(s[i]-'0')
		}
	}
	// Exact for mantissas below 2^53, as ParseFloat would be.
	return float64(mantissa) / pow10[decimals], decimals, true
}

type currencyToken struct {
	text, code string
	word       bool // letters: needs a word boundary; matched case-insensitively
	prefix     bool // may be written before the number
}

// Longer words first: "euros" before "euro" before "EUR".
var currencyTokens = []currencyToken{
	{"€", "EUR", false, true},
	{"euros", "EUR", true, false},
	{"euro", "EUR", true, false},
	{"EUR", "EUR", true, true},
	{"$", "USD", false, true},
	{"USD", "USD", true, true},
	{"£", "GBP", false, true},
	{"GBP", "GBP", true, true},
	{"CHF", "CHF", true, true},
}

type basisToken struct{ text, basis string }

var basisTokens = []basisToken{
	{"toutes taxes comprises", "TTC"},
	{"hors taxes", "HT"},
	{"hors taxe", "HT"},
	{"hors TVA", "HT"},
	{"T.T.C.", "TTC"},
	{"T.T.C", "TTC"},
	{"TTC", "TTC"},
	{"HTVA", "HT"},
	{"H.T.", "HT"},
	{"H.T", "HT"},
	{"HT", "HT"},
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// isWordRune reports letters and digits, which glue tokens together.
func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (isDigitASCII(byte(r)) || isUpperASCII(byte(r)) || (r >= 'a' && r <= 'z')) ||
		r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isLetterRune(r rune) bool {
	return r < utf8.RuneSelf && (isUpperASCII(byte(r)) || (r >= 'a' && r <= 'z')) ||
		r >= utf8.RuneSelf && unicode.IsLetter(r)
}

// letterAt reports whether a letter starts at s[i].
func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isLetterRune(r)
}

// letterBefore reports whether a letter ends at s[i].
func letterBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isLetterRune(r)
}

// currencyAt matches a currency token at s[i]; with prefixOnly, only those
// written before numbers ("€ 150", "EUR 150").
func currencyAt(s string, i int, prefixOnly bool) (end int, code string) {
	rest := s[i:]
	for _, t := range currencyTokens {
		if prefixOnly && !t.prefix {
			continue
		}
		if t.word {
			if hasPrefixFold(rest, t.text) && !letterAt(s, i+len(t.text)) {
				return i + len(t.text), t.code
			}
		} else if strings.HasPrefix(rest, t.text) {
			return i + len(t.text), t.code
		}
	}
	return i, ""
}

// currencyWithMultiplierAt matches "€", "EUR", "euros", and "k€", "M€",
// "Md€", "Mds€" (thousands, millions, billions).
func currencyWithMultiplierAt(s string, i int) (end int, code string, mult float64) {
	if end, code := currencyAt(s, i, false); code != "" {
		return end, code, 1
	}
	for _, m := range []struct {
		text string
		mult float64
	}{{"Mds", 1e9}, {"Md", 1e9}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}} {
		if strings.HasPrefix(s[i:], m.text) {
			j := i + len(m.text)
			if strings.HasPrefix(s[j:], "€") {
				return j + len("€"), "EUR", m.mult
			}
			if strings.HasPrefix(s[j:], "EUR") && !letterAt(s, j+3) {
				return j + 3, "EUR", m.mult
			}
		}
	}
	return i, "", 0
}

func basisAt(s string, i int) (end int, basis string) {
	for _, t := range basisTokens {
		if hasPrefixFold(s[i:], t.text) {
			e := i + len(t.text)
			if e < len(s) {
				if r, _ := utf8.DecodeRuneInString(s[e:]); isWordRune(r) {
					continue
				}
			}
			return e, t.basis
		}
	}
	return i, ""
}

// skipBlanks skips at most max blanks (tabs included) from s[i].
func skipBlanks(s string, i, max int) int {
	for n := 0; i < len(s) && n < max; n++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isSpaceRune(r) {
			break
		}
		i += size
	}
	return i
}

// minusAt reports a minus sign at s[i]: hyphen, U+2212 or (as PDFs often
// write it) an en dash.
func minusAt(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	if s[i] == '-' {
		return 1
	}
	if strings.HasPrefix(s[i:], "−") || strings.HasPrefix(s[i:], "–") {
		return len("−")
	}
	return 0
}

// minusBefore reports the size of a minus sign ending at s[i].
func minusBefore(s string, i int) int {
	if i > 0 && s[i-1] == '-' {
		return 1
	}
	if strings.HasSuffix(s[:i], "−") || strings.HasSuffix(s[:i], "–") {
		return len("−")
	}
	return 0
}

// amountSuffix reads what may follow a numeral: a glued trailing minus
// ("150,00-"), a currency with its multiplier, and HT/TTC.
type amountSuffix struct {
	end           int
	trailingMinus bool
	currency      string
	mult          float64
	basis         string
}

func parseAmountSuffix(s string, i, gap int) amountSuffix {
	suf := amountSuffix{end: i, mult: 1}
	n := 0
	if i < len(s) && s[i] == '-' {
		n = 1
	} else if strings.HasPrefix(s[i:], "−") {
		n = len("−")
	}
	// A trailing minus must not start a range or an identifier ("10-20", "150-A").
	if next := i + n; n > 0 && (next >= len(s) || !isWordRune(firstRune(s[next:]))) {
		suf.trailingMinus = true
		i = next
		suf.end = i
	}
	j := skipBlanks(s, i, gap)
	if j < len(s) {
		if e, code, mult := currencyWithMultiplierAt(s, j); code != "" {
			suf.currency, suf.mult, suf.end = code, mult, e
		}
	}
	j = skipBlanks(s, suf.end, gap)
	if j < len(s) {
		if e, basis := basisAt(s, j); basis != "" {
			suf.basis, suf.end = basis, e
		}
	}
	return suf
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// ParseAmount reads a whole string as an amount in any usual French form:
// "1 234,56 €", "1.234,56", "1234.56 EUR", "12 345 € HT", "1 234 567,8",
// "-150,00", "(150,00)", "150,00-", "€ 1 234", "1'234.56", "1,5 M€", with
// U+00A0 or U+202F as thousands separators. It refuses anything ambiguous
// or malformed ("1.2.3", "12,34,56", "1 23", "1,5,", "abc").
func ParseAmount(s string) (float64, bool) {
	m, ok := parseAmountText(s)
	return m.Value, ok
}

// ParseAmountDetail is ParseAmount that also reports the currency, the
// HT/TTC mention and the number of decimals.
func ParseAmountDetail(s string) (AmountMatch, bool) {
	return parseAmountText(s)
}

func parseAmountText(s string) (AmountMatch, bool) {
	m := AmountMatch{Text: s}
	s = strings.TrimFunc(s, isSpaceRune)
	const gap = 8
	i := 0
	paren := false
	if strings.HasPrefix(s, "(") {
		paren = true
		i = skipBlanks(s, 1, gap)
	}
	neg, signed := false, false
	for range 2 {
		if i >= len(s) {
			return m, false
		}
		if m.Currency == "" {
			if e, code := currencyAt(s, i, true); code != "" {
				m.Currency = code
				i = skipBlanks(s, e, gap)
				continue
			}
		}
		if !signed {
			if n := minusAt(s, i); n > 0 {
				neg, signed = true, true
				i = skipBlanks(s, i+n, 1)
				continue
			}
			if s[i] == '+' {
				signed = true
				i = skipBlanks(s, i+1, 1)
				continue
			}
		}
		break
	}
	if i >= len(s) || !isDigitASCII(s[i]) {
		return m, false
	}
	e := numeralEnd(s, i)
	v, decimals, ok := parseNumeral(s[i:e], true)
	if !ok {
		return m, false
	}
	suf := parseAmountSuffix(s, e, gap)
	if suf.currency != "" && m.Currency != "" {
		return m, false // "€ 150 €"
	}
	if suf.trailingMinus {
		if neg {
			return m, false
		}
		neg = true
	}
	end := suf.end
	if paren {
		end = skipBlanks(s, end, gap)
		if end >= len(s) || s[end] != ')' || neg {
			return m, false
		}
		neg = true
		end++
	}
	if end != len(s) {
		return m, false
	}
	if suf.currency != "" {
		m.Currency = suf.currency
	}
	m.Basis, m.Decimals = suf.basis, decimals
	m.Value = v * suf.mult
	if neg && m.Value != 0 {
		m.Value = -m.Value
	}
	return m, true
}
