package pipeline

import (
	"context"
	"time"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// Reprocess processes every stored document again (after an upgrade of
// the rules), then reconciles their EJ. Values people validated live apart
// from results (store.Review) and are never touched.
func (p *Pipeline) Reprocess(ctx context.Context, onProgress func(Progress)) (*Report, error) {
	start := time.Now()
	rep := &Report{EJ: map[string]int{}}
	var shas []string
	err := p.cfg.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if shas, err = tx.MarkPending(ctx); err != nil {
			return err
		}
		for _, sha := range shas {
			if err := p.queue.EnqueueTx(ctx, tx, DocumentArgs{SHA256: sha}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// EJ without documents are reconciled too: their Chorus data may read
	// differently under the new rules.
	var bare []string
	err = p.cfg.Store.EachEJ(ctx, func(ej chorus.EJ) error {
		atts, err := p.cfg.Store.DocumentsOf(ctx, ej.NumEJ)
		if err == nil && len(atts) == 0 {
			bare = append(bare, ej.NumEJ)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(bare); i += 500 {
		batch := bare[i:min(i+500, len(bare))]
		if err := p.cfg.Store.InTx(ctx, func(tx store.Tx) error { return p.enqueueReadyEJ(ctx, tx, batch) }); err != nil {
			return nil, err
		}
	}
	if err := p.process(ctx, start, onProgress, rep); err != nil {
		return rep, err
	}
	rep.Elapsed = time.Since(start)
	rep.ElapsedSeconds = rep.Elapsed.Seconds()
	return rep, nil
}
