package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/depenses-eclairees/depenses/internal/synth"
)

// TestMain lets the test binary act as the depenses command, so that tests
// can run it as a separate process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("DEPENSES_AS_CLI") == "1" {
		os.Args = append([]string{"depenses"}, strings.Split(os.Getenv("DEPENSES_ARGS"), "\n")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func cli(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DEPENSES_AS_CLI=1", "DEPENSES_ARGS="+strings.Join(args, "\n"))
	return cmd
}

// crashFixture writes n generated documents spread over n/2 EJ and their extract.
func crashFixture(t *testing.T, n int) (chorusFile, pieces string) {
	dir := t.TempDir()
	docs, err := synth.Generate(synth.Options{Seed: 99, Types: []string{"devis", "facture", "bon_de_commande"}}, n)
	if err != nil {
		t.Fatal(err)
	}
	pieces = filepath.Join(dir, "pieces")
	if err := os.MkdirAll(pieces, 0o755); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("num_ej;poste_ej;centre_financier;groupe_marchandises;designation_ej;montant_engage_ht\n")
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&csv, "14%08d;1;0129-CDBU-DSAF;33.01.04;PRESTATION;%d\n", i, 1000+i)
	}
	for i, d := range docs {
		name := fmt.Sprintf("14%08d_%d_piece.pdf", i/2, i%2+1)
		if err := os.WriteFile(filepath.Join(pieces, name), d.PDF, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chorusFile = filepath.Join(dir, "chorus.csv")
	if err := os.WriteFile(chorusFile, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return chorusFile, pieces
}

func countRows(t *testing.T, dbPath, query string) int {
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return 0
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		return 0
	}
	return n
}

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := cli(args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("depenses %v: %v\n%s\n%s", args, err, out.String(), errOut.String())
	}
	return out.String()
}

// TestIngestSurvivesKill kills `depenses ingest` in the middle of the
// processing, runs it again, and compares the export with a run that was
// never interrupted: nothing lost, and no document analysed twice.
func TestIngestSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("processus tué puis relancé : test long")
	}
	chorusFile, pieces := crashFixture(t, 40)
	clean := t.TempDir()
	runCLI(t, "--data", clean, "ingest", "--workers", "1", "--chorus", chorusFile, "--attachments", pieces)
	want := runCLI(t, "--data", clean, "export")

	crashed := t.TempDir()
	db := filepath.Join(crashed, "depenses.db")
	cmd := cli("--data", crashed, "ingest", "--workers", "1", "--chorus", chorusFile, "--attachments", pieces)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for countRows(t, db, `SELECT count(*) FROM step WHERE name = 'analyse'`) < 8 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("ingest never got to processing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	done := countRows(t, db, `SELECT count(*) FROM document WHERE status != 'a_traiter'`)
	if done == 0 || done == 40 {
		t.Fatalf("kill came at a bad moment: %d of 40 documents processed", done)
	}
	t.Logf("tué après %d documents traités sur 40", done)
	out := runCLI(t, "--data", crashed, "ingest", "--workers", "1", "--chorus", chorusFile, "--attachments", pieces)
	if !strings.Contains(out, "0 nouvelles") {
		t.Errorf("the rerun stored attachments again:\n%s", out)
	}
	if got := runCLI(t, "--data", crashed, "export"); got != want {
		t.Errorf("export after kill and rerun differs from an uninterrupted run")
	}
	if twice := countRows(t, db, `SELECT count(*) FROM (SELECT subject FROM step WHERE name = 'analyse' AND status = 'ok' GROUP BY subject HAVING count(*) > 1)`); twice != 0 {
		t.Errorf("%d documents analysed twice", twice)
	}
	if n := countRows(t, db, `SELECT count(*) FROM document WHERE status = 'a_traiter'`); n != 0 {
		t.Errorf("%d documents left pending", n)
	}
}

// TestDataFolderInUse runs a second command on a data folder another one
// holds: it refuses with a clear message instead of sharing the database.
func TestDataFolderInUse(t *testing.T) {
	dir := t.TempDir()
	data := dataFlags{dir: dir}
	ws, err := data.open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var out, errOut bytes.Buffer
	cmd := cli("--data", dir, "stats")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if err == nil || !strings.Contains(errOut.String(), "déjà utilisé par une autre commande depenses") {
		t.Fatalf("second command: %v\n%s%s", err, out.String(), errOut.String())
	}
}

