package fr

import (
	"fmt"
	"strings"
)

// ibanLengths is the IBAN length of each country in the SWIFT IBAN registry.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16,
	"BG": 22, "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22,
	"CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20,
	"EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22,
	"GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21,
	"HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30,
	"KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
	"LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
	"MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
	"PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
	"RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
	"SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26,
	"UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// IBANLength returns the IBAN length of a country code, or 0 when the
// country does not use IBANs.
func IBANLength(country string) int {
	return ibanLengths[strings.ToUpper(country)]
}

// NormalizeIBAN upper-cases s and removes blanks, dots and dashes. A leading
// "IBAN" label ("IBAN: FR76…", "IBAN FR76…") is dropped too.
func NormalizeIBAN(s string) string {
	n := upperCompact(s)
	if strings.HasPrefix(n, "IBAN") {
		rest := strings.TrimPrefix(n[4:], ":")
		if len(rest) >= 2 && isUpperASCII(rest[0]) && isUpperASCII(rest[1]) {
			n = rest
		}
	}
	return n
}

// FormatIBAN prints a normalised IBAN in groups of four characters, the
// paper format ("FR76 3000 6000 0112 3456 7890 189").
func FormatIBAN(s string) string {
	n := NormalizeIBAN(s)
	var b strings.Builder
	for i := 0; i < len(n); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n[i:min(i+4, len(n))])
	}
	return b.String()
}

