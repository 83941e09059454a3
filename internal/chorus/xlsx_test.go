package chorus

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// buildWorkbook writes a workbook with a notes sheet, a restitution sheet
// (title rows, numeric cells, date cells) and a canonical sheet.
func buildWorkbook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Notes"))
	must(f.SetCellValue("Notes", "A1", "Extraction réalisée pour la mission d'audit"))
	if _, err := f.NewSheet("EJ"); err != nil {
		t.Fatal(err)
	}
	must(f.SetCellValue("EJ", "A1", "Restitution des engagements juridiques"))
	must(f.SetCellValue("EJ", "A3", "Exercice 2025"))
	must(f.SetCellValue("EJ", "A5", "Montants en euros"))
	header := []any{"Centre financier", "Centre financier 2", "N° EJ", "Fournisseur titulaire principal (EJ)",
		"Fournisseur titulaire principal (EJ) 2", "N° poste EJ", "Groupe de marchandises", "Groupe de marchandises 2",
		"Date comptable du SF", "Montant engagé", "Montant payé"}
	must(f.SetSheetRow("EJ", "A6", &header))
	sf := time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC)
	rows := [][]any{
		{"0129-DSAF-CENT", "Services centraux", 1300012345, 55208131766522, "CABINET ÉTUDES", 10, "72.01.01", "Conseil", sf, 12500.5, 0},
		{"0129-DSAF-CENT", "Services centraux", 1300012345, 55208131766522, "CABINET ÉTUDES", 20, "72.01.02", "Organisation", nil, "1 000,00", nil},
		{"0129-DSAF-CENT", "Services centraux", "13000", nil, "X", 1, nil, nil, nil, 5, nil},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 7+i)
		must(f.SetSheetRow("EJ", cell, &r))
	}
	if _, err := f.NewSheet("Canonique"); err != nil {
		t.Fatal(err)
	}
	must(f.SetSheetRow("Canonique", "A1", &[]any{"num_ej", "poste_ej", "montant_engage_ht", "date_creation_ej", "fournisseur_siret"}))
	must(f.SetSheetRow("Canonique", "A2", &[]any{"1500000001", "1", 99.99, "2025-01-15", "552 081 317 00034"}))
	must(f.SetSheetRow("Canonique", "A4", &[]any{"ABC", "1", 1, nil, nil}))
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	data := buildWorkbook(t)
	path := filepath.Join(t.TempDir(), "extrait.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile, err := ReadFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromReader, err := Read(bytes.NewReader(data), "extrait.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(fromFile)
	b, _ := json.Marshal(fromReader)
	if !bytes.Equal(a, b) {
		t.Errorf("ReadFile and Read differ:\n%s\n%s", a, b)
	}
	ex := fromFile
	if ex.Format != famRestitution || ex.Rows != 5 || len(ex.EJs) != 2 {
		t.Fatalf("format %s rows %d EJ %d: %s", ex.Format, ex.Rows, len(ex.EJs), a)
	}
	e := findEJ(t, ex, "1300012345")
	if e.Fournisseur.SIRET != "55208131766522" || e.Fournisseur.Nom != "CABINET ÉTUDES" || len(e.Postes) != 2 {
		t.Errorf("EJ: %+v", e)
	}
	if e.Lines[0] != 7 || e.Lines[1] != 8 {
		t.Errorf("lines %v", e.Lines)
	}
	p := e.Postes[0]
	if p.Poste != "10" || p.DateSF != "2025-02-10" || p.CentreFinancierLib != "Services centraux" || p.GMLibelle != "Conseil" || p.Programme != "0129" {
		t.Errorf("poste: %+v", p)
	}
	amount(t, p.MontantEngage, 12500.5, "numeric cell")
	amount(t, p.MontantPaye, 0, "zero")
	amount(t, e.Postes[1].MontantEngage, 1000, "text cell with a French amount")
	c := findEJ(t, ex, "1500000001")
	if c.DateCreation != "2025-01-15" || c.Fournisseur.SIRET != "55208131700034" {
		t.Errorf("canonical sheet: %+v", c)
	}
	amount(t, c.Postes[0].MontantEngageHT, 99.99, "HT")
	got := rejectReasons(ex)
	if !strings.HasPrefix(got[9], "feuille « EJ », numéro d'EJ invalide") || !strings.HasPrefix(got[4], "feuille « Canonique », numéro d'EJ invalide") {
		t.Errorf("rejects %v", ex.Rejects)
	}
	if !hasMessage(ex.Warnings, "« Canonique » : en-tête de type canonique") || !hasMessage(ex.Warnings, "ignorées : « Notes »") {
		t.Errorf("warnings %q", ex.Warnings)
	}
}

func TestReadXLSXLimits(t *testing.T) {
	data := buildWorkbook(t)
	if _, err := Read(bytes.NewReader(data), "x.xlsx", Options{MaxBytes: int64(len(data)) - 1}); err == nil || !strings.Contains(err.Error(), "trop volumineux") {
		t.Errorf("MaxBytes: %v", err)
	}
	if _, err := Read(bytes.NewReader(data), "x.xlsx", Options{MaxRows: 3}); err == nil || !strings.Contains(err.Error(), "plus de 3 lignes") {
		t.Errorf("MaxRows: %v", err)
	}
	f := excelize.NewFile()
	_ = f.SetCellValue("Sheet1", "A1", "Bonjour")
	var buf bytes.Buffer
	_ = f.Write(&buf)
	if _, err := Read(&buf, "notes.xlsx", Options{}); err == nil || !strings.Contains(err.Error(), "aucune ligne d'en-tête") {
		t.Errorf("no header: %v", err)
	}
}

// The corpus spreadsheets are not Chorus extracts: a clear error, no panic.
func TestReadCorpusSpreadsheets(t *testing.T) {
	for _, name := range []string{"sample.xlsx", "calc.xlsx"} {
		path := filepath.Join("..", "..", "..", "shared", "corpus", "formats", name)
		if _, err := os.Stat(path); err != nil {
			t.Skipf("corpus absent: %v", err)
		}
		if _, err := ReadFile(path, Options{}); err == nil || !strings.Contains(err.Error(), "aucune ligne d'en-tête") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
