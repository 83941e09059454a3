package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/depenses-eclairees/depenses/internal/store/postgres/pgtest"
)

// pgCount runs a count query on the test schema; -1 when it fails (the
// server may be restarting).
func pgCount(t *testing.T, url, query string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return -1
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, query).Scan(&n); err != nil {
		return -1
	}
	return n
}

func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %s", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// referenceExport is the export of an uninterrupted run on SQLite (the
// PostgreSQL store's export is byte-identical: internal/pipeline tests it).
func referenceExport(t *testing.T, chorusFile, pieces string) string {
	data := t.TempDir()
	runCLI(t, "--data", data, "ingest", "--workers", "2", "--chorus", chorusFile, "--attachments", pieces)
	return runCLI(t, "--data", data, "export")
}

const analysedTwice = `SELECT count(*) FROM (SELECT subject FROM step WHERE name = 'analyse' AND status = 'ok' GROUP BY subject HAVING count(*) > 1) x`

// TestWorkerKilledOnPostgres kills -9 the process that runs an ingest on
// PostgreSQL in the middle of its batch: a worker on another process
// takes over the job it held, and the end result is the export of a run
// without faults, each document analysed once.
func TestWorkerKilledOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("processus tués et repris : test long")
	}
	url := pgtest.URL(t)
	chorusFile, pieces := crashFixture(t, 40)
	want := referenceExport(t, chorusFile, pieces)
	data := t.TempDir()
	common := []string{"--data", data, "--db", url}
	ingest := cli(append(common, "ingest", "--workers", "1", "--rescue-after", "3s", "--chorus", chorusFile, "--attachments", pieces)...)
	if err := ingest.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "first documents analysed", 2*time.Minute, func() bool {
		return pgCount(t, url, `SELECT count(*) FROM step WHERE name = 'analyse'`) >= 5
	})
	worker := cli(append(common, "worker", "--workers", "1", "--rescue-after", "3s")...)
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer worker.Process.Kill()
	time.Sleep(300 * time.Millisecond)
	if err := ingest.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ingest.Wait()
	done := pgCount(t, url, `SELECT count(*) FROM document WHERE status <> 'a_traiter'`)
	t.Logf("ingest tué après %d documents sur 40", done)
	waitFor(t, "the worker finishes the batch", 3*time.Minute, func() bool {
		return pgCount(t, url, `SELECT count(*) FROM document WHERE status = 'a_traiter'`) == 0 &&
			pgCount(t, url, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')`) == 0
	})
	worker.Process.Signal(os.Interrupt)
	worker.Wait()
	// The detection ran in the killed process: run it, as a rerun of ingest would.
	runCLI(t, append(common, "anomalies", "detecter")...)
	if got := runCLI(t, append(common, "export")...); got != want {
		t.Error("export after a killed worker differs from a run without faults")
	}
	if n := pgCount(t, url, analysedTwice); n != 0 {
		t.Errorf("%d documents analysed twice", n)
	}
}

// TestPostgresRestart restarts the PostgreSQL server in the middle of an
// ingest: the workers reconnect and finish, and the export is that of a
// run without faults. It restarts the server every test shares, so it
// runs only when asked (make test runs it alone, after the others).
func TestPostgresRestart(t *testing.T) {
	if os.Getenv("DEPENSES_TEST_PG_RESTART") != "1" {
		t.Skip("redémarrage du serveur PostgreSQL partagé : lancé seul par make test (DEPENSES_TEST_PG_RESTART=1)")
	}
	versions, _ := filepath.Glob("/etc/postgresql/*")
	if len(versions) == 0 || os.Geteuid() != 0 {
		t.Skip("pg_ctlcluster et les droits d'administrateur sont nécessaires pour redémarrer le serveur")
	}
	version := filepath.Base(versions[0])
	url := pgtest.URL(t)
	chorusFile, pieces := crashFixture(t, 40)
	want := referenceExport(t, chorusFile, pieces)
	data := t.TempDir()
	common := []string{"--data", data, "--db", url}
	var out strings.Builder
	ingest := cli(append(common, "ingest", "--workers", "2", "--chorus", chorusFile, "--attachments", pieces)...)
	ingest.Stdout, ingest.Stderr = &out, &out
	if err := ingest.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "first documents analysed", 2*time.Minute, func() bool {
		return pgCount(t, url, `SELECT count(*) FROM step WHERE name = 'analyse'`) >= 5
	})
	if b, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart").CombinedOutput(); err != nil {
		t.Fatalf("restart: %v %s", err, b)
	}
	t.Log("serveur PostgreSQL redémarré")
	if err := ingest.Wait(); err != nil {
		t.Fatalf("ingest after a restart: %v\n%s", err, out.String())
	}
	if got := runCLI(t, append(common, "export")...); got != want {
		t.Errorf("export after a PostgreSQL restart differs from a run without faults\n%s", out.String())
	}
	if n := pgCount(t, url, analysedTwice); n != 0 {
		t.Errorf("%d documents analysed twice", n)
	}
}
