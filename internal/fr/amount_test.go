package fr

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in       string
		want     float64
		currency string
		basis    string
	}{
		{"1 234,56 €", 1234.56, "EUR", ""},
		{"1\u00a0234,56\u00a0€", 1234.56, "EUR", ""},
		{"1\u202f234,56\u202f€", 1234.56, "EUR", ""},
		{"1.234,56", 1234.56, "", ""},
		{"1234.56 EUR", 1234.56, "EUR", ""},
		{"12 345 € HT", 12345, "EUR", "HT"},
		{"1 234 567,8", 1234567.8, "", ""},
		{"-150,00", -150, "", ""},
		{"- 150,00", -150, "", ""},
		{"−150,00", -150, "", ""},
		{"(150,00)", -150, "", ""},
		{"( 150,00 € )", -150, "EUR", ""},
		{"150,00-", -150, "", ""},
		{"150,00- €", -150, "EUR", ""},
		{"+150", 150, "", ""},
		{"1'234.56", 1234.56, "", ""},
		{"1’234.56", 1234.56, "", ""},
		{"CHF 1'234.50", 1234.5, "CHF", ""},
		{"1,234.56", 1234.56, "", ""},
		{"1,234,567", 1234567, "", ""},
		{"1.234.567", 1234567, "", ""},
		{"1.234.567,89", 1234567.89, "", ""},
		{"1 234.56", 1234.56, "", ""},
		{"1.250", 1250, "", ""}, // a lone dot before 3 digits is a thousands separator in French
		{"0.125 €", 0.125, "EUR", ""},
		{"1250.5", 1250.5, "", ""},
		{"1234,5678", 1234.5678, "", ""},
		{"1,5", 1.5, "", ""},
		{"€ 1 234", 1234, "EUR", ""},
		{"€1234", 1234, "EUR", ""},
		{"€ -150", -150, "EUR", ""},
		{"EUR 1234,00", 1234, "EUR", ""},
		{"150 euros TTC", 150, "EUR", "TTC"},
		{"150 Euros", 150, "EUR", ""},
		{"1 euro", 1, "EUR", ""},
		{"150€HT", 150, "EUR", "HT"},
		{"150,00 H.T.", 150, "", "HT"},
		{"150 T.T.C.", 150, "", "TTC"},
		{"150 ttc", 150, "", "TTC"},
		{"1 234,56 € hors taxes", 1234.56, "EUR", "HT"},
		{"150 € TTC", 150, "EUR", "TTC"},
		{"150 $", 150, "USD", ""},
		{"£150", 150, "GBP", ""},
		{"1,5 M€", 1.5e6, "EUR", ""},
		{"1,5M€", 1.5e6, "EUR", ""},
		{"10 k€", 1e4, "EUR", ""},
		{"10 K€ HT", 1e4, "EUR", "HT"},
		{"2 Md€", 2e9, "EUR", ""},
		{"894 MEUR", 894e6, "EUR", ""},
		{"0", 0, "", ""},
		{"0,00", 0, "", ""},
		{"-0,00", 0, "", ""},
		{"0150", 150, "", ""}, // fixed-width exports
		{"  624,90 €  ", 624.9, "EUR", ""},
		{"999 999 999 999 999,99", 999999999999999.99, "", ""},
	}
	for _, tt := range tests {
		m, ok := ParseAmountDetail(tt.in)
		if !ok || m.Value != tt.want || m.Currency != tt.currency || m.Basis != tt.basis {
			t.Errorf("ParseAmountDetail(%q) = %v %q %q %v; want %v %q %q", tt.in, m.Value, m.Currency, m.Basis, ok, tt.want, tt.currency, tt.basis)
		}
		if v, ok := ParseAmount(tt.in); !ok || v != tt.want {
			t.Errorf("ParseAmount(%q) = %v, %v", tt.in, v, ok)
		}
		if math.Signbit(m.Value) && m.Value == 0 {
			t.Errorf("ParseAmount(%q) gave -0", tt.in)
		}
	}
}

