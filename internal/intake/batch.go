package intake

import (
	"context"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// ReadFiles reads the files with up to workers at once and hands each
// document to emit in input order, with the time it took to read. Only
// about 2×workers documents are held in memory at any time.
func (r *Reader) ReadFiles(ctx context.Context, paths []string, workers int, emit func(doc *document.Document, elapsed time.Duration) error) error {
	if workers < 1 {
		workers = 1
	}
	type done struct {
		doc     *document.Document
		elapsed time.Duration
	}
	slots := make([]chan done, len(paths))
	for i := range slots {
		slots[i] = make(chan done, 1)
	}
	// Tokens bound how far the readers may run ahead of emit.
	tokens := make(chan struct{}, 2*workers)
	jobs := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range workers {
		go func() {
			for i := range jobs {
				start := time.Now()
				doc := r.ReadFile(ctx, paths[i])
				slots[i] <- done{doc, time.Since(start)}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range paths {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for i := range paths {
		var d done
		select {
		case d = <-slots[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-tokens
		if err := emit(d.doc, d.elapsed); err != nil {
			return err
		}
	}
	return nil
}
