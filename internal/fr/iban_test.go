package fr

import (
	"strings"
	"testing"
)

var validIBANs = []string{
	"FR7630006000011234567890189", // DOMAIN.md §4.3
	"FR76 3000 6000 0112 3456 7890 189",
	"FR7610278062740002801564133", // corpus RIB (real-misc/rib-karate-villebon)
	"FR1420041010050500013M02606", // letters in the account number
	"FR2012421242124212421242124", // corpus specimen: mod 97 right, clé RIB wrong
	"DE89370400440532013000",
	"GB82WEST12345698765432",
	"BE68539007547034",
	"NL91ABNA0417164300",
	"CH9300762011623852957",
	"IT60X0542811101000000123456",
	"ES9121000418450200051332",
	"NO9386011117947",
	"MT84MALT011000012345MTLCAST001S",
	"iban: fr76 3000 6000 0112 3456 7890 189",
}

func TestValidIBAN(t *testing.T) {
	for _, s := range validIBANs {
		if !ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = false, want true", s)
		}
		n := NormalizeIBAN(s)
		for _, m := range mutations(n[2:]) {
			if ValidIBAN(n[:2] + m) {
				t.Errorf("ValidIBAN(%q) = true (one digit changed from %s)", n[:2]+m, n)
			}
		}
	}
	invalid := []string{
		"", "FR76", "FR763000600001123456789018", "FR76300060000112345678901890",
		"DE8937040044053201300", "XX89370400440532013000", "FRAB30006000011234567890189",
		"FR76 3000 6000 0112 3456 7890 18#", "FR7630006000011234567890198",
		"GB82WEST1234569876543Z",
		"IT0000000009101000000123456", // check digits 00 alias 97 (found by fuzzing)
	}
	for _, s := range invalid {
		if ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = true, want false", s)
		}
	}
}

func TestIBANHelpers(t *testing.T) {
	if got := FormatIBAN("FR7630006000011234567890189"); got != "FR76 3000 6000 0112 3456 7890 189" {
		t.Errorf("FormatIBAN = %q", got)
	}
	if got := NormalizeIBAN("IBAN : FR76 3000\u00a06000-0112"); got != "FR76300060000112" {
		t.Errorf("NormalizeIBAN = %q", got)
	}
	if got := IBANCheckDigits("FR", "30006000011234567890189"); got != "76" {
		t.Errorf("IBANCheckDigits = %q", got)
	}
	if IBANLength("fr") != 27 || IBANLength("US") != 0 {
		t.Error("IBANLength")
	}
	r, ok := RIBFromIBAN("FR76 3000 6000 0112 3456 7890 189")
	if !ok || r != (RIB{"30006", "00001", "12345678901", "89"}) {
		t.Fatalf("RIBFromIBAN = %+v, %v", r, ok)
	}
	if r.IBAN() != "FR7630006000011234567890189" || r.String() != "30006 00001 12345678901 89" {
		t.Errorf("RIB.IBAN = %q, String = %q", r.IBAN(), r.String())
	}
	if _, ok := RIBFromIBAN("DE89370400440532013000"); ok {
		t.Error("RIBFromIBAN accepted a German IBAN")
	}
}

func TestRIBKey(t *testing.T) {
	tests := []struct{ banque, guichet, compte, key string }{
		{"30006", "00001", "12345678901", "89"}, // DOMAIN.md §4.3
		{"10278", "06274", "00028015641", "33"}, // corpus RIB
		{"20041", "01005", "0500013M026", "06"}, // letter M → 4
		{"20041", "01005", "0500013m026", "06"}, // lower case
		{"30006", "00001", "1234567890", ""},    // 10-character account
		{"3000A", "00001", "12345678901", ""},   // letter in the bank code
		{"30006", "00001", "1234567890#", ""},   // not a letter
	}
	for _, tt := range tests {
		if got := RIBKey(tt.banque, tt.guichet, tt.compte); got != tt.key {
			t.Errorf("RIBKey(%s, %s, %s) = %q, want %q", tt.banque, tt.guichet, tt.compte, got, tt.key)
		}
	}
	// The letter table of DOMAIN.md §4.3, one letter at a time: replacing a
	// digit by a letter of the same value keeps the key.
	table := map[byte]string{'1': "AJ", '2': "BKS", '3': "CLT", '4': "DMU", '5': "ENV", '6': "FOW", '7': "GPX", '8': "HQY", '9': "IRZ"}
	for digit, letters := range table {
		compte := "1234567890" + string(digit)
		want := RIBKey("30006", "00001", compte)
		for _, l := range []byte(letters) {
			if got := RIBKey("30006", "00001", "1234567890"+string(l)); got != want {
				t.Errorf("letter %c: key %s, want %s (as digit %c)", l, got, want, digit)
			}
		}
	}
	for _, s := range []string{"30006 00001 12345678901 89", "10278 06274 00028015641 33", "20041010050500013M02606"} {
		if !ValidRIB(s) {
			t.Errorf("ValidRIB(%q) = false", s)
		}
		for _, m := range mutations(strings.ReplaceAll(s, " ", "")) {
			if ValidRIB(m) {
				t.Errorf("ValidRIB(%q) = true (one digit changed from %s)", m, s)
			}
		}
	}
	if ValidRIB("12421 24212 42124212421 24") {
		t.Error("corpus specimen RIB has a wrong key and must fail")
	}
}

func TestValidBIC(t *testing.T) {
	valid := []string{"CMCIFR2A", "FIDCFR21XXX", "BNPAFRPP", "BNPAFRPPXXX", "DEUTDEFF500", "cmcifr2a", "BNPA FR PP"}
	for _, s := range valid {
		if !ValidBIC(s) {
			t.Errorf("ValidBIC(%q) = false", s)
		}
	}
	invalid := []string{"", "CMCIFR2", "CMCIFR2AX", "FACTURES", "BNPAXXPP", "1NPAFRPP", "BNPAFRP#", "BNPAFRPPXXXX"}
	for _, s := range invalid {
		if ValidBIC(s) {
			t.Errorf("ValidBIC(%q) = true", s)
		}
	}
}

func FuzzValidIBAN(f *testing.F) {
	for _, s := range validIBANs {
		f.Add(s)
	}
	f.Add("IBAN FR")
	f.Add("FR76 3000 6000 0112 3456 7890 18é")
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeIBAN(s)
		if NormalizeIBAN(n) != n && !strings.HasPrefix(n, "IBAN") {
			t.Fatalf("NormalizeIBAN not idempotent: %q → %q", s, n)
		}
		if !ValidIBAN(s) {
			return
		}
		if !ValidIBAN(n) || !ValidIBAN(FormatIBAN(n)) {
			t.Fatalf("valid %q but not its normal or printed form", s)
		}
		if IBANCheckDigits(n[:2], n[4:]) != n[2:4] {
			t.Fatalf("check digits of %q recomputed as %q", n, IBANCheckDigits(n[:2], n[4:]))
		}
		if r, ok := RIBFromIBAN(n); ok && r.IBAN() != n {
			t.Fatalf("RIB round trip: %q → %+v → %q", n, r, r.IBAN())
		}
	})
}