func TestParseAmountRejects(t *testing.T) {
	for _, in := range []string{
		"", " ", "abc", "€", "-", "()", "HT",
		"1.2.3", "12,34,56", "1 23", "1 2345", "12 34 56", "1,", ",5", ".5", "1..2", "1,2.3",
		"1e5", "NaN", "Inf", "0x10", "--150", "-150-", "(-150)", "(150", "150)", "150 € €", "€ 150 €",
		"1234567890123456", "1 234  567", "12a", "1 234,567,89", "1 234.567,89", "150 %",
		"20/11/2017", "2015-07-02", "1,1234567", "0 123", "01 234,00", "1'23", "1\t234",
		"150,00 € foo", "foo 150", "1.234.56", "1,234,56.78", "150 €€", "150 EURO S",
	} {
		if v, ok := ParseAmount(in); ok {
			t.Errorf("ParseAmount(%q) = %v, want rejection", in, v)
		}
	}
}

type wantAmount struct {
	text  string
	value float64
}

func TestFindAmounts(t *testing.T) {
	tests := []struct {
		line string
		want []wantAmount
	}{
		{"TVA : FR11999999998 - SIRET : 99999999800010 - APE : 4778C - SARL au capital de 120 000,00 €",
			[]wantAmount{{"120 000,00 €", 120000}}},
		{"Date de facture                               13/11/2017                                     Contact commercial", nil},
		{"📞 +33 +33 4 50 44 68 99 - 🌐 http://www.aubonmoulin.fr", nil},
		{"IBAN : FR20 1242 1242 1242 1242 1242 124 - BIC : FIDCFR21XXX - Banque : Banque Fiducial", nil},
		{"Nougat de l'Abbaye 250g           20 Unit(s)                  4,55 €           10%       81,90 €",
			[]wantAmount{{"4,55 €", 4.55}, {"81,90 €", 81.9}}},
		{"20.0                                                           81,90 €         16,38 €",
			[]wantAmount{{"81,90 €", 81.9}, {"16,38 €", 16.38}}},
		{"Virement                                              05/11/2017              201,00 €",
			[]wantAmount{{"201,00 €", 201}}},
		{"69001 Lyon", nil},
		{"SIRET 732 829 320 00074 - SIREN 552 081 317", nil},
		{"Tél. : 06.11.22.33.44 ou 01 69 72 84 60 ou 0632205550", nil},
		{"Facture FA-2017-0010 du 2015-07-02 à 10:30 (14h30), réf. PO445", nil},
		{"TVA 5,5 % : 29,87 €", []wantAmount{{"29,87 €", 29.87}}},
		{"Total HT 624,90", []wantAmount{{"624,90", 624.9}}},
		{"Montant : 12 345 € HT soit 14 814 € TTC", []wantAmount{{"12 345 € HT", 12345}, {"14 814 € TTC", 14814}}},
		{"remise (150,00) ; avoir -20,00 ; 30,00- ; (1 000,00 € HT)",
			[]wantAmount{{"(150,00)", -150}, {"-20,00", -20}, {"30,00-", -30}, {"1 000,00 € HT", 1000}}},
		{"Lot : 1,5 M€ et 10 k€", []wantAmount{{"1,5 M€", 1.5e6}, {"10 k€", 1e4}}},
		{"EUR 1 500 puis 2 000 EUR", []wantAmount{{"EUR 1 500", 1500}, {"2 000 EUR", 2000}}},
		{"100 € 200 €", []wantAmount{{"100 €", 100}, {"200 €", 200}}},
		{"100 € 200", []wantAmount{{"100 €", 100}}},
		{"L'ensemble des 8 1/2 journées est facturé au prix forfaitaire de 1000 €.", []wantAmount{{"1000 €", 1000}}},
		{"profilés aluminium 20x20 et médium de 9mm et quincaillerie : 50 € ;", []wantAmount{{"50 €", 50}}},
		{"Qté 3    Prix 1 250,00    Total 3 750,00", []wantAmount{{"1 250,00", 1250}, {"3 750,00", 3750}}},
		{"1 234,56\t789,00", []wantAmount{{"1 234,56", 1234.56}, {"789,00", 789}}},
		{"2 150,00 €", []wantAmount{{"2 150,00 €", 2150}}},
		{"Page 1 / 1", nil},
		{"Article 3.12.4 du CCAP", nil},
		{"10-20 € par jour", nil},
		{"le 1er mars 2026, 2 juil. 2015", nil},
		{"N°2017 150,00€", []wantAmount{{"150,00€", 150}}},
		{"Prix unitaire : 0,125 €/kWh", []wantAmount{{"0,125 €", 0.125}}},
		{"TJM 1 500,00/j", []wantAmount{{"1 500,00", 1500}}},
		{"Montant TTC : 1.234,56 EUR", []wantAmount{{"1.234,56 EUR", 1234.56}}},
		{"Total : 1,234.56 USD", []wantAmount{{"1,234.56 USD", 1234.56}}},
		{"12 mois à 1 000 € HT", []wantAmount{{"1 000 € HT", 1000}}},
		{"du 01.02.2024 au 31.12.2024", nil},
		{"taux 20 % et 20%", nil},
		{"Quantité 2,00", []wantAmount{{"2,00", 2}}}, // two decimals: reported, the caller weighs labels
		{"Total\u00a0TTC\u00a0: 1\u202f481,47\u00a0€", []wantAmount{{"1\u202f481,47\u00a0€", 1481.47}}},
		{"Remise −12,50 €", []wantAmount{{"−12,50 €", -12.5}}},
		{"", nil},
	}
	for _, tt := range tests {
		got := FindAmounts(tt.line)
		if len(got) != len(tt.want) {
			t.Errorf("FindAmounts(%q) = %v, want %v", tt.line, texts(got), tt.want)
			continue
		}
		for i, w := range tt.want {
			if got[i].Text != w.text || got[i].Value != w.value || tt.line[got[i].Start:got[i].End] != w.text {
				t.Errorf("FindAmounts(%q)[%d] = %q (%v), want %q (%v)", tt.line, i, got[i].Text, got[i].Value, w.text, w.value)
			}
		}
	}
}

