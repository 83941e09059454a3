package fr

import "testing"

func TestEJ(t *testing.T) {
	tests := []struct {
		in, norm string
		ok       bool
	}{
		{"1300123456", "1300123456", true},
		{"13 0012 3456", "1300123456", true},
		{"1300123456.0", "1300123456", true},
		{"130012345", "130012345", false},
		{"13001234567", "13001234567", false},
		{"13OO123456", "13OO123456", false},
	}
	for _, tt := range tests {
		n, ok := ParseEJ(tt.in)
		if n != tt.norm || ok != tt.ok || ValidEJ(tt.in) != tt.ok {
			t.Errorf("ParseEJ(%q) = %q, %v; want %q, %v", tt.in, n, ok, tt.norm, tt.ok)
		}
	}
}

func TestCPV(t *testing.T) {
	tests := []struct {
		in, norm string
		ok       bool
	}{
		{"79400000-8", "79400000-8", true},
		{"79400000", "79400000", true},
		{" 72220000 - 3 ", "72220000-3", true},
		{"79400000–8", "79400000-8", true},
		{"7940000", "7940000", false},
		{"79400000-", "79400000-", false},
		{"79400000-88", "79400000-88", false},
		{"7940000A-8", "7940000A-8", false},
		{"00000000", "00000000", false},
	}
	for _, tt := range tests {
		n, ok := NormalizeCPV(tt.in)
		if n != tt.norm || ok != tt.ok || ValidCPV(tt.in) != tt.ok {
			t.Errorf("NormalizeCPV(%q) = %q, %v; want %q, %v", tt.in, n, ok, tt.norm, tt.ok)
		}
	}
}

func TestNAF(t *testing.T) {
	tests := []struct {
		in, norm string
		ok       bool
	}{
		{"70.22Z", "70.22Z", true},
		{"7022Z", "70.22Z", true},
		{"70.22 z", "70.22Z", true},
		{"70,22Z", "70.22Z", true},
		{"62.02A", "62.02A", true},
		{"4778C", "47.78C", true},
		{"70.22", "", false},
		{"70.2Z", "", false},
		{"70.221", "", false},
		{"AB.CDZ", "", false},
	}
	for _, tt := range tests {
		n, ok := NormalizeNAF(tt.in)
		if ok != tt.ok || (ok && n != tt.norm) || ValidNAF(tt.in) != tt.ok {
			t.Errorf("NormalizeNAF(%q) = %q, %v; want %q, %v", tt.in, n, ok, tt.norm, tt.ok)
		}
	}
}

func TestFoldRune(t *testing.T) {
	cases := map[rune]string{'É': "e", 'ç': "c", 'Œ': "oe", 'æ': "ae", 'ñ': "n", 'ő': "o", 'A': "a", '7': "7", '€': "€", '°': "°"}
	for r, want := range cases {
		a, b := FoldRune(r)
		got := string(a)
		if b != 0 {
			got += string(b)
		}
		if got != want {
			t.Errorf("FoldRune(%q) = %q, want %q", r, got, want)
		}
	}
}
