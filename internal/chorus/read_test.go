package chorus

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func findEJ(t *testing.T, ex *Extract, num string) *EJ {
	t.Helper()
	for i := range ex.EJs {
		if ex.EJs[i].NumEJ == num {
			return &ex.EJs[i]
		}
	}
	t.Fatalf("EJ %s absent; EJ lus : %d", num, len(ex.EJs))
	return nil
}

func amount(t *testing.T, p *float64, want float64, what string) {
	t.Helper()
	if p == nil {
		t.Errorf("%s absent, want %v", what, want)
		return
	}
	if d := *p - want; d > 0.001 || d < -0.001 {
		t.Errorf("%s = %v, want %v", what, *p, want)
	}
}

func hasMessage(list []string, sub string) bool {
	for _, m := range list {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

func rejectReasons(ex *Extract) map[int]string {
	m := make(map[int]string)
	for _, r := range ex.Rejects {
		m[r.Line] = r.Reason
	}
	return m
}

func TestReadFixtures(t *testing.T) {
	tests := []struct {
		file, mapping string
		format        string
		rows, ejs     int
		rejects       map[int]string // line → part of the reason
		warnings      []string
		unknown       []string
		check         func(t *testing.T, ex *Extract)
	}{
		{
			file: "restitution_cp1252.csv", format: famRestitution, rows: 10, ejs: 3,
			rejects: map[int]string{
				11: "poste 10 de l'EJ 1300012345 déjà lu ligne 7 avec d'autres valeurs (montant_engage)",
				12: "numéro d'EJ invalide : « 13000123 »",
				13: "8 champs au lieu de 27",
				15: "ligne de total (« Résultat »)",
			},
			warnings: []string{
				"EJ 1300012345 : fournisseur_nom diffère entre la ligne 7 (« CABINET ÉTUDES SAS ») et la ligne 9 (« CABINET ETUDES »)",
				"ligne 10 : identique à la ligne 8 (EJ 1300012345, poste 00020), ignorée",
				"ligne 14 : montant « 12,5,0 » illisible (colonne montant_engage)",
			},
			check: func(t *testing.T, ex *Extract) {
				e := findEJ(t, ex, "1300012345")
				if got := e.Lines; len(got) != 3 || got[0] != 7 || got[1] != 8 || got[2] != 9 {
					t.Errorf("Lines = %v", got)
				}
				if e.Fournisseur.Nom != "CABINET ÉTUDES SAS" || e.TypeFlux != "1" || e.NumContrat != "2022AMO0538402" {
					t.Errorf("EJ attributes: %+v", e)
				}
				p := e.Postes[0]
				if p.Poste != "00010" || p.CentreFinancier != "0129-DSAF-CENT" || p.CentreFinancierLib != "Services centraux SG" ||
					p.Programme != "0129" || p.BOP != "0129-DSAF" || p.UO != "0129-DSAF-CENT" ||
					p.GroupeMarchandises != "72.01.01" || p.GMLibelle != "Conseil en stratégie" || p.DateSF != "2025-02-10" ||
					p.CentreCouts != "DSAFCC0001" || p.CompteBudgetaire != "6112000000" || p.RefProgrammation != "PR0129" {
					t.Errorf("poste 10: %+v", p)
				}
				amount(t, p.MontantEngage, 12500, "montant engagé")
				amount(t, p.MontantFacture, 12500, "montant facturé")
				amount(t, p.MontantPaye, 10000, "montant payé")
				if p.MontantEngageHT != nil || p.MontantEngageTTC != nil {
					t.Error("the restitution's amount has no HT/TTC basis")
				}
				if _, basis, _ := e.Engaged(); basis != "" {
					t.Errorf("basis %q", basis)
				}
				amount(t, e.Postes[1].MontantEngage, 1234.56, "montant avec espace insécable")
				if e.Postes[1].GMLibelle != "Conseil; organisation" {
					t.Errorf("quoted separator: %q", e.Postes[1].GMLibelle)
				}
				b := findEJ(t, ex, "1300012346")
				if b.Fournisseur.SIRET != "55208131766522" || b.Fournisseur.Nom != "BETA CONSEIL" {
					t.Errorf("supplier from code column: %+v", b.Fournisseur)
				}
				if b.Postes[0].MontantEngage != nil || b.Postes[0].DateSF != "2025-02-15" {
					t.Errorf("unreadable amount kept absent, JJ/MM/AAAA date: %+v", b.Postes[0])
				}
				c := findEJ(t, ex, "1300012347")
				if p := c.Postes[0]; p.Programme != "0174" || p.BOP != "0174-CLIM" || p.UO != "0174-CLIM-SCEE" || p.DateSF != "2025-02-20" {
					t.Errorf("centre financier without padding: %+v", p)
				}
				amount(t, c.Postes[0].MontantEngage, -1500, "montant négatif")
			},
		},
		{
			file: "oda.csv", format: famODA, rows: 5, ejs: 2,
			rejects:  map[int]string{5: "numéro d'EJ absent"},
			warnings: []string{"« Dépenses  2025 » : ce sont des dépenses", "ligne 4 : identique à la ligne 2 (EJ 1400000001), ignorée"},
			check: func(t *testing.T, ex *Extract) {
				e := findEJ(t, ex, "1400000001")
				if len(e.Postes) != 2 || e.Postes[0].Poste != "1" || e.Postes[1].Poste != "2" {
					t.Fatalf("ODA postes numbered: %+v", e.Postes)
				}
				if e.Fournisseur.SIREN != "552081317" || e.Fournisseur.NAF != "70.22Z" || e.Fournisseur.Categorie != "PME" ||
					e.SIRETAcheteur != "11002001300014" || e.DateNotification != "2024-06-30" || e.TypeEJ != "Marché notifié" ||
					e.NumAccordCadre != "2022AMO0538402" || e.LibelleAccordCadre != "AC conseil DITP" ||
					e.Designation != "Accompagnement à la refonte du portail usagers" || e.Ministere != "Services du Premier ministre" ||
					e.ServiceBeneficiaire != "SPM - SG" {
					t.Errorf("ODA EJ: %+v", e)
				}
				p := e.Postes[1]
				if p.GroupeMarchandises != "72.01.02" || p.GMLibelle != "Conseil en organisation" || p.Segment != "72.01" ||
					p.DomaineAchat != "72" || p.CodeCPV != "79411000-8" || p.CompteGeneral != "6228000000" || p.Programme != "0129" {
					t.Errorf("ODA poste: %+v", p)
				}
				amount(t, p.MontantEngage, 12000.5, "dépenses")
				d := findEJ(t, ex, "1400000002")
				if p := d.Postes[0]; p.Programme != "0218" || p.BOP != "0218-SG" || p.UO != "" {
					t.Errorf("Prog-BOP: %+v", p)
				}
				amount(t, d.Postes[0].MontantEngage, 1000, "1 000 €")
			},
		},
		{
			file: "canonique_bom.csv", format: famCanonique, rows: 4, ejs: 3, unknown: []string{"commentaire"},
			warnings: []string{
				"ligne 4 : date « 31/02/2025 » illisible (colonne date_creation_ej)",
				"ligne 4 : montant « abc » illisible (colonne montant_engage_ht)",
				"ligne 5 : exercice « 25 » illisible",
				"ligne 5 : SIRET « 5208131766522 » illisible",
			},
			check: func(t *testing.T, ex *Extract) {
				e := findEJ(t, ex, "1500000001")
				if e.DateCreation != "2025-01-15" || e.DateNotification != "2025-01-20" || e.Exercice != 2025 ||
					e.Fournisseur.SIRET != "55208131700034" || e.Fournisseur.TVA != "FR40552081317" || e.Devise != "EUR" ||
					e.NumMarcheSubsequent != "MS-2025-01" || e.OrganisationAchat != "OA01" || e.GroupeAcheteurs != "GA12" ||
					e.CodeServiceExecutant != "SE-DAE-01" {
					t.Errorf("canonical EJ: %+v", e)
				}
				p := e.Postes[0]
				amount(t, p.MontantEngageHT, 40000, "HT")
				amount(t, p.MontantEngageTTC, 48000, "TTC")
				amount(t, p.TauxTVA, 20, "taux")
				amount(t, p.MontantFacture, 1.25, "decimal point in the canonical file")
				amount(t, p.MontantSFCertifie, 10000.5, "SF")
				if v, basis, _ := e.Engaged(); basis != "HT" || v != 41000 {
					t.Errorf("Engaged = %v %s", v, basis)
				}
				q := e.Postes[1]
				amount(t, q.TauxTVA, 20, "0.2 as a percent")
				if q.Programme != "0218" || q.UO != "0218-SG-DRH" {
					t.Errorf("programme from CF: %+v", q)
				}
				z := findEJ(t, ex, "1500000002")
				if z.Fournisseur.SIRET != "" || z.Fournisseur.SIREN != "552081317" {
					t.Errorf("9 digits in the SIRET column go to SIREN: %+v", z.Fournisseur)
				}
				if z.DateCreation != "" || z.Postes[0].MontantEngageHT != nil {
					t.Error("unreadable values must be absent")
				}
				if n := findEJ(t, ex, "1500000003").Fournisseur.Nom; n != `ETA, "le conseil"` {
					t.Errorf("quoted name: %q", n)
				}
			},
		},
		{
			file: "budat_latin1.csv", format: famBUDAT, rows: 2, ejs: 1,
			check: func(t *testing.T, ex *Extract) {
				e := findEJ(t, ex, "1300012345")
				if len(e.Postes) != 2 || e.CodeServiceExecutant != "SEDP01" || e.Fournisseur.SIREN != "552081317" ||
					e.Postes[1].DatePaiement != "2025-03-10" {
					t.Errorf("BUDAT: %+v", e)
				}
				amount(t, e.Postes[0].MontantFacture, 1200, "MNT_FAC")
			},
		},
		{
			file: "custom_tab.csv", mapping: "mapping.csv", format: famMapping, rows: 2, ejs: 1, unknown: []string{"Couleur"},
			check: func(t *testing.T, ex *Extract) {
				e := findEJ(t, ex, "1600000001")
				if e.Fournisseur.Nom != "OMEGA" || e.Fournisseur.SIRET != "55208131766522" || len(e.Postes) != 2 {
					t.Errorf("mapped: %+v", e)
				}
				amount(t, e.Postes[0].MontantEngageHT, 2500, "mapped HT")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var opt Options
			if tc.mapping != "" {
				m, err := LoadMapping(filepath.Join("testdata", tc.mapping))
				if err != nil {
					t.Fatal(err)
				}
				opt.Mapping = m
			}
			ex, err := ReadFile(filepath.Join("testdata", tc.file), opt)
			if err != nil {
				t.Fatal(err)
			}
			if ex.Format != tc.format || ex.Rows != tc.rows || len(ex.EJs) != tc.ejs {
				t.Errorf("format %s rows %d EJ %d, want %s %d %d", ex.Format, ex.Rows, len(ex.EJs), tc.format, tc.rows, tc.ejs)
			}
			got := rejectReasons(ex)
			if len(got) != len(tc.rejects) {
				t.Errorf("rejects = %v, want %d", ex.Rejects, len(tc.rejects))
			}
			for line, sub := range tc.rejects {
				if !strings.Contains(got[line], sub) {
					t.Errorf("reject line %d = %q, want %q", line, got[line], sub)
				}
			}
			for _, w := range tc.warnings {
				if !hasMessage(ex.Warnings, w) {
					t.Errorf("warning %q missing from %q", w, ex.Warnings)
				}
			}
			if strings.Join(ex.UnknownColumns, "|") != strings.Join(tc.unknown, "|") {
				t.Errorf("unknown columns %q, want %q", ex.UnknownColumns, tc.unknown)
			}
			for _, e := range ex.EJs {
				if len(e.Lines) != len(e.Postes) {
					t.Errorf("EJ %s: %d lines for %d postes", e.NumEJ, len(e.Lines), len(e.Postes))
				}
			}
			if tc.check != nil {
				tc.check(t, ex)
			}
		})
	}
}

func zipWithout(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	_, _ = w.Write([]byte("<w/>"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadFileErrors(t *testing.T) {
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i * 7919 % 251)
	}
	canon := "num_ej;poste_ej;montant_engage_ht\n1300000001;1;10\n1300000001;2;20\n1300000002;1;30\n"
	tests := []struct {
		name string
		data []byte
		opt  Options
		want string
	}{
		{"vide", nil, Options{}, "fichier vide"},
		{"blancs", []byte(" \n\r\n  \n"), Options{}, "fichier vide"},
		{"binaire", garbage, Options{}, "contenu binaire"},
		{"pdf", []byte("%PDF-1.7\n..."), Options{}, "document PDF"},
		{"xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, garbage...), Options{}, "97-2003"},
		{"zip", zipWithout(t), Options{}, "pas un classeur XLSX"},
		{"zip tronqué", []byte("PK\x03\x04 tronqué"), Options{}, "archive ZIP illisible"},
		{"sans en-tête", []byte("1300000001;1;10\n1300000002;1;30\n"), Options{}, "aucune ligne d'en-tête reconnue"},
		{"en-tête sans EJ", []byte("poste_ej;montant_engage_ht\n1;10\n"), Options{}, "aucune ligne d'en-tête reconnue"},
		{"texte libre", []byte("Bonjour,\nvoici le fichier demandé.\n"), Options{}, "aucune ligne d'en-tête reconnue"},
		{"trop gros", []byte(canon), Options{MaxBytes: 40}, "trop volumineux"},
		{"trop de lignes", []byte(canon), Options{MaxRows: 2}, "plus de 2 lignes de données"},
		{"correspondance", []byte(canon), Options{Mapping: map[string]string{"X": "montant_inconnu"}}, "champ « montant_inconnu » inconnu"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.data), "extrait", tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read: %v, want %q", err, tc.want)
			}
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = ReadFile(path, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadFile: %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(dir, "absent.csv"), Options{}); err == nil || !strings.Contains(err.Error(), "ouverture impossible") {
		t.Errorf("missing file: %v", err)
	}
}

// TestReadRows covers row-level handling on small canonical extracts.
func TestReadRows(t *testing.T) {
	long := strings.Repeat("x", maxFieldBytes+1)
	tests := []struct {
		name     string
		data     string
		postes   int
		rejects  map[int]string
		warnings []string
		check    func(t *testing.T, ex *Extract)
	}{
		{
			name:   "champ trop long",
			data:   "num_ej;poste_ej;designation\n1300000001;1;" + long + "\n1300000001;2;court\n",
			postes: 1, rejects: map[int]string{2: "champ de plus de 64 Kio (colonne 3)"},
		},
		{
			name:   "guillemet jamais fermé",
			data:   "num_ej;poste_ej;designation\n1300000001;1;ok\n1300000001;2;\"ouvert\n1300000001;3;perdu\n",
			postes: 1, rejects: map[int]string{3: "les lignes 3 à 4 forment un seul enregistrement"},
		},
		{
			name:   "séparateurs en fin de ligne et lignes vides",
			data:   "num_ej;poste_ej;montant_engage_ht;\r\n\r\n1300000001;1;10;;\r\n;;;\r\n1300000001;2;20\r\n",
			postes: 1, rejects: map[int]string{5: "3 champs au lieu de 4"},
		},
		{
			name:   "champ multiligne",
			data:   "num_ej,poste_ej,designation,montant_engage_ht\n1300000001,1,\"ligne 1\nligne 2\",\"1,5\"\n1300000001,x,b,2\n1300000001,,c,3\n",
			postes: 2, rejects: map[int]string{5: "numéro de poste absent"},
			check: func(t *testing.T, ex *Extract) {
				e := ex.EJs[0]
				if e.Postes[0].Designation != "ligne 1\nligne 2" || e.Lines[1] != 4 {
					t.Errorf("multiline field: %+v", e)
				}
				amount(t, e.Postes[0].MontantEngageHT, 1.5, "decimal comma in a quoted field")
			},
		},
		{
			name:   "EJ avec espaces et artefact flottant",
			data:   "num_ej;poste_ej;fournisseur_siren;montant_engage_ttc\n1300 000 001;1.0;552081317.0;1.234,56 €\n\"1300000001\";2;;(150,00)\n",
			postes: 2,
			check: func(t *testing.T, ex *Extract) {
				e := ex.EJs[0]
				if e.NumEJ != "1300000001" || e.Postes[0].Poste != "1" || e.Fournisseur.SIREN != "552081317" {
					t.Errorf("%+v", e)
				}
				amount(t, e.Postes[0].MontantEngageTTC, 1234.56, "thousands dot before a decimal comma")
				amount(t, e.Postes[1].MontantEngageTTC, -150, "parenthesised negative")
			},
		},
		{
			name:   "attribut d'EJ rempli par une ligne suivante",
			data:   "num_ej;poste_ej;fournisseur_nom;exercice\n1300000001;1;;2024\n1300000001;2;ACME;2025\n",
			postes: 2, warnings: []string{"EJ 1300000001 : exercice diffère entre la ligne 2 (« 2024 ») et la ligne 3 (« 2025 »)"},
			check: func(t *testing.T, ex *Extract) {
				if e := ex.EJs[0]; e.Fournisseur.Nom != "ACME" || e.Exercice != 2024 {
					t.Errorf("%+v", e)
				}
			},
		},
		{
			name:    "EJ trop court et trop long",
			data:    "num_ej;poste_ej\n130000000;1\n13000000011;1\nABCDEFGHIJ;1\n",
			rejects: map[int]string{2: "invalide", 3: "invalide", 4: "invalide"},
		},
		{
			name:   "même poste, attributs d'EJ différents",
			data:   "num_ej;poste_ej;fournisseur_nom\n1300000001;1;A\n1300000001;01;B\n",
			postes: 1, rejects: map[int]string{3: "(fournisseur_nom)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex, err := Read(strings.NewReader(tc.data), "t.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range ex.EJs {
				n += len(e.Postes)
			}
			if n != tc.postes {
				t.Errorf("%d postes, want %d (rejects %v)", n, tc.postes, ex.Rejects)
			}
			got := rejectReasons(ex)
			if len(got) != len(tc.rejects) {
				t.Errorf("rejects = %v, want %v", ex.Rejects, tc.rejects)
			}
			for line, sub := range tc.rejects {
				if !strings.Contains(got[line], sub) {
					t.Errorf("reject line %d = %q, want %q", line, got[line], sub)
				}
			}
			for _, w := range tc.warnings {
				if !hasMessage(ex.Warnings, w) {
					t.Errorf("warning %q missing from %q", w, ex.Warnings)
				}
			}
			if tc.check != nil {
				tc.check(t, ex)
			}
		})
	}
}

func TestEncodings(t *testing.T) {
	text := "num_ej;poste_ej;fournisseur_nom\n1300000001;1;Société Générale d'Études\n"
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range text {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	latin := []byte(strings.ReplaceAll(strings.ReplaceAll(text, "é", "\xe9"), "É", "\xc9"))
	mixed := append([]byte("num_ej;poste_ej;fournisseur_nom\n1300000001;1;Société\n"), []byte("1300000002;1;\xc9tudes\n")...)
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"utf-8", []byte(text), []string{"Société Générale d'Études"}},
		{"utf-8 BOM", append(append([]byte{}, utf8BOM...), text...), []string{"Société Générale d'Études"}},
		{"utf-16", utf16le, []string{"Société Générale d'Études"}},
		{"windows-1252", latin, []string{"Société Générale d'Études"}},
		{"mélange", mixed, []string{"Société", "Études"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex, err := Read(bytes.NewReader(tc.data), tc.name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ex.EJs) != len(tc.want) {
				t.Fatalf("%d EJ, want %d", len(ex.EJs), len(tc.want))
			}
			for i, w := range tc.want {
				if got := ex.EJs[i].Fournisseur.Nom; got != w {
					t.Errorf("nom = %q, want %q", got, w)
				}
			}
			if mixedWarned := hasMessage(ex.Warnings, "mélange UTF-8 et Windows-1252"); mixedWarned != (tc.name == "mélange") {
				t.Errorf("mixed-encoding warning: %v (%q)", mixedWarned, ex.Warnings)
			}
		})
	}
}

func TestLoadMapping(t *testing.T) {
	m, err := LoadMapping(filepath.Join("testdata", "mapping.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if m["Numéro de commande"] != "num_ej" || m["Observations"] != "ignorer" || len(m) != 6 {
		t.Errorf("mapping = %v", m)
	}
	dir := t.TempDir()
	tests := []struct{ name, data, want string }{
		{"champ inconnu", "colonne;champ\nMontant;montant_total\n", "ligne 2 : champ « montant_total » inconnu"},
		{"doublon", "N° commande;num_ej\nn commande;poste_ej\n", "ligne 2 : colonne « n commande » déjà définie ligne 1"},
		{"trois valeurs", "A;num_ej;x\n", "ligne 1 : deux valeurs attendues"},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.data), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadMapping(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// A mapping overrides a built-in name.
	ex, err := Read(strings.NewReader("N° EJ;Montant engagé;Ref\n1300000001;10;1300000009\n"), "x",
		Options{Mapping: map[string]string{"Montant engagé": "montant_engage_ttc", "REF": "num_ej_precedent"}})
	if err != nil {
		t.Fatal(err)
	}
	p := ex.EJs[0].Postes[0]
	if p.MontantEngage != nil || p.MontantEngageTTC == nil || ex.EJs[0].NumEJPrecedent != "1300000009" {
		t.Errorf("override: %+v", ex.EJs[0])
	}
}

func TestResolveHeader(t *testing.T) {
	tests := []struct {
		header string
		want   field
		label  bool
	}{
		{"N° EJ", fNumEJ, false},
		{"n° ej", fNumEJ, false},
		{"NUM_EJ", fNumEJ, false},
		{" N°  poste   EJ ", fPoste, false},
		{"Centre financier 2", fCentreFinancierLib, true},
		{"Centre financier.1", fCentreFinancierLib, true},
		{"CENTRE FINANCIER", fCentreFinancier, false},
		{"Groupe de marchandises 2", fGMLibelle, true},
		{"Fonds 2", fIgnored, true},
		{"Fournisseur titulaire principal (EJ) 2", fFournNom, true},
		{"Montant engage", fMontantEngage, false},
		{"Dépenses 2031", fDepenses, false},
		{"GdM Libellé", fGMLibelle, false},
		{"SIRET acheteur (E) – Clé", fSIRETAcheteur, false},
		{"Numero EJ reference facture", fNumEJ, false},
	}
	for _, tc := range tests {
		rh, ok := resolveHeader(tc.header, nil)
		if !ok || rh.field != tc.want || rh.label != tc.label {
			t.Errorf("%q → %v %v (%v), want %v %v", tc.header, nameOf[rh.field], rh.label, ok, nameOf[tc.want], tc.label)
		}
	}
	for _, h := range []string{"", "Couleur", "Montant", "Centre financier 3", "Dépenses", "Dépenses 20251"} {
		if rh, ok := resolveHeader(h, nil); ok {
			t.Errorf("%q recognised as %s", h, nameOf[rh.field])
		}
	}
}

func TestParseValues(t *testing.T) {
	amounts := []struct {
		in    string
		point bool
		want  float64
		ok    bool
	}{
		{"12 500,00", false, 12500, true},
		{"12\u00a0500,00", false, 12500, true},
		{"12\u202f500,00 €", false, 12500, true},
		{"1.234,56", false, 1234.56, true},
		{"1.250", false, 1250, true},
		{"1.250", true, 1.25, true},
		{"-1500", false, -1500, true},
		{"1500,00-", false, -1500, true},
		{"EUR 10", false, 10, true},
		{"1E3", true, 1000, true},
		{"12,5,0", false, 0, false},
		{"abc", false, 0, false},
		{"1e400", true, 0, false},
	}
	for _, tc := range amounts {
		p, ok := parseAmount(tc.in, tc.point)
		if ok != tc.ok || (ok && p != tc.want) {
			t.Errorf("parseAmount(%q, %v) = %v %v, want %v %v", tc.in, tc.point, p, ok, tc.want, tc.ok)
		}
	}
	dates := []struct {
		in   string
		xlsx bool
		want string
		ok   bool
	}{
		{"20250210", false, "2025-02-10", true},
		{"20250210", true, "2025-02-10", true},
		{"10/02/2025", false, "2025-02-10", true},
		{"10/02/2025 00:00:00", false, "2025-02-10", true},
		{"2025-02-10", false, "2025-02-10", true},
		{"2025-02-10 13:45:00", false, "2025-02-10", true},
		{"2025-02-10T13:45:00Z", false, "2025-02-10", true},
		{"45698", true, "2025-02-10", true},
		{"45698.5", true, "2025-02-10", true},
		{"45698", false, "", false},
		{"20251310", false, "", false},
		{"0", true, "", false},
	}
	for _, tc := range dates {
		got, ok := parseDate(tc.in, tc.xlsx, false)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseDate(%q, %v) = %q %v, want %q %v", tc.in, tc.xlsx, got, ok, tc.want, tc.ok)
		}
	}
	progs := map[string]string{"129": "0129", "P129": "0129", "0129": "0129", "12345": "", "ABC": ""}
	for in, want := range progs {
		if got, _ := normalizeProgramme(in); got != want {
			t.Errorf("normalizeProgramme(%q) = %q, want %q", in, got, want)
		}
	}
}
