package einvoice

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// gold is a NAME.gold.json file (CONTRACT.md §5).
type gold struct {
	DocumentType string         `json:"document_type"`
	Fields       map[string]any `json:"fields"`
}

// TestCorpusGold parses the XML embedded in every corpus e-invoice and
// compares it with the gold file by the contract's rules (§5). Fields the
// gold does not list are not wrong (the gold lists only what the page
// prints), so they are reported, not failed.
func TestCorpusGold(t *testing.T) {
	goldFiles, err := filepath.Glob("testdata/gold/*.gold.json")
	if err != nil || len(goldFiles) == 0 {
		t.Fatalf("no gold files in testdata/gold: %v", err)
	}
	type tally struct{ gold, correct, predicted int }
	perField := map[string]*tally{}
	count := func(name string) *tally {
		if perField[name] == nil {
			perField[name] = &tally{}
		}
		return perField[name]
	}
	typesCorrect := 0

	for _, goldPath := range goldFiles {
		name := strings.TrimSuffix(filepath.Base(goldPath), ".gold.json")
		t.Run(name, func(t *testing.T) {
			var want gold
			raw, err := os.ReadFile(goldPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join("testdata", name+".xml"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.DocumentType == want.DocumentType {
				typesCorrect++
			} else {
				t.Errorf("document_type = %q, gold %q", got.DocumentType, want.DocumentType)
			}
			for field, wantValue := range want.Fields {
				c := count(field)
				c.gold++
				gotField, ok := got.Fields[field]
				if !ok {
					t.Errorf("%s: missing, gold %v", field, wantValue)
					continue
				}
				if sameValue(field, gotField.Value, wantValue) {
					c.correct++
				} else {
					t.Errorf("%s = %v (%s), gold %v", field, gotField.Value, gotField.Evidence, wantValue)
				}
			}
			for field := range got.Fields {
				count(field).predicted++
			}
		})
	}

	names := make([]string, 0, len(perField))
	for name := range perField {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%-22s %6s %8s %10s\n", "field", "gold", "correct", "predicted")
	totalGold, totalCorrect := 0, 0
	for _, name := range names {
		c := perField[name]
		fmt.Fprintf(&b, "%-22s %6d %8d %10d\n", name, c.gold, c.correct, c.predicted)
		totalGold += c.gold
		totalCorrect += c.correct
	}
	fmt.Fprintf(&b, "field accuracy %.3f (%d/%d), type accuracy %.3f over %d documents",
		float64(totalCorrect)/float64(totalGold), totalCorrect, totalGold,
		float64(typesCorrect)/float64(len(goldFiles)), len(goldFiles))
	t.Log("\n" + b.String())
}

// sameValue compares by the contract's rules: identifiers on letters and
// digits, amounts within 0.01, dates as YYYY-MM-DD, names without case,
// accents or legal form.
func sameValue(field string, got, want any) bool {
	switch {
	case isAmountField(field):
		g, ok1 := got.(float64)
		w, ok2 := want.(float64)
		return ok1 && ok2 && math.Abs(g-w) <= 0.01+1e-9
	case strings.HasSuffix(field, ".nom") || strings.HasSuffix(field, ".adresse") || field == "objet":
		return foldName(fmt.Sprint(got)) == foldName(fmt.Sprint(want))
	case strings.HasPrefix(field, "date"):
		return fmt.Sprint(got) == fmt.Sprint(want)
	default:
		return alnum(fmt.Sprint(got)) == alnum(fmt.Sprint(want))
	}
}

func isAmountField(field string) bool {
	return strings.HasPrefix(field, "montant_") || field == "net_a_payer" || field == "taux_tva"
}

func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, s)
}

var legalForms = map[string]bool{"sa": true, "sas": true, "sasu": true, "sarl": true, "eurl": true, "sci": true, "snc": true, "scop": true, "gie": true}

func foldName(s string) string {
	stripped, _, _ := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	words := strings.FieldsFunc(strings.ToLower(stripped), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	kept := words[:0]
	for _, w := range words {
		if !legalForms[w] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// TestFieldShape checks what the contract promises of every field Parse
// returns, on every test file: page 1, confidence in (0,1], evidence that
// names an element, values typed and normalised.
func TestFieldShape(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xml")
	if len(files) < 3 {
		t.Fatalf("too few test files: %d", len(files))
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if err := checkShape(got); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// checkShape returns the first broken promise of the contract, if any.
func checkShape(e *document.Embedded) error {
	for name, f := range e.Fields {
		if f.Page != 1 || f.Confidence <= 0 || f.Confidence > 1 || !strings.Contains(f.Evidence, " = ") {
			return fmt.Errorf("%s: page %d, confidence %v, evidence %q", name, f.Page, f.Confidence, f.Evidence)
		}
		switch {
		case isAmountField(name):
			v, ok := f.Value.(float64)
			if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s: amount %#v", name, f.Value)
			}
		case strings.HasPrefix(name, "date"):
			s, ok := f.Value.(string)
			if !ok || len(s) != 10 || s[4] != '-' || s[7] != '-' {
				return fmt.Errorf("%s: date %#v", name, f.Value)
			}
		default:
			s, ok := f.Value.(string)
			if !ok || s == "" || strings.TrimSpace(s) != s {
				return fmt.Errorf("%s: text %#v", name, f.Value)
			}
		}
		s, _ := f.Value.(string)
		switch {
		case strings.HasSuffix(name, ".siren") && (len(s) != 9 || !allDigits(s)),
			strings.HasSuffix(name, ".siret") && (len(s) != 14 || !allDigits(s)),
			strings.HasSuffix(name, ".tva") && strings.HasPrefix(s, "FR") && len(s) != 13,
			name == "iban" && strings.ContainsAny(s, " \u00a0"),
			name == "numero_ej" && (len(s) != 10 || !allDigits(s)):
			return fmt.Errorf("%s: not normalised: %q", name, s)
		}
		needsValid := strings.HasSuffix(name, ".siren") || strings.HasSuffix(name, ".siret") || name == "iban" ||
			strings.HasSuffix(name, ".tva") && strings.HasPrefix(s, "FR") && allDigits(s[2:4])
		if needsValid != (f.Valid != nil) {
			return fmt.Errorf("%s: valid flag %v", name, f.Valid)
		}
	}
	for i, l := range e.Lines {
		for _, p := range []*float64{l.Quantite, l.PrixUnitaireHT, l.MontantHT, l.TauxTVA} {
			if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
				return fmt.Errorf("line %d: number %v", i, *p)
			}
		}
	}
	return nil
}
