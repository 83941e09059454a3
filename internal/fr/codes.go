package fr

import "strings"

// ParseEJ normalises a Chorus engagement juridique number (n° d'EJ, also
// printed as "n° d'engagement" or "n° de bon de commande") and reports
// whether it has its 10 digits. The EJ has no check digit, and which leading
// digits mean which kind of EJ is not documented (DOMAIN.md §1.2), so no
// prefix is checked or interpreted.
func ParseEJ(s string) (string, bool) {
	n := NormalizeDigits(s)
	return n, len(n) == 10 && allDigits(n)
}

// ValidEJ reports whether s is a 10-digit EJ number.
func ValidEJ(s string) bool {
	_, ok := ParseEJ(s)
	return ok
}

// NormalizeCPV returns a CPV code as "79400000" or "79400000-8" (blanks
// removed, any dash accepted). The CPV check digit is kept but not verified:
// its algorithm is not documented (DOMAIN.md §4.5).
func NormalizeCPV(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.TrimFunc(s, isSpaceRune) {
		switch {
		case isSpaceRune(r):
		case isDashRune(r):
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	n := b.String()
	switch {
	case len(n) == 8 && allDigits(n):
	case len(n) == 10 && allDigits(n[:8]) && n[8] == '-' && isDigitASCII(n[9]):
	default:
		return n, false
	}
	if n[:8] == "00000000" {
		return n, false
	}
	return n, true
}

// ValidCPV reports whether s has the CPV format ^[0-9]{8}(-[0-9])?$.
func ValidCPV(s string) bool {
	_, ok := NormalizeCPV(s)
	return ok
}

// NormalizeNAF returns a NAF rév. 2 (APE) code as "70.22Z". It accepts
// "70.22Z", "7022Z", "70.22 Z", "70,22Z" and lower case.
func NormalizeNAF(s string) (string, bool) {
	n := upperCompact(strings.ReplaceAll(s, ",", "."))
	if len(n) != 5 || !allDigits(n[:4]) || !isUpperASCII(n[4]) {
		return n, false
	}
	return n[:2] + "." + n[2:], true
}

// ValidNAF reports whether s is a NAF rév. 2 code (see NormalizeNAF).
func ValidNAF(s string) bool {
	_, ok := NormalizeNAF(s)
	return ok
}
