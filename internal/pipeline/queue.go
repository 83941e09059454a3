package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// queue is the job engine as the pipeline sees it. River's client is
// generic on the driver's transaction type; this hides it, so the same
// pipeline runs on SQLite today and PostgreSQL tomorrow.
type queue interface {
	// EnqueueTx inserts jobs in the store transaction tx.
	EnqueueTx(ctx context.Context, tx store.Tx, jobs ...river.JobArgs) error
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	// Busy counts jobs not yet final (available, running, retryable, scheduled).
	Busy(ctx context.Context) (int, error)
	// Discarded lists jobs that exhausted their attempts, with their last error.
	Discarded(ctx context.Context) ([]*rivertype.JobRow, error)
	// CountByState counts every job by state, for the metrics.
	CountByState(ctx context.Context) (map[string]int, error)
}

type riverQueue[TTx any] struct {
	client *river.Client[TTx]
}

func (q *riverQueue[TTx]) EnqueueTx(ctx context.Context, tx store.Tx, jobs ...river.JobArgs) error {
	raw, ok := tx.Driver().(TTx)
	if !ok {
		return fmt.Errorf("transaction de type %T inattendue pour la file de travaux", tx.Driver())
	}
	for _, j := range jobs {
		if _, err := q.client.InsertTx(ctx, raw, j, nil); err != nil {
			return fmt.Errorf("mise en file de %s : %w", j.Kind(), err)
		}
	}
	return nil
}

func (q *riverQueue[TTx]) Start(ctx context.Context) error { return q.client.Start(ctx) }

func (q *riverQueue[TTx]) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

func (q *riverQueue[TTx]) Busy(ctx context.Context) (int, error) {
	res, err := q.client.JobList(ctx, river.NewJobListParams().First(1000).States(
		rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable,
		rivertype.JobStateScheduled, rivertype.JobStatePending))
	if err != nil {
		return 0, err
	}
	return len(res.Jobs), nil
}

func (q *riverQueue[TTx]) CountByState(ctx context.Context) (map[string]int, error) {
	counts, err := q.client.Driver().GetExecutor().JobCountByAllStates(ctx, &riverdriver.JobCountByAllStatesParams{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(counts))
	for st, n := range counts {
		out[string(st)] = n
	}
	return out, nil
}

func (q *riverQueue[TTx]) Discarded(ctx context.Context) ([]*rivertype.JobRow, error) {
	res, err := q.client.JobList(ctx, river.NewJobListParams().First(10000).States(rivertype.JobStateDiscarded))
	if err != nil {
		return nil, err
	}
	return res.Jobs, nil
}

// riverConfig is shared by every driver: two queues so that a backlog of
// scans never starves the reconciliation of EJ whose documents are done.
func riverConfig(cfg Config, w *river.Workers) *river.Config {
	rescue := cfg.RescueAfter
	if rescue <= 0 {
		rescue = DefaultRescueAfter
	}
	return &river.Config{
		Queues: map[string]river.QueueConfig{
			queueDocuments: {MaxWorkers: cfg.Workers},
			queueEJ:        {MaxWorkers: 2},
		},
		Workers: w,
		// A job's time limit, just under the rescue delay: River rescues
		// only jobs that have a time limit (none would leave a dead worker's
		// job running forever), and requires the rescue to come after it.
		JobTimeout:           rescue * 9 / 10,
		RescueStuckJobsAfter: rescue,
		FetchCooldown:        20 * time.Millisecond,
		FetchPollInterval:    200 * time.Millisecond,
		MaxAttempts:          5,
		Logger:               cfg.Log,
	}
}

// DefaultRescueAfter is how long a job may stay "running" before River
// gives it to another worker, its own having died. Jobs are cut at 90 % of
// it (31.5 min), beyond intake's own limit on one file (30 min), so that a
// long scan still being read is never worked twice.
const DefaultRescueAfter = 35 * time.Minute

// NewSQLiteQueue migrates River's tables into the SQLite database and
// returns a queue on it. Jobs left "running" by a process that died are
// made available again: the data folder's lock (taken by the caller)
// guarantees no other process is working them.
func newSQLiteQueue(ctx context.Context, db *sql.DB, cfg Config, w *river.Workers) (queue, error) {
	driver := riversqlite.New(db)
	if err := migrateRiver(ctx, driver, cfg.Log); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `UPDATE river_job SET state = 'available', attempted_by = NULL WHERE state = 'running'`); err != nil {
		return nil, fmt.Errorf("reprise des travaux interrompus : %w", err)
	}
	client, err := river.NewClient(driver, riverConfig(cfg, w))
	if err != nil {
		return nil, fmt.Errorf("file de travaux : %w", err)
	}
	return &riverQueue[*sql.Tx]{client: client}, nil
}

func migrateRiver[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], log *slog.Logger) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("migrations de la file de travaux : %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrations de la file de travaux : %w", err)
	}
	return nil
}
