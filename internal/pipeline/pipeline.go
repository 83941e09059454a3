// Package pipeline wires the stages together on a job queue (River): one
// job per document (intake → classify → extract) and one per EJ
// (reconcile). Jobs are inserted in the same transaction as the data they
// concern, so a crash never leaves a document without its job or a job
// without its document; every step's status, error and duration is stored.
package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/depenses-eclairees/depenses/internal/analyze"
	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/metrics"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/postgres"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
)

// Version names the processing rules; stored with every result so that a
// reprocessing after an upgrade can be told apart.
const Version = "2026.11.27"

// unreachableFor is how long Wait tolerates a database that does not answer.
const unreachableFor = 2 * time.Minute

const (
	queueDocuments = "documents"
	queueEJ        = "ej"
)

// DocumentArgs is the job that reads and analyses one stored document.
type DocumentArgs struct {
	SHA256 string `json:"sha256"`
}

// Kind names the job.
func (DocumentArgs) Kind() string { return "document" }

// InsertOpts sends document jobs to their own queue.
func (DocumentArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: queueDocuments} }

// EJArgs is the job that reconciles EJ with their documents: one when its
// last document is done, up to ejBatch at once when an extract brings many
// (a job per EJ would cost more in queueing than the reconciliation).
type EJArgs struct {
	NumEJs []string `json:"num_ej"`
}

const ejBatch = 200

// Kind names the job.
func (EJArgs) Kind() string { return "ej" }

// InsertOpts sends EJ jobs to their own queue.
func (EJArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: queueEJ} }

// Config is what a Pipeline needs.
type Config struct {
	Store  store.Store
	Blobs  store.Blobs
	Reader *intake.Reader
	Ref    *referential.Set
	// Anomalies are the detection's options (buyer level, window, parameters).
	Anomalies anomaly.Options
	Workers   int // documents processed at once
	Log       *slog.Logger
	// MaxFileBytes bounds the originals accepted (intake's limit).
	MaxFileBytes int64
	// Metrics records step durations and documents; nil records nothing.
	Metrics *metrics.Metrics
	// RescueAfter is how long a job may run before another worker takes
	// it over (0: DefaultRescueAfter). Shorter only where files are small.
	RescueAfter time.Duration
}

// Pipeline runs the jobs.
type Pipeline struct {
	cfg   Config
	queue queue

	docsDone   atomic.Int64 // documents processed by this process
	docsFailed atomic.Int64
	ejDone     atomic.Int64
	// batchIndex is set while an ingest or a reprocessing runs: it rebuilds
	// the whole search index after its anomaly detection, so EJ jobs need
	// not index as they go (a worker on its own does).
	batchIndex atomic.Bool
}

