package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
)

const corpus = "../../../shared/corpus"

const extract = `num_ej;poste_ej;date_creation_ej;centre_financier;groupe_marchandises;fournisseur_nom;fournisseur_siret;designation_ej;montant_engage_ht
1300000001;1;2019-07-01;0129-CDBU-DSAF;33.01.04;MARC SIBERT;79049427200020;PRESTATION;1250
1300000002;1;2026-03-02;0218-CSGE-DAJ;33.02.01;AU BON MOULIN;;Achat de farine et de pain pour la cantine;3000,00
1300000003;1;2026-03-05;0129-CDBU-DSAF;33.99.99;UGAP;77605646700020;DIVERS;900
13000X0004;1;2026-03-05;0129-CDBU-DSAF;33.99.99;UGAP;;DIVERS;900
`

// fixture writes an extract and an attachments folder exercising every
// way of linking a file, a duplicate, a corrupt file, an orphan and an
// attachment of an EJ missing from the extract.
func fixture(t *testing.T) (chorusFile, pieces string) {
	t.Helper()
	dir := t.TempDir()
	chorusFile = filepath.Join(dir, "chorus.csv")
	if err := os.WriteFile(chorusFile, []byte(extract), 0o644); err != nil {
		t.Fatal(err)
	}
	pieces = filepath.Join(dir, "pieces")
	devis := read(t, filepath.Join(corpus, "real-misc/devis-sibert-2019-07.pdf"))
	put := func(rel string, data []byte) {
		p := filepath.Join(pieces, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("1300000001_1_DEVIS_2019_07.pdf", devis)
	put("1300000001_2_RIB.pdf", read(t, filepath.Join(corpus, "real-misc/rib-karate-villebon.pdf")))
	put("1300000001_3_casse.pdf", devis[:len(devis)/3]) // truncated
	put("1300000002/facture.pdf", read(t, filepath.Join(corpus, "invoices/Facture_FR_BASIC.pdf")))
	put("1300000002_4_devis-copie.pdf", devis) // the same devis on a second EJ
	put("1399999999_1_bon.pdf", read(t, filepath.Join(corpus, "formats/lettre.pdf")))
	put("divers/orphelin.pdf", read(t, filepath.Join(corpus, "formats/lettre.pdf")))
	put(".DS_Store", []byte("junk"))
	return chorusFile, pieces
}

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type env struct {
	store *sqlite.Store
	p     *Pipeline
	dir   string
}

func newEnv(t *testing.T, dir string) *env {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "depenses.db"))
	if err != nil {
		t.Fatal(err)
	}
	reader := intake.New(intake.Options{OCRMode: intake.OCROff, Workers: 2})
	p, err := New(ctx, Config{Store: s, Blobs: store.BlobDir{Root: filepath.Join(dir, "originaux")},
		Reader: reader, Ref: referential.Default(), Workers: 2, MaxFileBytes: 100 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); reader.Close() })
	return &env{store: s, p: p, dir: dir}
}

