package referential

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultAnomalyParams(t *testing.T) {
	p := DefaultAnomalyParams()
	if len(p.Codes()) < 30 {
		t.Fatalf("only %d parameters", len(p.Codes()))
	}
	if p.Source.Version == "" || p.Source.Origin == "" || p.Source.Licence == "" {
		t.Errorf("SOURCES.tsv does not describe %s: %+v", FileAnomalyParams, p.Source)
	}
	on := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	z, ok := p.Param("tjm_atypique.z_suspect", on)
	if !ok || !z.Numeric() || z.Number != 4 {
		t.Errorf("z_suspect %+v", z)
	}
	s, ok := p.Param("hors_marche.seuil", on)
	if !ok || s.Numeric() || s.Text != "dispense_fs" {
		t.Errorf("hors_marche.seuil %+v", s)
	}
	// Every code_seuil parameter names thresholds of seuils.csv.
	for _, code := range p.Codes() {
		v, _ := p.Param(code, on)
		if v.Unit != "code_seuil" {
			continue
		}
		for _, th := range v.Fields() {
			if _, ok := Default().Threshold(th, on); !ok {
				t.Errorf("%s names %s, not in seuils.csv on %s", code, th, on.Format(time.DateOnly))
			}
		}
	}
	if _, ok := p.Param("conseil_revue_ditp.seuil", time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)); ok {
		t.Errorf("the DITP review parameter is in force before the circulaire")
	}
}

func TestLoadAnomalyParamsUser(t *testing.T) {
	dir := t.TempDir()
	content := "code;valeur;unite;depuis;jusqu_a;source\n" +
		"montant_incoherent.tolerance_relative;0,05;ratio;2020-01-01;2025-12-31;essai\n" +
		"montant_incoherent.tolerance_relative;0.01;ratio;2026-01-01;;essai\n"
	if err := os.WriteFile(filepath.Join(dir, FileAnomalyParams), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadAnomalyParams(dir)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := p.Param("montant_incoherent.tolerance_relative", time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
	cur, _ := p.Param("montant_incoherent.tolerance_relative", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if old.Number != 0.05 || cur.Number != 0.01 || p.Source.Path == "" {
		t.Errorf("old %+v cur %+v source %+v", old, cur, p.Source)
	}
	if empty, err := LoadAnomalyParams(t.TempDir()); err != nil || len(empty.Codes()) != len(DefaultAnomalyParams().Codes()) {
		t.Errorf("a folder without the file must give the embedded one: %v", err)
	}
}

func TestParseAnomalyParamsErrors(t *testing.T) {
	head := "code;valeur;unite;depuis;jusqu_a;source\n"
	cases := []struct {
		name, content string
		line          int
		want          string
	}{
		{"unknown unit", head + "a;1;metres;2020-01-01;;s\n", 2, "unité"},
		{"not a number", head + "a;beaucoup;ratio;2020-01-01;;s\n", 2, "invalide"},
		{"negative", head + "a;-1;ratio;2020-01-01;;s\n", 2, "invalide"},
		{"bad date", head + "a;1;ratio;01/01/2020;;s\n", 2, "depuis"},
		{"empty period", head + "a;1;ratio;2020-01-01;2019-01-01;s\n", 2, "période vide"},
		{"overlap", head + "a;1;ratio;2020-01-01;;s\na;2;ratio;2021-01-01;;s\n", 3, "chevauchent"},
		{"unit change", head + "a;1;ratio;2020-01-01;2020-12-31;s\na;2;EUR;2021-01-01;;s\n", 3, "unité"},
		{"missing column", "code;valeur;unite;depuis;source\n", 1, "manquante"},
		{"empty value", head + "a;;ratio;2020-01-01;;s\n", 2, "vide"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseAnomalyParams("p.csv", []byte(c.content))
			fe, ok := err.(*FileError)
			if !ok || fe.Line != c.line || !strings.Contains(fe.Msg, c.want) || fe.File != FileAnomalyParams {
				t.Fatalf("err %v, want line %d %q", err, c.line, c.want)
			}
		})
	}
}
