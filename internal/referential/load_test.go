package referential

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEmbeddedFilesParseAndAreDescribed(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatalf("Load(\"\") = %v", err)
	}
	if Default() == nil || len(Default().programmes) != len(s.programmes) {
		t.Fatalf("Default() differs from Load(\"\")")
	}
	entries, err := fs.ReadDir(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, f := range Files {
		listed[f] = true
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			t.Errorf("data/%s is embedded but not in Files: it would never be read", e.Name())
		}
	}
	for _, src := range s.Sources() {
		if !src.Embedded() {
			t.Errorf("%s: Path = %q, want embedded", src.File, src.Path)
		}
		if src.File == FileSources {
			continue
		}
		if _, err := time.Parse(time.DateOnly, src.Version); err != nil {
			t.Errorf("%s: version %q is not a date in SOURCES.tsv", src.File, src.Version)
		}
		if src.Origin == "" || src.Licence == "" {
			t.Errorf("%s: origin or licence missing in SOURCES.tsv: %+v", src.File, src)
		}
	}
	if src := s.Sources()[len(Files)-1]; src.File != FileThresholds {
		t.Errorf("Sources() not in Files order: last is %s", src.File)
	}
	if !strings.Contains(s.sources[FileProgrammes].Note, "vérifier") {
		t.Errorf("programmes.csv note must say the labels are to be checked: %q", s.sources[FileProgrammes].Note)
	}
	if !strings.Contains(s.sources[FileCPV].Licence, "EU public regulation text") {
		t.Errorf("cpv.csv licence not carried from the corpus: %q", s.sources[FileCPV].Licence)
	}
	counts := map[string]int{
		FileProgrammes: len(s.programmes), FileCPV: len(s.cpv), FileGM: len(s.gm),
		FileNAF: len(s.naf), FileKeywords: len(s.keywords), FileThresholds: len(s.thresholds), FileCategories: len(s.categories),
	}
	min := map[string]int{FileProgrammes: 100, FileCPV: 9454, FileGM: 4, FileNAF: 16, FileKeywords: 50, FileThresholds: 10, FileCategories: 6}
	for f, n := range counts {
		if n < min[f] {
			t.Errorf("%s: %d entries, want at least %d", f, n, min[f])
		}
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadOverride(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		FileThresholds: "code;libelle;montant;base;nature;depuis;jusqu_a;source\n" +
			"dispense_fs;Dispense (valeur locale);50000;HT;fournitures_services;2020-01-01;;note de service\n",
		FileGM:      "code;libelle;conseil;categorie\n33.01.04;Conseil en organisation;oui;organisation_rh\n45.01.01;Entretien des espaces verts;non;\n",
		"notes.txt": "ignored: not a reference file name",
	})
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%s) = %v", dir, err)
	}
	th, ok := s.Threshold("dispense_fs", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	if !ok || th.Amount != 50000 {
		t.Errorf("override not used: %+v %v", th, ok)
	}
	if _, ok := s.Threshold("ue_etat_fs", time.Now()); ok {
		t.Errorf("a replaced file must replace the whole table, ue_etat_fs still present")
	}
	if p, ok := s.MinistryOfProgramme("129"); !ok || p != "Services du Premier ministre" {
		t.Errorf("files not in dir must stay embedded: %q %v", p, ok)
	}
	if !s.IsConsultingGM("33.01.04", "") || s.IsConsultingGM("45.01.01", "Conseil en stratégie") {
		t.Errorf("the oui/non column of an override must win over labels")
	}
	var srcGM, srcCPV Source
	for _, src := range s.Sources() {
		switch src.File {
		case FileGM:
			srcGM = src
		case FileCPV:
			srcCPV = src
		}
	}
	if srcGM.Path != filepath.Join(dir, FileGM) || srcGM.Version != "" || srcGM.Origin != "fichier utilisateur" {
		t.Errorf("user file source = %+v", srcGM)
	}
	if !srcCPV.Embedded() || srcCPV.Version == "" {
		t.Errorf("embedded file source = %+v", srcCPV)
	}
	// Default stays untouched by an override.
	if th, _ := Default().Threshold("dispense_fs", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)); th.Amount != 60000 {
		t.Errorf("Default() changed by Load(dir): %v", th.Amount)
	}
}

func TestLoadOverrideWithUserSources(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		FileSources: "file\tversion\torigin\tlicence\nnaf_conseil.csv\t2026-09-01\tDAE, note interne\tusage interne\n",
		FileNAF:     "code;libelle;poids\n70.22Z;Conseil pour les affaires et autres conseils de gestion;0.9\n",
	})
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if w := s.NAFWeight("7022Z"); w != 0.9 {
		t.Errorf("NAFWeight = %v, want 0.9 from the override", w)
	}
	for _, src := range s.Sources() {
		if src.File == FileNAF && (src.Version != "2026-09-01" || src.Origin != "DAE, note interne") {
			t.Errorf("user SOURCES.tsv not used: %+v", src)
		}
		if src.File == FileCPV && src.Version == "" {
			t.Errorf("embedded files keep the embedded description: %+v", src)
		}
	}
}