func texts(ms []AmountMatch) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

func readCorpusLines(t testing.TB) []string {
	t.Helper()
	f, err := os.Open("testdata/corpus_lines.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestFindAmountsCorpus reads the corpus lines (an invoice, a real devis and
// a real RIB) and checks that the printed totals of the gold files are found
// and that nothing else looks like an amount without reason.
func TestFindAmountsCorpus(t *testing.T) {
	found := map[float64]int{}
	for _, line := range readCorpusLines(t) {
		for _, m := range FindAmounts(line) {
			found[m.Value]++
			if m.Currency == "" && m.Basis == "" && m.Decimals != 2 {
				t.Errorf("amount %q in %q has no currency and no cents", m.Text, line)
			}
		}
	}
	// Facture_FR_EXTENDED.gold.json: HT, TVA, TTC, net à payer; the devis: 1000 € and 250 €.
	for _, v := range []float64{624.9, 46.25, 671.15, 470.15, 1000, 250, 120000, 16.38, 29.87, 75, 50, 40, 35} {
		if found[v] == 0 {
			t.Errorf("amount %v not found in the corpus lines", v)
		}
	}
	// Identifiers, postal codes, phone numbers and years of these documents.
	for _, v := range []float64{99999999800010, 84340, 69001, 91390, 91240, 2017, 2019, 1242, 4778, 445, 10278, 6274, 28015641, 33, 20, 10, 25, 60, 8, 4, 2} {
		if found[v] != 0 {
			t.Errorf("%v found as an amount", v)
		}
	}
}

// formatFrench prints cents as "1 234 567,89" with the given thousands and
// decimal separators.
func formatGrouped(cents int64, thousands, decimal string) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	intPart := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(c)
	}
	b.WriteString(decimal)
	frac := cents % 100
	b.WriteByte(byte('0' + frac/10))
	b.WriteByte(byte('0' + frac%10))
	return b.String()
}

func amountStyles(cents int64) []string {
	return []string{
		formatGrouped(cents, " ", ","),
		formatGrouped(cents, "\u00a0", ",") + "\u00a0€",
		formatGrouped(cents, "\u202f", ",") + " € HT",
		formatGrouped(cents, ".", ","),
		formatGrouped(cents, ",", "."),
		formatGrouped(cents, "'", ".") + " CHF",
		formatGrouped(cents, "", ","),
		formatGrouped(cents, "", ".") + " EUR",
	}
}

func TestAmountRoundTrip(t *testing.T) {
	for _, cents := range []int64{0, 1, 99, 100, 123456, -15000, 100000, 99999999, 123456789012, -987654321} {
		checkRoundTrip(t, cents)
	}
}

