package synth

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// row is one line of chorus.csv keyed by column name.
type row map[string]string

func readChorusCSV(t *testing.T, data []byte) []row {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("chorus.csv does not parse: %v", err)
	}
	if !slices.Equal(recs[0], ChorusColumns) {
		t.Fatalf("header %v, want the canonical columns", recs[0])
	}
	var out []row
	for _, rec := range recs[1:] {
		m := row{}
		for i, c := range recs[0] {
			m[c] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func money2(t *testing.T, s string) float64 {
	t.Helper()
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return v
}

// ejSummary aggregates the rows of one EJ.
type ejSummary struct {
	first   row
	ht      float64
	postes  int
	gms     map[string]float64
	created time.Time
}

func summarise(t *testing.T, rows []row) (map[string]*ejSummary, []string) {
	t.Helper()
	out := map[string]*ejSummary{}
	var order []string
	for _, r := range rows {
		s := out[r["num_ej"]]
		if s == nil {
			created, err := time.Parse("2006-01-02", r["date_creation_ej"])
			if err != nil {
				t.Fatalf("date_creation_ej %q: %v", r["date_creation_ej"], err)
			}
			s = &ejSummary{first: r, gms: map[string]float64{}, created: created}
			out[r["num_ej"]] = s
			order = append(order, r["num_ej"])
		}
		s.postes++
		v := money2(t, r["montant_engage_ht"])
		s.ht += v
		s.gms[r["groupe_marchandises"]] += v
	}
	return out, order
}

var (
	reCF   = regexp.MustCompile(`^\d{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$`)
	reGM   = regexp.MustCompile(`^\d{2}\.\d{2}\.\d{2}$`)
	reDF   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reName = regexp.MustCompile(`^(\d{10})_(\d+)_(.+\.pdf)$`)
)

func TestScenarioExtractAndAttachments(t *testing.T) {
	d, err := Scenario(ScenarioOptions{Seed: 7, ScannedShare: -1})
	if err != nil {
		t.Fatal(err)
	}
	rows := readChorusCSV(t, ChorusCSV(d.EJs))
	ejs, order := summarise(t, rows)
	if len(ejs) != 200 {
		t.Fatalf("%d EJ in the extract, want 200", len(ejs))
	}
	if len(rows) <= len(ejs) {
		t.Errorf("no EJ has several postes (%d rows)", len(rows))
	}
	programmes := map[string]bool{}
	multiCF := 0
	poor := 0
	for _, num := range order {
		s := ejs[num]
		r := s.first
		if !fr.ValidEJ(num) {
			t.Errorf("EJ %q is not 10 digits", num)
		}
		anonymous := r["fournisseur_siret"] == "" && r["fournisseur_siren"] == "" && r["fournisseur_tva"] == "" && r["fournisseur_nom"] != ""
		if !anonymous && (!fr.ValidSIRET(r["fournisseur_siret"]) || r["fournisseur_siret"][:9] != r["fournisseur_siren"] || !fr.ValidVAT(r["fournisseur_tva"])) {
			t.Errorf("%s: supplier identifiers %s / %s / %s inconsistent", num, r["fournisseur_siret"], r["fournisseur_siren"], r["fournisseur_tva"])
		}
		if !fr.ValidSIRET(r["siret_acheteur"]) || r["siret_acheteur"][0] != '1' {
			t.Errorf("%s: buyer SIRET %s", num, r["siret_acheteur"])
		}
		if s.created.Year() < 2025 || s.created.Year() > 2026 {
			t.Errorf("%s: created %v", num, s.created)
		}
		if r["organisation_achat"] == "" || r["groupe_acheteurs"] == "" || r["designation_ej"] == "" || r["code_cpv"] == "" {
			t.Errorf("%s: missing OA, GA, designation or CPV: %v", num, r)
		}
		if slices.Contains(poorDesignations, r["designation_ej"]) {
			poor++
		}
		if r["num_contrat"] == "" && r["num_accord_cadre"] != "" && r["type_ej"] != "Accord cadre à bons de commande" {
			t.Errorf("%s: accord-cadre order typed %q", num, r["type_ej"])
		}
	}
	cfs := map[string]map[string]bool{}
	for _, r := range rows {
		if !reCF.MatchString(r["centre_financier"]) || !reGM.MatchString(r["groupe_marchandises"]) || !reDF.MatchString(r["domaine_fonctionnel"]) {
			t.Errorf("%s: CF %q, GM %q, DF %q badly formed", r["num_ej"], r["centre_financier"], r["groupe_marchandises"], r["domaine_fonctionnel"])
		}
		if r["centre_financier"][:4] != r["programme"] || r["domaine_fonctionnel"][:4] != r["programme"] {
			t.Errorf("%s: programme %s not that of CF %s / DF %s", r["num_ej"], r["programme"], r["centre_financier"], r["domaine_fonctionnel"])
		}
		programmes[r["programme"]] = true
		if cfs[r["num_ej"]] == nil {
			cfs[r["num_ej"]] = map[string]bool{}
		}
		cfs[r["num_ej"]][r["centre_financier"]] = true
		ht, ttc := money2(t, r["montant_engage_ht"]), money2(t, r["montant_engage_ttc"])
		if ht <= 0 || (ttc != 0 && ttc < ht) {
			t.Errorf("%s: HT %v TTC %v", r["num_ej"], ht, ttc)
		}
	}
	for _, m := range cfs {
		if len(m) > 1 {
			multiCF++
		}
	}
	for _, p := range []string{"0129", "0218", "0156", "0134", "0176", "0152", "0354", "0723"} {
		if !programmes[p] {
			t.Logf("programme %s not drawn", p)
		}
	}
	if len(programmes) < 10 || multiCF < 5 || poor < 40 || poor > 160 {
		t.Errorf("%d programmes, %d EJ on several CF, %d poor designations", len(programmes), multiCF, poor)
	}

	// Attachments: named <num_ej>_<n>_<name>.pdf after an EJ of the
	// extract, except the orphan's.
	perEJ := map[string]int{}
	names := map[string]bool{}
	orphans, corrupt := 0, 0
	for _, pc := range d.Pieces {
		m := reName.FindStringSubmatch(pc.Name)
		if m == nil {
			t.Errorf("attachment name %q is not <num_ej>_<n>_<name>.pdf", pc.Name)
			continue
		}
		if names[pc.Name] {
			t.Errorf("two attachments named %q", pc.Name)
		}
		names[pc.Name] = true
		if ejs[m[1]] == nil {
			if m[1] != d.OrphanEJ {
				t.Errorf("%s: EJ %s is not in the extract", pc.Name, m[1])
			}
			orphans++
		}
		perEJ[m[1]]++
		if pc.Corrupt {
			corrupt++
			if bytes.Contains(pc.Data, []byte("%%EOF")) {
				t.Errorf("%s: corrupt file still ends like a PDF", pc.Name)
			}
		} else if !bytes.HasPrefix(pc.Data, []byte("%PDF-")) || !bytes.Contains(pc.Data[len(pc.Data)-64:], []byte("%%EOF")) {
			t.Errorf("%s: not a complete PDF", pc.Name)
		}
	}
	if d.OrphanEJ == "" || orphans == 0 || corrupt != 2 {
		t.Errorf("orphan EJ %q with %d files, %d corrupt files", d.OrphanEJ, orphans, corrupt)
	}
	without := 0
	for _, num := range order {
		if perEJ[num] == 0 {
			without++
		}
	}
	avg := float64(len(d.Pieces)) / float64(len(ejs))
	if avg < 2.2 || avg > 2.9 || without < 1 || without > 6 {
		t.Errorf("%.2f attachments per EJ, %d EJ without any", avg, without)
	}
	t.Logf("%d EJ, %d rows, %d attachments (%.2f per EJ), %d without, %d programmes, %d multi-CF, %d poor designations",
		len(ejs), len(rows), len(d.Pieces), avg, without, len(programmes), multiCF, poor)
}

// TestScenarioGroundTruth checks the planted anomalies against the
// extract and the documents' gold, and that nothing else in the extract
// looks like a threshold anomaly.
func TestScenarioGroundTruth(t *testing.T) {
	d, err := Scenario(ScenarioOptions{Seed: 11, ScannedShare: -1, NumEJ: 400})
	if err != nil {
		t.Fatal(err)
	}
	rows := readChorusCSV(t, ChorusCSV(d.EJs))
	ejs, _ := summarise(t, rows)
	byCode := map[string][]ExpectedAnomaly{}
	decoyRules := map[string]int{}
	for _, a := range d.Expected {
		byCode[a.Code] = append(byCode[a.Code], a)
		for _, n := range append([]string{a.NumEJ}, a.Others...) {
			if ejs[n] == nil {
				t.Errorf("%s names EJ %s, not in the extract", a.Code, n)
			}
		}
		if a.Code == Leurre {
			decoyRules[a.Detail]++
		}
	}
	for _, c := range []string{AnoHorsMarche, AnoFractionnement, AnoImputation, AnoFournisseur, AnoMontant, AnoDoublon, AnoIdentifiant, AnoRevueDITP, AnoTJMAtypique} {
		if len(byCode[c]) < 3 {
			t.Errorf("%s planted %d times, want ≥ 3", c, len(byCode[c]))
		}
	}
	for _, r := range []string{AnoFractionnement, AnoHorsMarche, AnoRevueDITP, AnoDoublon} {
		if decoyRules[r] == 0 {
			t.Errorf("no decoy for %s", r)
		}
	}
	piecesOf := map[string][]Piece{}
	for _, pc := range d.Pieces {
		piecesOf[pc.NumEJ] = append(piecesOf[pc.NumEJ], pc)
	}
	planted := func(code, num string) bool {
		for _, a := range byCode[code] {
			if a.NumEJ == num || slices.Contains(a.Others, num) {
				return true
			}
		}
		return false
	}
	threshold := func(tm time.Time) float64 {
		if tm.Before(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
			return 40000
		}
		return 60000
	}
	open := func(r row) bool {
		return r["num_contrat"] == "" && r["num_accord_cadre"] == "" && r["fournisseur_siren"] != ugapSIREN
	}

	// hors_marche: exactly the planted EJ are open and above the threshold.
	for num, s := range ejs {
		above := open(s.first) && s.ht >= threshold(s.created)
		if above != planted(AnoHorsMarche, num) {
			t.Errorf("EJ %s: open and above threshold = %v, planted hors_marche = %v (HT %.2f on %v)", num, above, planted(AnoHorsMarche, num), s.ht, s.created)
		}
		if above {
			for _, pc := range piecesOf[num] {
				if _, ok := pc.Gold.Fields["reference_marche"]; ok {
					t.Errorf("hors_marche EJ %s: %s prints a contract reference", num, pc.Name)
				}
			}
		}
	}

	// fractionnement: per OA and GM, open orders each under the threshold
	// summing above it within twelve months occur only where planted.
	type key struct{ oa, gm string }
	groups := map[key][]string{}
	for num, s := range ejs {
		if !open(s.first) || s.ht >= threshold(s.created) {
			continue
		}
		for gm := range s.gms {
			k := key{s.first["organisation_achat"], gm}
			groups[k] = append(groups[k], num)
		}
	}
	flagged := 0
	for k, nums := range groups {
		for _, a := range nums {
			sum := 0.0
			for _, b := range nums {
				if dd := ejs[b].created.Sub(ejs[a].created).Hours() / 24; dd >= 0 && dd < 365 {
					sum += ejs[b].gms[k.gm]
				}
			}
			if sum >= threshold(ejs[a].created) {
				flagged++
				if !planted(AnoFractionnement, a) {
					t.Errorf("unplanned fractionnement: OA %s GM %s from EJ %s sums %.2f", k.oa, k.gm, a, sum)
				}
			}
		}
	}
	if flagged == 0 {
		t.Error("the planted fractionnements are not visible in the extract")
	}

	// Documents agree with Chorus unless an anomaly says otherwise.
	for num, s := range ejs {
		r := s.first
		for _, pc := range piecesOf[num] {
			f := pc.Gold.Fields
			siret, _ := f["fournisseur.siret"].(string)
			switch {
			case planted(AnoFournisseur, num):
				if siret != "" && (siret == r["fournisseur_siret"] || !fr.ValidSIRET(siret)) {
					t.Errorf("fournisseur_incoherent %s: %s prints SIRET %s (Chorus %s)", num, pc.Name, siret, r["fournisseur_siret"])
				}
			case planted(AnoIdentifiant, num) && pc.Evidence == AnoIdentifiant:
				iban, _ := f["iban"].(string)
				if !(siret != "" && !fr.ValidSIRET(siret) && siret[:9] == r["fournisseur_siren"]) && !(iban != "" && !fr.ValidIBAN(iban)) {
					t.Errorf("identifiant_invalide %s: %s prints SIRET %q IBAN %q, both valid", num, pc.Name, siret, iban)
				}
			case planted(AnoDoublon, num) && pc.SameAs != "":
			default:
				// Chorus may name the supplier without its SIRET.
				if siret != "" && r["fournisseur_siret"] != "" && siret != r["fournisseur_siret"] {
					t.Errorf("%s: %s prints SIRET %s, Chorus %s", num, pc.Name, siret, r["fournisseur_siret"])
				}
				if iban, ok := f["iban"].(string); ok && !fr.ValidIBAN(iban) {
					t.Errorf("%s: %s prints an invalid IBAN %s", num, pc.Name, iban)
				}
			}
			if ej, ok := f["numero_ej"]; ok && ej != num && pc.SameAs == "" {
				t.Errorf("%s: %s cites EJ %v", num, pc.Name, ej)
			}
			ht, hasHT := f["montant_ht"].(float64)
			if !hasHT || pc.Type == "avoir" || pc.SameAs != "" {
				continue
			}
			mismatch := math.Abs(ht-s.ht) > 0.01
			if mismatch != planted(AnoMontant, num) {
				t.Errorf("%s: %s says %.2f HT, Chorus %.2f; planted montant_incoherent = %v", num, pc.Name, ht, s.ht, planted(AnoMontant, num))
			}
			if ttc, ok := f["montant_ttc"].(float64); ok && strings.HasPrefix(detailOf(byCode[AnoMontant], num), "confusion HT/TTC") && math.Abs(ttc-s.ht) > 0.01 {
				t.Errorf("%s: HT/TTC confusion but document TTC %.2f ≠ engaged %.2f", num, ttc, s.ht)
			}
		}
	}

	// doublon: the same bytes, or the same invoice number and amount.
	for _, a := range byCode[AnoDoublon] {
		fa, fb := firstOfType(piecesOf[a.NumEJ], "facture"), firstOfType(piecesOf[a.Others[0]], "facture")
		if fa == nil || fb == nil {
			t.Errorf("doublon %s/%s: an invoice is missing", a.NumEJ, a.Others[0])
			continue
		}
		same := bytes.Equal(fa.Data, fb.Data)
		sameNum := fa.Gold.Fields["numero"] == fb.Gold.Fields["numero"] && fa.Gold.Fields["montant_ht"] == fb.Gold.Fields["montant_ht"] &&
			ejs[a.NumEJ].first["fournisseur_siren"] == ejs[a.Others[0]].first["fournisseur_siren"]
		if !same && !sameNum {
			t.Errorf("doublon %s/%s: invoices neither identical nor same number and amount", a.NumEJ, a.Others[0])
		}
	}
	// conseil_revue_ditp and its decoy, tjm_atypique.
	for _, a := range byCode[AnoRevueDITP] {
		if ttc := money2(t, ejs[a.NumEJ].first["montant_engage_ttc"]); ejs[a.NumEJ].postes == 1 && ttc <= 500000 {
			t.Errorf("conseil_revue_ditp %s: TTC %.2f", a.NumEJ, ttc)
		}
	}
	for _, a := range byCode[AnoTJMAtypique] {
		dv := firstOfType(piecesOf[a.NumEJ], "devis")
		if tjm, _ := dv.Gold.Fields["conseil.tjm"].(float64); dv == nil || tjm < 3000 {
			t.Errorf("tjm_atypique %s: devis TJM %v", a.NumEJ, dv.Gold.Fields["conseil.tjm"])
		}
	}
	for _, a := range byCode[Leurre] {
		s := ejs[a.NumEJ]
		if a.Detail == AnoRevueDITP && s.ht*1.2 > 500000 {
			t.Errorf("decoy %s is above the DITP review threshold", a.NumEJ)
		}
	}
}

func detailOf(as []ExpectedAnomaly, num string) string {
	for _, a := range as {
		if a.NumEJ == num {
			return a.Detail
		}
	}
	return ""
}

func firstOfType(ps []Piece, typ string) *Piece {
	for i := range ps {
		if ps[i].Type == typ {
			return &ps[i]
		}
	}
	return nil
}

// TestScenarioGoldPrinted runs the generator's gold checks on a sample of
// the demo's documents: spec-driven documents must keep their gold right.
func TestScenarioGoldPrinted(t *testing.T) {
	needTool(t, "pdftotext")
	d, err := Scenario(ScenarioOptions{Seed: 3, ScannedShare: -1, NumEJ: 120})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i, pc := range d.Pieces {
		if pc.Corrupt || pc.Evidence == AnoIdentifiant || (i%4 != 0 && pc.Evidence == "") {
			continue
		}
		g := Generated{Name: pc.Name, PDF: pc.Data, Gold: pc.Gold, Layout: pc.Layout}
		checkGold(t, g, pdftotext(t, pc.Data, true), pdftotext(t, pc.Data, false))
		checked++
	}
	t.Logf("%d documents checked", checked)
}

func TestScenarioDeterministic(t *testing.T) {
	opt := ScenarioOptions{Seed: 5, NumEJ: 100, ScannedShare: 0.02}
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		d, err := Scenario(opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteDemo(dir, d); err != nil {
			t.Fatal(err)
		}
	}
	files := 0
	err := filepath.WalkDir(a, func(path string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", rel)
		}
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The streaming writer gives the same files.
	c := t.TempDir()
	if _, err := WriteScenario(c, opt); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"chorus.csv", "anomalies_attendues.csv", "README.txt", "pieces_index.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, rel))
		y, _ := os.ReadFile(filepath.Join(c, rel))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between Scenario+WriteDemo and WriteScenario", rel)
		}
	}
	d2, _ := Scenario(ScenarioOptions{Seed: 6, NumEJ: 100, ScannedShare: -1})
	x, _ := os.ReadFile(filepath.Join(a, "chorus.csv"))
	if bytes.Equal(x, ChorusCSV(d2.EJs)) {
		t.Error("another seed gives the same extract")
	}
	if files < 200 {
		t.Errorf("only %d files written", files)
	}
}

func TestScenarioRejectsBadOptions(t *testing.T) {
	for _, opt := range []ScenarioOptions{{NumEJ: -1}, {NumEJ: 20}, {ScannedShare: 2}, {DocsPerEJ: 50}, {Layouts: LayoutSet{"nope"}}} {
		if _, err := Scenario(opt); err == nil {
			t.Errorf("Scenario(%+v) accepted bad options", opt)
		}
	}
}

// TestDemoTiming generates the default demo, scanned copies included, and
// reports the time; DEMO_FULL=1 runs it (about half a minute on two cores).
func TestDemoTiming(t *testing.T) {
	if os.Getenv("DEMO_FULL") == "" {
		t.Skip("DEMO_FULL not set")
	}
	start := time.Now()
	d, err := Scenario(ScenarioOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	scanned := 0
	for _, pc := range d.Pieces {
		if pc.Scanned {
			scanned++
			if bytes.Contains(pc.Data, []byte("/Font")) {
				t.Errorf("%s: scanned copy has fonts", pc.Name)
			}
		}
	}
	el := time.Since(start)
	t.Logf("200-EJ demo: %v, %d attachments, %d scanned", el, len(d.Pieces), scanned)
	if el > 90*time.Second {
		t.Errorf("demo generation took %v", el)
	}
}