func isUpperASCII(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigitASCII(c byte) bool { return c >= '0' && c <= '9' }

// ibanMod97 computes the ISO 7064 mod 97-10 remainder of an IBAN (first four
// characters moved to the end, letters as 10..35). ok is false when a
// character is not an ASCII letter or digit.
func ibanMod97(n string) (rem int, ok bool) {
	feed := func(c byte) bool {
		switch {
		case isDigitASCII(c):
			rem = (rem*10 + int(c-'0')) % 97
		case isUpperASCII(c):
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
		return true
	}
	for i := 4; i < len(n); i++ {
		if !feed(n[i]) {
			return 0, false
		}
	}
	for i := 0; i < 4; i++ {
		if !feed(n[i]) {
			return 0, false
		}
	}
	return rem, true
}

// ValidIBAN reports whether s is an IBAN of a registry country with the
// right length and mod-97 check. The national key inside the BBAN is not
// checked: specimen IBANs printed on sample invoices often pass mod 97 with
// a wrong clé RIB; use RIBFromIBAN and ValidRIB for the stricter check.
func ValidIBAN(s string) bool {
	n := NormalizeIBAN(s)
	if len(n) < 15 || len(n) > 34 {
		return false
	}
	if want := ibanLengths[n[:2]]; want == 0 || len(n) != want {
		return false
	}
	// Check digits run from 02 to 98: "00", "01" and "99" pass mod 97 only
	// by aliasing ("00" ≡ "97").
	if !isDigitASCII(n[2]) || !isDigitASCII(n[3]) || n[2:4] == "00" || n[2:4] == "01" || n[2:4] == "99" {
		return false
	}
	rem, ok := ibanMod97(n)
	return ok && rem == 1
}

// IBANCheckDigits computes the two check digits of an IBAN from its country
// code and BBAN, or "" when the input is not alphanumeric.
func IBANCheckDigits(country, bban string) string {
	n := strings.ToUpper(country) + "00" + upperCompact(bban)
	if len(n) < 5 || !isUpperASCII(n[0]) || !isUpperASCII(n[1]) {
		return ""
	}
	rem, ok := ibanMod97(n)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%02d", 98-rem)
}

// RIB is a French bank account identifier (relevé d'identité bancaire).
type RIB struct {
	Banque  string // 5 digits
	Guichet string // 5 digits
	Compte  string // 11 characters, digits or letters
	Cle     string // 2 digits
}

// String prints the RIB in its usual four fields.
func (r RIB) String() string {
	return r.Banque + " " + r.Guichet + " " + r.Compte + " " + r.Cle
}

// IBAN returns the French IBAN of the RIB.
func (r RIB) IBAN() string {
	bban := r.Banque + r.Guichet + r.Compte + r.Cle
	check := IBANCheckDigits("FR", bban)
	if check == "" {
		return ""
	}
	return "FR" + check + bban
}

// ParseRIB splits a 23-character French BBAN (banque, guichet, compte, clé;
// separators allowed) into its fields. ok reports the shape only.
func ParseRIB(s string) (RIB, bool) {
	n := upperCompact(s)
	if len(n) != 23 {
		return RIB{}, false
	}
	r := RIB{Banque: n[:5], Guichet: n[5:10], Compte: n[10:21], Cle: n[21:]}
	if !allDigits(r.Banque) || !allDigits(r.Guichet) || !allDigits(r.Cle) {
		return RIB{}, false
	}
	for i := 0; i < len(r.Compte); i++ {
		if c := r.Compte[i]; !isDigitASCII(c) && !isUpperASCII(c) {
			return RIB{}, false
		}
	}
	return r, true
}

// RIBFromIBAN returns the RIB inside a valid French (or Monegasque) IBAN;
// its clé is not checked (see ValidRIB).
func RIBFromIBAN(iban string) (RIB, bool) {
	n := NormalizeIBAN(iban)
	if len(n) != 27 || (n[:2] != "FR" && n[:2] != "MC") || !ValidIBAN(n) {
		return RIB{}, false
	}
	return ParseRIB(n[4:])
}

// ribLetterValue maps account-number letters to digits the way French banks
// do: A,J→1; B,K,S→2; … I,R,Z→9.
func ribLetterValue(c byte) int {
	switch {
	case c >= 'A' && c <= 'I':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'R':
		return int(c-'J') + 1
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return -1
}

// RIBKey computes the clé RIB, 97 − ((89 × banque + 15 × guichet + 3 ×
// compte) mod 97), with letters of the account number mapped to digits. It
// returns "" when banque or guichet is not 5 digits or compte not 11 digits
// or letters.
func RIBKey(banque, guichet, compte string) string {
	banque, guichet, compte = upperCompact(banque), upperCompact(guichet), upperCompact(compte)
	if len(banque) != 5 || len(guichet) != 5 || len(compte) != 11 || !allDigits(banque) || !allDigits(guichet) {
		return ""
	}
	mod := func(digits string) int {
		r := 0
		for i := 0; i < len(digits); i++ {
			r = (r*10 + int(digits[i]-'0')) % 97
		}
		return r
	}
	c := 0
	for i := 0; i < len(compte); i++ {
		d := int(compte[i] - '0')
		if !isDigitASCII(compte[i]) {
			if d = ribLetterValue(compte[i]); d < 0 {
				return ""
			}
		}
		c = (c*10 + d) % 97
	}
	return fmt.Sprintf("%02d", 97-(89*mod(banque)+15*mod(guichet)+3*c)%97)
}

// ValidRIB reports whether s, a 23-character French BBAN (banque, guichet,
// compte, clé; separators allowed), has a correct clé RIB.
func ValidRIB(s string) bool {
	r, ok := ParseRIB(s)
	return ok && RIBKey(r.Banque, r.Guichet, r.Compte) == r.Cle
}

// isoCountries lists ISO 3166-1 alpha-2 codes (plus XK, Kosovo, used by
// banks), to tell a BIC from a word of eight capital letters.
const isoCountries = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"

func isCountryCode(cc string) bool {
	if len(cc) != 2 || !isUpperASCII(cc[0]) || !isUpperASCII(cc[1]) {
		return false
	}
	for i := 0; i+2 <= len(isoCountries); i += 3 {
		if isoCountries[i:i+2] == cc {
			return true
		}
	}
	return false
}

// NormalizeBIC upper-cases s and removes blanks.
func NormalizeBIC(s string) string { return upperCompact(s) }

// ValidBIC reports whether s is a BIC (ISO 9362): 4 letters (bank), an ISO
// country code, 2 letters or digits (location) and an optional 3-character
// branch code.
func ValidBIC(s string) bool {
	n := NormalizeBIC(s)
	if len(n) != 8 && len(n) != 11 {
		return false
	}
	for i := 0; i < 4; i++ {
		if !isUpperASCII(n[i]) {
			return false
		}
	}
	if !isCountryCode(n[4:6]) {
		return false
	}
	for i := 6; i < len(n); i++ {
		if !isUpperASCII(n[i]) && !isDigitASCII(n[i]) {
			return false
		}
	}
	return true
}