func checkRoundTrip(t *testing.T, cents int64) {
	t.Helper()
	want := float64(cents) / 100
	for _, s := range amountStyles(cents) {
		if v, ok := ParseAmount(s); !ok || v != want {
			t.Fatalf("ParseAmount(%q) = %v, %v; want %v", s, v, ok, want)
		}
		line := "Total TTC : " + s + " ; réf. 2017/12"
		ms := FindAmounts(line)
		if len(ms) != 1 || ms[0].Value != want {
			t.Fatalf("FindAmounts(%q) = %v, want one amount %v", line, texts(ms), want)
		}
	}
}

func FuzzAmountRoundTrip(f *testing.F) {
	for _, c := range []int64{0, 1, 123456, -15000, 999999999999} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, cents int64) {
		if cents > 1e15 || cents < -1e15 {
			return // beyond the 15 integer digits accepted
		}
		checkRoundTrip(t, cents)
	})
}

func corpusSeeds(f *testing.F) {
	f.Helper()
	for _, line := range readCorpusLines(f) {
		f.Add(line)
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1 234,56 €", "(150,00)", "150,00-", "1'234.56", "1,5 M€", "12 345 € HT", "€ -150", "1.250"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := ParseAmountDetail(s)
		if !ok {
			return
		}
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) || math.Abs(m.Value) >= 1e25 {
			t.Fatalf("ParseAmount(%q) = %v", s, m.Value)
		}
		if m.Decimals < 0 || m.Decimals > maxDecimals {
			t.Fatalf("ParseAmount(%q) decimals %d", s, m.Decimals)
		}
		// Padding with blanks changes nothing.
		if v, ok := ParseAmount(" " + s + "\u00a0"); !ok || v != m.Value {
			t.Fatalf("ParseAmount with blanks around %q = %v, %v; want %v", s, v, ok, m.Value)
		}
	})
}

func FuzzFindAmounts(f *testing.F) {
	corpusSeeds(f)
	f.Fuzz(func(t *testing.T, line string) {
		ms := FindAmounts(line)
		prev := 0
		for _, m := range ms {
			if m.Start < prev || m.End <= m.Start || m.End > len(line) || line[m.Start:m.End] != m.Text {
				t.Fatalf("bad span %d:%d (prev end %d) in %q", m.Start, m.End, prev, line)
			}
			prev = m.End
			// What FindAmounts reports, ParseAmount reads the same way.
			p, ok := ParseAmountDetail(m.Text)
			if !ok || p.Value != m.Value || p.Currency != m.Currency || p.Basis != m.Basis || p.Decimals != m.Decimals {
				t.Fatalf("FindAmounts(%q) gave %q = %v %q %q, ParseAmount gives %v %q %q ok=%v",
					line, m.Text, m.Value, m.Currency, m.Basis, p.Value, p.Currency, p.Basis, ok)
			}
			// An amount found alone on its line is found whole.
			if again := FindAmounts(m.Text); len(again) != 1 || again[0].Text != m.Text || again[0].Value != m.Value {
				t.Fatalf("FindAmounts(%q) = %v, want itself (from line %q)", m.Text, texts(again), line)
			}
		}
	})
}

func BenchmarkFindAmounts(b *testing.B) {
	lines := readCorpusLines(b)
	b.ResetTimer()
	for b.Loop() {
		for _, l := range lines {
			FindAmounts(l)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}

func BenchmarkParseAmount(b *testing.B) {
	for b.Loop() {
		ParseAmount("1 234 567,89 € HT")
	}
}

// TestFindLongLines checks that adversarial lines (a 200 kB run of digit
// groups, of separators, of month names) are scanned in linear time.
func TestFindLongLines(t *testing.T) {
	lines := []string{
		"1" + strings.Repeat(" 234", 50000) + ",56 €",
		strings.Repeat("1.", 100000),
		strings.Repeat("12/", 70000),
		strings.Repeat("1er mars ", 20000),
		strings.Repeat("€-(1", 50000),
	}
	start := time.Now()
	for _, l := range lines {
		FindAmounts(l)
		FindDates(l)
		FindPercents(l)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("long lines took %v", d)
	}
}
