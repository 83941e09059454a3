package ui

import (
	"encoding/json"
	"net/url"
	"testing"
	"unicode/utf8"
)

// FuzzParseSearch checks that any query string gives a query within bounds
// or a reported error, never a panic.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		"q=1300000001", "siren=790+494+272&montant_min=40+000&montant_max=1000", "date_debut=31%2F03%2F2026&date_fin=2026-01-01",
		"programme=129&conseil=oui&anomalie=non&revue=a_verifier&tri=-montant&par_page=500", "par_page=0&tri=hack&curseur=%FF",
		"q=%ED%A0%80", "montant_min=1e400",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		form := parseSearch(v)
		q := form.Query
		if q.Limit < 1 || q.Limit > 500 {
			t.Fatalf("limite %d hors bornes", q.Limit)
		}
		for _, s := range []string{q.Text, q.Ministere, q.CentreFinancier, q.GroupeMarchandises, q.Cursor} {
			if len(s) > maxParamLen || !utf8.ValidString(s) {
				t.Fatalf("texte non borné ou invalide : %q", s)
			}
		}
		if q.FournisseurSIREN != "" && len(q.FournisseurSIREN) != 9 {
			t.Fatalf("SIREN %q", q.FournisseurSIREN)
		}
		if q.MontantMin != nil && q.MontantMax != nil && *q.MontantMin > *q.MontantMax {
			t.Fatal("montant minimal au-dessus du maximal")
		}
		if q.DateFrom != "" && !isoDate.MatchString(q.DateFrom) || q.DateTo != "" && !isoDate.MatchString(q.DateTo) {
			t.Fatalf("dates %q %q", q.DateFrom, q.DateTo)
		}
		_ = form.withParams("/recherche", map[string]string{paramCursor: "x"})
	})
}

// FuzzNormalizeValue checks that an accepted correction is valid JSON of
// the field's kind.
func FuzzNormalizeValue(f *testing.F) {
	for _, s := range [][2]string{{"montant_ht", "1 300,50 €"}, {"fournisseur.siret", "790 494 272 00020"}, {"date", "31/07/2019"}, {"iban", "FR76 3000 6000 0112 3456 7890 189"}, {"objet", "Animation"}, {"taux_tva", "5,5 %"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, field, typed string) {
		v, err := normalizeValue(field, typed)
		if err != nil {
			return
		}
		b, merr := json.Marshal(v)
		if merr != nil {
			t.Fatalf("valeur non sérialisable %v : %v", v, merr)
		}
		if numericFields[field] {
			if _, ok := v.(float64); !ok {
				t.Fatalf("%s : %s n'est pas un nombre", field, b)
			}
		}
	})
}
