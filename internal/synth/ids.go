package synth

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
)

// Identifiers are computed here from their definitions (DOMAIN.md §4), not
// with package fr, so that the tests, which validate with fr, check two
// independent implementations against each other.

// luhnDigit returns the digit that makes digits+d pass the Luhn check.
func luhnDigit(digits string) byte {
	for d := byte('0'); d <= '9'; d++ {
		if luhnValid(digits + string(d)) {
			return d
		}
	}
	panic("unreachable")
}

func luhnValid(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func randDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// newSIREN draws a Luhn-valid SIREN starting with first ('1' for State
// services, '2' for local bodies, '3'–'9' for companies). La Poste's SIREN,
// which follows another rule, is never drawn.
func newSIREN(r *rand.Rand, first byte) string {
	for {
		s := string(first) + randDigits(r, 7)
		s += string(luhnDigit(s))
		if s != "356000000" {
			return s
		}
	}
}

// newSIRET adds a NIC: headquarters are often 00010–00050, branches higher.
func newSIRET(r *rand.Rand, siren string) string {
	var nic string
	if r.IntN(3) > 0 {
		nic = fmt.Sprintf("000%d", 1+r.IntN(5))
	} else {
		nic = fmt.Sprintf("%04d", 1+r.IntN(400))
	}
	s := siren + nic
	return s + string(luhnDigit(s))
}

// vatNumber is FR + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97.
func vatNumber(siren string) string {
	var n int
	fmt.Sscan(siren, &n)
	return fmt.Sprintf("FR%02d%s", (12+3*(n%97))%97, siren)
}

// ribKey is 97 − ((89×banque + 15×guichet + 3×compte) mod 97) with the
// letters of the account number mapped to digits.
func ribKey(banque, guichet, compte string) string {
	conv := func(s string) int64 {
		var v int64
		for _, c := range s {
			d := int64(0)
			switch {
			case c >= '0' && c <= '9':
				d = int64(c - '0')
			case c >= 'A' && c <= 'Z':
				d = int64([]byte("12345678912345678923456789")[c-'A'] - '0')
			}
			v = v*10 + d
		}
		return v
	}
	k := 97 - (89*conv(banque)+15*conv(guichet)+3*conv(compte))%97
	return fmt.Sprintf("%02d", k)
}

// ibanFR builds the IBAN of a French RIB: check digits 98 − (BBAN FR00 mod 97).
func ibanFR(bban string) string {
	var num strings.Builder
	for _, c := range bban + "FR00" {
		if c >= 'A' && c <= 'Z' {
			fmt.Fprintf(&num, "%d", c-'A'+10)
		} else {
			num.WriteRune(c)
		}
	}
	n, _ := new(big.Int).SetString(num.String(), 10)
	mod := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("FR%02d%s", 98-mod, bban)
}

// account is a French bank account.
type account struct {
	bank                         bank
	banque, guichet, compte, cle string
	iban                         string
	agency                       string // domiciliation
	agencyAddr                   address
}

func newAccount(r *rand.Rand, w *world) account {
	b := banks[r.IntN(len(banks))]
	a := account{bank: b, banque: b.code, guichet: randDigits(r, 5)}
	a.compte = randDigits(r, 11)
	if r.IntN(6) == 0 { // some banks put a letter in the account number
		a.compte = a.compte[:5] + string(rune('A'+r.IntN(26))) + a.compte[6:]
	}
	a.cle = ribKey(a.banque, a.guichet, a.compte)
	a.iban = ibanFR(a.banque + a.guichet + a.compte + a.cle)
	a.agencyAddr = w.address(r)
	a.agency = b.short + " " + strings.ToUpper(a.agencyAddr.city)
	return a
}

// newEJ draws a 10-digit Chorus EJ number (DOMAIN.md §1.2: only the length
// is known, so leading digits vary).
func newEJ(r *rand.Rand) string {
	prefixes := []string{"1300", "1400", "2103", "1800", "1000", "2200"}
	return prefixes[r.IntN(len(prefixes))] + randDigits(r, 6)
}

// newMarcheRef draws an accord-cadre or marché reference in one of the
// shapes seen on State documents.
func newMarcheRef(r *rand.Rand, year int) string {
	letters := []string{"AMO", "DITP", "SGMI", "DNUM", "DAE", "SRH", "DAF", "INF"}
	l := letters[r.IntN(len(letters))]
	switch r.IntN(5) {
	case 0:
		return fmt.Sprintf("%d%s%07d", year, l[:min(3, len(l))], r.IntN(10000000))
	case 1:
		return fmt.Sprintf("%d-%s-%04d", year, l, r.IntN(10000))
	case 2:
		return fmt.Sprintf("MAPA %02d-%03d", year%100, 1+r.IntN(300))
	case 3:
		return fmt.Sprintf("AC-%d-%03d-L%d", year, 1+r.IntN(200), 1+r.IntN(6))
	default:
		return fmt.Sprintf("%d%s%04d", year, l, r.IntN(10000))
	}
}

// newCodeService draws a Chorus Pro code service.
func newCodeService(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("SE%08d", r.IntN(100000000))
	case 1:
		codes := []string{"DAF", "SG", "DRH", "DNUM", "SAFI", "DSI", "BOP"}
		return fmt.Sprintf("%s%04d", codes[r.IntN(len(codes))], r.IntN(10000))
	case 2:
		return "FACTURES" + fmt.Sprint(1+r.IntN(9))
	default:
		return fmt.Sprintf("%s-%s-%02d", []string{"SFACT", "CSP", "PFR"}[r.IntN(3)], []string{"IDF", "NORD", "EST", "CENTRAL"}[r.IntN(4)], r.IntN(100))
	}
}
