package pipeline

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// TestDatabaseLockedMoment holds SQLite's write lock from another
// connection while an ingest starts: the ingest waits, then finishes.
func TestDatabaseLockedMoment(t *testing.T) {
	ctx := context.Background()
	chorusFile, pieces := fixture(t)
	dir := t.TempDir()
	e := newEnv(t, dir)
	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "depenses.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(1500 * time.Millisecond)
		conn.ExecContext(ctx, "ROLLBACK")
		conn.Close()
		close(released)
	}()
	start := time.Now()
	rep, err := e.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces})
	<-released
	if err != nil {
		t.Fatalf("ingest during a locked moment: %v", err)
	}
	if time.Since(start) < 1500*time.Millisecond {
		t.Error("the ingest did not wait for the lock: was it really held?")
	}
	if rep.DocsProcessed != 5 || rep.EJ["nouveaux"] != 3 {
		t.Errorf("after the lock: %+v", rep)
	}
}

// TestDiskFull fills the originals' file system in the middle of an
// ingest: it stops with a clear error, nothing half-stored; with space
// again, a rerun finishes and gives the same export as a run without the fault.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("un système de fichiers plein se simule par un tmpfs monté, ce qui demande root")
	}
	ctx := context.Background()
	chorusFile, pieces := fixture(t)
	clean := newEnv(t, t.TempDir())
	if _, err := clean.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces}); err != nil {
		t.Fatal(err)
	}
	want := exportJSONL(t, clean.store)

	dir := t.TempDir()
	blobs := filepath.Join(dir, "originaux")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", blobs).CombinedOutput(); err != nil {
		t.Skipf("tmpfs impossible ici : %v %s", err, out)
	}
	defer exec.Command("umount", blobs).Run()
	e := newEnv(t, dir)
	_, err := e.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("ingest on a full disk: %v", err)
	}
	if !strings.Contains(err.Error(), "écriture de l'original impossible") {
		t.Errorf("the error does not say what failed: %v", err)
	}
	// Every stored document has its original.
	c, _ := e.store.Counts(ctx)
	for st, n := range c.Documents {
		t.Logf("after the fault: %d documents %s", n, st)
	}
	if out, err := exec.Command("mount", "-o", "remount,size=4m", blobs).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	if _, err := e.p.Ingest(ctx, IngestOptions{Chorus: chorusFile, Attachments: pieces}); err != nil {
		t.Fatalf("rerun with space: %v", err)
	}
	if got := exportJSONL(t, e.store); got != want {
		t.Errorf("export after a disk-full fault differs from a run without it:\n%s", diffLines(got, want))
	}
	c, _ = e.store.Counts(ctx)
	if c.Documents[store.StatusPending] != 0 {
		t.Errorf("documents left pending: %+v", c)
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "got:  "+x, "want: "+y)
		}
	}
	return strings.Join(out, "\n")
}
