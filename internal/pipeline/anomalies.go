package pipeline

import (
	"context"
	"errors"
	"time"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// DetectAnomalies runs the anomaly rules over every reconciled EJ and
// stores the result in place of the previous detection. The rules compare
// EJ with each other (fractionnement, doublons, TJM peers), so they run on
// the whole set once its EJ are reconciled, not per EJ. Reviews of
// anomalies found again are kept.
func (p *Pipeline) DetectAnomalies(ctx context.Context, opt anomaly.Options) (int, time.Duration, error) {
	n, took, err := DetectAnomalies(ctx, p.cfg.Store, p.cfg.Ref, opt)
	status := "ok"
	if err != nil {
		status = "erreur"
		p.cfg.Log.Error("détection des anomalies", "erreur", err)
	}
	p.cfg.Metrics.Step("detection", status, took)
	p.cfg.Log.Info("anomalies détectées", "nombre", n, "duree_ms", took.Milliseconds())
	return n, took, err
}

// DetectAnomalies is the detection on a store, without workers.
func DetectAnomalies(ctx context.Context, s store.Store, ref *referential.Set, opt anomaly.Options) (int, time.Duration, error) {
	start := time.Now()
	recs, err := Records(ctx, s)
	if err != nil {
		return 0, 0, err
	}
	found := anomaly.Detect(recs, ref, opt)
	err = s.InTx(ctx, func(tx store.Tx) error {
		if err := tx.ReplaceAnomalies(ctx, found); err != nil {
			return err
		}
		return tx.RecordStep(ctx, store.Step{Subject: "anomalies", Name: "detection", Status: "ok", Duration: time.Since(start), Attempt: 1})
	})
	if err == nil {
		// Anomaly counts and review states are part of the search index.
		err = ReindexAll(ctx, s, ref)
	}
	return len(found), time.Since(start), err
}

// Records loads every reconciled EJ with its enriched record, as the
// anomaly rules and the indicators read them.
func Records(ctx context.Context, s store.Store) ([]anomaly.Record, error) {
	var recs []anomaly.Record
	err := s.EachEJ(ctx, func(ej chorus.EJ) error {
		e, err := s.Enriched(ctx, ej.NumEJ)
		if errors.Is(err, store.ErrNotFound) {
			return nil // not reconciled yet (documents pending)
		}
		if err != nil {
			return err
		}
		recs = append(recs, anomaly.Record{EJ: ej, Enriched: e})
		return nil
	})
	return recs, err
}

// JobsByState counts the queue's jobs by state (metrics.State).
func (p *Pipeline) JobsByState(ctx context.Context) (map[string]int, error) {
	return p.queue.CountByState(ctx)
}

// AnomaliesByCode counts the stored anomalies by rule (metrics.State).
func (p *Pipeline) AnomaliesByCode(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := p.cfg.Store.EachAnomaly(ctx, func(a store.AnomalyRow) error {
		out[a.Code]++
		return nil
	})
	return out, err
}

// DocumentsByStatus counts stored documents by status (metrics.State).
func (p *Pipeline) DocumentsByStatus(ctx context.Context) (map[string]int, error) {
	c, err := p.cfg.Store.Counts(ctx)
	return c.Documents, err
}