func TestLoadMalformedOverride(t *testing.T) {
	thHeader := "code;libelle;montant;base;nature;depuis;jusqu_a;source\n"
	cases := []struct {
		name, file, content string
		line                int
		want                string
	}{
		{"bad amount", FileThresholds, thHeader + "dispense_fs;D;40000;HT;fournitures_services;2020-01-01;2026-03-31;s\ndispense_fs;D;soixante mille;HT;fournitures_services;2026-04-01;;s\n", 3, "montant"},
		{"overlap", FileThresholds, thHeader + "dispense_fs;D;40000;HT;fournitures_services;2020-01-01;2026-04-01;s\ndispense_fs;D;60000;HT;fournitures_services;2026-04-01;;s\n", 3, "chevauchent"},
		{"bad date", FileThresholds, thHeader + "dispense_fs;D;40000;HT;fournitures_services;01/01/2020;;s\n", 2, "AAAA-MM-JJ"},
		{"bad basis", FileThresholds, thHeader + "x;D;1;HTVA;tous;2020-01-01;;s\n", 2, "base"},
		{"field count", FileProgrammes, "programme;libelle;mission;ministere\n129;Coordination du travail gouvernemental;Direction de l'action du Gouvernement\n", 2, "3 champs au lieu de 4"},
		{"bad programme", FileProgrammes, "programme;libelle;mission;ministere\n\n129;A;B;C\nP12;A;B;C\n", 4, "code de programme"},
		{"duplicate programme", FileProgrammes, "programme;libelle;mission;ministere\n129;A;B;C\n0129;A;B;C\n", 3, "en double"},
		{"missing column", FileNAF, "code;libelle\n70.22Z;Conseil\n", 1, "manquante"},
		{"unknown column", FileNAF, "code;libelle;poids;note\n70.22Z;Conseil;1;x\n", 1, "inconnue"},
		{"weight above 1", FileNAF, "code;libelle;poids\n70.22Z;Conseil;1.5\n", 2, "poids"},
		{"empty file", FileCPV, "", 0, "vide"},
		{"cpv duplicate", FileCPV, "code;libelle;conseil\n79411000-8;A;cite\n79411000-8;A;\n", 3, "en double"},
		{"cpv without check digit", FileCPV, "code;libelle;conseil\n79411000;A;\n", 2, "code CPV"},
		{"gm bad tag", FileGM, "code;libelle;conseil\n33.01.04;A;peut-être\n", 2, "conseil"},
		{"gm category without oui", FileGM, "code;libelle;conseil;categorie\n33.01.04;A;;strategie\n", 2, "catégorie"},
		{"gm bad code", FileGM, "code;libelle;conseil\n33-01;A;\n", 2, "DD.SS.GG"},
		{"keyword bad effect", FileKeywords, "motif;effet;categorie;poids\nconseil;peut-etre;;0.5\n", 2, "effet"},
		{"keyword unknown category", FileKeywords, "motif;effet;categorie;poids\nconseil;signal;marketing;0.5\n", 2, "catégorie"},
		{"categories missing legal one", FileCategories, "code;libelle\nstrategie;Conseil en stratégie\n", 0, "absente"},
		{"unterminated quote", FileProgrammes, "programme;libelle;mission;ministere\n129;\"Coordination;B;C\n", 2, "guillemet"},
		{"bad sources", FileSources, "file\tversion\torigin\tlicence\nseuils.csv\t1\to\tl\nseuils.csv\t2\to\tl\n", 3, "deux fois"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{c.file: c.content})
			s, err := Load(dir)
			if err == nil {
				t.Fatalf("Load accepted a malformed %s (set %v)", c.file, s != nil)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FileError", err)
			}
			if fe.File != c.file || fe.Path != filepath.Join(dir, c.file) || fe.Line != c.line {
				t.Errorf("FileError = {%s %s line %d}, want {%s line %d}", fe.File, fe.Path, fe.Line, c.file, c.line)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.Contains(msg, c.file) {
				t.Errorf("message %q should name the file and contain %q", msg, c.want)
			}
			if c.line > 0 && !strings.Contains(msg, "ligne ") {
				t.Errorf("message %q should give the line", msg)
			}
		})
	}
}

func TestLoadBadDir(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "absent")); err == nil || !strings.Contains(err.Error(), "illisible") {
		t.Errorf("missing dir: err = %v", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, []byte("x"), 0o644)
	if _, err := Load(f); err == nil || !strings.Contains(err.Error(), "n'est pas un dossier") {
		t.Errorf("file as dir: err = %v", err)
	}
	// A directory named like a reference file cannot be read: an error, not
	// the embedded default.
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, FileCPV), 0o755)
	if _, err := Load(dir); err == nil {
		t.Errorf("unreadable %s accepted", FileCPV)
	}
}
