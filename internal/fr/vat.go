package fr

import (
	"fmt"
	"regexp"
	"strconv"
)

// FRVATKey returns the two-digit numeric key of the French VAT number of a
// SIREN: (12 + 3 × (SIREN mod 97)) mod 97. It returns "" when siren is not
// 9 digits. It does not require the SIREN's own Luhn key to be right.
func FRVATKey(siren string) string {
	n := NormalizeDigits(siren)
	if len(n) != 9 || !allDigits(n) {
		return ""
	}
	v, _ := strconv.ParseUint(n, 10, 64)
	return fmt.Sprintf("%02d", (12+3*(v%97))%97)
}

// FRVATNumber builds the French VAT number ("FR03552081317") of a SIREN, or
// "" when siren is not 9 digits.
func FRVATNumber(siren string) string {
	key := FRVATKey(siren)
	if key == "" {
		return ""
	}
	return "FR" + key + NormalizeDigits(siren)
}

// NormalizeVAT upper-cases s and removes blanks, dots and dashes:
// "fr 03 552.081.317" → "FR03552081317". It does not validate.
func NormalizeVAT(s string) string {
	return upperCompact(s)
}

// vatFormats holds the VIES format of each EU member state (plus XI for
// Northern Ireland and GB, still common on supplier invoices). Only France's
// key is checked arithmetically; other countries are checked on format.
var vatFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^ATU\d{8}$`),
	"BE": regexp.MustCompile(`^BE[01]\d{9}$`),
	"BG": regexp.MustCompile(`^BG\d{9,10}$`),
	"CY": regexp.MustCompile(`^CY\d{8}[A-Z]$`),
	"CZ": regexp.MustCompile(`^CZ\d{8,10}$`),
	"DE": regexp.MustCompile(`^DE\d{9}$`),
	"DK": regexp.MustCompile(`^DK\d{8}$`),
	"EE": regexp.MustCompile(`^EE\d{9}$`),
	"EL": regexp.MustCompile(`^EL\d{9}$`),
	"GR": regexp.MustCompile(`^GR\d{9}$`), // ISO code sometimes printed instead of EL
	"ES": regexp.MustCompile(`^ES[0-9A-Z]\d{7}[0-9A-Z]$`),
	"FI": regexp.MustCompile(`^FI\d{8}$`),
	"FR": regexp.MustCompile(`^FR[0-9A-Z]{2}\d{9}$`),
	"HR": regexp.MustCompile(`^HR\d{11}$`),
	"HU": regexp.MustCompile(`^HU\d{8}$`),
	"IE": regexp.MustCompile(`^IE\d[0-9A-Z+*]\d{5}[A-W][A-IW]?$`),
	"IT": regexp.MustCompile(`^IT\d{11}$`),
	"LT": regexp.MustCompile(`^LT(\d{9}|\d{12})$`),
	"LU": regexp.MustCompile(`^LU\d{8}$`),
	"LV": regexp.MustCompile(`^LV\d{11}$`),
	"MT": regexp.MustCompile(`^MT\d{8}$`),
	"NL": regexp.MustCompile(`^NL\d{9}B\d{2}$`),
	"PL": regexp.MustCompile(`^PL\d{10}$`),
	"PT": regexp.MustCompile(`^PT\d{9}$`),
	"RO": regexp.MustCompile(`^RO\d{2,10}$`),
	"SE": regexp.MustCompile(`^SE\d{10}01$`),
	"SI": regexp.MustCompile(`^SI\d{8}$`),
	"SK": regexp.MustCompile(`^SK\d{10}$`),
	"XI": regexp.MustCompile(`^XI(\d{9}|\d{12}|GD\d{3}|HA\d{3})$`),
	"GB": regexp.MustCompile(`^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$`),
}

// ValidVAT reports whether s is a well-formed intra-community VAT number.
// For France the SIREN must be valid and a numeric key must match it; keys
// containing letters (the alternative scheme, whose algorithm is not
// public) are accepted on format. Other countries are checked on format.
func ValidVAT(s string) bool {
	n := NormalizeVAT(s)
	if len(n) < 4 || len(n) > 20 {
		return false
	}
	re, ok := vatFormats[n[:2]]
	if !ok || !re.MatchString(n) {
		return false
	}
	if n[:2] != "FR" {
		return true
	}
	if !ValidSIREN(n[4:]) {
		return false
	}
	key := n[2:4]
	return !allDigits(key) || key == FRVATKey(n[4:])
}

// SIRENFromVAT returns the SIREN inside a valid French VAT number.
func SIRENFromVAT(s string) (string, bool) {
	n := NormalizeVAT(s)
	if len(n) != 13 || n[:2] != "FR" || !ValidVAT(n) {
		return "", false
	}
	return n[4:], true
}
