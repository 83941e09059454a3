package referential

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConsultingByLabel(t *testing.T) {
	cases := []struct {
		label    string
		category string
		ok       bool
	}{
		{"Conseil en stratégie", CategoryStrategy, true},
		{"CONSEIL EN STRATEGIE", CategoryStrategy, true},
		{"Prestations de conseil en stratégie, en cadrage et conduite de projets et en efficacité opérationnelle", CategoryStrategy, true},
		{"Conseil en organisation et conduite du changement", CategoryOrganisationHR, true},
		{"Réorganisation des services déconcentrés", CategoryOrganisationHR, true},
		{"Conseil en systèmes d'information", CategoryIT, true},
		{"Stratégie de communication", CategoryCommunication, true},
		{"Conseil en relations publiques et communication", CategoryCommunication, true},
		{"Évaluation des politiques publiques", CategoryPublicPolicies, true},
		{"Études et évaluations de politiques publiques", CategoryPublicPolicies, true},
		{"Conseil juridique", CategoryLegalFinancial, true},
		{"Audit financier et comptable", CategoryLegalFinancial, true},
		{"Prestations intellectuelles", "", true},
		{"Assistance à maîtrise d'ouvrage", "", true},
		{"AMOA SI RH", "", true},
		{"Audit", "", true},
		{"Études et conseil hors maintenance", "", true},
		// Exclusions and non-consulting labels.
		{"Maintenance informatique", "", false},
		{"Tierce maintenance applicative", "", false},
		{"Conseil et maintenance informatique", "", false},
		{"Programmation informatique", "", false},
		{"Travaux de rénovation énergétique", "", false},
		{"Audit énergétique des bâtiments", "", false},
		{"Organisation de séminaires", "", false},
		{"Communications électroniques", "", false},
		{"Maîtrise d'œuvre", "", false},
		{"Assurances", "", false},
		{"Réunion du conseil d'administration", "", false},
		{"Fournitures de bureau", "", false},
		{"Télécommunications", "", false},
		{"", "", false},
		{"…;!", "", false},
	}
	for _, c := range cases {
		cat, score, ok := ConsultingByLabel(c.label)
		if ok != c.ok || cat != c.category {
			t.Errorf("ConsultingByLabel(%q) = %q %.2f %v, want %q %v", c.label, cat, score, ok, c.category, c.ok)
		}
		if score < 0 || score > 1 || (ok && score < consultingMinimumScore) {
			t.Errorf("ConsultingByLabel(%q) score %v out of range", c.label, score)
		}
	}
	// A tie between two categories gives no category.
	if cat, _, ok := ConsultingByLabel("Communication et évaluation"); !ok || cat != "" {
		t.Errorf("tie: %q %v", cat, ok)
	}
}

func TestCategories(t *testing.T) {
	s := Default()
	if len(s.Categories()) != 6 {
		t.Fatalf("Categories() = %v", s.Categories())
	}
	if l, ok := s.CategoryLabel(CategoryIT); !ok || !strings.Contains(l, "hors programmation et maintenance") {
		t.Errorf("label of informatique = %q", l)
	}
	if _, ok := s.CategoryLabel("marketing"); ok {
		t.Errorf("unknown category has a label")
	}
}

func TestGM(t *testing.T) {
	s := Default()
	for _, code := range []string{"33.01.04", "330104", "33 01 04", "33.01.04 "} {
		g, ok := s.GM(code)
		if !ok || g.Code != "33.01.04" || g.Label != "" || g.Domain != "33" || g.Segment != "33.01" || g.Consulting != ConsultingUnknown {
			t.Errorf("GM(%q) = %+v %v", code, g, ok)
		}
	}
	for _, code := range []string{"", "33.01", "3301040", "33-01-04", "12.34.56"} {
		if g, ok := s.GM(code); ok {
			t.Errorf("GM(%q) = %+v, want none", code, g)
		}
	}
	cases := []struct {
		code, label string
		want        bool
	}{
		{"33.01.04", "Conseil en stratégie et organisation", true},
		{"33.01.04", "Tierce maintenance applicative", false},
		{"33.01.04", "", false}, // no label known: abstain
		{"99.99.99", "Prestations d'accompagnement au changement", true},
		{"", "Études et évaluations", true},
	}
	for _, c := range cases {
		if got := s.IsConsultingGM(c.code, c.label); got != c.want {
			t.Errorf("IsConsultingGM(%q, %q) = %v", c.code, c.label, got)
		}
	}
}

