package einvoice

// The identifier checks come from internal/fr; these adapters give them the
// shape this package's field builders use.

import (
	"github.com/depenses-eclairees/depenses/internal/fr"
)

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

func validSIREN(s string) bool { return fr.ValidSIREN(s) }
func validSIRET(s string) bool { return fr.ValidSIRET(s) }
func validIBAN(s string) bool  { return fr.ValidIBAN(s) }

// checkFRVAT checks a normalised French VAT number (FR + key + SIREN).
// known is false when the key has letters (the newer scheme), which the
// numeric formula cannot check.
func checkFRVAT(s string) (valid, known bool) {
	if len(s) == 13 && !allDigits(s[2:4]) && allDigits(s[4:]) {
		return false, false
	}
	return fr.ValidVAT(s), true
}
