package pipeline

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/depenses-eclairees/depenses/internal/store/postgres"
)

// newPostgresQueue migrates River's tables into the PostgreSQL schema of
// the store and returns a queue on it. Unlike SQLite, jobs left "running"
// are not reset here: other processes may be working them right now.
// River's rescuer gives a job stuck in "running" (its process died) back
// to the queue after Config.RescueAfter (DefaultRescueAfter).
func newPostgresQueue(ctx context.Context, pool *pgxpool.Pool, cfg Config, w *river.Workers) (queue, error) {
	driver := riverpgxv5.New(pool)
	// River's migrator takes no lock: processes starting together take turns.
	err := postgres.Locked(ctx, pool, "river", func(ctx context.Context) error {
		return migrateRiver(ctx, driver, cfg.Log)
	})
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(driver, riverConfig(cfg, w))
	if err != nil {
		return nil, fmt.Errorf("file de travaux : %w", err)
	}
	return &riverQueue[pgx.Tx]{client: client}, nil
}
