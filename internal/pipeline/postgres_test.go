package pipeline

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/postgres"
	"github.com/depenses-eclairees/depenses/internal/store/postgres/pgtest"
)

// newPostgresEnv is newEnv on a schema of its own on the test server.
func newPostgresEnv(t *testing.T) (*postgres.Store, *Pipeline) {
	t.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	reader := intake.New(intake.Options{OCRMode: intake.OCROff, Workers: 2})
	t.Cleanup(func() { s.Close(); reader.Close() })
	p, err := New(ctx, Config{Store: s, Blobs: store.BlobDir{Root: filepath.Join(t.TempDir(), "originaux")},
		Reader: reader, Ref: referential.Default(), Workers: 2, MaxFileBytes: 100 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// TestIngestPostgres runs TestIngest's scenario on PostgreSQL: same
// report, same counts, and an export identical to SQLite's.
func TestIngestPostgres(t *testing.T) {
	ctx := context.Background()
	chorusFile, pieces := fixture(t)
	s, p := newPostgresEnv(t)

	lite := newEnv(t, t.TempDir())
	start := time.Now()
	if _, err := lite.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces}); err != nil {
		t.Fatal(err)
	}
	t.Logf("import du jeu d'essai sur SQLite : %v", time.Since(start).Round(time.Millisecond))
	want := exportJSONL(t, lite.store)

	start = time.Now()
	rep, err := p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("import du jeu d'essai sur PostgreSQL : %v", time.Since(start).Round(time.Millisecond))
	if rep.EJ["nouveaux"] != 3 || rep.RowsRejected != 1 {
		t.Errorf("EJ %v, rejected rows %d; want 3 new and the bad EJ number rejected", rep.EJ, rep.RowsRejected)
	}
	if rep.FilesSeen != 7 || rep.FilesNew != 5 || rep.FilesKnown != 1 || rep.FilesUnlinked != 1 || rep.LinksNew != 6 {
		t.Errorf("files: %+v", rep)
	}
	if len(rep.UnknownEJ) != 1 || rep.UnknownEJ[0] != "1399999999" {
		t.Errorf("EJ missing from the extract: %v", rep.UnknownEJ)
	}
	if rep.DocsProcessed != 5 || rep.DocsFailed != 1 || rep.JobsDiscarded != 0 || rep.EJReconciled == 0 {
		t.Errorf("processing: %d done, %d failed, %d discarded, %d EJ reconciled", rep.DocsProcessed, rep.DocsFailed, rep.JobsDiscarded, rep.EJReconciled)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.EJ != 3 || c.Enriched != 3 || c.Documents[store.StatusDone] != 4 || c.Documents[store.StatusFailed] != 1 || c.Documents[store.StatusPending] != 0 {
		t.Errorf("counts %+v", c)
	}
	run, err := s.Run(ctx, rep.Run)
	if err != nil || run.FinishedAt.IsZero() || run.Report == "" {
		t.Errorf("run %+v, %v", run, err)
	}
	first := exportJSONL(t, s)
	if first != want {
		t.Errorf("PostgreSQL export differs from SQLite's:\n%s\n---\n%s", first, want)
	}

	// A second run adds nothing and changes nothing.
	rep, err = p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces})
	if err != nil {
		t.Fatal(err)
	}
	if rep.EJ["inchanges"] != 3 || rep.FilesNew != 0 || rep.LinksNew != 0 || rep.DocsProcessed != 0 || rep.EJReconciled != 0 {
		t.Errorf("second run did something: %+v", rep)
	}
	if second := exportJSONL(t, s); second != first {
		t.Error("second run changed the export")
	}
}
