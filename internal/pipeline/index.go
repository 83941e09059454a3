package pipeline

import (
	"context"
	"errors"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// Reindex refreshes the searchable summary of EJ (the web UI's and the
// API's lists): their record as people see it, their anomalies, whether
// they are consulting. A store without the web side is left alone.
func Reindex(ctx context.Context, s store.Store, ref *referential.Set, nums []string) error {
	w, ok := s.(store.Web)
	if !ok {
		return nil
	}
	var batch []store.EJIndex
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := w.IndexEJ(ctx, batch)
		batch = batch[:0]
		return err
	}
	for _, num := range nums {
		ej, err := s.EJ(ctx, num)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		raw, err := s.Enriched(ctx, num)
		if errors.Is(err, store.ErrNotFound) {
			raw = reconcile.Enriched{NumEJ: num}
		} else if err != nil {
			return err
		}
		seen, err := export.Record(ctx, s, num)
		if errors.Is(err, store.ErrNotFound) {
			seen = raw
		} else if err != nil {
			return err
		}
		rows, err := s.AnomaliesOf(ctx, num)
		if err != nil {
			return err
		}
		conseil, _ := anomaly.Consulting(&anomaly.Record{EJ: ej, Enriched: raw}, ref)
		batch = append(batch, export.IndexOf(ej, seen, rows, conseil))
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// ReindexAll refreshes every EJ's summary, after an anomaly detection.
func ReindexAll(ctx context.Context, s store.Store, ref *referential.Set) error {
	if _, ok := s.(store.Web); !ok {
		return nil
	}
	var nums []string
	if err := s.EachEJ(ctx, func(ej chorus.EJ) error { nums = append(nums, ej.NumEJ); return nil }); err != nil {
		return err
	}
	return Reindex(ctx, s, ref, nums)
}
