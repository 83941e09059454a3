package fr

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"02/07/2015", day(2015, 7, 2)},
		{"2/7/15", day(2015, 7, 2)},
		{"02/07/85", day(1985, 7, 2)},
		{"02.07.2015", day(2015, 7, 2)},
		{"02-07-2015", day(2015, 7, 2)},
		{"2015-07-02", day(2015, 7, 2)},
		{"2015/07/02", day(2015, 7, 2)},
		{"2015-07-02T10:00:00Z", day(2015, 7, 2)},
		{"20150702", day(2015, 7, 2)},
		{"2 juillet 2015", day(2015, 7, 2)},
		{"2\u00a0juillet\u00a02015", day(2015, 7, 2)},
		{"2 juil. 2015", day(2015, 7, 2)},
		{"2 juil 2015", day(2015, 7, 2)},
		{"02 JUILLET 2015", day(2015, 7, 2)},
		{"le 1er mars 2026", day(2026, 3, 1)},
		{"Le 1ER MARS 2026", day(2026, 3, 1)},
		{"1er mars 2026", day(2026, 3, 1)},
		{"1ᵉʳ mars 2026", day(2026, 3, 1)},
		{"premier mars 2026", day(2026, 3, 1)},
		{"1 mars 2026", day(2026, 3, 1)},
		{"2 février 2015", day(2015, 2, 2)},
		{"2 fevrier 2015", day(2015, 2, 2)},
		{"2 FÉVRIER 2015", day(2015, 2, 2)},
		{"2 févr. 2015", day(2015, 2, 2)},
		{"15 août 2015", day(2015, 8, 15)},
		{"15 aout 2015", day(2015, 8, 15)},
		{"15 AOÛT 2015", day(2015, 8, 15)},
		{"31 décembre 2024", day(2024, 12, 31)},
		{"31 DECEMBRE 2024", day(2024, 12, 31)},
		{"3 janv. 2016", day(2016, 1, 3)},
		{"1 sept. 2015", day(2015, 9, 1)},
		{"9 avr. 2020", day(2020, 4, 9)},
		{"9 mai 2020", day(2020, 5, 9)},
		{"29/02/2024", day(2024, 2, 29)},
		{"29/02/2000", day(2000, 2, 29)},
		{"  13/11/2017 ", day(2017, 11, 13)},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}

func TestParseDateRejects(t *testing.T) {
	for _, in := range []string{
		"", "mars 2026", "03/2026", "juillet", "2 juillet", "1er", "le",
		"31/02/2015", "29/02/2023", "29/02/1900", "32/01/2015", "00/01/2015", "01/13/2015", "12/31/2015",
		"2015-02-30", "2015-13-01", "20151302", "18990101", "1899-01-01", "2 jul 2015", "2 juillet 15",
		"02/07/2015 foo", "2/7/2015/3", "1.5", "02/07-2015", "2 marsipan 2015", "31 avril 2015",
		"2 juillet 20155", "123/07/2015", "2e juillet 2015",
	} {
		if got, ok := ParseDate(in); ok {
			t.Errorf("ParseDate(%q) = %v, want rejection", in, got)
		}
	}
}

type wantDate struct {
	text    string
	y, m, d int
}

