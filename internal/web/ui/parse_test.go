package ui

import (
	"net/url"
	"testing"
)

func TestParseSearch(t *testing.T) {
	f64 := func(v float64) *float64 { return &v }
	cases := []struct {
		raw      string
		check    func(searchForm) bool
		errField string
	}{
		{"q=+1300000001+", func(f searchForm) bool {
			return f.Query.Text == "1300000001" && f.Query.Sort == "num_ej" && f.Query.Limit == 50
		}, ""},
		{"programme=129", func(f searchForm) bool { return f.Query.Programme == "0129" }, ""},
		{"programme=P129", func(f searchForm) bool { return f.Query.Programme == "" }, paramProgramme},
		{"siren=790+494+272+00020", func(f searchForm) bool { return f.Query.FournisseurSIREN == "790494272" }, ""},
		{"montant_min=40+000&montant_max=215000,50", func(f searchForm) bool {
			return *f.Query.MontantMin == *f64(40000) && *f.Query.MontantMax == *f64(215000.5)
		}, ""},
		{"montant_min=10&montant_max=5", func(f searchForm) bool { return f.Query.MontantMax == nil }, paramMontantMax},
		{"date_debut=31%2F03%2F2026", func(f searchForm) bool {
			return f.Query.DateFrom == "2026-03-31" && f.get(paramDateFrom) == "2026-03-31"
		}, ""},
		{"date_debut=2026-02-30", func(f searchForm) bool { return f.Query.DateFrom == "" }, paramDateFrom},
		{"conseil=oui&anomalie=non", func(f searchForm) bool { return *f.Query.Conseil && !*f.Query.AvecAnomalie }, ""},
		{"conseil=peut-etre", func(f searchForm) bool { return f.Query.Conseil == nil }, paramConseil},
		{"tri=revue&par_page=10&curseur=abc", func(f searchForm) bool {
			return f.Query.Sort == "revue" && f.Query.Limit == 10 && f.Query.Cursor == "abc"
		}, ""},
		{"tri=DROP", func(f searchForm) bool { return f.Query.Sort == "num_ej" }, paramSort},
		{"par_page=501", func(f searchForm) bool { return f.Query.Limit == 50 }, paramLimit},
		{"revue=confirmee", func(f searchForm) bool { return f.Query.ReviewStatus == "" }, paramRevue},
	}
	for _, tc := range cases {
		v, _ := url.ParseQuery(tc.raw)
		f := parseSearch(v)
		if !tc.check(f) {
			t.Errorf("%s : requête %+v", tc.raw, f.Query)
		}
		if _, has := f.Errors[tc.errField]; tc.errField != "" && !has || tc.errField == "" && len(f.Errors) > 0 {
			t.Errorf("%s : erreurs %v, attendu sur %q", tc.raw, f.Errors, tc.errField)
		}
	}
}

func TestNormalizeValue(t *testing.T) {
	cases := []struct {
		field, typed string
		want         any
		ok           bool
	}{
		{"montant_ttc", "1 500,00 €", 1500.0, true},
		{"taux_tva", "5,5 %", 5.5, true},
		{"montant_ht", "beaucoup", nil, false},
		{"fournisseur.siret", "790 494 272 00020", "79049427200020", true},
		{"fournisseur.siren", "790494273", nil, false},
		{"date", "31/07/2019", "2019-07-31", true},
		{"date_echeance", "bientôt", nil, false},
		{"objet", "  Animation de huit ateliers  ", "Animation de huit ateliers", true},
		{"objet", "", nil, false},
	}
	for _, tc := range cases {
		got, err := normalizeValue(tc.field, tc.typed)
		if (err == nil) != tc.ok || tc.ok && got != tc.want {
			t.Errorf("%s %q : %v (%v), attendu %v", tc.field, tc.typed, got, err, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{euros(1234567), "1\u202f234\u202f567\u00a0€"},
		{eurosCents(1250), "1\u202f250\u00a0€"},
		{eurosCents(1300.5), "1\u202f300,50\u00a0€"},
		{pct(0.3333), "33,3\u00a0%"},
		{pathEscapeName("../devis été.pdf"), "devis%20%C3%A9t%C3%A9.pdf"},
		{safeNext("//evil.example"), "/"},
		{safeNext("/ej/1300000001?x=1"), "/ej/1300000001?x=1"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, attendu %q", tc.got, tc.want)
		}
	}
}
