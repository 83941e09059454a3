package office

import (
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestXLSXDisplayedValues builds a workbook with excelize and checks that
// numbers and dates read as a French spreadsheet shows them.
func TestXLSXDisplayedValues(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	style := func(id int, custom string) int {
		s := &excelize.Style{NumFmt: id}
		if custom != "" {
			s = &excelize.Style{CustomNumFmt: &custom}
		}
		n, err := f.NewStyle(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	set := func(sheet, axis string, v any, styleID int) {
		if err := f.SetCellValue(sheet, axis, v); err != nil {
			t.Fatal(err)
		}
		if styleID > 0 {
			if err := f.SetCellStyle(sheet, axis, axis, styleID); err != nil {
				t.Fatal(err)
			}
		}
	}
	set("Sheet1", "A1", "Montant HT", 0)
	set("Sheet1", "B1", 1234.5, style(4, "")) // #,##0.00
	set("Sheet1", "A2", "Date", 0)
	set("Sheet1", "B2", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), style(14, "")) // short date
	set("Sheet1", "A3", "TVA", 0)
	set("Sheet1", "B3", 0.2, style(10, "")) // 0.00%
	set("Sheet1", "A4", "TTC", 0)
	set("Sheet1", "B4", 98765.432, style(0, `#,##0.00 "€"`))
	set("Sheet1", "A5", "Référence", 0)
	set("Sheet1", "B5", "1,234", 0) // text stays text
	set("Sheet1", "A40", "Fin", 0)  // rows 6-39 are empty
	if _, err := f.NewSheet("Annexe"); err != nil {
		t.Fatal(err)
	}
	set("Annexe", "C3", "seule cellule", 0)
	if err := f.MergeCell("Annexe", "A1", "B1"); err != nil {
		t.Fatal(err)
	}
	set("Annexe", "A1", "Titre fusionné", 0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := mustRead(t, buf.Bytes(), KindXLSX)
	want := [][]string{
		{"Feuille : Sheet1", "Montant HT   1 234,50", "Date         02/03/2026", "TVA          20,00%", "TTC          98 765,43 €", "Référence    1,234", "Fin"},
		{"Feuille : Annexe", "Titre fusionné", "seule cellule"},
	}
	if len(pages) != len(want) {
		t.Fatalf("%d pages", len(pages))
	}
	for i := range want {
		if got := pageLines(pages[i]); strings.Join(got, "\n") != strings.Join(want[i], "\n") {
			t.Errorf("sheet %d:\n got %q\nwant %q", i+1, got, want[i])
		}
	}
}

func TestFrenchNumber(t *testing.T) {
	tests := []struct{ shown, raw, want string }{
		{"1,234.50", "1234.5", "1 234,50"},
		{"-12,345,678.9", "-12345678.9", "-12 345 678,9"},
		{"(1,234.00)", "-1234", "(1 234,00)"},
		{"20.00%", "0.2", "20,00%"},
		{"€ 5.00", "5", "€ 5,00"},
		{"02/03/2026", "46083", "02/03/2026"},
		{"1.23E+05", "123000", "1.23E+05"},
		{"abc", "abc", "abc"},
		{"12.5", "texte", "12.5"},
	}
	for _, tc := range tests {
		if got := frenchNumber(tc.shown, tc.raw); got != tc.want {
			t.Errorf("frenchNumber(%q, %q) = %q, want %q", tc.shown, tc.raw, got, tc.want)
		}
	}
}