func TestFindDates(t *testing.T) {
	tests := []struct {
		line string
		want []wantDate
	}{
		{"Date de facture                               13/11/2017                                     Contact commercial",
			[]wantDate{{"13/11/2017", 2017, 11, 13}}},
		{"Ce devis est établi le 31/07/2019, il est valable pour une durée de 2 mois et",
			[]wantDate{{"31/07/2019", 2019, 7, 31}}},
		{"sera exécuté sur les mois d'octobre et de novembre 2019.", []wantDate{{"novembre 2019", 2019, 11, 0}}},
		{"du 01.02.2024 au 31.12.2024", []wantDate{{"01.02.2024", 2024, 2, 1}, {"31.12.2024", 2024, 12, 31}}},
		{"le 1er mars 2026 et le 2 juil. 2015", []wantDate{{"1er mars 2026", 2026, 3, 1}, {"2 juil. 2015", 2015, 7, 2}}},
		{"Réunion du lundi 2 mars 2026 à 10:30", []wantDate{{"2 mars 2026", 2026, 3, 2}}},
		{"période : 03/2026 ; MAI 2024 ; AOÛT 2015", []wantDate{{"03/2026", 2026, 3, 0}, {"MAI 2024", 2024, 5, 0}, {"AOÛT 2015", 2015, 8, 0}}},
		{"horodatage 2015-07-02T10:00:00", []wantDate{{"2015-07-02", 2015, 7, 2}}},
		{"Facture FA-2017-0010", nil},
		{"Tél 06.11.22.33.44", nil},
		{"31/02/2015", nil},
		{"31 février 2015", nil},
		{"Page 1/2 ; 8 1/2 journées", nil},
		{"IBAN FR76 3000 6000 0112 3456 7890 189", nil},
		{"SIRET 732 829 320 00074", nil},
		{"version 1.2.3 ; 2 150,00 € ; 12 mois 2015", nil},
		{"réf. X12/07/2015", nil},
		{"12/07/20151", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got := FindDates(tt.line)
		if len(got) != len(tt.want) {
			t.Errorf("FindDates(%q) = %v, want %v", tt.line, got, tt.want)
			continue
		}
		for i, w := range tt.want {
			g := got[i]
			if g.Text != w.text || g.Year != w.y || int(g.Month) != w.m || g.Day != w.d || tt.line[g.Start:g.End] != w.text {
				t.Errorf("FindDates(%q)[%d] = %+v, want %+v", tt.line, i, g, w)
			}
			if _, ok := g.Time(); ok != (w.d > 0) || g.HasDay() != (w.d > 0) {
				t.Errorf("FindDates(%q)[%d].Time ok = %v", tt.line, i, ok)
			}
		}
	}
}

func TestFindDatesCorpus(t *testing.T) {
	found := map[string]bool{}
	for _, line := range readCorpusLines(t) {
		for _, m := range FindDates(line) {
			if tm, ok := m.Time(); ok {
				found[tm.Format("2006-01-02")] = true
			}
		}
	}
	// Facture_FR_EXTENDED: date and due date; devis-sibert-2019-07: date.
	for _, d := range []string{"2017-11-13", "2017-12-13", "2019-07-31", "2017-11-05"} {
		if !found[d] {
			t.Errorf("date %s not found in the corpus lines", d)
		}
	}
}

var frenchMonths = []string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"02/07/2015", "2/7/15", "le 1er mars 2026", "2 juil. 2015", "2015-07-02", "20150702", "31/02/2015", "mars 2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok := ParseDate(s)
		if !ok {
			return
		}
		if tm.Year() < minYear || tm.Year() > maxYear || tm.Hour() != 0 || tm.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v", s, tm)
		}
		for _, again := range []string{
			tm.Format("02/01/2006"),
			tm.Format("2006-01-02"),
			itoa2(tm.Day()) + " " + frenchMonths[tm.Month()] + " " + tm.Format("2006"),
		} {
			if t2, ok := ParseDate(again); !ok || !t2.Equal(tm) {
				t.Fatalf("ParseDate(%q) = %v from %q = %v", again, t2, s, tm)
			}
		}
	})
}

func itoa2(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func FuzzFindDates(f *testing.F) {
	corpusSeeds(f)
	f.Add("le 1er mars 2026, 2 juil. 2015, 2015-07-02, 31/02/2015, mars 2026, AOÛT 2015, 03/2026")
	f.Fuzz(func(t *testing.T, line string) {
		prev := 0
		for _, m := range FindDates(line) {
			if m.Start < prev || m.End <= m.Start || m.End > len(line) || line[m.Start:m.End] != m.Text {
				t.Fatalf("bad span %d:%d (prev end %d) in %q", m.Start, m.End, prev, line)
			}
			prev = m.End
			tm, hasDay := m.Time()
			if hasDay {
				p, ok := ParseDate(m.Text)
				if !ok || !p.Equal(tm) {
					t.Fatalf("FindDates(%q) gave %q = %v, ParseDate gives %v, %v", line, m.Text, tm, p, ok)
				}
			} else if _, ok := ParseDate(m.Text); ok {
				t.Fatalf("month-only %q parsed as a full date", m.Text)
			}
			if m.Month < 1 || m.Month > 12 || m.Year < minYear || m.Year > maxYear {
				t.Fatalf("FindDates(%q) gave %+v", line, m)
			}
			if again := FindDates(m.Text); len(again) != 1 || again[0].Text != m.Text {
				t.Fatalf("FindDates(%q) = %v, want itself (from line %q)", m.Text, again, line)
			}
		}
	})
}

func BenchmarkFindDates(b *testing.B) {
	lines := readCorpusLines(b)
	b.ResetTimer()
	for b.Loop() {
		for _, l := range lines {
			FindDates(l)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}
