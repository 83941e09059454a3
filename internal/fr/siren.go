package fr

import (
	"strings"
	"unicode/utf8"
)

// laPosteSIREN is the one SIREN whose SIRETs use a different check: INSEE
// ran out of Luhn-valid NICs for La Poste's many establishments.
const laPosteSIREN = "356000000"

// isSpaceRune reports the blanks that PDFs and OCR put between digit groups:
// ordinary spaces and tabs, no-break space (U+00A0), figure space (U+2007),
// thin space (U+2009), narrow no-break space (U+202F) and friends.
func isSpaceRune(r rune) bool {
	switch r {
	case ' ', '\t', '\u00a0', '\u2007', '\u2008', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000':
		return true
	}
	return false
}

// isDashRune reports hyphens and dashes used between digit groups.
func isDashRune(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// NormalizeDigits removes what commonly sits inside a printed or exported
// number: blanks (including U+00A0 and U+202F), dots, dashes, and a trailing
// ".0" left when a spreadsheet stored the identifier as a float
// ("732829320.0"). Scientific notation from spreadsheets
// ("7.3282932000074E+13") is expanded when it is exact. Other characters are
// kept, so the result still fails digit checks when the input was not a
// number.
func NormalizeDigits(s string) string {
	s = strings.TrimFunc(s, isSpaceRune)
	if expanded, ok := expandScientific(s); ok {
		return expanded
	}
	if n := len(s); n > 2 && s[n-2] == '.' && s[n-1] == '0' && allDigits(s[:n-2]) {
		// A one-digit fraction cannot be a thousands group: it is a float artefact.
		s = s[:n-2]
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if isSpaceRune(r) || isDashRune(r) || r == '.' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// expandScientific turns "7.3282932E+8" into "732829320" when the mantissa
// holds every digit (no rounding happened); it refuses anything else.
func expandScientific(s string) (string, bool) {
	e := strings.IndexAny(s, "eE")
	if e < 1 || e > 40 {
		return "", false
	}
	mant, exp := s[:e], s[e+1:]
	if exp != "" && exp[0] == '+' {
		exp = exp[1:]
	}
	if exp == "" || len(exp) > 2 || !allDigits(exp) {
		return "", false
	}
	n := int(exp[0] - '0')
	if len(exp) == 2 {
		n = n*10 + int(exp[1]-'0')
	}
	intPart, frac := mant, ""
	if dot := strings.IndexAny(mant, ".,"); dot >= 0 {
		intPart, frac = mant[:dot], mant[dot+1:]
	}
	if len(intPart) != 1 || !allDigits(intPart) || !allDigits(frac) || len(frac) > n {
		return "", false
	}
	return intPart + frac + strings.Repeat("0", n-len(frac)), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

// luhnValid checks the Luhn sum of a string of ASCII digits.
func luhnValid(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func digitSum(digits string) int {
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum += int(digits[i] - '0')
	}
	return sum
}

// ParseSIREN normalises s (see NormalizeDigits). ok reports that the result
// has the shape of a SIREN (9 digits); valid that its Luhn key is right.
func ParseSIREN(s string) (normalized string, valid, ok bool) {
	n := NormalizeDigits(s)
	if len(n) != 9 || !allDigits(n) {
		return n, false, false
	}
	return n, luhnValid(n) && !allZero(n), true
}

// ParseSIRET normalises s (see NormalizeDigits). ok reports 14 digits; valid
// that the SIREN part is valid and that the Luhn key of the 14 digits is
// right or, for La Poste (SIREN 356000000), that the digit sum is a
// multiple of 5.
func ParseSIRET(s string) (normalized string, valid, ok bool) {
	n := NormalizeDigits(s)
	if len(n) != 14 || !allDigits(n) {
		return n, false, false
	}
	// The SIREN keeps its own key inside the SIRET: both must hold.
	if allZero(n[:9]) || !luhnValid(n[:9]) {
		return n, false, true
	}
	if luhnValid(n) {
		return n, true, true
	}
	return n, n[:9] == laPosteSIREN && digitSum(n)%5 == 0, true
}

// ValidSIREN reports whether s is a SIREN with a correct Luhn key.
func ValidSIREN(s string) bool {
	_, valid, _ := ParseSIREN(s)
	return valid
}

// ValidSIRET reports whether s is a SIRET with a correct key (Luhn, or the
// La Poste digit-sum rule).
func ValidSIRET(s string) bool {
	_, valid, _ := ParseSIRET(s)
	return valid
}

// IsLaPosteSIRET reports whether s is a SIRET of La Poste, the only SIRETs
// that may be valid without passing Luhn.
func IsLaPosteSIRET(s string) bool {
	n, _, ok := ParseSIRET(s)
	return ok && n[:9] == laPosteSIREN
}

// SIRENFromSIRET returns the SIREN part of a valid SIRET.
func SIRENFromSIRET(s string) (string, bool) {
	n, valid, _ := ParseSIRET(s)
	if !valid {
		return "", false
	}
	return n[:9], true
}

// upperCompact upper-cases s and drops blanks, dots and dashes; shared by
// the alphanumeric identifiers (TVA, IBAN, BIC).
func upperCompact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case isSpaceRune(r) || isDashRune(r) || r == '.':
			continue
		case r >= 'a' && r <= 'z':
			b.WriteByte(byte(r - 'a' + 'A'))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