// TestReferentialCommands imports a SIRENE sample into the data folder and
// an ODA export into a referentials folder that later commands use.
func TestReferentialCommands(t *testing.T) {
	data, refs := t.TempDir(), t.TempDir()
	out := runCLI(t, "--data", data, "referentiel", "sirene", "../../internal/referential/testdata/sirene_stock_sample.csv")
	if !strings.Contains(out, "5 établissements importés, 3 lignes rejetées") {
		t.Errorf("sirene import:\n%s", out)
	}
	if n := countRows(t, filepath.Join(data, "depenses.db"), `SELECT count(*) FROM sirene_etablissement WHERE siret = '32359288100060' AND activite = '70.22Z' AND etat = 'A'`); n != 1 {
		t.Error("establishment not stored")
	}
	out = runCLI(t, "referentiel", "import-oda", "../../internal/referential/testdata/oda_gm_utf8.csv", "--out", refs)
	if !strings.Contains(out, "groupes de marchandises écrits") {
		t.Errorf("import-oda:\n%s", out)
	}
	out = runCLI(t, "--referentiels", refs, "referentiel", "liste")
	if !strings.Contains(out, filepath.Join(refs, "groupes_marchandises.csv")) || !strings.Contains(out, "programmes.csv") {
		t.Errorf("the imported file is not in use:\n%s", out)
	}
}

// TestAnomalyReviewSurvivesReprocess ingests a generated scenario, reviews
// an anomaly, reprocesses everything and finds the review kept; the
// consulting indicators read the same data.
func TestAnomalyReviewSurvivesReprocess(t *testing.T) {
	if testing.Short() {
		t.Skip("scénario de 80 EJ traité deux fois : test long")
	}
	dir, data := t.TempDir(), t.TempDir()
	runCLI(t, "synth", "--demo", "--out", dir, "--ej", "80", "--scanned-share", "0", "--seed", "5")
	out := runCLI(t, "--data", data, "ingest", "--chorus", filepath.Join(dir, "chorus.csv"), "--attachments", filepath.Join(dir, "pieces"))
	if !strings.Contains(out, "Anomalies :") {
		t.Fatalf("ingest report without anomalies:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(runCLI(t, "--data", data, "anomalies", "--format", "jsonl")), "\n")
	if len(lines) < 5 {
		t.Fatalf("only %d anomalies on a scenario that plants several of each kind", len(lines))
	}
	var first struct {
		Key    string `json:"cle"`
		Code   string `json:"code"`
		NumEJ  string `json:"num_ej"`
		Statut string `json:"statut"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.Key == "" || first.Statut != "a_verifier" {
		t.Fatalf("first anomaly %s: %v", lines[0], err)
	}
	runCLI(t, "--data", data, "anomalies", "revue", first.Key, "--statut", "faux_positif", "--par", "agent.test", "--commentaire", "vu avec le service")
	runCLI(t, "--data", data, "reprocess")
	after := runCLI(t, "--data", data, "anomalies", "--format", "jsonl", "--statut", "faux_positif")
	if !strings.Contains(after, first.Key) || !strings.Contains(after, "agent.test") {
		t.Errorf("the review did not survive reprocessing:\n%s", after)
	}
	export := runCLI(t, "--data", data, "export")
	if !strings.Contains(export, `"statut":"faux_positif"`) {
		t.Error("the export does not carry the anomaly's review")
	}
	var ind struct {
		NbEJ        int     `json:"nb_ej"`
		NbEJConseil int     `json:"nb_ej_conseil"`
		Montant     float64 `json:"montant_conseil_ht"`
	}
	if err := json.Unmarshal([]byte(runCLI(t, "--data", data, "indicators", "--format", "json")), &ind); err != nil {
		t.Fatal(err)
	}
	if ind.NbEJ != 80 || ind.NbEJConseil == 0 || ind.Montant <= 0 {
		t.Errorf("indicators %+v", ind)
	}
}