func exportJSONL(t *testing.T, s store.Store) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := export.Write(context.Background(), s, &buf, "jsonl"); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestIngest(t *testing.T) {
	ctx := context.Background()
	chorusFile, pieces := fixture(t)
	e := newEnv(t, t.TempDir())
	rep, err := e.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces})
	if err != nil {
		t.Fatal(err)
	}
	if rep.EJ["nouveaux"] != 3 || rep.RowsRejected != 1 {
		t.Errorf("EJ %v, rejected rows %d; want 3 new and the bad EJ number rejected", rep.EJ, rep.RowsRejected)
	}
	// 7 files seen: 6 linked (one duplicate of the devis), 1 orphan.
	if rep.FilesSeen != 7 || rep.FilesNew != 5 || rep.FilesKnown != 1 || rep.FilesUnlinked != 1 || rep.LinksNew != 6 {
		t.Errorf("files: %+v", rep)
	}
	if len(rep.UnknownEJ) != 1 || rep.UnknownEJ[0] != "1399999999" {
		t.Errorf("EJ missing from the extract: %v", rep.UnknownEJ)
	}
	if rep.DocsProcessed != 5 || rep.DocsFailed != 1 || rep.JobsDiscarded != 0 {
		t.Errorf("processing: %d done, %d failed, %d discarded", rep.DocsProcessed, rep.DocsFailed, rep.JobsDiscarded)
	}
	var issues []string
	for _, is := range rep.Issues {
		issues = append(issues, is.Source+" "+is.Ref+" "+is.Message)
	}
	joined := strings.Join(issues, "\n")
	for _, want := range []string{"ligne 5", "divers/orphelin.pdf", "1399999999"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no issue mentions %q:\n%s", want, joined)
		}
	}
	c, err := e.store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.EJ != 3 || c.Enriched != 3 || c.Documents[store.StatusDone] != 4 || c.Documents[store.StatusFailed] != 1 || c.Documents[store.StatusPending] != 0 {
		t.Errorf("counts %+v", c)
	}
	// The devis is stored once and attached to two EJ.
	atts, _ := e.store.DocumentsOf(ctx, "1300000002")
	if len(atts) != 2 {
		t.Fatalf("EJ 1300000002 has %d attachments", len(atts))
	}
	rec, err := e.store.Enriched(ctx, "1300000001")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Documents) != 3 {
		t.Errorf("EJ 1300000001 record lists %d documents, want 3", len(rec.Documents))
	}
	if rec.Prestataire.SIRET != "79049427200020" || !rec.Prestataire.Identifie {
		t.Errorf("prestataire %+v", rec.Prestataire)
	}
	steps, _ := e.store.Steps(ctx, "doc:"+atts[0].SHA256)
	if len(steps) == 0 {
		t.Error("no step recorded for a processed document")
	}
	first := exportJSONL(t, e.store)
	// The web side is filled: search index and documents' text.
	page, err := e.store.SearchEJ(ctx, store.Perimeter{All: true}, store.EJQuery{Text: "sibert"})
	// The devis of 1300000001 is attached to 1300000002 as well.
	if err != nil || page.Total != 2 || page.Items[0].NumEJ != "1300000001" || page.Items[0].NbDocuments != 3 {
		t.Errorf("search index after ingest: %+v, %v", page, err)
	}
	if text, err := e.store.DocumentText(ctx, atts[0].SHA256); err != nil || !strings.Contains(strings.ToLower(text), "sibert") {
		t.Errorf("document text: %q, %v", text[:min(len(text), 80)], err)
	}
	if jobs, err := e.p.JobsByState(ctx); err != nil || jobs["completed"] < 6 || jobs["available"] != 0 {
		t.Errorf("jobs by state for the metrics: %v, %v", jobs, err)
	}

	// A second run adds nothing and changes nothing.
	rep, err = e.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces})
	if err != nil {
		t.Fatal(err)
	}
	if rep.EJ["inchanges"] != 3 || rep.FilesNew != 0 || rep.LinksNew != 0 || rep.DocsProcessed != 0 || rep.EJReconciled != 0 {
		t.Errorf("second run did something: %+v", rep)
	}
	if second := exportJSONL(t, e.store); second != first {
		t.Error("second run changed the export")
	}

	// The same attachments as a ZIP archive give the same export.
	zipped := filepath.Join(t.TempDir(), "pieces.zip")
	zipFolder(t, pieces, zipped)
	z := newEnv(t, t.TempDir())
	if _, err := z.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: zipped}); err != nil {
		t.Fatal(err)
	}
	if got := exportJSONL(t, z.store); got != first {
		t.Errorf("ZIP ingest differs from folder ingest:\n%s\n---\n%s", got, first)
	}
}

// TestReprocessKeepsReviews checks that a value a person validated
// survives a reprocessing of every document.
func TestReprocessKeepsReviews(t *testing.T) {
	ctx := context.Background()
	chorusFile, pieces := fixture(t)
	e := newEnv(t, t.TempDir())
	if _, err := e.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces}); err != nil {
		t.Fatal(err)
	}
	value, _ := json.Marshal("Animation de huit ateliers à la médiathèque")
	if err := e.store.InTx(ctx, func(tx store.Tx) error {
		return tx.SaveReview(ctx, store.Review{Subject: "ej:1300000001", Field: "designation", Value: string(value), Reviewer: "agent.test"})
	}); err != nil {
		t.Fatal(err)
	}
	rep, err := e.p.Reprocess(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.DocsProcessed != 5 {
		t.Errorf("reprocessed %d documents, want 5", rep.DocsProcessed)
	}
	rec, err := export.Record(ctx, e.store, "1300000001")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Designation.Value != "Animation de huit ateliers à la médiathèque" || rec.Designation.Sources[0].Document != export.Reviewed {
		t.Errorf("the reviewed designation was lost: %+v", rec.Designation)
	}
}

func zipFolder(t *testing.T, dir, out string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		_, err = w.Write(read(t, p))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
