package einvoice

// TODO(lead): replace with internal/fr once it lands. These are small
// private copies of the French identifier checks (DOMAIN.md §4) so that this
// package can set Field.Valid on its own.

import "strings"

// allDigits says whether s is non-empty and made of ASCII digits only.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// luhn checks the Luhn key of a string of digits.
func luhn(digits string) bool {
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

// validSIREN checks a 9-digit SIREN.
func validSIREN(s string) bool {
	return len(s) == 9 && allDigits(s) && luhn(s)
}

// laPosteSIREN is the one SIREN whose establishments do not all follow Luhn:
// their SIRET is valid when its digits add up to a multiple of 5.
const laPosteSIREN = "356000000"

// validSIRET checks a 14-digit SIRET, with the La Poste exception.
func validSIRET(s string) bool {
	if len(s) != 14 || !allDigits(s) {
		return false
	}
	if luhn(s) {
		return true
	}
	if s[:9] == laPosteSIREN {
		sum := 0
		for i := 0; i < len(s); i++ {
			sum += int(s[i] - '0')
		}
		return sum%5 == 0
	}
	return false
}

// frVATKey is the numeric key of the French VAT number of a SIREN.
func frVATKey(siren string) int {
	mod := 0
	for i := 0; i < len(siren); i++ {
		mod = (mod*10 + int(siren[i]-'0')) % 97
	}
	return (12 + 3*mod) % 97
}

// checkFRVAT checks a normalised French VAT number (FR + key + SIREN).
// known is false when the key has letters (the newer scheme), which the
// numeric formula cannot check.
func checkFRVAT(s string) (valid, known bool) {
	if len(s) != 13 || !strings.HasPrefix(s, "FR") || !allDigits(s[4:]) {
		return false, true
	}
	key := s[2:4]
	if !allDigits(key) {
		for i := 0; i < 2; i++ {
			c := key[i]
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
				return false, true
			}
		}
		return false, false
	}
	return int(key[0]-'0')*10+int(key[1]-'0') == frVATKey(s[4:]), true
}

// ibanLengths holds the IBAN length of countries French suppliers use most;
// other countries are only checked on the mod-97 key.
var ibanLengths = map[string]int{
	"FR": 27, "MC": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "LU": 20,
	"NL": 18, "CH": 21, "GB": 22, "PT": 25, "IE": 22, "AT": 20,
}

// validIBAN checks a normalised IBAN (upper case, no spaces) with ISO 7064 mod 97-10.
func validIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	if !isUpperLetter(s[0]) || !isUpperLetter(s[1]) || !allDigits(s[2:4]) {
		return false
	}
	if want, ok := ibanLengths[s[:2]]; ok && len(s) != want {
		return false
	}
	mod := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			mod = (mod*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			mod = (mod*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return mod == 1
}

func isUpperLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