func TestImportODA(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "oda_gm_cp1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Default().ImportODA(f)
	if err != nil {
		t.Fatalf("ImportODA = %v", err)
	}
	if res.Rows != 8 || res.Skipped != 2 || res.Conflicts != 1 || len(res.Reasons) != 2 {
		t.Errorf("rows %d skipped %d conflicts %d reasons %q", res.Rows, res.Skipped, res.Conflicts, res.Reasons)
	}
	want := []struct {
		code, label, segmentLabel string
		tag                       ConsultingTag
		category                  string
	}{
		{"33.01.04", "Conseil en stratégie et organisation", "Conseil", ConsultingYes, CategoryStrategy},
		{"33.02.01", "Études et évaluations de politiques publiques", "Études", ConsultingYes, CategoryPublicPolicies},
		{"33.99.99", "Autres prestations intellectuelles; hors formation", "Divers", ConsultingYes, ""},
		{"40.01.02", "Tierce maintenance applicative", "Prestations informatiques", ConsultingNo, ""},
	}
	if len(res.GM) != len(want) {
		t.Fatalf("got %d GM: %+v", len(res.GM), res.GM)
	}
	for i, w := range want {
		g := res.GM[i]
		if g.Code != w.code || g.Label != w.label || g.SegmentLabel != w.segmentLabel || g.Consulting != w.tag || g.Category != w.category {
			t.Errorf("GM[%d] = %+v, want %+v", i, g, w)
		}
	}
	if res.GM[0].DomainLabel != "Prestations intellectuelles" || res.GM[0].Domain != "33" || res.GM[0].Segment != "33.01" {
		t.Errorf("domain/segment of %+v", res.GM[0])
	}

	// UTF-8 with BOM, en dash in the header, no title rows: same GM.
	data, _ := os.ReadFile(filepath.Join("testdata", "oda_gm_utf8.csv"))
	gms, err := ImportODA(bytes.NewReader(data))
	if err != nil || len(gms) != 4 || gms[1].Label != "Études et évaluations de politiques publiques" {
		t.Errorf("UTF-8 export: %+v, %v", gms, err)
	}

	for name, in := range map[string]string{
		"no header":      "a;b;c\n1;2;3\n",
		"empty":          "",
		"header too low": strings.Repeat("titre;;\n", odaHeaderSearchRows) + "Groupe de marchandises (P) - Clé;GdM_Libellé\n33.01.04;Conseil\n",
	} {
		if _, err := ImportODA(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "introuvable") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestWriteGroupesMarchandisesRoundTrip(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "oda_gm_cp1252.csv"))
	gms, err := ImportODA(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteGroupesMarchandises(&buf, gms); err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{FileGM: buf.String()})
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("the written file does not load: %v\n%s", err, buf.String())
	}
	got := s.GroupesMarchandises()
	if len(got) != len(gms) {
		t.Fatalf("%d GM after round trip, want %d", len(got), len(gms))
	}
	for i := range gms {
		a, b := gms[i], got[i]
		if a.Code != b.Code || a.Label != b.Label || a.Consulting != b.Consulting || a.Category != b.Category || a.SegmentLabel != b.SegmentLabel || a.DomainLabel != b.DomainLabel {
			t.Errorf("round trip %+v → %+v", a, b)
		}
	}
	if !s.IsConsultingGM("33.02.01", "") || s.IsConsultingGM("40.01.02", "Conseil en stratégie") {
		t.Errorf("tags of the written file are not used")
	}
}
