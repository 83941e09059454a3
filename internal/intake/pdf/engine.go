// Package pdf reads PDF files into positioned text with pdfium compiled to
// WebAssembly (go-pdfium on wazero): no cgo, no external process, and a
// page that hangs can be stopped because the WebAssembly instance can be
// killed from outside.
package pdf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// memoryLimitPages bounds the linear memory of one pdfium instance
// (64 KiB pages): 1 GiB holds a page rendered at the pixel limit plus the
// decoded images of a heavy scan, and keeps a hostile file from taking more.
const memoryLimitPages = 16384

// Engine is a pool of pdfium instances, safe for concurrent use.
type Engine struct {
	pool    pdfium.Pool
	workers int
	closed  atomic.Bool
	mu      sync.RWMutex // held for reading while a call uses the pool
}

// NewEngine starts a pool of at most workers pdfium instances. The compiled
// WebAssembly is cached under the user cache directory, which brings later
// start-ups from seconds to a tenth of a second.
func NewEngine(ctx context.Context, workers int) (*Engine, error) {
	if workers < 1 {
		workers = 1
	}
	cfg := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(memoryLimitPages)
	if cache := compilationCache(); cache != nil {
		cfg = cfg.WithCompilationCache(cache)
	}
	pool, err := webassembly.Init(webassembly.Config{
		// The pool outlives the caller's context: instances are killed one
		// by one through their own contexts when a page times out.
		Context:       context.WithoutCancel(ctx),
		MinIdle:       0,
		MaxIdle:       workers,
		MaxTotal:      workers,
		RuntimeConfig: cfg,
		// pdfium reads files from memory only: give it no file system.
		FSConfig:     wazero.NewFSConfig(),
		Stdout:       discard{},
		Stderr:       discard{},
		ReuseWorkers: true,
	})
	if err != nil {
		return nil, document.Errorf(document.ErrInternal, "démarrage du lecteur PDF impossible : %w", err)
	}
	return &Engine{pool: pool, workers: workers}, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// compilationCache returns a cache of compiled WebAssembly under
// os.UserCacheDir()/depenses/wazero, or nil when it cannot be created.
func compilationCache() wazero.CompilationCache {
	base, err := os.UserCacheDir()
	if err != nil {
		return nil
	}
	dir := filepath.Join(base, "depenses", "wazero")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	cache, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil
	}
	return cache
}

// Close stops the pool. Calls still running finish first.
func (e *Engine) Close() error {
	if !e.closed.CompareAndSwap(false, true) {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pool.Close()
}

// session is one pdfium instance borrowed from the pool for one call.
type session struct {
	inst   pdfium.Pdfium
	killed atomic.Bool
}

// borrow takes an instance from the pool, waiting while all are busy.
// The returned release must be called once.
func (e *Engine) borrow(ctx context.Context) (*session, func(), error) {
	e.mu.RLock()
	if e.closed.Load() {
		e.mu.RUnlock()
		return nil, nil, document.Errorf(document.ErrInternal, "lecteur PDF fermé")
	}
	inst, err := e.pool.GetInstanceWithContext(ctx)
	if err != nil {
		e.mu.RUnlock()
		if ctx.Err() != nil {
			return nil, nil, contextError(ctx, 0)
		}
		return nil, nil, document.Errorf(document.ErrInternal, "lecteur PDF indisponible : %w", err)
	}
	s := &session{inst: inst}
	release := func() {
		if !s.killed.Load() {
			// Close returns the worker to the pool after closing any
			// document left open.
			if err := inst.Close(); err != nil {
				s.kill()
			}
		}
		e.mu.RUnlock()
	}
	return s, release, nil
}

// kill destroys the instance: a call running in it returns at once with
// an error, and the pool makes a fresh instance for the next caller.
func (s *session) kill() {
	if s.killed.CompareAndSwap(false, true) {
		_ = s.inst.Kill()
	}
}

// guard runs fn, killing the instance if ctx ends or timeout passes first.
// page is the 1-based page the work is for (0 for the whole document), for
// the error message. A panic inside pdfium or its bindings becomes
// ErrCorrupt and the instance, whose state is then unknown, is killed.
func (s *session) guard(ctx context.Context, timeout time.Duration, page int, fn func() error) (err error) {
	if s.killed.Load() {
		return document.Errorf(document.ErrInternal, "lecteur PDF interrompu")
	}
	gctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		gctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	if gctx.Err() != nil {
		return contextError(ctx, page)
	}
	stop := context.AfterFunc(gctx, s.kill)
	defer func() {
		stop()
		if r := recover(); r != nil {
			s.kill()
			err = document.Errorf(document.ErrCorrupt, "PDF illisible : erreur interne du lecteur (%v)", r)
			return
		}
		if s.killed.Load() {
			err = contextError(ctx, page)
		}
	}()
	return fn()
}

// contextError says why work stopped: the caller's context ended, or the
// time allowed for one page (or for opening the file) ran out.
func contextError(parent context.Context, page int) error {
	switch {
	case errors.Is(parent.Err(), context.Canceled):
		return document.Errorf(document.ErrTimeout, "lecture du PDF annulée : %w", parent.Err())
	case parent.Err() != nil:
		return document.Errorf(document.ErrTimeout, "délai dépassé pour lire le PDF : %w", parent.Err())
	}
	if page > 0 {
		return document.Errorf(document.ErrTimeout, "délai dépassé pour lire la page %d du PDF", page)
	}
	return document.Errorf(document.ErrTimeout, "délai dépassé pour ouvrir le PDF")
}
