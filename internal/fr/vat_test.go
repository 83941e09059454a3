package fr

import "testing"

func TestFRVATKey(t *testing.T) {
	tests := []struct{ siren, key string }{
		{"552081317", "03"},
		{"552 081 317", "03"},
		{"999999998", "11"},
		{"787878784", "19"},
		{"55208131", ""},
		{"abc", ""},
	}
	for _, tt := range tests {
		if got := FRVATKey(tt.siren); got != tt.key {
			t.Errorf("FRVATKey(%q) = %q, want %q", tt.siren, got, tt.key)
		}
	}
	if got := FRVATNumber("552081317"); got != "FR03552081317" {
		t.Errorf("FRVATNumber = %q", got)
	}
}

func TestNormalizeVAT(t *testing.T) {
	tests := []struct{ in, want string }{
		{"FR 03 552 081 317", "FR03552081317"},
		{"fr03552081317", "FR03552081317"},
		{"FR03\u00a0552\u202f081\u00a0317", "FR03552081317"},
		{"FR-03-552.081.317", "FR03552081317"},
		{" DE 123456789 ", "DE123456789"},
	}
	for _, tt := range tests {
		if got := NormalizeVAT(tt.in); got != tt.want {
			t.Errorf("NormalizeVAT(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidVAT(t *testing.T) {
	valid := []string{
		"FR03552081317", "FR 03 552 081 317", "FR11999999998", "FR19787878784",
		"FRA3552081317", // letter keys: format and SIREN only
		"ATU12345678", "BE0123456789", "BG123456789", "BG1234567890", "CY12345678X", "CZ12345678",
		"DE123456789", "DK12345678", "EE123456789", "EL123456789", "ES12345678Z", "ESX1234567L",
		"FI12345678", "HR12345678901", "HU12345678", "IE1234567T", "IE1234567WA", "IE1S23456T",
		"IT12345678901", "LT123456789", "LT123456789012", "LU12345678", "LV12345678901",
		"MT12345678", "NL123456789B01", "PL1234567890", "PT123456789", "RO1234567890",
		"SE123456789001", "SI12345678", "SK1234567890", "XI123456789", "GB123456789",
	}
	for _, s := range valid {
		if !ValidVAT(s) {
			t.Errorf("ValidVAT(%q) = false, want true", s)
		}
	}
	invalid := []string{
		"", "FR", "FR0355208131", "FR035520813170", "FR04552081317", "FR03552081318",
		"ATU1234567", "BE2123456789", "DE12345678", "NL123456789A01", "SE123456789002",
		"US123456789", "XX12345678", "FR03 552 081 31O",
		"FRA3552081318", // letter key, SIREN key wrong
		"FR12000000000", // key right for an all-zero SIREN
	}
	for _, s := range invalid {
		if ValidVAT(s) {
			t.Errorf("ValidVAT(%q) = true, want false", s)
		}
	}
	// Every one-digit change of a French vector must fail.
	for _, v := range []string{"FR03552081317", "FR11999999998", "FR19787878784"} {
		for _, m := range mutations(v) {
			if ValidVAT(m) {
				t.Errorf("ValidVAT(%q) = true (one digit changed from %s)", m, v)
			}
		}
	}
}

func TestSIRENFromVAT(t *testing.T) {
	if s, ok := SIRENFromVAT("FR 03 552 081 317"); !ok || s != "552081317" {
		t.Errorf("SIRENFromVAT = %q, %v", s, ok)
	}
	for _, in := range []string{"FR04552081317", "DE123456789", "FRA3552081317x"} {
		if s, ok := SIRENFromVAT(in); ok {
			t.Errorf("SIRENFromVAT(%q) = %q", in, s)
		}
	}
}

func FuzzNormalizeVAT(f *testing.F) {
	for _, s := range []string{"FR 03 552 081 317", "fr03552081317", "NL123456789B01", "ATU12345678", "FR\u00a003", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeVAT(s)
		if NormalizeVAT(n) != n {
			t.Fatalf("NormalizeVAT not idempotent: %q → %q → %q", s, n, NormalizeVAT(n))
		}
		if ValidVAT(s) != ValidVAT(n) {
			t.Fatalf("ValidVAT differs between %q and its normal form %q", s, n)
		}
		if siren, ok := SIRENFromVAT(s); ok && allDigits(n[2:4]) {
			if FRVATNumber(siren) != n {
				t.Fatalf("SIRENFromVAT(%q) = %q but FRVATNumber gives %q", s, siren, FRVATNumber(siren))
			}
		}
	})
}
