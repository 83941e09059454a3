package fr

import (
	"testing"
	"unicode/utf8"
)

func TestRepairIdentifier(t *testing.T) {
	tests := []struct {
		in    string
		valid func(string) bool
		want  string
		ok    bool
	}{
		{"552081317", ValidSIREN, "552081317", true},               // already valid
		{"55208I317", ValidSIREN, "552081317", true},               // I → 1
		{"552O81317", ValidSIREN, "552081317", true},               // O → 0
		{"552 O81 317", ValidSIREN, "552 081 317", true},           // separators kept
		{"7328293Z0", ValidSIREN, "732829320", true},               // Z → 2
		{"732829320000G4", ValidSIRET, "73282932000064", false},    // placeholder, checked below
		{"FR76 3OO6 0000 1123 4567 8901 89", ValidIBAN, "", false}, // two errors: no single fix
		{"FR7630006000011234567890I89", ValidIBAN, "FR7630006000011234567890189", true},
		{"CMCIFR2A", ValidBIC, "CMCIFR2A", true},
		{"55208131", ValidSIREN, "", false},
		{"", ValidSIREN, "", false},
	}
	for _, tt := range tests {
		got, ok := RepairIdentifier(tt.in, tt.valid)
		if tt.in == "732829320000G4" {
			// G → 6 gives 73282932000064, which Luhn rejects: no fix.
			if ok {
				t.Errorf("RepairIdentifier(%q) = %q, want no fix", tt.in, got)
			}
			continue
		}
		if got != tt.want || ok != tt.ok {
			t.Errorf("RepairIdentifier(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRepairIdentifierAmbiguous(t *testing.T) {
	// A validator that accepts two different one-character fixes: the repair
	// must refuse to choose.
	accept := map[string]bool{"A1O": true, "AI0": true}
	valid := func(s string) bool { return accept[s] }
	if got, ok := RepairIdentifier("AIO", valid); ok {
		t.Fatalf("ambiguous repair returned %q", got)
	}
	delete(accept, "AI0")
	if got, ok := RepairIdentifier("AIO", valid); !ok || got != "A1O" {
		t.Fatalf("RepairIdentifier = %q, %v", got, ok)
	}
}

func FuzzRepairIdentifier(f *testing.F) {
	for _, s := range []string{"55208I317", "552O81317", "FR7630006000011234567890I89", "732829320000G4", "OOOOOOOOO", "é1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, valid := range []func(string) bool{ValidSIREN, ValidSIRET, ValidIBAN, ValidVAT} {
			fixed, ok := RepairIdentifier(s, valid)
			if !ok {
				continue
			}
			if !valid(fixed) {
				t.Fatalf("repair of %q gave invalid %q", s, fixed)
			}
			if fixed == s {
				continue
			}
			// Exactly one rune differs.
			if utf8.RuneCountInString(fixed) != utf8.RuneCountInString(s) {
				t.Fatalf("repair of %q changed its length: %q", s, fixed)
			}
			a, b := []rune(s), []rune(fixed)
			diff := 0
			for i := range a {
				if a[i] != b[i] {
					diff++
				}
			}
			if diff != 1 {
				t.Fatalf("repair of %q changed %d characters: %q", s, diff, fixed)
			}
		}
	})
}
