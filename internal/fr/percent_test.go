package fr

import (
	"math"
	"testing"
)

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"20 %", 20}, {"20%", 20}, {"5,5%", 5.5}, {"5.5 %", 5.5}, {"2,10 %", 2.1}, {"8,5\u00a0%", 8.5},
		{"20", 20}, {"-5 %", -5}, {"0 %", 0}, {"5.500 %", 5.5}, {"0,9 %", 0.9}, {"1,75%", 1.75},
	}
	for _, tt := range tests {
		if got, ok := ParsePercent(tt.in); !ok || got != tt.want {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{"", "%", "abc %", "20 %%", "1.2.3 %", "20 % TVA", "TVA 20 %", "-", "5,5,5 %"} {
		if got, ok := ParsePercent(in); ok {
			t.Errorf("ParsePercent(%q) = %v, want rejection", in, got)
		}
	}
}

func TestFindPercents(t *testing.T) {
	tests := []struct {
		line string
		want []float64
		text []string
	}{
		{"TVA 20 % : 125,00 €", []float64{20}, []string{"20 %"}},
		{"taux de 2,10 % et 8.5%", []float64{2.1, 8.5}, []string{"2,10 %", "8.5%"}},
		{"acompte de 25% du total, remise -5 %", []float64{25, -5}, []string{"25%", "-5 %"}},
		{"Nougat 250g   20 Unit(s)   4,55 €   10%   81,90 €", []float64{10}, []string{"10%"}},
		{"X20 % ; 150,00 € ; 13/11/2017", nil, nil},
	}
	for _, tt := range tests {
		got := FindPercents(tt.line)
		if len(got) != len(tt.want) {
			t.Errorf("FindPercents(%q) = %+v, want %v", tt.line, got, tt.want)
			continue
		}
		for i := range got {
			if got[i].Value != tt.want[i] || got[i].Text != tt.text[i] || tt.line[got[i].Start:got[i].End] != got[i].Text {
				t.Errorf("FindPercents(%q)[%d] = %+v, want %v %q", tt.line, i, got[i], tt.want[i], tt.text[i])
			}
		}
	}
}

func TestIsFrenchVATRate(t *testing.T) {
	tests := []struct {
		rate float64
		t    Territory
		want bool
	}{
		{20, Mainland, true}, {10, Mainland, true}, {5.5, Mainland, true}, {2.1, Mainland, true}, {0, Mainland, true},
		{5.50, Mainland, true}, {19.6, Mainland, false}, {7, Mainland, false}, {8.5, Mainland, false}, {13, Mainland, false},
		{8.5, DOM, true}, {2.1, DOM, true}, {1.75, DOM, true}, {1.05, DOM, true}, {0, DOM, true}, {20, DOM, false},
		{0.9, Corse, true}, {2.1, Corse, true}, {10, Corse, true}, {13, Corse, true}, {20, Corse, true}, {8.5, Corse, false},
		{0, GuyaneMayotte, true}, {8.5, GuyaneMayotte, false},
		{0.2, Mainland, false}, // a fraction is not a percentage
		{math.NaN(), Mainland, false},
	}
	for _, tt := range tests {
		if got := IsFrenchVATRate(tt.rate, tt.t); got != tt.want {
			t.Errorf("IsFrenchVATRate(%v, %v) = %v, want %v", tt.rate, tt.t, got, tt.want)
		}
	}
	rates := FrenchVATRates(Mainland)
	rates[0] = 99
	if !IsFrenchVATRate(20, Mainland) {
		t.Error("FrenchVATRates returned the internal slice")
	}
}

func TestVATExemption(t *testing.T) {
	tests := []struct {
		text string
		kind string
	}{
		{"TVA non applicable, art. 293 B du CGI", ExemptionFranchise},
		{"TVA non applicable - article 293B du Code général des impôts", ExemptionFranchise},
		{"« TVA NON APPLICABLE, ART. 293 B DU CGI »", ExemptionFranchise},
		{"Dispensé d'immatriculation, franchise en base de TVA", ExemptionFranchise},
		{"Autoliquidation", ExemptionReverseCharge},
		{"Auto-liquidation de la TVA par le preneur", ExemptionReverseCharge},
		{"TVA due par le preneur, art. 283-2 du CGI", ExemptionReverseCharge},
		{"Reverse charge - Article 196 of Directive 2006/112/EC", ExemptionReverseCharge},
		{"Exonération de TVA, art. 261-4-4° du CGI", ExemptionExempt},
		{"Exonération de TVA, art. 261 C du CGI", ExemptionExempt},
		{"Formation exonérée de TVA", ExemptionExempt},
		{"TVA non applicable, article 261 D du CGI", ExemptionExempt},
		{"Livraison intracommunautaire exonérée, article 262 ter I du CGI", ExemptionExempt},
		{"TVA non applicable, art. 259-1 du CGI", ExemptionOutOfScope},
		{"Opération hors champ de la TVA", ExemptionOutOfScope},
		{"TVA non applicable", ExemptionUnspecified},
		{"Association non assujettie à la TVA", ExemptionUnspecified},
	}
	for _, tt := range tests {
		if kind, ok := VATExemption(tt.text); !ok || kind != tt.kind {
			t.Errorf("VATExemption(%q) = %q, %v; want %q", tt.text, kind, ok, tt.kind)
		}
	}
	for _, text := range []string{
		"TVA 20 % : 261,00 €", "Total TVA 46,25 €", "TVA applicable au taux normal", "Exonération de charges sociales",
		"Article 261 du CCAP", "Conditions générales de vente", "",
	} {
		if kind, ok := VATExemption(text); ok {
			t.Errorf("VATExemption(%q) = %q, want none", text, kind)
		}
	}
}

func FuzzFindPercents(f *testing.F) {
	corpusSeeds(f)
	f.Add("taux de 2,10 % et 8.5% ; -5 %")
	f.Fuzz(func(t *testing.T, line string) {
		prev := 0
		for _, m := range FindPercents(line) {
			if m.Start < prev || m.End <= m.Start || m.End > len(line) || line[m.Start:m.End] != m.Text {
				t.Fatalf("bad span %d:%d (prev end %d) in %q", m.Start, m.End, prev, line)
			}
			prev = m.End
			if v, ok := ParsePercent(m.Text); !ok || v != m.Value {
				t.Fatalf("FindPercents(%q) gave %q = %v, ParsePercent gives %v, %v", line, m.Text, m.Value, v, ok)
			}
		}
		_, _ = VATExemption(line)
	})
}