// New returns a pipeline on the store's database; the store must be one
// the pipeline knows how to queue jobs on.
func New(ctx context.Context, cfg Config) (*Pipeline, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p := &Pipeline{cfg: cfg}
	workers := river.NewWorkers()
	river.AddWorker(workers, &documentWorker{p: p})
	river.AddWorker(workers, &ejWorker{p: p})
	var err error
	switch s := cfg.Store.(type) {
	case *sqlite.Store:
		p.queue, err = newSQLiteQueue(ctx, s.DB(), cfg, workers)
	case *postgres.Store:
		p.queue, err = newPostgresQueue(ctx, s.Pool(), cfg, workers)
	default:
		err = fmt.Errorf("pas de file de travaux pour un stockage %T", cfg.Store)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Start starts the workers; Stop waits for the jobs in progress.
func (p *Pipeline) Start(ctx context.Context) error { return p.queue.Start(ctx) }

// Stop stops the workers once their current jobs are done.
func (p *Pipeline) Stop(ctx context.Context) error { return p.queue.Stop(ctx) }

// Wait returns when no job is left to do, calling tick every interval. A
// database that stops answering for a while (a restart) is waited for, up
// to unreachableFor, as River's workers wait for it too.
func (p *Pipeline) Wait(ctx context.Context, interval time.Duration, tick func()) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	var failingSince time.Time
	for {
		n, err := p.queue.Busy(ctx)
		if err != nil && ctx.Err() == nil {
			if failingSince.IsZero() {
				failingSince = time.Now()
				p.cfg.Log.Warn("file de travaux injoignable, nouvel essai", "erreur", err)
			}
			if time.Since(failingSince) > unreachableFor {
				return fmt.Errorf("file de travaux injoignable depuis %s : %w", unreachableFor, err)
			}
			n = 1 // keep waiting
		} else if err != nil {
			return err
		} else {
			failingSince = time.Time{}
		}
		if tick != nil {
			tick()
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Done counts the documents and EJ this process has finished.
func (p *Pipeline) Done() (docs, failed, ej int64) {
	return p.docsDone.Load(), p.docsFailed.Load(), p.ejDone.Load()
}

type documentWorker struct {
	river.WorkerDefaults[DocumentArgs]
	p *Pipeline
}

// Work reads and analyses a document. A document that cannot be read
// (corrupt, encrypted…) is a result, recorded as such; only a failure of
// the machinery (database, disk) fails the job, which River retries.
func (w *documentWorker) Work(ctx context.Context, job *river.Job[DocumentArgs]) error {
	p, sha := w.p, job.Args.SHA256
	stored, err := p.cfg.Store.Document(ctx, sha)
	if err != nil {
		return err
	}
	if stored.Status != store.StatusPending {
		return nil // already done by an earlier attempt that committed
	}
	ejs, err := p.cfg.Store.EJsOf(ctx, sha)
	if err != nil {
		return err
	}
	start := time.Now()
	data, err := w.load(sha)
	if err != nil {
		w.recordFailure(ctx, sha, "lecture", err, job.Attempt)
		p.cfg.Log.Error("original illisible", "document", sha, "essai", job.Attempt, "erreur", err)
		return err
	}
	doc := p.cfg.Reader.Read(ctx, stored.Name, data)
	readTime := time.Since(start)
	if w, ok := p.cfg.Store.(store.Web); ok && doc.Err == nil {
		// The text every later stage saw, for the viewer and the API.
		if err := w.SaveDocumentText(ctx, sha, doc.Text()); err != nil {
			return err
		}
	}
	start = time.Now()
	res := analyze.Document(doc)
	analyzeTime := time.Since(start)
	res.File = stored.Name
	status, readStatus, readErr := store.StatusDone, "ok", ""
	if res.Error != nil {
		status, readStatus, readErr = store.StatusFailed, "erreur", *res.Error
	}
	err = p.cfg.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.SaveResult(ctx, sha, store.Processed{Status: status, Result: res, Version: Version}); err != nil {
			return err
		}
		subject := "doc:" + sha
		if err := tx.RecordStep(ctx, store.Step{Subject: subject, Name: "lecture", Status: readStatus, Error: readErr, Duration: readTime, Attempt: job.Attempt}); err != nil {
			return err
		}
		if res.Error == nil {
			if err := tx.RecordStep(ctx, store.Step{Subject: subject, Name: "analyse", Status: "ok", Duration: analyzeTime, Attempt: job.Attempt}); err != nil {
				return err
			}
		}
		return p.enqueueReadyEJ(ctx, tx, ejs)
	})
	if err != nil {
		p.cfg.Log.Error("document non enregistré", "document", sha, "essai", job.Attempt, "erreur", err)
		return err
	}
	p.docsDone.Add(1)
	if res.Error != nil {
		p.docsFailed.Add(1)
		p.cfg.Log.Warn("document illisible", "document", sha, "nom", stored.Name, "code", res.ErrorCode, "erreur", *res.Error)
	} else {
		p.cfg.Log.Debug("document traité", "document", sha, "nom", stored.Name, "type", typeOf(res), "pages", res.Pages,
			"lecture_ms", readTime.Milliseconds(), "analyse_ms", analyzeTime.Milliseconds(), "ej", ejs)
	}
	p.cfg.Metrics.Step("lecture", readStatus, readTime)
	if res.Error == nil {
		p.cfg.Metrics.Step("analyse", "ok", analyzeTime)
	}
	p.cfg.Metrics.Document(res, status)
	return nil
}

func typeOf(res document.Result) string {
	if res.DocumentType == nil {
		return ""
	}
	return res.DocumentType.Value
}

func (w *documentWorker) load(sha string) ([]byte, error) {
	rc, err := w.p.cfg.Blobs.Open(sha)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	max := w.p.cfg.MaxFileBytes
	if max <= 0 {
		max = 1 << 30
	}
	if _, err := io.Copy(&buf, io.LimitReader(rc, max+1)); err != nil {
		return nil, fmt.Errorf("lecture de l'original %s : %w", sha[:12], err)
	}
	return buf.Bytes(), nil
}

// recordFailure keeps a trace of a failed attempt; the job's retry may
// still succeed.
func (w *documentWorker) recordFailure(ctx context.Context, sha, step string, cause error, attempt int) {
	err := w.p.cfg.Store.InTx(ctx, func(tx store.Tx) error {
		return tx.RecordStep(ctx, store.Step{Subject: "doc:" + sha, Name: step, Status: "erreur", Error: cause.Error(), Attempt: attempt})
	})
	if err != nil {
		w.p.cfg.Log.Error("trace d'échec non enregistrée", "document", sha, "erreur", err)
	}
}

// enqueueReadyEJ queues the reconciliation of every EJ whose attachments
// are all processed. Of several documents of one EJ finishing together,
// only the last sees none pending, so each EJ is reconciled once.
func (p *Pipeline) enqueueReadyEJ(ctx context.Context, tx store.Tx, ejs []string) error {
	// Rows are locked in num_ej order whoever asks, so that two transactions
	// checking overlapping EJ (an ingest, a document job) cannot deadlock.
	ejs = slices.Sorted(slices.Values(ejs))
	var ready []string
	for _, num := range ejs {
		n, err := tx.PendingOf(ctx, num)
		if err != nil {
			return err
		}
		if n == 0 {
			ready = append(ready, num)
		}
	}
	for i := 0; i < len(ready); i += ejBatch {
		if err := p.queue.EnqueueTx(ctx, tx, EJArgs{NumEJs: ready[i:min(i+ejBatch, len(ready))]}); err != nil {
			return err
		}
	}
	return nil
}

type ejWorker struct {
	river.WorkerDefaults[EJArgs]
	p *Pipeline
}

// Work reconciles EJ with their processed documents and stores the
// records together.
func (w *ejWorker) Work(ctx context.Context, job *river.Job[EJArgs]) error {
	p := w.p
	type done struct {
		rec     reconcile.Enriched
		elapsed time.Duration
	}
	var recs []done
	for _, num := range job.Args.NumEJs {
		start := time.Now()
		ej, err := p.cfg.Store.EJ(ctx, num)
		if errors.Is(err, store.ErrNotFound) {
			continue // documents of an EJ no extract has brought yet: reconciled when it comes
		}
		if err != nil {
			return err
		}
		atts, err := p.cfg.Store.DocumentsOf(ctx, num)
		if err != nil {
			return err
		}
		in := reconcile.Input{EJ: ej}
		pending := false
		for _, a := range atts {
			pending = pending || a.Status == store.StatusPending
			in.Documents = append(in.Documents, reconcileDoc(a))
		}
		if pending {
			continue // its documents' jobs will queue this EJ again
		}
		recs = append(recs, done{reconcile.Reconcile(in, p.cfg.Ref), time.Since(start)})
	}
	err := p.cfg.Store.InTx(ctx, func(tx store.Tx) error {
		for _, d := range recs {
			if err := tx.SaveEnriched(ctx, d.rec, Version); err != nil {
				return err
			}
			if err := tx.RecordStep(ctx, store.Step{Subject: "ej:" + d.rec.NumEJ, Name: "rapprochement", Status: "ok", Duration: d.elapsed, Attempt: job.Attempt}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		p.cfg.Log.Error("rapprochement non enregistré", "ej", job.Args.NumEJs, "essai", job.Attempt, "erreur", err)
		return err
	}
	p.ejDone.Add(int64(len(recs)))
	nums := make([]string, len(recs))
	for i, d := range recs {
		nums[i] = d.rec.NumEJ
	}
	if !p.batchIndex.Load() {
		if err := Reindex(ctx, p.cfg.Store, p.cfg.Ref, nums); err != nil {
			return err
		}
	}
	for _, d := range recs {
		p.cfg.Metrics.Step("rapprochement", "ok", d.elapsed)
		p.cfg.Log.Debug("EJ rapproché", "ej", d.rec.NumEJ, "documents", len(d.rec.Documents), "duree_ms", d.elapsed.Milliseconds())
	}
	return nil
}

// reconcileDoc turns a stored attachment into reconcile's document;
// reconcile itself reads the documents inside an archive or an e-mail.
func reconcileDoc(a store.Attachment) reconcile.Doc {
	var res document.Result
	if a.Result != nil {
		res = *a.Result
	}
	return reconcile.Doc{SHA256: a.SHA256, Name: a.Name, Result: res}
}
