package fr

import (
	"strconv"
	"testing"
)

// mutations returns every variant of s with one digit replaced by another.
func mutations(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if !isDigitASCII(s[i]) {
			continue
		}
		for d := byte('0'); d <= '9'; d++ {
			if d != s[i] {
				out = append(out, s[:i]+string(d)+s[i+1:])
			}
		}
	}
	return out
}

func TestNormalizeDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"732829320", "732829320"},
		{"732 829 320", "732829320"},
		{"732\u00a0829\u00a0320", "732829320"},
		{"732\u202f829\u202f320", "732829320"},
		{"732.829.320", "732829320"},
		{"732-829-320", "732829320"},
		{"  732829320.0 ", "732829320"},
		{"73282932000074.0", "73282932000074"},
		{"7.3282932000074E+13", "73282932000074"},
		{"7.3282932e8", "732829320"},
		{"7.32829E8", "732829000"},
		{"552 081 317 00010", "55208131700010"},
		{"FR 03", "FR03"},
		{"", ""},
		{"12.00", "1200"}, // two decimals: not a float artefact, dots are separators
	}
	for _, tt := range tests {
		if got := NormalizeDigits(tt.in); got != tt.want {
			t.Errorf("NormalizeDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSIRENVectors(t *testing.T) {
	for _, v := range []string{"732829320", "552081317", "776056467", "130025265", "356000000", "999999998", "787878784"} {
		if !ValidSIREN(v) {
			t.Errorf("ValidSIREN(%q) = false, want true", v)
		}
		for _, m := range mutations(v) {
			if ValidSIREN(m) {
				t.Errorf("ValidSIREN(%q) = true (one digit changed from %s)", m, v)
			}
		}
	}
	for _, in := range []string{"732 829 320", "732\u00a0829\u00a0320", "732.829.320", "732829320.0"} {
		if !ValidSIREN(in) {
			t.Errorf("ValidSIREN(%q) = false", in)
		}
	}
	for _, in := range []string{"", "73282932", "7328293200", "73282932O", "000000000", "abcdefghi"} {
		if ValidSIREN(in) {
			t.Errorf("ValidSIREN(%q) = true", in)
		}
	}
}

func TestParseSIRENSIRET(t *testing.T) {
	tests := []struct {
		in         string
		siret      bool
		norm       string
		valid, ook bool
	}{
		{"552 081 317", false, "552081317", true, true},
		{"552 081 318", false, "552081318", false, true},
		{"55208131", false, "55208131", false, false},
		{"732 829 320 00074", true, "73282932000074", true, true},
		{"732 829 320 00075", true, "73282932000075", false, true},
		{"7328293200007", true, "7328293200007", false, false},
		{"73282932000074.0", true, "73282932000074", true, true},
	}
	for _, tt := range tests {
		var n string
		var valid, ok bool
		if tt.siret {
			n, valid, ok = ParseSIRET(tt.in)
		} else {
			n, valid, ok = ParseSIREN(tt.in)
		}
		if n != tt.norm || valid != tt.valid || ok != tt.ook {
			t.Errorf("Parse(%q) = %q,%v,%v want %q,%v,%v", tt.in, n, valid, ok, tt.norm, tt.valid, tt.ook)
		}
	}
}

func TestSIRETVectors(t *testing.T) {
	for _, v := range []string{"73282932000074", "13002220500012", "79049427200020", "35600000000048"} {
		if !ValidSIRET(v) {
			t.Errorf("ValidSIRET(%q) = false, want true", v)
		}
		if siren, ok := SIRENFromSIRET(v); !ok || !ValidSIREN(siren) || siren != v[:9] {
			t.Errorf("SIRENFromSIRET(%q) = %q, %v", v, siren, ok)
		}
		for _, m := range mutations(v) {
			if ValidSIRET(m) && !IsLaPosteSIRET(m) {
				t.Errorf("ValidSIRET(%q) = true (one digit changed from %s)", m, v)
			}
		}
	}
	// The Factur-X specimen invoices of the corpus print SIRET 99999999800010,
	// whose Luhn key is wrong (their SIREN 999999998 is right).
	if ValidSIRET("99999999800010") || !ValidSIREN("999999998") {
		t.Error("corpus specimen SIRET")
	}
	if ValidSIRET("00000000000000") {
		t.Error("all-zero SIRET accepted")
	}
}

func TestLaPosteSIRET(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"35600000049837", true}, // fails Luhn, digit sum 45
		{"356 000 000 49837", true},
		{"35600000000048", true},  // the siège, ordinary Luhn
		{"35600000049832", true},  // digit sum 40: the rule cannot see a change by 5
		{"35600000049838", false}, // digit sum 46, Luhn fails
		{"35600000049836", false},
		{"73282932049837", false}, // same NIC, another SIREN: Luhn only
	}
	for _, tt := range tests {
		if got := ValidSIRET(tt.in); got != tt.want {
			t.Errorf("ValidSIRET(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if !IsLaPosteSIRET("35600000049837") || IsLaPosteSIRET("73282932000074") {
		t.Error("IsLaPosteSIRET")
	}
	// Changing the NIC of the La Poste vector by anything but ±5 must fail
	// unless the result happens to pass plain Luhn.
	v := "35600000049837"
	for i := 9; i < 14; i++ {
		for d := byte('0'); d <= '9'; d++ {
			delta := int(d) - int(v[i])
			if delta == 0 || delta%5 == 0 {
				continue
			}
			m := v[:i] + string(d) + v[i+1:]
			if ValidSIRET(m) && !luhnValid(m) {
				t.Errorf("ValidSIRET(%q) = true without Luhn and with digit sum %d", m, digitSum(m))
			}
		}
	}
}

func TestLuhnReference(t *testing.T) {
	// Cross-check luhnValid against a direct transcription of DOMAIN.md §4.1:
	// for 9 digits, double positions 2, 4, 6, 8 counted from the left.
	ref := func(s string) bool {
		sum := 0
		for i := 0; i < 9; i++ {
			d := int(s[i] - '0')
			if (i+1)%2 == 0 {
				d *= 2
				if d > 9 {
					d -= 9
				}
			}
			sum += d
		}
		return sum%10 == 0
	}
	for n := 100000000; n < 100000000+20000; n += 7 {
		s := strconv.Itoa(n)
		if ref(s) != luhnValid(s) {
			t.Fatalf("luhn mismatch on %s", s)
		}
	}
}

func FuzzSIRET(f *testing.F) {
	for _, s := range []string{"73282932000074", "35600000049837", "732 829 320 00074", "13002220500012.0", "7.3282932000074E+13", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, valid, ok := ParseSIRET(s)
		if valid && !ok {
			t.Fatalf("valid without shape: %q", s)
		}
		if ok && (len(n) != 14 || !allDigits(n)) {
			t.Fatalf("ok with %q", n)
		}
		if valid {
			// A valid SIRET's SIREN is valid (La Poste's SIREN passes Luhn too).
			if !ValidSIREN(n[:9]) {
				t.Fatalf("SIRET %q valid but SIREN %q not", n, n[:9])
			}
			if n2, v2, _ := ParseSIRET(n); n2 != n || !v2 {
				t.Fatalf("normal form %q does not round-trip", n)
			}
		}
		if NormalizeDigits(n) != n && ok {
			t.Fatalf("NormalizeDigits not idempotent on %q", n)
		}
		_, _, _ = ParseSIREN(s)
	})
}
